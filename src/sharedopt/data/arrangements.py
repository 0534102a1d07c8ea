"""Real shared-service arrangements between English councils (the status quo).

The embedded file ``data/raw/arrangements/england_existing_arrangements.csv`` lists
named partnerships with their members' GSS codes, a service category, the status as
last reported and a source per row. It is NOT a complete list (the LGA's 2019 map
held 626 partnerships). :func:`load_arrangements` maps each row's categories to the
model's services (:data:`CATEGORY_SERVICES`, one table with a reason per mapping) and
returns one row per (arrangement, service).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sharedopt.data.paths import data_dir
from sharedopt.data.validate import DataQuality, require_file
from sharedopt.common.errors import DataError

ARRANGEMENTS_FILE = "raw/arrangements/england_existing_arrangements.csv"
REQUIRED_COLUMNS = ("arrangement", "service_category", "members", "status_as_reported",
                    "source_url", "notes", "member_gss", "unmatched")
_GSS = re.compile(r"^[EWSN]\d{8}$")

_SUPPORT = ("support service: MHCLG RO6 central services; the revenue outturn recharges support "
            "costs across the front-line lines, so Central_Services is the nearest single line "
            "(it understates the budget such a partnership pools)")

# category -> (services, kind now, kind intended, reason). ``intended_kind`` is where the
# mapping points once that candidate kind exists (whole-organisation sharing): change
# ``kind``/``services`` here and nothing else.
CATEGORY_SERVICES: dict[str, dict] = {
    "revenues_benefits": dict(services=("Central_Services",), kind="scale", intended_kind="scale",
                              reason="MHCLG RO6: council tax and business rates collection and "
                                     "benefits administration are central services"),
    "regulatory_services": dict(services=("Environment",), kind="scale", intended_kind="scale",
                                reason="MHCLG RO5: environmental health, trading standards and "
                                       "licensing are 'environmental and regulatory services', "
                                       "inside the top-level Environment line"),
    "building_control": dict(services=("Planning",), kind="scale", intended_kind="scale",
                             reason="MHCLG RO5: building control is a 'planning and development "
                                    "services' line"),
    "waste_collection": dict(services=("Environment",), kind="scale", intended_kind="scale",
                             reason="MHCLG RO5: waste collection is an environmental services line"),
    "waste_disposal": dict(services=("Environment",), kind="scale", intended_kind="scale",
                           reason="MHCLG RO5: waste disposal is an environmental services line "
                                  "(a joint waste authority's members pay it as a levy)"),
    "culture_museums": dict(services=("Culture",), kind="scale", intended_kind="scale",
                            reason="MHCLG RO5: museums and galleries are 'cultural and related "
                                   "services'"),
    "ict": dict(services=("Central_Services",), kind="scale", intended_kind="scale", reason=_SUPPORT),
    "hr": dict(services=("Central_Services",), kind="scale", intended_kind="scale", reason=_SUPPORT),
    "finance": dict(services=("Central_Services",), kind="scale", intended_kind="scale", reason=_SUPPORT),
    "internal_audit": dict(services=("Central_Services",), kind="scale", intended_kind="scale",
                           reason=_SUPPORT),
    "procurement": dict(services=("Central_Services",), kind="scale", intended_kind="scale",
                        reason=_SUPPORT),
    "customer_services": dict(services=("Central_Services",), kind="scale", intended_kind="scale",
                              reason=_SUPPORT),
    "legal": dict(services=("Central_Services",), kind="scale", intended_kind="scale", reason=_SUPPORT),
    "shared_chief_executive_management": dict(
        services=("Central_Services",), kind="scale", intended_kind="whole_organisation",
        reason="a shared chief executive and management team runs the whole organisation; held "
               "on Central_Services (corporate management) until the whole_organisation candidate "
               "kind exists, then it points there"),
}


def category_mapping() -> pd.DataFrame:
    """The category -> service mapping as one table (category, services, kind, intended_kind, reason)."""
    rows = [dict(category=c, services=";".join(m["services"]), kind=m["kind"],
                 intended_kind=m["intended_kind"], reason=m["reason"])
            for c, m in CATEGORY_SERVICES.items()]
    return pd.DataFrame(rows)


def parse_categories(text: str) -> list[str]:
    """Category tokens of a ``service_category`` cell: parenthesised notes dropped, split on ';'.

    >>> parse_categories("regulatory_services (env health; licensing)")
    ['regulatory_services']
    >>> parse_categories("revenues_benefits;ict")
    ['revenues_benefits', 'ict']
    """
    bare = re.sub(r"\([^)]*\)", "", str(text))
    return [t.strip() for t in bare.split(";") if t.strip()]


def _split(text: str) -> list[str]:
    return [t.strip() for t in str(text).split(";") if t.strip()]


def _row_members(row: pd.Series, where: str) -> list[str]:
    codes = _split(row["member_gss"])
    bad = [c for c in codes if not _GSS.match(c)]
    if bad:
        raise DataError(f"{where}, field member_gss: {bad!r} is not a GSS code (letter + 8 digits); "
                        "give ';'-separated codes such as E07000234")
    if len(set(codes)) != len(codes):
        raise DataError(f"{where}, field member_gss: a code appears twice in {row['member_gss']!r}; "
                        "list each member once")
    if len(codes) < 2:
        raise DataError(f"{where}, field member_gss: {row['member_gss']!r} has fewer than two members; "
                        "an arrangement needs at least two councils")
    return codes


def _row_services(row: pd.Series, where: str) -> list[tuple[str, str, dict]]:
    out = []
    for cat in parse_categories(row["service_category"]):
        if cat not in CATEGORY_SERVICES:
            raise DataError(f"{where}, field service_category: unknown category {cat!r}; known: "
                            f"{', '.join(sorted(CATEGORY_SERVICES))} (add it to "
                            "sharedopt.data.arrangements.CATEGORY_SERVICES with its reason)")
        for service in CATEGORY_SERVICES[cat]["services"]:
            out.append((service, cat, CATEGORY_SERVICES[cat]))
    if not out:
        raise DataError(f"{where}, field service_category: empty; give a category such as "
                        "revenues_benefits")
    return out


def _note_quality(quality: DataQuality, file: str, line: int, row: pd.Series, codes: list[str]) -> None:
    name = row["arrangement"]
    for missing in _split(row["unmatched"]):
        quality.add(file=file, row=line, code="", field="unmatched",
                    issue=f"{name}: member {missing!r} has no GSS code",
                    action="kept with its matched members only; that member's slot is not protected")
    for code in (c for c in codes if c.startswith("E10")):
        quality.add(file=file, row=line, code=code, field="member_gss",
                    issue=f"{name}: county council member (cross-tier arrangement)",
                    action="kept; a county and a district are never neighbours in the model, so "
                           "this group is outside the candidate space")


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["arrangement", "service", "category", "kind", "intended_kind", "members", "n_members",
            "status_as_reported", "source_url", "notes", "unmatched", "line",
            "reported_annual_saving_gbp_k", "reported_saving_basis", "reported_saving_source"]
    return pd.DataFrame(rows, columns=cols)


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[pd.DataFrame, tuple]:
    quality = DataQuality()
    file = Path(path).name
    table = pd.read_csv(require_file(Path(path), "arrangements file"), dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; the file needs {list(REQUIRED_COLUMNS)}")
    rows, seen = [], set()
    for i, row in table.iterrows():
        line = int(i) + 2  # header is line 1
        where = f"{path}: line {line} ({row['arrangement']!r})"
        codes = _row_members(row, where)
        _note_quality(quality, file, line, row, codes)
        saving = pd.to_numeric(row.get("reported_annual_saving_gbp_k", ""), errors="coerce")
        for service, cat, mapping in _row_services(row, where):
            key = (row["arrangement"], service)
            if key in seen:  # several categories of one arrangement on the same service
                rows[-1]["category"] += ";" + cat
                continue
            seen.add(key)
            rows.append(dict(arrangement=row["arrangement"], service=service, category=cat,
                             kind=mapping["kind"], intended_kind=mapping["intended_kind"],
                             members=tuple(sorted(codes)), n_members=len(codes),
                             status_as_reported=row["status_as_reported"], source_url=row["source_url"],
                             notes=row["notes"], unmatched=row["unmatched"], line=line,
                             reported_annual_saving_gbp_k=saving,
                             reported_saving_basis=row.get("reported_saving_basis", ""),
                             reported_saving_source=row.get("reported_saving_source", "")))
    return _frame(rows), tuple(quality.entries)


def arrangements_path() -> Path:
    """Path of the embedded arrangements file."""
    return data_dir() / ARRANGEMENTS_FILE


def load_arrangements(path: str | Path | None = None, quality: DataQuality | None = None) -> pd.DataFrame:
    """Real arrangements, one row per (arrangement, model service).

    Parameters
    ----------
    path : str or Path, optional
        Arrangements CSV (default: the embedded file).
    quality : DataQuality, optional
        Receives unmatched member names and county (cross-tier) members.

    Returns
    -------
    pandas.DataFrame
        ``arrangement, service, category, kind, intended_kind, members`` (sorted tuple
        of GSS codes), ``n_members, status_as_reported, source_url, notes, unmatched,
        line`` (line in the file) and the ``reported_*`` saving columns.

    Raises
    ------
    DataError
        Missing file or column, a malformed or repeated GSS code, fewer than two
        members, or an unknown service category (file, line, field and the fix).
    """
    table, entries = _load(str(path or arrangements_path()))
    if quality is not None:
        quality.entries.extend(dict(e) for e in entries)
    return table.copy()
