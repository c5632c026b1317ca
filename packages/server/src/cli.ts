#!/usr/bin/env node
/**
 * `promptledger`: the one entry point for running and operating the service.
 */
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { systemActor } from './auth/actor.js';
import { AuthService } from './auth/service.js';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { type Database, openDatabase } from './db/database.js';
import { ROLES, type Role } from './db/schema.js';
import { backup } from './ops/backup.js';
import { deploy } from './ops/deploy.js';
import { stepReporter } from './ops/progress.js';
import { restore } from './ops/restore.js';
import { verify } from './ops/verify.js';
import { seed } from './seed/seed.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

const DEFAULT_BACKUP_DIR = './backups';

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/** Opens the configured database for a one-shot command and always closes it. */
async function withDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config().database);
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

const cliActor = () => systemActor(`cli:${os.userInfo().username}`);

async function serve(): Promise<void> {
  const cfg = config();
  const started = performance.now();
  const server = await startServer(cfg);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const out = process.stdout;
  out.write(
    `\nPrompt Ledger ${VERSION} is running at ${server.url} (${server.database.describe()}, ready in ${seconds} s)\n`,
  );
  out.write(`  Prompt Manager: ${server.url}/\n  API docs:       ${server.url}/docs\n`);
  if (server.firstAdminKey) {
    out.write(
      `\nFirst start: an admin API key was created. It is shown only now; store it somewhere safe:\n\n    ${server.firstAdminKey}\n\n` +
        // After '#': a fragment stays in the browser, so the key never reaches a server or proxy log.
        `Open the Prompt Manager signed in:\n\n    ${server.url}/#token=${server.firstAdminKey}\n\n` +
        'Make more keys with `promptledger keys create --role editor`.\n',
    );
  }
  out.write('\nPress Ctrl+C to stop.\n');
  const shutdown = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error during shutdown: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

function parseDay(value: string): string {
  const time = Date.parse(`${value}T00:00:00Z`);
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(time) &&
    new Date(time).toISOString().startsWith(value);
  if (!ok) throw new InvalidArgumentError('must be a date YYYY-MM-DD');
  return value;
}

function parseId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('promptledger')
  .version(VERSION)
  .description(
    'Prompt Ledger: versioned Jinja2 prompts for LLM trading signals, held to account by outcomes.',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP service (migrates and seeds a new database first)')
  .action(serve);

program
  .command('migrate')
  .description('apply pending database migrations (safe to run again)')
  .action(() =>
    withDatabase(async (db) => {
      const n = await stepReporter(1).step(
        `Migrating ${db.describe()}`,
        () => db.migrate(),
        (n) => `${n} applied;`,
      );
      process.stdout.write(
        n === 0 ? 'The database schema was already up to date.\n' : `Applied ${n} migration(s).\n`,
      );
    }),
  );

program
  .command('seed')
  .description('add the example strategy and the three default prompts where missing (safe to run again)')
  .action(() =>
    withDatabase(async (db) => {
      await db.migrate();
      const r = await seed(db);
      process.stdout.write(
        `Seeded ${r.prompts} prompt(s) and ${r.strategies} strateg${r.strategies === 1 ? 'y' : 'ies'}.\n`,
      );
    }),
  );

program
  .command('backup')
  .description('write a full SQL backup, backup_YYYYMMDD_HHMMSS.sql')
  .addOption(new Option('--dir <dir>', 'directory to write it to').default(DEFAULT_BACKUP_DIR))
  .action((opts: { dir: string }) =>
    withDatabase(async (db) => {
      const r = await stepReporter(1).step(`Backing up ${db.describe()}`, () => backup(db, opts.dir));
      process.stdout.write(`${r.file}\n`);
    }),
  );

program
  .command('restore')
  .description('replace the database with a backup (the rollback); the current state is backed up first')
  .argument('<file>', 'a backup_*.sql file written by `promptledger backup`')
  .addOption(
    new Option('--dir <dir>', 'where the safety backup of the current state goes').default(
      DEFAULT_BACKUP_DIR,
    ),
  )
  .action((file: string, opts: { dir: string }) =>
    withDatabase(async (db) => {
      const progress = stepReporter(2);
      const safety = await progress.step(
        'Backing up the current state',
        () => backup(db, opts.dir),
        (r) => `${r.file};`,
      );
      await progress.step(`Restoring ${file}`, () => restore(db, file));
      process.stdout.write(`Restored ${file}. To undo: promptledger restore ${safety.file}\n`);
    }),
  );

program
  .command('deploy')
  .description('backup → migrate → seed → verify, stopping at the first failure')
  .addOption(new Option('--backup-dir <dir>', 'where the pre-deploy backup goes').default(DEFAULT_BACKUP_DIR))
  .option('--url <url>', 'verify this running server instead of the configured address')
  .action(async (opts: { backupDir: string; url?: string }) => {
    if (!(await deploy(config(), opts))) process.exit(1);
  });

program
  .command('verify')
  .description('check a deployment: database, tables, seed data, API, UI, template engine')
  .option('--url <url>', 'the server to check (default: the configured HOST and PORT)')
  .action(async (opts: { url?: string }) => {
    if (!(await verify(config(), opts)).ok) process.exit(1);
  });

program
  .command('aggregate')
  .description(
    'bring the daily per-prompt-version performance rollup up to date (the scheduled job, on demand)',
  )
  .option('--from <day>', 'first UTC day to recompute (YYYY-MM-DD)', parseDay)
  .option('--to <day>', 'last UTC day to recompute (YYYY-MM-DD)', parseDay)
  .option('--full', 'recompute every day, not only the days whose signals changed')
  .action((opts: { from?: string; to?: string; full?: boolean }) =>
    withDatabase(async (db) => {
      const { RollupService } = await import('./analytics/rollup-service.js');
      const cliProgress = (await import('cli-progress')).default;
      await db.migrate();
      const bar = new cliProgress.SingleBar(
        {
          format: 'Aggregating [{bar}] {percentage}% | {value}/{total} days',
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 2000,
        },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const report = await new RollupService(db).run({
        ...opts,
        onProgress: (done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
      if (started) bar.stop();
      process.stdout.write(
        `${report.mode === 'full' ? 'Full' : 'Incremental'} rollup: ${report.days} day(s) recomputed in ${(report.ms / 1000).toFixed(1)} s.\n`,
      );
    }),
  );

program
  .command('generate')
  .description(
    'generate a trading signal with the configured LLM provider (LLM_PROVIDER; default: heuristic)',
  )
  .requiredOption('--symbol <symbol>', 'e.g. BTCUSDT')
  .option('--timeframes <list>', 'comma-separated, e.g. 1h,4h', '1h,4h')
  .option('--strategy <id>', 'strategy id (its own prompts are used where it has them)', parseId)
  .option('--context <file>', 'JSON file with current_price, indicators… (default: read from stdin if piped)')
  .action((opts: { symbol: string; timeframes: string; strategy?: number; context?: string }) =>
    withDatabase(async (db) => {
      const { runGenerate } = await import('./ops/generate.js');
      await runGenerate(db, config(), cliActor(), opts);
    }),
  );

const signals = program.command('signals').description('signal history');
signals
  .command('import')
  .description(
    'load signals (and their outcomes) from a CSV file: all rows or none, bad rows reported by line',
  )
  .argument('<file>', 'a CSV file with a header row (columns: symbol, direction, entry_price, stop_loss, …)')
  .action((file: string) =>
    withDatabase(async (db) => {
      const { importSignalCsv } = await import('./ops/import-signals.js');
      if (!(await importSignalCsv(db, cliActor(), file, config().breakevenEpsilon))) process.exitCode = 1;
    }),
  );

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create an API key and print it (once)')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
  .option('--name <name>', 'a name to recognise the key by', 'cli key')
  .action((opts: { role: Role; name: string }) =>
    withDatabase(async (db) => {
      const { key, token } = await new AuthService(db, undefined).createKey(cliActor(), opts);
      process.stderr.write(`Created ${key.role} key #${key.id} "${key.name}". It is shown only now:\n`);
      process.stdout.write(`${token}\n`);
    }),
  );
keys
  .command('list')
  .description('list API keys (never the keys themselves)')
  .action(() =>
    withDatabase(async (db) => {
      const rows = await new AuthService(db, undefined).listKeys();
      if (rows.length === 0)
        process.stdout.write('No API keys yet. Create one with: promptledger keys create --role admin\n');
      for (const k of rows) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active';
        const used = k.last_used_at ? `last used ${k.last_used_at.toISOString()}` : 'never used';
        process.stdout.write(`#${k.id}\t${k.role}\tpl_${k.prefix}_…\t${k.name}\t${state}, ${used}\n`);
      }
    }),
  );
keys
  .command('revoke')
  .description('revoke an API key by id')
  .argument('<id>', 'the key id shown by `keys list`', parseId)
  .action((id: number) =>
    withDatabase(async (db) => {
      const k = await new AuthService(db, undefined).revokeKey(cliActor(), id);
      process.stdout.write(`Revoked key #${k.id} "${k.name}".\n`);
    }),
  );

program.parseAsync().catch((err: unknown) => fail((err as Error).message));
