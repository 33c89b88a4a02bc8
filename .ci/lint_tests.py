"""Checks that ruff does not make: assertions that cannot fail.

* an expression statement ``a(...) and b(...)`` (``assert_allclose`` returns ``None``, so the second call never
  runs);
* ``assert (x, "message")`` (a non-empty tuple is always true);
* ``assert x in ("holds", "violated", "inconclusive", "not applicable")``: every verdict passes;
* ``assert <constant>``.

Usage: ``python .ci/lint_tests.py DIR...``; exit 1 with one line per finding.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ALL_VERDICTS = {"holds", "violated", "inconclusive", "not applicable"}


def findings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.BoolOp):
            if any(isinstance(v, ast.Call) for v in node.value.values[1:]):
                yield node.lineno, "a boolean chain of calls as a statement: the later calls may never run"
        if isinstance(node, ast.Assert):
            t = node.test
            if isinstance(t, ast.Tuple) and t.elts:
                yield node.lineno, "assert on a non-empty tuple is always true"
            if isinstance(t, ast.Constant) and t.value:
                yield node.lineno, "assert on a true constant"
            if (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.In)
                    and isinstance(t.comparators[0], (ast.Tuple, ast.Set, ast.List))):
                vals = {e.value for e in t.comparators[0].elts if isinstance(e, ast.Constant)}
                if ALL_VERDICTS <= vals:
                    yield node.lineno, "assert that a verdict is one of all verdicts cannot fail"


def main(argv) -> int:
    bad = 0
    for root in argv or ["tests"]:
        for path in sorted(Path(root).rglob("*.py")):
            for line, msg in findings(path):
                print(f"{path}:{line}: {msg}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
