import random
random.seed(3)
def expr():
    return random.choice(['a', 'b', 'x', '1', '"s"', 'a ~ b', 'varargs', 'kwargs', 'caller is defined', 'n', '(a is defined)'])
def body(d):
    out = []
    for _ in range(random.randint(1, 3)):
        r = random.random()
        if r < 0.3: out.append('[{{ ' + expr() + ' }}]')
        elif r < 0.4: out.append('{% set x = ' + expr() + ' %}')
        elif r < 0.5 and d < 2: out.append('{% if caller is defined %}{{ caller(' + random.choice(['', '1', 'a', '1, 2']) + ') }}{% endif %}')
        elif r < 0.6 and d < 2: out.append('{% for n in [1, 2] %}' + body(d + 1) + '{% endfor %}')
        elif r < 0.7: out.append('{{ m.f(' + random.choice(['', '1', 'a=2', '1, 2, 3', 'b=1, z=2']) + ') }}')
        elif r < 0.8: out.append('{{ g(' + random.choice(['', '1', 'a=2', '1, 2, 3', 'b=1, z=2']) + ') }}')
        else: out.append('-')
    return ''.join(out)
cases = []
for i in range(400):
    sig = random.choice(['', 'a', 'a, b=2', 'a=1, b=a', 'a, b', 'caller=none'])
    t = ("{% import 'lib' as m" + random.choice(['', ' with context']) + " %}{% macro g(" + sig + ") %}" + body(0) + "{% endmacro %}"
         + random.choice(['{{ g() }}', '{{ g(1) }}', '{{ g(1, 2) }}', '{{ g(a=5) }}', '{% call g(1) %}C{% endcall %}', '{% call(p) g(3) %}<{{ p }}>{% endcall %}', '{% call(p, q=2) g() %}<{{ p }}{{ q }}>{% endcall %}', '{{ g(1, 2, 3, k=4) }}']))
    lib = "{% macro f(a=0, b=1) %}F{{ a }}{{ b }}{{ x }}{{ varargs if varargs }}{% endmacro %}"
    cases.append({'template': t, 'context': {'x': 'X'}, 'options': {'templates': {'lib': lib}}})
print(repr(cases))
