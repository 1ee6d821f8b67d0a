"""No two modules of the project import each other, directly or around a circle.

Every import counts, those inside functions too (a lazy import hides a circle, it does
not remove it); only `if TYPE_CHECKING:` blocks are left out. Packages' __init__
modules count as their own modules.

One concept may know itself both ways: an app's model layer, its models and the
querysets they are managed by (a queryset's subqueries name other models, which import
their queryset; Django's own pattern). Any other circle fails.
"""

import ast
from pathlib import Path

from django.conf import settings

PACKAGES = ("live", "media_graph", "moderation", "project", "schema", "tasks", "users")
ROOT = Path(settings.BASE_DIR)


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    found = set()
    skip = {
        id(node)
        for stmt in ast.walk(tree)
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)
        for node in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` names the module; any other name, the package.
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            # The longest known module the name is, or lies in.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    paths = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    known = {_module_of(path) for path in paths}
    return {
        _module_of(path): _imports(
            ast.parse(path.read_text()), _module_of(path), path.name == "__init__.py", known
        )
        for path in paths
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _model_layer(module: str) -> str | None:
    app, _, rest = module.partition(".")
    return app if rest == "querysets" or rest.partition(".")[0] == "models" else None


def test_no_module_imports_itself_around_a_circle():
    edges = graph()
    assert len(edges) > 100, "the walk found the project's modules"
    circles = [
        circle
        for circle in cycles(edges)
        if len({_model_layer(module) for module in circle}) != 1 or _model_layer(circle[0]) is None
    ]
    assert circles == []


def test_the_check_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
