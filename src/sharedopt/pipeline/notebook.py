"""How a :class:`~sharedopt.pipeline.result.Result` and a :class:`~sharedopt.pipeline.scenario.Scenario`
show in Jupyter (``_repr_html_``), and the hook that draws a result's interactive map.

The map is drawn by the report layer, which sits above this one: it registers its drawer
with :func:`register_map_view` when imported (``import sharedopt`` does so on first use of
any public name), and :func:`map_view` calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from sharedopt.candidates.table import ANNUAL_NET_SAVING, MEMBERS, NPV, ONE_OFF_COST, SERVICES, split_codes
from sharedopt.results.run_summary import RunSummary

__all__ = ["html_table", "map_view", "register_map_view", "result_html", "scenario_html"]

_VIEWS: dict[str, Callable[[Any], Any]] = {}
_MONEY = ((ANNUAL_NET_SAVING, "Annual net saving"), (NPV, "NPV"), (ONE_OFF_COST, "One-off cost"))


def register_map_view(draw: Callable[[Any], Any]) -> None:
    """Set the function that turns a Result into its interactive map (an object with ``_repr_html_``)."""
    _VIEWS["map"] = draw


def map_view(result: Any) -> Any:
    """The result's interactive map, drawn by the registered drawer.

    Raises
    ------
    RuntimeError
        When no drawer is registered (``import sharedopt.report`` registers it).
    """
    if "map" not in _VIEWS:
        raise RuntimeError("no map drawer is registered: import sharedopt.report (import sharedopt does it on "
                           "first use of sharedopt.run) and call Result.map() again")
    return _VIEWS["map"](result)


def html_table(rows: Iterable[Iterable[Any]], header: Iterable[str] | None = None, caption: str | None = None) -> str:
    """Rows as an escaped HTML table."""
    head = "<tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table class="sharedopt">{cap}<thead>{head}</thead><tbody>{body}</tbody></table>'


def _money(value: Any) -> str:
    return f"£{value:,.0f}k" if isinstance(value, (int, float)) else "n/a"


def result_html(summary: RunSummary, portfolio, names: Mapping[str, str]) -> str:
    """The headline (status, totals) and the chosen partnerships as HTML tables."""
    totals = summary.totals or {}
    headline = [("Region", summary.region), ("Status", summary.solve.status),
                ("Partnerships chosen", len(portfolio))]
    headline += [(label, _money(totals.get(key))) for key, label in _MONEY]
    rows = []
    for i, record in enumerate(portfolio.to_dict("records"), start=1):
        members = "; ".join(names.get(m, m) for m in split_codes(record.get(MEMBERS)))
        rows.append((i, " + ".join(split_codes(record.get(SERVICES))), members,
                     *(_money(record.get(key)) for key, _ in _MONEY)))
    return (html_table(headline, ["", "value"], caption="Run result (money in £ thousand)")
            + html_table(rows, ["No.", "Services", "Members", *(label for _, label in _MONEY)],
                         caption="Chosen partnerships"))


def _flat(node: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Dotted keys and scalar values of a nested dict (tables of per-service settings summarised)."""
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if prefix:  # a table of tables (per-service settings): say how many
                yield name, f"{len(value)} entries"
            else:
                yield from _flat(value, name + ".")
        elif isinstance(value, list) and len(value) > 8:
            yield name, f"{len(value)} items"
        else:
            yield name, value


def scenario_html(name: str, raw: Mapping[str, Any]) -> str:
    """A scenario's settings as an HTML table of dotted keys (the keys ``Scenario.with_`` takes)."""
    rows = [(key, value) for key, value in _flat(dict(raw)) if value not in (None, [], {})]
    return html_table(rows, ["setting", "value"], caption=f"Scenario {name}")
