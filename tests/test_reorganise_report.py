"""Reorganisation outputs: every option on the page and in the tables, same input gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.reorganisation import reorganise
from sharedopt.report.reorganisation import write_reorganisation

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "reorganisation" / "east-sussex.toml"


@pytest.fixture(scope="module")
def result():
    return reorganise(CONFIG, threads=1)


def test_outputs_are_deterministic(result, tmp_path):
    first = write_reorganisation(result, tmp_path / "a")
    second = write_reorganisation(reorganise(CONFIG, threads=1), tmp_path / "b")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


def test_page_and_tables_show_every_option(result, tmp_path):
    files = write_reorganisation(result, tmp_path / "out")
    page = files["report.html"].read_text()
    options = pd.read_csv(files["options.csv"])
    assert len(options) == len(result.appraisals) >= 2
    for label in options["option"]:
        assert label in page
    assert "data:image/png;base64," in page and "sussexonlinenews.co.uk" in page
    assert "band D" in page  # council tax is said not to be computed
    # the proposal (East Sussex whole + Brighton and Hove) is the optimiser's best with 2
    assert options.loc[options["option"] == "best with 2", "same_structure_as"].iloc[0].startswith("One East Sussex")
    terms = pd.read_csv(files["terms.csv"]).groupby("option")["net_present_value_gbp_k"].sum()
    for row in options.itertuples():
        assert terms[row.option] == pytest.approx(row.net_present_value_gbp_k, abs=0.2)


def test_tornado_names_the_margin_that_decides(result):
    table = result.tornado().set_index("parameter")
    assert set(table.index) >= {"disaggregation_rate", "realisation"}
    assert table["swing_gbp_k"].is_monotonic_decreasing
    # leader: one unitary of all six councils; runner-up: East Sussex whole plus Brighton and Hove as it is.
    # Neither splits the county, so the disaggregation rate cannot move the margin ...
    row = table.loc["disaggregation_rate"]
    assert row["leader"] == "best with 1" and row["runner_up"].startswith("One East Sussex")
    assert row["low_margin_gbp_k"] == row["high_margin_gbp_k"] == row["margin_gbp_k"]
    # ... and with no savings realised only the one-off counts: the single unitary has one more
    # predecessor (Brighton and Hove), so it is behind by one predecessor's transition cost
    low = table.loc["realisation"]
    assert low["low_value"] == 0.0 and bool(low["leader_changes"])
    assert low["low_margin_gbp_k"] == pytest.approx(-result.params["one_off_per_predecessor_gbp_k"], abs=0.1)
    assert low["low_leader"].startswith("One East Sussex")


def test_cli_writes_the_outputs_and_refuses_bad_input(tmp_path):
    runner = CliRunner(env={"COLUMNS": "250"})
    done = runner.invoke(app, ["reorganise", str(CONFIG), "--out", str(tmp_path / "es")])
    assert done.exit_code == 0, done.output
    assert "best with 1" in done.output
    assert {"options.csv", "report.html", "workbook.xlsx", "options.png", "tornado.csv"} <= {
        p.name for p in (tmp_path / "es").iterdir()}
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.read_text().replace('members = ["Brighton and Hove"]', 'members = ["Brighton & Hove"]'))
    refused = runner.invoke(app, ["reorganise", str(bad), "--out", str(tmp_path / "bad")])
    assert refused.exit_code == 2
    assert "'Brighton & Hove' is not a council of this area" in refused.output and str(bad) in refused.output
    assert not (tmp_path / "bad").exists()  # refused before any output was written


def test_monte_carlo_is_seeded_and_within_the_ends(result):
    first, second = result.uncertainty(), result.uncertainty()
    pd.testing.assert_frame_equal(first, second)
    assert first["share_of_draws_leading"].sum() == pytest.approx(1.0)
    ends = result.table().set_index("option")
    for row in first.itertuples():  # every draw lies between all-pessimistic and all-optimistic
        assert ends.at[row.option, "npv_low_gbp_k"] - 0.1 <= row.npv_p10_gbp_k <= row.npv_p50_gbp_k
        assert row.npv_p50_gbp_k <= row.npv_p90_gbp_k <= ends.at[row.option, "npv_high_gbp_k"] + 0.1
