"""Command-line interface: ``sharedopt run|validate|reorganise|compare|list``."""

from __future__ import annotations

import time
import warnings
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Optional, get_args

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sharedopt import __version__
from sharedopt.common.collector import loading
from sharedopt.common.errors import ConfigError, SharedoptError
from sharedopt.common.literal import clean
from sharedopt.console import line, table
from sharedopt.pipeline.events import Event

# The pipeline's modules load numpy, pandas, scipy, statsmodels, numba and matplotlib (~5 s);
# each command imports what it needs inside its function so that `sharedopt --help` and
# `--version` answer at once. These are the only imports inside functions in the package.

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="sharedopt: shared-services opportunity optimiser for local government.")


def _console() -> Console:
    """Console for messages and progress (stderr), made per call so COLUMNS is honoured."""
    return Console(stderr=True)


def _out() -> Console:
    """Console for results (stdout)."""
    return Console()

# The progress bar's rows; the run's later steps (ranking, Monte Carlo) and the writing share "report".
ROWS = ("load", "enumerate", "model", "solve", "report")
ROW_OF = {"assign": "report", "uncertainty": "report", "tasks": "report"}


def default_config() -> Path:
    """The embedded default scenario (North East, fully real data)."""
    from sharedopt.data.paths import data_dir
    return data_dir().parent / "configs" / "north-east.toml"


def _say(console: Console, *parts) -> None:
    """Print one message literally (see :func:`sharedopt.common.literal.line`): no markup, no control characters."""
    console.print(line(*parts), highlight=False, soft_wrap=True)


def _os_message(exc: OSError) -> str:
    """An operating-system error as 'file: what went wrong' (no errno codes)."""
    if isinstance(exc, SharedoptError) or exc.filename is None:
        return str(exc)
    return f"{exc.filename}: {exc.strerror or exc}"


def _fail(exc: Exception | str) -> None:
    message = _os_message(exc) if isinstance(exc, OSError) else str(exc)
    _say(_console(), ("error: ", "bold red"), message)
    raise typer.Exit(code=2)


