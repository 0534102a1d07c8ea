"""Every reference a config makes is checked against the region and the catalogue.

The hostile configs are readable fixtures in tests/fixtures/bad_configs/; each passed
``validate`` and ran with exit code 0 (or crashed later with KeyError) before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.config.schema import config_from_dict, load_config
from sharedopt.common.errors import ConfigError
from sharedopt.pipeline.steps import load_inputs
from sharedopt.common.suggest import did_you_mean
from sharedopt.pipeline.references import reference_problems

BAD = Path(__file__).parent / "fixtures" / "bad_configs"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner(env={"COLUMNS": "250"})


def message(name: str) -> str:
    """Load the fixture config and its inputs: a ConfigError must stop it; return the message."""
    with pytest.raises(ConfigError) as info:
        load_inputs(load_config(BAD / name))
    return str(info.value)


@pytest.mark.parametrize("name, fragments", [
    ("existing_typo_service.toml",
     ["existing_typo_service.toml:8:", "[constraints.existing.1.service]", "unknown service 'Enviroment'",
      "did you mean 'Environment'?"]),
    ("max_per_service_typo.toml",
     ["max_per_service_typo.toml:6:", "[constraints.max_per_service_overrides.Enviroment]",
      "did you mean 'Environment'?"]),
    ("forbidden_pair_codes.toml",
     ["forbidden_pair_codes.toml:6:", "[constraints.forbidden_pairs]", "unknown council code 'E06000099'",
      "council 'E07000008' (Cambridge) is not in the selected region"]),
    ("governance_override_code.toml",
     ["governance_override_code.toml:7:", "[constraints.governance_overrides.E08000211]",
      "did you mean 'E08000021' (Newcastle upon Tyne)?"]),
    ("data_services_typo.toml",
     ["data_services_typo.toml:6:", "[data.services]", "unknown service 'Enviroment'"]),
    ("link_codes.toml",
     ["link_codes.toml:4:", "[region.links.0.b]", "unknown council code 'E06000074'",
      "'E06000047' (County Durham)"]),
    ("candidate_ids.toml",
     ["candidate_ids.toml:5:", "council 'E06000044' (Portsmouth) is not in the selected region",
      "candidate_ids.toml:10:", "[constraints.forbidden]", "unknown service 'Enviroment'",
      "candidate id 'Environment-E06000001' is not of the form"]),
])
def test_bad_reference_names_file_line_key_and_a_close_name(name, fragments):
    text = message(name)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def test_all_problems_reported_at_once():
    """candidate_ids.toml has 3 bad references; the valid forced id and pair give no line."""
    lines = message("candidate_ids.toml").splitlines()
    assert len(lines) == 3
    assert not any("E06000003" in line or "E06000001+E06000004'" in line.split("Enviroment")[0]
                   for line in lines)


def test_good_references_pass_and_every_shipped_config_resolves():
    for path in sorted((ROOT / "configs").glob("*.toml")):
        config = load_config(path)
        if (config.region.name or "").startswith("us-"):
            continue
        from sharedopt.data import load_authorities
        from sharedopt.data.services import service_names
        authorities = load_authorities(config.region.selection())
        region = dict(authorities["name"])
        assert reference_problems(config, region, service_names(include_non_council=True)) == [], path


def test_dict_config_is_checked_too():
    """A config built in Python (no file) is checked the same way, the origin named instead of a file."""
    config = config_from_dict({"region": {"name": "north-east"},
                               "constraints": {"forced_pairs": [["E06000001", "E06000002x"]]}},
                              source="api")
    with pytest.raises(ConfigError, match=r"^api: \[constraints.forced_pairs\] unknown council code 'E06000002x'"):
        load_inputs(config)


def test_run_stops_before_enumeration_with_the_message(tmp_path):
    """`run` used to crash with KeyError for [data] services = ["Enviroment"]; now exit 2 and the message."""
    result = runner.invoke(app, ["run", str(BAD / "data_services_typo.toml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "data_services_typo.toml:6:" in result.output
    assert "did you mean 'Environment'?" in result.output
    assert "KeyError" not in result.output
    assert not (tmp_path / "out").exists()


def test_validate_reports_the_same_problem():
    result = runner.invoke(app, ["validate", str(BAD / "max_per_service_typo.toml")])
    assert result.exit_code == 2
    assert "max_per_service_typo.toml:6:" in result.output and "unknown service 'Enviroment'" in result.output


def test_did_you_mean():
    assert did_you_mean("Enviroment", ["Environment", "Education"]) == "; did you mean 'Environment'?"
    assert did_you_mean("Zzz", ["Environment"]) == ""
    # a council's name where a code belongs
    assert "'E08000021'" in did_you_mean("Newcastle", ["E08000021"], {"E08000021": "Newcastle upon Tyne"}, 0.85)
    # two codes equally close: both offered
    hint = did_you_mean("E06000074", ["E06000047", "E06000057", "E06000001"], None, 0.85)
    assert hint == "; did you mean 'E06000047' or 'E06000057'?"


def test_bom_in_toml_is_accepted():
    """A UTF-8 byte-order mark (Notepad) is dropped: the config loads as without it."""
    assert (BAD / "bom.toml").read_bytes()[:3] == b"\xef\xbb\xbf"
    config = load_config(BAD / "bom.toml")
    assert config.region.name == "north-east" and config.data.year == "2023-24"


def test_non_utf8_toml_names_file_line_and_fix():
    with pytest.raises(ConfigError) as info:
        load_config(BAD / "latin1.toml")
    text = str(info.value)
    assert "latin1.toml:2:" in text and "byte 0xa3" in text and "save it as UTF-8" in text


def test_model_services_typo_gets_a_close_name():
    with pytest.raises(ConfigError) as info:
        load_config(BAD / "model_services_typo.toml")
    text = str(info.value)
    assert "model_services_typo.toml" in text and "unknown service 'Enviroment'" in text
    assert "model.services.Enviroment" in text and "did you mean 'Environment'?" in text


def test_command_line_overrides_keep_the_config_file_in_messages(tmp_path):
    """`run --time-limit 5` rebuilt the config and lost its file: the message said 'command-line options'."""
    result = runner.invoke(app, ["run", str(BAD / "governance_override_code.toml"), "--time-limit", "5",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "governance_override_code.toml:7:" in result.output
