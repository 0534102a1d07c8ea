"""A result computed once per machine: kept on disk under a key that names everything it depends on.

Used where a run spends seconds recomputing the same thing from the same embedded data
(the cost curves fitted on the England panel). The key is a hash of every input of the
computation (the data's content, the code's source, the settings, the library versions),
so a changed input is a new key and the result is computed afresh; the stored object is
the computed one, pickled, so a run reads back exactly what it would compute (same bytes
in every output). The cache can only make a run faster: a file that cannot be read or
written is ignored and the result is computed.

Where: ``$SHAREDOPT_CACHE`` if set (``off`` or ``0`` turns the cache off), else
``$XDG_CACHE_HOME/sharedopt``, else ``~/.cache/sharedopt``; the :data:`KEEP` newest results of
each name are kept. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["cache_dir", "cached", "digest"]

T = TypeVar("T")
OFF = {"off", "0", "no", "false"}
#: stored results kept per name (the newest): older keys are of code or data since changed
KEEP = 4


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when ``$SHAREDOPT_CACHE`` turns the cache off.

    Returns
    -------
    pathlib.Path or None
    """
    chosen = os.environ.get("SHAREDOPT_CACHE")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sharedopt"


def digest(parts: Iterable[bytes | str]) -> str:
    """sha256 of the parts, each length-prefixed (so no two lists of parts give the same text).

    Parameters
    ----------
    parts : iterable of bytes or str
        Everything the cached result depends on.

    Returns
    -------
    str
        Hex digest.
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def cached(name: str, key: str, compute: Callable[[], T], folder: Path | None = None,
           keep: Callable[[T], bool] | None = None) -> T:
    """The result stored under ``name`` and ``key``, else ``compute()`` (stored for next time).

    Parameters
    ----------
    name : str
        What is cached (the file name's start, e.g. ``'costfit-fitted'``).
    key : str
        :func:`digest` of everything the result depends on.
    compute : callable
        Computes the result when there is no readable stored one.
    folder : pathlib.Path, optional
        Default :func:`cache_dir`.
    keep : callable, optional
        ``keep(value)`` says whether a computed result is stored (default: always).

    Returns
    -------
    object
        The stored result, or the computed one.
    """
    folder = folder if folder is not None else cache_dir()
    if folder is None:
        return compute()
    path = folder / f"{name}-{key[:40]}.pkl"
    found = _read(path)
    if found is not None:
        return found[0]
    value = compute()
    if keep is None or keep(value):
        _write(path, value)
        _prune(folder, name)
    return value


def _read(path: Path) -> tuple[object] | None:
    """``(value,)`` from ``path``, or None when it is missing or unreadable."""
    try:
        with path.open("rb") as handle:
            return (pickle.load(handle),)
    except Exception:  # noqa: BLE001 - a missing, partial or stale file: compute instead
        return None


def _prune(folder: Path, name: str) -> None:
    """Remove all but the :data:`KEEP` newest results stored under ``name``."""
    try:
        stored = sorted(folder.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink()
    except OSError:
        pass


def _write(path: Path, value: object) -> None:
    """Store ``value`` at ``path`` atomically (a temporary file renamed); failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, suffix=".tmp",
                                         delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except Exception:  # noqa: BLE001 - a read-only or full disk: the run goes on uncached
        try:
            os.unlink(handle.name)
        except (NameError, OSError):
            pass
