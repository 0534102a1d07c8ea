"""The run summary's owner: :class:`RunSummary`, what ``summary.json`` holds.

Built once (:func:`sharedopt.results.summary.build_summary`), serialised once
(:meth:`RunSummary.to_dict`), read by attribute everywhere. The later steps of a run add their
blocks (``uncertainty``, ``tornado``, ``robustness``) with :meth:`RunSummary.with_blocks`, which
returns a new summary. The solver's report sits at the top level of ``summary.json``; here it is
the :class:`SolveReport` under :attr:`RunSummary.solve`. No wall-clock figure is a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = ["RunSummary", "SolveReport", "OPTIONAL_BLOCKS"]

#: blocks present in ``summary.json`` only when the run made them (never written as null)
OPTIONAL_BLOCKS = ("alternatives", "uncertainty", "tornado", "robustness")


@dataclass(frozen=True)
class SolveReport:
    """How the solve ended and the size of the problem (the top-level solver keys of ``summary.json``).

    Attributes
    ----------
    status : str
        The :class:`~sharedopt.solve.status.Status` value (``"optimal"``, ``"feasible"``, ...).
    stopped_by : str
        The :class:`~sharedopt.solve.status.StoppedBy` value: ``"time limit"``, ``"work limit"`` or ``""``.
    termination, message : str
        The solver's own termination text; human-readable notes.
    objective, best_bound, gap : float or None
        The portfolio's NPV, the proven bound and their relative gap (None when unknown).
    solver, solver_version : str
    n_variables, n_constraints, n_nonzeros, n_pieces, seed : int
    """

    status: str | None = None
    termination: str = ""
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    solver: str = ""
    solver_version: str = ""
    n_variables: int = 0
    n_constraints: int = 0
    n_nonzeros: int = 0
    seed: int = 0
    n_pieces: int = 0
    message: str = ""
    stopped_by: str = ""


@dataclass(frozen=True)
class RunSummary:
    """Everything ``summary.json`` says about one run, typed; each attribute is its JSON key.

    Attributes
    ----------
    solve : SolveReport
        The solver's report (flattened into the top level of ``summary.json``).
    name, description, region, data_vintage, sharedopt_version, config_hash, attribution : str or None
        The run's identity and the attribution line for its data (None: not in this summary).
    time_limit : float or None
        ``[solver] time_limit``: the run's time budget, seconds.
    constraints : list of dict
        The constraints in force (``constraint``, ``value``, ``text``).
    totals : dict
        Portfolio totals keyed by candidate column name, with ``n_partnerships`` and ``members_involved``.
    by_service, by_authority : list of dict
        Totals per service; each council's partnerships and NPV shares (``authority``, ``name``, ...).
    capital_split : list of dict
        Per service in the run: the physical/human capital split of its poolable spend (range across
        councils) and its basis.
    n_candidates, data_quality_issues : int
    enumeration : list of dict
        Enumeration statistics per service (no seconds).
    frontier : dict
        The scale frontier and the share of it the portfolio captures.
    data_sources : list of dict
    estimated : bool
        Any source or candidate rests on an estimate.
    estimates : list of str
    assumptions : list of dict
        Every modelling parameter in force with its source (``parameter``, ``value``, ``source``, ...).
    candidate_generation : dict or None
        How column generation found the candidates (None when enumerated).
    existing_partnerships : list of dict
    status_quo : dict
    depths : dict
    cash_flows : dict
        The councils' cash flows (``by_authority``, ``medium_term``, ...).
    alternatives, uncertainty, tornado, robustness : dict or None
        Blocks of the later steps, absent from ``summary.json`` when None.
    """

    solve: SolveReport = field(default_factory=SolveReport)
    name: str | None = None
    description: str | None = None
    time_limit: float | None = None
    region: str | None = None
    constraints: list = field(default_factory=list)
    data_vintage: str | None = None
    sharedopt_version: str | None = None
    config_hash: str | None = None
    totals: dict = field(default_factory=dict)
    by_service: list = field(default_factory=list)
    capital_split: list = field(default_factory=list)
    by_authority: list = field(default_factory=list)
    n_candidates: int = 0
    enumeration: list = field(default_factory=list)
    frontier: dict = field(default_factory=dict)
    data_sources: list = field(default_factory=list)
    estimated: bool = False
    estimates: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)
    attribution: str | None = None
    data_quality_issues: int = 0
    candidate_generation: dict | None = None
    existing_partnerships: list = field(default_factory=list)
    status_quo: dict = field(default_factory=dict)
    depths: dict = field(default_factory=dict)
    cash_flows: dict = field(default_factory=dict)
    alternatives: dict | None = None
    uncertainty: dict | None = None
    tornado: dict | None = None
    robustness: dict | None = None

    @property
    def council_names(self) -> dict[str, str]:
        """Council code -> name, from :attr:`by_authority`."""
        return {str(r["authority"]): str(r["name"]) for r in self.by_authority if "authority" in r and "name" in r}

    def with_blocks(self, **blocks: Any) -> RunSummary:
        """A new summary with the given blocks set (``uncertainty=...``, ``tornado=...``, ...)."""
        return replace(self, **blocks)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the solver's report at the top level, the optional blocks only when present."""
        out: dict[str, Any] = {f.name: getattr(self.solve, f.name) for f in fields(SolveReport)}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "solve" or (f.name in OPTIONAL_BLOCKS and value is None):
                continue
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], strict: bool = True) -> RunSummary:
        """Read the JSON form back (``summary.json``); keys it does not carry keep their defaults.

        Parameters
        ----------
        data : Mapping
            The JSON form (:meth:`to_dict`), whole or in part.
        strict : bool, default True
            False ignores keys that are no field (a summary of another sharedopt version).

        Raises
        ------
        ValueError
            With ``strict``: a key that is no field of :class:`RunSummary` or :class:`SolveReport`, named.
        """
        solve_keys = {f.name for f in fields(SolveReport)}
        own = {f.name for f in fields(cls)} - {"solve"}
        unknown = sorted(set(data) - solve_keys - own)
        if unknown and strict:
            raise ValueError(f"run summary: unknown key(s) {', '.join(map(repr, unknown))}; "
                             f"expected those of RunSummary and SolveReport")
        report = SolveReport(**{k: v for k, v in data.items() if k in solve_keys})
        return cls(solve=report, **{k: v for k, v in data.items() if k in own})

    @classmethod
    def of(cls, summary: RunSummary | Mapping[str, Any]) -> RunSummary:
        """``summary`` itself, or the :class:`RunSummary` read from its JSON form."""
        return summary if isinstance(summary, RunSummary) else cls.from_dict(summary)
