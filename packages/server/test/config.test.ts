import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

const cli = path.resolve(import.meta.dirname, '../dist/cli.js');

describe('configuration', () => {
  it('has sensible defaults: port 8000 on 127.0.0.1, embedded database in ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database).toEqual({ kind: 'pglite', dataDir: path.resolve('./data') });
    expect(c.logLevel).toBe('info');
    expect(c.adminToken).toBeUndefined();
    expect(c.trustProxy).toBe(false);
    expect(c.limits).toEqual({ authFailures: 10, authFailureWindowMs: 60_000, rendersInFlightPerKey: 8 });
  });

  it('reads the limits and which proxies to trust', () => {
    const c = loadConfig({
      PROMPTLEDGER_AUTH_FAILURE_LIMIT: '25',
      PROMPTLEDGER_RENDER_CONCURRENCY: '2',
      PROMPTLEDGER_TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
    });
    expect(c.limits).toMatchObject({ authFailures: 25, rendersInFlightPerKey: 2 });
    expect(c.trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(loadConfig({ PROMPTLEDGER_TRUST_PROXY: 'on' }).trustProxy).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set, and treats blank values as unset', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      PORT: ' ',
      PROMPTLEDGER_DATA_DIR: '/srv/pl',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db:5432/x' });
    expect(c.port).toBe(8000);
    expect(c.dataDir).toBe('/srv/pl');
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must be an integer between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ PROMPTLEDGER_ADMIN_TOKEN: 'short' }, /PROMPTLEDGER_ADMIN_TOKEN must be at least 16 characters long/],
    [{ PROMPTLEDGER_AUTH_FAILURE_LIMIT: '0' }, /PROMPTLEDGER_AUTH_FAILURE_LIMIT must be a positive integer/],
    [
      { PROMPTLEDGER_RENDER_CONCURRENCY: 'many' },
      /PROMPTLEDGER_RENDER_CONCURRENCY must be a positive integer/,
    ],
    [
      { PROMPTLEDGER_TRUST_PROXY: 'maybe' },
      /PROMPTLEDGER_TRUST_PROXY must be off, on, or a comma-separated list/,
    ],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('stops start-up with one line on stderr and exit code 2', () => {
    const r = spawnSync(process.execPath, [cli, 'serve'], {
      env: { ...process.env, PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: Invalid configuration: PORT must be an integer between 0 and 65535 (got "eighty")',
    ]);
  });
});
