"""Every council name on the static map sits inside its own council (North East, Kent, Wales).

The maps are drawn from the shipped configs' real boundaries with an empty portfolio (label
placement does not depend on the partnerships); each placed label's text box is measured and
its centre tested against the council it names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from sharedopt.config.schema import load_config
from sharedopt.pipeline.steps import load_inputs
from sharedopt.report.map.geometry import projected_shapes
from sharedopt.report.map.static import plot_portfolio_map

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
EMPTY = pd.DataFrame(columns=["candidate_id", "members", "services"])
SHARES = pd.DataFrame(columns=["candidate_id", "member", "npv_share_proportional_gbp_k"])


def _labels(authorities):
    """(council name, centre in map metres) of every label drawn (numbers read through the key; a
    number with a leader line is placed by where the line ends)."""
    fig = plot_portfolio_map(authorities, EMPTY, SHARES)
    ax = fig.axes[0]
    legends = fig.legends + [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    key = dict(t.get_text().split(": ", 1) for lg in legends for t in lg.get_texts() if ": " in t.get_text())
    renderer = fig.canvas.get_renderer()
    out = []
    for artist in ax.texts:
        if artist.get_gid() != "label":
            continue
        box = artist.get_window_extent(renderer)
        x, y = ax.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
        text = artist.get_text().replace("\\$", "$")
        if artist.arrow_patch is not None:  # a number beside a small council, its leader line ends inside it
            x, y = artist.xy
        out.append((key.get(text, text), Point(x, y)))
    return out


@pytest.mark.parametrize("config", ["north-east", "kent", "wales"])
def test_every_named_label_sits_inside_its_own_council(config):
    authorities = load_inputs(load_config(CONFIGS / f"{config}.toml")).authorities
    shapes = projected_shapes(authorities)
    by_name = {str(authorities.loc[code, "name"]): shapes[code] for code in authorities.index}
    labels = _labels(authorities)
    assert len(labels) >= 0.5 * len(authorities)  # most councils are named on the map
    wrong = [(text, [n for n, s in by_name.items() if s.contains(point)]) for text, point in labels
             if text in by_name and not by_name[text].contains(point)]
    assert wrong == [], wrong
    if config == "north-east":
        assert "Middlesbrough" in dict(labels)
