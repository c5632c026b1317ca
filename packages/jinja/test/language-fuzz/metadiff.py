import json, subprocess, sys
from jinja2 import Environment, meta
cases = eval(open(sys.argv[1]).read())
env = Environment()
exp = []
for c in cases:
    t = c['template'] if isinstance(c, dict) else c
    try:
        ast = env.parse(t)
        exp.append({'u': sorted(meta.find_undeclared_variables(ast)), 'r': list(meta.find_referenced_templates(ast))})
    except Exception as e:
        exp.append(None)
js = r'''
import { undeclaredVariables, referencedTemplates } from '/work/main/packages/jinja/dist/src/index.js';
import { readFileSync } from 'node:fs';
const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = cases.map((t) => { try { return { u: undeclaredVariables(t), r: referencedTemplates(t) }; } catch (e) { return null; } });
process.stdout.write(JSON.stringify(out));
'''
open('/tmp/md/meta.mjs','w').write(js)
tpls = [c['template'] if isinstance(c, dict) else c for c in cases]
got = json.loads(subprocess.run(['node', '/tmp/md/meta.mjs'], input=json.dumps(tpls), capture_output=True, text=True).stdout)
bad = 0
for t, e, g in zip(tpls, exp, got):
    if e is None: continue
    if g is None or e['u'] != g['u'] or e['r'] != g['r']:
        bad += 1
        if bad <= 5: print(repr(t)[:300]); print('  py', e); print('  js', g)
print(len(tpls), 'cases', bad, 'mismatches')
