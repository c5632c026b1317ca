import random
random.seed(21)
def content(d, blocks):
    out = []
    for _ in range(random.randint(1, 3)):
        r = random.random()
        if r < 0.25 and d < 2:
            b = random.choice(['a', 'b', 'c'])
            if b in blocks: continue
            blocks.add(b)
            mod = random.choice(['', '', ' scoped'])
            out.append('{% block ' + b + mod + ' %}' + b.upper() + content(d + 1, blocks) + random.choice(['', '{{ super() }}']) + '{% endblock %}')
        elif r < 0.4: out.append('{{ v }}')
        elif r < 0.5: out.append('{% set v = "' + random.choice('xyz') + '" %}')
        elif r < 0.6 and d < 2: out.append('{% for i in [1, 2] %}{{ i }}' + content(d + 1, blocks) + '{% endfor %}')
        elif r < 0.7: out.append('{{ i is defined }}')
        elif r < 0.8: out.append('{% if true %}' + content(d + 1, blocks) + '{% endif %}')
        elif r < 0.9: out.append("{% include 'inc' %}")
        else: out.append('-')
    return ''.join(out)
cases = []
for n in range(400):
    pb = set()
    parent = content(0, pb)
    mid = None
    if random.random() < 0.3:
        mb = set()
        mid = "{% extends 'parent' %}" + ''.join('{% block ' + b + ' %}M' + b + random.choice(['', '{{ super() }}']) + '{% endblock %}' for b in pb if random.random() < 0.5)
    child_blocks = [b for b in pb if random.random() < 0.6]
    child = random.choice(['', '{% set v = "C" %}', 'pre']) + "{% extends '" + ('mid' if mid else 'parent') + "' %}" + random.choice(['', '{% set v = "D" %}', 'ignored']) + ''.join('{% block ' + b + ' %}c' + b + random.choice(['', '{{ super() }}', '{{ v }}', '{{ i }}', '{{ self.' + b + '() if false }}']) + '{% endblock %}' for b in child_blocks)
    t = {'parent': parent, 'inc': '<{{ v }}>'}
    if mid: t['mid'] = mid
    cases.append({'template': child, 'context': {'v': 'V'}, 'options': {'templates': t}})
print(repr(cases))
