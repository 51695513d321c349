"""The code's shape, as the architecture asks for it: functions that fit on a screen."""

from __future__ import annotations

import ast
import functools

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


# ---------------------------------------------------------------------------------------------------------
# Layers: the packages import one another one way only


STAGES = {"ingest", "annotate", "render", "search", "publish"}
"""The pipeline's stages: only sitegen/pipeline.py drives them."""


@functools.cache
def _imports() -> dict[str, set[str]]:
    """Map each module of sitegen/ to the sitegen modules it imports at run time (TYPE_CHECKING ones aside); read
    once, for the four tests that ask (callers only read it)."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "sitegen").rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
                targets |= {t for t in (node.module, *(f"{node.module}.{a.name}" for a in node.names)) if t in modules}
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name in modules}
        found[name] = targets
    return found


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_no_import_loop_between_packages():
    graph: dict[str, set[str]] = {}
    for module, targets in _imports().items():
        graph.setdefault(_package(module), set()).update(_package(t) for t in targets if _package(t) != _package(module))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo += graph.get(node, ())
        return False

    loops = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if reaches(b, a)})
    assert loops == []


def test_text_rules_are_a_leaf():
    imported = {t for m, targets in _imports().items() if m.startswith("sitegen.text") for t in targets}
    assert {_package(t) for t in imported} <= {"text", "model"}


def test_only_the_pipeline_drives_the_stages():
    drivers = ("sitegen.serve", "sitegen.bench", "sitegen.commands.build", "sitegen.commands.serve",
               "sitegen.commands.bench")
    # MkDocs' own parts (publish/mkdocs_compat.py) are the framework's, not a stage: the live-reload server uses them.
    driving = {m: sorted(t for t in targets if _package(t) in STAGES and t != "sitegen.publish.mkdocs_compat")
               for m, targets in _imports().items() if m.startswith(drivers)}
    assert {m: t for m, t in driving.items() if t} == {}
    assert any(_package(t) in STAGES for t in _imports()["sitegen.pipeline"])
