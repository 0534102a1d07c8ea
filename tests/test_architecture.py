"""The layout is the pipeline: layers, module and function sizes, one owner per contract.

These tests read the source (nothing is run): they keep the structure from
drifting back. Each failure names the file and line to fix.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sharedopt"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


@functools.lru_cache(maxsize=None)
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_imports_point_down_the_pipeline():
    """import-linter's layers contract (pyproject.toml [tool.importlinter]) is kept."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                          "sys.argv = ['lint-imports', '--no-cache']; lint_imports_command()"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


@pytest.mark.parametrize("folder", ["src", "benchmarks"])
def test_no_module_over_400_lines(folder):
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in _python_files(ROOT / folder)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, "split these modules by job:\n" + "\n".join(long)


@pytest.mark.parametrize("folder", ["src", "benchmarks"])
def test_no_function_over_60_lines(folder):
    long = []
    for path in _python_files(ROOT / folder):
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {size} lines")
    assert not long, "split these functions into short ones with one job:\n" + "\n".join(long)


def _imports_inside_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.module.startswith("sharedopt"):
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} from {inner.module}")
    return found


def test_no_imports_inside_functions_to_dodge_cycles():
    """Project imports sit at the top of each module (the CLI's lazy start-up imports excepted)."""
    allowed = {PACKAGE / "cli.py"}
    found = [hit for path in _python_files(PACKAGE) if path not in allowed
             for hit in _imports_inside_functions(path)]
    assert not found, "move these imports to the top of their module:\n" + "\n".join(found)


def test_public_api_names_the_pipeline_functions():
    """``import sharedopt as so`` gives the short stable API, each name from its package."""
    import sharedopt as so
    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.scenario import Scenario
    from sharedopt.pipeline.sequencer import run
    from sharedopt.pipeline.uncertainty import uncertainty
    from sharedopt.pipeline.whatif import compare, sweep
    from sharedopt.pipeline.appraise import appraise
    from sharedopt.reorganisation.run import appraise_structures, reorganise

    assert so.appraise is appraise
    assert so.reorganise is reorganise and so.appraise_structures is appraise_structures
    assert so.run is run and so.Scenario is Scenario and so.load_config is load_config
    assert so.sweep is sweep and so.compare is compare and so.uncertainty is uncertainty
    assert sorted(so.__all__) == sorted(["Scenario", "__version__", "appraise", "appraise_structures", "compare",
                                         "load_config", "reorganise", "run", "sweep", "uncertainty"])


