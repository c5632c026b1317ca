import path from 'node:path';
import { z } from 'zod';
import { type LlmConfig, loadLlmConfig } from '../llm/config.js';
import { parseEnv } from './env.js';
import { ConfigError } from './error.js';

export { ConfigError };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z
  .string()
  .regex(/^\d+$/, 'must be an integer between 0 and 65535')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be an integer between 0 and 65535');

const positiveInt = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, 'must be a positive integer')
  .transform(Number);

const envSchema = z.object({
  PORT: port.default(8000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  PROMPTLEDGER_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  PROMPTLEDGER_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters long').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  PROMPTLEDGER_BREAKEVEN_EPSILON: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number from 0 to 1')
    .transform(Number)
    .refine((n) => n <= 1, 'must be a number from 0 to 1')
    .default(0.05),
  PROMPTLEDGER_TEMPLATE_WORKERS: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a whole number of worker threads from 1 to 999')
    .transform(Number)
    .optional(),
  PROMPTLEDGER_TEMPLATE_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of milliseconds from 50 to 60000')
    .transform(Number)
    .refine((n) => n >= 50 && n <= 60_000, 'must be a whole number of milliseconds from 50 to 60000')
    .default(1000),
  PROMPTLEDGER_ROLLUP_CRON: z
    .string()
    .regex(/^(off|\S+( \S+){4})$/, 'must be a 5-field cron expression (UTC), e.g. "15 0 * * *", or off')
    .default('15 0 * * *'),
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'], { error: 'must be one of auto, json, pretty' })
    .default('auto'),
  PROMPTLEDGER_TRUST_PROXY: z
    .string()
    .regex(
      /^(off|on|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      'must be off, on, or a comma-separated list of proxy addresses or CIDR ranges',
    )
    .default('off'),
  PROMPTLEDGER_AUTH_FAILURE_LIMIT: positiveInt.default(10),
  PROMPTLEDGER_RENDER_CONCURRENCY: positiveInt.default(8),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFormat = 'json' | 'pretty';

export interface Limits {
  /** Failed authentications allowed per client IP, and per key prefix, in each window. */
  authFailures: number;
  authFailureWindowMs: number;
  /** Renders, validations and generations one key may have in flight at once. */
  rendersInFlightPerKey: number;
}

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Directory of the embedded store's files (the database, its lock); also used for defaults. */
  dataDir: string;
  adminToken: string | undefined;
  logLevel: LogLevel;
  /** A closed trade is breakeven when |R| ≤ this (default 0.05). */
  breakevenEpsilon: number;
  /** When the daily performance rollup runs (cron, UTC); null = never on a schedule. */
  rollupCron: string | null;
  /** Template worker threads (default: one per core) and the hard deadline of one template task. */
  templates: { workers: number | undefined; deadlineMs: number };
  /** JSON lines for machines, or human-readable when stdout is a terminal (decided here only). */
  logFormat: LogFormat;
  /**
   * Whose X-Forwarded-For to believe: false (the default) uses the socket's address, so a client
   * cannot pick its own address to dodge the per-IP limits; true or a list of proxy addresses.
   */
  trustProxy: boolean | string;
  limits: Limits;
  /** Which LLM answers the signal pipeline (LLM_PROVIDER and friends; see llm/config.ts). */
  llm: LlmConfig;
}

/** The one configuration loader (rules for reading variables: config/env.ts). */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean } = process.stdout,
): Config {
  const e = parseEnv(envSchema, env);
  const dataDir = path.resolve(e.PROMPTLEDGER_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir },
    dataDir,
    adminToken: e.PROMPTLEDGER_ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    breakevenEpsilon: e.PROMPTLEDGER_BREAKEVEN_EPSILON,
    rollupCron: e.PROMPTLEDGER_ROLLUP_CRON === 'off' ? null : e.PROMPTLEDGER_ROLLUP_CRON,
    templates: { workers: e.PROMPTLEDGER_TEMPLATE_WORKERS, deadlineMs: e.PROMPTLEDGER_TEMPLATE_TIMEOUT_MS },
    logFormat: e.LOG_FORMAT === 'auto' ? (stdout.isTTY ? 'pretty' : 'json') : e.LOG_FORMAT,
    trustProxy:
      e.PROMPTLEDGER_TRUST_PROXY === 'off'
        ? false
        : e.PROMPTLEDGER_TRUST_PROXY === 'on'
          ? true
          : e.PROMPTLEDGER_TRUST_PROXY,
    limits: {
      authFailures: e.PROMPTLEDGER_AUTH_FAILURE_LIMIT,
      authFailureWindowMs: 60_000,
      rendersInFlightPerKey: e.PROMPTLEDGER_RENDER_CONCURRENCY,
    },
    llm: loadLlmConfig(env),
  };
}

/** A URL the user can open; 0.0.0.0 and :: are bind-all addresses, not places to browse to. */
export function publicBaseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}
