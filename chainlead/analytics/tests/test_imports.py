"""The package stands alone: no Django, a complete public API."""

from __future__ import annotations

import subprocess
import sys

import chainlead.analytics


def test_importing_analytics_loads_no_django() -> None:
    code = (
        "import chainlead.analytics, sys; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_every_public_name_is_exported() -> None:
    for name in chainlead.analytics.__all__:
        assert hasattr(chainlead.analytics, name), name
    for name in ("complexity", "proximity", "herfindahl", "region_product_table"):
        assert callable(getattr(chainlead.analytics, name))
