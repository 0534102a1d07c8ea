"""The status quo: real arrangements in data/ kept as existing partnerships.

Real data: the arrangements file, the Kent two-tier area (East Kent Services, Mid Kent
revenues and benefits, Dartford-Sevenoaks, Tonbridge & Malling-Gravesham all sit there)
and the North East (no arrangement in the file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sharedopt.config.schema import load_config
from sharedopt.config.constraints import Constraints, ExistingPartnership
from sharedopt.data import DataQuality
from sharedopt.data.arrangements import CATEGORY_SERVICES, category_mapping, load_arrangements, parse_categories
from sharedopt.common.errors import DataError
from sharedopt.report.run_result import write_result
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs
from sharedopt.candidates.status_quo import effective_constraints, existing_partnerships_table

ROOT = Path(__file__).resolve().parents[1]
EKS = {"E07000106", "E07000108", "E07000114"}  # Canterbury, Dover, Thanet


def _config(name: str, **constraints):
    config = load_config(ROOT / "configs" / name)
    update = {"constraints": config.constraints.model_copy(update=constraints)}
    report = config.report.model_copy(update={"top_n": 0})
    return config.model_copy(update={**update, "report": report})


def _slots(table: pd.DataFrame) -> set[tuple[str, str]]:
    return {(m, s) for members, services in zip(table["members"], table["services"])
            for m in members.split(";") for s in services.split(";")}


# --------------------------------------------------------------------------
# the data and its mapping
# --------------------------------------------------------------------------
def test_every_category_in_the_file_is_mapped_with_a_reason():
    raw = pd.read_csv(ROOT / "data/raw/arrangements/england_existing_arrangements.csv", dtype=str,
                      keep_default_na=False)
    used = {c for text in raw["service_category"] for c in parse_categories(text)}
    assert used <= set(CATEGORY_SERVICES)
    mapping = category_mapping()
    assert mapping["reason"].str.len().min() > 20
    assert mapping.set_index("category").loc["shared_chief_executive_management", "intended_kind"] == \
        "whole_organisation"
    assert parse_categories("regulatory_services (env health; licensing)") == ["regulatory_services"]


def test_loader_gives_one_row_per_arrangement_and_service_and_keeps_sources():
    quality = DataQuality()
    table = load_arrangements(quality=quality)
    raw = pd.read_csv(ROOT / "data/raw/arrangements/england_existing_arrangements.csv", dtype=str,
                      keep_default_na=False)
    assert set(table["arrangement"]) == set(raw["arrangement"])  # nothing dropped
    assert not table.duplicated(["arrangement", "service"]).any()
    eks = table[table["arrangement"].str.startswith("East Kent")]
    assert len(eks) == 1 and eks.iloc[0]["service"] == "Central_Services"
    assert eks.iloc[0]["category"] == "revenues_benefits;ict;hr;customer_services"
    assert set(eks.iloc[0]["members"]) == EKS
    assert (table["source_url"].str.len() > 0).all()
    wrs = table[table["arrangement"] == "Worcestershire Regulatory Services"].iloc[0]
    assert wrs["service"] == "Environment" and wrs["line"] == 2
    # the county member of Museums Worcestershire is said, not dropped
    frame = quality.to_frame()
    assert frame["code"].eq("E10000034").any()
    museums = table[table["arrangement"] == "Museums Worcestershire"].iloc[0]
    assert "E10000034" in museums["members"]


@pytest.mark.parametrize("field,value,message", [
    ("service_category", "bin_polishing", "unknown category 'bin_polishing'"),
    ("member_gss", "E07000106;Dover", "is not a GSS code"),
    ("member_gss", "E07000106", "fewer than two members"),
    ("member_gss", "E07000106;E07000106", "appears twice"),
])
def test_bad_arrangement_rows_name_file_line_and_field(tmp_path, field, value, message):
    raw = pd.read_csv(ROOT / "data/raw/arrangements/england_existing_arrangements.csv", dtype=str,
                      keep_default_na=False)
    raw.loc[3, field] = value
    path = tmp_path / "arr.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load_arrangements(path)
    text = str(err.value)
    assert str(path) in text and "line 5" in text and f"field {field}" in text and message in text


def test_unmatched_member_names_are_reported(tmp_path):
    raw = pd.read_csv(ROOT / "data/raw/arrangements/england_existing_arrangements.csv", dtype=str,
                      keep_default_na=False)
    raw.loc[0, "unmatched"] = "Worcestershire County"
    path = tmp_path / "arr.csv"
    raw.to_csv(path, index=False)
    quality = DataQuality()
    load_arrangements(path, quality=quality)
    frame = quality.to_frame()
    hit = frame[frame["field"] == "unmatched"]
    assert len(hit) == 1 and "Worcestershire County" in hit.iloc[0]["issue"] and hit.iloc[0]["row"] == 2


# --------------------------------------------------------------------------
# merging into the constraints
# --------------------------------------------------------------------------
def test_partly_in_region_keeps_only_the_members_in_the_region():
    region = ["E07000105", "E07000106", "E07000108"]  # Ashford, Canterbury, Dover (not Thanet)
    cons = effective_constraints(Constraints(), region)
    eks = [ex for ex in cons.existing if ex.name.startswith("East Kent")]
    assert len(eks) == 1 and set(eks[0].members) == {"E07000106", "E07000108"}
    table = existing_partnerships_table(Constraints(), region)
    row = table[table["name"].str.startswith("East Kent")].iloc[0]
    assert row["status"].startswith("partly in region: 2 of 3") and row["members_outside_region"] == "E07000114"


def test_user_listed_partnership_is_not_duplicated_and_off_means_unchanged():
    user = ExistingPartnership(service="Central_Services", members=sorted(EKS), name="my EKS")
    region = sorted(EKS)
    cons = effective_constraints(Constraints(existing=[user]), region)
    assert [ex.name for ex in cons.existing] == ["my EKS"]
    off = Constraints(existing=[user], status_quo=False)
    assert effective_constraints(off, region) is off
    # same service and members in two arrangements = one partnership in the model
    worcs = ["E07000235", "E07000237", "E07000238"]
    merged = [ex for ex in effective_constraints(Constraints(), worcs).existing
              if ex.service == "Central_Services" and set(ex.members) == set(worcs)]
    assert len(merged) == 1 and "Procurement" in merged[0].name and "ICT" in merged[0].name


# --------------------------------------------------------------------------
# end to end on real data
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kent_runs():
    return run(_config("kent.toml")), run(_config("kent.toml", status_quo=False))


# East Kent Services listed in the config as a whole-line partnership (no ``function``): the
# data's arrangement of the same members is then not added again, and it holds the whole
# Central line; the data's revenues-and-benefits arrangements hold only their function.
EKS_WHOLE = ExistingPartnership(service="Central_Services", members=sorted(EKS), name="EKS whole back office")


def _kent_whole_line(**constraints):
    return _config("kent.toml", existing=[EKS_WHOLE], **constraints)


@pytest.mark.slow
def test_status_quo_members_are_never_reallocated_for_that_service(kent_runs):
    on, off = run(_kent_whole_line()), kent_runs[1]
    held = {(m, ex["service"]) for ex in on.summary.existing_partnerships for m in ex["members"]
            if not ex.get("function")}  # a function-level arrangement holds no slot
    assert {(m, "Central_Services") for m in EKS} <= held
    assert all(ex.get("function") == "revenues_benefits" for ex in on.summary.existing_partnerships
               if "Revenues and Benefits" in ex["name"])
    assert not (_slots(on.portfolio) & held)
    # the blank sheet does use some of those slots, so the check above can fail
    assert _slots(off.portfolio) & held
    # every candidate using a held slot says why it is excluded
    using = on.candidates[[bool(_slots(on.candidates.loc[[i]]) & held) for i in on.candidates.index]]
    assert len(using) and using["excluded_reason"].str.contains("existing partnership").all()


@pytest.mark.slow
def test_status_quo_off_restores_the_blank_sheet(kent_runs):
    _, off = kent_runs
    config = _config("kent.toml", status_quo=False)
    inputs = load_inputs(config)
    cands = enumerate_candidates(inputs, config, with_shares=False)
    blank, kept = create_model(cands, config), create_model(cands, _kent_whole_line())
    # off: nothing excluded and full governance capacity; on: the held slots are closed
    assert (blank.var_upper == 1).all() and (kept.var_upper == 0).any()
    # capacity 1: the held partnerships use it up, so their members' governance rows bind (with the
    # default capacity 3 they may be redundant and dropped, depending on how many candidates are positive)
    tight = _config("kent.toml", governance_capacity=1)
    # coordination off: more positive candidates, so the governance rows are not all redundant
    tight = tight.model_copy(update={"model": tight.model.model_copy(update={"coordination_best_size": 0.0})})
    tight_model = create_model(enumerate_candidates(load_inputs(tight), tight, with_shares=False), tight)
    notes = tight_model.rows.loc[tight_model.rows["group"] == "governance", "note"].astype(str)
    assert notes.str.contains("used by existing partnerships").any()
    assert not blank.rows["note"].astype(str).str.contains("existing").any()
    assert not off.candidates["excluded_reason"].fillna("").str.contains("existing partnership").any()
    assert off.summary.existing_partnerships and all(
        e["status"] == "not applied: status_quo = false" for e in off.summary.existing_partnerships)
    assert off.summary.status_quo["on"] is False
    assert off.summary.totals["npv_gbp_k"] >= kent_runs[0].summary.totals["npv_gbp_k"] - 1e-6


@pytest.mark.slow
def test_outputs_list_the_existing_partnerships(kent_runs, tmp_path):
    on, _ = kent_runs
    write_result(on, tmp_path / "out", formats={"csv", "json", "html"})
    html = (tmp_path / "out" / "report.html").read_text()
    assert 'id="existing"' in html and "Mid Kent Services Revenues and Benefits" in html
    table = pd.read_csv(tmp_path / "out" / "existing_partnerships.csv", dtype=str, keep_default_na=False)
    kept = table[table["status"] == "in region"]
    assert {"East Kent Services (EK Services)", "Mid Kent Services Revenues and Benefits"} <= set(kept["name"])
    assert (kept["source"].str.len() > 0).all()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    names = {e["name"] for e in summary["existing_partnerships"]}
    assert "Dartford-Sevenoaks Revenues and Benefits" in names
    assert summary["status_quo"]["with_members_in_region"] == 4
    assert "excluded_reason" in pd.read_csv(tmp_path / "out" / "candidates.csv", nrows=1).columns


def test_arrangements_outside_the_region_are_ignored_and_said(north_east_inputs):
    config = _config("north-east.toml")
    inputs = north_east_inputs
    quality = inputs.quality.to_frame()
    assert quality["issue"].str.contains("real arrangement\\(s\\) have no member in the region").any()
    cands = enumerate_candidates(inputs, config, with_shares=False)
    model, blank = create_model(cands, config), create_model(cands, _config("north-east.toml", status_quo=False))
    assert (model.var_upper == blank.var_upper).all() and (model.row_upper == blank.row_upper).all()
    assert not model.excluded.astype(bool).any()
    table = existing_partnerships_table(config.constraints, inputs.authorities.index)
    assert (table["status"] == "ignored: no member in the region").all()
    assert len(table) == len(load_arrangements())
