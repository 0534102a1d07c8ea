"""sharedopt appraise: named groups valued exactly as the candidate table values them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sharedopt.candidates.appraise import GROUP, NOTES
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.table import (
    BETTER_OFF_ALONE, MEMBER, SHARE_SHAPLEY, STANDALONE_NPV, ANNUAL_NET_SAVING, CANDIDATE_ID, COST_DISTANCE, COST_GOVERNANCE, DEPTH, KIND, MEMBERS, NPV, PARTNERSHIP_MODE,
    SAVING_EFFICIENCY, SAVING_SCALE, SAVING_SCOPE, SERVICES, WHOLE_ORGANISATION, WHOLE_ORGANISATION_LABEL,
    split_codes,
)
from sharedopt.cli import app
from sharedopt.common.errors import ConfigError
from sharedopt.config.groups import GroupSpec
from sharedopt.pipeline.appraise import appraise
from sharedopt.pipeline.steps import enumerate_candidates
from sharedopt.report.appraisal import write_appraisal
from sharedopt.candidates.table import GENERAL_FUND_NPV
from sharedopt.results.appraisal import RING_FENCED_NPV


@pytest.fixture(scope="module")
def wide_config(north_east_config):
    """North East with every candidate kind: two depths, and whole-organisation groups of unitaries."""
    model = type(north_east_config.model).model_validate({
        **north_east_config.model.model_dump(), "depths": ["lead_council", "pooled"],
        "whole_org_tiers": ["single-tier"]})
    return north_east_config.model_copy(update={"model": model})


@pytest.fixture(scope="module")
def wide_set(wide_config, north_east_inputs):
    return enumerate_candidates(north_east_inputs, wide_config, with_shares=True)


@pytest.fixture(scope="module")
def wide_table(wide_set):
    return wide_set.table


def _spec(row) -> GroupSpec:
    services = (WHOLE_ORGANISATION_LABEL,) if row[KIND] == WHOLE_ORGANISATION else tuple(split_codes(row[SERVICES]))
    depth = None if row[KIND] == WHOLE_ORGANISATION else row[DEPTH]
    return GroupSpec(row[CANDIDATE_ID], tuple(split_codes(row[MEMBERS])), services, depth, None, "test")


def _picks(table: pd.DataFrame) -> pd.DataFrame:
    """First, middle and last candidate of each kind and depth (by id)."""
    rows = []
    for _, part in table.sort_values(CANDIDATE_ID).groupby([KIND, DEPTH]):
        rows += [part.iloc[i] for i in sorted({0, len(part) // 2, len(part) - 1})]
    return pd.DataFrame(rows).reset_index(drop=True)


def test_appraised_rows_equal_the_candidate_table_bit_for_bit(wide_config, wide_table, north_east_inputs):
    picks = _picks(wide_table)
    assert {"scale", "scale+scope", WHOLE_ORGANISATION} <= set(picks[KIND])  # no scope candidate is positive here
    assert {"lead_council", "pooled"} <= set(picks[DEPTH])
    got = appraise(wide_config, [_spec(r) for _, r in picks.iterrows()], inputs=north_east_inputs).groups
    assert got[CANDIDATE_ID].tolist() == picks[CANDIDATE_ID].tolist()
    for column in wide_table.columns:
        mine, theirs = got[column].to_numpy(), picks[column].to_numpy()
        if pd.api.types.is_float_dtype(wide_table[column]):
            mine, theirs = mine.astype(float), theirs.astype(float)
            assert np.array_equal(mine, theirs, equal_nan=True), column  # exact, not approximate
        else:
            assert mine.tolist() == theirs.tolist(), column
    assert (got[NOTES] == "").all()  # every pick is one the candidate table lists


def test_appraised_myerson_shares_equal_the_shares_table(wide_config, wide_set, north_east_inputs):
    picks = _picks(wide_set.table)
    shares = appraise(wide_config, [_spec(r) for _, r in picks.iterrows()], inputs=north_east_inputs).shares
    theirs = wide_set.shares.set_index([CANDIDATE_ID, MEMBER]).loc[
        list(zip(shares[CANDIDATE_ID], shares["authority"]))]
    assert len(shares) == picks[MEMBERS].str.count(";").add(1).sum()
    for column in (SHARE_SHAPLEY, STANDALONE_NPV):  # the same sums, batched with other groups in the table:
        mine, table = shares[column].to_numpy(float), theirs[column].to_numpy(float)  # equal to rounding
        assert np.allclose(mine, table, rtol=1e-12, atol=1e-9), column
    assert shares[BETTER_OFF_ALONE].tolist() == theirs[BETTER_OFF_ALONE].tolist()


def test_a_pruned_loss_making_group_is_still_valued(north_east_config, north_east_candidates, north_east_inputs):
    table = north_east_candidates.table
    graph = north_east_inputs.graphs["Environment"]
    groups = connected_groups(graph, 2, min_size=2)
    listed = set(table.loc[table[SERVICES] == "Environment", MEMBERS])
    pruned = [";".join(sorted(groups.nodes[i] for i in row if i >= 0)) for row in groups.members.tolist()]
    pruned = [m for m in pruned if m not in listed]
    assert pruned  # the candidate table left some connected Environment pairs out
    spec = GroupSpec("left out", tuple(pruned[0].split(";")), ("Environment",), None, None, "test")
    row = appraise(north_east_config, [spec], inputs=north_east_inputs).groups.iloc[0]
    assert row[NPV] <= 0 and "prunes it" in row[NOTES]
    terms = row[SAVING_SCALE] + row[SAVING_EFFICIENCY] + row[SAVING_SCOPE] - row[COST_DISTANCE] - row[COST_GOVERNANCE]
    assert terms == pytest.approx(row[ANNUAL_NET_SAVING])
    one = appraise(north_east_config, ["E06000047:Children_Social_Care+Education"], inputs=north_east_inputs)
    assert one.groups[KIND].tolist() == ["scope"] and one.groups[SERVICES].tolist() == ["Children_Social_Care;Education"]


def test_money_reconciles_across_groups_members_and_years(north_east_config, north_east_inputs):
    out = appraise(north_east_config, ["E06000047+E06000005:Central_Services", "edu=E06000047+E06000057:Education",
                                       "two=E06000047+E06000005:Children_Social_Care+Education"],
                   inputs=north_east_inputs)
    g = out.groups.set_index(GROUP)
    assert np.allclose(g[NPV], g[GENERAL_FUND_NPV] + g[RING_FENCED_NPV])
    assert g.loc["edu", RING_FENCED_NPV] > 0 and g.loc["E06000047+E06000005:Central_Services", RING_FENCED_NPV] == 0
    flows = out.cashflows.groupby(GROUP, sort=False)["discounted_net_gbp_k"].sum()
    assert np.allclose(flows.reindex(g.index), g[NPV])
    shares = out.shares.groupby(GROUP, sort=False)[[NPV, GENERAL_FUND_NPV]].sum()
    assert np.allclose(shares[NPV].reindex(g.index), g[NPV])
    assert np.allclose(shares[GENERAL_FUND_NPV].reindex(g.index), g[GENERAL_FUND_NPV])


def test_mode_and_vehicle_follow_the_scenario_wide_mode_setting(north_east_config, north_east_inputs):
    """A group's mode is valued as the run-wide [model.realisation] mode/relationship would value it."""
    def with_rule(config, **update):
        rule = config.model.realisation.model_copy(update=update)
        return config.model_copy(update={"model": config.model.model_copy(update={"realisation": rule})})

    factors = {**north_east_config.model.realisation.mode_factors, "mandated": 0.8}  # a mode that matters
    base = with_rule(north_east_config, mode_factors=factors)
    spec = "E06000047+E06000005:Central_Services"
    run_wide = appraise(with_rule(base, mode="mandated", relationship="contract"), [spec],
                        inputs=north_east_inputs).groups.iloc[0]
    mine = appraise(base, [GroupSpec("g", ("E06000047", "E06000005"), ("Central_Services",), None,
                                     "complying", "test")], inputs=north_east_inputs).groups.iloc[0]
    plain = appraise(base, [spec], inputs=north_east_inputs).groups.iloc[0]
    assert mine[PARTNERSHIP_MODE] == run_wide[PARTNERSHIP_MODE] == "complying" != plain[PARTNERSHIP_MODE]
    assert mine[NPV] == run_wide[NPV] != plain[NPV]


