import type { Config } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { seed } from '../seed/seed.js';
import { backup, hasSchema } from './backup.js';
import { stepReporter } from './progress.js';
import { verify } from './verify.js';

/**
 * backup → migrate → seed → verify, stopping at the first failure. The backup comes first so
 * that `promptledger restore <file>` can undo whatever the later steps did.
 */
export async function deploy(config: Config, options: { backupDir: string; url?: string }): Promise<boolean> {
  const progress = stepReporter(4);
  const database = await openDatabase(config.database);
  progress.info(`Deploying to ${database.describe()}`);
  try {
    await progress.step(
      'Backing up',
      async () => ((await hasSchema(database)) ? backup(database, options.backupDir) : undefined),
      (r) => (r ? `${r.file} (${(r.bytes / 1024).toFixed(1)} KiB)` : 'new database, nothing to back up;'),
    );
    await progress.step(
      'Migrating',
      () => database.migrate(),
      (n) => `${n} migration${n === 1 ? '' : 's'} applied;`,
    );
    await progress.step(
      'Seeding',
      () => seed(database),
      (r) =>
        `${r.prompts} prompt${r.prompts === 1 ? '' : 's'} and ${r.strategies} strateg${r.strategies === 1 ? 'y' : 'ies'} added;`,
    );
  } finally {
    await database.close();
  }
  progress.info('[4/4] Verifying…');
  const { ok } = await verify(config, { url: options.url });
  progress.info(ok ? 'Deployment complete.' : 'Deployment FAILED verification (see ✗ above).');
  return ok;
}
