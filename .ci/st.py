"""The schemathesis CLI, with one guard for the machine's Python.

CPython 3.11.7's ast.parse can raise SystemError "AST constructor recursion depth mismatch"
(python/cpython#106905, fixed in 3.11.8) when hypothesis parses a module's source to describe a lambda
for a strategy's repr. The description is only a label, so a plain one stands in when that happens;
nothing about what is generated or checked changes.
"""
import sys

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources._lambda_description


def _described(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda"


lambda_sources._lambda_description = _described

from schemathesis.cli import schemathesis  # noqa: E402

sys.exit(schemathesis())
