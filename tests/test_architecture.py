"""The layers the README draws hold in the imports.

Every import of every module of ``gateway/`` is read from its source, those inside
functions and under ``TYPE_CHECKING`` included: a lower layer never imports an upper
one, no third-party package crosses into a layer that must not know it, and there is
no import cycle except among the Strawberry type modules, which reference each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gateway"

#: Lowest first; a module may import its own layer and the ones before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "gateway.ll2",
        "gateway.errors",
        "gateway.settings",
        "gateway.tracing",
        "gateway.throttled_log",
    ),
    ("gateway.cache",),
    ("gateway.upstream", "gateway.offline"),
    ("gateway.live",),
    ("gateway.types",),
    ("gateway.planning",),
    ("gateway.loaders",),
    ("gateway.context",),
    ("gateway.resolvers", "gateway.extensions"),
    ("gateway.schema",),
    ("gateway.server",),
    ("gateway.cli", "gateway.__main__", "gateway"),
)
#: Same-layer neighbours that must not know each other.
APART = {("gateway.upstream", "gateway.offline"), ("gateway.offline", "gateway.upstream")}
#: Third-party packages (or sub-packages) a layer must never import. The upstream layer
#: sends through aiohttp's client (gateway/upstream/transport.py), never its server.
FORBIDDEN = {
    "gateway.ll2": {"strawberry", "graphql", "aiohttp", "httpx", "redis"},
    "gateway.cache": {"strawberry", "graphql", "aiohttp", "httpx"},
    "gateway.upstream": {"strawberry", "graphql", "aiohttp.web", "aiodataloader"},
    "gateway.offline": {"strawberry", "graphql", "httpx", "redis", "aiodataloader"},
    "gateway.live": {"strawberry", "graphql", "aiohttp", "httpx", "aiodataloader"},
    "gateway.types": {"aiohttp", "httpx", "redis", "aiodataloader"},
    "gateway.planning": {"aiohttp", "httpx", "redis", "aiodataloader"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports, anywhere in its source (absolute names)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                # third party: the name may be a sub-package (``from aiohttp import web``)
                third_party = not module.startswith("gateway")
                yield submodule if submodule in MODULES or third_party else module


def _graph() -> dict[str, set[str]]:
    return {name: set(_imports(name, path)) for name, path in MODULES.items()}


GRAPH = _graph()


def _area(module: str) -> str:
    """The longest layer entry ``module`` belongs to."""
    entries = [e for layer in LAYERS for e in layer if module == e or module.startswith(e + ".")]
    return max(entries, key=len)


def _rank(module: str) -> int:
    area = _area(module)
    return next(i for i, layer in enumerate(LAYERS) if area in layer)


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        assert _area(name) != "gateway" or name in ("gateway", "gateway.__main__"), (
            f"{name} belongs to no layer: add it to LAYERS (and the README's table)"
        )


def test_no_layer_imports_an_upper_one() -> None:
    violations = [
        f"{name} ({_area(name)}) imports {target} ({_area(target)})"
        for name, targets in GRAPH.items()
        for target in targets
        if target.startswith("gateway")
        and target in MODULES
        and (
            _rank(target) > _rank(name)
            or (_area(name), _area(target)) in APART
            or (_area(target) == "gateway" and name != "gateway.__main__")
        )
    ]
    assert violations == []


def test_layers_import_only_the_third_party_packages_they_may() -> None:
    violations = []
    for name, targets in GRAPH.items():
        banned = FORBIDDEN.get(_area(name), set())
        for target in targets:
            if any(target == b or target.startswith(b + ".") for b in banned):
                violations.append(f"{name} imports {target}")
    assert violations == []


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_outside_the_strawberry_types() -> None:
    for component in _cycles(GRAPH):
        assert all(m.startswith("gateway.types.") for m in component), sorted(component)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _cycles(graph) == [{"a", "b", "c"}]


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("gateway.ll2", ("gateway.upstream", "gateway.types", "strawberry", "aiohttp")),
        ("gateway.upstream.fetcher", ("strawberry", "graphql", "gateway.types", "aiohttp.web")),
        ("gateway.upstream.client", ("strawberry", "graphql", "aiohttp.web", "gateway.offline")),
        ("gateway.upstream.session", ("gateway.loaders", "gateway.offline", "strawberry")),
        ("gateway.types.station", ("gateway.loaders", "gateway.upstream", "httpx", "aiohttp")),
    ],
)
def test_importing_a_layer_loads_nothing_above_it(module: str, absent: tuple[str, ...]) -> None:
    """The real import closure, package ``__init__`` modules included."""
    code = f"import sys, {module}\nprint('\\n'.join(sorted(sys.modules)))\n"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    for prefix in absent:
        assert not [m for m in loaded if m == prefix or m.startswith(prefix + ".")], (
            f"importing {module} loads {prefix}"
        )
