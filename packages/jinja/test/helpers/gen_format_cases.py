#!/usr/bin/env python3
"""Writes test/fixtures/values/format-cases.json: format(value, spec) and printf-style `%` results
from CPython for pseudo-random specs (fill, align, sign, #, 0, width, grouping, precision, type)
over ints, floats (given as float.hex), bools and strings.
Run: /usr/bin/python3 packages/jinja/test/helpers/gen_format_cases.py"""
import json, math, os, random, sys
rng = random.Random(20261127)
vals = [0, 1, -1, 7, 42, -42, 255, 1234567, -1234567, 10**15, True, False, 0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 3.14159, 2.675, 1e-5, 1.5e-7, 1e16, 1.23456789e20, 1234.5678, -1234.5678, 0.1, 1/3, 100.0, float('inf'), float('-inf'), float('nan'), 'abc', '', 'héllo', 'a b']
fills = ['', '', '', '*', '0', ' ', '-', '<']
out = []
for i in range(1500):
    v = rng.choice(vals)
    spec = ''
    if rng.random() < 0.4:
        spec += rng.choice(fills) + rng.choice('<>=^')
    if rng.random() < 0.3: spec += rng.choice('+- ')
    if rng.random() < 0.15: spec += '#'
    if rng.random() < 0.2: spec += '0'
    if rng.random() < 0.5: spec += str(rng.randint(0, 15))
    if rng.random() < 0.25: spec += rng.choice(',_')
    if rng.random() < 0.5: spec += '.' + str(rng.randint(0, 12))
    if rng.random() < 0.7: spec += rng.choice('bcdeEfFgGnosxX%')
    pct = None
    if rng.random() < 0.5:
        # printf style
        conv = rng.choice('sdifFeEgGxXorc')
        flags = ''.join(rng.sample('-+ #0', rng.randint(0, 2)))
        w = str(rng.randint(1, 12)) if rng.random() < 0.5 else ''
        p = '.' + str(rng.randint(0, 10)) if rng.random() < 0.5 else ''
        pct = '%' + flags + w + p + conv
    try: r1 = ['ok', format(v, spec)]
    except Exception as e: r1 = ['err', type(e).__name__ + ': ' + str(e)]
    r2 = None
    if pct:
        try: r2 = ['ok', pct % (v,)]
        except Exception as e: r2 = ['err', type(e).__name__ + ': ' + str(e)]
    def enc(x):
        if isinstance(x, float):
            if math.isnan(x): return {'$f': 'nan'}
            if math.isinf(x): return {'$f': 'inf' if x > 0 else '-inf'}
            return {'$f': x.hex()}
        return x
    out.append({'v': enc(v), 'spec': spec, 'r1': r1, 'pct': pct, 'r2': r2})
path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'values', 'format-cases.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=0, ensure_ascii=False)
    f.write('\n')
print(len(out), 'cases written')
