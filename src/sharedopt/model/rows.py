"""The constraint rows of the portfolio programme: their groups, settings and words.

Every row of :class:`sharedopt.model.build.PortfolioModel` carries a :class:`RowGroup`
in its ``group`` column. This module is the one place that says, per group, which
:class:`sharedopt.config.constraints.Constraints` fields switch the rows on and how a
person reads a row: its label, and why it cannot hold when the forced candidates
already break it (``<=`` rows) or the available candidates cannot meet it (``>=`` rows).
The model builder tags rows with the groups, :mod:`sharedopt.solve.diagnose`
explains rows with :func:`describe_row`, :func:`explain_excess` and
:func:`explain_shortfall`, and the column-generation master names its row blocks by them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ROW_KINDS", "RowFacts", "RowGroup", "RowKind", "describe_row", "explain_excess", "explain_shortfall",
           "in_force", "setting"]

MAX_LISTED = 10


class RowGroup(enum.StrEnum):
    """The kinds of constraint rows; each value is the ``group`` text of its rows."""

    SLOT = "slot"
    GOVERNANCE = "governance"
    BUDGET_TOTAL = "budget_total"
    BUDGET_AUTHORITY = "budget_authority"
    MAX_PER_SERVICE = "max_per_service"
    FORCED_PAIR = "forced_pair"
    OBJECTIVE_FLOOR = "objective_floor"
    NO_GOOD = "no_good"
    ELASTIC = "elastic"
    USER = "user"


_EXCESS = "{label}: forced candidates {names} give {activity} > {upper}"
_SHORTFALL = "{label}: at most {activity} reachable, {lower} needed"


@dataclass(frozen=True)
class RowKind:
    """How one group of rows is set and read.

    The texts are :meth:`str.format` templates over the fields of :meth:`RowFacts.words`.

    Attributes
    ----------
    settings : tuple of str
        The ``Constraints`` fields that switch these rows on (first: the main one);
        empty for rows added by the solve and results steps themselves.
    label : str
        The row in user terms, e.g. ``governance capacity of E06000001 (capacity 3)``.
    excess : str
        A ``<=`` row already broken by the forced candidates.
    shortfall : str
        A ``>=`` row that even every available candidate cannot meet.
    shortfall_none_excluded : str or None
        As ``shortfall`` when no excluded candidate is in the row (None: the same text).
    """

    settings: tuple[str, ...]
    label: str
    excess: str = _EXCESS
    shortfall: str = _SHORTFALL
    shortfall_none_excluded: str | None = None


_NO_PAIR = "forced pair {first} + {second}: no available candidate contains both authorities"

ROW_KINDS: dict[RowGroup, RowKind] = {
    RowGroup.SLOT: RowKind(
        ("one_partnership_per_slot",), "one partnership per slot ({first}, {second})",
        excess="forced candidates {names} share the authority-service slot {key} ({first}, {second}); "
               "only one partnership per slot is allowed"),
    RowGroup.GOVERNANCE: RowKind(
        ("governance_capacity", "governance_overrides"), "governance capacity of {key} ({capacity})",
        excess="authority {key}: {n_forced} ({names}) exceed its governance capacity "
               "({note}, {upper} left for new partnerships)"),
    RowGroup.BUDGET_TOTAL: RowKind(
        ("budget_total_gbp_k",), "total budget {limit} £k",
        excess="forced candidates cost {activity} £k in total ({costs}), above the total budget "
               "{setting} = {upper} £k"),
    RowGroup.BUDGET_AUTHORITY: RowKind(
        ("budget_per_authority_gbp_k",), "per-authority budget {limit} £k at {key}",
        excess="authority {key}: forced candidates' per-member one-off costs ({member_costs}; total "
               "{activity} £k) exceed the per-authority budget {setting} = {upper} £k"),
    RowGroup.MAX_PER_SERVICE: RowKind(
        ("max_per_service", "max_per_service_overrides"), "{setting} {limit} for {key}",
        excess="service {key}: {n_forced} ({names}) exceed {setting} = {upper}"),
    RowGroup.FORCED_PAIR: RowKind(
        ("forced_pairs",), "forced pair {pair}",
        shortfall=_NO_PAIR + "; excluded candidates containing both: {names}",
        shortfall_none_excluded=_NO_PAIR + " (no candidate contains both)"),
    RowGroup.OBJECTIVE_FLOOR: RowKind((), "{group} {key}"),
    RowGroup.NO_GOOD: RowKind((), "{group} {key}"),
    RowGroup.ELASTIC: RowKind((), "{group} {key}"),
    RowGroup.USER: RowKind((), "user row {key}"),
}


def setting(group: RowGroup) -> str:
    """The main ``Constraints`` field that switches on the rows of ``group``.

    Parameters
    ----------
    group : RowGroup

    Returns
    -------
    str
        A field name of :class:`sharedopt.config.constraints.Constraints`.
    """
    return ROW_KINDS[group].settings[0]


def in_force(group: RowGroup, constraints: Any) -> bool:
    """Whether ``constraints`` switch on the rows of ``group``.

    Parameters
    ----------
    group : RowGroup
    constraints : sharedopt.config.constraints.Constraints

    Returns
    -------
    bool
        True when any of the group's settings is set (not None, False or empty).
    """
    values = [getattr(constraints, name) for name in ROW_KINDS[group].settings]
    return any(not (v is None or v is False or (isinstance(v, (list, tuple, dict)) and not v)) for v in values)


def _number(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "s")


@dataclass(frozen=True)
class RowFacts:
    """One row and the candidates that decide it, as the diagnosis finds them.

    Attributes
    ----------
    group : RowGroup
    key : str
        The row's key (an authority, a service, ``authority|service``, ``a|b``).
    limit : float
        The limit the user set.
    note : str
        The row's note ('' when none).
    lower, upper : float
        The row's bounds in the model (``upper`` net of existing partnerships).
    activity : float
        The smallest (``<=`` rows) or largest (``>=`` rows) reachable ``A x``.
    names : sequence of str
        Forced candidates in the row, or excluded ones with their reasons.
    values : sequence of float
        The row coefficients of ``names``.
    """

    group: RowGroup
    key: str
    limit: float
    note: Any = ""
    lower: float = float("-inf")
    upper: float = float("inf")
    activity: float = 0.0
    names: Sequence[str] = ()
    values: Sequence[float] = ()

    def words(self) -> dict[str, Any]:
        """The template fields of :class:`RowKind` for this row."""
        key = str(self.key)
        first, _, second = key.partition("|")
        kind = ROW_KINDS[self.group]
        out = {
            "group": self.group, "key": key, "first": first, "second": second, "pair": key.replace("|", " + "), "limit": _number(self.limit), "note": self.note,
            "capacity": self.note or f"capacity {_number(self.limit)}", "setting": (kind.settings or ("",))[0],
            "lower": _number(self.lower), "upper": _number(self.upper), "activity": _number(self.activity),
            "names": _listed(list(self.names)), "n_forced": _count(len(self.names), "forced candidate"),
            "costs": ", ".join(f"{n} costs {_number(v)} £k" for n, v in zip(self.names, self.values)),
            "member_costs": ", ".join(f"{n} costs {self.key} {_number(v)} £k" for n, v in zip(self.names, self.values)),
        }
        return out | {"label": kind.label.format(**out)}


def describe_row(row: Any) -> str:
    """A constraint row in user terms, e.g. 'governance capacity of E06000001 (capacity 3)'.

    Parameters
    ----------
    row : pandas.Series or mapping
        One row of ``PortfolioModel.rows``: ``group``, ``key``, ``limit``, optional ``note``.

    Returns
    -------
    str
    """
    facts = RowFacts(RowGroup(row["group"]), row["key"], row["limit"], row.get("note", ""))
    return facts.words()["label"]


def explain_excess(facts: RowFacts) -> str:
    """Why a ``<=`` row cannot hold: the forced candidates ``facts.names`` already exceed it.

    Parameters
    ----------
    facts : RowFacts
        ``activity``: what the forced candidates use; ``values``: their coefficients.

    Returns
    -------
    str
    """
    return ROW_KINDS[facts.group].excess.format(**facts.words())


def explain_shortfall(facts: RowFacts) -> str:
    """Why a ``>=`` row cannot hold: even every available candidate falls short.

    Parameters
    ----------
    facts : RowFacts
        ``activity``: the most reachable; ``names``: excluded candidates in the row, with reasons.

    Returns
    -------
    str
    """
    kind = ROW_KINDS[facts.group]
    template = kind.shortfall_none_excluded if not facts.names and kind.shortfall_none_excluded else kind.shortfall
    return template.format(**facts.words())
