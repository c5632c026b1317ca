import random
random.seed(11)
good = ['{{ x }}', '{% if a %}A{% endif %}', '{% for i in xs %}{{ i }}{% endfor %}', 'text', '{% set y = 1 %}', '{{ "s" ~ 1 }}', '{# comment #}', '{% macro m(a) %}{{ a }}{% endmacro %}']
bad = ['{{ }}', '{{ 1 + }}', '{% if %}', '{% for x in %}', '{% endif %}', '{% endfor %}', '{{ (1 }}', '{{ [1, }}', '{{ a b }}', '{% frob %}', '{% set %}', '{{ "abc }}', '{# open', '{% raw %}x', '{{ x|nofilter }}', '{% if x %}', '{% for i in y %}', '{% macro %}', '{{ 1 ) }}', '{{ x.1a }}', '{% block %}', '{% extends %}', '{% include %}', '{% set x = %}', '{{ a is }}', '{{ f(a=1, 2) }}', '{% with a %}{% endwith %}', '{{ {1:} }}', '{{ x[ }}', '{% call m %}{% endcall %}', '{% filter %}{% endfilter %}', '{% if x %}{% else %}{% else %}{% endif %}', '{% elif x %}', '{{ 1 if }}', '{{ not }}', '{% import "a" %}', '{% from "a" import %}', '{{ 1 ** }}', '{{ -}}', '{% print %}', '{{ x.__class__ }}', '{% set a, b %}{% endset %}', '\n{% endblock %}', '{% block a %}{% endblock b %}']
cases = []
for i in range(400):
    parts = []
    for _ in range(random.randint(1, 6)):
        parts.append(random.choice(good))
        parts.append(random.choice(['\n', '', ' ', '\n\n']))
    k = random.randint(0, len(parts))
    parts.insert(k, random.choice(bad))
    if random.random() < 0.3:
        parts.insert(random.randint(0, len(parts)), random.choice(bad))
    cases.append({"template": ''.join(parts), "context": {"xs": [1], "a": True}})
print(repr(cases))
