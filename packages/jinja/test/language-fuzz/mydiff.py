import json, subprocess, sys
cases = eval(open(sys.argv[1]).read())
lines = []
for i, c in enumerate(cases):
    if isinstance(c, str): c = {"template": c}
    c.setdefault("context", {}); c.setdefault("options", {})
    c["id"] = str(i)
    lines.append(json.dumps(c))
inp = "\n".join(lines) + "\n"
o = subprocess.run(["/usr/bin/python3", "/work/main/packages/jinja/test/differential/oracle.py"], input=inp, capture_output=True, text=True).stdout.splitlines()
m = subprocess.run(["node", "/work/main/packages/jinja/dist/bin/promptledger-jinja.js", "--batch"], input=inp, capture_output=True, text=True).stdout.splitlines()
bad = 0
for l, a, b in zip(lines, o, m):
    a = json.loads(a); b = json.loads(b)
    ok = ('output' in a and a.get('output') == b.get('output')) or ('error' in a and 'error' in b and a['error']['type'] == b['error']['type'] and a['error']['line'] == b['error']['line'])
    if not ok:
        bad += 1
        print("CASE", json.loads(l)["template"][:200].__repr__(), json.loads(l)["options"] or "")
        print("  py:", json.dumps(a.get('output', a.get('error')))[:300])
        print("  js:", json.dumps(b.get('output', b.get('error')))[:300])
print(f"{len(lines)} cases, {bad} mismatches")
