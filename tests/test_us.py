"""US counties as a region (DeFord's 2010 county dual graphs, SYNTHETIC costs).

Counts are checked against the raw JSON files read here independently with the
json module; the end-to-end case is Delaware (3 counties, configs/us-state-delaware.toml).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sharedopt.config.schema import load_config
from sharedopt.data import region_names
from sharedopt.data.paths import data_dir
from sharedopt.data.us import load_us_counties, us_county_graph
from sharedopt.data.us_regions import resolve_us_region
from sharedopt.data.us_costs import per_head_rates, synthetic_us_costs
from sharedopt.common.errors import DataError
from sharedopt.report.run_result import write_result
from sharedopt.pipeline.sequencer import run

US_DIR = data_dir() / "raw" / "us_counties"
CONFIG = Path(__file__).resolve().parents[1] / "configs" / "us-state-delaware.toml"


def _raw_states() -> dict[str, dict]:
    out = {}
    for path in sorted(US_DIR.glob("county*.json")):
        out[path.stem[-2:]] = json.loads(path.read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="module")
def raw():
    return _raw_states()


@pytest.fixture(scope="module")
def counties():
    return load_us_counties()


@pytest.fixture(scope="module")
def delaware_run():
    """The shipped Delaware config with the coordination cost off: with it, no group of the
    synthetic costs pays, and these tests check the US plumbing on a non-empty portfolio."""
    config = load_config(CONFIG)
    return run(config.model_copy(update={"model": config.model.model_copy(update={"coordination_best_size": 0.0})}))


def test_county_counts_match_the_files(counties, raw):
    assert len(raw) == 52
    assert len(counties) == 3221
    per_state = counties.groupby("region").size()
    assert per_state.to_dict() == {fips: len(data["nodes"]) for fips, data in raw.items()}
    assert counties.loc["US10001", "name"] == "Kent County, DE"
    assert counties.loc["US01001", "name"] == "Autauga County, AL"


def test_codes_unique_and_prefixed(counties, raw):
    assert counties.index.is_unique
    assert counties.index.str.match(r"^US\d{5}$").all()
    geoids = {"US" + node["GEOID10"] for data in raw.values() for node in data["nodes"]}
    assert set(counties.index) == geoids


def test_attributes(counties, raw):
    kent = next(n for n in raw["10"]["nodes"] if n["GEOID10"] == "10001")
    row = counties.loc["US10001"]
    assert row["population"] == kent["TOTPOP"]
    assert row["area_km2"] == pytest.approx(kent["ALAND10"] / 1e6)
    assert (row["centroid_lon"], row["centroid_lat"]) == pytest.approx((kent["C_X"], kent["C_Y"]))
    assert counties.crs.to_epsg() == 4326
    assert (counties.geometry.geom_type == "Point").all()
    assert (counties["population"] > 0).all()
    assert set(counties["nation"]) == {"United States"} and set(counties["tier"]) == {"US county"}
    lon, lat = counties["centroid_lon"], counties["centroid_lat"]
    assert lon.between(-180, -60).all() and lat.between(17, 72).all()


def test_graph_follows_the_json_adjacency_within_states(counties, raw):
    graph = us_county_graph(counties)
    assert set(graph) == set(counties.index)
    assert all(a[2:4] == b[2:4] for a, b in graph.edges)  # no edge crosses a state line
    expected = set()
    for data in raw.values():
        code = {node["id"]: "US" + node["GEOID10"] for node in data["nodes"]}
        for node, neighbours in zip(data["nodes"], data["adjacency"]):
            expected |= {frozenset((code[node["id"]], code[n["id"]])) for n in neighbours}
    assert {frozenset(e) for e in graph.edges} == expected
    assert "US11001" in graph.graph["isolated"]  # DC is a single county
    assert graph.graph["n_components"] >= 52


def test_one_state_region():
    assert resolve_us_region("us-state-10") == ["10"]
    assert len(resolve_us_region("us-counties")) == 52
    with pytest.raises(DataError, match="us-state-NN"):
        resolve_us_region("us-state-99")
    names = region_names()
    assert "us-counties" in names and "us-state-10" in names and "SYNTHETIC" in names["us-counties"]


def test_synthetic_costs_are_seeded_positive_and_estimated(counties):
    sample = counties[counties["region"].isin(["10", "44", "48"])]
    first, again, other = (synthetic_us_costs(sample, seed=s) for s in (0, 0, 1))
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["net_expenditure_gbp_k"], other["net_expenditure_gbp_k"])
    assert first["estimated"].all() and (first["net_expenditure_gbp_k"] > 0).all()
    assert len(first) == len(sample) * len(per_head_rates())
    assert not first.duplicated(["authority", "service", "year"]).any()
    # a county's costs do not depend on which other counties are loaded
    alone = synthetic_us_costs(counties[counties["region"] == "10"], seed=0)
    merged = first.merge(alone, on=["authority", "service"], suffixes=("", "_alone"))
    assert len(merged) == len(alone)
    assert np.array_equal(merged["net_expenditure_gbp_k"], merged["net_expenditure_gbp_k_alone"])
    # per head, the noise is around the English unitary median rate
    spend = first.pivot(index="authority", columns="service", values="net_expenditure_gbp_k")
    per_head = spend.div(sample["population"], axis=0) / per_head_rates()
    assert 0.6 < float(np.median(per_head.to_numpy())) < 1.6


def test_delaware_end_to_end(delaware_run):
    result = delaware_run
    assert result.solver.status == "optimal"
    assert result.summary.estimated is True
    assert any("SYNTHETIC" in s["name"] and s["estimated"] for s in result.summary.data_sources)
    graph = us_county_graph(result.authorities)
    candidates = result.candidates
    assert len(candidates) > 0 and len(result.portfolio) > 0
    for members in candidates["members"]:
        codes = members.split(";")
        assert set(codes) <= set(result.authorities.index)
        assert len(codes) == 1 or nx.is_connected(graph.subgraph(codes))
    assert candidates["estimated"].astype(bool).all()


def test_delaware_report_has_map_and_marks_the_estimate(delaware_run, tmp_path):
    files = write_result(delaware_run, tmp_path / "out", formats={"json", "png", "html"})
    assert files["map.png"].stat().st_size > 10_000
    html = files["report.html"].read_text(encoding="utf-8")
    assert 'id="estimates"' in html and "SYNTHETIC" in html
    summary = json.loads(files["summary.json"].read_text(encoding="utf-8"))
    assert summary["estimated"] is True
