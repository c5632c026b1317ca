import random, json
random.seed(7)
parts_pool = ['{% if true %}', '{% endif %}', '{{ 1 }}', '{# c #}', '{% raw %}r{% endraw %}', 'x', ' ', '  ', '\n', '\t', ' \n ', '\n\n']
def tag(t):
    # randomly add whitespace control signs
    if t.startswith('{%') or t.startswith('{#') or t.startswith('{{'):
        o, c = t[:2], t[-2:]
        inner = t[2:-2]
        so = random.choice(['', '', '-', '+'])
        sc = random.choice(['', '', '-', '+'])
        if t.startswith('{{') and sc == '+': sc = ''
        if '{% raw %}' in t:
            return '{%' + so + ' raw ' + sc + '%}r{%' + random.choice(['', '-', '+']) + ' endraw ' + random.choice(['', '-', '+']) + '%}'
        return o + so + inner + sc + c
    return t
cases = []
for i in range(400):
    depth = 0
    out = []
    for _ in range(random.randint(3, 14)):
        p = random.choice(parts_pool)
        if p == '{% endif %}':
            if depth == 0: continue
            depth -= 1
        if p == '{% if true %}': depth += 1
        out.append(tag(p))
    out += [tag('{% endif %}')] * depth
    opts = {}
    if random.random() < 0.5: opts['trim_blocks'] = True
    if random.random() < 0.5: opts['lstrip_blocks'] = True
    if random.random() < 0.3: opts['keep_trailing_newline'] = True
    cases.append({"template": ''.join(out), "options": opts})
print(repr(cases))
