"""An embedded region's load kept on disk: :func:`stored_load`.

Loading a region of the embedded register (the boundaries through GDAL, the spend and its
checks, a neighbour graph per service) takes about half a second of a North East run and gives
the same tables every time from the same files and the same code. So, like the cost fits and the
England panel (:mod:`sharedopt.common.diskcache`), the loaded region is kept on disk under a key
naming everything it depends on (:func:`region_key`): the selection, the bytes of every file of
the data folder, the source of every module the load can run (``sharedopt.data``,
``sharedopt.config``, ``sharedopt.common``) and the versions of Python and of the libraries that
read and hold the data. The stored object is the loaded one, pickled, so a run reads back exactly
what it would load: the same tables, graphs, sources and data-quality notes (appended to the
caller's, in their order), the same bytes in every output.

What is never read back: a user's own files (a boundary file or a costs CSV: loaded every time),
a load that raised (nothing is stored, so the error is raised again), and a load that warned (not
stored, so its warnings are shown every time) and a load in a thread other than the main one (its
warnings are not recorded: :func:`warnings.catch_warnings` changes the whole process's state; a
stored load is still read back there). The config's reference check still runs on every run, on
the authorities read back. ``SHAREDOPT_CACHE=off`` turns the cache off.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from sharedopt.common.diskcache import cached, digest
from sharedopt.data.paths import data_dir
from sharedopt.data.region.selection import RegionData, Selection
from sharedopt.data.validate import DataQuality

__all__ = ["region_key", "stored_load"]

#: the packages whose source a load can run (the data layer imports only these of sharedopt)
CODE_PACKAGES = ("data", "config", "common")
#: the libraries that read the files and hold the loaded tables and graphs
LIBRARIES = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "networkx")

#: ``load(quality, check_authorities)``: the load itself (:func:`sharedopt.data.region.load.load_region`'s steps)
Load = Callable[[DataQuality, "Callable[[pd.DataFrame], None] | None"], RegionData]


@dataclass(frozen=True)
class _Loaded:
    """A load's result, the data-quality notes it added and the warnings it showed."""

    data: RegionData
    notes: list[dict]
    said: list[tuple]


def region_key(selection: Selection) -> str | None:
    """sha256 of everything loading ``selection`` from the embedded register depends on.

    Parameters
    ----------
    selection : Selection

    Returns
    -------
    str or None
        None when the selection names a user's file (always loaded) or a file cannot be read.
    """
    if selection.boundary_file is not None or selection.costs_csv is not None:
        return None
    package = Path(__file__).resolve().parents[2]
    try:
        root = data_dir()
        files = [part for path in sorted(p for p in root.rglob("*") if p.is_file())
                 for part in (path.relative_to(root).as_posix(), path.read_bytes())]
        code = [part for name in CODE_PACKAGES for path in sorted((package / name).rglob("*.py"))
                for part in (path.relative_to(package).as_posix(), path.read_bytes())]
    except OSError:
        return None
    return digest([repr(selection), str(root), *files, *code, sys.version, *_versions()])


def _versions() -> list[str]:
    """Each library's name and version ('' when not installed)."""
    out = []
    for name in LIBRARIES:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} ''")
    return out


def stored_load(selection: Selection, quality: DataQuality, load: Load,
                check_authorities: Callable[[pd.DataFrame], None] | None = None) -> RegionData:
    """``load(quality, check_authorities)``, or the same load read back from disk.

    Parameters
    ----------
    selection : Selection
        What is loaded (with :func:`region_key`, the key).
    quality : DataQuality
        Receives the load's notes (read back: appended in their order).
    load : callable
        The load itself.
    check_authorities : callable, optional
        The caller's check of the authorities; run on those read back too.

    Returns
    -------
    RegionData
    """
    key = region_key(selection)
    if key is None:
        return load(quality, check_authorities)
    ran: list[bool] = []
    # the warnings' state is the process's: a load is recorded (and kept) only on the main thread
    main = threading.current_thread() is threading.main_thread()

    def compute() -> _Loaded:
        ran.append(True)
        if not main:
            return _Loaded(load(quality, check_authorities), [], [])
        first = len(quality.entries)
        with warnings.catch_warnings(record=True) as said:
            data = load(quality, check_authorities)
        return _Loaded(data, quality.entries[first:], [(w.message, w.category, w.filename, w.lineno) for w in said])

    loaded = cached(_name(selection), key, compute, keep=lambda found: main and not found.said)
    if ran:  # loaded here: its warnings were recorded, show them now
        for message, category, filename, lineno in loaded.said:
            warnings.showwarning(message, category, filename, lineno)
        return loaded.data
    if check_authorities is not None:
        check_authorities(loaded.data.authorities)
    quality.entries.extend(loaded.notes)
    return loaded.data


def _name(selection: Selection) -> str:
    """The stored file's name start: ``region-<region>`` (or ``region-codes`` for a list of codes)."""
    return "region-" + re.sub(r"[^a-z0-9]+", "-", str(selection.region or "codes").lower()).strip("-")
