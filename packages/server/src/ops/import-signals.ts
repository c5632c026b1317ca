import fs from 'node:fs';
import cliProgress from 'cli-progress';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { parseSignalCsv } from '../signals/csv.js';
import { SignalService } from '../signals/service.js';

const MAX_SHOWN = 50;

/** `promptledger signals import FILE.csv`: check every row, then load all of them in one transaction. */
export async function importSignalCsv(
  database: Database,
  actor: Actor,
  file: string,
  breakevenEpsilon: number,
): Promise<boolean> {
  const out = process.stderr;
  const { rows, problems } = parseSignalCsv(fs.readFileSync(file, 'utf8'));
  const report = (list: { line: number; message: string }[]) => {
    for (const p of list.slice(0, MAX_SHOWN)) out.write(`  line ${p.line}: ${p.message}\n`);
    if (list.length > MAX_SHOWN) out.write(`  … and ${list.length - MAX_SHOWN} more\n`);
    out.write(`Nothing was imported: fix the ${list.length} problem(s) above and run it again.\n`);
  };
  if (problems.length > 0) {
    out.write(`${file}: ${problems.length} problem(s) in ${rows.length + problems.length} row(s):\n`);
    report(problems);
    return false;
  }
  if (rows.length === 0) {
    out.write(`${file} has no rows to import.\n`);
    return true;
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'Importing signals [{bar}] {percentage}% | {value}/{total} rows',
      stream: out,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  await database.migrate();
  bar.start(rows.length, 0);
  const result = await new SignalService(database, breakevenEpsilon).importRows(actor, rows, (done) =>
    bar.update(done),
  );
  bar.stop();
  await database.refreshStatistics();
  if ('problems' in result) {
    report(result.problems);
    return false;
  }
  process.stdout.write(`Imported ${result.imported} signal(s), ${result.closed} with an outcome.\n`);
  return true;
}
