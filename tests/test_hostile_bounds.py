"""Bounded work, plausibility on the console, and the small refusals of hostile-input testing.

Each test feeds one careless or hostile input to the real CLI or API and checks the
message: devices and huge files as inputs, a mount point as ``--out``, a billion Monte
Carlo draws, spend in £ instead of £k, misspelled CSV columns, empty lists, damaged
runs given to ``compare``, candidate ids written out of order, API misuse.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

import sharedopt as so
from sharedopt.cli import app
from sharedopt.common.errors import ConfigError, DataError
from sharedopt.common.files import MAX_INPUT_BYTES
from sharedopt.config.schema import MAX_DRAWS, config_from_dict, load_config
from sharedopt.data import DataQuality, load_costs
from sharedopt.data.authorities import load_user_boundaries
from sharedopt.data.services import service_names
from sharedopt.pipeline.references import reference_problems
from sharedopt.pipeline.steps import enumerate_candidates
from sharedopt.results.compare import compare_dirs

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "fixtures" / "bad_inputs"
CELLS = ROOT / "tests" / "fixtures" / "hostile_cells"
runner = CliRunner(env={"COLUMNS": "250"})


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused_before_work(result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    for text in expected:
        assert text in result.output, result.output
    assert "cost rows" not in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- bounded inputs


def test_a_device_as_costs_csv_is_refused_not_read(tmp_path):
    config = _config(tmp_path, '[region]\nname = "north-east"\n[data]\ncosts_csv = "/dev/zero"\n')
    _refused_before_work(runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "o")]),
                         "error: /dev/zero: is not a regular file (a device, a pipe or a socket); give the path "
                         "of a costs CSV saved as a file")
    assert not (tmp_path / "o").exists()


def test_a_device_as_readiness_file_boundary_file_or_config_is_refused(tmp_path):
    config = _config(tmp_path, '[region]\nname = "north-east"\n[readiness]\nfile = "/dev/zero"\n')
    _refused_before_work(runner.invoke(app, ["validate", str(config)]),
                         "error: /dev/zero: is not a regular file (a device, a pipe or a socket); give the path "
                         "of a readiness file saved as a file")
    _refused_before_work(runner.invoke(app, ["validate", "/dev/zero"]),
                         "error: /dev/zero: is not a regular file", "config file")
    config = _config(tmp_path, '[region]\nboundary_file = "/dev/zero"\n')
    _refused_before_work(runner.invoke(app, ["validate", str(config)]),
                         "error: /dev/zero: is not a regular file (a device, a pipe or a socket); give the path "
                         "of a boundary file saved as a file")


def test_a_file_over_the_size_limit_is_refused_by_its_size(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: nothing is written to disk
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=huge)
    assert str(info.value) == (f"{huge}: the costs CSV is 1,024 MiB, more than the 1,024 MiB sharedopt reads; "
                               "give a smaller file (fewer rows, or simplified boundaries)")


def test_a_mount_point_as_out_is_refused_before_work():
    mount = Path("/dev/shm")
    if not (mount.is_dir() and os.path.ismount(mount)):
        pytest.skip("no /dev/shm mount point here")
    _refused_before_work(runner.invoke(app, ["run", "--out", str(mount)]),
                         f"error: {mount} is a mount point; sharedopt replaces its output folder whole (by "
                         f"renaming it), which a mount point cannot be: give a folder inside it, e.g. "
                         f"{mount / 'report'} (--out)")


def test_uncertainty_on_the_command_line_has_the_config_cap(tmp_path):
    result = runner.invoke(app, ["run", "--uncertainty", "1000000000", "--out", str(tmp_path / "o")])
    _refused_before_work(result, f"error: --uncertainty: 1,000,000,000 Monte Carlo draws is outside 0 to "
                                 f"{MAX_DRAWS:,} (the cap of [uncertainty] draws, which bounds the work)")
    assert not (tmp_path / "o").exists()


def test_the_api_checks_draws_before_any_work():
    config = load_config(ROOT / "configs" / "north-east.toml")
    with pytest.raises(ConfigError, match="draws: 1,000,000,000 Monte Carlo draws is outside 0 to 100,000"):
        so.run(config, draws=10**9)
    with pytest.raises(ConfigError, match=r"uncertainty\(n=...\): 0 Monte Carlo draws is outside 1 to 100,000"):
        so.uncertainty(so.Scenario(config), 0, {})


# --------------------------------------------------------------------------- plausibility


def test_spend_in_pounds_is_refused():
    """Spend in £ where £k is expected used to run to an NPV of £58bn, exit 0."""
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=BAD / "spend_in_pounds.csv", quality=DataQuality())
    assert str(info.value).startswith(f"{BAD / 'spend_in_pounds.csv'}: row 2 (E06000001), field 'Environment': net spend "
                                      "9,531,000 £k is £101,544 a resident, over 100 times the national range")
    assert "spend is in £ thousand: check the value and its units" in str(info.value)


def test_spend_ten_times_the_range_is_a_console_warning(tmp_path):
    config = _config(tmp_path, f'[region]\nname = "north-east"\n[data]\ncosts_csv = "{BAD / "spend_30_times.csv"}"\n')
    result = runner.invoke(app, ["validate", str(config)])
    assert result.exit_code == 0, result.output
    assert (f"warning: {BAD / 'spend_30_times.csv'}: implausible spend for E06000001 Environment: £3,046 a "
            "resident, over 10 times the national range (99th percentile £258 a resident); kept, but check the "
            "values and their units (£ thousand); every one is listed in data_quality.csv") in result.output


# --------------------------------------------------------------------------- small refusals


def test_a_misspelled_costs_column_is_refused(tmp_path):
    text = (BAD / "good_costs_ne.csv").read_text(encoding="utf-8").splitlines()
    rows = [text[0] + ",estimatd"] + [line + ",true" for line in text[1:]]
    path = tmp_path / "costs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=path)
    assert str(info.value) == (f"{path}: line 1: column 'estimatd' is not a costs CSV column; did you mean "
                               "'estimated'? (columns read: authority, service, year, net_expenditure_gbp_k, "
                               "estimated; other columns are ignored); rename it")


@pytest.mark.parametrize(("text", "line", "key"), [
    ('[region]\nname = "north-east"\n[report]\nformats = []\n', 4, "report.formats"),
    ('[region]\ncodes = []\n', 2, "region.codes"),
    ('[region]\nname = "north-east"\n[data]\nservices = []\n', 4, "data.services"),
])
def test_an_empty_list_is_refused_at_its_line(tmp_path, text, line, key):
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (f"{path}:{line}: [{key}] an empty list is not allowed: give at least one value, "
                               "or leave the key out for the default")


@pytest.mark.parametrize(("content", "expected"), [
    (b'authority,sponsor\n"E06000047,yes\n', "cannot read the readiness file as CSV (Error tokenizing data."),
    (b"\xff\xfeauthority,sponsor\n", "the readiness file is not UTF-8 text (byte 0); save it as CSV UTF-8"),
])
def test_readiness_file_errors_name_the_file(tmp_path, content, expected):
    (tmp_path / "r.csv").write_bytes(content)
    path = _config(tmp_path, '[region]\nname = "north-east"\n[readiness]\nfile = "r.csv"\n')
    with pytest.raises(DataError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{tmp_path / 'r.csv'}: {expected}")


def test_a_boundary_file_error_lists_a_bounded_number_of_fields(tmp_path):
    square = [[[0, 0], [0, 0.1], [0.1, 0.1], [0.1, 0], [0, 0]]]
    props = {f"column_{i}": i for i in range(5000)}
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": square}}]}))
    with pytest.raises(DataError) as info:
        load_user_boundaries(path)
    assert len(str(info.value)) < 600
    assert "field 'code' is missing (fields: column_0, column_1," in str(info.value)
    assert "and 4,988 more)" in str(info.value)


def test_a_workbook_given_as_a_boundary_file_gets_a_short_message(tmp_path):
    """A 1.1 MB workbook given as a boundary file produced a 25.9 MB message (every cell's field name)."""
    workbook = Workbook()
    for row in range(5):
        workbook.active.append([f"value {row}.{column}" for column in range(40)])
    path = tmp_path / "boundaries.xlsx"
    workbook.save(path)
    with pytest.raises(DataError) as info:
        load_user_boundaries(path)
    assert len(str(info.value)) < 400, str(info.value)
    assert str(info.value).startswith(f"{path}: field 'code' is missing (fields: ")
    assert " and 28 more); name the fields in [region] code_field/name_field/population_field" in str(info.value)


# --------------------------------------------------------------------------- candidate ids


def _problems(constraints: dict, model: dict | None = None) -> list[str]:
    config = config_from_dict({"region": {"name": "north-east"}, "constraints": constraints,
                               "model": model or {}}, source="test")
    region = {"E06000001": "Hartlepool", "E06000004": "Stockton-on-Tees"}
    return [p.message for p in reference_problems(config, region, service_names(include_non_council=True))]


def test_a_forced_id_with_its_councils_out_of_order_is_refused_with_the_fix():
    assert _problems({"forced": ["Central_Services|E06000004+E06000001"]}) == [
        "candidate id 'Central_Services|E06000004+E06000001': its councils are out of order; write "
        "'Central_Services|E06000001+E06000004' (ids list the codes sorted, as in candidates.csv)"]


def test_an_override_with_its_councils_out_of_order_is_refused_with_the_fix():
    problems = _problems({}, {"realisation_overrides": {"Environment|E06000004+E06000001@pooled": {"base": 0.6}}})
    assert problems == ["candidate id 'Environment|E06000004+E06000001@pooled': its councils are out of order; "
                        "write 'Environment|E06000001+E06000004@pooled' (ids list the codes sorted, as in "
                        "candidates.csv)"]


@pytest.mark.parametrize(("forced", "expected"), [
    ("Environment|E06000001+E06000057", "candidate 'Environment|E06000001+E06000057' is not a connected group of "
                                        "bodies delivering its service(s); check the id (see candidates.csv)"),
    ("Whole_Organisation|E06000001+E06000057", "'Whole_Organisation|E06000001+E06000057' is not 2..3 neighbouring "
                                               "councils of one tier class of this region (see candidates.csv)"),
])
def test_a_forced_group_that_cannot_be_is_refused_at_its_line(tmp_path, north_east_inputs, forced, expected):
    """These named neither the file nor the line."""
    path = _config(tmp_path, f'[region]\nname = "north-east"\n[model]\nmax_group_size = 3\n'
                             f'[constraints]\nforced = ["{forced}"]\n')
    with pytest.raises(ConfigError) as info:
        enumerate_candidates(north_east_inputs, load_config(path), with_shares=False)
    assert str(info.value) == f"{path}:6: [constraints.forced] {expected}"


def test_generation_with_a_setting_it_cannot_honour_is_refused_at_its_line(tmp_path, north_east_inputs):
    path = _config(tmp_path, '[region]\nname = "north-east"\n[model]\nmax_group_size = 3\ncandidates = "generate"\n'
                             '[constraints]\nmax_payback_years = 5\n')
    with pytest.raises(ConfigError) as info:
        enumerate_candidates(north_east_inputs, load_config(path), with_shares=False)
    assert str(info.value).startswith(f"{path}:5: [model.candidates] candidates = \"generate\" cannot be used with "), \
        str(info.value)
    assert "constraints.max_payback_years" in str(info.value)


def test_a_forced_whole_organisation_id_is_accepted():
    assert _problems({"forced": ["Whole_Organisation|E06000001+E06000004"]}) == []


# --------------------------------------------------------------------------- compare and the API


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "out"
    result = runner.invoke(app, ["run", str(CELLS / "hostile_cells.toml"), "--out", str(out), "--format", "csv,json"])
    assert result.exit_code == 0, result.output
    return out


def _damaged(small_run: Path, tmp_path: Path) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(small_run, bad)
    return bad


def test_compare_names_a_blank_candidate_id(small_run, tmp_path):
    bad = _damaged(small_run, tmp_path)
    lines = (bad / "portfolio.csv").read_text(encoding="utf-8").split("\n")
    lines[1] = "," + lines[1].split(",", 1)[1]
    (bad / "portfolio.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"portfolio.csv: line 2: blank candidate_id, so the file is damaged; run "):
        compare_dirs(small_run, bad)


def test_compare_reads_a_numeric_candidate_id_as_an_id(small_run, tmp_path):
    bad = _damaged(small_run, tmp_path)
    lines = (bad / "portfolio.csv").read_text(encoding="utf-8").split("\n")
    lines[1] = "12345," + lines[1].split(",", 1)[1]
    (bad / "portfolio.csv").write_text("\n".join(lines), encoding="utf-8")
    diff = compare_dirs(small_run, bad)
    assert "12345" in set(diff["portfolio differences"]["candidate_id"])


def test_compare_names_a_deeply_nested_summary(small_run, tmp_path):
    bad = _damaged(small_run, tmp_path)
    (bad / "summary.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataError, match="summary.json: nested too deeply to be a summary written by sharedopt"):
        compare_dirs(small_run, bad)


def test_a_realisation_override_that_matches_no_candidate_is_said(tmp_path):
    text = (CELLS / "hostile_cells.toml").read_text(encoding="utf-8").replace(
        '"boundaries.geojson"', f'"{CELLS / "boundaries.geojson"}"').replace('"costs.csv"', f'"{CELLS / "costs.csv"}"')
    text += '\n[model.realisation_overrides."Environment|E06900001+E06900003"]\nbase = 0.9\n'
    config = load_config(_config(tmp_path, text))
    with pytest.warns(UserWarning, match=r"\[model.realisation_overrides\] 'Environment\|E06900001\+E06900003' "
                                         "matches no candidate kept"):
        so.run(config.model_copy(update={"report": config.report.model_copy(update={"top_n": 0})}))


def test_api_misuse_gets_a_message_not_a_traceback():
    with pytest.raises(TypeError, match=r"run\(\) takes a RunConfig or a Scenario, not str 'configs/x.toml'; load "):
        so.run("configs/x.toml")
    scenario = so.Scenario(load_config(ROOT / "configs" / "north-east.toml"))
    with pytest.raises(ValueError, match="sweep: the grid is empty; give dotted keys with lists of values"):
        so.sweep(scenario, {})
    with pytest.raises(ValueError, match="sweep: 'constraints.governance_capacity' needs a non-empty list of values"):
        so.sweep(scenario, {"constraints.governance_capacity": 2})


def test_outputs_name_input_files_without_their_folder(small_run):
    """The boundary file's absolute path was written into summary.json and the report."""
    summary = json.loads((small_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["region"] == "boundaries.geojson"
    for path in small_run.iterdir():
        assert str(CELLS) not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_a_long_header_is_not_echoed_whole(tmp_path):
    """An arbitrary file given as the costs CSV: its first line was echoed in full in the message."""
    path = tmp_path / "costs.csv"
    path.write_text(",".join(f"column_{i}_" + "x" * 100 for i in range(200)) + "\n1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=path)
    message = str(info.value)
    assert len(message) < 1000, len(message)
    assert message.startswith(f"{path}: line 2 has 1 fields but the header has 200 (column_0_xxx")
    assert "... and 188 more); fill in the missing values" in message


def test_a_long_value_is_not_echoed_whole(tmp_path):
    """A 50,000-character cell was echoed in full in the message."""
    costs = tmp_path / "costs.csv"
    costs.write_text("authority,service,year,net_expenditure_gbp_k\nE06000047," + "Q" * 50_000 + ",2023-24,5\n",
                     encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=costs)
    assert str(info.value).startswith(f"{costs}: row 2, field 'service': unknown service '{'Q' * 60}... (50,000 "
                                      "characters)'; use one of Education,")
    (tmp_path / "r.csv").write_text("authority,sponsor\nE06000047," + "y" * 50_000 + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_config(_config(tmp_path, '[region]\nname = "north-east"\n[readiness]\nfile = "r.csv"\n'))
    assert str(info.value) == (f"{tmp_path / 'r.csv'}: line 2, field sponsor: '{'y' * 60}... (50,000 characters)' "
                               "is not yes, no or unknown; write one of those (blank = unknown)")


def test_a_near_zero_area_boundary_is_refused(tmp_path):
    """A sliver (about 1 m across) touching two councils was accepted and changed who borders whom."""
    data = json.loads((BAD / "boundaries_good.geojson").read_text(encoding="utf-8"))
    x, y = data["features"][0]["geometry"]["coordinates"][0][0]
    sliver = [[[x, y], [x, y + 1e-5], [x + 1e-5, y + 1e-5], [x + 1e-5, y], [x, y]]]
    data["features"].append({"type": "Feature", "properties": {"code": "E06900009", "name": "Sliver",
                                                               "population": 10},
                             "geometry": {"type": "Polygon", "coordinates": sliver}})
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_user_boundaries(path)
    assert str(info.value).startswith(f"{path}: code E06900009, field 'geometry': its area is 7.2e-07 km², under "
                                      "the 0.01 km² any council covers (the smallest, the City of London, is 2.9 km²)")
