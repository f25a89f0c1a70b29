"""The layers, enforced: every first-party import of every app module, function-level included.

Order, left to right (a module may import its own layer and layers to its left, never to its
right)::

    data, indicators  <-  settings  <-  service  <-  server  <-  components  <-  app, cli

(``commands/``, the CLI's modules beside ``cli.py``, rank with ``cli``.)

- ``data`` and ``indicators`` import neither each other nor anything to their right;
  ``indicators`` is pure (numpy/pandas only). ``settings`` is read by the service and above,
  never by ``data`` (callers pass what data needs, e.g. the import date bounds).
- ``server`` sits left of ``components`` (the issue's map has them side by side): callbacks
  reach the service through ``server.context``, the one place that knows the Flask app's keys,
  and the page's budgets through ``server.fair_use``; the server never imports components
  (``app.py`` hands it what it needs, e.g. the warm-up's view builder).
- ``components`` (the page, and the report built from it) go through the service: from
  ``data`` they may import only the vocabulary (model types, errors, benchmark names,
  ticker spelling, CSV safety), never the store, a source, the refresh, universes or jobs;
  and nothing from ``indicators``.
- No cycles between first-party modules (strongly connected components of the import
  graph; an import under ``TYPE_CHECKING`` or inside a function counts: hiding a cycle is not
  removing it). No ``dash._*`` private module anywhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("data", "indicators", "service", "server", "components", "reports", "commands")
TOP_MODULES = ("app", "cli", "settings")
RANK = {
    "data": 0,
    "indicators": 0,
    "settings": 1,
    "service": 2,
    "server": 3,
    "components": 4,
    "reports": 4,  # the report is page code (being folded into components/report)
    "app": 5,
    "cli": 5,
    "commands": 5,  # the CLI's modules beside cli.py (params, export)
}
# layers of one rank that still may not import each other
APART = {
    frozenset({"data", "indicators"}),
    frozenset({"app", "cli"}),
    frozenset({"app", "commands"}),
}
# what page code may use from data/: types, errors and constants, no I/O
UI_DATA_OK = ("data.model", "data.errors", "data.benchmarks", "data.tickers", "data.csvsafe")
UI_LAYERS = ("components", "reports")

# Known violations, each (importer, imported): why. Only page code the UI redesign has not
# reached yet may stand here; test_allowlist_is_not_stale keeps the list from outliving the
# imports it excuses, so it can only shrink.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    line: int


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for the top-level modules and every module of the packages."""
    found = {m: root / f"{m}.py" for m in TOP_MODULES if (root / f"{m}.py").exists()}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")) if (root / pkg).is_dir() else []:
            found[_module_name(path, root)] = path
    return found


def _first_party(name: str) -> bool:
    return name.split(".")[0] in RANK


def _resolve(name: str, known: Iterable[str]) -> str:
    """The longest known module that ``name`` (a module or module.attribute) starts with."""
    known = set(known)
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in known:
            return candidate
    return name


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, target] if target else base)


def imports_of(module: str, path: Path, known: Iterable[str]) -> list[Edge]:
    """Every first-party import in ``path``: module level, in functions, under TYPE_CHECKING;
    ``from pkg import sub`` names the submodule; ``importlib.import_module("x")`` counts."""
    known = set(known)
    tree = ast.parse(path.read_text(), filename=str(path))
    edges: list[Edge] = []

    def add(name: str, line: int) -> None:
        if name == "dash" or name.startswith("dash."):
            edges.append(Edge(module, name, line))
        elif _first_party(name):
            edges.append(Edge(module, _resolve(name, known), line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _absolute(module, path.name == "__init__.py", node.level, node.module)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in known or base == "dash" else base, node.lineno)
        elif isinstance(node, ast.Call) and _is_import_module(node):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                add(arg.value, node.lineno)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "dash"
            and node.attr.startswith("_")
        ):
            edges.append(Edge(module, f"dash.{node.attr}", node.lineno))
    return sorted(set(edges), key=lambda e: (e.line, e.dst))


def _is_import_module(node: ast.Call) -> bool:
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name == "import_module" and bool(node.args)


def import_graph(root: Path = ROOT) -> dict[str, list[Edge]]:
    mods = app_modules(root)
    return {m: imports_of(m, p, mods) for m, p in mods.items()}


def layer(module: str) -> str:
    return module.split(".")[0]