def test_bad_group_specs_are_refused_with_file_line_and_field(tmp_path: Path, north_east_config, north_east_inputs):
    def refused(groups, *words, **kw):
        with pytest.raises(ConfigError) as err:
            appraise(north_east_config, groups, inputs=north_east_inputs, **kw)
        assert all(w in str(err.value) for w in words), str(err.value)

    csv = tmp_path / "groups.csv"
    csv.write_text("name,members,services\nok,E06000047;E06000005,Central_Services\n"
                   "bad,E06000047;E99999999,Central_Services\n")
    refused(csv, "groups.csv, line 3, field members", "'E99999999'")
    csv.write_text("name,members,services\ntwice,E06000047;County Durham,Central_Services\n")
    refused(csv, "line 2, field members", "already listed")
    csv.write_text("name,members,services\ntwice,E06000047;E06000047,Central_Services\n")
    refused(csv, "line 2, field members", "listed twice")
    csv.write_text("name,members,services,colour\nx,E06000047;E06000005,Central_Services,red\n")
    refused(csv, "line 1", "'colour'")
    refused(["E06000047+E06000005:Libraries"], "--group 1", "field services", "'Libraries'")
    refused(["E06000047+Durham:Central_Services"], "field members", "'Durham'", "County Durham")
    refused(["E06000047+E06000005"], "--group 1", "no ':'")
    refused(["E06000047+E06000005:Central_Services@deepest"], "field depth", "'deepest'")
    refused(["a=E06000047+E06000005:Central_Services", "a=E06000047+E06000005:Environment"], "field name",
            "already the name")
    toml = tmp_path / "groups.toml"
    toml.write_text('[[group]]\nname = "a"\nmembers = ["E06000047", "E06000005"]\nservices = "Environment"\n\n'
                    '[[group]]\nname = "b"\nmembers = ["E06000047", "E06000005"]\nservices = "Environment"\n'
                    'vehicle = "handshake"\n')
    refused(toml, "groups.toml, line 6, field vehicle", "'handshake'")


