"""Which folders a report run may replace or delete, and the clean-up after a killed run.

A report folder carries a marker file listing the files sharedopt wrote into it. A
run replaces a folder only when everything in it is listed there (or, for a marker
written before listings existed, is a plain file), and deletes only listed files,
then the empty folder: a folder holding anything sharedopt did not write is never
deleted. The temporary folders of a run (``.NAME.tmp-XXXXXXXX``) carry the marker
from their first moment, with the writing process's id, so a later run can tell a
leftover of a killed run from a folder another run is writing right now.
"""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path

HEADER = "Written by sharedopt; replaced on each run."
_FILES = "files:"
_WRITING = "writing: pid "
_FOREIGN = "it holds files sharedopt did not write; delete it yourself if not needed"
MIN_AGE_EMPTY_TMP_S = 60.0  # an empty temporary folder younger than this may be a run's first moment


@dataclass(frozen=True)
class Marker:
    """What a folder's marker says: the files it owns (None: an old marker without a list) and its writer."""

    files: frozenset[str] | None
    pid: int | None = None
    host: str | None = None


def write_pending_marker(folder: Path, marker: str) -> None:
    """Mark a temporary folder as being written by this process."""
    text = f"{HEADER}\n{_WRITING}{os.getpid()} on {socket.gethostname()}\n"
    (folder / marker).write_text(text, encoding="utf-8")


def write_final_marker(folder: Path, marker: str) -> None:
    """List every entry of a finished folder in its marker (sorted, so the same files give the same bytes)."""
    names = sorted(p.name for p in folder.iterdir() if p.name != marker)
    (folder / marker).write_text("\n".join([HEADER, _FILES, *names]) + "\n", encoding="utf-8")


def read_marker(folder: Path, marker: str) -> Marker | None:
    """The marker of ``folder``, or None when it has none (or it cannot be read)."""
    path = folder / marker
    if path.is_symlink() or not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != HEADER:
        return None
    if _FILES in lines:
        return Marker(frozenset(lines[lines.index(_FILES) + 1:]))
    found = re.fullmatch(r"writing: pid (\d+) on (.*)", lines[1]) if len(lines) > 1 else None
    return Marker(None, int(found.group(1)), found.group(2)) if found else Marker(None)


def foreign_entries(folder: Path, marker: str) -> list[str]:
    """Names in ``folder`` that sharedopt did not write there (all of them without a marker)."""
    entries = sorted(p for p in folder.iterdir() if p.name != marker)
    mark = read_marker(folder, marker)
    if mark is None:
        return [p.name for p in entries]
    return [p.name for p in entries
            if (mark.files is not None and p.name not in mark.files) or (p.is_dir() and not p.is_symlink())]


def remove_owned(folder: Path, marker: str) -> bool:
    """Delete ``folder`` if everything in it is sharedopt's (an empty folder counts); True when deleted."""
    try:
        if foreign_entries(folder, marker):
            return False
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()
    except OSError:
        return False
    return True


def writer_alive(mark: Marker) -> bool:
    """Whether the process named in a temporary folder's marker may still be writing it."""
    if mark.pid is None:
        return False
    if mark.host != socket.gethostname():
        return True  # another machine's process: cannot tell, so assume it is alive
    try:
        os.kill(mark.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _leftovers(target: Path, kind: str) -> list[Path]:
    """``.NAME.tmp-*`` (kind 'tmp') or ``.NAME.old-*`` (kind 'old') folders beside ``target``."""
    suffix = r"[a-z0-9_]{8}" if kind == "tmp" else r"[0-9a-f]{32}"
    pattern = re.compile(rf"\.{re.escape(target.name)}\.{kind}-{suffix}")
    parent = target.parent
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir()
                  if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())


def _clean_tmp(folder: Path, marker: str) -> str:
    """Remove one leftover temporary folder if it is a dead run's; say what happened."""
    mark = read_marker(folder, marker)
    empty = not any(folder.iterdir())
    if empty and time.time() - folder.stat().st_mtime < MIN_AGE_EMPTY_TMP_S:
        return f"left {folder} alone: it was created moments ago, maybe by another run"
    if mark is not None and writer_alive(mark):
        return f"left {folder} alone: another sharedopt run (process {mark.pid} on {mark.host}) is writing it"
    if (mark is not None or empty) and remove_owned(folder, marker):
        return f"removed {folder}, left by an interrupted run"
    return f"left {folder} alone: {_FOREIGN}"


def _complete(folder: Path, marker: str) -> bool:
    """A finished report folder: a marker with its file list, and nothing else in it."""
    mark = read_marker(folder, marker)
    return mark is not None and mark.files is not None and not foreign_entries(folder, marker)


def clean_leftovers(target: Path, marker: str) -> list[str]:
    """Clean up after a killed run that was writing ``target``; return one note per action.

    Temporary folders of dead runs are removed. If ``target`` is missing and a
    previous report was renamed aside (``.NAME.old-*``, a run killed between its two
    renames), the newest complete one is renamed back; other ``.old`` folders that
    hold only sharedopt's files are removed. Nothing holding foreign files is touched.
    """
    notes = [_clean_tmp(folder, marker) for folder in _leftovers(target, "tmp")]
    olds = _leftovers(target, "old")
    if olds and not target.exists() and not target.is_symlink():
        complete = [p for p in olds if _complete(p, marker)]
        if complete:
            newest = max(complete, key=lambda p: (p.stat().st_mtime, p.name))
            os.rename(newest, target)
            olds.remove(newest)
            notes.append(f"recovered {target} from {newest.name} (a run was interrupted while replacing it)")
    for folder in olds:
        if remove_owned(folder, marker):
            notes.append(f"removed {folder}, a previous report left by an interrupted run")
        else:
            notes.append(f"left {folder} alone: {_FOREIGN}")
    return notes
