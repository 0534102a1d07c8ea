"""Silent data gaps: blank returns carried forward and labelled, implausible spend.

Fixtures: tests/fixtures/bad_inputs/absurd_spend.csv (1e12 £k) and spend_in_pounds.csv
(Hartlepool's Environment spend entered in £, 1000 times too large).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sharedopt.config.schema import config_from_dict
from sharedopt.data import DataQuality, load_costs
from sharedopt.data.plausibility import national_range
from sharedopt.common.errors import DataError
from sharedopt.pipeline.sequencer import run

BAD = Path(__file__).parent / "fixtures" / "bad_inputs"
BIRMINGHAM = "E08000025"
BLACK_COUNTRY = [BIRMINGHAM, "E08000027", "E08000028", "E08000029", "E08000030"]


def test_absurd_spend_is_refused():
    """1e12 £k for Hartlepool's Environment used to give an NPV of trillions without a word."""
    with pytest.raises(DataError) as info:
        load_costs("north-east", costs_csv=BAD / "absurd_spend.csv")
    text = str(info.value)
    for fragment in ("absurd_spend.csv", "E06000001", "field 'Environment'", "1,000,000,000,000 £k",
                     "a resident", "national range", "£ thousand"):
        assert fragment in text, f"{fragment!r} not in {text!r}"


def test_spend_far_outside_the_national_range_is_flagged_and_kept():
    quality = DataQuality()
    with pytest.warns(UserWarning, match="implausible spend for E06000001 Environment"):
        costs = load_costs("north-east", costs_csv=BAD / "spend_30_times.csv", quality=quality)
    report = quality.to_frame()
    flagged = report[report["issue"].str.startswith("implausible spend")]
    assert list(zip(flagged["code"], flagged["field"])) == [("E06000001", "Environment")]
    assert "over 10 times the national range" in flagged["issue"].iloc[0]
    assert "check the value and its units" in flagged["action"].iloc[0]
    assert costs.set_index(["authority", "service"]).loc[("E06000001", "Environment"),
                                                         "net_expenditure_gbp_k"] == 285_930


def test_the_good_file_and_the_real_data_raise_no_flag_except_the_city_of_london():
    """Control: the real North East spend is not flagged; in all of England only the City of London
    (8,600 residents, £5,007 a resident on culture) stands out, and it is flagged, not refused."""
    quality = DataQuality()
    load_costs("north-east", costs_csv=BAD / "good_costs_ne.csv", quality=quality)
    assert not quality.to_frame()["issue"].str.startswith("implausible").any()
    quality = DataQuality()
    load_costs("england", quality=quality)
    report = quality.to_frame()
    flagged = report[report["issue"].str.startswith("implausible")]
    assert set(flagged["code"]) == {"E09000001"}


def test_national_range_is_from_reported_2023_24_spend():
    table = national_range()
    assert table.loc["Education", "p99"] > table.loc["Education", "p01"] >= 0
    assert table.loc["Highways_Transport", "p01"] < 0  # parking income: districts net negative


@pytest.fixture(scope="module")
def birmingham_run():
    cfg = config_from_dict({"region": {"codes": BLACK_COUNTRY}, "model": {"max_group_size": 3},
                            "report": {"top_n": 0}}, source="test")
    return run(cfg)


def test_birmingham_is_carried_forward_and_partners_again(birmingham_run):
    """Birmingham filed no 2023-24 return: before, 0 of 35 candidates contained it; now its 2021-22
    return, uprated, is used, and every candidate with it is marked estimated."""
    result = birmingham_run
    has = result.candidates["members"].str.contains(BIRMINGHAM)
    assert has.sum() > 0
    assert (result.candidates.loc[has, "estimated"].astype(bool)).all()
    alone = ~has & result.candidates["kind"].eq("scale")
    assert not result.candidates.loc[alone, "estimated"].astype(bool).any()


def test_carried_forward_is_named_in_the_summary_and_data_quality(birmingham_run):
    result = birmingham_run
    assert result.summary.estimated is True
    notes = " ".join(result.summary.estimates)
    assert "Birmingham (E08000025): carried forward from 2021-22" in notes
    assert "1 council)" in notes
    lines = result.quality[result.quality["code"] == BIRMINGHAM]
    assert len(lines) == 1
    assert "carried forward from 2021-22" in lines["issue"].iloc[0]
    assert "ESTIMATE" in lines["action"].iloc[0]
