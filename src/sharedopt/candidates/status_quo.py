"""The status quo: real arrangements in ``data/`` kept as existing partnerships.

With ``[constraints] status_quo = true`` (the default) every real arrangement
(:func:`sharedopt.data.arrangements.load_arrangements`) with a member in the run's
region becomes an :class:`~sharedopt.config.constraints.ExistingPartnership` for its
service, merged with the ones the config lists (no duplicates): its members in the
region are not re-allocated for that service, so the portfolio's savings are
additional to what is already shared. Members outside the region are dropped from
the partnership and said; an arrangement with no member in the region is ignored
and said. ``status_quo = false`` gives the blank-sheet view. An arrangement whose
categories are all separable functions of its service (revenues and benefits, ICT, HR,
...: :data:`sharedopt.config.assumptions.ARRANGEMENT_FUNCTIONS`) carries them in
``function`` and occupies only those functions' share of its members' poolable spend
(:mod:`sharedopt.candidates.poolable`), not the whole service line.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sharedopt.candidates.table import MEMBERS, N_MEMBERS, PARTNERSHIP_MODE
from sharedopt.config.assumptions import ARRANGEMENT_FUNCTIONS
from sharedopt.config.constraints import Constraints, ExistingPartnership
from sharedopt.data.arrangements import ARRANGEMENTS_FILE, load_arrangements
from sharedopt.data.validate import DataQuality

TABLE_COLUMNS = ["name", "service", MEMBERS, "members_outside_region", N_MEMBERS, "status",
                 "origin", "status_as_reported", "source", "category", "intended_kind", PARTNERSHIP_MODE, "function"]


def occupied_function(service: str, category: str) -> str:
    """The separable function(s) an arrangement of ``category`` (';'-joined) runs on ``service``.

    '' when any of its categories is not a separable function of the service: it then
    occupies the whole service line.
    """
    found = [ARRANGEMENT_FUNCTIONS.get(c, {}).get(service, "") for c in str(category).split(";")]
    return "" if not found or "" in found else ";".join(dict.fromkeys(found))


def partnership_mode(status_as_reported: str) -> str:
    """Mode of a real arrangement (Armistead & Pettigrew 2007; :mod:`sharedopt.candidates.readiness`).

    A statutory joint body (e.g. a joint waste disposal authority) is mandatory and rests on
    its statute and levy: complying. Any other arrangement is an agreement between willing
    councils, voluntary and contract-based: constraining.
    """
    return "complying" if "statutory" in str(status_as_reported).lower() else "constraining"


def _status(inside: list[str], outside: list[str]) -> str:
    if not inside:
        return "ignored: no member in the region"
    if outside:
        return f"partly in region: {len(inside)} of {len(inside) + len(outside)} members kept"
    return "in region"


def status_quo_table(region_codes: Iterable[str], quality: DataQuality | None = None) -> pd.DataFrame:
    """Every real arrangement with its members in and outside the region.

    Parameters
    ----------
    region_codes : iterable of str
        GSS codes of the run's authorities.
    quality : DataQuality, optional
        Receives one line per arrangement partly in or outside the region.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`, one row per (arrangement, service); ``members`` and
        ``members_outside_region`` are ';'-joined GSS codes.
    """
    region = set(region_codes)
    rows = []
    for arr in load_arrangements().itertuples(index=False):
        inside = [m for m in arr.members if m in region]
        outside = [m for m in arr.members if m not in region]
        status = _status(inside, outside)
        rows.append(dict(name=arr.arrangement, service=arr.service, members=";".join(inside),
                         members_outside_region=";".join(outside), n_members=len(inside),
                         status=status, origin="status quo data", status_as_reported=arr.status_as_reported,
                         source=arr.source_url, category=arr.category, intended_kind=arr.intended_kind,
                         partnership_mode=partnership_mode(arr.status_as_reported),
                         function=occupied_function(arr.service, arr.category)))
        if quality is not None and status != "in region" and inside:
            quality.add(file=ARRANGEMENTS_FILE.rsplit("/", 1)[-1], row=arr.line, code=";".join(outside),
                        field="member_gss", issue=f"{arr.arrangement}: members outside the region",
                        action=f"status quo kept for the {len(inside)} member(s) in the region only")
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    if quality is not None:
        ignored = int((table[N_MEMBERS] == 0).sum())
        if ignored:
            quality.add(file=ARRANGEMENTS_FILE.rsplit("/", 1)[-1], field="member_gss",
                        issue=f"{ignored} real arrangement(s) have no member in the region",
                        action="ignored for this run (listed in existing_partnerships.csv)")
    return table


def _key(service: str, members: Iterable[str]) -> tuple[str, frozenset]:
    return service, frozenset(str(m).strip() for m in members)


def effective_constraints(constraints: Constraints, region_codes: Iterable[str]) -> Constraints:
    """``constraints`` with the status quo merged into ``existing`` (unchanged when it is off).

    Real arrangements with the same service and the same members in the region are one
    partnership in the model (their names joined with " + "); one the config already
    lists is not added again.
    """
    if not constraints.status_quo:
        return constraints
    seen = {_key(ex.service, ex.members) for ex in constraints.existing}
    groups: dict[tuple, list] = {}
    table = status_quo_table(region_codes)
    for row in table[table[N_MEMBERS] > 0].itertuples(index=False):
        key = _key(row.service, row.members.split(";"))
        if key not in seen:
            groups.setdefault(key, []).append(row)
    added = [ExistingPartnership(service=rows[0].service, members=rows[0].members.split(";"),
                                 name=" + ".join(r.name for r in rows),
                                 source=" | ".join(dict.fromkeys(r.source for r in rows)),
                                 function=_joined_function(rows))
             for rows in groups.values()]
    return constraints.model_copy(update={"existing": list(constraints.existing) + added})


def _joined_function(rows) -> str:
    """The functions merged arrangements occupy ('' when any of them occupies the whole line)."""
    functions = [r.function for r in rows]
    return "" if "" in functions else ";".join(dict.fromkeys(f for fs in functions for f in fs.split(";")))


def existing_partnerships_table(constraints: Constraints, region_codes: Iterable[str]) -> pd.DataFrame:
    """Every existing partnership of a run: the config's, then the status quo's (also ignored ones).

    With the status quo off the data's arrangements are listed with the status
    ``"not applied: status_quo = false"``, so the blank-sheet view still says what exists.
    """
    region = set(region_codes)
    user = [dict(name=ex.label, service=ex.service,
                 members=";".join(sorted(m for m in ex.members if m in region)),
                 members_outside_region=";".join(sorted(m for m in ex.members if m not in region)),
                 n_members=sum(m in region for m in ex.members), status="in config", origin="config",
                 status_as_reported="", source=ex.source, category="", intended_kind="",
                 partnership_mode="", function=ex.function)
            for ex in constraints.existing]
    data = status_quo_table(region)
    seen = {_key(r["service"], r[MEMBERS].split(";")) for r in user}
    dup = [_key(s, m.split(";")) in seen for s, m in zip(data["service"], data[MEMBERS])]
    data.loc[dup, "status"] = "also listed in the config"
    if not constraints.status_quo:
        data["status"] = "not applied: status_quo = false"
    data = data.sort_values(N_MEMBERS, key=lambda n: n == 0, kind="stable")  # ignored ones last
    return pd.DataFrame(user + data.to_dict("records"), columns=TABLE_COLUMNS)


def existing_partnerships_json(table: pd.DataFrame) -> list[dict]:
    """The table as JSON-safe records (members as lists), for ``summary.json``."""
    out = []
    for row in table.to_dict("records"):
        row[MEMBERS] = [m for m in row[MEMBERS].split(";") if m]
        row["members_outside_region"] = [m for m in row["members_outside_region"].split(";") if m]
        row[N_MEMBERS] = int(row[N_MEMBERS])
        out.append(row)
    return out
