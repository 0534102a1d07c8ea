"""Atomic file-system helpers for the report step.

A report directory is built in a sibling temporary directory (same file
system) and only swapped into place once every file has been written, so a
reader never sees a half-written report and a failure leaves the previous
report untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_directory", "write_bytes_atomic", "write_text_atomic"]


@contextmanager
def atomic_directory(path: str | os.PathLike, *, marker: str | None = None) -> Iterator[Path]:
    """Build a directory elsewhere and swap it into ``path`` on success.

    Parameters
    ----------
    path : str or os.PathLike
        Final location of the directory. Its parent is created if needed.
    marker : str, optional
        Name of a file that identifies directories this code owns. When
        given, the marker is written into the new directory, and an existing
        *non-empty* ``path`` without the marker is refused (so a mistyped
        ``out_dir`` such as a home directory is never deleted).

    Yields
    ------
    pathlib.Path
        An empty temporary directory next to ``path`` to write into.

    Raises
    ------
    FileExistsError
        If ``path`` exists but is not a directory, or is a non-empty
        directory lacking ``marker``.

    Notes
    -----
    On success the old directory is renamed aside, the new one renamed into
    place and the old one removed. On any exception inside the block the
    temporary directory is deleted and ``path`` is left exactly as it was.
    Between the two renames ``path`` briefly does not exist; on POSIX a
    directory cannot be replaced in a single atomic rename.
    """
    target = Path(path)
    _check_replaceable(target, marker)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _make_readable(tmp)
        if marker:
            (tmp / marker).write_text("Written by sharedopt; replaced on each run.\n", encoding="utf-8")
        yield tmp
        _swap_into_place(tmp, target)
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


def _check_replaceable(target: Path, marker: str | None) -> None:
    """Refuse to replace something that is not ours to replace."""
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory; refusing to replace it")
    if marker and not (target / marker).exists() and any(target.iterdir()):
        raise FileExistsError(
            f"{target} is a non-empty directory not written by sharedopt "
            f"(no {marker!r} file); refusing to replace it. Choose an empty or new output directory."
        )


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``target`` aside, ``tmp`` into place, then delete the old copy."""
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
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


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
