"""README's headline figures are what the code computes at the commit that states them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sharedopt.candidates.table import NPV
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\|\s*`configs/(?P<config>[\w-]+)\.toml`\s*\|\s*(?P<n>\d+)\s*\|\s*£(?P<npv>[\d,]+)k\s*\|")


def readme_figures() -> dict[str, tuple[int, int]]:
    """``config -> (partnerships, NPV £k)`` from the table between README's figure markers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- figures:begin -->")[1].split("<!-- figures:end -->")[0]
    rows = {}
    for line in block.splitlines():
        match = ROW.match(line.strip())
        if match:
            rows[match["config"]] = (int(match["n"]), int(match["npv"].replace(",", "")))
    return rows


def test_readme_states_figures_for_the_shipped_regional_configs():
    assert {"north-east", "kent"} <= set(readme_figures())


@pytest.mark.slow
@pytest.mark.parametrize("config", ["north-east", "kent"])
def test_readme_figures_are_reproduced(config):
    n, npv = readme_figures()[config]
    result = run(Scenario.from_config(ROOT / "configs" / f"{config}.toml").with_({"report.top_n": 0}))
    assert result.summary.solve.status == "optimal"
    assert result.summary.totals["n_partnerships"] == n
    assert round(result.summary.totals[NPV]) == npv
