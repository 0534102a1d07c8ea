"""Input files read within bounds: a regular file, of at most :data:`MAX_INPUT_BYTES`.

A device (``/dev/zero``), a pipe or a huge file given as a config, costs CSV, readiness
file or boundary file used to be read without limit, memory growing until the machine
gave out. Every user input goes through :func:`check_input_file` before it is read.
"""

from __future__ import annotations

from pathlib import Path

from sharedopt.common.errors import DataError

__all__ = ["MAX_INPUT_BYTES", "check_input_file"]

#: the largest input file read (1 GiB: a full-resolution boundary file of England is a few hundred MB)
MAX_INPUT_BYTES = 1 << 30


def check_input_file(path: Path, what: str, missing_fix: str, error: type[Exception] = DataError) -> Path:
    """``path`` when it is a regular file of at most :data:`MAX_INPUT_BYTES`; else ``error``, naming it.

    Parameters
    ----------
    path : pathlib.Path
    what : str
        What the file is, for the message ('costs CSV').
    missing_fix : str
        What to do when the file does not exist.
    error : type
        The exception to raise (a ``DataError`` by default).
    """
    path = Path(path)
    if not path.exists():
        raise error(f"{path}: {what} not found; {missing_fix}")
    if path.is_dir():
        raise error(f"{path}: is a folder, not a {what}; give the path of a file")
    if not path.is_file():
        raise error(f"{path}: is not a regular file (a device, a pipe or a socket); give the path of a "
                    f"{what} saved as a file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise error(f"{path}: the {what} is {size / 2**20:,.0f} MiB, more than the {MAX_INPUT_BYTES / 2**20:,.0f} "
                    f"MiB sharedopt reads; give a smaller file (fewer rows, or simplified boundaries)")
    return path
