"""What a gunicorn worker holds after start-up (issue 8: the pages' p99 under load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Loaded by the few pages and calls that compute with them, not by every worker: each makes the
# process bigger and, without gc.freeze, every full garbage collection longer.
HEAVY = ("numpy", "pandas", "scipy", "ortools", "openpyxl")


def test_a_worker_loads_every_view_freezes_them_and_no_numerical_library() -> None:
    # A fresh interpreter, as a worker: config.wsgi, then the gunicorn file's post_worker_init.
    code = (
        "import gc, json, runpy, sys; from config.wsgi import application; "
        "runpy.run_path('config/gunicorn_conf.py')['post_worker_init'](None); "
        "print(json.dumps({'frozen': gc.get_freeze_count(), "
        "'views': 'chainlead.chains.views' in sys.modules, "
        f"'heavy': sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})}}))"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["heavy"] == []
    assert found["views"]
    assert found["frozen"] > 50_000
