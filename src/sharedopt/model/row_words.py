"""A constraint row in user terms: :class:`RowFacts` and the sentences of :data:`~sharedopt.model.rows.ROW_KINDS`.

:mod:`sharedopt.solve.diagnose` explains rows with :func:`describe_row`, :func:`explain_excess`
and :func:`explain_shortfall`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sharedopt.model.rows import ROW_KINDS, RowGroup

__all__ = ["RowFacts", "describe_row", "explain_excess", "explain_shortfall"]

MAX_LISTED = 10


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
