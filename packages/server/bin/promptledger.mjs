#!/usr/bin/env node
// npm links a bin only when its target exists at install time, and dist/ is built after
// `npm ci`: this file is in the repository so `npx promptledger` is linked in a fresh clone.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'promptledger is not built yet: run `npm run build` at the repository root (it compiles packages/*/dist), then try again.\n',
  );
  process.exit(1);
}
await import(cli.href);
