"""End-to-end CLI tests on the embedded North East data (real outturn)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sharedopt.cli import app, timing_line

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_FILES = {"portfolio.csv", "candidates.csv", "shares.csv", "summary.json", "opportunities.xlsx",
                  "map.png", "map.svg", "report.html", "data_quality.csv"}
CONTRACT = ["candidate_id", "kind", "services", "members", "annual_saving_gbp_k", "one_off_cost_gbp_k",
            "npv_gbp_k", "payback_years", "chosen", "rank"]
SOLVER_KEYS = ["status", "objective", "best_bound", "gap", "solver", "n_variables", "n_constraints",
               "stopped_by", "time_limit"]
#: wall-clock figures: on the Result and the console, never in summary.json
WALL_CLOCK_KEYS = {"seconds_by_phase", "time_budget", "volatile_fields"}

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, cpu_hogs):
    """The default scenario run twice into two folders: once idle, once beside CPU hogs."""
    base = tmp_path_factory.mktemp("runs")
    outs = []
    for i in range(2):
        out = base / f"run{i}"
        with cpu_hogs(active=i == 1):
            result = runner.invoke(app, ["run", "--out", str(out)])
        assert result.exit_code == 0, result.output
        _console_file(out).write_text(result.output)
        outs.append(out)
    return outs


def _console_file(out: Path) -> Path:
    """Where the fixture keeps a run's console text (beside its output folder, not in it)."""
    return out.parent / f"{out.name}.console.txt"


def _keys(value) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.slow
def test_default_run_writes_every_output(two_runs):
    names = {p.name for p in two_runs[0].iterdir()}
    assert EXPECTED_FILES <= names


@pytest.mark.slow
def test_contract_columns_and_solver_keys(two_runs):
    out = two_runs[0]
    candidates = pd.read_csv(out / "candidates.csv")
    portfolio = pd.read_csv(out / "portfolio.csv")
    for table in (candidates, portfolio):
        assert all(col in table.columns for col in CONTRACT)
    summary = json.loads((out / "summary.json").read_text())
    assert all(key in summary for key in SOLVER_KEYS)
    assert summary["status"] == "optimal"
    assert summary["objective"] == pytest.approx(portfolio["npv_gbp_k"].sum(), rel=1e-6)
    assert set(portfolio["candidate_id"]) == set(candidates.loc[candidates["chosen"], "candidate_id"])
    # members are sorted GSS codes, ';'-joined; ranks are 1..n by NPV
    assert all(m.split(";") == sorted(m.split(";")) for m in candidates["members"])
    assert sorted(candidates["rank"]) == list(range(1, len(candidates) + 1))
    assert candidates.sort_values("rank")["npv_gbp_k"].is_monotonic_decreasing


@pytest.mark.slow
def test_portfolio_respects_constraints(two_runs):
    portfolio = pd.read_csv(two_runs[0] / "portfolio.csv")
    slots = [(m, s) for _, r in portfolio.iterrows() for m in r["members"].split(";") for s in r["services"].split(";")]
    assert len(slots) == len(set(slots)), "an authority-service is in two chosen partnerships"
    per_member = pd.Series([m for ms in portfolio["members"] for m in ms.split(";")]).value_counts()
    assert per_member.max() <= 3  # governance_capacity in configs/north-east.toml


@pytest.mark.slow
def test_same_config_twice_gives_identical_bytes(two_runs):
    a, b = two_runs
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"opportunities.xlsx", "report.html", "map.png", "map.svg", "enumeration.csv", "summary.json"} <= set(names)
    for name in names:  # every file, summary.json included: no figure depends on the wall clock
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.slow
def test_summary_json_holds_no_wall_clock_figure(two_runs):
    keys = _keys(json.loads((two_runs[0] / "summary.json").read_text()))
    assert not {k for k in keys if k.endswith("_seconds")} and not keys & WALL_CLOCK_KEYS


@pytest.mark.slow
def test_run_prints_its_times_on_the_console(two_runs):
    last = _console_file(two_runs[0]).read_text().strip().splitlines()[-1]
    assert last.startswith("Times: solve ") and " s budget" in last and "build " in last


def test_timing_line_names_the_budget_only_when_there_is_one():
    timings = {"solve_seconds": 12.34, "build_seconds": 0.06, "seconds_by_phase": {"ranking_re_solves": 0.6}}
    assert timing_line(timings) == "Times: solve 12.3 s, build 0.1 s, ranking 0.6 s."
    spent = {"budget_seconds": 60.0, "spent_seconds": 12.94, "left_seconds": 47.06}
    assert timing_line({**timings, "time_budget": spent}) == \
        "Times: solve 12.3 s (of a 60 s budget, 12.9 s spent), build 0.1 s, ranking 0.6 s."


@pytest.mark.slow
def test_compare_two_runs(two_runs, tmp_path):
    result = runner.invoke(app, ["compare", str(two_runs[0]), str(two_runs[1])])
    assert result.exit_code == 0, result.output
    assert "portfolio differences" in result.output


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return path


def test_validate_good_config_prints_quality_report():
    result = runner.invoke(app, ["validate", str(ROOT / "configs" / "north-east.toml")])
    assert result.exit_code == 0, result.output
    assert "Shire Counties" in result.output  # the aggregate row excluded from the outturn


def test_validate_typo_key_names_key_and_line(tmp_path):
    path = _write(tmp_path, '[region]\nname = "north-east"\n\n[constraints]\ngovernance_capacty = 2\n')
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code != 0
    assert "governance_capacty" in result.output and ":5" in result.output


def test_validate_unknown_gss_code(tmp_path):
    path = _write(tmp_path, '[region]\ncodes = ["E06000001", "E06999999"]\n')
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code != 0
    assert "E06999999" in result.output


def test_validate_missing_costs_file(tmp_path):
    path = _write(tmp_path, '[region]\nname = "north-east"\n[data]\ncosts_csv = "nowhere.csv"\n')
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code != 0
    assert "nowhere.csv" in result.output


def test_missing_config_file(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "absent.toml")])
    assert result.exit_code != 0
    assert "absent.toml" in result.output


def test_list_regions_and_services():
    regions = runner.invoke(app, ["list", "regions"])
    assert regions.exit_code == 0 and "north-east" in regions.output and "wales" in regions.output
    services = runner.invoke(app, ["list", "services"])
    assert services.exit_code == 0 and "Environment" in services.output


@pytest.mark.slow
def test_every_shipped_config_validates():
    for path in sorted((ROOT / "configs").glob("*.toml")):
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 0, f"{path.name}: {result.output}"