def _version(value: bool) -> None:
    """Print the installed version (package metadata) and exit."""
    if not value:
        return
    try:
        number = version("sharedopt")
    except PackageNotFoundError:  # run from a source tree that was never installed
        number = __version__
    _say(_out(), f"sharedopt {number}")
    raise typer.Exit()


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Show a Python warning as a one-line note, literally (no source line, no markup).

    A config note (:class:`sharedopt.config.schema.ConfigNote`: the defaults filled in part
    of a table) is shown as ``note:``, every other warning as ``warning:``.
    """
    kind = "note: " if category.__name__ == "ConfigNote" else "warning: "
    _say(_console(), (kind, "yellow"), message)


@app.callback()
def _main(show_version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                            help="print the version and exit")) -> None:
    """Options for every command."""
    warnings.showwarning = _show_warning


def _formats(items: list[str]) -> list[str]:
    """The output formats asked for with --format (comma-separated, repeatable), checked."""
    from sharedopt.config.schema import ReportConfig

    valid = get_args(get_args(ReportConfig.model_fields["formats"].annotation)[0])
    wanted = [f.strip().lower() for item in items for f in item.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in valid]
    if unknown or not wanted:
        what = f"unknown output format {', '.join(repr(f) for f in unknown)}" if unknown else "no format given"
        raise ConfigError(f"--format: {what}; valid formats: {', '.join(valid)} "
                          "(comma-separated, e.g. --format csv,html)")
    return wanted


def _apply_overrides(config, time_limit, solver, formats):
    if solver is not None:  # named as the option, not as the config's [solver] name
        from sharedopt.solve.backends.registry import SolverUnavailableError, check_solver
        try:
            check_solver(solver)
        except SolverUnavailableError as exc:
            raise SolverUnavailableError(f"--solver: {exc}") from None
    updates = {}
    if time_limit is not None or solver is not None:
        solver_opts = config.solver.model_copy(update={k: v for k, v in (("time_limit", time_limit),
                                                                          ("name", solver)) if v is not None})
        updates["solver"] = solver_opts
    if formats:
        updates["report"] = config.report.model_copy(update={"formats": _formats(formats)})
    if not updates:
        return config
    from sharedopt.config.schema import config_from_dict
    raw = config.model_dump()
    for key, value in updates.items():
        raw[key] = value.model_dump()
    changed = config_from_dict(raw, source="command-line options")
    changed._source = config._source  # later messages (reference checks) still name the config file
    return changed


@app.command()
def run(config: Optional[Path] = typer.Argument(None, help="scenario TOML (default: configs/north-east.toml)"),
        out_dir: Optional[Path] = typer.Option(None, "--out", help="output folder (default reports/<config name>/)"),
        time_limit: Optional[float] = typer.Option(None, "--time-limit", help="solver time limit, seconds"),
        solver: Optional[str] = typer.Option(None, "--solver", help="highs (default) or cbc"),
        formats: Optional[list[str]] = typer.Option(None, "--format",
                                                    help="output formats: csv,json,xlsx,png,svg,html"),
        uncertainty: Optional[int] = typer.Option(None, "--uncertainty", min=0,
                                                  help="Monte Carlo draws (default: [uncertainty] draws, 0 = off)"),
        tornado: Optional[bool] = typer.Option(None, "--tornado/--no-tornado",
                                               help="the tornado of unknowns (default: [uncertainty] tornado)")) -> None:
    """Run a scenario end to end and write its report."""
    with loading():  # the collector paused while the modules load (sharedopt.common.collector)
        from sharedopt.config.schema import load_config
        from sharedopt.report import MARKER
        from sharedopt.report.atomic import prepare_output_dir
        from sharedopt.report.early_maps import EarlyMaps
        from sharedopt.report.run_result import write_result
        from sharedopt.pipeline.sequencer import run as run_pipeline
        from sharedopt.pipeline.uncertainty import check_draws
        from sharedopt.pipeline.steps import check_config_solver

    target = out_dir
    try:
        if uncertainty is not None:
            check_draws(uncertainty, "--uncertainty")  # the config's cap, before any work
        cfg = _apply_overrides(load_config(config or default_config()), time_limit, solver, formats)
        check_config_solver(cfg)  # before loading anything
        target = out_dir or Path("reports") / cfg.name
        for note in prepare_output_dir(target, marker=MARKER):  # before loading anything
            _say(_console(), ("note: ", "yellow"), note)
        with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                      TextColumn("{task.fields[info]}", markup=False), TimeElapsedColumn(),
                      console=_console(), transient=False) as bar:
            rows, maps = StepRows(bar), EarlyMaps(cfg)  # the maps drawn in a worker while the run runs
            result = run_pipeline(cfg, rows.on_event, draws=uncertainty, tornado=tornado, watcher=maps)
            write_result(result, target, progress=lambda text: rows.say("report", f"writing {text}"), early_maps=maps)
            rows.finish("report", str(target))
        _print_headline(result, target)
        _print_spread(result)
        _say(_out(), timing_line(result.timings))
    except KeyboardInterrupt:
        _interrupted(target)
    except SharedoptError as exc:
        _fail(exc)
    except (OSError, ValueError) as exc:
        _fail(exc)


def timing_line(timings: dict) -> str:
    """The run's wall-clock times in one line (:func:`sharedopt.report.console_lines.timing_line`)."""
    from sharedopt.report.console_lines import timing_line as line_of_times
    return line_of_times(timings)


def _interrupted(target: Path | None) -> None:
    """Ctrl-C: say that nothing was written and exit 130 (128 + SIGINT, the shell's convention)."""
    kept = f"; {target} is as it was" if target is not None else ""
    _say(_console(), ("interrupted: ", "yellow"), f"the run was stopped, nothing was written{kept}")
    raise typer.Exit(code=130)


