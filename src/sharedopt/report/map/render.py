"""Rendering map figures to bytes: the fixed style and timestamp-free PNG/SVG.

Figures are drawn under :data:`STYLE` and saved without timestamps, so PNG and
SVG output is byte-deterministic for identical inputs and library versions.

A map figure is built on a :class:`DeferredCanvas` (:func:`agg_figure`): every artist is
added first and the figure is rendered once, when it is saved. Plotting helpers that ask
the canvas to redraw after each call (``GeoSeries.plot`` calls ``draw_idle``, which on a
plain Agg canvas renders the whole figure) then cost nothing while the figure is built.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["PNG_DPI", "STYLE", "DeferredCanvas", "agg_figure", "figure_bytes"]

PNG_DPI = 150
_SVG_SALT = "sharedopt-report"
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.hashsalt": _SVG_SALT,
    "svg.fonttype": "path",
    "path.simplify": True,
    "text.usetex": False,
}


class DeferredCanvas(FigureCanvasAgg):
    """An Agg canvas that renders only when asked to draw or save, never on ``draw_idle``.

    Text extents (``get_window_extent``) and layout (``tight_layout``) still work: they use
    the renderer, which needs no drawing.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        """Do nothing: the figure is rendered once, when it is saved."""


def agg_figure(figsize: tuple[float, float]) -> Figure:
    """An empty figure on its own :class:`DeferredCanvas` (no pyplot state).

    Parameters
    ----------
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=figsize)
    DeferredCanvas(fig)
    return fig


def figure_bytes(fig: Figure, fmt: str, dpi: int = PNG_DPI) -> bytes:
    """Render a figure to PNG or SVG bytes without timestamps.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to render.
    fmt : {'png', 'svg'}
        Output format.
    dpi : int, default 150
        Resolution for raster output.

    Returns
    -------
    bytes
        The encoded image; identical for identical figures.
    """
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": "sharedopt"}
    buffer = io.BytesIO()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with matplotlib.rc_context(STYLE):
        canvas.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()
