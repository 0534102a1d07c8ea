"""Maps of a run: the static portfolio map, one map per service, per-service panels (matplotlib).

Every map is drawn offline in British National Grid. The public interface is what this
package exports; its modules import each other's public names only.
"""

from __future__ import annotations

from sharedopt.report.map.data import authority_savings, portfolio_services, service_slug
from sharedopt.report.map.fill import split_list
from sharedopt.report.map.furniture import ATTRIBUTION
from sharedopt.report.map.geometry import projected_shapes, shape_anchor, shared_geometry, simplified_shapes
from sharedopt.report.map.panels import PANEL_THRESHOLD, plot_service_panels
from sharedopt.report.map.render import figure_bytes, preload
from sharedopt.report.map.reorganisation import options_png, tornado_png
from sharedopt.report.map.static import plot_portfolio_map, plot_service_map

__all__ = ["ATTRIBUTION", "PANEL_THRESHOLD", "authority_savings", "figure_bytes", "options_png",
           "plot_portfolio_map", "plot_service_map", "plot_service_panels", "portfolio_services",
           "preload", "projected_shapes", "service_slug", "shape_anchor", "shared_geometry", "simplified_shapes",
           "split_list", "tornado_png"]
