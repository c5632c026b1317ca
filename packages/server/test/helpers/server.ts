import type { Config } from '../../src/config/config.js';
import { loadLlmConfig } from '../../src/llm/config.js';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.js';
import { createTestDatabase, type DriverKind, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer {
  server: RunningServer;
  url: string;
  db: TestDatabase;
  /** An HTTP request to the running server; `key` becomes the bearer token. */
  request(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; json: () => unknown; text: string }>;
  /** Creates an API key of a role through the API and returns it. */
  keyFor(role: 'viewer' | 'editor' | 'admin'): Promise<string>;
  stop(): Promise<void>;
}

export function testConfig(db: TestDatabase, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    database: db.config,
    dataDir: db.dataDir ?? '/nonexistent',
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    breakevenEpsilon: 0.05,
    llm: loadLlmConfig({}),
    rollupCron: null,
    templates: { workers: 2, deadlineMs: 1000 },
    logFormat: 'json',
    trustProxy: false,
    limits: { authFailures: 10, authFailureWindowMs: 60_000, rendersInFlightPerKey: 8 },
    ...overrides,
  };
}

/** A real server listening on a loopback port, on a fresh database of the given kind. */
export async function startTestServer(
  kind: DriverKind,
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const db = await createTestDatabase(kind);
  const server = await startServer(testConfig(db, overrides), options);
  const request: TestServer['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  return {
    server,
    url: server.url,
    db,
    request,
    async keyFor(role) {
      const res = await request('POST', '/api/v1/keys', {
        key: ADMIN_TOKEN,
        body: { name: `${role} key`, role },
      });
      if (res.status !== 201) throw new Error(`could not create a ${role} key: ${res.text}`);
      return (res.json() as { token: string }).token;
    },
    async stop() {
      await server.close();
      await db.drop();
    },
  };
}
