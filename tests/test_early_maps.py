"""The maps drawn while a run runs (report.early_maps), from the portfolio it previews before the ranking.

No timings here (benchmarks/phases.py has them): these tests check that the preview is the
result's portfolio and that the maps drawn early are the bytes drawn at the end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sharedopt.candidates.shares as shares_module
import sharedopt.report.map_files as map_files
import sharedopt.report.parallel as parallel
from sharedopt.candidates.shares import internal_edge_masks, myerson_shares
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run
from sharedopt.report.early_maps import EarlyMaps, report_options
from sharedopt.report.map_files import map_options
from sharedopt.report.run_result import write_result

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "north-east.toml"


class Recording(EarlyMaps):
    """EarlyMaps that also keeps what the run told it."""

    def __init__(self, config):
        super().__init__(config)
        self.told: list[tuple[str, object]] = []

    def loaded(self, inputs) -> None:
        self.told.append(("loaded", inputs))
        super().loaded(inputs)

    def chosen(self, preview) -> None:
        self.told.append(("chosen", preview))
        super().chosen(preview)


@pytest.fixture(scope="module")
def early_run():
    """North East at k = 3 with three ranking re-solves and a maps-only report, its maps drawn by a worker
    while it ran."""
    config = Scenario.from_config(CONFIG).with_(
        {"model.max_group_size": 3, "report.top_n": 3, "solver.time_limit": 30,
         "report.formats": ["png", "svg", "html"]}).config
    patch = pytest.MonkeyPatch()
    patch.setattr(parallel, "spare_core", lambda: True)  # a worker however busy the machine
    try:
        maps = Recording(config)
        result = run(config, watcher=maps)
    finally:
        patch.undo()
    return result, maps


def test_the_preview_is_the_result_s_portfolio(early_run):
    result, maps = early_run
    assert [kind for kind, _ in maps.told] == ["loaded", "chosen"]
    preview = maps.told[1][1]
    assert maps.told[0][1].authorities is preview.authorities is result.authorities
    assert preview.shares is result.shares
    assert result.candidates["loss_if_forced_gbp_k"].notna().sum() > 0  # the re-solves ran after the preview
    assert preview.portfolio.equals(result.portfolio) and list(preview.portfolio) == list(result.portfolio)
    for block in ("region", "data_sources", "attribution", "existing_partnerships"):
        assert getattr(preview.summary, block) == getattr(result.summary, block), block
    assert result.summary.region and result.summary.attribution and result.summary.data_sources


def test_the_report_refuses_maps_drawn_from_other_tables(early_run):
    result, maps = early_run
    options = report_options(result.config)
    inputs = {"authorities": result.authorities, "portfolio": result.portfolio, "shares": result.shares,
              "summary": result.summary, "map": map_options(result.summary, options.shading)}
    usable = lambda **change: maps.usable({**inputs, **change}, options.formats, options.title,
                                          options.per_service)
    assert maps.started and usable()
    assert not usable(portfolio=result.portfolio.iloc[1:])
    assert not usable(authorities=result.authorities.copy())
    assert not usable(map={**inputs["map"], "shading": "total"})
    assert not maps.usable(inputs, options.formats - {"svg"}, options.title, options.per_service)


def test_maps_drawn_early_are_the_bytes_drawn_at_the_end(early_run, tmp_path, monkeypatch):
    result, maps = early_run
    drawn_here = []
    original = map_files.main_map
    monkeypatch.setattr(map_files, "main_map", lambda *a, **k: drawn_here.append(1) or original(*a, **k))
    early = write_result(result, tmp_path / "early", early_maps=maps)
    assert drawn_here == []  # the worker's maps were used
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    serial = write_result(result, tmp_path / "serial")
    assert drawn_here  # drawn here this time
    assert sorted(early) == sorted(serial) == ["map.png", "map.svg", "map_by_service.png", "report.html"]
    for name in serial:
        assert early[name].read_bytes() == serial[name].read_bytes(), name


def test_myerson_shares_are_the_same_however_the_sub_coalitions_are_batched(monkeypatch):
    rng = np.random.default_rng(7)
    members = np.array([rng.permutation(9)[:5] for _ in range(40)])
    members[::3, 4] = -1  # some groups of four
    sizes = (members >= 0).sum(axis=1)
    adjacency = [set() for _ in range(9)]
    for a, b in rng.integers(0, 9, size=(30, 2)).tolist():
        if a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    masks = internal_edge_masks(members, sizes, adjacency)
    weights = rng.normal(size=9)

    def value(rows, sub):  # a row's value depends on that row alone (superadditive-ish, members' weights)
        taken = np.where(sub >= 0, weights[np.maximum(sub, 0)], 0.0)
        return taken.sum(axis=1) + 0.1 * (sub >= 0).sum(axis=1) ** 2 + 0.01 * rows

    together = myerson_shares(members, sizes, masks, value)
    monkeypatch.setattr(shares_module, "CALL_ROWS", 1)  # one call per sub-mask
    apart = myerson_shares(members, sizes, masks, value)
    np.testing.assert_array_equal(together, apart)
    assert np.isfinite(together[sizes == 5]).all()
