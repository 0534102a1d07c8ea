"""Table-valued settings have one strict schema (:mod:`sharedopt.config.tables`).

Keys of ``whole_org_overhead_share``, ``ring_fenced_shares``, the readiness and realisation
tables, depth names and Monte Carlo specs used to be taken as given: a typo was a new
entry nobody read (Kent's NPV fell from £8.3m to £0.5m on ``distict``), a partial table
replaced the defaults, and ``true`` or ``"10"`` passed as numbers. Each case below is a
fixture in ``tests/fixtures/strict_tables`` (see its README) and its message is checked,
with the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.common.errors import ConfigError
from sharedopt.config.schema import ConfigNote, load_config
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import load_inputs
from sharedopt.pipeline.uncertainty import uncertainty

FIXTURES = Path(__file__).parent / "fixtures" / "strict_tables"
runner = CliRunner(env={"COLUMNS": "250"})


def _refusal(name: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(FIXTURES / f"{name}.toml")
    return str(info.value)


@pytest.mark.parametrize(("name", "line", "expected"), [
    ("overhead_typo", 5, "[model.whole_org_overhead_share.distict] unknown key 'distict' in "
                         "model.whole_org_overhead_share; did you mean 'district'? (council tiers: district, "
                         "single-tier, county)"),
    ("ring_fenced_typo", 5, "[model.ring_fenced_shares.Eduction] unknown key 'Eduction' in "
                            "model.ring_fenced_shares; did you mean 'Education'? (services: Education,"),
    ("uplift_typo", 5, "[readiness.condition_uplifts.sponsr] unknown key 'sponsr' in readiness.condition_uplifts; "
                       "did you mean 'sponsor'? (conditions: sponsor, multi_level_engagement, formal_reporting, "
                       "active_management)"),
    ("governance_typo", 6, "[readiness.mode_governance_factors.constraning] unknown key 'constraning' in "
                           "readiness.mode_governance_factors; did you mean 'constraining'? (partnership modes: "
                           "complying, constraining, creating)"),
    ("council_condition_typo", 5, "[readiness.councils.E06000047.sponsr] unknown key 'sponsr' in "
                                  "readiness.councils.E06000047; did you mean 'sponsor'? (readiness columns: sponsor, "
                                  "multi_level_engagement, formal_reporting, active_management, co_production)"),
    ("depth_typo", 7, "[model.depth_settings.poold] 'poold' is not a known depth; did you mean 'pooled'? (depths: "
                      "coordination, lead_council, pooled, merger); to define a new depth, give all of its settings "
                      "(missing: poolable, governance, ramp_years, realisation)"),
    ("penalty_typo", 5, "[model.realisation.condition_penalties.sponser] unknown key 'sponser' in "
                        "model.realisation.condition_penalties; did you mean 'sponsor'?"),
    ("dist_key_typo", 4, "[uncertainty.distributions.model.realisaton.base] 'model.realisaton.base' is not a "
                         "numeric setting; did you mean 'model.realisation.base'?"),
    ("dist_param_typo", 7, "[uncertainty.distributions.model.realisation.base.hgih] unknown key 'hgih' for a "
                           "uniform distribution; did you mean 'high'? (a uniform distribution takes low, high)"),
    ("discount_true", 5, "[model.discount_rate] true is a boolean, not a number; write a number without quotes"),
    ("discount_text", 5, "[model.discount_rate] \"10\" is quoted text, not a number; write a number without quotes"),
    ("whole_org_bool", 5, "[model.whole_organisation] \"yes\" is not true or false; write true or false (no quotes)"),
])
def test_a_bad_table_key_or_value_is_refused_at_its_line(name, line, expected):
    message = _refusal(name)
    assert message.startswith(f"{FIXTURES / name}.toml:{line}: "), message
    assert expected in message, message


def test_a_partial_table_merges_with_the_defaults_and_says_so():
    """README's own example used to drop the Public Health default (a partial table replaced it)."""
    with pytest.warns(ConfigNote) as notes:
        config = load_config(FIXTURES / "ring_fenced_partial.toml")
    assert config.model.ring_fenced_shares == {"Education": 0.5, "Public_Health": 0.9}
    assert [str(n.message) for n in notes] == [
        f"{FIXTURES / 'ring_fenced_partial.toml'}:5: [model.ring_fenced_shares] gives Education; a partial table "
        "adds to the defaults, so the default is kept for Public_Health (0.9)"]


