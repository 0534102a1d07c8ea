"""Names as a reader writes them: a configured region slug ('north-east') as 'North East'."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["region_label"]

_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_SMALL = {"and", "of", "the", "upon", "on", "in"}


def region_label(region: Any) -> Any:
    """A region slug in words ('north-east' -> 'North East', 'cumbria-and-lancashire' ->
    'Cumbria and Lancashire'); any other text (a council list, a name with capitals) unchanged."""
    if not isinstance(region, str) or not _SLUG.fullmatch(region):
        return region
    words = re.split(r"[-_]", region)
    return " ".join(w if i and w in _SMALL else w.capitalize() for i, w in enumerate(words))
