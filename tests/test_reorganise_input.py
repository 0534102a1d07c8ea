"""Bad reorganisation input is refused before any work, naming the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharedopt.common.errors import ConfigError
from sharedopt.config.schema import config_from_dict, load_config
from sharedopt.reorganisation.run import prepare

NORFOLK = Path(__file__).resolve().parents[1] / "configs" / "reorganisation" / "norfolk.toml"
HEAD = '''name = "t"
[region]
name = "norfolk"
[reorganisation]
{rules}
[[reorganisation.proposals]]
name = "test"
source = "https://example.org/proposal"
'''


def _unit(name, members):
    quoted = ", ".join(f'"{m}"' for m in members)
    return f'[[reorganisation.proposals.unitaries]]\nname = "{name}"\nmembers = [{quoted}]\n'


def _write(tmp_path, units, rules="max_unitaries = 3"):
    path = tmp_path / "norfolk-bad.toml"
    path.write_text(HEAD.format(rules=rules) + "".join(_unit(n, m) for n, m in units))
    return path


WEST = ["King's Lynn and West Norfolk", "Breckland", "North Norfolk"]
EAST = ["Norwich", "Broadland", "South Norfolk", "Great Yarmouth"]


def _line(path, text):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_council_in_two_unitaries(tmp_path):
    path = _write(tmp_path, [("West", WEST), ("East", EAST + ["Breckland"])])
    with pytest.raises(ConfigError) as err:
        prepare(load_config(path))
    message = str(err.value)
    assert f"{path}:" in message and "Breckland" in message and "two unitaries" in message
    assert "'West'" in message and "'East'" in message and "members" in message


def test_council_in_no_unitary(tmp_path):
    path = _write(tmp_path, [("West", WEST), ("East", EAST[:-1])])
    with pytest.raises(ConfigError) as err:
        prepare(load_config(path))
    message = str(err.value)
    assert f"{path}:{_line(path, '[[reorganisation.proposals]]')}" in message
    assert "Great Yarmouth (E07000145) in no unitary" in message


def test_unitary_not_contiguous_without_link(tmp_path):
    split = [("Ends", ["King's Lynn and West Norfolk", "Great Yarmouth"]),
             ("Middle", ["Breckland", "North Norfolk", "Norwich", "Broadland", "South Norfolk"])]
    path = _write(tmp_path, split)
    with pytest.raises(ConfigError) as err:
        prepare(load_config(path))
    message = str(err.value)
    assert "'Ends'" in message and "not contiguous" in message and "[[region.links]]" in message
    assert f"{path}:{_line(path, 'King')}" in message


def test_unknown_council_named_with_a_hint(tmp_path):
    path = _write(tmp_path, [("West", ["Kings Lynn and West Norfolk", "Breckland", "North Norfolk"]),
                             ("East", EAST)])
    with pytest.raises(ConfigError, match="did you mean 'King's Lynn and West Norfolk'"):
        prepare(load_config(path))


def test_bounds_no_structure_can_meet_say_the_nearest(tmp_path):
    path = _write(tmp_path, [("West", WEST), ("East", EAST)],
                  rules="max_unitaries = 3\npopulation_min = 1000000")
    with pytest.raises(ConfigError) as err:
        prepare(load_config(path))
    message = str(err.value)
    # Norfolk has 925,299 residents: one unitary of everyone is the largest possible
    assert "population_min = 925299" in message and str(path) in message


def test_upper_bound_too_tight_names_the_nearest_maximum(tmp_path):
    path = _write(tmp_path, [("West", WEST), ("East", EAST)],
                  rules="max_unitaries = 2\npopulation_min = 0\npopulation_max = 300000")
    with pytest.raises(ConfigError) as err:
        prepare(load_config(path))
    message = str(err.value)
    assert "population_max = " in message
    nearest = int(message.split("population_max = ")[1].split(" ")[0])
    assert 925299 / 2 <= nearest < 925299  # two unitaries: the larger holds at least half


def test_the_shipped_config_is_accepted():
    area, proposals, *_ = prepare(load_config(NORFOLK))
    assert len(proposals) == 1 and sorted(proposals[0].unitaries[0]) == area.blocks


def test_a_county_named_as_a_neighbouring_unitary_is_refused():
    config = config_from_dict({"region": {"name": "norfolk"}, "reorganisation": {"unitaries": ["Suffolk"]}})
    with pytest.raises(ConfigError, match="'Suffolk' is a county, not a unitary"):
        prepare(config)
