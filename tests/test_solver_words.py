"""Honest solver words: registry and early check, bounded options, statuses as values, no banner."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sharedopt.solve.backends.pulp as pulp_backend
import sharedopt.solve.result as result_mod
from portfolio_instances import random_candidates
from sharedopt.cli import app
from sharedopt.config.schema import config_from_dict
from sharedopt.model.build import Constraints, build_model
from sharedopt.solve.backends.pulp_compat import PulpOutcome
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve
from sharedopt.solve.status import describe_status
from sharedopt.solve.backends.registry import SolverUnavailableError, available_solvers, check_solver

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
runner = CliRunner(env={"COLUMNS": "250"})


# ------------------------------------------------------------------ registry, early check
def test_available_solvers_are_user_names():
    names = available_solvers()
    assert names[0] == "highs" and set(names) <= {"highs", "cbc"}
    assert check_solver(" HiGHS ") == "HiGHS"


def test_unknown_solver_names_user_choices_not_internal_classes():
    with pytest.raises(SolverUnavailableError) as err:
        check_solver("gurobi")
    msg = str(err.value)
    assert "solver 'gurobi' is unknown" in msg and "'highs' (default) or 'cbc'" in msg
    assert "PULP_CBC_CMD" not in msg and "COIN_CMD" not in msg and "--solver highs" in msg


def test_missing_cbc_says_how_to_install(monkeypatch):
    import sharedopt.solve.backends.registry as solvers

    monkeypatch.setattr(solvers, "_pulp_available", lambda: ["HiGHS"])
    with pytest.raises(SolverUnavailableError) as err:
        check_solver("cbc")
    msg = str(err.value)
    assert "solver 'cbc' is not installed" in msg and 'pip install "pulp[cbc]"' in msg
    assert "installed here: highs" in msg


def _config_with_missing_data(tmp_path: Path) -> Path:
    """A config whose costs file does not exist: any loading would fail on it."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('name = "t"\n[region]\nname = "north-east"\n[data]\n'
                   f'costs_csv = "{tmp_path / "absent.csv"}"\n')
    return cfg


@pytest.mark.parametrize("command", ["run", "validate"])
def test_cli_checks_solver_before_loading(tmp_path, command):
    cfg = _config_with_missing_data(tmp_path)
    args = [command, str(cfg)] + (["--solver", "gurobi", "--out", str(tmp_path / "o")] if command == "run" else [])
    if command == "validate":
        text = cfg.read_text() + '[solver]\nname = "gurobi"\n'
        cfg.write_text(text)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "solver 'gurobi' is unknown" in result.output
    assert "absent.csv" not in result.output  # failed before touching the data
    assert "PULP_CBC_CMD" not in result.output


def test_python_api_run_checks_solver_first(tmp_path):
    from sharedopt.pipeline.sequencer import run

    raw = {"name": "t", "region": {"name": "north-east"}, "data": {"costs_csv": str(tmp_path / "absent.csv")},
           "solver": {"name": "gurobi"}}
    with pytest.raises(SolverUnavailableError, match="'gurobi' is unknown"):
        run(config_from_dict(raw))


# ------------------------------------------------------------------ bounded options
@pytest.mark.parametrize("key, value, words", [
    ("mip_gap", math.inf, "mip_gap is a relative gap in [0, 1)"),
    ("mip_gap", 1.0, "mip_gap is a relative gap in [0, 1)"),
    ("mip_gap", -0.1, "mip_gap is a relative gap in [0, 1)"),
    ("time_limit", math.inf, "time_limit must be a finite number of seconds > 0"),
    ("time_limit", 0, "time_limit must be a finite number of seconds > 0"),
    ("threads", 0, "threads must be >= 1"),
    ("seed", -1, "seed must be >= 0"),
    ("node_limit", 0, "node_limit must be >= 1"),
])
def test_solver_options_bounded(key, value, words):
    with pytest.raises(ValueError) as err:
        SolverOptions(**{key: value})
    assert words in str(err.value)


def test_config_mip_gap_inf_is_refused_with_location():
    with pytest.raises(ValueError) as err:
        config_from_dict({"name": "t", "region": {"name": "north-east"}, "solver": {"mip_gap": math.inf}},
                         source="x.toml")
    assert "mip_gap" in str(err.value) and "[0, 1)" in str(err.value)


# ------------------------------------------------------------------ statuses as values
def test_optimal_only_within_the_gap():
    assert result_mod._within_gap("optimal", 0.186, 1e-3) == "feasible"
    assert result_mod._within_gap("optimal", 5e-4, 1e-3) == "optimal"
    assert result_mod._within_gap("optimal", None, 1e-3) == "feasible"


