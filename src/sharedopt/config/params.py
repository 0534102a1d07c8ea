"""Typed model parameters (the ``[model]`` config section), defaults from :mod:`sharedopt.config.assumptions`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sharedopt.common.suggest import did_you_mean
from sharedopt.config.assumptions import (
    APPRAISAL_DEFAULTS, CAPITAL_ACTION, COST_CURVE_RULE, MAX_GROUP_SIZE, COST_DEFAULTS, DEPTH_DEFAULTS, DEPTH_REFERENCE, READINESS_DEFAULTS,
    REALISATION_BASE, REALISATION_DEFAULTS, RING_FENCED_SHARES, SUCCESS_PROBABILITY, SAVINGS_TERM_DEFAULTS, SCOPE_DEFAULTS, SERVICE_DEFAULTS, SERVICE_SPATIAL_DEFAULTS,
    SPATIAL_FALLBACK, WHOLE_ORG_DEFAULTS,
)

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ServiceParams(BaseModel):
    """Per-service parameters of the savings model."""

    model_config = _STRICT
    eligible: bool = True
    # The hand-set poolable share: the labelled fallback where no council of the class has
    # outturn detail, or every council's share when ``poolable_share = "asset_intensity"``.
    asset_intensity: float = Field(ge=0.0, le=1.0)
    # "data": each council's measured share (sharedopt.data.poolable), asset_intensity where none;
    # "asset_intensity": the hand-set value for every council (set when a config gives asset_intensity).
    poolable_share: Literal["data", "asset_intensity"] = "data"
    e_down: float = Field(ge=0.0, le=2.0)
    mes: float = Field(gt=0.0)
    e_up: float = Field(ge=0.0, le=2.0)
    distance_rate_per_km: float = Field(default=SPATIAL_FALLBACK["distance_rate_per_km"], ge=0.0, le=0.1)
    max_span_km: float | None = Field(default=None, gt=0.0)
    # None: derived from the scale curve and model.coordination_best_size (sharedopt.candidates.value)
    coordination_rate: float | None = Field(default=None, ge=0.0, le=0.5)
    # None: each council's human-capital share from the data (sharedopt.data.capital), else
    # assumptions.HUMAN_CAPITAL_FALLBACK; a number: that share for every council.
    human_capital_share: float | None = Field(default=None, ge=0.0, le=1.0)


class ScopePair(BaseModel):
    """Two complementary services and the share of the smaller pooled budget saved."""

    model_config = _STRICT
    services: tuple[str, str]
    scope_rate: float = Field(ge=0.0, le=1.0)

    @field_validator("services")
    @classmethod
    def _distinct_sorted(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise ValueError(f"a scope pair needs two different services, got {value[0]} twice")
        return tuple(sorted(value))


class Realisation(BaseModel):
    """Realisation of projected savings: an evidence-based base rate times condition and mode multipliers.

    ``base`` is the share of projected savings real programmes delivered
    (:data:`sharedopt.config.assumptions.REALISATION_BASE`); ``None`` means the default (in
    ``[model.realisation]``) or the scenario's base (in a per-candidate override).
    """

    model_config = _STRICT
    base: float | None = Field(default=None, ge=0.0, le=2.0)
    sponsor: bool = True
    multi_level_engagement: bool = True
    formal_reporting: bool = True
    active_management: bool = True
    # None: from the partnership's vehicle and depth (sharedopt.candidates.readiness); set, for every candidate
    mode: Literal["voluntary", "mandated"] | None = None
    relationship: Literal["trust", "contract"] | None = None
    condition_penalties: dict[str, float] = Field(
        default_factory=lambda: dict(REALISATION_DEFAULTS["condition_penalties"]["value"]))
    mode_factors: dict[str, float] = Field(
        default_factory=lambda: dict(REALISATION_DEFAULTS["mode_factors"]["value"]))

    def multiplier(self) -> float:
        """Product of the condition and mode multipliers (1.0 when all conditions hold, voluntary, trust)."""
        value = 1.0
        for condition, penalty in self.condition_penalties.items():
            if not getattr(self, condition):
                value *= 1.0 - penalty
        return value * self.mode_factors[self.mode or "voluntary"] * self.mode_factors[self.relationship or "trust"]

    def base_rate(self, fallback: float | None = None) -> float:
        """The base rate: this rule's ``base``, else ``fallback``, else the evidence default."""
        if self.base is not None:
            return self.base
        return REALISATION_BASE["value"] if fallback is None else fallback

    def factor(self, fallback_base: float | None = None) -> float:
        """Multiplier on projected savings: base rate x condition and mode multipliers."""
        return self.base_rate(fallback_base) * self.multiplier()


