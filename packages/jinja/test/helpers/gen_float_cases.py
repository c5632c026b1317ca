#!/usr/bin/env python3
"""Writes test/fixtures/values/float-cases.json: Python's float repr, %-formatting and round() for a fixed
pseudo-random sample of doubles (ties, tiny, huge, integral, negative), so the JS port can be checked
digit for digit. Run: /usr/bin/python3 packages/jinja/test/helpers/gen_float_cases.py"""
import json
import os
import random
import struct

rng = random.Random(20240607)
values = [0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 2.675, 1.005, 1e-5, 1e16, 1e15, 123456789.125, 5e-324,
          1.7976931348623157e308, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 100.0, -0.0, 1e22, 1e21, 9.5, 10.5, 0.05,
          0.45, 0.055, 1234.5, 99.995, 4.35, 8.345, 1e-7, 123e-20]
for _ in range(150):
    values.append(rng.uniform(-1000, 1000))
for _ in range(80):
    values.append(round(rng.uniform(-100, 100), rng.randint(0, 4)))  # decimal-looking values
for _ in range(80):
    bits = rng.getrandbits(64)
    x = struct.unpack('<d', struct.pack('<Q', bits))[0]
    if x == x and abs(x) != float('inf'):
        values.append(x)
for _ in range(40):
    values.append(rng.randint(-10**6, 10**6) / 8)  # exact binary ties

cases = []
for x in values:
    p = rng.randint(0, 8)
    cases.append({
        'x': x.hex(),
        'p': p,
        'repr': repr(x),
        'f': '%.*f' % (p, x),
        'e': '%.*e' % (p, x),
        'g': '%.*g' % (p, x),
        'round': repr(round(x, p)),
        'fmt': format(x, ',.%df' % p),
    })
path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'values', 'float-cases.json')
with open(path, 'w') as f:
    json.dump(cases, f, indent=0)
    f.write('\n')
print(len(cases), 'cases written')
