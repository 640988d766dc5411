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


def test_the_text_classifier_loads_no_django() -> None:
    # Issue 14 item 1: the classifier, its file reader and its quality measures stand alone.
    code = (
        "import chainlead.analytics.classify, chainlead.analytics.classify.firm_file, sys; "
        "from chainlead.analytics.classify import train_classifier, cross_validate; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_every_public_name_is_exported() -> None:
    for name in chainlead.analytics.__all__:
        assert hasattr(chainlead.analytics, name), name
    for name in ("complexity", "proximity", "herfindahl", "region_product_table"):
        assert callable(getattr(chainlead.analytics, name))


def test_names_load_on_first_use_and_functions_keep_their_module_names() -> None:
    # `rca`, `density` and `proximity` are each a module and its function: the package's name is
    # the function, even after the module itself was imported first.
    code = (
        "import sys, chainlead.analytics as a; "
        "assert 'chainlead.analytics.matching' not in sys.modules; "
        "import chainlead.analytics.density, chainlead.analytics.rca; "
        "from chainlead.analytics.proximity import continuous_proximity; "
        "assert callable(a.density) and callable(a.rca) and callable(a.proximity); "
        "from chainlead.analytics import survival; "
        "assert survival.__name__ == 'chainlead.analytics.survival'; "
        "assert a.assign.__module__ == 'chainlead.analytics.matching'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
