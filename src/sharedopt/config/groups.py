"""Named groups to appraise: read from the command line, a CSV or a TOML file.

A group spec names a group of councils and what they share, as the user wrote it;
:mod:`sharedopt.candidates.appraise` resolves the members (GSS codes or council names)
and services against the region's data and values the group.

* command line: ``[NAME=]MEMBER+MEMBER...:SERVICE[+SERVICE][@DEPTH]``, e.g.
  ``"E06000047+E06000005:Central_Services"`` or ``"Tees=Darlington+Stockton-on-Tees:Environment"``;
* CSV: columns ``name, members, services`` and optionally ``vehicle, mode, depth``
  (members and services separated by ``;`` or ``+``);
* TOML: ``[[group]]`` tables with the same keys (``members`` and ``services`` as lists or strings).

Every refusal names the file (or ``--group``), the line (or the group's number) and the
field, prints the text as given and says what to write instead.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sharedopt.common.errors import ConfigError
from sharedopt.common.literal import clean

FIELDS = ("name", "members", "services", "vehicle", "mode", "depth")
REQUIRED = ("members", "services")
#: Partnership modes (Armistead & Pettigrew 2007), as :mod:`sharedopt.candidates.readiness` names them.
MODES = ("complying", "constraining", "creating")
#: Legal vehicle -> partnership mode: a statutory joint body is mandated and contractual (complying),
#: an agreement between willing councils is voluntary and contractual (constraining), a voluntary
#: trust-based arrangement is creating (the mapping of :mod:`sharedopt.candidates.readiness`).
VEHICLE_MODES = {"statutory_body": "complying", "contract": "constraining", "trust": "creating"}
_SPLIT = re.compile(r"[;+]")


@dataclass(frozen=True)
class GroupSpec:
    """One named group as the user wrote it.

    Attributes
    ----------
    name : str
        The group's label in the outputs (default: its members and services).
    members : tuple of str
        GSS codes or council names, as written.
    services : tuple of str
        One service, two complementary services, or ``Whole_Organisation``.
    depth : str or None
        Depth of integration (None: every depth the config offers).
    mode : str or None
        Partnership mode (:data:`MODES`), from ``mode`` or ``vehicle`` (None: the model's default).
    where : str
        Where it was written (``file, line N``), for messages.
    """

    name: str
    members: tuple[str, ...]
    services: tuple[str, ...]
    depth: str | None
    mode: str | None
    where: str

    def fail(self, field: str, message: str) -> ConfigError:
        """A refusal naming where this spec was written and the field."""
        return ConfigError(f"{self.where}, field {field}: {message}")


def parse_group_option(text: str, number: int = 1) -> GroupSpec:
    """One ``--group`` value: ``[NAME=]MEMBER+MEMBER...:SERVICE[+SERVICE][@DEPTH]``.

    Raises
    ------
    ConfigError
        No ``:`` between members and services, or an empty part.
    """
    where = f"--group {number} ({clean(text)!r})"
    name, sep, rest = str(text).partition("=")
    if not sep:
        name, rest = "", str(text)
    members, sep, services = rest.rpartition(":")
    if not sep:
        raise ConfigError(f"{where}, field members: no ':' between members and services; write e.g. "
                          "\"E06000047+E06000005:Central_Services\" (optionally NAME=... and @depth)")
    services, _, depth = services.partition("@")
    return _spec({"name": name, "members": members, "services": services, "depth": depth}, where)


def read_group_file(path: str | Path) -> list[GroupSpec]:
    """The group specs of a ``.csv`` or ``.toml`` file.

    Raises
    ------
    ConfigError
        Missing file, unknown extension or column, or a bad row (file, line and field named).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: group file not found; give a CSV (columns {', '.join(FIELDS)}) or a "
                          "TOML file of [[group]] tables")
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    if path.suffix.lower() == ".toml":
        return _read_toml(path)
    raise ConfigError(f"{path}: unknown group file type {clean(path.suffix)!r}; use .csv or .toml")


