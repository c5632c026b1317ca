import { describe, expect, it } from 'vitest';
import { Environment } from '../src/environment.js';
import { TemplateError, TemplateSyntaxError } from '../src/errors.js';
import { undeclaredVariables, validate } from '../src/meta.js';

function syntaxError(env: Environment, src: string): TemplateSyntaxError {
  try {
    env.fromString(src);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${src} to fail to compile`);
}

describe('{% break %} / {% continue %} (the loopControls option)', () => {
  const on = new Environment({ loopControls: true });
  const off = new Environment();

  it('are unknown tags without the option, with Jinja2 message, line and column', () => {
    const e = syntaxError(off, 'a\n{% for x in [1, 2] %}\n  {% continue %}{% endfor %}');
    expect(e.message).toBe(
      "Encountered unknown tag 'continue'. Jinja was looking for the following tags: 'endfor' or 'else'. " +
        "The innermost block that needs to be closed is 'for'.",
    );
    expect([e.line, e.column]).toEqual([3, 6]);
    expect(syntaxError(off, '{% break %}').message).toBe("Encountered unknown tag 'break'.");
    expect(off.validate('{% for x in y %}{% break %}{% endfor %}').valid).toBe(false);
  });

  it('leave or skip the innermost loop with the option', () => {
    const src =
      '{% for x in [1, 2, 3, 4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}' +
      '{% for y in "ab" %}{% if y == "b" %}{% break %}{% endif %}{{ x }}{{ y }}{% endfor %};{% endfor %}';
    expect(on.fromString(src).render()).toBe('1a;3a;');
    expect(on.validate(src)).toEqual({ valid: true, errors: [] });
  });

  it('run a loop `else` when no iteration reached the end of the body, as Jinja2 does', () => {
    const r = (s: string): string => on.fromString(s).render();
    expect(r('{% for x in [1, 2] %}{{ x }}{% break %}{% else %}E{% endfor %}')).toBe('1E');
    expect(
      r('{% for x in [1, 2] %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% else %}E{% endfor %}'),
    ).toBe('2');
  });

  it('outside a loop (or in a macro, caller or block inside one) are syntax errors at their line', () => {
    const e = syntaxError(on, 'a\n{% break %}');
    expect(e.message).toBe("'break' outside loop");
    expect(e.line).toBe(2);
    expect(
      syntaxError(on, '{% for x in y %}\n{% macro m() %}{% continue %}{% endmacro %}{% endfor %}').message,
    ).toBe("'continue' not properly in loop");
    expect(syntaxError(on, '{% for x in y %}{% block b %}\n{% break %}{% endblock %}{% endfor %}').line).toBe(
      2,
    );
    // Every other template error is reported first, as Python compiles Jinja2's output last.
    expect(syntaxError(on, '{% break %}\n{{ 1 + }}').line).toBe(2);
  });

  it('do not leak through a filter or set block: the captured output is dropped', () => {
    const src =
      '{% for x in [1, 2, 3] %}{% filter upper %}a{{ x }}{% if x == 2 %}{% break %}{% endif %}{% endfilter %}{% endfor %}';
    expect(on.fromString(src).render()).toBe('A1');
  });

  it('are seen by introspection whatever the option', () => {
    expect([
      ...undeclaredVariables('{% for x in xs %}{% if x %}{% break %}{% endif %}{{ y }}{% endfor %}'),
    ]).toEqual(expect.arrayContaining(['xs', 'y']));
    expect(validate('{% for x in y %}{% break %}{% endfor %}', { environment: on }).valid).toBe(true);
    const src = '{% bad %}\n{% for x in y %}{% break %}{% endfor %}\n{% worse %}';
    expect(validate(src, { environment: on }).errors.map((e) => e.line)).toEqual([1, 3]);
    expect(validate(src, { environment: off }).errors.map((e) => e.line)).toEqual([1, 2, 3]);
  });

  it('a loop target named `loop` is an error, as in Jinja2', () => {
    const e = syntaxError(off, 'a\n\n{% for loop in [1, 2] %}\n{% endfor %}');
    expect(e.message).toBe("Can't assign to special loop variable in for-loop target");
    expect(e.line).toBe(3);
    expect(e).toBeInstanceOf(TemplateError);
  });

  it('a scoped block inside a loop sees `loop`', () => {
    expect(
      off
        .fromString(
          '{% for x in [1, 2] %}{% block b scoped %}{{ loop.index }}{{ x }}{% endblock %}{% endfor %}',
        )
        .render(),
    ).toBe('1122');
  });
});