def test_status_words():
    assert describe_status("optimal", 0.0, 1e-3) == "proven optimal"
    assert describe_status("optimal", 4e-4, 1e-3) == "optimal within the 0.10% gap tolerance (gap 0.04%)"
    assert describe_status("feasible", 0.186, 1e-3) == "best found, not proven optimal (gap 18.60%)"
    assert describe_status("feasible", 2e-5, 1e-6) == "best found, not proven optimal (gap <0.01%)"
    assert describe_status("time_limit_no_solution", None, 1e-3) == "time limit, no solution found"


def test_cbc_infeasibility_refuted_by_a_feasible_start(hard_model, monkeypatch):
    """CBC cut short in preprocessing says 'infeasible': a feasible start refutes it."""
    if "cbc" not in available_solvers():
        pytest.skip("CBC not installed")
    monkeypatch.setattr(pulp_backend, "run_pulp", lambda prob, solver: PulpOutcome("infeasible", "Infeasible"))
    res, x = solve(hard_model, SolverOptions(name="cbc", time_limit=0.01, decompose=False))
    assert res.status == "feasible" and res.stopped_by == "time limit"
    assert "CBC reported the model infeasible, but the start portfolio satisfies every constraint" in res.message
    assert float(hard_model.c @ x) == pytest.approx(res.objective)


def test_cbc_unproven_infeasibility_at_time_limit_is_a_time_limit():
    out = pulp_backend.Outcome("infeasible", "Infeasible", None, "CBC")
    log = {"wallclock": 0.02}  # preprocessing stopped at the limit, no 'Result' line
    model = build_model(random_candidates(0, n_auth=6, n_services=1, max_candidates=8),
                        Constraints(forced_pairs=[]))
    checked, note = pulp_backend._checked_infeasibility(out, model, None, 0.01, log)
    assert checked.status == "time_limit_no_solution" and checked.limit == "time"
    assert "stopped without a solution or a proof" in note
    proven = {"wallclock": 0.02, "result": "Problem proven infeasible"}
    assert pulp_backend._checked_infeasibility(out, model, None, 0.01, proven)[0].status == "infeasible"
    assert pulp_backend._checked_infeasibility(out, model, None, None, log)[0].status == "infeasible"


def test_cbc_log_bound_sign_follows_the_printed_side(tmp_path):
    log = tmp_path / "cbc.log"
    log.write_text("Result - Stopped on node limit\nLower bound:                    -23313.3\n"
                   "Total time (Wallclock seconds): 0.39   (CPU seconds): 0.2\n")
    parsed = pulp_backend._cbc_log(str(log))  # PuLP 4 passes max c.x as min -c.x
    assert parsed["bound"] == pytest.approx(23313.35) and parsed["limit"] == "work"
    assert parsed["wallclock"] == pytest.approx(0.39)


@pytest.mark.slow
def test_node_limit_is_said_as_work_limit(hard_model):
    res, _ = solve(hard_model, SolverOptions(node_limit=1, mip_gap=0.0, time_limit=60))
    assert res.status == "feasible" and res.stopped_by == "work limit"


# ------------------------------------------------------------------ banner
def test_no_highs_banner_in_a_fresh_process():
    code = ("import numpy as np, highspy\n"
            "from sharedopt.solve.backends.highs_quiet import new_highs\n"
            "h = new_highs(); h.run()\n"
            "print('done')\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout == "done\n" and "HiGHS" not in out.stderr


def test_no_highs_banner_from_a_solve_with_a_user_hook():
    """PuLP's HiGHS wrapper makes its own Highs object: still no banner."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from portfolio_instances import random_candidates\n"
            "from sharedopt.model.build import build_model\n"
            "from sharedopt.solve.api import solve\n"
            "res, _ = solve(build_model(random_candidates(1, n_auth=8, n_services=2, max_candidates=12)),"
            " pulp_extra=lambda p, xs: None)\n"
            "print(res.status)\n") % str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout == "optimal\n", out.stdout


def test_gap_is_written_one_way_in_the_cli_and_the_reports():
    """The headline's gap and the report's gap read the same (two decimals, one owner: sharedopt.common.gaps)."""
    from sharedopt.results.facts import gap_text
    from sharedopt.results.run_summary import SolveReport
    for status, gap in [("feasible", 0.0099661), ("optimal", 4e-4), ("optimal", 0.0)]:
        words = describe_status(status, gap, 1e-3)
        report = gap_text(SolveReport(status=status, gap=gap))
        assert report.split(" ")[0] in words or (gap == 0.0 and words == "proven optimal"), (words, report)
    assert gap_text(SolveReport(status="optimal", gap=4e-4)) == "0.04% (optimal within the gap tolerance)"
    assert gap_text(SolveReport(status="optimal", gap=0.0)) == "0.00% (proven optimal)"
