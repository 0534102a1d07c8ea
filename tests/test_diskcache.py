"""The on-disk cache gives back exactly what it was given, and only under the same key."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from sharedopt.candidates import costfit
from sharedopt.common.diskcache import KEEP, cache_dir, cached, digest
from sharedopt.data import panel
from sharedopt.data.paths import data_dir


def test_a_result_is_computed_once_then_read_back(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": 0.1 + 0.2, "frame": pd.DataFrame({"x": [1.5, float("nan")]})}

    first = cached("thing", digest(["a"]), compute, folder=tmp_path)
    second = cached("thing", digest(["a"]), compute, folder=tmp_path)
    assert len(calls) == 1
    assert second["value"] == first["value"]
    pd.testing.assert_frame_equal(second["frame"], first["frame"], check_exact=True)
    cached("thing", digest(["b"]), compute, folder=tmp_path)  # another key: computed again
    assert len(calls) == 2


def test_a_broken_or_unwritable_cache_only_costs_a_computation(tmp_path):
    key = digest(["a"])
    cached("thing", key, lambda: 1, folder=tmp_path)
    (stored,) = tmp_path.glob("thing-*.pkl")
    stored.write_bytes(b"not a pickle")
    assert cached("thing", key, lambda: 2, folder=tmp_path) == 2
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert cached("thing", key, lambda: 3, folder=blocked / "cache") == 3


def test_only_the_newest_results_of_a_name_are_kept(tmp_path):
    for n in range(KEEP + 2):
        cached("thing", digest([str(n)]), lambda: n, folder=tmp_path)
        cached("other", digest([str(n)]), lambda: n, folder=tmp_path) if n == 0 else None
    assert len(list(tmp_path.glob("thing-*.pkl"))) == KEEP
    assert len(list(tmp_path.glob("other-*.pkl"))) == 1
    assert cached("thing", digest([str(KEEP + 1)]), lambda: -1, folder=tmp_path) == KEEP + 1  # the newest stays


def test_digest_separates_its_parts():
    assert digest(["ab", "c"]) != digest(["a", "bc"])
    assert digest([b"x"]) == digest(["x"])


def test_the_cache_can_be_turned_off_or_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAREDOPT_CACHE", "off")
    assert cache_dir() is None
    monkeypatch.setenv("SHAREDOPT_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path


def test_the_cost_fit_key_follows_the_panel_and_the_mode():
    """One changed spend figure, or the other mode, is a new key (so a fresh fit)."""
    panel = pd.DataFrame({"code": ["E06000001", "E06000002"], "spend_gbp_k": [100.0, 200.0]})
    changed = panel.assign(spend_gbp_k=[100.0, 200.5])
    key = costfit.fit_key(panel, "fitted")
    assert key == costfit.fit_key(panel.copy(), "fitted")
    assert key != costfit.fit_key(changed, "fitted")
    assert key != costfit.fit_key(panel, "literature")


def test_stored_cost_curves_are_the_fitted_ones(tmp_path):
    """What a run reads from the cache equals the fit (every float exactly)."""
    fitted = costfit.fit_cost_curves("fitted")
    back = cached("costfit-fitted", "k", lambda: fitted, folder=tmp_path)
    back = cached("costfit-fitted", "k", lambda: pytest.fail("not read back"), folder=tmp_path)
    assert back.curves == fitted.curves
    pd.testing.assert_frame_equal(back.efficiency, fitted.efficiency, check_exact=True)
    pd.testing.assert_frame_equal(back.residuals, fitted.residuals, check_exact=True)
    assert pickle.dumps(back.curves) == pickle.dumps(fitted.curves)


def test_the_panel_key_follows_every_input_file(monkeypatch, tmp_path):
    """A changed byte in any file the panel is built from is a new key; a missing file is no key (built afresh)."""
    for name in panel.PANEL_INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    monkeypatch.setattr(panel, "data_dir", lambda: tmp_path)
    key = panel.panel_key()
    assert key == panel.panel_key() and key is not None
    for name in panel.PANEL_INPUTS:
        original = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(original + b"\n")
        assert panel.panel_key() != key, name
        (tmp_path / name).write_bytes(original)
    (tmp_path / panel.PANEL_FILE).unlink()
    assert panel.panel_key() is None


def test_the_stored_panel_is_the_built_one(tmp_path):
    built = panel._build_panel()
    cached("panel", "k", panel._build_panel, folder=tmp_path)
    back = cached("panel", "k", lambda: pytest.fail("not read back"), folder=tmp_path)
    pd.testing.assert_frame_equal(back, built, check_exact=True)
    assert costfit.fit_key(back, "fitted") == costfit.fit_key(built, "fitted")  # the cost fits' cache still hits