def layer_violations(graph: Mapping[str, list[Edge]]) -> list[tuple[Edge, str]]:
    """(edge, rule) for every import that breaks a rule other than the no-cycle one."""
    out: list[tuple[Edge, str]] = []
    for edges in graph.values():
        for e in edges:
            if e.dst.split(".")[0] == "dash":
                if any(p.startswith("_") for p in e.dst.split(".")[1:]):
                    out.append((e, "Dash private module"))
                continue
            src, dst = layer(e.src), layer(e.dst)
            if src == dst:
                continue
            if RANK[src] < RANK[dst]:
                out.append((e, f"{src} imports {dst}, a layer to its right"))
            elif frozenset({src, dst}) in APART:
                out.append((e, f"{src} and {dst} stay apart"))
            elif src in UI_LAYERS and dst == "indicators":
                out.append((e, "page code computes through the service, not indicators"))
            elif src in UI_LAYERS and dst == "data" and e.dst not in UI_DATA_OK:
                out.append((e, "page code reaches data only through the service"))
    return out


def cycles(graph: Mapping[str, list[Edge]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself
    (Tarjan, iterative)."""
    succ = {
        m: sorted({e.dst for e in es if e.dst in graph and e.dst != m}) for m, es in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = succ[node]
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _without_allowed(graph: Mapping[str, list[Edge]]) -> dict[str, list[Edge]]:
    return {m: [e for e in es if (e.src, e.dst) not in ALLOWED] for m, es in graph.items()}


# ---- the checks on the real code -----------------------------------------------------------
def test_layers_no_import_reaches_right() -> None:
    bad = layer_violations(_without_allowed(import_graph()))
    lines = [f"{e.src}:{e.line} imports {e.dst}: {rule}" for e, rule in bad]
    assert lines == [], "layer violations:\n" + "\n".join(lines)


def test_layers_no_import_cycle() -> None:
    found = cycles(_without_allowed(import_graph()))
    assert found == [], f"import cycles between first-party modules: {found}"


def test_allowlist_is_not_stale() -> None:
    graph = import_graph()
    present = {(e.src, e.dst) for es in graph.values() for e in es}
    stale = [edge for edge in ALLOWED if edge not in present]
    assert stale == [], f"allowlisted imports that no longer exist (delete them): {stale}"


def test_layers_walk_sees_every_package_and_function_level_imports() -> None:
    graph = import_graph()
    assert {layer(m) for m in graph} >= {"data", "indicators", "service", "server", "app", "cli"}
    assert sum(len(es) for es in graph.values()) > 150  # the walk is not silently empty


# ---- the checker can fail ------------------------------------------------------------------
def _synthetic(tmp_path: Path, files: Mapping[str, str]) -> dict[str, list[Edge]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    mods = app_modules(tmp_path)
    return {m: imports_of(m, p, mods) for m, p in mods.items()}


def test_checker_flags_each_rule_on_a_synthetic_tree(tmp_path: Path) -> None:
    graph = _synthetic(
        tmp_path,
        {
            "settings.py": "",
            "data/__init__.py": "",
            "data/model.py": "",
            "data/store.py": "def f():\n    import service.a\n",  # right, inside a function
            "data/files.py": "from settings import X\n",  # data reads settings
            "indicators/__init__.py": "",
            "indicators/k.py": "from data import model\n",  # indicators import data
            "service/__init__.py": "",
            "service/a.py": "from service import b\n",
            "service/b.py": "import service.a\n",  # cycle a <-> b
            "server/__init__.py": "",
            "server/ctx.py": "from components.ids import Ids\n",  # server -> components
            "components/__init__.py": "",
            "components/ids.py": "from data.model import T\n",  # fine: vocabulary
            "components/v.py": (
                "from data.store import Store\n"  # page code touching the store
                "from indicators.k import f\n"  # ... and an indicator
                "from dash._callback import GLOBAL_CALLBACK_MAP\n"
                "import dash\n"
                "x = dash._callback\n"
            ),
            "app.py": "import cli\n",  # app and cli stay apart
            "cli.py": "from components import v\n",
        },
    )
    rules = {(e.src, e.dst): rule for e, rule in layer_violations(graph)}
    assert "right" in rules[("data.store", "service.a")]
    assert "right" in rules[("data.files", "settings")]
    assert "apart" in rules[("indicators.k", "data.model")]
    assert "right" in rules[("server.ctx", "components.ids")]
    assert "service" in rules[("components.v", "data.store")]
    assert "indicators" in rules[("components.v", "indicators.k")]
    assert rules[("components.v", "dash._callback")] == "Dash private module"
    assert ("app", "cli") in rules
    assert ("components.ids", "data.model") not in rules
    assert ("cli", "components.v") not in rules
    assert cycles(graph) == [["service.a", "service.b"]]


def test_checker_sees_relative_and_string_imports(tmp_path: Path) -> None:
    graph = _synthetic(
        tmp_path,
        {
            "data/__init__.py": "",
            "data/x.py": "from . import y\n",
            "data/y.py": "import importlib\nm = importlib.import_module('data.x')\n",
        },
    )
    assert cycles(graph) == [["data.x", "data.y"]]