Status = Literal["yes", "no", "unknown"]
Mode = Literal["complying", "constraining", "creating"]


class DepthParams(BaseModel):
    """One depth of integration (:data:`sharedopt.config.assumptions.DEPTH_DEFAULTS`; :mod:`sharedopt.candidates.depth`)."""

    model_config = _STRICT
    poolable: float = Field(gt=0.0, le=5.0)
    setup: float = Field(ge=0.0, le=10.0)
    governance: float = Field(ge=0.0, le=10.0)
    ramp_years: int = Field(ge=1, le=20)
    realisation: float = Field(ge=0.0, le=2.0)
    mode: Mode = "constraining"


class ReadinessParams(BaseModel):
    """Readiness per council and the stated amounts (:data:`sharedopt.config.assumptions.READINESS_DEFAULTS`).

    ``councils`` maps a GSS code to its conditions (``sponsor, multi_level_engagement,
    formal_reporting, active_management, co_production``: yes/no/unknown), filled from the
    config's ``[readiness]`` table and file (:mod:`sharedopt.candidates.readiness`).
    """

    model_config = _STRICT
    councils: dict[str, dict[str, Status]] = Field(default_factory=dict)
    condition_uplifts: dict[str, float] = Field(
        default_factory=lambda: dict(READINESS_DEFAULTS["condition_uplifts"]["value"]))
    prior_collaboration_uplift: float = Field(
        default=READINESS_DEFAULTS["prior_collaboration_uplift"]["value"], ge=0, le=1)
    co_production_uplift: float = Field(default=READINESS_DEFAULTS["co_production_uplift"]["value"], ge=0, le=1)
    mode_governance_factors: dict[str, float] = Field(
        default_factory=lambda: dict(READINESS_DEFAULTS["mode_governance_factors"]["value"]))


def _default_depths() -> dict[str, DepthParams]:
    keys = DepthParams.model_fields
    return {name: DepthParams(**{k: v for k, v in row.items() if k in keys}) for name, row in DEPTH_DEFAULTS.items()}


def _default_services() -> dict[str, ServiceParams]:
    keys = ("eligible", "asset_intensity", "e_down", "mes", "e_up")
    out = {}
    for row in SERVICE_DEFAULTS:
        spatial = SERVICE_SPATIAL_DEFAULTS.get(row["service"], SPATIAL_FALLBACK)
        out[row["service"]] = ServiceParams(**{k: row[k] for k in keys},
                                            distance_rate_per_km=spatial["distance_rate_per_km"],
                                            max_span_km=spatial["max_span_km"])
    return out


def _default(table: dict, key: str):
    return table[key]["value"]


