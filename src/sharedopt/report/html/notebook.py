"""A result's interactive map as a Jupyter object (:class:`InteractiveMap`), registered as
``Result.map()``'s drawer (:func:`sharedopt.pipeline.notebook.register_map_view`)."""

from __future__ import annotations

from dataclasses import dataclass

from sharedopt.pipeline.notebook import register_map_view
from sharedopt.report.html.interactive_map import interactive_map

__all__ = ["InteractiveMap", "draw_map"]

_STYLE = ("<style>.sharedopt-map text.name{fill:#111;stroke:#fff;stroke-width:2.5px;paint-order:stroke;"
          "font-family:Arial,sans-serif}.sharedopt-map path.la{stroke:#444;stroke-width:.6}"
          ".sharedopt-map #imap-legend i{display:inline-block;width:14px;height:12px;margin:0 4px;"
          "border:1px solid #888}.sharedopt-map #imap-legend i.dashed{background:none;border:2px dashed #7c3aed}"
          "</style>")


@dataclass(frozen=True)
class InteractiveMap:
    """The map of a run: the councils (named, shaded by NPV share), existing partnerships dashed, a legend.

    Attributes
    ----------
    html : str
        The SVG and its legend, as in ``report.html``.
    """

    html: str

    def _repr_html_(self) -> str:
        """What Jupyter shows."""
        return self.html


def draw_map(result) -> InteractiveMap:
    """The interactive map of a :class:`~sharedopt.pipeline.result.Result`."""
    parts = interactive_map(result.authorities, result.portfolio, result.shares, result.summary)
    if parts is None:
        return InteractiveMap("<p>No map: the councils have no boundaries in the data.</p>")
    return InteractiveMap(f'<div class="sharedopt-map" style="max-width:760px">{_STYLE}{parts["svg"]}'
                          f'{parts["legend"]}</div>')


register_map_view(draw_map)
