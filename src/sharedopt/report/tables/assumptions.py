"""The assumptions in two layers: the levers that move the headline first, then every parameter.

:func:`headline_levers` is the first layer: the tornado's levers, widest swing of the
portfolio NPV first, when the run drew a tornado; else every lever with a range
(:func:`sharedopt.config.assumptions.unknowns`) at the run's value. Each names its
evidence (register row ids) or says it is an assumption. :func:`assumption_rows` is the
second layer: every parameter in force, its source in words a reader can follow, with the
package's internal file and module references taken out (:func:`public_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sharedopt.results.run_summary import RunSummary
from sharedopt.config.assumptions import plain_label, unknowns

__all__ = ["LEVER_COLUMNS", "TOP_LEVERS", "assumption_rows", "headline_levers", "public_text"]

TOP_LEVERS = 8
LEVER_COLUMNS = ["lever", "parameter", "value", "low", "high", "npv_swing_gbp_k", "basis"]

#: Internal paths and the words a reader sees instead.
_PATHS = (
    (re.compile(r"(Evidence register \()data/raw/evidence/register\.csv,\s*"), r"\1"),
    (re.compile(r"data/raw/evidence/register\.csv"), "the evidence register"),
    (re.compile(r"data/derived/poolable_shares\.csv"), "the councils' outturn detail"),
    (re.compile(r"data/derived/capital_split\.csv"), "the councils' outturn detail (employees and running expenses)"),
    (re.compile(r"data/raw/arrangements\b"), "the register of existing arrangements"),
)
_MODULES = re.compile(r"\s*\((?:sharedopt(?:\.\w+)+(?:,\s*)?)+\)|\s*\((?:tests|src|benchmarks)/[\w./-]+[^)]*\)"
                      r"|:?\s*sharedopt(?:\.\w+)+|\s*\((?:data|src|tests)/[\w./-]+\)")


def public_text(text: Any) -> Any:
    """``text`` without references to the package's own files and modules (other values unchanged)."""
    if not isinstance(text, str):
        return text
    for pattern, words in _PATHS:
        text = pattern.sub(words, text)
    text = _MODULES.sub("", text)
    text = re.sub(r"\(\s*,\s*", "(", text)
    text = re.sub(r"\s+([,.;)])", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _evidence(basis: Any, ids: Any) -> str:
    """'evidence: id, id' or 'assumption' (with the rows that bracket it, when there are some)."""
    ids = [i for i in (ids.split(";") if isinstance(ids, str) else list(ids or [])) if i]
    if basis == "evidence" and ids:
        return "evidence: " + ", ".join(ids)
    return "assumption" + (f" (bracketed by {', '.join(ids)})" if ids else "")


def headline_levers(summary: RunSummary, top: int = TOP_LEVERS) -> pd.DataFrame:
    """The levers that move the headline (columns :data:`LEVER_COLUMNS`), the widest swing first.

    The ``top`` widest when the run drew a tornado; else every lever, in the order of the
    register of unknowns, with ``npv_swing_gbp_k`` (NPV at the high end less NPV at the low
    end) empty.
    """
    summary = RunSummary.of(summary)
    block = summary.tornado
    if isinstance(block, Mapping) and block.get("levers"):
        rows = [{"lever": r.get("label"), "parameter": r.get("parameter"), "value": r.get("default"),
                 "low": r.get("low"), "high": r.get("high"),
                 "npv_swing_gbp_k": _swing(r), "basis": _evidence(r.get("basis"), r.get("evidence"))}
                for r in block["levers"][:top]]
        return pd.DataFrame(rows, columns=LEVER_COLUMNS)
    values = {str(r.get("parameter")): r.get("value") for r in summary.assumptions or []}
    rows = [{"lever": u["label"], "parameter": u["key"].removeprefix("model."),
             "value": values.get(u["key"].removeprefix("model."), u["default"]), "low": u["low"], "high": u["high"],
             "npv_swing_gbp_k": None, "basis": _evidence(u["basis"], u["evidence"])} for u in unknowns()]
    return pd.DataFrame(rows, columns=LEVER_COLUMNS)


def _swing(row: Mapping[str, Any]) -> float | None:
    high, low = row.get("npv_at_high_gbp_k"), row.get("npv_at_low_gbp_k")
    return float(high) - float(low) if isinstance(high, (int, float)) and isinstance(low, (int, float)) else None


def assumption_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """Every parameter in force with its source in plain words (no internal references)."""
    summary = RunSummary.of(summary)
    return [{**row, "source": public_text(row.get("source"))} for row in summary.assumptions or []
            if isinstance(row, Mapping)]


def drawn_inputs(band: Mapping) -> list[str]:
    """The inputs a Monte Carlo drew (``summary.uncertainty``), in plain words, sorted."""
    return sorted(plain_label(key) for key in (band.get("distributions") or {}))
