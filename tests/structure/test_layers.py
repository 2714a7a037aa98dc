"""The packages depend one way: a module imports only modules of its own layer or of a layer below.

The layers are listed once, bottom first. A module belongs to the layer of the longest package
prefix that names it; HTTP views, pages and command-line modules belong to the interface layer
wherever they live (a feature keeps its views beside its services, but they sit on top).
Imports inside functions count: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("registry", "search")
LAYERS = (
    ("domain", ("registry.domain",)),
    ("core", ("registry.config", "registry.db", "registry.errors", "registry.stages", "registry.jsonout",
              "registry.runtime", "registry.extensions", "registry.outbox", "registry.changes", "registry.signing",
              "registry.uow", "registry.pagination", "registry.jsonbody", "registry.calendars", "registry.audit",
              "registry.ratelimit", "registry.metrics", "registry.locks")),
    ("reference data", ("registry.departments",)),
    ("principals", ("registry.access",)),
    ("entities", ("registry.enterprises",)),
    ("records", ("registry.records",)),
    ("search engines", ("search",)),
    ("notices", ("registry.notices",)),
    ("use cases", ("registry.imports", "registry.repairs", "registry.reports", "registry.publicsearch")),
    ("open data", ("registry.feed",)),
    ("accounts", ("registry.accounts",)),
    ("demo data", ("registry.demo",)),
    ("tasks", ("registry.tasks",)),  # the queue's tasks wrap the use cases; requests and commands enqueue them
    ("interface", ("registry", "registry.web", "registry.ops", "registry.bootstrap", "registry.cli",
                   "registry.clitools", "registry.front", "registry.forms",
                   "registry.headers", "registry.workspaces")),
)
# Modules that serve HTTP or the command line, in whichever package they live (by their name's end:
# views.py, objection_views.py, pages.py, admin_pages.py, cli.py, http.py).
INTERFACE_MODULES = ("views", "pages", "cli", "http")
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


def layer_of(module: str) -> str | None:
    if module.rsplit(".", 1)[-1].endswith(INTERFACE_MODULES):
        return "interface"
    best = None
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[1])):
                best = (name, prefix)
    return best[0] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import of our packages in the file (or in `source` read as that
    file), relative ones resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if source is None else source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from . import services` names a module; `from .x import name` names x.
            found += [(node.lineno, f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base)
                      for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] in PACKAGES]


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def upward_imports(files, sources: dict | None = None) -> list[str]:
    problems = []
    for path in files:
        source = module_name(path)
        for line, target in imports_of(path, (sources or {}).get(path)):
            if RANK[layer_of(target)] > RANK[layer_of(source)]:
                problems.append(f"{path.relative_to(ROOT)}:{line} {source} ({layer_of(source)}) imports "
                                f"{target} ({layer_of(target)}), a layer above it")
    return problems


def source_files():
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_every_module_has_a_layer():
    files = source_files()
    assert len(files) > 50
    assert [module_name(p) for p in files if layer_of(module_name(p)) is None] == []


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports(source_files()) == []


def package_cycles(files) -> list[list[str]]:
    """Cycles among the packages of one layer (registry.x imports registry.y imports registry.x),
    leaving out interface modules, which only sit on top."""
    graph: dict[str, set[str]] = {}
    for path in files:
        source = module_name(path)
        if layer_of(source) == "interface":
            continue
        for _, target in imports_of(path):
            a, b = ".".join(source.split(".")[:2]), ".".join(target.split(".")[:2])
            if a != b and a.startswith("registry.") and b.startswith("registry."):
                graph.setdefault(a, set()).add(b)
    cycles = []

    def visit(package, trail):
        for nxt in sorted(graph.get(package, ())):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif len(trail) < len(graph) + 1:
                visit(nxt, trail + [nxt])

    for package in sorted(graph):
        visit(package, [package])
    return cycles


def test_no_two_packages_import_each_other():
    assert package_cycles(source_files()) == []


@pytest.mark.parametrize(("module", "imported"), [
    ("registry/records/services.py", "from ..repairs.models import Objection"),
    ("registry/domain/masking.py", "from ..db import utcnow"),
    ("search/engine.py", "from registry.publicsearch.engines import configured_engine"),
    ("registry/notices/services.py", "def later():\n    from ..repairs import rules"),
])
def test_an_upward_import_is_caught(module, imported):
    """The check itself: the same file with one upward import added (lazy ones too) fails it."""
    path = ROOT / module
    source = path.read_text(encoding="utf-8") + f"\n{imported}\n"
    assert upward_imports([path]) == []
    assert [problem for problem in upward_imports([path], {path: source}) if module_name(path) in problem]
