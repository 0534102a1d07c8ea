"""The ``[readiness]`` config section and the CSV a user fills in.

Each council states each readiness condition (:data:`CONDITIONS`) and co-production
as ``yes``, ``no`` or ``unknown``, in a CSV ``file`` and/or a ``councils`` table;
:func:`inject_readiness` moves the section into ``[model.readiness]`` before the
config is validated. How the statuses change realisation is
:mod:`sharedopt.candidates.readiness`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sharedopt.common.errors import DataError
from sharedopt.common.files import check_input_file
from sharedopt.common.literal import cut

CONDITIONS = ("sponsor", "multi_level_engagement", "formal_reporting", "active_management")
COLUMNS = (*CONDITIONS, "co_production")
STATUSES = ("yes", "no", "unknown")


def load_readiness_csv(path) -> dict[str, dict[str, str]]:
    """Read a readiness CSV: ``authority`` and any of :data:`COLUMNS`, each yes/no/unknown (blank = unknown).

    Raises
    ------
    sharedopt.common.errors.DataError
        Missing file or column, unknown column, repeated authority or a bad value: names the
        file, line and field, prints the value literally and says what to write instead.
    """
    path = check_input_file(Path(path), "readiness file", "give the path (relative to the config) of a "
                            f"CSV with columns authority,{','.join(COLUMNS)}")
    table = _read_table(path)
    table.columns = [c.strip() for c in table.columns]
    if "authority" not in table.columns:
        raise DataError(f"{path}: line 1: no 'authority' column; the header must be authority,"
                        f"{','.join(COLUMNS)} (any of the conditions may be left out)")
    unknown = [c for c in table.columns if c not in ("authority", "name", *COLUMNS)]
    if unknown:
        raise DataError(f"{path}: line 1: unknown column(s) {unknown!r}; known: authority, name, "
                        f"{', '.join(COLUMNS)}")
    out: dict[str, dict[str, str]] = {}
    for i, row in enumerate(table.to_dict("records")):
        line = i + 2
        code = row["authority"].strip()
        if not code:
            raise DataError(f"{path}: line {line}, field authority: empty; give the council's GSS code")
        if not re.fullmatch(r"[EWSNK]\d{8}", code):
            raise DataError(f"{path}: line {line}, field authority: {code!r} is not a GSS code (a letter and "
                            "8 digits, e.g. E06000047); see `sharedopt list regions` for the councils")
        if code in out:
            raise DataError(f"{path}: line {line}, field authority: {code!r} appears twice; give each council once")
        out[code] = {c: _status(path, line, c, row[c]) for c in COLUMNS if c in row}
    return out


def _read_table(path: Path) -> pd.DataFrame:
    """The readiness CSV as text cells; a file pandas cannot read is named with the reason."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: the readiness file is not UTF-8 text (byte {exc.start}); save it as "
                        "CSV UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read the readiness file as CSV ({reason}); it needs a header "
                        f"line authority,{','.join(COLUMNS)} and one line per council") from None


def _status(path, line: int, field: str, value: str) -> str:
    text = value.strip().lower()
    if text == "":
        return "unknown"
    if text not in STATUSES:
        raise DataError(f"{path}: line {line}, field {field}: {cut(value)!r} is not yes, no or unknown; "
                        "write one of those (blank = unknown)")
    return text


def inject_readiness(raw: dict) -> dict:
    """Move a config's ``[readiness]`` section into ``[model.readiness]`` (the file read, the table on top).

    ``[readiness] file = "readiness.csv"`` (resolved against the config's folder) and
    ``[readiness.councils.E06000001] sponsor = "yes"``; any other key of the section
    (``condition_uplifts``, ``prior_collaboration_uplift``, ``co_production_uplift``,
    ``mode_governance_factors``) is passed on as a model parameter.
    """
    if "readiness" not in raw:
        return raw
    raw = dict(raw)
    section = dict(raw.pop("readiness"))
    councils: dict[str, dict] = {}
    file = section.pop("file", None)
    if file:
        councils.update(load_readiness_csv(file))
    for code, values in dict(section.pop("councils", {})).items():
        councils[code] = {**councils.get(code, {}), **values}
    model = dict(raw.get("model", {}))
    model["readiness"] = {**dict(model.get("readiness", {})), **section, "councils": councils}
    raw["model"] = model
    return raw
