"""Atomic file-system helpers for the report step.

A report directory is built in a sibling temporary directory (same file
system) and only swapped into place once every file has been written, so a
reader never sees a half-written report and a failure leaves the previous
report untouched. :func:`prepare_output_dir` checks an output folder before a
run does any work (see :mod:`sharedopt.report.ownership` for which folders a run
may replace or delete).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sharedopt.common.errors import OutputError

from sharedopt.report.ownership import clean_leftovers, foreign_entries, remove_owned, write_final_marker, write_pending_marker

__all__ = ["atomic_directory", "prepare_output_dir", "write_bytes_atomic", "write_text_atomic"]

_SHOWN = 5  # foreign entries named in a refusal


def prepare_output_dir(path: str | os.PathLike, *, marker: str) -> list[str]:
    """Check that a run may write ``path``, before it does any work; clean up after a killed run.

    Parameters
    ----------
    path : str or os.PathLike
        The output folder.
    marker : str
        Name of the file that marks folders written by sharedopt.

    Returns
    -------
    list of str
        One note per leftover of an interrupted run removed, recovered or left alone.

    Raises
    ------
    sharedopt.common.errors.OutputError
        ``path`` cannot be created or written (a file on the way, no permission), is a
        mount point, a file or a symbolic link, or is a non-empty folder holding anything sharedopt did
        not write. The message names the folder and the fix; nothing was changed.
    """
    target = _as_target(path)
    _check_not_a_mount(target)
    _check_writable(target)
    notes = clean_leftovers(target, marker)
    _check_replaceable(target, marker)
    return notes


@contextmanager
def atomic_directory(path: str | os.PathLike, *, marker: str | None = None) -> Iterator[Path]:
    """Build a directory elsewhere and swap it into ``path`` on success.

    Parameters
    ----------
    path : str or os.PathLike
        Final location of the directory. Its parent is created if needed.
    marker : str, optional
        Name of a file that identifies directories this code owns. When
        given, the marker (listing the files written) is written into the new
        directory, leftovers of a killed run are cleaned up (each said in a
        warning), and an existing non-empty ``path`` holding anything not
        listed in its marker is refused (so a mistyped ``out_dir`` such as a
        home directory, or a folder holding other reports, is never deleted).
        The block should write files only.

    Yields
    ------
    pathlib.Path
        An empty temporary directory next to ``path`` to write into.

    Raises
    ------
    sharedopt.common.errors.OutputError
        A ``FileExistsError``: ``path`` is a file or a symbolic link, or
        (with ``marker``) cannot be written or holds entries not written by
        sharedopt; see :func:`prepare_output_dir`.

    Notes
    -----
    On success the old directory is renamed aside, the new one renamed into
    place and the old one removed (with ``marker``: only its listed files,
    then the empty folder; it is left, with a warning, if anything else
    appeared in it meanwhile). On any exception inside the block the
    temporary directory is deleted and ``path`` is left exactly as it was.
    Between the two renames ``path`` briefly does not exist; on POSIX a
    directory cannot be replaced in a single atomic rename.
    """
    target = _as_target(path)
    if marker:
        for note in prepare_output_dir(target, marker=marker):
            warnings.warn(note, stacklevel=3)
    else:
        _check_replaceable(target, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _make_readable(tmp)
        if marker:
            write_pending_marker(tmp, marker)
        yield tmp
        if marker:
            write_final_marker(tmp, marker)
        _swap_into_place(tmp, target, marker)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write text to ``path`` atomically (temp file + ``os.replace``).

    Parameters
    ----------
    path : str or os.PathLike
        Destination file.
    text : str
        Content; written as-is (no newline translation).
    encoding : str, default 'utf-8'
        Text encoding.

    Returns
    -------
    pathlib.Path
        The destination path.
    """
    return write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to ``path`` atomically (temp file + ``os.replace``).

    Parameters
    ----------
    path : str or os.PathLike
        Destination file; its directory must exist.
    data : bytes
        Content.

    Returns
    -------
    pathlib.Path
        The destination path.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _default_file_mode())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _as_target(path: str | os.PathLike) -> Path:
    """``path`` as given, or absolute when it has no name of its own ('.', '..')."""
    target = Path(path)
    if target.name in ("", ".", ".."):
        target = Path(os.path.abspath(target))
    if not target.name:
        raise OutputError(f"{path}: the file-system root cannot be an output folder; choose a new folder (--out)")
    return target


def _check_not_a_mount(target: Path) -> None:
    """Refuse a mount point: the report replaces its folder whole (a rename), which a mount point refuses."""
    if target.is_dir() and not target.is_symlink() and os.path.ismount(target):
        raise OutputError(f"{target} is a mount point; sharedopt replaces its output folder whole (by renaming "
                          f"it), which a mount point cannot be: give a folder inside it, e.g. "
                          f"{target / 'report'} (--out)")


def _check_writable(target: Path) -> None:
    """Refuse an output folder that cannot be created or written, before any work."""
    ancestor = target.parent
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{target}: cannot be created, because {ancestor} is not a folder; "
                          "choose another output folder (--out)")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".sharedopt-probe-", dir=ancestor))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {ancestor} ({exc.strerror or exc}); "
                          "choose a folder you can write to (--out)") from None


def _check_replaceable(target: Path, marker: str | None) -> None:
    """Refuse to replace something that is not ours to replace."""
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link (to {os.readlink(target)}); sharedopt replaces its "
                          "output folder whole and does not write through links: give the real folder or "
                          "a new one (--out)")
    if not target.is_dir():
        raise OutputError(f"{target} is a file, not a folder; give a new or empty folder (--out)")
    foreign = foreign_entries(target, marker) if marker else []
    if not foreign:
        return
    shown = ", ".join(foreign[:_SHOWN]) + (f" and {len(foreign) - _SHOWN} more" if len(foreign) > _SHOWN else "")
    if (target / marker).exists():
        raise OutputError(f"{target} is a sharedopt report folder but also holds {shown}, which sharedopt did "
                          "not write; move that out, or choose another output folder (--out). Nothing was changed.")
    raise OutputError(f"{target} is a non-empty folder not written by sharedopt (it holds {shown}); sharedopt "
                      f"replaces only its own report folders (marked by {marker!r}). Choose a new or empty "
                      "folder (--out). Nothing was changed.")


def _swap_into_place(tmp: Path, target: Path, marker: str | None) -> None:
    """Rename ``target`` aside, ``tmp`` into place, then delete the old copy (only what was ours)."""
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex}"
    had_old = target.exists()
    if had_old:
        os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        if had_old:
            os.rename(old, target)
        raise
    if not had_old:
        return
    if marker is None:
        shutil.rmtree(old, ignore_errors=True)
    elif not remove_owned(old, marker):
        warnings.warn(f"left the previous report at {old}: files sharedopt did not write appeared in it "
                      "during the run", stacklevel=4)


def _make_readable(directory: Path) -> None:
    """Give a ``mkdtemp`` directory (mode 0700) the usual umask-based mode."""
    os.chmod(directory, 0o777 & ~_current_umask())


def _default_file_mode() -> int:
    """Mode an ordinary ``open(..., 'w')`` would give a new file."""
    return 0o666 & ~_current_umask()


def _current_umask() -> int:
    """Read the process umask (there is no getter, so set and restore it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