class ModelParams(BaseModel):
    """Every parameter of the savings model; defaults and sources in :mod:`sharedopt.config.assumptions`."""

    model_config = _STRICT
    max_group_size: int = Field(default=MAX_GROUP_SIZE["value"], ge=1, le=8)
    scope_max_group_size: int = Field(default=3, ge=1, le=8)
    include_scale: bool = True
    include_scope: bool = True
    # How scale candidates are found (an algorithm setting, not a modelling assumption):
    # "enumerate" lists every connected group; "generate" prices groups against the
    # portfolio LP's duals (sharedopt.solve.generate) and never lists them all; "auto" counts the
    # groups first and generates when there are more than `generate_above`.
    candidates: Literal["auto", "enumerate", "generate"] = "auto"
    generate_above: int = Field(default=2_000_000, ge=0)
    generation_time_limit: float | None = Field(default=120.0, gt=0)
    generation_seed_size: int = Field(default=3, ge=2, le=8)
    services: dict[str, ServiceParams] = Field(default_factory=_default_services)
    # Scale curves: estimated from the England panel where identified, else the literature
    # fallback (sharedopt.candidates.costfit; rule and fallbacks in assumptions.COST_CURVE_RULE/FALLBACK).
    cost_curves: Literal["fitted", "literature"] = COST_CURVE_RULE["mode"]["value"]
    scope_pairs: list[ScopePair] = Field(default_factory=lambda: [
        ScopePair(services=row["services"], scope_rate=row["scope_rate"]) for row in SCOPE_DEFAULTS])
    setup_fixed_gbp_k: float = Field(default=_default(COST_DEFAULTS, "setup_fixed_gbp_k"), ge=0)
    setup_per_member_gbp_k: float = Field(default=_default(COST_DEFAULTS, "setup_per_member_gbp_k"), ge=0)
    setup_rate: float = Field(default=_default(COST_DEFAULTS, "setup_rate"), ge=0)
    # One-off cost as a multiple of the delivered annual saving; exit cost as a share of the one-off;
    # the probability a partnership succeeds (assumptions.COST_DEFAULTS, SUCCESS_PROBABILITY).
    setup_ratio: float = Field(default=_default(COST_DEFAULTS, "setup_ratio"), ge=0, le=10)
    exit_cost_rate: float = Field(default=_default(COST_DEFAULTS, "exit_cost_rate"), ge=0, le=5)
    success_probability: float = Field(default=SUCCESS_PROBABILITY["value"], ge=0, le=1)
    governance_rate: float = Field(default=_default(COST_DEFAULTS, "governance_rate"), ge=0, le=1)
    governance_per_member_gbp_k: float = Field(default=_default(COST_DEFAULTS, "governance_per_member_gbp_k"), ge=0)
    governance_per_pair_gbp_k: float = Field(default=_default(COST_DEFAULTS, "governance_per_pair_gbp_k"), ge=0)
    discount_rate: float = Field(default=_default(APPRAISAL_DEFAULTS, "discount_rate"), ge=0, le=1)
    horizon_years: int = Field(default=_default(APPRAISAL_DEFAULTS, "horizon_years"), ge=1, le=60)
    ramp_years: int = Field(default=_default(APPRAISAL_DEFAULTS, "ramp_years"), ge=1, le=20)
    optimism_bias_cost_uplift: float = Field(default=_default(APPRAISAL_DEFAULTS, "optimism_bias_cost_uplift"), ge=0)
    optimism_bias_saving_reduction: float = Field(
        default=_default(APPRAISAL_DEFAULTS, "optimism_bias_saving_reduction"), ge=0, le=1)
    # Decomposed savings (defaults, ranges and sources in assumptions.SAVINGS_TERM_DEFAULTS).
    efficiency_theta: float = Field(default=_default(SAVINGS_TERM_DEFAULTS, "efficiency_theta"), ge=0, le=1)
    scale_causal_share: float = Field(default=_default(SAVINGS_TERM_DEFAULTS, "scale_causal_share"), ge=0, le=1)
    efficiency_ratio_bounds: tuple[float, float] = _default(SAVINGS_TERM_DEFAULTS, "efficiency_ratio_bounds")
    distance_cost_per_km_gbp_k: float = Field(
        default=_default(SAVINGS_TERM_DEFAULTS, "distance_cost_per_km_gbp_k"), ge=0)
    # Multiplier on every service's poolable share (capped at 1): a depth of integration's ``poolable``.
    poolable_factor: float = Field(default=1.0, gt=0.0, le=5.0)
    # Which part of the poolable budget scale and scope economies act on (assumptions.CAPITAL_ACTION).
    scale_on_human: float = Field(default=CAPITAL_ACTION["value"]["scale_on_human"], ge=0.0, le=1.0)
    scope_on_physical: float = Field(default=CAPITAL_ACTION["value"]["scope_on_physical"], ge=0.0, le=1.0)
    coordination_best_size: float = Field(
        default=_default(SAVINGS_TERM_DEFAULTS, "coordination_best_size"), ge=0, le=20)
    # Whole-organisation sharing (assumptions.WHOLE_ORG_DEFAULTS).
    whole_organisation: bool = True
    whole_org_tiers: list[Literal["district", "single-tier", "county"]] = Field(
        default_factory=lambda: list(_default(WHOLE_ORG_DEFAULTS, "whole_org_tiers")))
    whole_org_max_group_size: int = Field(default=_default(WHOLE_ORG_DEFAULTS, "whole_org_max_group_size"),
                                          ge=2, le=4)
    whole_org_saving_rate: float = Field(default=_default(WHOLE_ORG_DEFAULTS, "whole_org_saving_rate"),
                                         ge=0, le=1)
    whole_org_transition_rate: float = Field(
        default=_default(WHOLE_ORG_DEFAULTS, "whole_org_transition_rate"), ge=0)
    whole_org_overhead_share: dict[str, float] = Field(
        default_factory=lambda: dict(_default(WHOLE_ORG_DEFAULTS, "whole_org_overhead_share")))
    realisation: Realisation = Field(default_factory=Realisation)
    realisation_overrides: dict[str, Realisation] = Field(default_factory=dict)
    # How partnerships work (sharedopt.candidates.readiness, sharedopt.candidates.depth): readiness per council,
    # depths of integration the optimiser may choose between (one = no choice).
    readiness: ReadinessParams = Field(default_factory=ReadinessParams)
    depths: list[str] = Field(default_factory=lambda: [DEPTH_REFERENCE], min_length=1)
    depth_settings: dict[str, DepthParams] = Field(default_factory=_default_depths)
    # share of a service's saving that stays in a ring-fenced grant (sharedopt.results.cashflow)
    ring_fenced_shares: dict[str, float] = Field(
        default_factory=lambda: {k: v["value"] for k, v in RING_FENCED_SHARES.items()})

    @field_validator("coordination_best_size")
    @classmethod
    def _best_size_is_a_group(cls, value: float) -> float:
        if value != 0 and value < 2:
            raise ValueError(f"coordination_best_size must be 0 (no coordination cost) or at least 2 "
                             f"(a group size), got {value}")
        return value

    @field_validator("ring_fenced_shares")
    @classmethod
    def _shares_are_fractions(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"ring-fenced shares must be between 0 and 1, got {bad}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _merge_depth_overrides(cls, data):
        """Let a config give only what it changes: ``[model.depth_settings.pooled] setup = 2.0``."""
        if isinstance(data, dict) and isinstance(data.get("depth_settings"), dict):
            merged = {k: v.model_dump() for k, v in _default_depths().items()}
            for name, override in data["depth_settings"].items():
                override = override.model_dump() if isinstance(override, DepthParams) else override
                merged[name] = {**merged.get(name, {}), **override}
            data = {**data, "depth_settings": merged}
        return data

    @model_validator(mode="after")
    def _known_depths(self):
        unknown = [d for d in self.depths if d not in self.depth_settings]
        if unknown or len(set(self.depths)) != len(self.depths):
            raise ValueError(f"depths: {unknown or self.depths} - give distinct names among "
                             f"{', '.join(self.depth_settings)} (or define one under [model.depth_settings])")
        return self

    @model_validator(mode="before")
    @classmethod
    def _merge_service_overrides(cls, data):
        """Let a config give only the fields it changes: ``[model.services.Environment] mes = 6e5``."""
        if isinstance(data, dict) and isinstance(data.get("services"), dict):
            merged = {k: v.model_dump() for k, v in _default_services().items()}
            for name, override in data["services"].items():
                if isinstance(override, ServiceParams):
                    override = override.model_dump()
                if name not in merged:
                    raise ValueError(f"services: unknown service '{name}' (section model.services.{name})"
                                     f"{did_you_mean(name, merged)} (known: {', '.join(merged)})")
                if "asset_intensity" in override and "poolable_share" not in override:
                    override = {**override, "poolable_share": "asset_intensity"}  # set explicitly: overrides the data
                merged[name] = {**merged[name], **override}
            data = {**data, "services": merged}
        return data

    def realisation_factor(self, candidate_id: str | None = None) -> float:
        """Realisation factor for a candidate (its override, else the scenario's)."""
        rule = self.realisation_overrides.get(candidate_id, self.realisation) if candidate_id else self.realisation
        return rule.factor(self.realisation.base_rate()) * (1.0 - self.optimism_bias_saving_reduction)
