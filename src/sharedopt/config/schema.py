"""Run configuration: one TOML file per scenario, validated by pydantic.

Sections: ``[region]``, ``[data]``, ``[model]``, ``[constraints]``, ``[solver]``,
``[report]``. Unknown keys are errors. Relative paths are resolved from the config
file's folder. Validation errors name the key and its line in the file.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import warnings
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from sharedopt.config.assumptions import DEFAULT_LINKS, UNCERTAINTY_DEFAULTS
from sharedopt.common.errors import ConfigError
from sharedopt.common.files import check_input_file
from sharedopt.common.suggest import did_you_mean
from sharedopt.config.constraints import Constraints
from sharedopt.config.fine_services import fine_config
from sharedopt.config.names import ReportName, name_from_file
from sharedopt.config.params import ModelParams
from sharedopt.config.readiness import inject_readiness
from sharedopt.config.reorganisation import ReorganisationConfig
from sharedopt.config.solver import SolverOptions
from sharedopt.config.tables import known_keys, merge_defaults, table_problems

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Link(BaseModel):
    """An adjacency link that is not a land border (a bridge, a ferry)."""

    model_config = _STRICT
    a: str
    b: str
    reason: str = "configured link"


class RegionConfig(BaseModel):
    """Which authorities: a named region, a list of GSS codes, or a user boundary file."""

    model_config = _STRICT
    name: str | None = None
    codes: list[str] | None = Field(default=None, min_length=1)
    boundary_file: Path | None = None
    code_field: str = "code"
    name_field: str = "name"
    population_field: str = "population"
    links: list[Link] = Field(default_factory=list)
    default_links: bool = True
    adjacency_tolerance_m: float = Field(default=100.0, ge=0.0, le=5000.0)

    @model_validator(mode="after")
    def _one_selection(self):
        given = [k for k in ("name", "codes", "boundary_file") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of name, codes or boundary_file "
                             f"(got {', '.join(given) or 'none'})")
        return self

    def selection(self) -> str | list[str]:
        """The region argument for the data loaders."""
        return self.name if self.name is not None else list(self.codes or [])

    def link_list(self) -> list[dict]:
        """Configured links plus, unless switched off, the default ones."""
        base = [dict(link) for link in DEFAULT_LINKS] if self.default_links else []
        return base + [link.model_dump() for link in self.links]


class DataConfig(BaseModel):
    """Data overrides: year, a user costs CSV, services in scope."""

    model_config = _STRICT
    year: str | int | None = None
    costs_csv: Path | None = None
    services: list[str] | None = Field(default=None, min_length=1)
    include_non_council: bool = False
    # "top_level": the MHCLG top-level service lines; "fine": Environment, Culture, Planning
    # and Central_Services swapped for their parts (sharedopt.config.fine_services; spend ESTIMATED).
    service_detail: Literal["top_level", "fine"] = "top_level"


class ReportConfig(BaseModel):
    """What the report step writes."""

    model_config = _STRICT
    formats: list[Literal["csv", "json", "xlsx", "png", "svg", "html"]] = Field(
        default_factory=lambda: ["csv", "json", "xlsx", "png", "svg", "html"], min_length=1)
    top_n: int = Field(default=20, ge=0)
    per_service_maps: bool = False
    title: str | None = None
    # static-map shading: NPV share per resident (default: the biggest councils are not always darkest) or £k
    map_shading: Literal["per_head", "total"] = "per_head"


#: the most Monte Carlo draws a run makes, from the config or the command line (bounded work)
MAX_DRAWS = 100_000


class UncertaintyConfig(BaseModel):
    """Monte Carlo over uncertain inputs (``[uncertainty]``; see :mod:`sharedopt.pipeline.uncertainty`).

    ``draws = 0`` is off. ``distributions`` maps a dotted config key (or ``"costs"``) to a
    spec such as ``{dist = "uniform", low = 0.3, high = 0.9}``; the default draws the
    realisation base rate over its evidence range. Results depend only on ``seed``. The
    distributions are checked as written, before validation, by
    :func:`sharedopt.config.tables.distribution_problems` (their one check).
    """

    model_config = _STRICT
    draws: int = Field(default=0, ge=0, le=MAX_DRAWS)
    # the tornado of unknowns: every lever of config.assumptions.unknowns at each end of its range
    tornado: bool = False
    # a chosen partnership in the best portfolio of at least this share of draws is "robust"
    robust_share: float = Field(default=0.8, gt=0, le=1)
    seed: int = 0
    # each draw's solve stops within this relative gap of its own bound (None: [solver] mip_gap); the
    # summary says the largest gap of any draw
    draw_gap: float | None = Field(default=None, ge=0, lt=1)
    # "auto": the first chunk of draws runs here and a pool of processes starts only when the rest
    # would take longer than starting it; "process": always the pool; "serial": never
    engine: Literal["auto", "process", "serial"] = "auto"
    # a Dask scheduler ("tcp://host:8786"): the draws run there when dask.distributed is installed
    address: str | None = None
    max_workers: int | None = Field(default=None, ge=1)
    distributions: dict[str, dict[str, str | float]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in UNCERTAINTY_DEFAULTS.items()})


class RunConfig(BaseModel):
    """A whole scenario."""

    model_config = _STRICT
    name: ReportName = "scenario"  # a folder under reports/: a safe file name (sharedopt.config.names)
    description: str = ""
    region: RegionConfig
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelParams = Field(default_factory=ModelParams)
    constraints: Constraints = Field(default_factory=Constraints)
    solver: SolverOptions = Field(default_factory=SolverOptions)
    report: ReportConfig = Field(default_factory=ReportConfig)
    uncertainty: UncertaintyConfig = Field(default_factory=UncertaintyConfig)
    reorganisation: ReorganisationConfig | None = None  # `sharedopt reorganise` (config.reorganisation)
    _source: tuple[str, str] = PrivateAttr(default=("<config>", ""))  # file and text, for messages

    @model_validator(mode="before")
    @classmethod
    def _fine_services(cls, data):
        """With ``service_detail = "fine"``, map parent names in services and scope pairs to their parts."""
        return fine_config(data)

    def config_hash(self) -> str:
        """SHA-256 of the validated config (stable across key order and formatting)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _resolve_paths(raw: dict, folder: Path) -> dict:
    for section, key in (("region", "boundary_file"), ("data", "costs_csv"), ("readiness", "file")):
        value = raw.get(section, {}).get(key)
        if isinstance(value, str) and not Path(value).is_absolute():
            raw[section][key] = str((folder / value).resolve())
    return raw


