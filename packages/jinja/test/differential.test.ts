/**
 * Differential test: every case of `test/differential/corpus/*.jsonl` is rendered by CPython
 * Jinja2 (the oracle) and by our batch CLI; outputs must be byte-identical and errors must agree on
 * type and line. Allowed exceptions: ids in docs/differences.md (justified permanent differences)
 * and ids in test/differential/known-mismatches.json (open engine bugs, kept visible).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type Case,
  compareOne,
  countByCategory,
  type DifferentialRun,
  engineCommand,
  formatMismatch,
  loadAcceptedDifferences,
  loadCorpus,
  loadKnownMismatches,
  makeCase,
  oracleAvailable,
  PyFloatLiteral,
  pyJson,
  runBatch,
  runDifferential,
} from './differential/harness.js';

const hasOracle = oracleAvailable();
const inCI = Boolean(process.env.CI);

if (!hasOracle) {
  if (inCI) {
    test('the CPython Jinja2 oracle is installed', () => {
      expect.fail('`/usr/bin/python3 -c "import jinja2"` fails: install python3-jinja2 (apt) in CI');
    });
  } else {
    console.warn(
      '\n!!!!!!!!!! differential.test.ts SKIPPED: /usr/bin/python3 cannot import jinja2 ' +
        '(apt-get install -y python3-jinja2). The engine is NOT being checked against CPython. !!!!!!!!!!\n',
    );
  }
}

describe.skipIf(!hasOracle)('differential corpus: our engine vs CPython Jinja2', () => {
  const cases: Case[] = loadCorpus();
  const accepted = loadAcceptedDifferences();
  const known = new Map(loadKnownMismatches().corpus.map((k) => [k.id, k.reason]));
  let run: DifferentialRun;

  beforeAll(async () => {
    run = await runDifferential(cases);
  }, 300_000);

  test('the corpus has at least 300 cases with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  test('the oracle answered every case', () => {
    const missing = run.expected.filter((r) => r.error?.type === 'no-result');
    expect(missing.map((r) => r.id)).toEqual([]);
  });

  test('no mismatches beyond the accepted differences and the known open ones', () => {
    const unexpected = run.mismatches.filter((m) => !accepted.has(m.id) && !known.has(m.id));
    const acceptedHit = run.mismatches.filter((m) => accepted.has(m.id)).length;
    const knownHit = run.mismatches.filter((m) => known.has(m.id)).length;
    console.log(
      `differential: ${cases.length} cases, ${unexpected.length} mismatches, ${acceptedHit} accepted, ` +
        `${knownHit} known-open; all by category ${JSON.stringify(countByCategory(run.mismatches))} ` +
        `(oracle ${Math.round(run.oracleMs)} ms, engine ${Math.round(run.engineMs)} ms)`,
    );
    const agreeing = [...accepted.keys()].filter((id) => !run.mismatches.some((m) => m.id === id));
    if (agreeing.length > 0) {
      console.warn(
        `docs/differences.md lists ids that now agree with CPython (remove them): ${agreeing.join(', ')}`,
      );
    }
    const fixed = [...known.keys()].filter((id) => !run.mismatches.some((m) => m.id === id));
    if (fixed.length > 0) {
      console.warn(`known-mismatches.json lists ids that now match (remove them): ${fixed.join(', ')}`);
    }
    if (unexpected.length > 0) {
      expect.fail(
        `${unexpected.length} mismatch(es) against CPython Jinja2:\n\n${unexpected
          .slice(0, 40)
          .map(formatMismatch)
          .join('\n\n')}${unexpected.length > 40 ? `\n\n… and ${unexpected.length - 40} more` : ''}`,
      );
    }
  });

  test('every accepted difference names a corpus case', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect([...accepted.keys()].filter((id) => !ids.has(id) && !id.startsWith('gen-'))).toEqual([]);
  });
});

describe('harness self-checks', () => {
  test('pyJson keeps the int/float distinction', () => {
    expect(pyJson({ a: 43, b: new PyFloatLiteral(43), c: new PyFloatLiteral(-0), d: [1.5, null, 'x'] })).toBe(
      '{"a":43,"b":43.0,"c":-0.0,"d":[1.5,null,"x"]}',
    );
  });

  test('comparison rules: output byte for byte, errors by type and line', () => {
    const c = makeCase('x', '{{ x }}');
    const err = (type: string, line: number | null) => ({
      id: 'x',
      error: { type, message: 'm', line, column: null },
    });
    expect(compareOne(c, { id: 'x', output: 'a' }, { id: 'x', output: 'a' })).toBeUndefined();
    expect(compareOne(c, { id: 'x', output: 'a' }, { id: 'x', output: 'a ' })?.category).toBe('output');
    expect(compareOne(c, err('runtime', 2), err('runtime', 2))).toBeUndefined();
    expect(
      compareOne(c, err('runtime', 2), {
        ...err('runtime', 2),
        error: { ...err('runtime', 2).error, message: 'other' },
      }),
    ).toBeUndefined();
    expect(compareOne(c, err('runtime', 2), err('runtime', 3))?.category).toBe('error-line');
    expect(compareOne(c, err('runtime', 2), err('undefined', 2))?.category).toBe('error-type');
    expect(compareOne(c, err('runtime', null), err('runtime', 7))).toBeUndefined();
    expect(compareOne(c, err('syntax', 1), { id: 'x', output: '' })?.category).toBe(
      'expected-error-got-output',
    );
    expect(compareOne(c, { id: 'x', output: '' }, undefined)?.category).toBe('no-result');
  });
});

describe('batch CLI contract', () => {
  test('one answer per line, in order; bad JSON gets an error line and the rest go on; 43.0 stays a float', async () => {
    const good = makeCase('a', '{{ x }}|{{ x is float }}', { x: new PyFloatLiteral(43) });
    const bad: Case = { ...makeCase('bad', ''), json: '{not json' };
    const third = makeCase('c', '{{ 1 / 0 }}');
    const results = await runBatch(engineCommand(), [good, bad, third], { timeoutMs: 60_000 });
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({ id: 'a', output: '43.0|True' });
    expect(results[1]?.error).toBeDefined();
    expect(results[1]?.error?.type).not.toBe('no-result');
    expect(results[2]?.id).toBe('c');
    expect(results[2]?.error?.type).toBe('runtime');
    expect(results[2]?.error?.line).toBe(1);
  }, 120_000);
});
