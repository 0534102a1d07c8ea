"""The unknowns that matter: how far the headline moves as each lever crosses its range.

Each lever of :func:`sharedopt.config.assumptions.unknowns` is set to its low and its high
value, one at a time, and the scenario re-solved (a what-if sweep:
:func:`sharedopt.pipeline.whatif.sweep`, so constraint-only levers reuse the candidates).
The swing is the spread of the portfolio NPV over the default and the two ends; the levers are
ranked by it. For each chosen partnership the lever whose end drops it from the best portfolio
(the widest-swinging such lever) is its *hinge*: the assumption it depends on.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID, NPV, split_codes
from sharedopt.common.jsonsafe import json_safe
from sharedopt.config.assumptions import unknowns
from sharedopt.pipeline.events import OnEvent, emit
from sharedopt.pipeline.result import Result
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.whatif import sweep
from sharedopt.results.summary import SUMMARY_DIGITS

TORNADO_COLUMNS = ["parameter", "label", "basis", "evidence", "default", "low", "high", "npv_at_low_gbp_k",
                   "npv_at_high_gbp_k", "swing_gbp_k", "changed_at_low", "changed_at_high"]


def _levers(scenario: Scenario) -> list[dict]:
    """The levers, each with the scenario's own value as its default (a config may move it)."""
    rows = []
    for lever in unknowns():
        try:
            current = scenario.get(lever["key"])
        except (KeyError, TypeError):
            current = None
        rows.append({**lever, "default": lever["default"] if current is None else current})
    return rows


def _ids(cell) -> set[str]:
    """The candidate ids of a sweep row's ``chosen`` cell (';'-joined)."""
    return set(split_codes(cell)) if isinstance(cell, str) and cell else set()


def tornado(scenario: Scenario, base_npv: float, base_chosen: set[str], *, engine="process",
            max_workers: int | None = None, on_event: OnEvent | None = None) -> tuple[pd.DataFrame, dict]:
    """The tornado table and each chosen partnership's hinge.

    Parameters
    ----------
    scenario : Scenario
    base_npv : float
        The headline portfolio NPV of ``scenario`` (£k).
    base_chosen : set of str
        The candidate ids of its best portfolio.
    engine, max_workers, on_event
        As :func:`sharedopt.pipeline.whatif.sweep`.

    Returns
    -------
    (pandas.DataFrame, dict)
        :data:`TORNADO_COLUMNS`, widest swing first; ``{candidate_id: "label at value"}`` for
        every chosen partnership that some lever's end drops (the others are robust to every lever).
    """
    levers = _levers(scenario)
    changes = [{lever["key"]: lever[end]} for lever in levers for end in ("low", "high")]
    table = sweep(scenario, changes, engine=engine, max_workers=max_workers, progress=False,
                  on_event=on_event)
    rows, hinges = [], {}
    for i, lever in enumerate(levers):
        low, high = table.iloc[2 * i], table.iloc[2 * i + 1]
        npvs = [base_npv, float(low[NPV]), float(high[NPV])]
        rows.append({"parameter": lever["key"].removeprefix("model."), "label": lever["label"],
                     "basis": lever["basis"], "evidence": ";".join(lever["evidence"]),
                     "default": lever["default"], "low": lever["low"], "high": lever["high"],
                     "npv_at_low_gbp_k": npvs[1], "npv_at_high_gbp_k": npvs[2],
                     "swing_gbp_k": max(npvs) - min(npvs),
                     "changed_at_low": len(base_chosen ^ _ids(low["chosen"])),
                     "changed_at_high": len(base_chosen ^ _ids(high["chosen"]))})
    frame = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
    order = frame.sort_values(["swing_gbp_k", "parameter"], ascending=[False, True], kind="stable").index
    for i in order:
        lever = levers[i]
        for end, row in (("low", table.iloc[2 * i]), ("high", table.iloc[2 * i + 1])):
            for cid in sorted(base_chosen - _ids(row["chosen"])):
                hinges.setdefault(cid, f"{lever['label']} at {lever[end]:g}")
    return frame.loc[order].reset_index(drop=True), hinges


def attach_tornado(result: Result, on_event: OnEvent | None = None, *, enabled: bool | None = None) -> Result:
    """A run's Result with the tornado of unknowns in its summary and each chosen partnership's hinge.

    On when ``[uncertainty] tornado`` is true (or ``enabled``); adds ``tornado`` (the table's
    rows, the base NPV and the hinges) to the summary and ``hinges_on`` to the portfolio.
    """
    settings = result.config.uncertainty
    if not (settings.tornado if enabled is None else enabled):
        return result
    emit(on_event, "uncertainty", "tornado: each lever at the ends of its range", "start")
    chosen = set(result.portfolio[CANDIDATE_ID]) if len(result.portfolio) else set()
    base_npv = float(result.summary.totals[NPV])
    frame, hinges = tornado(Scenario(result.config), base_npv, chosen, engine=settings.engine,
                            max_workers=settings.max_workers, on_event=on_event)
    block = {"base_npv_gbp_k": base_npv, "levers": frame.to_dict("records"), "hinges": hinges,
             "note": "Each lever set to the low and the high end of its range, one at a time, the "
                     "portfolio re-optimised; swing = the spread of the portfolio NPV over the default and "
                     "the two ends. A hinge is the widest-swinging lever whose end drops a chosen partnership."}
    portfolio = result.portfolio
    if len(portfolio):
        portfolio = portfolio.assign(hinges_on=portfolio[CANDIDATE_ID].map(hinges).fillna("none of the levers"))
    emit(on_event, "uncertainty", "tornado done", "end")
    return replace(result, portfolio=portfolio,
                   summary=result.summary.with_blocks(tornado=json_safe(block, SUMMARY_DIGITS)))
