"""Tables of measured figures that can go stale live in ``benchmarks/results/``.

A page of the documentation site (``docs/*.md``, README.md, ARCHITECTURE.md) that tabulates
measured figures -- money, times, memory, speed-ups, in two or more rows of a table -- must
either carry the banner at its top ("Figures quoted on this page were measured when the text
was written ...") or name, just above the table, the file under ``benchmarks/results/`` that
holds the current figures. README's figure table is exempt: ``tests/test_readme_figures.py``
reruns it. The rule is documented in docs/contributing.md.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md", ROOT / "ARCHITECTURE.md"]
BANNER = "Figures quoted on this page were measured when the text was written"
BANNER_WITHIN = 10  # the banner sits in the page's first lines
RESULTS = "benchmarks/results/"
LEAD = 5  # lines above a table that may name its results file
# a measured figure: an amount of money, a duration, a memory size or a speed-up
MEASURED = re.compile(r"£\s?\d|\b\d[\d,]*(?:\.\d+)?\s?(?:ms|s|min|MB|GB|x)\b")
# pages whose tables quote sources, not runs of sharedopt, and why
SOURCES_NOT_RUNS = {
    "evidence.md": "the evidence register's figures as its sources state them "
                   "(data/raw/evidence/register.csv), which no change to the code moves",
}
CHECKED_ELSEWHERE = ("<!-- figures:begin -->", "<!-- figures:end -->")  # test_readme_figures.py


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, line)`` outside code fences and README's checked figure block."""
    kept, fenced, checked = [], False, False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        elif stripped == CHECKED_ELSEWHERE[0]:
            checked = True
        elif stripped == CHECKED_ELSEWHERE[1]:
            checked = False
        elif not fenced and not checked:
            kept.append((number, line))
    return kept


def results_tables(text: str) -> list[int]:
    """First line numbers of the tables with measured figures in two or more rows."""
    lines = _prose_lines(text)
    starts, i = [], 0
    while i < len(lines):
        if not lines[i][1].lstrip().startswith("|"):
            i += 1
            continue
        first, measured = lines[i][0], 0
        while i < len(lines) and lines[i][1].lstrip().startswith("|"):
            measured += bool(MEASURED.search(lines[i][1]))
            i += 1
        if measured >= 2:
            starts.append(first)
    return starts


def stale_tables(text: str) -> list[int]:
    """First line numbers of results tables that neither the banner nor a results file covers."""
    lines = text.splitlines()
    if any(BANNER in line for line in lines[:BANNER_WITHIN]):
        return []
    return [start for start in results_tables(text)
            if not any(RESULTS in line for line in lines[max(0, start - 1 - LEAD):start - 1])]


def test_pages_with_measured_tables_say_when_measured_or_where_the_current_figures_are():
    problems = [f"{page.relative_to(ROOT)}:{line}" for page in PAGES if page.name not in SOURCES_NOT_RUNS
                for line in stale_tables(page.read_text(encoding="utf-8"))]
    assert not problems, (
        f"tables of measured figures outside {RESULTS}: {problems}. Move the table to {RESULTS} "
        f"and link it, name its {RESULTS} file in the {LEAD} lines above it, or put the banner "
        f"'> {BANNER} ...' under the page's title (docs/contributing.md)")


def test_the_rule_flags_a_timing_table_and_accepts_the_two_ways_out():
    table = "| run | seconds |\n|---|---|\n| North East | 9.3 s |\n| England | 36.3 s |\n"
    assert stale_tables("# Page\n\nMeasured:\n\n" + table) == [5]
    assert stale_tables(f"# Page\n\n> {BANNER} and may predate the model.\n\n" + table) == []
    assert stale_tables(f"# Page\n\nCurrent figures: `{RESULTS}phases.md`.\n\n" + table) == []
    assert stale_tables("# Page\n\n" + "\n" * LEAD + f"`{RESULTS}x.md`" + "\n" * (LEAD + 1) + table) != []


def test_the_rule_leaves_reference_tables_code_and_checked_figures_alone():
    reference = "| setting | meaning |\n|---|---|\n| `horizon` | years, default 10 |\n| `rate` | £7m per unitary |\n"
    assert stale_tables(reference) == []  # one row with a figure: a parameter, not results
    fenced = "```\n| a | 1 s |\n| b | 2 s |\n```\n"
    checked = f"{CHECKED_ELSEWHERE[0]}\n| x | £1k |\n| y | £2k |\n{CHECKED_ELSEWHERE[1]}\n"
    assert stale_tables(fenced + checked) == []


def test_the_exempt_pages_exist():
    assert all((ROOT / "docs" / name).is_file() for name in SOURCES_NOT_RUNS)
