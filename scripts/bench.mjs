#!/usr/bin/env node
// Runs every benchmark in bench/ (or those named on the command line) one after another; each
// prints its own numbers and the baseline it compares against. Missed targets are reported, not fatal.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const benches = fs
  .readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== bench/${file} ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bench', file)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench/${file} crashed (exit ${r.status})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
