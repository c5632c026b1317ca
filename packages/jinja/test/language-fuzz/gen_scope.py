import random
random.seed(5)
names = ['a', 'b', 'c']
def expr():
    r = random.random()
    if r < 0.3: return random.choice(names)
    if r < 0.5: return str(random.randint(0, 3))
    if r < 0.6: return random.choice(names) + ' ~ "' + random.choice('xyz') + '"'
    if r < 0.7: return 'loop.index if loop is defined else -1'
    if r < 0.8: return 'ns.v'
    return '(' + random.choice(names) + ' is defined)'
def block(d):
    if d > 3: return '{{ ' + expr() + ' }}'
    out = []
    for _ in range(random.randint(1, 4)):
        r = random.random()
        if r < 0.2: out.append('{% set ' + random.choice(names) + ' = ' + expr() + ' %}')
        elif r < 0.3: out.append('{% set ns.v = ' + expr() + ' %}')
        elif r < 0.45: out.append('[{{ ' + expr() + ' }}]')
        elif r < 0.55: out.append('{% for ' + random.choice(names) + ' in [1, 2] %}' + block(d+1) + '{% endfor %}')
        elif r < 0.62: out.append('{% if ' + expr() + ' %}' + block(d+1) + '{% else %}' + block(d+1) + '{% endif %}')
        elif r < 0.7: out.append('{% with ' + random.choice(names) + ' = ' + expr() + ' %}' + block(d+1) + '{% endwith %}')
        elif r < 0.78:
            m = 'm' + str(random.randint(0, 99))
            out.append('{% macro ' + m + '(' + random.choice(names) + '=7) %}' + block(d+1) + '{% endmacro %}{{ ' + m + '() }}{{ ' + m + '(' + expr() + ') }}')
        elif r < 0.84: out.append('{% macro k() %}<{{ caller() }}>{% endmacro %}{% call k() %}' + block(d+1) + '{% endcall %}')
        elif r < 0.9: out.append("{% include 'inc' %}")
        elif r < 0.95: out.append('{% filter upper %}' + block(d+1) + '{% endfilter %}')
        else: out.append('{% set ' + random.choice(names) + ' %}' + block(d+1) + '{% endset %}')
    return ''.join(out)
cases = []
for i in range(400):
    t = '{% set ns = namespace(v=0) %}' + block(0) + '|{{ a }}{{ b }}{{ c }}{{ ns.v }}'
    cases.append({"template": t, "context": {"a": "A"}, "options": {"templates": {"inc": "({{ a }}{{ b }}{% set c = 'I' %}{{ c }})"}}})
print(repr(cases))
