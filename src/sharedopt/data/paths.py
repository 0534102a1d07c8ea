"""Where the embedded data lives."""

from __future__ import annotations

import os
from pathlib import Path

from sharedopt.common.errors import DataError


def data_dir() -> Path:
    """Return the project's ``data/`` folder.

    ``SHAREDOPT_DATA`` overrides it; otherwise it is the ``data/`` folder of the
    checkout the package was installed from (``pip install -e .``).
    """
    env = os.environ.get("SHAREDOPT_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data"
        if (candidate / "README.md").exists() and (parent / "pyproject.toml").exists():
            return candidate
    raise DataError(
        "cannot find the embedded data folder: install sharedopt from its checkout with "
        "`pip install -e .`, or set SHAREDOPT_DATA to the project's data/ folder"
    )
