"""Differences between runs: portfolio membership and savings by service and authority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.common.errors import DataError
from sharedopt.results.run_summary import RunSummary

_RERUN = "run `sharedopt run` again to rewrite it"


class _ServiceRow(BaseModel):
    service: str
    npv_gbp_k: float


class _AuthorityRow(BaseModel):
    authority: str
    npv_share_gbp_k: float


class _Summary(BaseModel):
    """The parts of ``summary.json`` that a comparison reads (the rest is not checked)."""

    model_config = ConfigDict(extra="ignore")
    totals: dict[str, Any]
    by_service: list[_ServiceRow] = []
    by_authority: list[_AuthorityRow] = []


def _run_folder(folder: Path) -> Path:
    """The output folder of a run; a file written by a run stands for its folder."""
    if not folder.exists():
        raise DataError(f"{folder}: not found; give a folder written by `sharedopt run`")
    if folder.is_file() and folder.name in ("summary.json", "portfolio.csv"):
        return folder.parent
    if not folder.is_dir():
        raise DataError(f"{folder}: is a file, not a run's output folder; give a folder written by `sharedopt run`")
    return folder


def _read_portfolio(path: Path) -> pd.DataFrame:
    """``portfolio.csv``, with a message naming the file when it is damaged."""
    try:
        frame = pd.read_csv(path, dtype={CANDIDATE_ID: str})
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read as a CSV table ({str(exc).strip()}); {_RERUN}") from None
    if CANDIDATE_ID not in frame.columns:
        raise DataError(f"{path}: has no 'candidate_id' column, so it is not a sharedopt portfolio; {_RERUN}")
    blank = frame.index[frame[CANDIDATE_ID].isna() | (frame[CANDIDATE_ID].astype(str).str.strip() == "")]
    if len(blank):
        raise DataError(f"{path}: line {int(blank[0]) + 2}: blank candidate_id, so the file is damaged; {_RERUN}")
    return frame


def _read_summary(path: Path) -> RunSummary:
    """``summary.json``, checked for what a comparison reads; a damaged file is named with line and column."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); the file is damaged or "
                        f"was cut short; {_RERUN}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text, so not a summary written by sharedopt; {_RERUN}") from None
    except RecursionError:
        raise DataError(f"{path}: nested too deeply to be a summary written by sharedopt; {_RERUN}") from None
    if not isinstance(summary, dict):
        raise DataError(f"{path}: holds a JSON {type(summary).__name__}, not the object a sharedopt summary is; "
                        f"{_RERUN}")
    try:
        _Summary.model_validate(summary)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                             for e in exc.errors()[:3])
        raise DataError(f"{path}: not a complete sharedopt summary ({problems}); {_RERUN}") from None
    return RunSummary.from_dict(summary, strict=False)


def _read_run(folder: Path) -> tuple[pd.DataFrame, RunSummary]:
    folder = _run_folder(Path(folder))
    portfolio_file, summary_file = folder / "portfolio.csv", folder / "summary.json"
    for f in (portfolio_file, summary_file):
        if not f.is_file():
            raise DataError(f"{f}: not found; give a folder written by `sharedopt run` with the csv and json "
                            "formats")
    return _read_portfolio(portfolio_file), _read_summary(summary_file)


def compare_tables(portfolios: dict[str, pd.DataFrame], summaries: dict[str, RunSummary]) -> dict[str, pd.DataFrame]:
    """Tidy difference tables between named runs (the first is the reference)."""
    names = list(portfolios)
    ref = names[0]
    rows = []
    all_ids = sorted(set().union(*[set(p[CANDIDATE_ID]) for p in portfolios.values()]))
    for cid in all_ids:
        row = {CANDIDATE_ID: cid}
        for name in names:
            row[name] = cid in set(portfolios[name][CANDIDATE_ID])
        if len({row[n] for n in names}) > 1:
            rows.append(row)
    membership = pd.DataFrame(rows, columns=[CANDIDATE_ID, *names])
    service = _pivot(summaries, "by_service", "service", NPV)
    authority = _pivot(summaries, "by_authority", "authority", "npv_share_gbp_k")
    totals = pd.DataFrame({n: {**summaries[n].totals, "objective": summaries[n].solve.objective,
                               "status": summaries[n].solve.status} for n in names})
    totals = totals.rename_axis("measure").reset_index()
    for frame in (service, authority):
        for name in names[1:]:
            frame[f"change_{name}"] = frame[name] - frame[ref]
    return {"totals": totals, "portfolio differences": membership,
            "NPV by service (£k)": service, "NPV share by authority (£k)": authority}


def _pivot(summaries: dict[str, RunSummary], key: str, index: str, value: str) -> pd.DataFrame:
    frames = []
    for name, summary in summaries.items():
        items = getattr(summary, key)
        frames.append(pd.Series({item[index]: item[value] for item in items}, name=name, dtype=float))
    return pd.concat(frames, axis=1).fillna(0.0).sort_index().rename_axis(index).reset_index()


def compare_dirs(*folders: Path) -> dict[str, pd.DataFrame]:
    """Compare runs written to folders (labels are the folder names)."""
    portfolios, summaries = {}, {}
    for i, folder in enumerate(folders):
        folder = _run_folder(Path(folder))
        label = folder.name or f"run{i}"
        if label in portfolios:
            label = f"{label}_{i}"
        portfolios[label], summaries[label] = _read_run(Path(folder))
    return compare_tables(portfolios, summaries)
