#!/usr/bin/python3
"""Differential-testing oracle: CPython Jinja2 behind the engine's batch protocol.

Reads JSON lines on stdin, each {"id", "template", "context", "options"}, and writes one JSON line per
input, in order: {"id", "output"} or {"id", "error": {"type", "message", "line", "column"}}.
Error types: syntax, undefined, runtime, limit, security (CPython has no resource limits, so `limit`
only appears for RecursionError/MemoryError). Run with /usr/bin/python3 (needs python3-jinja2).
"""

import json
import sys

import jinja2
from jinja2 import DictLoader, StrictUndefined, Undefined
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment


# The extensions a case may enable (`options.extensions`); the engine supports exactly these.
ALLOWED_EXTENSIONS = {"jinja2.ext.loopcontrols"}


def make_env(options):
    templates = options.get("templates") or {}
    undefined = StrictUndefined if options.get("undefined") == "strict" else Undefined
    return SandboxedEnvironment(
        trim_blocks=bool(options.get("trim_blocks", False)),
        lstrip_blocks=bool(options.get("lstrip_blocks", False)),
        keep_trailing_newline=bool(options.get("keep_trailing_newline", False)),
        autoescape=bool(options.get("autoescape", False)),
        undefined=undefined,
        loader=DictLoader(templates),
        extensions=[e for e in options.get("extensions") or [] if e in ALLOWED_EXTENSIONS],
    )


def template_line(exc):
    """The line of the innermost template frame of a rewritten Jinja2 traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def classify(exc):
    if isinstance(exc, TemplateSyntaxError):
        return "syntax", exc.lineno
    if isinstance(exc, SyntaxError):
        # Python rejected the generated module (e.g. `{% break %}` outside a loop): a compile-time
        # error whose line is a line of generated Python, not of the template, so none is reported.
        return "syntax", None
    if isinstance(exc, UndefinedError):
        kind = "undefined"
    elif isinstance(exc, SecurityError):
        kind = "security"
    elif isinstance(exc, (RecursionError, MemoryError)):
        kind = "limit"
    else:
        kind = "runtime"
    line = template_line(exc)
    if line is None:
        line = getattr(exc, "lineno", None)
    return kind, line


def run_case(case):
    options = case.get("options") or {}
    env = make_env(options)
    context = case.get("context") or {}
    try:
        tmpl = env.from_string(case.get("template", ""))
        return {"output": tmpl.render(context)}
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
        kind, line = classify(exc)
        message = f"{type(exc).__name__}: {exc}"
        return {"error": {"type": kind, "message": message, "line": line, "column": None}}


def main():
    sys.setrecursionlimit(3000)
    out = sys.stdout
    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        try:
            case = json.loads(raw)
            if not isinstance(case, dict):
                raise ValueError("a case must be a JSON object")
        except ValueError as exc:
            result = {"id": None, "error": {"type": "runtime", "message": f"bad JSON: {exc}", "line": None, "column": None}}
        else:
            result = {"id": case.get("id")}
            result.update(run_case(case))
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--version":
        print(jinja2.__version__)
    else:
        main()