def _string_literals(tree: ast.Module):
    """Plain string constants, leaving out docstrings and the pieces of f-strings."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(inner) for inner in ast.walk(node))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def test_candidate_column_names_are_literals_only_in_the_schema_module():
    """The candidate and shares columns are spelled once, in ``sharedopt.candidates.table``.

    Checked for the names only the candidate contract uses (money columns, ids, sizes,
    factors); words that other tables also use as their own columns (``members``,
    ``n_members``, ``services``, ``population``, ``estimated``, ``kind``, ``depth``) are not checked
    here, as the data layer's tables and the config keys spell them too.
    """
    from sharedopt.candidates import table

    shared_words = {"members", "n_members", "services", "population", "estimated", "kind", "depth", "member"}
    names = {value for key, value in vars(table).items() if key.isupper() and isinstance(value, str)
             and value in (*table.CANDIDATE_COLUMNS, *table.SHARE_COLUMNS, table.PARTNERSHIP_MODE)}
    names -= shared_words
    schema = PACKAGE / "candidates" / "table.py"
    found = [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
             for path in _python_files(PACKAGE) if path != schema
             for node in _string_literals(_tree(path)) if node.value in names]
    assert not found, "use the constants of sharedopt.candidates.table:\n" + "\n".join(found)


def test_row_groups_are_literals_only_in_the_rows_module():
    """The constraint row groups are spelled once, in ``sharedopt.model.rows`` (:class:`RowGroup`).

    Checked in the packages that can import it (model and up); the layers below use
    some of the words for their own things (a service's ``governance`` depth). A group
    named like the ``Constraints`` field that sets it (``max_per_service``) is also that
    field's name: the sentences of the constraints in force (``results/facts.py``) spell
    it as a field, and only there.
    """
    from sharedopt.config.constraints import Constraints
    from sharedopt.model.rows import ROW_KINDS, RowGroup

    owner = PACKAGE / "model" / "rows.py"
    field_files = {PACKAGE / "results" / "facts.py"}
    groups = {g.value for g in RowGroup}
    fields = groups & set(Constraints.model_fields)
    above = [PACKAGE / name for name in ("model", "solve", "results", "pipeline", "report")]
    found = [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
             for path in [*_python_files(*above), PACKAGE / "cli.py"] if path != owner
             for node in _string_literals(_tree(path)) if node.value in groups
             and not (node.value in fields and path in field_files)]
    assert not found, "use sharedopt.model.rows.RowGroup:\n" + "\n".join(found)
    unknown = {name for kind in ROW_KINDS.values() for name in kind.settings} - set(Constraints.model_fields)
    assert not unknown, f"rows.py names settings that are not Constraints fields: {sorted(unknown)}"
    assert set(ROW_KINDS) == set(RowGroup)


def test_statuses_are_spelled_only_by_the_status_enum():
    """A solve's status is a ``Status`` member everywhere; its words are written once.

    The one exception reads CBC's own log, where the word is CBC's, not ours.
    """
    from sharedopt.solve.status import Status

    words = {member.value for member in Status}
    allowed = {PACKAGE / "solve" / "status.py": words, PACKAGE / "solve" / "backends" / "pulp.py": {"infeasible"}}
    found = [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
             for path in _python_files(PACKAGE)
             for node in _string_literals(_tree(path)) if node.value in words - allowed.get(path, set())]
    assert not found, "use sharedopt.solve.status.Status:\n" + "\n".join(found)


def test_no_import_cycle_between_modules():
    """No module imports itself back through others (inside a package too, not only between layers)."""
    import grimp
    import networkx as nx

    graph = grimp.build_graph("sharedopt")
    edges = nx.DiGraph((m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m))
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


# Private names still imported across modules outside report/, by file: each is a seam to cut
# (a public name in its home module, or the code moved to where it is used).
PRIVATE_IMPORTS_ALLOWED = {
    "candidates/wholeorg.py": {"_gather"},        # candidates.value's gathering of a group's spend
}


def _private_imports(path: Path) -> list[tuple[int, str]]:
    """``from sharedopt.x import _name`` and ``alias._name`` on a project module bound by an import."""
    tree, found, modules = _tree(path), [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sharedopt") and node.level == 0:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append((node.lineno, alias.name))
                elif _is_module(f"{node.module}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(a.asname for a in node.names if a.name.startswith("sharedopt") and a.asname)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append((node.lineno, node.attr))
    return found


def _is_module(dotted: str) -> bool:
    base = PACKAGE.parent / dotted.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def test_no_private_name_is_imported_across_modules():
    """A module uses another module's public names only (underscore names stay at home)."""
    found = []
    for path in _python_files(PACKAGE):
        allowed = PRIVATE_IMPORTS_ALLOWED.get(path.relative_to(PACKAGE).as_posix(), set())
        found += [f"{path.relative_to(ROOT)}:{line} {name}" for line, name in _private_imports(path) if name not in allowed]
    assert not found, "import public names (rename, or export from the package's __init__):\n" + "\n".join(found)


def test_the_private_import_allow_list_is_current():
    """Each allowed private import still exists (a fixed one leaves the list)."""
    stale = [f"{file}: {name}" for file, names in PRIVATE_IMPORTS_ALLOWED.items()
             for name in names if name not in {n for _, n in _private_imports(PACKAGE / file)}]
    assert not stale, "remove these from PRIVATE_IMPORTS_ALLOWED:\n" + "\n".join(stale)
