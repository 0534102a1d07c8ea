"""Hostile input at the command line.

Each test runs the real CLI on a fixture from ``tests/fixtures/hostile/`` (see its
README) or on a real run's output, and checks the message, not only the exit code.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.config.schema import load_config
from sharedopt.report import MARKER

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
runner = CliRunner(env={"COLUMNS": "250"})


def _invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _dead_pid() -> int:
    """The id of a process that has finished (so no process has it, barring reuse)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _fails_at_load(tmp_path: Path) -> Path:
    """A valid config whose data step fails (its costs file is missing): the run stops after the output check."""
    path = tmp_path / "fails_at_load.toml"
    path.write_text('[region]\nname = "north-east"\n[data]\ncosts_csv = "nowhere.csv"\n', encoding="utf-8")
    return path


# --------------------------------------------------------------------------- item 13: first run


def test_version_comes_from_package_metadata():
    result = _invoke("--version")
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert result.exit_code == 0
    assert result.output == f"sharedopt {version('sharedopt')}\n"
    assert version("sharedopt") == expected


def test_unknown_format_names_the_option_and_the_valid_formats(tmp_path):
    out = tmp_path / "out"
    result = _invoke("run", "--format", "pdf,csv", "--out", str(out))
    assert result.exit_code == 2
    assert ("error: --format: unknown output format 'pdf'; valid formats: csv, json, xlsx, png, svg, html"
            in result.output)
    assert not out.exists()


# --------------------------------------------------------------------------- item 2: the name is not a path


@pytest.mark.parametrize("fixture, shown, reason, suggestion", [
    ("name_traversal", '"../../../elsewhere"', 'contains "/"', 'name = "elsewhere"'),
    ("name_absolute", '"/tmp/sharedopt-hostile-absolute"', 'contains "/"', 'name = "tmp-sharedopt-hostile-absolute"'),
    ("name_empty", '""', "is empty", 'name = "scenario"'),
    ("name_markup", '"[/x]"', 'contains "/", "[", "]"', 'name = "x"'),
])
def test_unsafe_name_is_refused_before_anything_is_written(tmp_path, monkeypatch, fixture, shown, reason, suggestion):
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = _invoke("run", str(HOSTILE / f"{fixture}.toml"))
    assert result.exit_code == 2
    assert f"{fixture}.toml:2: [name] {shown} cannot be a report folder name: it {reason}" in result.output
    assert suggestion in result.output and "--out" in result.output
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*")] == [Path("a"), Path("a/b"), Path("a/b/c")]
    assert not Path("/tmp/sharedopt-hostile-absolute").exists()


def test_validate_refuses_an_unsafe_name_too():
    result = _invoke("validate", str(HOSTILE / "name_traversal.toml"))
    assert result.exit_code == 2 and "[name]" in result.output and "cannot be a report folder name" in result.output


def test_default_name_from_an_unsafe_file_name_is_made_safe(tmp_path):
    path = tmp_path / "my scenario (v2).toml"
    path.write_text('[region]\nname = "north-east"\n', encoding="utf-8")
    assert load_config(path).name == "my-scenario-v2"


# --------------------------------------------------------------------------- item 4: literal printing


def test_section_names_in_messages_are_printed():
    result = _invoke("validate", str(HOSTILE / "typo_key.toml"))
    assert result.exit_code == 2
    assert ("typo_key.toml:5: [constraints.governance_capacty] unknown key 'governance_capacty'"
            in result.output)


def test_markup_in_a_council_code_is_printed_not_parsed():
    result = _invoke("validate", str(HOSTILE / "code_markup.toml"))
    assert result.exit_code == 2
    assert (f"error: {HOSTILE / 'code_markup.toml'}:3: [region.codes] unknown GSS code(s) E06[/x]; run "
            "`sharedopt list regions`") in result.output


def test_terminal_escapes_from_a_boundary_file_are_shown_escaped():
    result = _invoke("validate", str(HOSTILE / "boundary_ansi.toml"))
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert r"duplicate code 'E069\x1b[2J\x1b[31m[/x]' in field 'code'" in result.output


