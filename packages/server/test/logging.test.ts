import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { loggerOptions } from '../src/config/logging.js';
import { captureLogs } from './helpers/log-lines.js';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('logs', () => {
  it('are JSON when stdout is not a terminal, readable when it is, and LOG_FORMAT can say which', () => {
    expect(loadConfig({}, { isTTY: false }).logFormat).toBe('json');
    expect(loadConfig({}, {}).logFormat).toBe('json');
    expect(loadConfig({}, { isTTY: true }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }, { isTTY: true }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, { isTTY: false }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be one of auto, json, pretty/);
  });

  it('off a terminal, every line the service writes is one JSON object', async () => {
    const logs = captureLogs();
    const app = Fastify({
      logger: loggerOptions(loadConfig({ LOG_LEVEL: 'info' }, { isTTY: false }), logs.stream),
    });
    app.log.info({ prompt_id: 7 }, 'rendered');
    app.log.warn('careful');
    await app.close();
    const entries = logs.entries();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries).toContainEqual(expect.objectContaining({ level: 30, msg: 'rendered', prompt_id: 7 }));
    expect(entries).toContainEqual(expect.objectContaining({ level: 40, msg: 'careful' }));
  });

  it('on a terminal, lines are pino-pretty text, not JSON', async () => {
    const logs = captureLogs();
    const app = Fastify({
      logger: loggerOptions(loadConfig({ LOG_LEVEL: 'info' }, { isTTY: true }), logs.stream),
    });
    app.log.info({ prompt_id: 7 }, 'rendered');
    await app.close();
    const line = logs.raw.find((l) => l.includes('rendered'));
    expect(line).toMatch(/INFO.*rendered/);
    expect(() => JSON.parse(line!)).toThrow();
  });

  it('the terminal decision is made in one place: config.ts reads isTTY, logging.ts alone uses pino-pretty', () => {
    const files = sourceFiles(SRC).map((f) => [path.relative(SRC, f), fs.readFileSync(f, 'utf8')] as const);
    expect(files.filter(([, text]) => /stdout\.isTTY/.test(text)).map(([f]) => f)).toEqual([
      'config/config.ts',
    ]);
    expect(files.filter(([, text]) => text.includes('pino-pretty')).map(([f]) => f)).toEqual([
      'config/logging.ts',
    ]);
  });
});
