"""The evidence register: the shipped file loads and is usable; each bad row is named."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sharedopt.common.errors import DataError
from sharedopt.data.evidence import (BASIS_VALUES, COLUMNS, PARAMETERS, READ_VALUES, load_register,
                                     parameter_names, rows_for, summary)

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"
REORGANISATION_IDS = {"ccn-pwc-2020", "ccn-pwc-2025", "blom-hansen-2016", "chosen-path-2025"}


@pytest.fixture(scope="module")
def register():
    return load_register()


def test_shipped_register_loads_with_its_columns_and_closed_sets(register):
    assert list(register.columns) == ["line", *COLUMNS]
    assert len(register) >= 40
    assert register["id"].is_unique
    assert set(register["basis"]) <= set(BASIS_VALUES)
    assert set(register["read"]) <= set(READ_VALUES)
    assert register["url"].str.match(r"^https?://").all()
    assert (register["quote"].str.len().between(1, 200)).all()


def test_every_row_names_known_parameters_and_has_a_number(register):
    names = parameter_names(register)
    assert all(names.map(lambda ns: len(ns) >= 1 and set(ns) <= set(PARAMETERS)))
    has_number = register[["figure", "low", "high"]].notna().any(axis=1)
    assert has_number.all()


def test_every_parameter_has_rows(register):
    for name in PARAMETERS:
        assert len(rows_for(name, register)) >= 1, name


def test_rows_for_setup_ratio_returns_the_lga_2012_rows(register):
    rows = rows_for("setup_ratio", register)
    ids = set(rows["id"])
    assert {"lga-2012-investment-share-two-year", "lga-2012-investment-ratio"} <= ids
    band = rows.set_index("id").loc["lga-2012-investment-ratio"]
    assert (band["low"], band["high"]) == (0.36, 1.18)
    assert band["basis"] == "derived"
    # the derived band is twice the reported share of two years' savings
    share = rows.set_index("id").loc["lga-2012-investment-share-two-year"]
    assert math.isclose(2 * share["low"], band["low"]) and math.isclose(2 * share["high"], band["high"])


def test_reorganisation_rows_carry_the_ids_other_code_cites(register):
    rows = rows_for("reorganisation", register)
    assert REORGANISATION_IDS <= set(rows["id"])


def test_derived_rows_state_their_arithmetic(register):
    derived = register[register["basis"] == "derived"]
    assert derived["notes"].str.contains(r"\d").all()


def test_good_fixture_reads_numbers_and_lines():
    frame = load_register(FIXTURES / "good.csv")
    assert frame["line"].tolist() == [2, 3, 4]
    assert math.isnan(frame.loc[0, "figure"]) and frame.loc[0, "low"] == 0.36
    assert frame.loc[2, "notes"] == "line one\nline two"
    assert frame.loc[1, "year"] == 2017


def test_summary_groups_by_basis_and_unit_and_uses_range_midpoints():
    frame = load_register(FIXTURES / "good.csv")
    table = summary("setup_ratio", frame)
    assert table[["basis", "unit", "n_rows", "n_figures"]].values.tolist() == [["derived", "ratio", 1, 1]]
    assert math.isclose(table.loc[0, "median"], (0.36 + 1.18) / 2)
    both = summary("success_probability", frame)
    assert both["median"].tolist() == [0.88]


def test_rows_for_an_unknown_parameter_is_refused():
    with pytest.raises(KeyError, match="unknown parameter 'realisation'"):
        rows_for("realisation", load_register(FIXTURES / "good.csv"))


@pytest.mark.parametrize("name, line, field, fix", [
    ("missing_column", 1, "notes", "needs exactly these columns"),
    ("duplicate_id", 4, "'id'", "already used on line 2"),
    ("bad_basis", 3, "'basis'", "achieved, target, projection, estimate, derived"),
    ("bad_read", 3, "'read'", "primary, secondary"),
    ("bad_number", 3, "'figure'", "'88%' is not a number"),
    ("low_above_high", 2, "'low'", "low 2.5 is above high 1.18"),
    ("figure_above_high", 4, "'figure'", "figure 4 is above high 3"),
    ("unknown_parameter", 3, "'parameters'", "unknown parameter 'realisation'"),
    ("no_number", 3, "'figure'", "the row has no number"),
    ("long_quote", 2, "'quote'", "at most 200 characters"),
])
def test_each_bad_row_is_named_by_file_line_field_and_fix(name, line, field, fix):
    path = FIXTURES / f"{name}.csv"
    with pytest.raises(DataError) as caught:
        load_register(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}" in message
    assert field in message
    assert fix in message


def test_an_unknown_column_is_refused_not_dropped(tmp_path):
    text = (FIXTURES / "good.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",comment"
    path = tmp_path / "extra.csv"
    path.write_text("\n".join([text[0], *(line + "," for line in text[1:3])]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 1: the header has unknown column\(s\) comment"):
        load_register(path)


def test_a_missing_register_file_is_named(tmp_path):
    with pytest.raises(DataError, match="evidence register not found"):
        load_register(tmp_path / "nope.csv")
