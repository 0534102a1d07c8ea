"""Report names: a config's ``name`` becomes a folder under ``reports/``, so it must be a plain file name.

Policy (README, "Configs"): an explicit ``name`` that is not a safe folder name is
refused with the nearest safe one as a suggestion (never silently changed, since the
user would then look for the report in the wrong place); the default name, taken
from the config's file name, is made safe (:func:`name_from_file`) because the user
did not type it as a name, and the run prints the folder it writes.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MAX_NAME_LENGTH = 100  # leaves room for the '.NAME.tmp-XXXXXXXX' siblings within the usual 255-byte limit
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
RULE = ("use letters, digits, '-', '_' and '.' (not first or last), at most "
        f"{MAX_NAME_LENGTH} characters")


def _allowed(char: str) -> bool:
    return char.isalnum() or char in "-_."


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a report folder name, or None when it can.

    Parameters
    ----------
    name : str
        A candidate folder name (a config's ``name``).

    Returns
    -------
    str or None
        A short reason ("is empty", "contains '/'", ...), None for a safe name.
    """
    if name == "":
        return "is empty"
    bad = sorted({c for c in name if not _allowed(c)})
    if bad:
        return "contains " + ", ".join(json.dumps(c) for c in bad[:5])
    if name.startswith("."):
        return "starts with '.' (a hidden folder, or '..' the folder above)"
    if name.endswith("."):
        return "ends with '.' (dropped by Windows file systems)"
    if len(name) > MAX_NAME_LENGTH:
        return f"has {len(name)} characters"
    if name.split(".")[0].lower() in _RESERVED:
        return "is a device name on Windows"
    return None


def safe_name(text: str, fallback: str = "scenario") -> str:
    """The nearest safe report name to ``text``.

    Every run of other characters becomes one '-', leading '.', '-' and trailing '.'
    are dropped, the result is cut to :data:`MAX_NAME_LENGTH` characters; when
    nothing is left (or a Windows device name is), ``fallback``.

    Parameters
    ----------
    text : str
        Any text (a file name, a mistyped name).
    fallback : str, default 'scenario'
        Used when ``text`` has no usable character.

    Returns
    -------
    str
        A name for which :func:`name_problem` is None.
    """
    slug = "".join(c if _allowed(c) else "\0" for c in str(text))
    slug = re.sub("\0+", "-", slug).lstrip(".-")[:MAX_NAME_LENGTH].rstrip(".-")
    return slug if slug and name_problem(slug) is None else fallback


def name_from_file(stem: str) -> str:
    """Default report name from a config file's stem (made safe, see :func:`safe_name`)."""
    return safe_name(stem)


def _check(name: str) -> str:
    problem = name_problem(name)
    if problem is None:
        return name
    text = json.dumps(name, ensure_ascii=False)
    message = (f"{text} cannot be a report folder name: it {problem}; {RULE}. "
               f"For example name = \"{safe_name(name)}\" (or leave name out to use the config's file name; "
               "to write somewhere else use --out)")
    raise PydanticCustomError("unsafe_name", "{message}", {"message": message})


ReportName = Annotated[str, AfterValidator(_check)]
"""A ``str`` field that must be a safe report folder name (refused with a suggestion otherwise)."""