class StepRows:
    """The run's progress bar: one row per step in :data:`ROWS`, fed by the run's events."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.rows = {step: bar.add_task(step, total=1, info="", start=False) for step in ROWS}
        self.counted: dict[str, tuple] = {}
        self.since: float | None = None

    def on_event(self, event: Event) -> None:
        """Start a row when its step starts, show progress text, complete it when the step ends."""
        if event.step == "tasks" and event.done is not None and event.total:
            self.count(event)
            return
        if event.step == "uncertainty" and event.stage == "start":  # counted work (draws, tornado) starts here
            self.since = time.perf_counter()
        row = ROW_OF.get(event.step, event.step)
        if row not in self.rows:  # the solver check: no row
            return
        if event.stage == "start":
            self.bar.start_task(self.rows[row])
        if event.stage == "end" and row != "report":  # the report row ends once the files are written
            self.finish(row, event.message)
        elif event.stage != "start" or event.step == "uncertainty":
            self.say(row, event.message)

    def count(self, event: Event) -> None:
        """A row of its own for counted work (Monte Carlo draws, sweep variants): done of all, and the time left."""
        label = event.message.split(":")[0] or "tasks"
        if label not in self.counted:
            start = self.since or time.perf_counter()
            self.counted[label] = (self.bar.add_task(label, total=event.total, info=""), start)
            self.since = None
        row, start = self.counted[label]
        elapsed = time.perf_counter() - start
        left = elapsed / event.done * (event.total - event.done) if event.done else None
        eta = f", about {timedelta(seconds=round(left))} left" if left is not None and event.done < event.total else ""
        self.bar.update(row, total=event.total, completed=event.done, info=f"{event.done:,}/{event.total:,}{eta}")

    def say(self, row: str, text: str) -> None:
        """Show ``text`` (literally) on a row."""
        self.bar.update(self.rows[row], info=clean(text))

    def finish(self, row: str, text: str) -> None:
        """Complete a row with a last ``text``."""
        self.bar.update(self.rows[row], completed=1, info=clean(text))


def _print_spread(result) -> None:
    """The Monte Carlo band, the robust core and the widest unknowns, when the run had them."""
    from sharedopt.report.console_lines import spread_lines
    for parts in spread_lines(result.summary):
        _say(_out(), *parts)


def _print_headline(result, target: Path) -> None:
    from sharedopt.report.console_lines import headline_lines
    for parts in headline_lines(result.summary, result.config.name, result.config.solver.mip_gap):
        _say(_out(), *parts)
    _say(_out(), f"Outputs in {target}/")


@app.command()
def validate(config: Path = typer.Argument(..., help="scenario TOML")) -> None:
    """Check a config and the data it points at; print the data-quality report."""
    import pandas as pd

    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.steps import check_config_solver, load_inputs

    try:
        cfg = load_config(config)
        check_config_solver(cfg)
        inputs = load_inputs(cfg)
    except SharedoptError as exc:
        _fail(exc)
    except (OSError, ValueError) as exc:
        _fail(exc)
    frame = inputs.quality.to_frame()
    _say(_out(), ("OK", "green"), f": {config} is valid: {len(inputs.authorities)} authorities, "
         f"{len(inputs.costs)} cost rows, {len(inputs.graphs)} services.")
    columns = ["file", "row", "code", "field", "issue", "action"]
    rows = (["" if pd.isna(v) else v for v in row.tolist()] for _, row in frame[columns].iterrows())
    _out().print(table(f"Data-quality report ({len(frame)} items)", columns, rows))


@app.command()
def appraise(config: Path = typer.Argument(..., help="scenario TOML"),
             group: Optional[list[str]] = typer.Option(None, "--group", help="[NAME=]MEMBER+MEMBER:SERVICE[+SERVICE][@DEPTH]"
                                                       " (GSS codes or council names; repeatable)"),
             groups_file: Optional[Path] = typer.Option(None, "--groups", help="CSV or TOML file of named groups"),
             out_dir: Optional[Path] = typer.Option(None, "--out", help="output folder (default reports/<config name>-appraisal/)"),
             allow_unconnected: bool = typer.Option(False, "--allow-unconnected",
                                                    help="value members that are not connected neighbours")) -> None:
    """Value named groups exactly as the candidate table would (loss-making ones too): CSV, JSON, XLSX."""
    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.appraise import appraise as appraise_groups
    from sharedopt.report.appraisal import MARKER, write_appraisal
    from sharedopt.report.atomic import prepare_output_dir

    try:
        cfg = load_config(config)
        target = out_dir or Path("reports") / f"{cfg.name}-appraisal"
        prepare_output_dir(target, marker=MARKER)
        specs = [*(group or []), *([groups_file] if groups_file is not None else [])]
        result = appraise_groups(cfg, specs, allow_unconnected=allow_unconnected)
        write_appraisal(result, target)
    except (SharedoptError, OSError, ValueError) as exc:
        _fail(exc)
    from sharedopt.candidates.appraise import GROUP, NOTES
    from sharedopt.candidates.table import CANDIDATE_ID, GENERAL_FUND_NPV, NPV, PAYBACK_YEARS

    rows = ([r[GROUP], r[CANDIDATE_ID], f"{r[NPV]:,.0f}", f"{r[GENERAL_FUND_NPV]:,.0f}", f"{r[PAYBACK_YEARS]:.1f}",
             r[NOTES]] for r in result.groups.to_dict("records"))
    _out().print(table(f"Appraisal (£k) written to {target}", ["group", "candidate", "NPV", "general-fund NPV",
                                                              "payback (years)", "notes"], rows))


@app.command()
def reorganise(config: Path = typer.Argument(..., help="TOML with a [reorganisation] section"),
               out: Optional[Path] = typer.Option(None, "--out", help="output folder (default reports/NAME)"),
               time_limit: Optional[float] = typer.Option(None, "--time-limit", help="seconds per solve")) -> None:
    """Appraise the proposals and find the best unitary structure for each number of unitaries."""
    from sharedopt.reorganisation import reorganise as run_reorganise
    from sharedopt.report.reorganisation import write_reorganisation

    try:
        result = run_reorganise(config, time_limit=time_limit)
        target = out or Path("reports") / result.name
        write_reorganisation(result, target)
    except (SharedoptError, OSError, ValueError) as exc:
        _fail(exc)
    best = result.table().sort_values("net_present_value_gbp_k", ascending=False).iloc[0]
    _say(_out(), ("OK", "green"), f": {len(result.appraisals)} options appraised; best: {best['option']} "
         f"(NPV £{best['net_present_value_gbp_k'] / 1000:,.1f}m); written to {target}")


@app.command()
def compare(out_a: Path = typer.Argument(..., help="first run's output folder"),
            out_b: Path = typer.Argument(..., help="second run's output folder")) -> None:
    """What changed between two runs: portfolio and savings by service and authority."""
    from sharedopt.results.compare import compare_dirs

    try:
        diff = compare_dirs(out_a, out_b)
    except (SharedoptError, OSError, ValueError) as exc:
        _fail(exc)
    for title, frame in diff.items():
        rows = ([f"{v:,.1f}" if isinstance(v, float) else v for v in row.tolist()] for _, row in frame.iterrows())
        _out().print(table(title, frame.columns, rows))


@app.command("list")
def list_items(what: str = typer.Argument(..., help="regions or services")) -> None:
    """List what the embedded data offers: regions or services."""
    from sharedopt.data import load_services, region_names
    from sharedopt.report.service_list import services_listing

    if what == "regions":
        _out().print(table("Regions (use as [region] name)", ["name", "what"], region_names().items()))
    elif what == "services":
        title, columns, rows = services_listing()
        listing = table(title, columns, rows)
        listing.columns[0].min_width = max(len(str(name)) for name in load_services().index)
        _out().print(listing)
    else:
        _fail(ValueError(f"unknown list '{what}': use 'regions' or 'services'"))


if __name__ == "__main__":
    app()
