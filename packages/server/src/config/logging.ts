import type { FastifyServerOptions } from 'fastify';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

/**
 * The service's logger: JSON lines (one object a line, for collectors) or, when `config.logFormat`
 * says so (stdout is a terminal, decided in loadConfig), pino-pretty's readable lines. Pretty
 * printing runs in-process and synchronously: no transport worker to lose lines at exit.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination: NodeJS.WritableStream = process.stdout,
): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  const stream =
    config.logFormat === 'pretty'
      ? pretty({
          destination,
          sync: true,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname',
        })
      : destination;
  return { level: config.logLevel, stream };
}
