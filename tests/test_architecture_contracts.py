"""Contracts with one owner, read from the source (nothing is run): the run summary is read
through :class:`~sharedopt.results.run_summary.RunSummary` only, and HiGHS is imported by the
solver backends only. Each failure names the file and line to fix."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sharedopt"
# summaries that are not the run's: the appraisal's settings and a reorganisation's result
OTHER_SUMMARIES = {PACKAGE / "report" / "appraisal.py", PACKAGE / "report" / "reorganisation.py"}


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _is_summary(node: ast.AST) -> bool:
    """``summary`` or ``<anything>.summary``."""
    return (isinstance(node, ast.Name) and node.id == "summary") or (
        isinstance(node, ast.Attribute) and node.attr == "summary")


def _keyed_reads(tree: ast.Module) -> list[int]:
    """Lines where a summary is read by a string key (``summary["x"]``, ``summary.get("x")``)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_summary(node.value) and isinstance(node.slice, ast.Constant):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and _is_summary(node.func.value)):
            lines.append(node.lineno)
    return lines


def test_the_run_summary_is_read_by_attribute_only():
    """No module reads the run summary by string key: its fields are RunSummary's attributes."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _files()
             if path.parent.name != "reorganisation" and path not in OTHER_SUMMARIES
             for line in _keyed_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "read these through RunSummary's attributes:\n" + "\n".join(found)


def test_the_keyed_read_check_finds_one():
    """The check above sees the reads it forbids (so that it can fail)."""
    tree = ast.parse('a = result.summary["totals"]\nb = summary.get("status")\nc = summary.totals\n')
    assert _keyed_reads(tree) == [1, 2]


def test_a_constraint_kind_is_one_entry():
    """Each kind switched on by settings defines its rows or excludes candidates, and states its settings."""
    from sharedopt.model.rows import ROW_KINDS
    from sharedopt.results.facts import constraints_in_force
    from sharedopt.config.constraints import Constraints

    from sharedopt.model import exclusions as rules

    for group, kind in ROW_KINDS.items():
        if kind.settings:  # rows or excluded candidates, one of the two
            assert (kind.define is None) != (kind.exclude is None), group
            # existing partnerships are stated by their own table (existing_partnerships), not a sentence
            assert set(kind.settings) - {"existing"} == set(kind.sentences), group
    reached = [kind.exclude.__name__ for kind in ROW_KINDS.values() if kind.exclude is not None]
    assert sorted(reached) == sorted(name for name in vars(rules) if name.startswith("exclude_")), \
        "every exclusion rule is reached through one kind, once"
    stated = {row["constraint"] for row in constraints_in_force(Constraints(max_per_service=2, forced_pairs=[("a", "b")]))}
    assert {"max_per_service", "forced_pairs", "governance_capacity", "one_partnership_per_slot"} <= stated


def _imports(path: Path, package: str) -> bool:
    """Whether ``path`` imports ``package`` (or a module of it), anywhere in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(n == package or n.startswith(package + ".") for n in names):
            return True
    return False


def _imports_highspy(path: Path) -> bool:
    return _imports(path, "highspy")


#: the layers below the presentation (pipeline and reorganisation, and every layer under them)
BELOW_PRESENTATION = ("pipeline", "reorganisation", "results", "solve", "model", "candidates", "data", "config",
                      "common")


def test_rich_is_imported_by_the_presentation_only():
    """The pipeline and the layers under it emit events and return text; drawing (rich) is the CLI's and
    :mod:`sharedopt.console`'s."""
    found = [str(p.relative_to(PACKAGE)) for p in _files()
             if p.relative_to(PACKAGE).parts[0] in BELOW_PRESENTATION and _imports(p, "rich")]
    assert not found, "emit events (sharedopt.pipeline.events) and draw them in sharedopt.console:\n" + "\n".join(found)


def test_the_import_check_sees_a_rich_import(tmp_path):
    """The check above finds an import of rich however it is spelled (so that it can fail)."""
    for text in ("import rich\n", "from rich.progress import Progress\n", "def f():\n    import rich.text\n"):
        (tmp_path / "m.py").write_text(text, encoding="utf-8")
        assert _imports(tmp_path / "m.py", "rich")
    (tmp_path / "m.py").write_text("import richer\nfrom sharedopt.console import line\n", encoding="utf-8")
    assert not _imports(tmp_path / "m.py", "rich")


def test_highspy_is_imported_by_the_solver_only():
    """Only the backends import highspy: the rest reaches HiGHS through the solver API (``solve.api.solve``)
    or the backends' HiGHS interface (``solve.backends.highs_api``: LP bounds, the proof, the
    column-generation master, the reorganisation's set partitioning)."""
    found = [str(p.relative_to(PACKAGE)) for p in _files() if _imports_highspy(p)]
    outside = [f for f in found if not f.startswith("solve/backends/")]
    assert not outside, "go through sharedopt.solve.api.solve or sharedopt.solve.backends.highs_api:\n" + "\n".join(outside)


def test_no_private_solver_function_is_imported_outside_the_solver():
    """No module outside ``solve/`` imports a private name of the solver (``from sharedopt.solve... import _x``)."""
    found = [f"{p.relative_to(ROOT)}:{node.lineno}" for p in _files() if "solve" not in p.relative_to(PACKAGE).parts[:1]
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sharedopt.solve")
             and any(a.name.startswith("_") for a in node.names)]
    assert not found, "\n".join(found)


def test_no_issue_numbers_in_code_or_docs():
    """Code and docs say what is, not which issue or session asked for it."""
    pattern = re.compile(r"(?i)\bissue\s*#\d+|\bissue\s+\d+\b|\blast session\b")
    paths = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html"), *(ROOT / "docs").glob("*.md"), ROOT / "ARCHITECTURE.md", ROOT / "README.md",
             *(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    found = [f"{p.relative_to(ROOT)}:{i}" for p in paths if p.name != "test_architecture_contracts.py"
             and p.name != "test_no_history_in_outputs.py"
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if pattern.search(line)]
    assert not found, "say what the code does instead:\n" + "\n".join(found)
