"""The ``[reorganisation]`` section: the area, the rules a structure must meet, the proposals.

The area is the ``[region]`` selection (a county name gives the county and its districts)
plus the neighbouring unitaries named in ``unitaries``; ``[region] links`` connect councils
across estuaries and to islands. Members are GSS codes or council names.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sharedopt.config.assumptions import REORGANISATION_DEFAULTS

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ProposedUnitary(BaseModel):
    """One new unitary of a proposal: its name and its member councils."""

    model_config = _STRICT
    name: str
    members: list[str] = Field(min_length=1)


class Proposal(BaseModel):
    """A structure as submitted: who proposed it, where it was read, its unitaries."""

    model_config = _STRICT
    name: str
    submitted_by: str = ""
    source: str = Field(min_length=1, description="URL of the page the membership was read from")
    note: str = ""
    unitaries: list[ProposedUnitary] = Field(min_length=1)


class ReorganisationConfig(BaseModel):
    """Rules for new unitaries in a two-tier area, and the proposals to appraise.

    Attributes
    ----------
    unitaries : list of str
        Neighbouring unitary councils that join the area (codes or names).
    population_min, population_max : float or None
        Bounds on a new unitary's residents for the optimiser (None: the default minimum from
        ``REORGANISATION_DEFAULTS``; no maximum). Proposals outside them are appraised and flagged.
    exempt : list of str
        Councils that may stay alone whatever their size (e.g. an island).
    max_unitaries : int
        The optimiser finds the best structure for each k = 1..max_unitaries.
    alternatives : int
        Near-optimal alternatives per k that differ materially from the best and each other.
    draws, seed : int
        Monte Carlo draws of the uncertain parameters (uniform within their ranges; 0: none).
    parameters : dict
        Overrides of ``REORGANISATION_DEFAULTS`` values by key.
    """

    model_config = _STRICT
    unitaries: list[str] = Field(default_factory=list)
    population_min: float | None = Field(default=None, ge=0)
    population_max: float | None = Field(default=None, gt=0)
    exempt: list[str] = Field(default_factory=list)
    max_unitaries: int = Field(default=6, ge=1, le=20)
    alternatives: int = Field(default=2, ge=0, le=10)
    draws: int = Field(default=500, ge=0, le=100_000)
    seed: int = 0
    parameters: dict[str, float] = Field(default_factory=dict)
    proposals: list[Proposal] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_parameters(self):
        unknown = sorted(set(self.parameters) - set(REORGANISATION_DEFAULTS))
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; known: "
                             f"{', '.join(sorted(REORGANISATION_DEFAULTS))}")
        return self

    def bounds(self) -> tuple[float, float]:
        """(minimum, maximum) residents of a new unitary; the maximum may be infinite."""
        low = self.population_min
        if low is None:
            low = float(self.parameters.get("population_min", REORGANISATION_DEFAULTS["population_min"]["value"]))
        high = float("inf") if self.population_max is None else float(self.population_max)
        return float(low), high

    def parameter_values(self) -> dict[str, float]:
        """Every reorganisation parameter's value in force (defaults with overrides applied)."""
        values = {key: float(spec["value"]) for key, spec in REORGANISATION_DEFAULTS.items()}
        values.update({key: float(v) for key, v in self.parameters.items()})
        return values
