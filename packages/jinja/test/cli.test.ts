import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePyJson } from '../bin/pyjson.js';
import { isFloat, PyFloat } from '../src/values.js';

const CLI = resolve(__dirname, '..', 'bin', 'promptledger-jinja.ts');
const TSX = resolve(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');

function cli(args: string[], input = ''): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(TSX, [CLI, ...args], { input, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('pyjson', () => {
  it('keeps Python int/float distinction and key order', () => {
    const v = parsePyJson('{"b": 43.0, "1": 2, "a": [1e3, -0.5, "x\\u00e9"], "n": null}') as Map<
      string,
      unknown
    >;
    expect([...v.keys()]).toEqual(['b', '1', 'a', 'n']);
    expect(v.get('b')).toBeInstanceOf(PyFloat);
    expect(v.get('1')).toBe(2);
    const a = v.get('a') as unknown[];
    expect(isFloat(a[0])).toBe(true);
    expect(a[2]).toBe('xé');
    expect(() => parsePyJson('{"a": }')).toThrow();
    expect(() => parsePyJson('[1] x')).toThrow();
  });
});

describe('promptledger-jinja CLI', () => {
  it('renders batches line by line, in order, reporting errors per line', () => {
    const input = [
      JSON.stringify({ id: 'a', template: '{{ x }}|{{ y }}', context: { y: 'z' } }).replace(
        '{"y"',
        '{"x":43.0,"y"',
      ),
      'not json',
      JSON.stringify({ id: 'b', template: '\n{{ 1/0 }}' }),
      JSON.stringify({
        id: 'c',
        template: '{% include "t" %}',
        options: { templates: { t: 'T{{ v }}' } },
        context: { v: 1 },
      }),
      JSON.stringify({ id: 'd', template: '{{ x }}', options: { undefined: 'strict' } }),
      JSON.stringify({
        id: 'e',
        template: '{% for i in range(100) %}{% endfor %}',
        options: { limits: { fuel: 10 } },
      }),
      JSON.stringify({ id: 'f', template: '{% if %}' }),
      JSON.stringify({ id: 'g', template: "{{ ''.__class__.__mro__ }}" }),
      JSON.stringify({
        id: 'h',
        template: '{% for i in [1, 2, 3] %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}',
        options: { extensions: ['jinja2.ext.loopcontrols'] },
      }),
      JSON.stringify({ id: 'i', template: '', options: { extensions: ['jinja2.ext.do'] } }),
    ].join('\n');
    const { stdout, status } = cli(['--batch'], `${input}\n`);
    expect(status).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toEqual({ id: 'a', output: '43.0|z' });
    expect(lines[1].id).toBeNull();
    expect(lines[1].error.type).toBe('runtime');
    expect(lines[2]).toEqual({
      id: 'b',
      error: { type: 'runtime', message: 'division by zero', line: 2, column: 4 },
    });
    expect(lines[3]).toEqual({ id: 'c', output: 'T1' });
    expect(lines[4].error.type).toBe('undefined');
    expect(lines[5].error.type).toBe('limit');
    expect(lines[6].error).toMatchObject({ type: 'syntax', line: 1 });
    expect(lines[7].error.type).toBe('security');
    expect(lines[8]).toEqual({ id: 'h', output: '1' });
    expect(lines[9].error.message).toBe('unsupported extension "jinja2.ext.do"');
  });

  it('renders a single file with a context file and supports --version/--help', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-jinja-'));
    writeFileSync(join(dir, 'main.j2'), "{% include 'part.j2' %} {{ price }}");
    writeFileSync(join(dir, 'part.j2'), 'Hello {{ name }}');
    writeFileSync(join(dir, 'ctx.json'), '{"name": "Ada", "price": 10.0}');
    const r = cli([join(dir, 'main.j2'), '--context', join(dir, 'ctx.json')]);
    expect(r.stdout).toBe('Hello Ada 10.0');
    expect(r.status).toBe(0);
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cli(['--help']).stdout).toContain('--batch');
    writeFileSync(join(dir, 'loop.j2'), '{% for i in [1, 2] %}{{ i }}{% break %}{% endfor %}');
    expect(cli([join(dir, 'loop.j2'), '--loop-controls']).stdout).toBe('1');
    const bad = cli([join(dir, 'missing.j2')]);
    expect(bad.status).toBe(1);
    // Five tsx start-ups in a row: ~3 s each when the shared 2-core machine is loaded.
  }, 60_000);
});
