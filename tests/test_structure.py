"""The shape of the code, read statically with `ast`: no import cycle among bulletin's
modules (counting the imports inside functions, which run too), no function longer than
about 60 lines."""
import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "bulletin"
LONGEST = 60

# Functions over LONGEST lines in files this allow-list's author could not change at the
# time (being rewritten on other branches).  Each is to be split and then removed from
# here; a name listed here that is no longer long fails the test, so the list only shrinks.
ALLOWED_LONG: set[str] = set()


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package as its __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that the module `name` imports anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from . import x` imports the module x if there is one, else a name of the package
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
    return edges


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {name: imported(name, path, known) for name, path in known.items()}
    # The format registry imports its modules by name (importlib), which no `import` shows
    from bulletin import formats
    graph["bulletin.formats"] |= {f"bulletin.formats.{module}" for module in formats.MODULES.values()}
    return graph


def long_functions() -> dict[str, int]:
    """'path:function' -> its length in lines, for every function longer than LONGEST."""
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST:
                    long[f"{path.relative_to(REPO).as_posix()}:{node.name}"] = length
    return long


def test_the_scan_sees_imports_inside_functions_and_relative_ones():
    """The scanner itself, on edges known to be in the code (so that an empty graph cannot pass)."""
    graph = import_graph()
    assert "bulletin.typeset.child" in graph["bulletin.typeset.fork"]      # inside a function, relative
    assert "bulletin.render.pdf" in graph["bulletin.formats.pdf"]          # `from ..render import pdf as ...`
    assert "bulletin.formats.base" in graph["bulletin.formats.pdf"]        # `from .base import Format`
    assert "bulletin.formats.pdf" in graph["bulletin.formats"]             # the registry, by name
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_no_function_longer_than_60_lines():
    long = long_functions()
    over = {name: n for name, n in long.items() if name not in ALLOWED_LONG}
    assert not over, "functions over %d lines: %s" % (LONGEST, ", ".join(f"{k} ({v})" for k, v in sorted(over.items())))
    no_longer = ALLOWED_LONG - set(long)
    assert not no_longer, f"no longer too long, take them off ALLOWED_LONG: {sorted(no_longer)}"


def test_no_function_hides_the_translation_function():
    """`x, _, _ = f()` in a function that also calls `_("...")` makes `_` local to it: the
    message raises UnboundLocalError instead of being shown (it happened, in site.py)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            scoped = {id(n) for c in ast.walk(func) if isinstance(c, (ast.ListComp, ast.SetComp, ast.DictComp,
                                                                      ast.GeneratorExp))
                      for n in ast.walk(c)}
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                        and id(n) not in scoped for n in ast.walk(func))
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                        for n in ast.walk(func))
            if binds and calls:
                found.append(f"{path.relative_to(REPO)}:{func.lineno} {func.name}")
    assert not found, found
