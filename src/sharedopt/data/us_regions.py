"""US region names: which US counties a region name selects (``us-counties``, ``us-state-NN``).

The county files are Daryl DeFord's dual graphs (:mod:`sharedopt.data.us`), one per
state FIPS code; a region is all of them or one state.
"""

from __future__ import annotations

import re
from pathlib import Path

from sharedopt.common.errors import DataError
from sharedopt.data.paths import data_dir

US_DIR = "raw/us_counties"
PREFIX = "US"
CODE_PATTERN = r"^US\d{5}$"
ALL_REGION = "us-counties"
STATE_REGION = "us-state-"

# State FIPS -> (USPS abbreviation, name): the 50 states, DC and Puerto Rico.
STATES = {
    "01": ("AL", "Alabama"), "02": ("AK", "Alaska"), "04": ("AZ", "Arizona"), "05": ("AR", "Arkansas"),
    "06": ("CA", "California"), "08": ("CO", "Colorado"), "09": ("CT", "Connecticut"),
    "10": ("DE", "Delaware"), "11": ("DC", "District of Columbia"), "12": ("FL", "Florida"),
    "13": ("GA", "Georgia"), "15": ("HI", "Hawaii"), "16": ("ID", "Idaho"), "17": ("IL", "Illinois"),
    "18": ("IN", "Indiana"), "19": ("IA", "Iowa"), "20": ("KS", "Kansas"), "21": ("KY", "Kentucky"),
    "22": ("LA", "Louisiana"), "23": ("ME", "Maine"), "24": ("MD", "Maryland"),
    "25": ("MA", "Massachusetts"), "26": ("MI", "Michigan"), "27": ("MN", "Minnesota"),
    "28": ("MS", "Mississippi"), "29": ("MO", "Missouri"), "30": ("MT", "Montana"),
    "31": ("NE", "Nebraska"), "32": ("NV", "Nevada"), "33": ("NH", "New Hampshire"),
    "34": ("NJ", "New Jersey"), "35": ("NM", "New Mexico"), "36": ("NY", "New York"),
    "37": ("NC", "North Carolina"), "38": ("ND", "North Dakota"), "39": ("OH", "Ohio"),
    "40": ("OK", "Oklahoma"), "41": ("OR", "Oregon"), "42": ("PA", "Pennsylvania"),
    "44": ("RI", "Rhode Island"), "45": ("SC", "South Carolina"), "46": ("SD", "South Dakota"),
    "47": ("TN", "Tennessee"), "48": ("TX", "Texas"), "49": ("UT", "Utah"), "50": ("VT", "Vermont"),
    "51": ("VA", "Virginia"), "53": ("WA", "Washington"), "54": ("WV", "West Virginia"),
    "55": ("WI", "Wisconsin"), "56": ("WY", "Wyoming"), "72": ("PR", "Puerto Rico"),
}


def is_us_region(name: object) -> bool:
    """True for a US region name (``us-counties``, ``us-state-NN``), spelled exactly.

    Exact spelling, as the region names are everywhere else: ``"US-Counties"`` is not
    a US region and is refused as an unknown region with the list of names.
    """
    return isinstance(name, str) and name.startswith("us-")


def us_dir() -> Path:
    """Folder of the county dual-graph files."""
    return data_dir() / US_DIR


def state_fips() -> list[str]:
    """State FIPS codes with a county file, sorted."""
    files = sorted(us_dir().glob("county[0-9][0-9].json"))
    return [f.stem[-2:] for f in files]


def us_region_names() -> dict[str, str]:
    """US region names with a description, for ``sharedopt list regions``."""
    names = {ALL_REGION: "All 3,221 US counties (SYNTHETIC costs; large-scale test case)"}
    for fips in state_fips():
        abbr, state = STATES.get(fips, ("", f"state {fips}"))
        names[f"{STATE_REGION}{fips}"] = f"{state} ({abbr}) counties (SYNTHETIC costs)"
    return names


def resolve_us_region(name: str) -> list[str]:
    """State FIPS codes of a US region name."""
    key = name.strip().lower()
    available = state_fips()
    if not available:
        raise DataError(f"{us_dir()}: no countyNN.json files; run `python -m sharedopt.data.build` "
                        "with the US county graphs in the source folder")
    if key == ALL_REGION:
        return available
    match = re.fullmatch(rf"{STATE_REGION}(\d{{1,2}})", key)
    if match and match.group(1).zfill(2) in available:
        return [match.group(1).zfill(2)]
    raise DataError(f"region: unknown US region '{name}'; use '{ALL_REGION}' or '{STATE_REGION}NN' "
                    f"with a state FIPS code (known: {', '.join(available)})")
