"""Every bad input gives a DataError whose message names the file, the row/code and the field.

Fixtures live in tests/fixtures/bad_inputs/ (see the README there): each bad
file is ``good_costs_ne.csv`` or ``boundaries_good.geojson`` with exactly one
defect, so the good file passing is the control for every failing one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sharedopt.data import load_authorities, load_costs, load_user_boundaries, read_cost_csv
from sharedopt.common.errors import DataError

BAD = Path(__file__).parent / "fixtures" / "bad_inputs"
NE_CODES = [
    "E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000047",
    "E06000057", "E08000021", "E08000022", "E08000023", "E08000024", "E08000037",
]


def raises(call, *fragments: str) -> str:
    """Run ``call``; it must raise DataError whose message contains every fragment."""
    with pytest.raises(DataError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def ne_costs(name: str):
    return lambda: load_costs("north-east", costs_csv=BAD / name)


# --------------------------------------------------------------------------- controls

def test_good_fixture_matches_the_embedded_data():
    """good_costs_ne.csv is the embedded 2023-24 outturn for 2 services of the 12 NE councils."""
    good = pd.read_csv(BAD / "good_costs_ne.csv", dtype={"year": str})
    assert sorted(good["authority"].unique()) == NE_CODES
    assert set(good["service"]) == {"Environment", "Housing"}
    embedded = load_costs("north-east").set_index(["authority", "service"])["net_expenditure_gbp_k"]
    for row in good.itertuples():
        assert row.net_expenditure_gbp_k == pytest.approx(embedded[(row.authority, row.service)])


def test_good_costs_csv_loads():
    costs = load_costs("north-east", costs_csv=BAD / "good_costs_ne.csv")
    assert len(costs) == 24
    assert sorted(costs["authority"].unique()) == NE_CODES
    assert not costs["estimated"].any()
    assert costs["eligible"].all()


def test_good_boundaries_load():
    gdf = load_user_boundaries(BAD / "boundaries_good.geojson")
    assert list(gdf.index) == ["E06900001", "E06900002", "E06900003"]
    assert list(gdf["population"]) == [50000, 100000, 150000]
    assert gdf.crs.to_epsg() == 4326
    # 0.1 x 0.1 degree squares at 54.5N: about 6.5 km x 11.1 km.
    assert gdf["area_km2"].between(60, 85).all()


# --------------------------------------------------------------------------- costs CSV

def test_missing_costs_file():
    path = BAD / "no_such_costs.csv"
    raises(lambda: load_costs("north-east", costs_csv=path), str(path), "costs CSV not found")


def test_unknown_service():
    raises(ne_costs("unknown_service.csv"), "unknown_service.csv", "row 6", "field 'service'",
           "'Enviroment'", "Environment")


def test_nan_spend_names_the_row():
    raises(ne_costs("nan_spend.csv"), "nan_spend.csv", "row 7", "E06000003",
           "field 'net_expenditure_gbp_k'", "missing or not a number")


def test_non_numeric_spend():
    raises(ne_costs("non_numeric_spend.csv"), "non_numeric_spend.csv", "row 9", "E06000004",
           "field 'net_expenditure_gbp_k'", "'£6341'", "not a number")


def test_wrong_units_column():
    message = raises(ne_costs("wrong_units.csv"), "wrong_units.csv", "'net_expenditure_gbp_k'",
                     "'net_expenditure_gbp'", "£ thousand")
    assert "missing" in message


def test_missing_column_without_a_unit_hint(tmp_path):
    path = tmp_path / "no_year.csv"
    pd.read_csv(BAD / "good_costs_ne.csv").drop(columns="year").to_csv(path, index=False)
    message = raises(lambda: read_cost_csv(path), str(path), "required column 'year' is missing")
    assert "£ thousand" not in message


def test_duplicate_row():
    raises(ne_costs("duplicate_row.csv"), "duplicate_row.csv", "row 26", "duplicate",
           "authority=E06000005", "service=Environment", "year=2023-24")


def test_malformed_gss_code():
    raises(ne_costs("malformed_code.csv"), "malformed_code.csv", "row 12", "field 'authority'",
           "'E6000047'", "not a GSS code")


def test_code_in_costs_without_a_boundary():
    raises(ne_costs("code_not_in_region.csv"), "code_not_in_region.csv", "E06999999",
           "no boundary")


def test_region_code_without_cost_rows():
    raises(ne_costs("missing_authority.csv"), "missing_authority.csv", "E08000037",
           "no cost rows")


def test_rows_for_other_regions_are_left_out_not_an_error():
    """A national CSV is filtered to the region: a known code outside it is not a defect."""
    costs = load_costs(NE_CODES[:2], costs_csv=BAD / "good_costs_ne.csv")
    assert sorted(costs["authority"].unique()) == NE_CODES[:2]


def test_empty_costs_csv(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("authority,service,year,net_expenditure_gbp_k\n")
    raises(lambda: read_cost_csv(path), str(path), "no rows")


def test_costs_csv_without_the_requested_year():
    raises(lambda: load_costs("north-east", year=2019, costs_csv=BAD / "good_costs_ne.csv"),
           "good_costs_ne.csv", "'2019-20'")


def test_row_numbers_are_file_lines():
    """The row number in a message is the line in the file (header = line 1)."""
    lines = (BAD / "nan_spend.csv").read_text().splitlines()
    message = raises(ne_costs("nan_spend.csv"))
    row = int(re.search(r"row (\d+)", message).group(1))
    assert lines[row - 1].startswith("E06000003,Housing,2023-24,")
    assert lines[row - 1].split(",")[3] == ""


# --------------------------------------------------------------------------- region lists

def test_unknown_gss_code_in_region_list():
    raises(lambda: load_authorities(["E06000001", "E06999999"]), "region", "unknown GSS code",
           "E06999999")


def test_duplicate_code_in_region_list():
    message = raises(lambda: load_authorities(["E06000001", "E06000002", "E06000001"]),
                     "region", "duplicate", "E06000001")
    assert "E06000002" not in message


def test_unknown_region_name():
    raises(lambda: load_authorities("north-easst"), "region", "'north-easst'", "north-east")


# --------------------------------------------------------------------------- user boundaries

def test_boundary_file_without_crs():
    raises(lambda: load_user_boundaries(BAD / "boundaries_no_crs.csv"), "boundaries_no_crs.csv",
           "no CRS", "EPSG:27700")


def test_boundary_file_with_empty_geometry():
    raises(lambda: load_user_boundaries(BAD / "boundaries_empty_geometry.geojson"),
           "boundaries_empty_geometry.geojson", "feature 2", "E06900002", "field 'geometry'",
           "empty or missing geometry")


def test_boundary_file_with_duplicate_code():
    raises(lambda: load_user_boundaries(BAD / "boundaries_duplicate_code.geojson"),
           "boundaries_duplicate_code.geojson", "duplicate code 'E06900001'", "field 'code'")


def test_boundary_file_with_missing_field():
    raises(lambda: load_user_boundaries(BAD / "boundaries_missing_field.geojson"),
           "boundaries_missing_field.geojson", "field 'population' is missing", "population_field")


def test_boundary_field_names_are_configurable(tmp_path):
    """A differently named field loads when named: the error above really is about the name."""
    text = (BAD / "boundaries_good.geojson").read_text().replace('"population"', '"residents"')
    path = tmp_path / "residents.geojson"
    path.write_text(text)
    raises(lambda: load_user_boundaries(path), str(path), "field 'population' is missing")
    gdf = load_user_boundaries(path, population_field="residents")
    assert list(gdf["population"]) == [50000, 100000, 150000]


def test_missing_boundary_file():
    path = BAD / "no_such_boundaries.geojson"
    raises(lambda: load_user_boundaries(path), str(path), "boundary file not found")


def test_boundary_population_must_be_positive(tmp_path):
    text = (BAD / "boundaries_good.geojson").read_text().replace('"population": 100000', '"population": 0')
    path = tmp_path / "zero_population.geojson"
    path.write_text(text)
    raises(lambda: load_user_boundaries(path), str(path), "E06900002", "field 'population'",
           "not positive")


# --------------------------------------------------------------------------- parser errors

def test_zero_byte_costs_csv():
    """Was pandas' 'No columns to parse from file' with no file name."""
    raises(ne_costs("empty_costs.csv"), "empty_costs.csv", "is empty (0 bytes)", "header line")


