"""The assumptions a reader sees: the levers first (each with its evidence or 'assumption'), every
parameter after, with sources in words and no reference to the package's own files; legends in agreement."""

from __future__ import annotations

import re

from sharedopt.config.params import ModelParams
from sharedopt.data.evidence import load_register
from sharedopt.report.map.static import counted
from sharedopt.report.tables import assumption_rows, headline_levers, public_text
from sharedopt.results.summary import assumptions_table

INTERNAL = re.compile(r"sharedopt\.\w|\b(?:data|src|tests|benchmarks)/[\w./-]+|\w\.py\b")


def test_every_shipped_parameter_source_reads_without_internal_file_references():
    raw = assumptions_table(ModelParams())
    assert any(INTERNAL.search(str(r.get("source"))) for r in raw)  # the defaults do name files and modules
    cleaned = assumption_rows({"assumptions": raw})
    assert len(cleaned) == len(raw)
    left = [(r["parameter"], INTERNAL.search(r["source"]).group(0)) for r in cleaned if INTERNAL.search(str(r["source"]))]
    assert not left, left
    assert all(r["source"] for r in cleaned if r.get("source"))


def test_public_text_keeps_the_sentence_readable():
    text = "Evidence register (data/raw/evidence/register.csv, parameter setup_ratio): one-off cost"
    assert public_text(text) == "Evidence register (parameter setup_ratio): one-off cost"
    assert public_text("by depth (sharedopt.candidates.readiness, sharedopt.candidates.depth). Next") == "by depth. Next"
    assert public_text(0.5) == 0.5


def test_levers_name_register_rows_that_exist_or_say_assumption():
    ids = set(load_register()["id"])
    frame = headline_levers({"assumptions": assumptions_table(ModelParams())})
    assert len(frame) > 5
    for basis in frame["basis"]:
        assert basis.startswith(("evidence: ", "assumption")), basis
        named = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", basis)
        assert set(named) <= ids, set(named) - ids


def test_with_a_tornado_the_levers_are_its_widest_first_with_their_swing():
    levers = [{"parameter": f"p{i}", "label": f"lever {i}", "basis": "assumption", "evidence": "", "default": 1.0,
               "low": 0.5, "high": 2.0, "npv_at_low_gbp_k": 100.0 - i, "npv_at_high_gbp_k": 200.0 + 10 * (20 - i)}
              for i in range(12)]
    frame = headline_levers({"tornado": {"levers": levers}})
    assert list(frame["lever"]) == [f"lever {i}" for i in range(8)]
    assert frame["npv_swing_gbp_k"].iloc[0] == 300.0 and set(frame["basis"]) == {"assumption"}


def test_counts_agree_with_their_noun():
    assert counted(1, "council") == "1 council" and counted(3, "council") == "3 councils"
    assert counted(0, "partnership") == "0 partnerships"


def test_a_region_slug_reads_as_words():
    from sharedopt.report.tables import region_label

    assert region_label("north-east") == "North East" and region_label("wales") == "Wales"
    assert region_label("cumbria-and-lancashire") == "Cumbria and Lancashire"
    assert region_label("Hartlepool and Middlesbrough") == "Hartlepool and Middlesbrough"
    assert region_label("boundaries.geojson") == "boundaries.geojson"
