"""The benchmark scripts run outside the suite, so a name they import from the platform can
vanish unnoticed (the escalation benchmark broke when notifications moved to their own app):
every `from chainlead… import name` in benchmarks/ must still resolve."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


def _platform_imports() -> list[tuple[str, str, str]]:
    found = []
    for script in sorted(BENCHMARKS.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chainlead"):
                found += [(script.name, node.module or "", alias.name) for alias in node.names]
    return found


def _resolves(module: str, name: str) -> bool:
    if hasattr(importlib.import_module(module), name):
        return True
    try:
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return False
    return True


def test_every_name_the_benchmarks_import_from_the_platform_exists() -> None:
    imports = _platform_imports()
    assert len(imports) > 20  # the scripts were found and read
    missing = [
        f"{script}: {module}.{name}"
        for script, module, name in imports
        if not _resolves(module, name)
    ]
    assert missing == []