def _read_csv(path: Path) -> list[GroupSpec]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.columns = [str(c).strip() for c in table.columns]
    unknown = [c for c in table.columns if c not in FIELDS]
    missing = [c for c in REQUIRED if c not in table.columns]
    if unknown or missing:
        what = f"unknown column(s) {', '.join(repr(clean(c)) for c in unknown)}" if unknown else \
            f"missing column(s) {', '.join(missing)}"
        raise ConfigError(f"{path}, line 1: {what}; the header must use {', '.join(FIELDS)} "
                          f"({', '.join(REQUIRED)} required)")
    return [_spec(dict(row), f"{path}, line {i}") for i, row in enumerate(table.to_dict("records"), start=2)]


def _read_toml(path: Path) -> list[GroupSpec]:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    groups = data.get("group")
    if not isinstance(groups, list) or set(data) - {"group"}:
        raise ConfigError(f"{path}: expected only [[group]] tables (keys {', '.join(FIELDS)})")
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[group]]"]
    out = []
    for number, entry in enumerate(groups):
        where = f"{path}, line {lines[number]}" if number < len(lines) else f"{path}, group {number + 1}"
        unknown = [k for k in entry if k not in FIELDS]
        if unknown:
            raise ConfigError(f"{where}, field {clean(unknown[0])}: unknown key; use {', '.join(FIELDS)}")
        out.append(_spec({k: _joined(v) for k, v in entry.items()}, where))
    return out


def _joined(value) -> str:
    return "+".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _spec(raw: dict, where: str) -> GroupSpec:
    """A checked spec from the raw text of its fields."""
    members = _tokens(raw.get("members", ""))
    services = _tokens(raw.get("services", ""))
    if len(members) == 0:
        raise ConfigError(f"{where}, field members: empty; list GSS codes or council names separated by ';' or '+'")
    if len(services) == 0 or len(services) > 2:
        raise ConfigError(f"{where}, field services: {clean(raw.get('services', ''))!r} names "
                          f"{len(services)} services; give one service, two complementary services or "
                          "Whole_Organisation")
    twice = sorted({m for m in members if members.count(m) > 1})
    if twice:
        raise ConfigError(f"{where}, field members: {clean(twice[0])!r} is listed twice; list each member once")
    mode = _mode(raw, where)
    depth = str(raw.get("depth", "") or "").strip() or None
    name = str(raw.get("name", "") or "").strip() or "+".join(members) + ":" + "+".join(services)
    return GroupSpec(name, tuple(members), tuple(services), depth, mode, where)


def _tokens(text) -> list[str]:
    return [t.strip() for t in _SPLIT.split(str(text or "")) if t.strip()]


def _mode(raw: dict, where: str) -> str | None:
    """The partnership mode from ``mode`` and/or ``vehicle`` (they must agree)."""
    mode = str(raw.get("mode", "") or "").strip().lower() or None
    vehicle = str(raw.get("vehicle", "") or "").strip().lower().replace(" ", "_") or None
    if mode is not None and mode not in MODES:
        raise ConfigError(f"{where}, field mode: {clean(raw['mode'])!r} is not a partnership mode; "
                          f"use one of {', '.join(MODES)}")
    if vehicle is not None and vehicle not in VEHICLE_MODES:
        raise ConfigError(f"{where}, field vehicle: {clean(raw['vehicle'])!r} is not a vehicle; use one of "
                          f"{', '.join(VEHICLE_MODES)}")
    if vehicle is not None and mode is not None and VEHICLE_MODES[vehicle] != mode:
        raise ConfigError(f"{where}, field mode: {mode!r} contradicts vehicle {vehicle!r} "
                          f"({VEHICLE_MODES[vehicle]}); give one of them")
    return mode or (VEHICLE_MODES[vehicle] if vehicle else None)