def test_the_note_is_shown_on_the_console_as_a_note():
    result = runner.invoke(app, ["validate", str(FIXTURES / "ring_fenced_partial.toml")])
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "the default is kept for Public_Health (0.9)" in result.output


def test_a_partial_table_set_from_python_merges_too():
    base = Scenario.from_config(FIXTURES / "ring_fenced_partial.toml")
    with pytest.warns(ConfigNote, match="whole_org_overhead_share"):
        changed = base.with_({"model.whole_org_overhead_share": {"district": 0.5}})
    assert changed.config.model.whole_org_overhead_share == {"district": 0.5, "single-tier": 0.143,
                                                             "county": 0.055}


def test_a_misspelled_readiness_council_is_refused_against_the_region():
    result = runner.invoke(app, ["validate", str(FIXTURES / "council_code_typo.toml")])
    assert result.exit_code == 2
    assert (f"error: {FIXTURES / 'council_code_typo.toml'}:4: [readiness.councils.E06000074] unknown council "
            "code 'E06000074'; did you mean") in result.output, result.output
    assert "'E06000047' (County Durham)" in result.output


@pytest.mark.parametrize(("code", "expected"), [
    ("E08000025", "council 'E08000025' (Birmingham) is not in the selected region"),
    ("E06000999", "unknown council code 'E06000999' (give a GSS code of a council in the selected region)"),
])
def test_readiness_file_rows_outside_the_region_or_unknown_are_refused(tmp_path, code, expected):
    (tmp_path / "readiness.csv").write_text(f"authority,sponsor\nE06000047,yes\n{code},no\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[region]\nname = "north-east"\n\n[readiness]\nfile = "readiness.csv"\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(config)])
    assert result.exit_code == 2
    assert f"error: {config}:5: [readiness.file] {expected}" in result.output, result.output


def test_a_complete_new_depth_is_still_allowed(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[region]\nname = "north-east"\n[model]\ndepths = ["lead_council", "hub"]\n'
                      '[model.depth_settings.hub]\npoolable = 1.0\nsetup = 1.2\ngovernance = 1.1\n'
                      'ramp_years = 2\nrealisation = 0.95\n', encoding="utf-8")
    assert load_config(config).model.depth_settings["hub"].setup == 1.2


def test_every_shipped_config_passes():
    for path in sorted((Path(__file__).parents[1] / "configs").glob("*.toml")):
        load_config(path)


def test_a_misspelled_config_key_gets_a_did_you_mean_at_its_line(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[region]\nname = "north-east"\n[model]\ndiscont_rate = 0.03\n[readiness]\n'
                    'prior_colaboration_uplift = 0.1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).splitlines() == [
        f"{path}:6: [model.readiness.prior_colaboration_uplift] unknown key 'prior_colaboration_uplift'; "
        "did you mean 'prior_collaboration_uplift'?",
        f"{path}:4: [model.discont_rate] unknown key 'discont_rate'; did you mean 'discount_rate'?"]


@pytest.mark.parametrize(("spec", "line", "expected"), [
    ('dist = "triangular"\nlow = 0.9\nmode = 0.5\nhigh = 1.0', 3, "a triangular distribution needs low <= high and "
                                                                "low <= mode <= high, got low = 0.9, mode = 0.5, high = 1"),
    ('dist = "uniform"\nlow = 0.9\nhigh = 0.3', 3, "a uniform distribution needs low <= high, got low = 0.9, high = 0.3"),
    ('dist = "normal"\nsd = -0.1', 3, "a normal distribution needs sd >= 0 (0 draws the value itself), got -0.1"),
    ('dist = "unifrom"\nlow = 0.3\nhigh = 0.9', 4, "dist must be one of normal, lognormal, uniform, triangular, split, "
                                                  "got \"unifrom\"; did you mean 'uniform'?"),
    ('dist = "normal"\nsd = "0.1"', 5, "[uncertainty.distributions.model.realisation.base.sd] \"0.1\" is quoted text, "
                                    "not a number"),
    ('dist = "triangular"\nlow = 0.3\nhigh = 0.9', 3, "a triangular distribution needs low, mode, high; add mode"),
])
def test_an_impossible_distribution_is_refused_before_the_run(tmp_path, spec, line, expected):
    """These passed validate and failed after the main run with bare numpy messages."""
    path = tmp_path / "c.toml"
    path.write_text(f'[region]\nname = "north-east"\n[uncertainty.distributions."model.realisation.base"]\n{spec}\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:{line}: "), str(info.value)
    assert expected in str(info.value)


def test_costs_take_only_a_lognormal_or_normal_draw(tmp_path):
    """A uniform draw of costs passed validate and failed after the main run."""
    path = tmp_path / "c.toml"
    path.write_text('[region]\nname = "north-east"\n[uncertainty.distributions.costs]\ndist = "uniform"\n'
                    'low = 0.9\nhigh = 1.1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f'{path}:4: [uncertainty.distributions.costs.dist] costs take lognormal, normal, '
                               'got "uniform"')


def test_a_drawn_setting_outside_model_and_constraints_is_refused(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[region]\nname = "north-east"\n[uncertainty.distributions."solver.time_limit"]\n'
                    'dist = "normal"\nsd = 1.0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}:3: [uncertainty.distributions.solver.time_limit] 'solver.time_limit' "
                               "cannot be drawn: Monte Carlo draws change settings under model. and constraints. "
                               "(or 'costs')")


def test_the_api_checks_distributions_with_the_same_rules_before_any_work(north_east_config):
    with pytest.raises(ConfigError) as info:
        uncertainty(Scenario(north_east_config), 2, {"model.realisation.base": {"dist": "uniform", "low": 0.9,
                                                                                  "hihg": 0.3}})
    assert str(info.value).splitlines() == [
        "uncertainty(distributions=...): [model.realisation.base.hihg] unknown key 'hihg' for a uniform "
        "distribution; did you mean 'high'? (a uniform distribution takes low, high)",
        "uncertainty(distributions=...): [model.realisation.base] a uniform distribution needs low, high; add high"]


@pytest.mark.parametrize(("text", "line", "expected"), [
    ('[region]\nname = "north-east"\n[model]\ndepths = ["lead_council", "poold"]\n', 4,
     "[model.depths] 'poold' is not a known depth; did you mean 'pooled'? (depths: coordination, lead_council, "
     "pooled, merger; or define it under [model.depth_settings.poold])"),
    ('[region]\nname = "north-east"\n[report]\nformats = ["cvs"]\n', 4,
     "[report.formats.0] Input should be 'csv', 'json', 'xlsx', 'png', 'svg' or 'html', got 'cvs'; did you mean "
     "'csv'?"),
    ('[region]\nname = "north-east"\n[constraints]\nobjective = "npvv"\n', 4,
     "[constraints.objective] Input should be 'npv', 'annual_net_saving' or 'general_fund_npv', got 'npvv'; "
     "did you mean 'npv'?"),
    ('[region]\nname = "north-east"\n[uncertainty.distributions."model.realisation.base"]\ndsit = "uniform"\n'
     'low = 0.3\nhigh = 0.9\n', 3, "[uncertainty.distributions.model.realisation.base] the distribution needs "
                                   "dist = one of normal, lognormal, uniform, triangular, split; 'dsit' is not a "
                                   "parameter, did you mean 'dist'?"),
])
def test_a_misspelled_word_gets_a_did_you_mean_at_its_line(tmp_path, text, line, expected):
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:{line}: {expected}"


@pytest.mark.parametrize(("text", "line", "expected"), [
    ('[region]\nname = "north-eats"\n', 2, "[region.name] unknown region 'north-eats'; did you mean 'north-east'?; "
                                           "use a nation, an English region, a county name"),
    ('[region]\ncodes = ["E06000047", "E0600004"]\n', 2, "[region.codes] unknown GSS code(s) E0600004; run "
                                                         "`sharedopt list regions`"),
    ('[region]\nname = "north-east"\n[data]\nyear = "2032-24"\n', 4,
     "[data.year] derived/costs_england.csv: no outturn for year '2032-24'; choose one of 2017-18,"),
])
def test_a_setting_the_data_refuses_is_named_at_its_line(tmp_path, text, line, expected):
    """These named no file and no line (the data layer refused them after the config had passed)."""
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_inputs(load_config(path))
    assert str(info.value).startswith(f"{path}:{line}: {expected}"), str(info.value)


def test_a_misspelled_solver_is_named_at_its_line_or_as_the_option(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[region]\nname = "north-east"\n[solver]\nname = "higs"\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert (f"error: {path}:4: [solver.name] solver 'higs' is unknown; did you mean 'highs'? sharedopt solves with "
            "'highs' (default) or 'cbc'") in result.output, result.output
    result = runner.invoke(app, ["run", "--solver", "higs", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "error: --solver: solver 'higs' is unknown; did you mean 'highs'?" in result.output, result.output
    assert not (tmp_path / "o").exists()
