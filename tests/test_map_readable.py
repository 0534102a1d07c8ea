"""The static map can be read: districts over counties, no colliding labels, ESTIMATED stamp."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from shapely.geometry import Point
import pandas as pd
import pytest
from matplotlib import colors as mcolors
from matplotlib.text import Text

from sharedopt.config.schema import load_config
from sharedopt.report.run_result import plot_result, write_result
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.steps import load_inputs
from sharedopt.report.map.static import plot_portfolio_map

ROOT = Path(__file__).resolve().parents[1]
EMPTY = pd.DataFrame({"candidate_id": [], "members": [], "services": []})


def _authorities(name: str):
    return load_inputs(load_config(ROOT / "configs" / f"{name}.toml")).authorities


def _labels(fig):
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), Text.get_window_extent(t, renderer))  # the text (a number's leader line may cross)
            for t in ax.texts if t.get_gid() == "label"]


@pytest.mark.parametrize("region", ["north-east", "kent", "wales"])
def test_no_two_labels_overlap_and_every_council_is_named(region):
    authorities = _authorities(region)
    fig = plot_portfolio_map(authorities, EMPTY, pd.DataFrame())
    fig.canvas.draw()
    labels = _labels(fig)
    for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
        assert not box_a.overlaps(box_b), (region, a, b)
    legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    shown = {text for text, _ in labels}
    counties = {"Kent"} if region == "kent" else set()  # drawn under its districts, outlined, not labelled
    for name in set(authorities["name"]) - counties:
        assert name in shown or f": {name}" in legend, (region, name)


def test_kent_districts_drawn_over_the_county_each_with_its_own_fill(tmp_path):
    # Blank sheet, savings as projected: every district then has a saving of its own to shade, so
    # districts painted under (or over) the county would show up as identical fills.
    config = load_config(ROOT / "configs" / "kent.toml")
    realisation = config.model.realisation.model_copy(update={"base": 1.0})
    config = config.model_copy(update={
        "model": config.model.model_copy(update={"realisation": realisation}),
        "constraints": config.constraints.model_copy(update={"status_quo": False})})
    result = run(config)
    fig = plot_result(result)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
    ax = fig.axes[0]
    shapes = result.authorities.to_crs("EPSG:27700")
    districts = shapes[shapes["tier"] == "district"]
    assert len(districts) == 12
    grey = np.array(mcolors.to_rgb("#d4d4d4"))

    def fill_of(geom) -> tuple:
        """The fill inside a district: of 7x7-pixel patches at points well inside it (away from its
        label, which sits near its representative point), the one least like the county's grey."""
        inner = geom.buffer(-1500) if not geom.buffer(-1500).is_empty else geom
        x0, y0, x1, y1 = inner.bounds
        points = [p for p in (Point(x0 + (x1 - x0) * i / 6, y0 + (y1 - y0) * j / 6)
                              for i in range(1, 6) for j in range(1, 6)) if inner.contains(p)]
        patches = []
        for point in points or [geom.representative_point()]:
            x, y = ax.transData.transform((point.x, point.y))
            row, col = int(image.shape[0] - y), int(x)
            patches.append(np.median(image[row - 3:row + 4, col - 3:col + 4].reshape(-1, 3), axis=0))
        return tuple(np.round(max(patches, key=lambda c: np.abs(c - grey).max()), 2))

    seen = [fill_of(geom) for geom in districts.geometry]
    chosen_members = {m for cell in result.portfolio["members"] for m in cell.split(";")}
    coloured = [c for c, code in zip(seen, districts.index) if code in chosen_members]
    assert coloured and all(np.abs(np.array(c) - grey).max() > 0.05 for c in coloured)  # not the county's grey
    assert len(set(seen)) >= 8  # districts differ from one another: the county is not painted over them


def test_wales_map_says_estimated():
    authorities = _authorities("wales")
    fig = plot_portfolio_map(authorities, EMPTY, pd.DataFrame(), estimated="Wales service spend (ESTIMATE)")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("ESTIMATED: Wales service spend") for t in texts)
    plain = plot_portfolio_map(_authorities("north-east"), EMPTY, pd.DataFrame())
    assert not any("ESTIMATED" in t.get_text() for t in plain.axes[0].texts)


@pytest.mark.slow
def test_many_partnerships_get_one_panel_per_service(tmp_path):
    result = run(load_config(ROOT / "configs" / "north-east.toml"))
    assert len(result.portfolio) > 6
    paths = write_result(result, tmp_path / "o", formats={"png", "html"})
    assert "map_by_service.png" in {p.name for p in paths.values()}
    from sharedopt.report.map.panels import plot_service_panels
    fig = plot_service_panels(result.authorities, result.portfolio)
    services = {s for cell in result.portfolio["services"] for s in cell.split(";")}
    titles = {ax.get_title() for ax in fig.axes}
    assert len(titles) == len(services)
    assert not any("_" in t for t in titles) and "Central services" in titles  # readable service names
    html = paths["report.html"].read_text(encoding="utf-8")
    assert 'id="map-panels" src="data:image/png;base64,' in html


def test_partnership_labels_are_readable_and_name_whole_organisation_sharing():
    from sharedopt.results.facts import service_label, services_label
    assert service_label("Adult_Social_Care") == "Adult social care"
    assert services_label("Children_Social_Care;Education") == "Children social care + Education"
    assert services_label("Central_Services;Culture;Environment", "whole_organisation") == \
        "Whole organisation (all services)"
