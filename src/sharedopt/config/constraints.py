"""Portfolio constraints: the ``[constraints]`` config section (validated with pydantic)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["Constraints", "ExistingPartnership"]


class ExistingPartnership(BaseModel):
    """A partnership that already exists and is kept as it is.

    Parameters
    ----------
    service : str
        Service delivered by the partnership.
    members : list of str
        GSS codes of the member authorities.
    name : str, optional
        Label used in messages.
    source : str, optional
        Where the partnership is documented (a URL or reference), shown in the outputs.
    function : str, optional
        Separable function(s) of the service it runs (';'-joined, e.g. ``revenues_benefits``;
        :data:`sharedopt.config.assumptions.ARRANGEMENT_FUNCTIONS`): it then occupies only
        that function's share of its members' poolable base, not the whole service line.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str
    members: list[str]
    name: str = ""
    source: str = ""
    function: str = ""

    @field_validator("members")
    @classmethod
    def _members_not_empty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("an existing partnership needs at least one member")
        if any(not str(m).strip() for m in v):
            raise ValueError("existing partnership members must be non-empty GSS codes")
        return v

    @property
    def label(self) -> str:
        """Name if given, else ``service:member;member``."""
        return self.name or f"{self.service}:{';'.join(self.members)}"


def _check_pair(pair: tuple[str, str], what: str) -> tuple[str, str]:
    a, b = (str(p).strip() for p in pair)
    if not a or not b:
        raise ValueError(f"{what} {pair!r}: both authority codes must be non-empty")
    if a == b:
        raise ValueError(f"{what} {pair!r}: the two authority codes must be distinct")
    return (a, b) if a < b else (b, a)


class Constraints(BaseModel):
    """Portfolio constraints (the ``[constraints]`` TOML section).

    Every constraint can be switched off with ``None`` / ``False`` / empty.

    Attributes
    ----------
    one_partnership_per_slot : bool
        An (authority, service) slot is in at most one chosen candidate.
    governance_capacity : int or None
        At most this many chosen candidates per authority (existing
        partnerships use one unit each).
    governance_overrides : dict of str to int
        Per-authority capacity (applies even when ``governance_capacity`` is None).
    budget_total_gbp_k : float or None
        Sum of one-off costs of chosen candidates.
    budget_per_authority_gbp_k : float or None
        Each member bears ``one_off_cost / n_members``.
    max_per_service : int or None
        At most this many chosen candidates covering a service.
    max_per_service_overrides : dict of str to int
        Per-service limit (applies even when ``max_per_service`` is None).
    forced, forbidden : list of str
        Candidate ids that must / must not be chosen.
    forced_pairs : list of (str, str)
        The two authorities must be together in at least one chosen candidate.
    forbidden_pairs : list of (str, str)
        The two authorities are never in the same chosen candidate.
    existing : list of ExistingPartnership
        Partnerships kept as they are; candidates using their slots are excluded.
    status_quo : bool
        Add the real arrangements in ``data/`` whose members are in the run's region
        to ``existing`` (the pipeline does it: :mod:`sharedopt.candidates.status_quo`); False
        gives the blank-sheet view.
    max_payback_years : float or None
        Candidates with a longer payback are excluded.
    objective : {'npv', 'annual_net_saving', 'general_fund_npv'}
        Quantity maximised (``general_fund_npv``: the NPV without ring-fenced savings, what
        councils can bank).
    general_fund_no_worse : bool
        Exclude candidates that leave any member's general fund worse off over the horizon
        (its general-fund NPV below 0).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    one_partnership_per_slot: bool = True
    governance_capacity: int | None = 3
    governance_overrides: dict[str, int] = {}
    budget_total_gbp_k: float | None = None
    budget_per_authority_gbp_k: float | None = None
    max_per_service: int | None = None
    max_per_service_overrides: dict[str, int] = {}
    forced: list[str] = []
    forbidden: list[str] = []
    forced_pairs: list[tuple[str, str]] = []
    forbidden_pairs: list[tuple[str, str]] = []
    existing: list[ExistingPartnership] = []
    status_quo: bool = True
    max_payback_years: float | None = None
    objective: Literal["npv", "annual_net_saving", "general_fund_npv"] = "npv"
    general_fund_no_worse: bool = False

    @field_validator(
        "governance_capacity",
        "budget_total_gbp_k",
        "budget_per_authority_gbp_k",
        "max_per_service",
        "max_payback_years",
    )
    @classmethod
    def _non_negative(cls, v: float | None, info) -> float | None:
        if v is not None and not (v >= 0):  # also rejects NaN
            raise ValueError(f"{info.field_name} must be >= 0 (got {v})")
        return v

    @field_validator("governance_overrides", "max_per_service_overrides")
    @classmethod
    def _non_negative_overrides(cls, v: dict[str, int], info) -> dict[str, int]:
        bad = {k: n for k, n in v.items() if n < 0}
        if bad:
            raise ValueError(f"{info.field_name} values must be >= 0 (got {bad})")
        return v

    @field_validator("forced_pairs", "forbidden_pairs")
    @classmethod
    def _valid_pairs(cls, v: list[tuple[str, str]], info) -> list[tuple[str, str]]:
        what = info.field_name.rstrip("s").replace("_", " ")
        return [_check_pair(p, what) for p in v]

    @model_validator(mode="after")
    def _pairs_not_both(self) -> "Constraints":
        both = set(self.forced_pairs) & set(self.forbidden_pairs)
        if both:
            raise ValueError(f"pairs both forced and forbidden: {sorted(both)}")
        return self
