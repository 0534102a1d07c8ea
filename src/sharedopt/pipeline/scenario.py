"""Immutable scenarios addressed by the same dotted keys as the TOML config."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharedopt.config.schema import RunConfig, config_from_dict, load_config
from sharedopt.common.errors import ConfigError
from sharedopt.config.names import safe_name
from sharedopt.pipeline.notebook import scenario_html

SECTIONS = ("region", "data", "model", "constraints", "solver", "report", "uncertainty")


def set_dotted(raw: dict, key: str, value: Any) -> dict:
    """Return a deep copy of ``raw`` with ``key`` (e.g. ``"constraints.governance_capacity"``) set."""
    out = copy.deepcopy(raw)
    _set_in_place(out, key, value)
    return out


def _set_in_place(raw: dict, key: str, value: Any) -> None:
    """Set the dotted ``key`` of ``raw`` itself (see :func:`set_dotted`)."""
    parts = key.split(".")
    if parts[0] not in SECTIONS + ("name", "description"):
        raise ConfigError(f"with_: unknown section in key '{key}'; keys start with one of "
                          f"{', '.join(SECTIONS)}")
    node = raw
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def _with_poolable(changes: dict[str, Any], raw: dict) -> dict[str, Any]:
    """``changes`` plus ``...poolable_share = "asset_intensity"`` beside each changed ``model.services.X.asset_intensity``."""
    out = dict(changes)
    for key, value in changes.items():
        parts = key.split(".")
        if len(parts) == 4 and parts[:2] == ["model", "services"] and parts[3] == "asset_intensity":
            current = raw.get("model", {}).get("services", {}).get(parts[2], {}).get("asset_intensity")
            if value != current:
                out.setdefault(".".join(parts[:3] + ["poolable_share"]), "asset_intensity")
    return out


def _sparse_dump(config: RunConfig) -> dict:
    """The config as the dict a TOML file would hold (defaults included, JSON-safe)."""
    return config.model_dump(mode="json")


def variant_name(base: str, changes: dict[str, Any]) -> str:
    """A what-if's name after what changed: 'north-east' + capacity 2 -> 'north-east_governance_capacity-2'.

    Parameters
    ----------
    base : str
        The base scenario's name.
    changes : dict
        Dotted keys to new values.

    Returns
    -------
    str
        A safe report name (see :func:`sharedopt.config.names.safe_name`); the base name when nothing changed.
    """
    if not changes:
        return base
    parts = [f"{key.split('.')[-1]}-{value}" for key, value in changes.items()]
    return safe_name("_".join([base, *parts]), fallback=base)


@dataclass(frozen=True)
class Scenario:
    """One what-if scenario: a validated :class:`~sharedopt.config.schema.RunConfig`, never mutated.

    Examples
    --------
    >>> base = Scenario.from_config("configs/north-east.toml")          # doctest: +SKIP
    >>> tight = base.with_({"constraints.governance_capacity": 2})       # doctest: +SKIP
    """

    config: RunConfig

    @classmethod
    def from_config(cls, path: str | Path) -> "Scenario":
        """Load a scenario from a TOML config file."""
        return cls(load_config(path))

    @classmethod
    def from_dict(cls, raw: dict, name: str = "scenario") -> "Scenario":
        """Build a scenario from a dict shaped like the TOML config."""
        return cls(config_from_dict(raw, name=name))

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.config.name

    def with_(self, changes: dict[str, Any], name: str | None = None) -> "Scenario":
        """A changed copy: ``changes`` maps dotted config keys to new values.

        The result is validated like a config file; the original is untouched. Changing a
        service's ``asset_intensity`` sets it for every council (``poolable_share =
        "asset_intensity"``), as in a config file, unless ``changes`` names ``poolable_share`` too.
        """
        raw = _sparse_dump(self.config)  # a fresh dict: set in place
        for key, value in _with_poolable(changes, raw).items():
            _set_in_place(raw, key, copy.deepcopy(value))
        raw["name"] = name if name is not None else variant_name(self.config.name, changes)
        return Scenario(config_from_dict(raw, source=f"with_({', '.join(changes)})"))

    def get(self, key: str) -> Any:
        """Value of a dotted key in this scenario."""
        node: Any = _sparse_dump(self.config)
        for part in key.split("."):
            node = node[part]
        return node

    def _repr_html_(self) -> str:
        """The scenario's settings as an HTML table of dotted keys (Jupyter shows this)."""
        return scenario_html(self.name, _sparse_dump(self.config))
