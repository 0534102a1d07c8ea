"""Close-match hints for unknown names: "did you mean 'X'?"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]

MAX_SUGGESTIONS = 3


def did_you_mean(value: str, known: Iterable[str], labels: dict[str, str] | None = None,
                 cutoff: float = 0.75) -> str:
    """A ``"; did you mean 'X'?"`` suffix when a known name is close to ``value``, else ``""``.

    ``labels`` (code -> name) also matches a council's name given instead of its code.
    """
    known = list(known)
    close = _best(str(value), known, cutoff)
    if not close and labels:  # a council's name given instead of its code
        by_name = {name.lower(): code for code, name in labels.items()}
        text = str(value).lower()
        inside = sorted(n for n in by_name if len(text) >= 4 and text in n)
        close = [by_name[hit] for hit in (inside or _best(text, list(by_name), 0.75))]
    if not close or len(close) > MAX_SUGGESTIONS:  # many equally close names: no real hint
        return ""
    names = [f"'{c}'" + (f" ({labels[c]})" if labels and c in labels else "") for c in close]
    return f"; did you mean {' or '.join(names)}?"


def _best(value: str, known: list[str], cutoff: float) -> list[str]:
    """The known names closest to ``value`` (all that tie for closest), sorted."""
    scores = {k: difflib.SequenceMatcher(None, value, k).ratio() for k in known}
    top = max([v for v in scores.values() if v >= cutoff], default=None)
    return sorted(k for k, v in scores.items() if v == top) if top is not None else []
