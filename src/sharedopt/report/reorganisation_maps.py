"""Small-multiple maps of reorganisation options: one panel per option, one colour per new unitary."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

from sharedopt.reorganisation import ReorganisationResult  # noqa: E402

PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a"]
METRIC_CRS = "EPSG:27700"


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
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 3.4 * rows), squeeze=False)
    for ax, appraisal in zip(axes.flat, chosen):
        _panel(ax, result.area.geometry, appraisal, appraisal.npv)
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def options_png(result: ReorganisationResult, labels: list[str] | None = None) -> bytes:
    """The small multiples as PNG bytes (no timestamp in the file: same input, same bytes)."""
    fig = options_figure(result, labels)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