def test_list_titles_keep_their_brackets():
    assert "Regions (use as [region] name)" in _invoke("list", "regions").output
    assert "override in [model.services.<name>]" in _invoke("list", "services").output


# --------------------------------------------------------------------------- one real run on a hostile path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The default scenario written to a folder whose path holds markup, with a killed run's leftovers beside it."""
    parent = tmp_path_factory.mktemp("runs") / "a[" / "x]"
    out = parent / "[data]"
    parent.mkdir(parents=True)
    tmp = parent / ".[data].tmp-deadbeef"  # a temporary folder of a run that was killed while writing
    tmp.mkdir()
    (tmp / MARKER).write_text(f"Written by sharedopt; replaced on each run.\nwriting: pid {_dead_pid()} on "
                              f"{socket.gethostname()}\n", encoding="utf-8")
    (tmp / "candidates.csv").write_text("candidate_id\n", encoding="utf-8")
    old = parent / f".[data].old-{'0' * 32}"  # a previous report renamed aside, then the run was killed
    old.mkdir()
    (old / "portfolio.csv").write_text("candidate_id\nprevious\n", encoding="utf-8")
    (old / MARKER).write_text("Written by sharedopt; replaced on each run.\nfiles:\nportfolio.csv\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "--out", str(out), "--format", "csv,json"])
    return out, result


def test_markup_in_the_output_path_is_printed(hostile_run):
    out, result = hostile_run
    assert result.exit_code == 0, result.output
    assert f"Outputs in {out}/" in result.output and "[/x]" in str(out)
    assert (out / "summary.json").exists()


def test_leftovers_of_a_killed_run_are_cleaned_and_said(hostile_run):
    out, result = hostile_run
    assert f"note: removed {out.parent / '.[data].tmp-deadbeef'}, left by an interrupted run" in result.output
    assert f"note: recovered {out} from .[data].old-{'0' * 32}" in result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["[data]"]  # recovered, then replaced whole
    assert "previous" not in (out / "portfolio.csv").read_text(encoding="utf-8")


def test_compare_prints_folder_names_literally(hostile_run, tmp_path):
    out, _ = hostile_run
    other = tmp_path / "[region]"
    shutil.copytree(out, other)
    result = _invoke("compare", str(out), str(other))
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "measure" in line)
    assert "[data]" in header and "[region]" in header


# --------------------------------------------------------------------------- item 7: late failures


def _refused_fast(result, *expected: str) -> None:
    assert result.exit_code == 2
    assert all(text in result.output for text in expected), result.output
    assert "cost rows" not in result.output  # stopped before the load step
    assert "Traceback" not in result.output


