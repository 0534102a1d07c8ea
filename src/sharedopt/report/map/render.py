"""Rendering map figures to bytes: the fixed style and timestamp-free PNG/SVG.

Figures are drawn under :data:`STYLE` and saved without timestamps, so PNG and
SVG output is byte-deterministic for identical inputs and library versions.

A map figure is built on a deferred canvas (:func:`agg_figure`): every artist is
added first and the figure is rendered once, when it is saved. Plotting helpers that ask
the canvas to redraw after each call (``GeoSeries.plot`` calls ``draw_idle``, which on a
plain Agg canvas renders the whole figure) then cost nothing while the figure is built.

matplotlib is imported by the functions that draw (a third of a second of start-up), so a
run that writes no map never loads it; the two matplotlib subclasses below are made on
first use (:func:`agg_classes`).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names for the annotations only: matplotlib loads when a map is drawn
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["PNG_DPI", "STYLE", "agg_classes", "agg_figure", "figure_bytes", "map_style", "preload", "wrapped_text"]

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


class _Deferred:
    """An Agg canvas that renders only when asked to draw or save, never on ``draw_idle``.

    Text extents (``get_window_extent``) and layout (``tight_layout``) still work: they use
    the renderer, which needs no drawing.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        """Do nothing: the figure is rendered once, when it is saved."""


class _FewerMeasurements:
    """Figure text wrapped to the figure's width, as matplotlib wraps it, with fewer measurements.

    matplotlib (``wrap=True``) measures every run of words from a line's start (one text
    layout each, a long string each time) to find where a line breaks, and does so at every
    render. The width of a run only grows as words are added, so the first run too wide is
    found here by bisection: the same lines from a few measurements (one when the whole text
    fits, as an attribution line usually does).
    """

    def _get_wrapped_text(self) -> str:
        if not self.get_wrap() or self.get_usetex():
            return self.get_text()
        width = self._get_wrap_line_width()
        lines: list[str] = []
        for line in self.get_text().split("\n"):
            words = line.split(" ")
            while words:
                cut = self._first_too_wide(words, width)
                lines.append(" ".join(words[:cut]))
                words = words[cut:]
        return "\n".join(lines)

    def _first_too_wide(self, words: list[str], width: float) -> int:
        """How many words the next line takes: all if they fit, else one fewer than the first
        run (of two or more words) wider than ``width``."""
        if len(words) == 1 or self._get_rendered_text_width(" ".join(words)) <= width:
            return len(words)
        lo, hi = 2, len(words)  # the run of hi words is too wide; find the shortest such run
        while lo < hi:
            mid = (lo + hi) // 2
            if self._get_rendered_text_width(" ".join(words[:mid])) > width:
                hi = mid
            else:
                lo = mid + 1
        return lo - 1


@functools.cache
def agg_classes() -> tuple[type, type]:
    """The deferred Agg canvas and the faster-wrapping text, as matplotlib subclasses (made once).

    Returns
    -------
    tuple of type
        ``(DeferredCanvas, WrappedText)``: ``FigureCanvasAgg`` and ``Text`` with the behaviour above.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    return (type("DeferredCanvas", (_Deferred, FigureCanvasAgg), {"__doc__": _Deferred.__doc__}),
            type("WrappedText", (_FewerMeasurements, Text), {"__doc__": _FewerMeasurements.__doc__}))


@contextmanager
def map_style() -> Iterator[None]:
    """Within the block, matplotlib's default style under :data:`STYLE` (every map is built inside it).

    Yields
    ------
    None
    """
    import matplotlib.style
    with matplotlib.style.context("default"), matplotlib.rc_context(STYLE):
        yield


def preload() -> None:
    """Load matplotlib and the map's classes now (before forking processes that draw, so each has them)."""
    import matplotlib.figure  # noqa: F401 - loaded for the maps drawn next
    import matplotlib.style  # noqa: F401
    agg_classes()


def wrapped_text(fig: Figure, x: float, y: float, text: str, **kwargs) -> Text:
    """``fig.text(x, y, text, wrap=True, **kwargs)``, wrapped with fewer measurements (:func:`agg_classes`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    x, y : float
        Position in figure coordinates.
    text : str
        The text (already made literal for matplotlib).
    **kwargs
        Text properties.

    Returns
    -------
    matplotlib.text.Text
    """
    artist = fig.text(x, y, text, wrap=True, **kwargs)
    artist.__class__ = agg_classes()[1]  # the same artist (same place among the figure's texts), wrapped faster
    return artist


def agg_figure(figsize: tuple[float, float]) -> Figure:
    """An empty figure on its own deferred Agg canvas (no pyplot state).

    Parameters
    ----------
    figsize : tuple of float
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    agg_classes()[0](fig)
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
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": "sharedopt"}
    buffer = io.BytesIO()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with matplotlib.rc_context(STYLE):
        canvas.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()
