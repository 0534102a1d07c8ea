"""Result and Scenario show as HTML in Jupyter; Result.map() is the interactive map."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import sharedopt as so

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


class _Cells(HTMLParser):
    """Every table cell's text."""

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._on = False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._on = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._on = False

    def handle_data(self, data):
        if self._on:
            self.cells[-1] += data


def _cells(html: str) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


def test_scenario_shows_its_settings_as_dotted_keys():
    scenario = so.Scenario.from_config(CONFIGS / "north-east.toml").with_({"constraints.governance_capacity": 2})
    cells = _cells(scenario._repr_html_())
    assert cells[cells.index("constraints.governance_capacity") + 1] == "2"
    assert "model.max_group_size" in cells


def test_result_shows_headline_and_partnerships(north_east_k3_run):
    result = north_east_k3_run
    cells = _cells(result._repr_html_())
    npv = result.summary.totals["npv_gbp_k"]
    assert cells[cells.index("NPV") + 1] == f"£{npv:,.0f}k"
    assert cells[cells.index("Partnerships chosen") + 1] == str(len(result.portfolio))
    names = set(result.authorities["name"])
    listed = {n.strip() for c in cells for n in c.split(";")}
    assert names & listed  # members by name, not code


def test_result_map_is_the_interactive_map(north_east_k3_run):
    shown = so.run  # public API touched: the report layer has registered the drawer
    assert callable(shown)
    view = north_east_k3_run.map()
    html = view._repr_html_()
    assert html.count('<path class="la"') == len(north_east_k3_run.authorities)
    names = re.findall(r'<text class="name"[^>]*>(.*?)</text>', html)
    assert set(names) <= set(north_east_k3_run.authorities["name"])
    assert len(names) >= len(north_east_k3_run.authorities) - 3  # a name that would overlap is left to hover
    assert 'id="imap-legend"' in html and "pooled-spend share" in html