def key_line(text: str, loc: tuple) -> int | None:
    """Line number (1-based) of the key at ``loc`` (section path + key) in TOML ``text``."""
    keys = [str(part) for part in loc if not isinstance(part, int)]
    if not keys:
        return None
    section, current = ".".join(keys[:-1]), ""
    target = keys[-1]
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[+([^\]]+)\]+", stripped)
        if header:
            current = header.group(1).strip().replace('"', "").replace("'", "")
            if current == ".".join(keys):
                return number
            continue
        match = re.match(r"^([A-Za-z0-9_\-\.\"']+)\s*=", stripped)
        if match:
            key_path = ".".join(filter(None, [current, match.group(1).strip("\"'")]))
            if key_path == ".".join(keys) or (current == section and match.group(1) == target):
                return number
    return None


def format_validation_error(error: ValidationError, text: str, source: str) -> str:
    """One line per problem: file, line, dotted key, what is wrong."""
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        line = key_line(text, loc)
        if line is None and loc[:2] == ("model", "readiness"):  # written as its own [readiness] section
            line = key_line(text, ("readiness", *loc[2:]))
        where = f"{source}:{line}" if line else source
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            known = known_keys(RunConfig, loc[:-1])
            hint = did_you_mean(str(loc[-1]), known)
            message = f"unknown key '{loc[-1]}'{hint or ' (a typo? check the README config reference)'}"
        elif item["type"] == "too_short" and item.get("input") == []:
            message = "an empty list is not allowed: give at least one value, or leave the key out for the default"
        elif item["type"] == "literal_error":  # one of a fixed set of words: the nearest, if close
            choices = re.findall(r"'([^']*)'", str(item.get("ctx", {}).get("expected", "")))
            message = f"{message}, got {item['input']!r}{did_you_mean(str(item['input']), choices, cutoff=0.6)}"
        lines.append(f"{where}: [{dotted}] {message}")
    return "\n".join(lines)


class ConfigNote(UserWarning):
    """Something a config left out that the defaults filled in (shown as a note, not an error)."""


def nearest_line(text: str, loc: tuple) -> int | None:
    """Line of the key at ``loc`` in TOML ``text``, else of the nearest enclosing key (an inline table's)."""
    for end in range(len(loc), 0, -1):
        line = key_line(text, loc[:end])
        if line:
            return line
    return None


def _at(text: str, source: str, loc: tuple) -> str:
    line = nearest_line(text, loc) if text else None
    return f"{source}:{line}" if line else source


def _check_tables(raw: dict, source: str, text: str) -> dict:
    """The config's tables checked (:mod:`sharedopt.config.tables`), partial ones completed with a note."""
    problems = table_problems(raw, RunConfig)
    if problems:
        raise ConfigError("\n".join(dict.fromkeys(
            f"{_at(text, source, p.loc)}: [{'.'.join(str(k) for k in p.loc)}] {p.message}" for p in problems)))
    raw, notes = merge_defaults(raw)
    for loc, note in notes:
        warnings.warn(ConfigNote(f"{_at(text, source, loc)}: {note}"), stacklevel=3)
    return raw


def config_from_dict(raw: dict, *, source: str = "<config>", text: str = "",
                     name: str | None = None) -> RunConfig:
    """Validate a config given as a dict (as parsed from TOML).

    Tables are checked first (:mod:`sharedopt.config.tables`): closed keys, no coercion;
    a partial table is completed from its defaults with a :class:`ConfigNote` warning.
    """
    raw = inject_readiness(_check_tables(dict(raw), source, text))
    if name is not None and "name" not in raw:
        raw["name"] = name
    try:
        config = RunConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, text, source)) from None
    config._source = (source, text)
    return config


def config_source(config: RunConfig) -> tuple[str, str]:
    """The file (or other origin) a config came from and its text, for messages."""
    return config._source


def read_config_text(path: Path) -> str:
    """The text of a TOML file; a UTF-8 byte-order mark is accepted and dropped.

    Raises
    ------
    ConfigError
        The file is not UTF-8: names the file, line and the fix.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: the config is not UTF-8 text (byte 0x{data[exc.start]:02x} "
                          "cannot be decoded); save it as UTF-8") from None


def load_config(path: str | Path) -> RunConfig:
    """Read and validate a TOML config file.

    Raises
    ------
    ConfigError
        Missing file, TOML syntax error, unknown key or invalid value; the message
        names the file, line and key.
    """
    path = Path(path)
    if path.is_dir():
        example = min(path.glob("*.toml"), default=None)
        hint = f" such as {example}" if example else " (see configs/ for examples)"
        raise ConfigError(f"{path}: is a folder, not a config file; give the path to a .toml file{hint}")
    check_input_file(path, "config file", "give the path to a .toml file (see configs/ for examples)",
                     error=ConfigError)
    text = read_config_text(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    raw = _resolve_paths(raw, path.parent)
    return config_from_dict(raw, source=str(path), text=text, name=name_from_file(path.stem))
