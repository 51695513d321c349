"""The code's shape, as the architecture asks for it: functions that fit on a screen."""

from __future__ import annotations

import ast

from conftest import ROOT

LONGEST = 50
"""Lines a function of sitegen/ may take, from its `def` to its last line."""


def _functions() -> list[tuple[str, int]]:
    found = []
    for path in sorted((ROOT / "sitegen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                found.append((f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1))
    return found


def test_no_function_is_longer_than_a_screen():
    functions = _functions()
    assert len(functions) > 200
    assert [(name, lines) for name, lines in functions if lines > LONGEST] == []
