import random
random.seed(8)
bad = ['1/0', 'x.y.z', 'none()', '"a" + 1', '[1][none]', 'u()', 'd.k.j', '{}[[1]]', 'range(1, 2, 0)', '(1, 2) < "a"', 'f.x']
stmts = [
 lambda e: '{{ ' + e + ' }}',
 lambda e: '{% set q = ' + e + ' %}',
 lambda e: '{% for i in ' + e + ' %}{% endfor %}',
 lambda e: '{% if ' + e + ' %}{% endif %}',
 lambda e: '{% if false %}\n{% elif ' + e + ' %}{% endif %}',
 lambda e: '{% macro mm(a) %}\n{{ a }}\n{% endmacro %}{{ mm(' + e + ') }}',
 lambda e: '{{ "x"|replace(' + e + ', "y") }}',
 lambda e: '{% include ' + e + ' %}',
 lambda e: '{% for i in [1] %}\n{{ ' + e + ' }}\n{% endfor %}',
 lambda e: '{% macro mm() %}\n\n{{ ' + e + ' }}{% endmacro %}\n{{ mm() }}',
 lambda e: '{% filter upper %}\n{{ ' + e + ' }}{% endfilter %}',
 lambda e: '{% set q %}\n{{ ' + e + ' }}{% endset %}',
 lambda e: '{% call(z) cm() %}\n{{ ' + e + ' }}{% endcall %}',
 lambda e: '{{ [1,2]|map("int")|list if ' + e + ' }}',
 lambda e: '{% with q = 1 %}\n{{ ' + e + ' }}{% endwith %}',
 lambda e: "{% extends 'base' %}{% block b %}\n{{ " + e + " }}{% endblock %}",
]
cases = []
for i in range(300):
    pre = random.choice(['', 'a\n', '\n\n', '{% set w = 1 %}\n', '{% if true %}\n{% endif %}\n'])
    s = random.choice(stmts)(random.choice(bad))
    post = random.choice(['', '\nend', '\n{{ 1 }}'])
    opts = {'templates': {'base': 'B\n{% block b %}{% endblock %}'}}
    if random.random() < 0.3: opts['undefined'] = 'strict'
    cases.append({'template': pre + s + post, 'context': {'d': {}, 'f': 1}, 'options': opts})
cases.append({'template': '{% macro cm() %}{{ caller(1) }}{% endmacro %}', 'context': {}})
print(repr(cases))
