#!/usr/bin/env node
// Builds what `npm start`, `npm test` and `npm run bench` need, skipping what is already up to date:
// TypeScript project references (incremental) and the web bundle (only when its sources changed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (label, cmd, args, cwd = root) => {
  const started = performance.now();
  process.stderr.write(`build: ${label}… `);
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    process.stderr.write('FAILED\n');
    process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    process.exit(1);
  }
  process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
};

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    if (full.includes(`${path.sep}dist${path.sep}`) || full.includes('node_modules')) continue;
    newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

run('type-checking and compiling packages/jinja and packages/server', bin('tsc'), ['-b']);
const web = path.join(root, 'packages/web');
const builtIndex = path.join(web, 'dist/index.html');
const sources = Math.max(
  newestMtime(path.join(web, 'src')),
  fs.statSync(path.join(web, 'index.html')).mtimeMs,
  fs.statSync(path.join(web, 'vite.config.ts')).mtimeMs,
);
if (
  !fs.existsSync(builtIndex) ||
  fs.statSync(builtIndex).mtimeMs < sources ||
  process.argv.includes('--force')
) {
  run('type-checking packages/web', bin('tsc'), ['-p', 'packages/web']);
  run('bundling packages/web (vite)', bin('vite'), ['build', '--logLevel', 'warn'], web);
} else {
  process.stderr.write('build: packages/web is up to date\n');
}
