"""Describe the machine a benchmark ran on, for JSON results and RESULTS.md.

Reusable by every benchmark: ``describe()`` returns a flat ``{label: text}`` dict (CPU model,
cores, memory, Python, OS, numpy's BLAS, load average); ``markdown(describe())`` renders it as a
bullet list. Standard library only, except that the BLAS line is filled in when numpy is
installed. ``python benchmarks/_machine.py`` prints the description as JSON.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _physical_cores() -> int | None:
    """Distinct (physical id, core id) pairs in /proc/cpuinfo; None where unknown."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    cores = set()
    physical = core = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith("physical id"):
            physical = line.split(":", 1)[1].strip()
        elif line.startswith("core id"):
            core = line.split(":", 1)[1].strip()
        elif not line.strip():
            if core:
                cores.add((physical, core))
            physical = core = ""
    return len(cores) or None


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _blas() -> str:
    try:
        import numpy as np
    except ImportError:
        return "numpy not installed"
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"numpy {np.__version__}, {blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout varies between numpy versions
        return f"numpy {np.__version__}"


def describe() -> dict[str, str]:
    """The machine as ``{label: text}``; the load average tells whether others were busy."""
    logical = os.cpu_count() or 0
    physical = _physical_cores()
    memory = _memory_gib()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "cpu": _cpu_model(),
        "cores": f"{logical} logical" + (f", {physical} physical" if physical else ""),
        "memory": f"{memory:.1f} GiB" if memory is not None else "?",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": _os_name(),
        "blas": _blas(),
        "load average (1/5/15 min)": load,
    }


def markdown(info: dict[str, str]) -> str:
    """A Markdown bullet list of ``describe()``'s result."""
    return "\n".join(f"- {label}: {text}" for label, text in info.items())


if __name__ == "__main__":
    print(json.dumps(describe(), indent=2, ensure_ascii=False))
