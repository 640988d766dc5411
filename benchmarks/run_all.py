"""Run every benchmark (`make bench`; BENCH_SCALE=0.1 for a quick look). Exit 1 if a target is
missed. Each script also runs alone: `python benchmarks/<name>.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run_all.py", "bench_settings.py", "bench_urls.py"}


def main() -> int:
    scripts = sorted(
        p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name not in SKIP
    )
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"Targets missed or errors in: {', '.join(failed)}")
        return 1
    print("All benchmark targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
