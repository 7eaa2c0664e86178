"""Where a verification ran: Python, package versions, code version (git commit of the checkout, else the
package version), device; read once per run."""

from __future__ import annotations

import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from compute.models import Environment

BASE_PACKAGES = ("claimgraph", "pyoxigraph", "pydantic")
_ROOT = Path(__file__).resolve().parent.parent


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@lru_cache(maxsize=1)
def code_version() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_ROOT, capture_output=True, text=True, timeout=5,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=_ROOT, capture_output=True, text=True, timeout=5,
                               check=True).stdout.strip()
        return f"git:{commit}{'+dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return f"claimgraph {_version('claimgraph')}"


def environment(packages: tuple[str, ...], device: str | None, seed: int | None, wall_time_s: float) -> Environment:
    return Environment(
        python=platform.python_version(),
        packages={name: _version(name) for name in (*BASE_PACKAGES, *packages)},
        code_version=code_version(),
        device=device or "cpu",
        seed=seed,
        wall_time_s=round(wall_time_s, 6),
    )
