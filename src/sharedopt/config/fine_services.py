"""Finer services (``[data] service_detail = "fine"``): which parts replace which parent line.

The RO5 2024-25 sub-lines carved out of Environment, Culture and Planning, and the
shareable functions of Central_Services; each parent keeps a residual
``<parent>_Other``. :func:`fine_config` reshapes a raw run config so its services
and scope pairs name the parts. The spend of the parts is estimated by
:mod:`sharedopt.data.detail`.
"""

from __future__ import annotations

from sharedopt.config.assumptions import FINE_SCOPE_DEFAULTS, FINE_SCOPE_MAP, SCOPE_DEFAULTS

# RO5 sub-lines carved out of their parent top-level line (column of the RO5 file).
FINE_SERVICES: dict[str, dict] = {
    "Waste_Collection": dict(parent="Environment", column="waste_collection_nce_gbp_k"),
    "Waste_Disposal": dict(parent="Environment", column="waste_disposal_nce_gbp_k"),
    "Recycling": dict(parent="Environment", column="recycling_nce_gbp_k"),
    "Street_Cleansing": dict(parent="Environment", column="street_cleansing_nce_gbp_k"),
    "Libraries": dict(parent="Culture", column="libraries_nce_gbp_k"),
    "Development_Control": dict(parent="Planning", column="development_control_nce_gbp_k"),
}
# Shareable functions of Central_Services and the RO6 lines they hold. Housing benefit
# administration is on RO4 (inside the Housing line), not RO6, so it is not here.
CENTRAL_FUNCTIONS: dict[str, dict] = {
    "Revenues_Benefits": dict(lines=("Council tax collection", "Council tax support - administration",
                                       "Non-domestic rates collection")),
    "Corporate_Democratic_Core": dict(lines=("Corporate and Democratic Core",)),
    "Elections_Registration": dict(lines=("Conducting elections", "Registration of electors",
                                          "Registration of births, deaths and marriages")),
    "Land_Charges": dict(lines=("Local land charges",)),
}


def parents() -> dict[str, list[str]]:
    """Each parent line -> its fine parts (sub-services, then the residual ``<parent>_Other``)."""
    out: dict[str, list[str]] = {}
    for service, spec in FINE_SERVICES.items():
        out.setdefault(spec["parent"], []).append(service)
    out["Central_Services"] = list(CENTRAL_FUNCTIONS)
    return {parent: parts + [f"{parent}_Other"] for parent, parts in out.items()}


def expand_services(services: list[str] | None) -> list[str] | None:
    """Service names with each parent replaced by its fine parts (others unchanged)."""
    if services is None:
        return None
    table = parents()
    return [part for s in services for part in table.get(s, [s])]



def fine_scope_pairs(pairs: list[dict]) -> list[dict]:
    """Scope pairs with parents mapped to fine parts (FINE_SCOPE_MAP, else the residual), plus FINE_SCOPE_DEFAULTS."""
    table, out = parents(), {}
    for pair in pairs:
        key = tuple(sorted(pair["services"]))
        mapped = FINE_SCOPE_MAP.get(key) or [tuple(sorted(f"{s}_Other" if s in table else s for s in key))]
        for services in mapped:
            out.setdefault(tuple(sorted(services)), pair["scope_rate"])
    for row in FINE_SCOPE_DEFAULTS:
        out.setdefault(tuple(sorted(row["services"])), row["scope_rate"])
    return [{"services": k, "scope_rate": v} for k, v in sorted(out.items())]


def fine_config(data):
    """A raw run config with parents mapped to fine parts when ``[data] service_detail = "fine"``."""
    if not isinstance(data, dict):
        return data
    section = data.get("data")
    section = section.model_dump() if hasattr(section, "model_dump") else dict(section or {})
    if section.get("service_detail") != "fine":
        return data
    model = data.get("model")
    model = model.model_dump() if hasattr(model, "model_dump") else dict(model or {})
    given = model.get("scope_pairs")
    pairs = [dict(p) if isinstance(p, dict) else p.model_dump() for p in given] if given is not None \
        else [dict(services=r["services"], scope_rate=r["scope_rate"]) for r in SCOPE_DEFAULTS]
    model["scope_pairs"] = fine_scope_pairs(pairs)
    section["services"] = expand_services(section.get("services"))
    return {**data, "data": section, "model": model}
