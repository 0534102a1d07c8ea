"""A region of the embedded register read back from disk is the region loaded: same tables, graphs,
sources and data-quality notes; the config's check still runs; a load that warned is not kept."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from sharedopt.data import DataQuality
from sharedopt.data.region import register
from sharedopt.data.region.load import load_region
from sharedopt.data.region.stored import region_key
from sharedopt.pipeline.steps import selection_of


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAREDOPT_CACHE", str(tmp_path))
    return tmp_path


def _graph_facts(graph: nx.Graph):
    return (list(graph.nodes(data=True)), sorted(graph.edges(data=True)), graph.graph)


def test_a_stored_region_is_the_region_loaded(cache, monkeypatch, north_east_config):
    selection = selection_of(north_east_config)
    loaded_notes, read_notes = DataQuality(), DataQuality()
    loaded = load_region(selection, loaded_notes)
    assert len(list(cache.glob("region-north-east-*.pkl"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("loaded again instead of read back")

    monkeypatch.setattr(register.RegisterRegion, "authorities", refuse)
    checked = []
    read = load_region(selection, read_notes, check_authorities=checked.append)
    assert len(checked) == 1 and checked[0].index.equals(loaded.authorities.index)  # the config's check ran
    pd.testing.assert_frame_equal(read.costs, loaded.costs, check_exact=True)
    pd.testing.assert_frame_equal(pd.DataFrame(read.authorities.drop(columns="geometry")),
                                  pd.DataFrame(loaded.authorities.drop(columns="geometry")), check_exact=True)
    assert read.authorities.geometry.to_wkb().tolist() == loaded.authorities.geometry.to_wkb().tolist()
    assert read.authorities.crs == loaded.authorities.crs
    assert sorted(read.graphs) == sorted(loaded.graphs)
    assert all(_graph_facts(read.graphs[s]) == _graph_facts(loaded.graphs[s]) for s in loaded.graphs)
    assert read.sources == loaded.sources and read.arrangements_on_record == loaded.arrangements_on_record
    assert read_notes.entries == loaded_notes.entries and len(loaded_notes.entries) > 0


def test_the_check_refuses_a_region_read_back(cache, north_east_config):
    selection = selection_of(north_east_config)
    load_region(selection, DataQuality())

    def refuse(found):
        raise ValueError(f"{len(found)} authorities refused")

    with pytest.raises(ValueError, match="12 authorities refused"):
        load_region(selection, DataQuality(), check_authorities=refuse)


def test_a_load_that_warned_is_not_kept_and_warns_again(cache, monkeypatch, north_east_config):
    original = register.RegisterRegion.costs

    def warning_costs(self, *args, **kwargs):
        warnings.warn("a spend warning", UserWarning)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(register.RegisterRegion, "costs", warning_costs)
    selection = selection_of(north_east_config)
    for _ in range(2):
        with pytest.warns(UserWarning, match="a spend warning"):
            load_region(selection, DataQuality())
    assert not list(cache.glob("region-*.pkl"))


def test_a_users_costs_file_is_always_loaded(north_east_config):
    selection = selection_of(north_east_config)
    assert region_key(selection) is not None
    assert region_key(selection.__class__(**{**vars(selection), "costs_csv": Path("spend.csv")})) is None


def test_a_load_in_another_thread_is_read_back_but_never_stored(cache, monkeypatch, north_east_config):
    selection = selection_of(north_east_config)
    found = {}

    def load_in_thread(name):
        found[name] = load_region(selection, DataQuality())

    worker = threading.Thread(target=load_in_thread, args=("first",))
    worker.start(), worker.join()
    assert "first" in found and not list(cache.glob("region-*.pkl"))  # loaded, not stored
    load_region(selection, DataQuality())  # the main thread stores it
    monkeypatch.setattr(register.RegisterRegion, "authorities", lambda *a, **k: 1 / 0)  # read back, not loaded
    worker = threading.Thread(target=load_in_thread, args=("again",))
    worker.start(), worker.join()
    pd.testing.assert_frame_equal(found["again"].costs, found["first"].costs, check_exact=True)
