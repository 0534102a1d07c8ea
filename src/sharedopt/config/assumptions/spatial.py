"""Adjacency: links that are not land borders, border tolerance, and which tier delivers a service.

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Adjacency: links that are not land borders.
# ---------------------------------------------------------------------------
DEFAULT_LINKS: list[dict] = [
    dict(a="W06000001", b="W06000002", reason="Menai Suspension and Britannia bridges "
         "(Isle of Anglesey - Gwynedd)"),
]
OPTIONAL_LINKS: list[dict] = [
    dict(a="E06000046", b="E06000044", reason="Isle of Wight - Portsmouth car ferry (user choice)"),
    dict(a="E06000046", b="E06000045", reason="Isle of Wight - Southampton car ferry (user choice)"),
]
ADJACENCY_TOLERANCE_M = 100.0  # boundaries are generalised: gaps under 100 m count as a border
# In a two-tier area a tier delivers a service when its share of the area's net
# spend on it is at least this much (Environment: districts collect waste, the
# county disposes of it, so both deliver; a district's small adult-social-care
# grant line does not make it a social-care authority).
DELIVERY_SHARE_THRESHOLD = 0.10
