"""The layers: the kit and the spine know nothing above them (docs/adding-an-organ.md).

Read from the source with `ast` (every import, at any depth, including those inside functions
and TYPE_CHECKING blocks), so a lazy import cannot hide a dependency. Tests are not checked: an
app's tests may build a world from any app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chainlead

ROOT = Path(chainlead.__file__).parent
KIT = ("core", "accounts", "audit", "notifications")
SPINE = ("registry", "chains")
# Which chainlead packages each lower package may import; everything else is above it.
ALLOWED: dict[str, set[str]] = {
    "core": {"core", "accounts", "audit", "analytics"},
    "accounts": {"core", "accounts", "audit"},
    "audit": {"core", "accounts", "audit"},
    "notifications": {"core", "accounts", "audit", "notifications"},
    "registry": {"core", "accounts", "audit", "notifications", "analytics", "registry"},
    "chains": {"core", "accounts", "audit", "notifications", "analytics", "registry", "chains"},
    "analytics": {"analytics"},
}


def imported_packages(path: Path) -> set[str]:
    """The chainlead packages (`chainlead.<package>`) the module at `path` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "chainlead" and len(parts) > 1:
                found.add(parts[1])
    return found


def violations(package: str) -> list[str]:
    allowed = ALLOWED[package]
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        for imported in sorted(imported_packages(path) - allowed):
            found.append(f"{path.relative_to(ROOT.parent)} imports chainlead.{imported}")
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_lower_layers_import_nothing_above_them(package: str) -> None:
    assert violations(package) == []


def test_analytics_imports_no_django() -> None:
    for path in (ROOT / "analytics").rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "django" for a in node.names), path
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] != "django", path


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from chainlead.governance.models import Meeting\n")
    assert imported_packages(module) == {"governance"}


def test_every_app_is_declared_in_a_layer_or_is_above_them() -> None:
    # A new lower package must be added to ALLOWED; organs need nothing here.
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert set(KIT) | set(SPINE) | {"analytics"} <= packages
