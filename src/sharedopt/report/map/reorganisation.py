"""Small-multiple maps of reorganisation options: one panel per option, one colour per new unitary."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import geopandas as gpd

if TYPE_CHECKING:  # a name for the annotations: a run that draws no options loads no optimiser
    from sharedopt.reorganisation import ReorganisationResult

PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a"]
METRIC_CRS = "EPSG:27700"


def _pyplot():
    """matplotlib's pyplot on the Agg backend (loaded when a chart is drawn, not with the report package)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _panel(ax, geometry: gpd.GeoSeries, appraisal, npv: float) -> None:
    units = appraisal.unitaries
    frame = gpd.GeoDataFrame(geometry=geometry).to_crs(METRIC_CRS)
    for i, row in enumerate(units.itertuples()):
        codes = row.codes.split(";")
        part = frame.loc[codes]
        part.plot(ax=ax, color=PALETTE[i % len(PALETTE)], edgecolor="white", linewidth=0.4)
        point = part.union_all().representative_point()
        ax.annotate(f"{row.unitary}\n{row.population / 1000:.0f}k", (point.x, point.y), ha="center",
                    va="center", fontsize=6.5, color="black",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
    ax.set_title(f"{appraisal.structure.label}\nNPV £{npv / 1000:,.0f}m", fontsize=8)
    ax.set_axis_off()
    ax.set_aspect("equal")


def options_figure(result: ReorganisationResult, labels: list[str] | None = None, columns: int = 4):
    """A matplotlib figure with one map per option (all options, or those in ``labels``)."""
    chosen = [a for a in result.appraisals if labels is None or a.structure.label in labels]
    rows = max(1, -(-len(chosen) // columns))
    plt = _pyplot()
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 3.4 * rows), squeeze=False)
    for ax, appraisal in zip(axes.flat, chosen):
        _panel(ax, result.area.geometry, appraisal, appraisal.npv)
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def options_png(result: ReorganisationResult, labels: list[str] | None = None) -> bytes:
    """The small multiples as PNG bytes (no timestamp in the file: same input, same bytes)."""
    fig, plt = options_figure(result, labels), _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def tornado_png(table) -> bytes:
    """Tornado chart (PNG bytes): the leader's margin over the runner-up with each parameter at each end."""
    rows, plt = table.iloc[::-1], _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.4))
    for y, r in enumerate(rows.itertuples()):
        low, high = r.low_margin_gbp_k / 1000, r.high_margin_gbp_k / 1000
        ax.barh(y, high - low, left=low, color="#c0392b" if r.leader_changes else "#7f8c8d")
        ax.text(max(low, high), y, f"  {r.low_value:g} to {r.high_value:g}", va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [r.parameter for r in rows.itertuples()], fontsize=7)
    ax.axvline(0, color="black", linewidth=0.6)
    if len(table):
        ax.set_title(f"{table['leader'].iloc[0]} over {table['runner_up'].iloc[0]}", fontsize=8)
    ax.set_xlabel("margin of the leading option over the runner-up, NPV £m (red: another option leads at an end)",
                  fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