def test_latin1_costs_csv_names_line_and_fix():
    """Was "'utf-8' codec can't decode byte 0xa3 in position 9"."""
    raises(ne_costs("latin1_costs.csv"), "latin1_costs.csv: line 4", "not UTF-8", "0xa3", "'£'",
           "save it as CSV UTF-8")


def test_workbook_given_as_costs_csv():
    """An .xlsx given as costs_csv was a UnicodeDecodeError."""
    assert (BAD / "costs_workbook.xlsx").read_bytes()[:2] == b"PK"
    raises(ne_costs("costs_workbook.xlsx"), "costs_workbook.xlsx", "Excel workbook (.xlsx)",
           "not a CSV", "CSV UTF-8")


def test_unquoted_thousands_separator_names_the_line():
    """Was 'Error tokenizing data. C error: Expected 4 fields in line 5, saw 5' (or, on the first
    data line, pandas took the codes as an index and blamed the authority field)."""
    message = raises(ne_costs("thousands_unquoted.csv"), "thousands_unquoted.csv: line 5", "5 fields",
                     "header has 4", "'6,350'", "quote numbers with thousands separators or remove the comma")
    assert "authority'" not in message


def test_unquoted_thousands_separator_on_the_first_data_line(tmp_path):
    lines = (BAD / "good_costs_ne.csv").read_text().splitlines()
    lines[1] = "E06000001,Environment,2023-24,9,531"
    path = tmp_path / "first.csv"
    path.write_text("\n".join(lines) + "\n")
    raises(lambda: load_costs("north-east", costs_csv=path), "first.csv: line 2", "'9,531'",
           "remove the comma")


