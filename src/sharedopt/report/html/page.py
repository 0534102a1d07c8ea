"""Self-contained HTML report for regional bodies.

One file, no network: inline CSS, the map embedded as a base64 PNG data URI,
the interactive map's one script allowed by its hash, and a
Content-Security-Policy that forbids fetching anything. All text that comes
from inputs is escaped by jinja2's autoescape, its control and bidirectional-override
characters shown as escapes (``\u202e``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markupsafe

from sharedopt.common.literal import clean
from sharedopt.report.html.text import format_money, format_number, format_plain, format_years

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]

_TEMPLATE = "report.html"


def _visible(value: Any) -> Any:
    """Text from inputs with its control and bidirectional-override characters shown as escapes.

    A right-to-left override in a council name would make the page read in another order
    than it is written; markup the report built itself (``Markup``) is left as it is.
    """
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return clean(value)
    return value


def _environment() -> jinja2.Environment:
    """Jinja2 environment with autoescape on and the report filters (jinja2 loaded here: a run's start-up
    does without it, and only the page, written last, needs it)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters.update(money=format_money, num=format_number, years=format_years, plain=format_plain)
    return env


def render_html(context: Mapping[str, Any]) -> str:
    """Render the report template.

    Parameters
    ----------
    context : Mapping
        Output of :func:`sharedopt.report.html.context.build_context`.

    Returns
    -------
    str
        The complete HTML document.
    """
    return _environment().get_template(_TEMPLATE).render(**context)
