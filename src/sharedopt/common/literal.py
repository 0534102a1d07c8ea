"""Text for the terminal, printed literally.

Messages and tables carry text from input files (council names, codes, paths,
config values). Printed through rich markup, ``[region]`` would vanish and
``[/x]`` would crash; printed raw, an ANSI escape in a boundary file would drive
the terminal. :func:`clean` shows every control character as a visible escape
(``\\x1b``); the terminal's rich ``Text`` and tables built from it are
:mod:`sharedopt.console`'s.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates that can make text display in another order than it reads.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """``str(text)`` with every control character replaced by its escape (ESC -> ``\\x1b``).

    Parameters
    ----------
    text : object
        Anything; converted with ``str``.

    Returns
    -------
    str
        The same text, safe to show on a terminal; tabs and newlines are kept.
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


#: the most characters of one input value a message shows (a whole file's worth is no help)
SHOWN_CHARS = 60


def cut(value: object, limit: int = SHOWN_CHARS) -> str:
    """``str(value)``, cut after ``limit`` characters with how long it was (for values echoed in messages).

    Examples
    --------
    >>> cut("y" * 5000, 5)
    'yyyyy... (5,000 characters)'
    """
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