def test_quoted_thousands_separator_is_read_as_a_number():
    costs = load_costs("north-east", costs_csv=BAD / "thousands_quoted.csv").set_index(["authority", "service"])
    assert costs.loc[("E06000002", "Housing"), "net_expenditure_gbp_k"] == 6350.0


def test_utf8_bom_costs_csv_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (BAD / "good_costs_ne.csv").read_bytes())
    assert len(load_costs("north-east", costs_csv=path)) == 24


# --------------------------------------------------------------------------- silent gaps

def test_missing_authority_service_row_is_an_error():
    """One (authority, service) row removed used to load (23 rows) and drop that council's partnerships."""
    raises(ne_costs("missing_service_row.csv"), "missing_service_row.csv", "1 missing (authority, service)",
           "(E06000004, Environment)", "0 if the authority does not spend")


def test_estimated_must_be_a_boolean():
    """'maybe' was read as False."""
    raises(ne_costs("estimated_maybe.csv"), "estimated_maybe.csv", "row 7", "field 'estimated'", "'maybe'",
           "true or false")


@pytest.mark.parametrize("words, expected", [(["TRUE", "yes", "1"], True), (["false", "No", "0", ""], False)])
def test_estimated_accepts_boolean_words(tmp_path, words, expected):
    lines = (BAD / "good_costs_ne.csv").read_text().splitlines()
    out = [lines[0] + ",estimated"] + [f"{line},{words[i % len(words)]}" for i, line in enumerate(lines[1:])]
    path = tmp_path / "est.csv"
    path.write_text("\n".join(out) + "\n")
    costs = load_costs("north-east", costs_csv=path)
    assert (costs["estimated"] == expected).all()


# --------------------------------------------------------------------------- boundaries that cannot be right (item 10)

