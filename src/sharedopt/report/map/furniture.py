"""Map furniture: colourbar, scale bar, north arrow, legend, title, attribution, notes.

Split out of :mod:`sharedopt.report.map.static`; every figure element that is not
the councils or the partnerships themselves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib loads when a map is drawn (see sharedopt.report.map.render)
    from matplotlib.figure import Figure

from sharedopt.report.map.geometry import MapLayout
from sharedopt.report.map.page import Page
from sharedopt.report.map.render import wrapped_text

__all__ = ["ATTRIBUTION", "NO_PARTNERSHIP_COLOUR", "mpl_text", "nice_length"]

ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2024."
)
NO_PARTNERSHIP_COLOUR = "#d4d4d4"


def add_colourbar(fig, cax, norm, cmap, label: str = "Projected saving: NPV share (£k)") -> None:
    """Colourbar of the shaded figure."""
    import matplotlib.ticker
    from matplotlib.cm import ScalarMappable
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
    bar.set_label(label, fontsize=8)
    bar.ax.yaxis.set_label_position("left")  # between the map and the bar: the ticks take the right edge
    bar.set_ticks(_colourbar_ticks(norm))
    per_head = "per head" in label
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_pound_tick if per_head else _money_tick))
    bar.ax.tick_params(labelsize=7)


def _colourbar_ticks(norm) -> list[float]:
    """Round ticks from 0 to vmax, plus vmin and 0 when the scale diverges."""
    import matplotlib.ticker
    positive = matplotlib.ticker.MaxNLocator(5).tick_values(0.0, norm.vmax)
    ticks = [float(t) for t in positive if 0.0 <= t <= norm.vmax * (1 + 1e-9)]
    if norm.vmin < 0:
        ticks = [float(norm.vmin)] + ticks
    return ticks


def _pound_tick(value: float, _pos=None) -> str:
    """Tick label in whole pounds, such as '£45' (or '−£5')."""
    sign = "\u2212" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def _money_tick(value: float, _pos=None) -> str:
    """Tick label such as '£1,250k' (or '−£50k')."""
    sign = "\u2212" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}k"


def nice_length(target: float) -> float:
    """Largest 1, 2 or 5 × 10^k not exceeding ``target``.

    Parameters
    ----------
    target : float
        Upper bound, > 0.

    Returns
    -------
    float
        A round length for a scale bar.
    """
    power = 10 ** math.floor(math.log10(target))
    return next(m * power for m in (5, 2, 1) if m * power <= target)


def add_scale_bar(ax) -> None:
    """Two-segment black/white scale bar in metres, bottom left."""
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    length = nice_length((x1 - x0) / 4)
    left, base, height = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0), 0.012 * (y1 - y0)
    for i, face in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * length / 2, base), length / 2, height, facecolor=face,
                               edgecolor="black", linewidth=0.8, zorder=6))
    label_y = base + 1.6 * height
    labels = [(left, "0"), (left + length / 2, _km(length / 2)), (left + length, _km(length))]
    if _width_inches(ax, length) < 1.3:  # too short for three labels
        labels.pop(1)
    for x, text in labels:
        ax.text(x, label_y, text, ha="center", va="bottom", fontsize=7, zorder=6,
                path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])


def _width_inches(ax, length: float) -> float:
    """Drawn width in inches of ``length`` data units along x."""
    x0, x1 = ax.get_xlim()
    return length / (x1 - x0) * ax.get_position().width * ax.figure.get_size_inches()[0]


def _km(metres: float) -> str:
    """Distance label in km (or m below 1 km)."""
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def add_north_arrow(fig, page: Page) -> None:
    """North arrow (grid north) above the colourbar, clear of the map."""
    from matplotlib.patches import FancyArrowPatch
    _, bottom, _, height = page.colourbar_box
    base, inch = bottom + height + 0.06 / page.height, 1 / page.height
    fig.text(0.8825, base, "N", ha="center", va="bottom", fontsize=10, fontweight="bold")
    fig.add_artist(FancyArrowPatch((0.8825, base + 0.2 * inch), (0.8825, base + 0.55 * inch),
                                   transform=fig.transFigure, arrowstyle="-|>,head_width=0.25,head_length=0.5",
                                   mutation_scale=16, color="black", linewidth=2.2))


def add_legend(fig, handles: list, key: list[tuple[int, str]], top: float) -> None:
    """Legend: one outline per chosen partnership, the 'no partnership' fill, the numbered key."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    handles = list(handles) + [Patch(facecolor=NO_PARTNERSHIP_COLOUR, edgecolor="#3b3b3b",
                                     label="Council in no chosen partnership")]
    handles += [Line2D([0], [0], linestyle="none", label=mpl_text(f"{n}: {name}")) for n, name in key]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, top), ncol=2 if len(handles) > 3 else 1,
               fontsize=7.5, frameon=False, title="Chosen partnerships (each outlined in its colour)",
               title_fontsize=8.5)


def add_missing_note(ax, layout: MapLayout) -> None:
    """Say how many authorities could not be placed on the map."""
    missing = len(layout.names) - len(layout.anchors)
    if missing:
        ax.text(0.01, 0.99, f"{missing} authorit{'y' if missing == 1 else 'ies'} without location not shown",
                transform=ax.transAxes, ha="left", va="top", fontsize=7, color="#8a1c1c", zorder=6)


def add_text(fig, title: str, attribution: str | None) -> None:
    """Title at the top, attribution at the bottom (fixed distances in inches)."""
    height = fig.get_size_inches()[1]
    fig.suptitle(mpl_text(title), x=0.03, y=1 - 0.3 / height, ha="left", va="center", fontsize=12, fontweight="bold")
    wrapped_text(fig, 0.03, 0.12 / height, mpl_text(attribution or ATTRIBUTION), ha="left", va="bottom",
                 fontsize=6.5, color="#333333")


def placeholder_figure(fig, title: str, attribution: str | None, message: str) -> Figure:
    """A figure that says why there is no map."""
    fig.set_size_inches(fig.get_size_inches()[0], 2.4)
    wrapped_text(fig, 0.5, 0.5, mpl_text(message), ha="center", va="center", fontsize=11, color="#555555")
    add_text(fig, title, attribution)
    return fig


def mpl_text(text: object) -> str:
    """Make input text literal for matplotlib (no mathtext from '$').

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        Text with ``$`` escaped.
    """
    return str(text).replace("$", r"\$")
