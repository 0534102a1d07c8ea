"""Differences between runs: portfolio membership and savings by service and authority."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sharedopt.errors import DataError


def _read_run(folder: Path) -> tuple[pd.DataFrame, dict]:
    folder = Path(folder)
    portfolio_file, summary_file = folder / "portfolio.csv", folder / "summary.json"
    for f in (portfolio_file, summary_file):
        if not f.exists():
            raise DataError(f"{f}: not found; give a folder written by `sharedopt run`")
    return pd.read_csv(portfolio_file), json.loads(summary_file.read_text())


def compare_tables(portfolios: dict[str, pd.DataFrame], summaries: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Tidy difference tables between named runs (the first is the reference)."""
    names = list(portfolios)
    ref = names[0]
    rows = []
    all_ids = sorted(set().union(*[set(p["candidate_id"]) for p in portfolios.values()]))
    for cid in all_ids:
        row = {"candidate_id": cid}
        for name in names:
            row[name] = cid in set(portfolios[name]["candidate_id"])
        if len({row[n] for n in names}) > 1:
            rows.append(row)
    membership = pd.DataFrame(rows, columns=["candidate_id", *names])
    service = _pivot(summaries, "by_service", "service", "npv_gbp_k")
    authority = _pivot(summaries, "by_authority", "authority", "npv_share_gbp_k")
    totals = pd.DataFrame({n: {**summaries[n]["totals"], "objective": summaries[n].get("objective"),
                               "status": summaries[n].get("status")} for n in names})
    totals = totals.rename_axis("measure").reset_index()
    for frame in (service, authority):
        for name in names[1:]:
            frame[f"change_{name}"] = frame[name] - frame[ref]
    return {"totals": totals, "portfolio differences": membership,
            "NPV by service (£k)": service, "NPV share by authority (£k)": authority}


def _pivot(summaries: dict[str, dict], key: str, index: str, value: str) -> pd.DataFrame:
    frames = []
    for name, summary in summaries.items():
        items = summary.get(key, [])
        frames.append(pd.Series({item[index]: item[value] for item in items}, name=name, dtype=float))
    return pd.concat(frames, axis=1).fillna(0.0).sort_index().rename_axis(index).reset_index()


def compare_dirs(*folders: Path) -> dict[str, pd.DataFrame]:
    """Compare runs written to folders (labels are the folder names)."""
    portfolios, summaries = {}, {}
    for i, folder in enumerate(folders):
        label = Path(folder).name or f"run{i}"
        if label in portfolios:
            label = f"{label}_{i}"
        portfolios[label], summaries[label] = _read_run(Path(folder))
    return compare_tables(portfolios, summaries)