def test_bng_metres_declared_as_lonlat():
    """Was accepted by validate, then 'figure size must be positive finite' 35 s into run."""
    raises(lambda: load_user_boundaries(BAD / "boundaries_bng_as_4326.geojson"),
           "boundaries_bng_as_4326.geojson", "feature 1 (E06900001)", "field 'geometry'",
           "(432,400, 511,746)", "outside longitude -180..180", "EPSG:4326",
           "these look like British National Grid metres: set the CRS to EPSG:27700")


def test_lonlat_declared_as_bng():
    """Was accepted with areas of 0.0 km² at a point in the sea off Cornwall."""
    raises(lambda: load_user_boundaries(BAD / "boundaries_lonlat_as_27700.geojson"),
           "boundaries_lonlat_as_27700.geojson", "EPSG:27700", "look like longitude/latitude degrees",
           "set the CRS to EPSG:4326")


def test_point_geometries_are_refused():
    """Points gave an empty 'proven optimal' result."""
    raises(lambda: load_user_boundaries(BAD / "boundaries_points.geojson"), "boundaries_points.geojson",
           "feature 1 (E06900001)", "is a Point, not a polygon", "3 of 3 features", "Polygon or MultiPolygon")


def test_line_feature_is_named():
    raises(lambda: load_user_boundaries(BAD / "boundaries_line_feature.geojson"),
           "boundaries_line_feature.geojson", "feature 2 (E06900002)", "is a LineString")


def test_zero_area_polygon_is_refused_after_repair():
    raises(lambda: load_user_boundaries(BAD / "boundaries_zero_area.geojson"), "boundaries_zero_area.geojson",
           "feature 3 (E06900003)", "has no area even after repair")


def test_blank_boundary_code():
    raises(lambda: load_user_boundaries(BAD / "boundaries_blank_code.geojson"),
           "boundaries_blank_code.geojson", "feature 1", "field 'code'", "the code is missing")


def test_duplicate_boundary_code_names_both_features():
    raises(lambda: load_user_boundaries(BAD / "boundaries_duplicate_code.geojson"), "features 1, 3")


def test_bng_file_declared_as_bng_loads(tmp_path):
    """Control: the same BNG coordinates with the right CRS load, and match the lon/lat squares."""
    import json
    data = json.loads((BAD / "boundaries_bng_as_4326.geojson").read_text())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path = tmp_path / "bng.geojson"
    path.write_text(json.dumps(data))
    gdf = load_user_boundaries(path)
    good = load_user_boundaries(BAD / "boundaries_good.geojson")
    assert gdf["area_km2"].to_numpy() == pytest.approx(good["area_km2"].to_numpy(), rel=1e-3)


def test_validate_stops_on_bng_declared_as_lonlat(tmp_path):
    """`sharedopt validate` used to say OK for this file."""
    from typer.testing import CliRunner

    from sharedopt.cli import app

    config = tmp_path / "bng.toml"
    config.write_text(f'[region]\nboundary_file = "{BAD / "boundaries_bng_as_4326.geojson"}"\n'
                      f'[data]\ncosts_csv = "{BAD / "good_costs_ne.csv"}"\n')
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["validate", str(config)])
    assert result.exit_code == 2
    assert "set the CRS to EPSG:27700" in result.output


def test_unknown_region_and_code_get_a_close_name():
    raises(lambda: load_authorities("north-eats"), "unknown region 'north-eats'", "did you mean 'north-east'?")
    raises(lambda: load_authorities(["E06000001", "Hartlepol"]), "unknown GSS code(s) Hartlepol",
           "did you mean 'E06000001' (Hartlepool)?")


def test_trailing_commas_name_the_line(tmp_path):
    lines = (BAD / "good_costs_ne.csv").read_text().splitlines()
    lines[3] += ",,"
    path = tmp_path / "trailing.csv"
    path.write_text("\n".join(lines) + "\n")
    raises(lambda: load_costs("north-east", costs_csv=path), "trailing.csv: line 4 has 6 fields",
           "ends with extra commas; remove them")
