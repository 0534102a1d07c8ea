"""Outputs speak of the run, never of how the code came to be: no issue numbers, no sessions."""

from __future__ import annotations

import re
import zipfile

from sharedopt.report.run_result import write_result

HISTORY = re.compile(r"(?i)\bissue\s*#?\d+|(?<![&\w#\":])#\d+\b|\blast session\b|\bprevious session\b")
STYLE = re.compile(r"<style.*?</style>", re.S)  # CSS colours (#444) are not references


def _texts(folder):
    for path in sorted(folder.iterdir()):
        if path.suffix in (".csv", ".json", ".html"):
            yield path.name, STYLE.sub("", path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    if name.endswith(".xml"):
                        yield f"{path.name}:{name}", book.read(name).decode("utf-8")


def test_no_issue_numbers_or_sessions_in_a_north_east_run(north_east_k3_run, tmp_path):
    """The text outputs (the workbook and the page are made of the same summary and of code and
    templates, which tests/test_architecture_contracts.py reads)."""
    write_result(north_east_k3_run, tmp_path, formats={"csv", "json"})
    found = [f"{name}: {m.group(0)!r}" for name, text in _texts(tmp_path) for m in HISTORY.finditer(text)]
    assert len(list(_texts(tmp_path))) > 5 and not found, found


def test_the_pattern_finds_what_it_forbids():
    assert [m.group(0) for m in HISTORY.finditer('as quoted in issue 14; see #12; style="color:#444" &#9888;')] == \
        ["issue 14", "#12"]
