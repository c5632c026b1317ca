import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';

describe.each(DRIVERS)('promptledger deploy and verify on %s', (kind) => {
  it('deploy migrates, seeds and verifies a new database; a second deploy backs up first and changes nothing', async () => {
    const db = await createTestDatabase(kind, { migrated: false });
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-deploy-'));
    const env = cliEnv(db);
    try {
      const first = await runCli(['deploy'], env, cwd);
      expect(first.stderr).toMatch(/\[1\/4\] Backing up… new database, nothing to back up; done/);
      expect(first.stderr).toMatch(/\[2\/4\] Migrating… \d+ migrations applied; done/);
      expect(first.stderr).toMatch(/\[3\/4\] Seeding… 3 prompts and 1 strategy added; done/);
      expect(first.stdout).toContain('All 8 checks passed.');
      expect(first.code).toBe(0);

      const second = await runCli(['deploy', '--backup-dir', 'bk'], env, cwd);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/\[1\/4\] Backing up… .*backup_\d{8}_\d{6}\.sql/);
      expect(second.stderr).toMatch(/0 migrations applied/);
      expect(second.stderr).toMatch(/0 prompts and 0 strategies added/);
      expect(fs.readdirSync(path.join(cwd, 'bk'))).toHaveLength(1);

      const verify = await runCli(['verify'], env, cwd);
      expect(verify.code).toBe(0);
      for (const check of [
        'database reachable',
        'tables exist — all 9',
        'seed data loaded (≥ 3 prompts) — 3 prompts',
        'UI answers (GET /)',
        'template engine loads',
      ]) {
        expect(verify.stdout).toContain(`✓ ${check}`);
      }
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('verify fails with ✗ lines and exit 1 on a database that was never deployed', async () => {
    const db = await createTestDatabase(kind, { migrated: false });
    try {
      const r = await runCli(['verify'], cliEnv(db));
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✗ tables exist — missing: strategies, prompt_templates/);
      expect(r.stdout).toMatch(/✗ seed data loaded/);
      expect(r.stdout).toMatch(/checks failed\./);
    } finally {
      await db.drop();
    }
  });
});
