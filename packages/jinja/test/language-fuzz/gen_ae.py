import random
random.seed(17)
vals = ['s', 'm', '"<x>"', "'&'|safe", 's ~ m', 'm ~ s', 'mac()', 'blk', '[s, m]', 's|upper', 'm|upper', '(s ~ "<")|safe', '"%s<"|format(s)', 'caller()' ]
def body(d):
    out = []
    for _ in range(random.randint(1, 3)):
        r = random.random()
        v = random.choice(vals[:-1])
        if r < 0.4: out.append('{{ ' + v + ' }}')
        elif r < 0.5 and d < 2: out.append('{% autoescape ' + random.choice(['true', 'false']) + ' %}' + body(d + 1) + '{% endautoescape %}')
        elif r < 0.6 and d < 2: out.append('{% filter ' + random.choice(['upper', 'trim', 'e', 'safe', 'replace("<", "[")']) + ' %}' + body(d + 1) + '{% endfilter %}')
        elif r < 0.7: out.append("{% include 'inc' %}")
        elif r < 0.8 and d < 2: out.append('{% call wrap() %}' + body(d + 1) + '{% endcall %}')
        else: out.append('<b>')
    return ''.join(out)
cases = []
for i in range(300):
    t = '{% macro mac() %}<i>{{ s }}</i>{% endmacro %}{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% set blk %}<u>{{ s }}</u>{% endset %}' + body(0)
    cases.append({'template': t, 'context': {'s': '<&>'}, 'options': {'autoescape': random.random() < 0.7, 'templates': {'inc': '{{ s }}<{{ m }}>'}}})
print(repr(cases))
