"""The service catalogue."""

from __future__ import annotations

import pandas as pd

from sharedopt.config.assumptions import NON_COUNCIL_SERVICES, SERVICE_DEFAULTS


def load_services() -> pd.DataFrame:
    """Return the service catalogue with every per-service modelling default.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``service``; columns ``label``, ``eligible``, ``asset_intensity``,
        ``asset_type``, ``e_down``, ``mes``, ``e_up``, ``source`` and
        ``is_assumption`` (always True: these are defaults, overridable by config).
    """
    table = pd.DataFrame(SERVICE_DEFAULTS).set_index("service")
    table["is_assumption"] = True
    return table


def service_names(include_non_council: bool = False) -> list[str]:
    """Names of the services in the catalogue."""
    table = load_services()
    if not include_non_council:
        table = table[~table.index.isin(NON_COUNCIL_SERVICES)]
    return list(table.index)
