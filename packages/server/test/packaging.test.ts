import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
};

interface Manifest {
  name: string;
  bin?: Record<string, string>;
  engines?: { node?: string };
  workspaces?: string[];
}
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

const root = readJson<Manifest>(path.join(ROOT, 'package.json'));
const workspaces = (root.workspaces ?? []).map((dir) => ({
  dir,
  manifest: readJson<Manifest>(path.join(ROOT, dir, 'package.json')),
}));
const bins = workspaces.flatMap(({ dir, manifest }) =>
  Object.entries(manifest.bin ?? {}).map(([name, target]) => ({ name, file: path.join(dir, target) })),
);

/** The oldest Node the project supports (README, root engines): every installed package must run on it. */
const NODE_FLOOR = '20.19.0';

/** Every package in a lockfile whose `engines.node` does not admit the floor. */
function packagesRefusingNode(lock: { packages: Record<string, { version?: string; engines?: unknown }> }) {
  return Object.entries(lock.packages).flatMap(([where, pkg]) => {
    const range = (pkg.engines as { node?: string } | undefined)?.node;
    if (typeof range !== 'string' || semver.satisfies(NODE_FLOOR, range)) return [];
    return [`${where}@${pkg.version}: node ${range}`];
  });
}

describe('what npm installs', () => {
  it('the root engines floor is the one checked here', () => {
    expect(semver.satisfies(NODE_FLOOR, root.engines?.node ?? '')).toBe(true);
    expect(semver.satisfies('20.18.0', root.engines?.node ?? '')).toBe(false);
  });

  it('every bin of every workspace is an executable file tracked by git (npm links only what exists at install)', () => {
    expect(bins.map((b) => b.name).sort()).toEqual(['promptledger', 'promptledger-jinja']);
    for (const { name, file } of bins) {
      const staged = execFileSync('git', ['ls-files', '--stage', '--', file], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(staged, `${name} → ${file} is not tracked by git`).toMatch(/^100755 /);
    }
  });

  it('each bin runs through node_modules/.bin after the build', () => {
    for (const { name } of bins) {
      const link = path.join(ROOT, 'node_modules', '.bin', name);
      expect(fs.existsSync(link), `${link} missing: run npm ci`).toBe(true);
      const run = spawnSync(link, ['--version'], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, `${name} --version: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('a bin run before the build says to build, instead of a module-not-found trace', () => {
    for (const { name, file } of bins) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bin-'));
      try {
        const copy = path.join(dir, 'bin', path.basename(file));
        fs.mkdirSync(path.dirname(copy));
        fs.copyFileSync(path.join(ROOT, file), copy);
        const run = spawnSync(process.execPath, [copy, '--version'], { encoding: 'utf8' });
        expect(run.status, name).toBe(1);
        expect(run.stderr).toContain('npm run build');
        expect(run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it(`every package in package-lock.json admits Node ${NODE_FLOOR} (npm ci prints no EBADENGINE)`, () => {
    const lock = readJson<Parameters<typeof packagesRefusingNode>[0]>(path.join(ROOT, 'package-lock.json'));
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
    expect(packagesRefusingNode(lock)).toEqual([]);
  });
});
