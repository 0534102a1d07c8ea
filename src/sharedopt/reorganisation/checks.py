"""Bad input refused before any work: proposals that are not partitions, split unitaries,
bounds no structure can meet (said with the nearest bounds that can be met).
"""

from __future__ import annotations

from functools import lru_cache

import networkx as nx
import numpy as np

from sharedopt.common.errors import ConfigError
from sharedopt.config.reorganisation import Proposal
from sharedopt.reorganisation.area import Area
from sharedopt.reorganisation.groups import connected_groups


def proposal_line(text: str, index: int, needle: str | None = None) -> int | None:
    """Line (1-based) of proposal ``index``'s header, or of ``needle`` quoted after it, in TOML ``text``."""
    lines = text.splitlines()
    seen, start = -1, None
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("[[reorganisation.proposals]]"):
            seen += 1
            if seen == index:
                start = number
                break
    if start is None or needle is None:
        return start
    for number in range(start, len(lines) + 1):
        head = lines[number - 1].strip()
        if number > start and head.startswith("[[reorganisation.proposals]]"):
            break
        if f'"{needle}"' in lines[number - 1] or f"'{needle}'" in lines[number - 1]:
            return number
    return start


def _where(source: str, text: str, index: int, needle: str | None = None) -> str:
    line = proposal_line(text, index, needle)
    return f"{source}:{line}" if line else source


def check_proposal(area: Area, proposal: Proposal, index: int, source: str = "<config>",
                   text: str = "") -> list[list[str]]:
    """Member codes of each unitary of a proposal, or a ConfigError naming file, line and field.

    Refused: an unknown council, a council in two unitaries or in none, a unitary whose
    councils are not connected by land borders or configured links.
    """
    field = f"reorganisation.proposals[{index}] ('{proposal.name}')"
    owner: dict[str, str] = {}
    structure = []
    for unitary in proposal.unitaries:
        codes = []
        for member in unitary.members:
            where = f"{_where(source, text, index, member)}: [{field}.unitaries '{unitary.name}'.members]"
            code = area.code_of(member, where)
            if code in owner:
                raise ConfigError(f"{where}: {area.names[code]} ({code}) is in two unitaries, "
                                  f"'{owner[code]}' and '{unitary.name}'; list each council in exactly one")
            owner[code] = unitary.name
            codes.append(code)
        structure.append(codes)
    missing = [c for c in area.blocks if c not in owner]
    if missing:
        names = ", ".join(f"{area.names[c]} ({c})" for c in missing)
        raise ConfigError(f"{_where(source, text, index)}: [{field}] {names} in no unitary; every council "
                          "of the area must be in exactly one (add it to a unitary's members)")
    for unitary, codes in zip(proposal.unitaries, structure):
        _check_connected(area, codes, f"{_where(source, text, index, unitary.members[0])}: "
                                      f"[{field}.unitaries '{unitary.name}']")
    return structure


def _check_connected(area: Area, codes: list[str], where: str) -> None:
    sub = area.graph.subgraph(codes)
    if len(codes) > 1 and not nx.is_connected(sub):
        parts = sorted((sorted(area.names[c] for c in part) for part in nx.connected_components(sub)))
        shown = " | ".join(", ".join(p) for p in parts)
        raise ConfigError(f"{where} is not contiguous: its parts {shown} share no border; add a "
                          "[[region.links]] entry (a, b, reason) if a bridge, tunnel or ferry joins them")


def achievable_counts(masks: np.ndarray, n: int) -> set[int]:
    """Numbers of groups k for which ``masks`` can partition all ``n`` blocks (exact cover DP)."""
    by_low: dict[int, list[int]] = {}
    for m in masks:
        m = int(m)
        by_low.setdefault((m & -m).bit_length() - 1, []).append(m)
    full = (1 << n) - 1

    @lru_cache(maxsize=None)
    def counts(covered: int) -> int:
        if covered == full:
            return 1
        free = ~covered & full
        low = (free & -free).bit_length() - 1
        out = 0
        for m in by_low.get(low, ()):
            if not m & covered:
                out |= counts(covered | m) << 1
        return out

    bits = counts(0)
    return {k for k in range(n + 1) if bits >> k & 1}


def _feasible(masks, pops, singles, low, high, n, kmax) -> bool:
    keep = ((pops >= low) & (pops <= high)) | np.isin(masks, singles)
    return any(1 <= k <= kmax for k in achievable_counts(masks[keep], n))


def check_bounds(area: Area, low: float, high: float, exempt: set[str], kmax: int,
                 where: str = "[reorganisation]") -> None:
    """Refuse bounds that no structure of 1..kmax connected unitaries can meet, naming the nearest ones."""
    masks, pops = connected_groups(area.graph, area.blocks, area.population)
    singles = [1 << i for i, c in enumerate(area.blocks) if c in exempt]
    n = len(area.blocks)
    if _feasible(masks, pops, singles, low, high, n, kmax):
        return
    values = np.unique(pops)
    lows = values[values <= low]
    new_low = _search(lows[::-1], lambda v: _feasible(masks, pops, singles, v, high, n, kmax))
    highs = values[values >= high] if np.isfinite(high) else values[:0]
    new_high = _search(highs, lambda v: _feasible(masks, pops, singles, low, v, n, kmax))
    hints = []
    if new_low is not None:
        hints.append(f"population_min = {int(new_low)} (keeping the maximum)")
    if new_high is not None:
        hints.append(f"population_max = {int(np.ceil(new_high))} (keeping the minimum)")
    nearest = " or ".join(hints) if hints else "wider bounds on both sides, or more unitaries"
    shown_high = "no maximum" if not np.isfinite(high) else f"{int(high):,}"
    raise ConfigError(f"{where}: no structure of 1 to {kmax} connected unitaries has every unitary between "
                      f"{int(low):,} and {shown_high} residents; the nearest bounds that can be met: {nearest}")


def _search(candidates: np.ndarray, ok) -> float | None:
    """The first candidate (in the given order) that passes ``ok``, by bisection (``ok`` is monotone)."""
    if len(candidates) == 0 or not ok(candidates[-1]):
        return None
    lo, hi = 0, len(candidates) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(candidates[mid]):
            hi = mid
        else:
            lo = mid + 1
    return float(candidates[lo])
