"""The private framework names the schema relies on are fenced in schema/engine/.

These fail loudly when an upgrade changes the libraries under the engine (a minor series
other than the one it was read against, or a listed name gone, whatever the release),
and when code outside the fence reaches for a private name. Patch releases pass: a
Django security fix must not fail the suite.
"""

import ast
import importlib
import inspect
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

from schema import engine

SCHEMA_DIR = Path(engine.__file__).resolve().parent.parent
ENGINE_DIR = Path(engine.__file__).resolve().parent

# Modules whose names are private (or undocumented) wholesale.
PRIVATE_MODULES = (
    "strawberry.relay.utils",
    "strawberry.relay.types",
    "strawberry.schema.schema",
    "strawberry.utils",
    "strawberry_django.fields.field",
    "strawberry_django.optimizer",
    "strawberry_django.pagination",
    "strawberry_django.queryset",
    "graphql.execution.execute",
)
# Underscored attributes that are public by convention.
PUBLIC_UNDERSCORED = {"_meta", "_default_manager", "_base_manager"}


def _resolve(dotted: str) -> None:
    """Import the longest module prefix, then walk the attributes; raise when gone.

    `module:'text'` means the module's source still contains that literal (a name the
    library reads or writes as a string: a keyword argument, an annotation on rows).
    """
    if ":" in dotted:
        module_name, literal = dotted.split(":", 1)
        source = inspect.getsource(importlib.import_module(module_name))
        assert literal.strip("'") in source, f"{module_name} no longer mentions {literal}"
        return
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        break
    else:
        raise AssertionError(f"no module in {dotted}")
    for name in parts[cut:]:
        if hasattr(target, name):
            target = getattr(target, name)
            continue
        # A dataclass field or annotated instance attribute of a class.
        annotated = any(name in getattr(k, "__annotations__", {}) for k in target.__mro__)
        assert isinstance(target, type) and annotated, f"{dotted}: {name} is gone"
        return


def _series(release: str) -> str:
    """A release's minor series: "5.2.19" and "5.2.20rc1" are "5.2"."""
    major, minor = Version(release).release[:2]
    return f"{major}.{minor}"


def test_the_installed_libraries_are_of_the_series_the_engine_was_read_against():
    installed = {name: _series(version(name)) for name in engine.WRITTEN_FOR}
    assert installed == engine.WRITTEN_FOR, (
        "A minor upgrade changed the libraries under schema/engine/: re-read every name "
        "in the PRIVATE_NAMES of engine.FENCED_MODULES in the new release, run the suite "
        "and `make bench`, then update engine.WRITTEN_FOR."
    )


def test_a_patch_release_keeps_its_series_and_a_minor_one_does_not():
    assert _series("5.2.19") == _series("5.2.20") == _series("5.2.21rc1") == "5.2"
    assert _series("0.327.7") == "0.327"
    assert _series("5.3.0") != "5.2" and _series("0.328.0") != "0.327"


@pytest.mark.parametrize("module_name", engine.FENCED_MODULES)
def test_every_private_name_a_fenced_module_lists_still_resolves(module_name):
    names = importlib.import_module(module_name).PRIVATE_NAMES
    assert names
    for dotted in names:
        _resolve(dotted)


def test_the_resolver_fails_on_a_name_that_is_gone():
    with pytest.raises(AssertionError):
        _resolve("strawberry_django.optimizer.DjangoOptimizerExtension.no_such_method")
    with pytest.raises(AssertionError):
        _resolve("strawberry_django.pagination:'_no_such_annotation'")


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PRIVATE_MODULES):
                found.append(f"{path.name}:{node.lineno} imports from {node.module}")
        elif isinstance(node, ast.Import):
            found.extend(
                f"{path.name}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name.startswith(PRIVATE_MODULES)
            )
        elif isinstance(node, ast.Attribute):
            name = node.attr
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            private = name.startswith("_") and not name.startswith("__")
            if private and not own and name not in PUBLIC_UNDERSCORED:
                found.append(f"{path.name}:{node.lineno} reads .{name}")
    return found


def test_no_module_outside_the_engine_uses_a_private_framework_name():
    outside = [p for p in SCHEMA_DIR.rglob("*.py") if ENGINE_DIR not in p.parents]
    assert len(outside) > 20
    found = [use for path in outside for use in _private_uses(path)]
    assert found == []


def test_the_scan_sees_a_private_use(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from strawberry_django.optimizer import optimizer\n"
        "import strawberry.relay.utils\n"
        "x = info._raw_info\n"
        "y = self._own, Model._meta\n"
    )
    assert len(_private_uses(sample)) == 3
