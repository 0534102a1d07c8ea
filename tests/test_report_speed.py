"""The report's speed work keeps its outputs: one render per figure, shared geometry, a parallel workbook.

No timings here (those are in benchmarks/phases.py); these tests check that each shortcut
gives what the plain way gives.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.figure import Figure
from shapely.geometry import Point

import sharedopt.report.parallel as parallel
from sharedopt.config.schema import load_config
from sharedopt.pipeline.steps import load_inputs
from sharedopt.report import write_outputs
from sharedopt.report.map.fill import covering_codes
from sharedopt.report.map.geometry import has_shape, map_layout, projected_shapes, shared_geometry, simplified_shapes
from sharedopt.report.map.panels import plot_service_panels
from sharedopt.report.map.render import agg_figure, figure_bytes, wrapped_text
from sharedopt.report.map.static import plot_portfolio_map
from tests.test_report import load_inputs as report_inputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kent():
    """Kent: a county over its twelve districts, and Medway (a unitary)."""
    return load_inputs(load_config(ROOT / "configs" / "kent.toml")).authorities


@pytest.fixture(scope="module")
def mini() -> dict:
    return report_inputs()


def test_building_a_map_renders_nothing_until_it_is_saved(monkeypatch, mini):
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer))
    portfolio = pd.concat([mini["portfolio"]] * 4, ignore_index=True)  # over the panel threshold
    figures = [plot_portfolio_map(mini["authorities"], mini["portfolio"], mini["shares"]),
               plot_service_panels(mini["authorities"], portfolio)]
    assert all(f is not None for f in figures) and draws == []
    figures[1].savefig(io.BytesIO(), format="png")
    assert draws  # matplotlib renders when saving (only then)


def test_covering_areas_match_the_pairwise_definition(kent):
    layout = map_layout(kent)
    brute = {code for code, geom in layout.shapes.items()
             if has_shape(geom) and any(other != code and geom.contains(Point(xy))
                                         and has_shape(layout.shapes.get(other))
                                         and layout.shapes[other].area < geom.area
                                         for other, xy in layout.anchors.items())}
    assert brute == covering_codes(layout) and len(brute) == 1  # Kent County Council over its districts


def test_simplified_councils_share_their_edges(kent):
    shapes = simplified_shapes(kent)
    original = projected_shapes(kent)
    county = list(kent.index[kent["tier"] == "county"])
    lower = shapes.drop(county).to_numpy()
    assert len(county) == 1 and shapely.coverage_is_valid(lower)  # no gap or overlap between neighbours
    alone = original.drop(county).simplify(shapes.total_bounds[2] / 700, preserve_topology=True).to_numpy()
    assert not shapely.coverage_is_valid(alone)  # simplifying each council on its own would not share edges
    assert shapely.get_num_coordinates(lower).sum() < shapely.get_num_coordinates(original.drop(county).to_numpy()).sum()
    np.testing.assert_allclose(shapes.area, original.reindex(shapes.index).area, rtol=0.05)


def test_geometry_is_projected_once_inside_a_report_and_afresh_outside(kent):
    with shared_geometry():
        assert projected_shapes(kent) is projected_shapes(kent)
        assert simplified_shapes(kent) is simplified_shapes(kent)
        assert projected_shapes(kent.copy()) is not projected_shapes(kent)
    assert projected_shapes(kent) is not projected_shapes(kent)


def test_workbook_from_the_worker_is_byte_identical(monkeypatch, tmp_path, mini):
    serial = write_outputs(tmp_path / "serial", formats={"xlsx", "png"}, **mini)
    said: list[str] = []
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)  # a worker however busy the machine
    started = []
    monkeypatch.setattr("sharedopt.report.start_workbook",
                        lambda *a: started.append(parallel.start_workbook(*a)) or started[-1])
    both = write_outputs(tmp_path / "both", formats={"xlsx", "png"}, progress=said.append, **mini)
    assert started and started[0] is not None  # the worker ran
    for name in ("opportunities.xlsx", "map.png"):
        assert serial[name].read_bytes() == both[name].read_bytes()
    assert f"opportunities.xlsx: shares {len(mini['shares'])}/{len(mini['shares'])} rows" in said


@pytest.mark.parametrize("width, breaks", [(1.2, range(4, 99)), (3.0, [2]), (9.0, [1])])
def test_wrapped_text_breaks_lines_where_matplotlib_does(width, breaks):
    """The bisecting wrap gives matplotlib's own lines (one long line, several, a single-word line), in PNG and SVG."""
    text = ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
            "Contains OS data \u00a9 Crown copyright 2024. Contains MHCLG data (OGL v3.0).\n"
            "A second paragraph: supercalifragilisticexpialidocious words, and short ones.")
    drawn = {}
    for kind in ("matplotlib", "bisecting"):
        fig = agg_figure((width, 1.5))
        if kind == "matplotlib":
            fig.text(0.03, 0.1, text, fontsize=6.5, wrap=True)
        else:
            wrapped_text(fig, 0.03, 0.1, text, fontsize=6.5)
        drawn[kind] = [figure_bytes(fig, "png", dpi=dpi) for dpi in (90, 150)] + [figure_bytes(fig, "svg")]
        drawn[kind + " lines"] = fig.texts[0]._get_wrapped_text()
    assert drawn["bisecting lines"] == drawn["matplotlib lines"]
    assert drawn["bisecting lines"].count("\n") in breaks  # the paragraph break, and any wrapping
    assert drawn["bisecting"] == drawn["matplotlib"]


def test_maps_drawn_in_a_forked_process_are_byte_identical(monkeypatch, tmp_path, mini):
    """The main map drawn by a forked worker, and everything beside it, as a serial write gives them."""
    monkeypatch.setattr("sharedopt.report.map_files.start_job", lambda *a: None)
    serial = write_outputs(tmp_path / "serial", formats={"png", "svg", "html"}, **mini)
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "spare_core", lambda: True)  # a worker however busy the machine
    started = []
    monkeypatch.setattr("sharedopt.report.map_files.start_job",
                        lambda *a: started.append(parallel.start_job(*a)) or started[-1])
    forked = write_outputs(tmp_path / "forked", formats={"png", "svg", "html"}, **mini)
    assert started and started[0] is not None  # the worker ran
    assert sorted(serial) == sorted(forked) == ["map.png", "map.svg", "report.html"]
    for name in serial:
        assert serial[name].read_bytes() == forked[name].read_bytes(), name
