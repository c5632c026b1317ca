import random
random.seed(13)
attrs = ['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length', 'depth', 'depth0', 'previtem', 'nextitem', "cycle('a', 'b', 'c')", 'changed(x)', 'changed(x % 2)']
iters = ['[1, 2, 3]', 'range(4)', '"abc"', "{'k': 1, 'j': 2}", '[]', 'xs', 'xs|reverse', "range(10)|select('odd')", '[[1, 2], [3]]']
cases = []
for i in range(300):
    it = random.choice(iters)
    a = random.sample(attrs, random.randint(1, 4))
    body = ''.join('{{ loop.' + x + ' }},' for x in a)
    cond = random.choice(['', '', ' if x', ' if loop is undefined', ' if x != 2'])
    rec = random.random() < 0.2
    t = '{% for x in ' + it + cond + (' recursive' if rec else '') + ' %}' + body + ('{% if x is iterable and x is not string %}<{{ loop(x) }}>{% endif %}' if rec else '') + random.choice(['', '{% else %}E']) + '{% endfor %}'
    if random.random() < 0.3:
        t = '{% for y in [1, 2] %}' + t + '{{ loop.index }}{% endfor %}'
    cases.append({'template': t, 'context': {'xs': [3, 1, 2]}})
print(repr(cases))