def test_unconnected_members_are_valued_only_when_asked(north_east_config, north_east_inputs):
    far = "E06000057+E06000004:Central_Services"  # Northumberland and Stockton-on-Tees: not neighbours
    with pytest.raises(ConfigError, match="--allow-unconnected"):
        appraise(north_east_config, [far], inputs=north_east_inputs)
    row = appraise(north_east_config, [far], inputs=north_east_inputs, allow_unconnected=True).groups.iloc[0]
    assert "not connected" in row[NOTES] and np.isfinite(row[NPV])


def test_the_written_appraisal_is_complete_and_deterministic(tmp_path: Path, north_east_config, north_east_inputs):
    out = appraise(north_east_config, ["E06000047+E06000005:Central_Services", "E06000047+E06000057:Education"],
                   inputs=north_east_inputs)
    first = write_appraisal(out, tmp_path / "a")
    second = write_appraisal(out, tmp_path / "b")
    assert sorted(first) == sorted(["appraisal.csv", "appraisal.json", "appraisal_cashflows.csv", "appraisal.xlsx",
                                    "appraisal_shares.csv"])
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name
    back = pd.read_csv(first["appraisal.csv"])
    assert back[NPV].round(3).tolist() == out.groups[NPV].round(3).tolist()
    sheets = pd.ExcelFile(first["appraisal.xlsx"]).sheet_names
    assert sheets[:2] == ["appraisal", "groups"] and "cash flow 2" in sheets and sheets[-1] == "shares"


def test_the_command_line_writes_the_appraisal_and_refuses_a_bad_group(tmp_path: Path):
    runner = CliRunner(env={"COLUMNS": "250"})
    config = str(Path(__file__).resolve().parents[1] / "configs" / "north-east.toml")
    ok = runner.invoke(app, ["appraise", config, "--group", "pair=E06000047+Darlington:Central_Services",
                             "--out", str(tmp_path / "out")])
    assert ok.exit_code == 0, ok.output
    assert "pair" in ok.output and (tmp_path / "out" / "appraisal.xlsx").is_file()
    bad = runner.invoke(app, ["appraise", config, "--group", "E06000047+E06000047:Central_Services",
                              "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "field members" in bad.output and "listed twice" in bad.output
    assert not (tmp_path / "bad").exists()
