"""Dependencies point one way (DESIGN.md, Layout): a small AST check of every import.

pipelines -> report, connectors, transforms, warehouse; connectors and transforms never
import Prefect, pipelines or each other (transforms may use connectors.identity, the
keys both compare); warehouse imports none of them; only pipelines knows Prefect.
Imports inside functions and under TYPE_CHECKING count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("connectors", "transforms", "warehouse", "pipelines", "report")
PREFECT = ("prefect", "prefect_dask")

# package -> the top-level names it must not import
FORBIDDEN = {
    "connectors": {"transforms", "pipelines", "report", *PREFECT},
    "transforms": {"connectors", "pipelines", "report", *PREFECT},
    "warehouse": {"connectors", "transforms", "pipelines", "report", *PREFECT},
    "report": {"connectors", "pipelines", *PREFECT},
    "pipelines": set(),
}
# The one module of connectors that transforms may import (see its docstring).
ALLOWED = {("transforms", "connectors.identity")}


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def wrong_way_imports(root: Path = ROOT) -> list[str]:
    """Every import that breaks the rules, as ``file:line: package imports module``."""
    problems = []
    for package, forbidden in FORBIDDEN.items():
        folder = root / package
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else []:
            for line, name in imports_of(path, root):
                top = name.split(".")[0]
                allowed = any(
                    package == p and (name == m or name.startswith(m + ".")) for p, m in ALLOWED
                )
                if top in forbidden and not allowed:
                    rel = path.relative_to(root)
                    problems.append(f"{rel}:{line}: {package} imports {name}")
    return problems


def test_dependencies_point_one_way():
    assert wrong_way_imports() == []


def test_only_pipelines_imports_prefect():
    users = {
        _module_name(path).split(".")[0]
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if any(name.split(".")[0] in PREFECT for _, name in imports_of(path))
    }
    assert users <= {"pipelines"}


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("warehouse", "from connectors.base import Extract\n", "warehouse imports connectors.base"),
        ("transforms", "def f():\n    import prefect\n", "transforms imports prefect"),
        ("connectors", "from transforms import normalise\n", "connectors imports transforms"),
    ],
)
def test_the_check_finds_a_wrong_way_import(tmp_path, package, source, expected):
    (tmp_path / package / "sub").mkdir(parents=True)
    (tmp_path / package / "sub" / "mod.py").write_text(source)
    (found,) = wrong_way_imports(tmp_path)
    assert found.endswith(expected)


def test_relative_imports_are_resolved(tmp_path):
    (tmp_path / "warehouse" / "sub").mkdir(parents=True)
    path = tmp_path / "warehouse" / "sub" / "mod.py"
    path.write_text("from . import a\nfrom ..schema import RECORDS\n")
    assert [n for _, n in imports_of(path, tmp_path)] == ["warehouse.sub", "warehouse.schema"]


def test_transforms_may_use_the_shared_identity_keys(tmp_path):
    (tmp_path / "transforms").mkdir()
    (tmp_path / "transforms" / "m.py").write_text("from connectors.identity import Me\n")
    assert wrong_way_imports(tmp_path) == []
