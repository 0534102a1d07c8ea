"""The Python objects read well: short repr, variants named after what changed, typed tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tight():
    return run(Scenario.from_config(ROOT / "configs" / "north-east-tight-governance.toml").config)


def test_result_repr_is_short_and_says_status_objective_and_counts(tight):
    text = repr(tight)
    assert len(text) < 200
    assert "status='optimal'" in text and f"partnerships={len(tight.portfolio)}" in text
    assert f"£{tight.summary.solve.objective:,.0f}k" in text and "councils=12" in text


def test_with_names_the_variant_after_what_changed():
    base = Scenario.from_config(ROOT / "configs" / "north-east.toml")
    assert base.with_({"constraints.governance_capacity": 2}).name == "north-east_governance_capacity-2"
    assert base.with_({"constraints.governance_capacity": 2}, name="cap2").name == "cap2"
    assert base.with_({}).name == "north-east"


def test_portfolio_has_member_names_and_integer_population(tight):
    portfolio = tight.portfolio
    names = dict(tight.authorities["name"])
    for codes, listed in zip(portfolio["members"], portfolio["member_names"]):
        assert listed.split(";") == [names[c] for c in codes.split(";")]
    assert str(portfolio["population"].dtype) == "int64" and str(tight.candidates["population"].dtype) == "int64"
