"""Which folders a run may replace or delete (``sharedopt.report.ownership``), names and literal text."""

from __future__ import annotations

import os
import socket
import time
import warnings

import pytest

from sharedopt.common.errors import OutputError
from sharedopt.common.literal import clean
from sharedopt.config.names import name_problem, safe_name
from sharedopt.console import line
from sharedopt.report.atomic import atomic_directory, prepare_output_dir
from sharedopt.report.ownership import clean_leftovers, foreign_entries

MARK = ".sharedopt-report"


def _report(path, files=("portfolio.csv", "summary.json")):
    """A finished report folder, written the way a run writes one."""
    with atomic_directory(path, marker=MARK) as tmp:
        for name in files:
            (tmp / name).write_text(name, encoding="utf-8")
    return path


def test_marker_lists_exactly_the_files_written(tmp_path):
    out = _report(tmp_path / "r")
    lines = (out / MARK).read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["files:", "portfolio.csv", "summary.json"]
    assert foreign_entries(out, MARK) == []


def test_a_file_added_to_a_report_blocks_its_replacement(tmp_path):
    out = _report(tmp_path / "r")
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="also holds my notes.txt, which sharedopt did not write"):
        _report(out, files=("portfolio.csv",))
    assert sorted(p.name for p in out.iterdir()) == [MARK, "my notes.txt", "portfolio.csv", "summary.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_replacing_deletes_only_the_listed_files(tmp_path):
    out = _report(tmp_path / "r", files=("a.csv", "b.csv"))
    _report(out, files=("c.csv",))
    assert sorted(p.name for p in out.iterdir()) == [MARK, "c.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_an_empty_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert prepare_output_dir(out, marker=MARK) == []
    assert sorted(p.name for p in _report(out).iterdir()) == [MARK, "portfolio.csv", "summary.json"]


def test_a_temporary_folder_being_written_is_left_alone(tmp_path):
    busy = tmp_path / ".r.tmp-abcd1234"
    busy.mkdir()
    (busy / MARK).write_text(f"Written by sharedopt; replaced on each run.\nwriting: pid {os.getpid()} on "
                             f"{socket.gethostname()}\n", encoding="utf-8")
    notes = clean_leftovers(tmp_path / "r", MARK)
    assert notes == [f"left {busy} alone: another sharedopt run (process {os.getpid()} on "
                     f"{socket.gethostname()}) is writing it"]
    assert busy.exists()


def test_an_empty_temporary_folder_is_removed_only_once_it_is_old(tmp_path):
    young = tmp_path / ".r.tmp-young123"
    young.mkdir()
    assert "created moments ago" in clean_leftovers(tmp_path / "r", MARK)[0] and young.exists()
    past = time.time() - 3600
    os.utime(young, (past, past))
    assert clean_leftovers(tmp_path / "r", MARK) == [f"removed {young}, left by an interrupted run"]
    assert not young.exists()


def test_leftovers_with_foreign_files_and_other_names_are_not_touched(tmp_path):
    old = tmp_path / f".r.old-{'b' * 32}"
    old.mkdir()
    (old / "thesis.docx").write_text("years of work", encoding="utf-8")
    other = tmp_path / ".r.tmp-x.tmp-abcd1234"  # a temporary folder of the output 'r.tmp-x', not of 'r'
    other.mkdir()
    with pytest.warns(UserWarning, match="left .* alone"):
        _report(tmp_path / "r")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _report(tmp_path / "r")
    assert [str(w.message) for w in caught] == [
        f"left {old} alone: it holds files sharedopt did not write; delete it yourself if not needed"]
    assert (old / "thesis.docx").exists() and other.exists()


def test_a_folder_without_a_marker_is_refused_with_what_it_holds(tmp_path):
    out = tmp_path / "home"
    out.mkdir()
    for i in range(7):
        (out / f"f{i}").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"it holds f0, f1, f2, f3, f4 and 2 more"):
        prepare_output_dir(out, marker=MARK)


@pytest.mark.parametrize("given", [".", ".."])
def test_dot_paths_are_checked_as_the_folders_they_name(tmp_path, monkeypatch, given):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "keep.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(sub)
    named = sub if given == "." else tmp_path
    with pytest.raises(OutputError, match=f"{named} is a non-empty folder not written by sharedopt"):
        prepare_output_dir(given, marker=MARK)


@pytest.mark.parametrize("name, problem, slug", [
    ("north-east", None, "north-east"),
    ("Ynys Môn", 'contains " "', "Ynys-Môn"),
    ("..", "starts with '.'", "scenario"),
    ("report.", "ends with '.'", "report"),
    ("NUL", "is a device name on Windows", "scenario"),
    ("a" * 101, "has 101 characters", "a" * 100),
    ("C:\\Users\\x", 'contains ":", "\\\\"', "C-Users-x"),
])
def test_report_names(name, problem, slug):
    found = name_problem(name)
    assert found is None if problem is None else problem in found
    assert safe_name(name) == slug and name_problem(slug) is None


def test_clean_shows_control_characters_and_keeps_text():
    assert clean("Dur\x1b[31mham\r\x07 [region] \u202eevil") == "Dur\\x1b[31mham\\r\\x07 [region] \\u202eevil"
    assert clean("two\nlines\tand tab") == "two\nlines\tand tab"
    assert line(("error: ", "bold red"), "[/x] \x1b").plain == "error: [/x] \\x1b"


def test_tables_show_titles_headers_and_cells_literally():
    import io

    from rich.console import Console

    from sharedopt.console import table

    buffer = io.StringIO()
    Console(file=buffer, width=200).print(table("[data] quality", ["[/x]", "name"],
                                                [["E06000001", "Dur\x1b[2Jham [bold]"]]))
    text = buffer.getvalue()
    assert "[data] quality" in text and "[/x]" in text and "Dur\\x1b[2Jham [bold]" in text
    assert "\x1b" not in text
