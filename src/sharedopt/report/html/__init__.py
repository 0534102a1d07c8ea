"""``report.html``: its context (what it shows, as text), its template, and the interactive SVG map."""

from __future__ import annotations

from sharedopt.report.html.context import build_context
from sharedopt.report.html.interactive_map import interactive_map
from sharedopt.report.html.notebook import InteractiveMap
from sharedopt.report.html.page import render_html

__all__ = ["InteractiveMap", "build_context", "interactive_map", "render_html"]
