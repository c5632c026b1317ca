import json, subprocess, sys
cases = eval(open(sys.argv[1]).read())
lines = [json.dumps(dict(c, id=str(i))) for i, c in enumerate(cases)]
inp = "\n".join(lines)+"\n"
o = subprocess.run(["/usr/bin/python3", "/work/main/packages/jinja/test/differential/oracle.py"], input=inp, capture_output=True, text=True).stdout.splitlines()
m = subprocess.run(["node", "/work/main/packages/jinja/dist/bin/promptledger-jinja.js", "--batch"], input=inp, capture_output=True, text=True).stdout.splitlines()
n = 0
for c, a, b in zip(cases, o, m):
    a = json.loads(a); b = json.loads(b)
    if a.get('output') != b.get('output') or ('error' in a) != ('error' in b):
        n += 1
        if n <= int(sys.argv[2]) if len(sys.argv) > 2 else 3:
            print(c['template']); print(' py', a); print(' js', b); print()