def test_out_that_is_a_file(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    _refused_fast(_invoke("run", "--out", str(target)), f"error: {target} is a file, not a folder")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_out_that_is_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    _refused_fast(_invoke("run", "--out", str(link)), f"error: {link} is a symbolic link (to {real})")
    assert link.is_symlink() and list(real.iterdir()) == []


def test_out_that_is_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("precious", encoding="utf-8")
    _refused_fast(_invoke("run", "--out", str(tmp_path)),
                  f"error: {tmp_path} is a non-empty folder not written by sharedopt (it holds notes.txt)",
                  "Nothing was changed")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_a_report_folder_holding_another_report_is_never_replaced(tmp_path):
    """What `name = ""` used to make: reports/ itself a report folder, another report inside it."""
    reports = tmp_path / "reports"
    inner = reports / "north-east"
    inner.mkdir(parents=True)
    (reports / MARKER).write_text("Written by sharedopt; replaced on each run.\n", encoding="utf-8")  # old marker
    (reports / "summary.json").write_text("{}", encoding="utf-8")
    (inner / MARKER).write_text("Written by sharedopt; replaced on each run.\n", encoding="utf-8")
    (inner / "summary.json").write_text('{"name": "north-east"}', encoding="utf-8")
    _refused_fast(_invoke("run", "--out", str(reports)),
                  f"error: {reports} is a sharedopt report folder but also holds north-east")
    assert (inner / "summary.json").read_text(encoding="utf-8") == '{"name": "north-east"}'


def test_out_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    _refused_fast(_invoke("run", "--out", str(blocker / "sub")),
                  f"error: {blocker / 'sub'}: cannot be created, because {blocker} is not a folder")


def test_out_in_a_read_only_place():
    try:
        os.rmdir(tempfile.mkdtemp(dir="/sys"))
    except OSError:
        pass  # read-only, as expected (even for root)
    else:
        pytest.skip("/sys is writable here")
    _refused_fast(_invoke("run", "--out", "/sys/sharedopt-report"),
                  "error: /sys/sharedopt-report: cannot write in /sys (", "choose a folder you can write to")


def test_config_path_that_is_a_folder():
    result = _invoke("run", str(ROOT / "configs"))
    assert result.exit_code == 2
    assert f"error: {ROOT / 'configs'}: is a folder, not a config file; give the path to a .toml file such as" \
           in result.output


@pytest.mark.slow
def test_leftover_of_a_really_killed_run_is_removed_by_the_next(tmp_path):
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-m", "sharedopt.cli", "run", "--out", str(out)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    leftovers: list[Path] = []
    while not leftovers and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
        leftovers = [p for p in tmp_path.glob(".killed.tmp-*") if (p / MARKER).exists()]
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert leftovers, "the run finished before it could be killed while writing"
    assert leftovers[0].exists() and not out.exists()
    result = _invoke("run", str(_fails_at_load(tmp_path)), "--out", str(out))
    assert f"note: removed {leftovers[0]}, left by an interrupted run" in result.output
    assert "nowhere.csv" in result.output and result.exit_code == 2
    assert not leftovers[0].exists()


def test_a_report_renamed_aside_is_recovered_when_the_folder_is_missing(tmp_path):
    old = tmp_path / f".scenario.old-{'a' * 32}"
    old.mkdir()
    (old / "portfolio.csv").write_text("candidate_id\n", encoding="utf-8")
    (old / MARKER).write_text("Written by sharedopt; replaced on each run.\nfiles:\nportfolio.csv\n", encoding="utf-8")
    out = tmp_path / "scenario"
    result = _invoke("run", str(_fails_at_load(tmp_path)), "--out", str(out))
    assert f"note: recovered {out} from {old.name} (a run was interrupted while replacing it)" in result.output
    assert (out / "portfolio.csv").read_text(encoding="utf-8") == "candidate_id\n" and not old.exists()


# --------------------------------------------------------------------------- compare on damaged runs


@pytest.fixture()
def run_copy(hostile_run, tmp_path):
    out, _ = hostile_run
    good, bad = tmp_path / "good", tmp_path / "bad"
    shutil.copytree(out, good)
    shutil.copytree(out, bad)
    return good, bad


@pytest.mark.parametrize("fixture, target, expected", [
    ("summary_truncated.json", "summary.json", "summary.json:{line}:{col}: not valid JSON ("),
    ("summary_list.json", "summary.json", "summary.json: holds a JSON list, not the object a sharedopt summary is"),
    ("summary_no_totals.json", "summary.json", "summary.json: not a complete sharedopt summary (totals: Field required)"),
    ("portfolio_empty.csv", "portfolio.csv", "portfolio.csv: cannot be read as a CSV table (No columns to parse"),
])
def test_compare_names_a_damaged_file(run_copy, fixture, target, expected):
    good, bad = run_copy
    shutil.copy(HOSTILE / fixture, bad / target)
    if "{line}" in expected:
        try:
            json.loads((bad / target).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            expected = expected.format(line=exc.lineno, col=exc.colno)
    result = _invoke("compare", str(good), str(bad))
    assert result.exit_code == 2
    assert f"error: {bad / expected}" in result.output and "run `sharedopt run` again" in result.output


def test_compare_a_missing_folder_and_a_summary_file(run_copy, tmp_path):
    good, _ = run_copy
    missing = _invoke("compare", str(good), str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and f"error: {tmp_path / 'nowhere'}: not found" in missing.output
    by_file = _invoke("compare", str(good / "summary.json"), str(good))
    assert by_file.exit_code == 0 and "portfolio differences" in by_file.output
