import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { startServer } from '../src/server.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';
import { exited, spawnServe } from './helpers/process.js';

describe.each(DRIVERS)('API keys from the CLI on %s', (kind) => {
  it('keys create prints a working key once; list shows it without the secret; revoke stops it', async () => {
    const db = await createTestDatabase(kind);
    const env = cliEnv(db);
    try {
      const created = await runCli(['keys', 'create', '--role', 'editor', '--name', 'trading bot'], env);
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(/^pl_[0-9a-f]{8}_[0-9a-f]{40}$/);
      expect(created.stderr).toMatch(/Created editor key #\d+ "trading bot"/);

      const listed = await runCli(['keys', 'list'], env);
      expect(listed.stdout).toMatch(/#\d+\teditor\tpl_[0-9a-f]{8}_…\ttrading bot\tactive, never used/);
      expect(listed.stdout).not.toContain(token.slice(12));

      const server = await startServer({ ...loadConfig(env), logLevel: 'silent' });
      try {
        const post = await fetch(`${server.url}/api/v1/strategies`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'from the bot' }),
        });
        expect(post.status).toBe(201);
      } finally {
        await server.close();
      }
      const id = /#(\d+)/.exec(created.stderr)![1]!;
      const revoked = await runCli(['keys', 'revoke', id], env);
      expect(revoked.stdout).toContain(`Revoked key #${id} "trading bot".`);
      expect((await runCli(['keys', 'list'], env)).stdout).toMatch(/trading bot\trevoked/);
      expect((await runCli(['keys', 'create', '--role', 'root'], env)).stderr).toMatch(
        /must be one of viewer, editor, admin/,
      );
    } finally {
      await db.drop();
    }
  });

  it('first start without an admin token prints a new admin key and a sign-in link, once', async () => {
    const db = await createTestDatabase(kind);
    const env = cliEnv(db);
    try {
      const first = await spawnServe(env);
      const m =
        /First start: an admin API key was created[\s\S]*?\n\s+(pl_\S+)\n[\s\S]*?(http:\/\/\S+\/#token=pl_\S+)/.exec(
          first.stdout(),
        );
      expect(m).not.toBeNull();
      const key = m![1]!;
      expect(m![2]).toBe(`${first.url}/#token=${key}`);
      expect(first.stdout()).not.toContain('?token=');
      const keys = await fetch(`${first.url}/api/v1/keys`, { headers: { authorization: `Bearer ${key}` } });
      expect(keys.status).toBe(200);
      first.child.kill('SIGTERM');
      await exited(first.child);

      const second = await spawnServe(env);
      await new Promise((r) => setTimeout(r, 200));
      expect(second.stdout()).not.toContain('First start');
      second.child.kill('SIGTERM');
      await exited(second.child);
    } finally {
      await db.drop();
    }
  });
});
