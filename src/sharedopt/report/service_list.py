"""The services table of ``sharedopt list services``: defaults, measured shares, curves and sources."""

from __future__ import annotations

from sharedopt.candidates.costfit import curves_table, fit_cost_curves
from sharedopt.candidates.value import rate_from_elasticity
from sharedopt.config.params import ModelParams
from sharedopt.data import load_services
from sharedopt.data.capital import capital_summary
from sharedopt.data.poolable import poolable_summary

__all__ = ["services_listing"]

COLUMNS = ["service", "eligible", "asset_intensity (fallback)", "poolable share measured (range, councils)",
           "poolable basis", "physical / human capital share of the poolable spend (range)", "capital basis",
           "e_down", "mes", "e_up", "elasticity (95% CI)", "curve", "coordination rate", "source"]


def services_listing() -> tuple[str, list[str], list[list]]:
    """(title, column names, one row per service) of the embedded services' defaults and evidence."""
    curves = curves_table(fit_cost_curves()).set_index("service")
    best = ModelParams().coordination_best_size
    services = load_services()
    pool, capital = poolable_summary(), capital_summary(services=list(services.index))

    def elasticity(name):
        if name not in curves.index:
            return "-", "-"
        c = curves.loc[name]
        return f"{c['elasticity']:+.3f} ({c['ci_low']:+.3f}, {c['ci_high']:+.3f})", c["curve"]

    def coordination(name, row):
        if not row["eligible"]:
            return "-"
        e = curves.loc[name, "elasticity"] if name in curves.index else -row["e_down"]
        return f"{rate_from_elasticity(e, best):.4f}"

    def poolable(name):
        if name not in pool.index:
            return "-", "assumption (asset_intensity): no council of any class has outturn detail"
        return pool.loc[name, "measured_range"], pool.loc[name, "basis"]

    def split(name):
        row = capital.loc[name]
        return f"{row['physical_range']} / {row['human_range']}", row["basis"]

    rows = [[name, row["eligible"], f"{row['asset_intensity']:.2f}", *poolable(name), *split(name),
             f"{row['e_down']:.2f}", f"{row['mes']:,.0f}", f"{row['e_up']:.2f}", *elasticity(name),
             coordination(name, row), curves.loc[name, "source"] if name in curves.index else row["source"]]
            for name, row in services.iterrows()]
    title = ("Services (defaults are assumptions; override in [model.services.<name>]). "
             "Elasticity of spend per head with population: fitted on England 2017-18..2023-24 "
             "where identified, else literature; a cross-sectional association, not cause. "
             f"Coordination rate: cost per pairwise link as a share of the two members' "
             f"budgets scale acts on, best size {best:g} ([model] coordination_best_size). Scale acts "
             "on the physical capital and [model] scale_on_human of the human, scope on the human "
             "and [model] scope_on_physical of the physical")
    return title, COLUMNS, rows
