"""Monte Carlo over uncertain parameters: the "robust opportunities" view.

Each draw perturbs the scenario's parameters (dotted config keys) and, optionally,
every authority-service spend, then values the enumerated groups again, builds the model and solves
(fast, in parallel, warm-started: :mod:`sharedopt.pipeline.draws`). The output
gives, for each candidate, the probability it is in the optimal portfolio, and the
distribution (P10/P50/P90) of the portfolio's totals.

Distributions (``spec`` per dotted key):

- ``{"dist": "normal", "sd": s}``: value + N(0, s)
- ``{"dist": "lognormal", "sigma": s}``: value x exp(N(0, s)) (multiplicative, stays positive)
- ``{"dist": "uniform", "low": a, "high": b}``: U(a, b)
- ``{"dist": "triangular", "low": a, "mode": m, "high": b}``
- ``{"dist": "split", "low": a, "mode": m, "high": b}``: U(a, m) or U(m, b) with equal chance, so
  the median is ``m``: the default of every lever of the tornado (a run's headline uses the
  medians of the distributions its Monte Carlo draws from)

A parameter whose value is a whole number (years, group sizes) is drawn and rounded to one.

The special key ``"costs"`` takes ``{"dist": "lognormal", "sigma": s}`` (or normal with
relative ``sd``) and multiplies each authority-service spend by its own draw. Draw *i*
uses ``numpy.random.default_rng(SeedSequence([seed, i]))``, so results do not depend on
the engine or on how draws are split across workers. Zero variance reproduces the
deterministic run exactly.
"""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sharedopt.candidates.table import ANNUAL_NET_SAVING, CANDIDATE_ID, NPV, ONE_OFF_COST, split_codes
from sharedopt.common.errors import ConfigError
from sharedopt.common.jsonsafe import json_safe
from sharedopt.config.schema import MAX_DRAWS, RunConfig
from sharedopt.config.tables import DIST_KEYS, distribution_problems
from sharedopt.results.summary import SUMMARY_DIGITS
from sharedopt.pipeline.draws import chunks, draw_data, run_chunks
from sharedopt.pipeline.events import OnEvent, emit, subscribers, task_display
from sharedopt.pipeline.result import Inputs, Result
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import load_inputs
from sharedopt.solve.interrupt import interruptible

@dataclass(frozen=True)
class UncertaintyResult:
    """Outcome of :func:`uncertainty`.

    Attributes
    ----------
    draws : pandas.DataFrame
        One row per draw: the drawn values, status, totals and chosen candidate ids.
    candidates : pandas.DataFrame
        ``candidate_id, probability_chosen, n_chosen`` over all draws, most robust first.
    totals : pandas.DataFrame
        P10/P50/P90 (and mean) of annual net saving, NPV, one-off cost, partnerships.
    """

    draws: pd.DataFrame
    candidates: pd.DataFrame
    totals: pd.DataFrame


def draw_value(base: float, spec: dict, rng: np.random.Generator) -> float:
    """One draw of a parameter around its base value."""
    kind = spec.get("dist")
    if kind == "normal":
        return float(base + rng.normal(0.0, spec["sd"]))
    if kind == "lognormal":
        return float(base * np.exp(rng.normal(0.0, spec["sigma"])))
    if kind == "uniform":
        return float(rng.uniform(spec["low"], spec["high"]))
    if kind == "triangular":
        low, mode, high = spec["low"], spec["mode"], spec["high"]
        return float(low if low == high else rng.triangular(low, mode, high))
    if kind == "split":  # half the draws uniform below the mode, half above: its median is the mode
        low, mode, high = spec["low"], spec["mode"], spec["high"]
        below = rng.uniform() < 0.5
        return float(rng.uniform(low, mode) if below else rng.uniform(mode, high))
    raise ValueError(f"unknown distribution '{kind}'; use one of {', '.join(DIST_KEYS)}")


def _typed(base, value: float):
    """A draw in the parameter's own type: whole numbers stay whole (rounded)."""
    return int(round(value)) if isinstance(base, int) and not isinstance(base, bool) else value


def cost_factors(spec: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative factors for ``n`` spend figures (clipped at zero)."""
    kind = spec.get("dist", "lognormal")
    if kind == "lognormal":
        return np.exp(rng.normal(0.0, spec["sigma"], n))
    if kind == "normal":
        return np.maximum(0.0, 1.0 + rng.normal(0.0, spec["sd"], n))
    raise ValueError(f"costs: use a 'lognormal' (sigma) or 'normal' (relative sd) distribution, got '{kind}'")


def make_draws(scenario: Scenario, n: int, distributions: dict[str, dict], seed: int,
               n_cost_rows: int) -> list[tuple[dict, np.ndarray | None]]:
    """The parameter changes and cost factors of every draw (deterministic in ``seed``)."""
    keys = sorted(k for k in distributions if k != "costs")
    draws = []
    for i in range(n):
        rng = np.random.default_rng(np.random.SeedSequence([seed, i]))
        changes = {key: _typed(scenario.get(key), draw_value(scenario.get(key), distributions[key], rng))
                   for key in keys}
        factors = cost_factors(distributions["costs"], n_cost_rows, rng) if "costs" in distributions else None
        draws.append((changes, factors))
    return draws


def check_draws(n, what: str = "draws", least: int = 0) -> int:
    """``n`` as a number of Monte Carlo draws, within ``least`` and :data:`~sharedopt.config.schema.MAX_DRAWS`.

    Raises
    ------
    ConfigError
        ``n`` is not a whole number, or outside the bounds; names ``what`` and the bounds.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ConfigError(f"{what}: {n!r} is not a whole number of Monte Carlo draws; give {least} to {MAX_DRAWS:,}")
    if not least <= n <= MAX_DRAWS:
        raise ConfigError(f"{what}: {n:,} Monte Carlo draws is outside {least} to {MAX_DRAWS:,} (the cap of "
                          f"[uncertainty] draws, which bounds the work); give {least} to {MAX_DRAWS:,}")
    return int(n)


def check_distributions(distributions) -> None:
    """Refuse impossible distributions before any work (the rules: :func:`sharedopt.config.tables.distribution_problems`).

    Raises
    ------
    ConfigError
        One line per problem, naming the key, the parameter and the fix.
    """
    if not isinstance(distributions, dict):
        raise ConfigError(f"uncertainty(distributions=...): give a dict of dotted key -> spec, e.g. "
                          f"{{'model.realisation.base': {{'dist': 'uniform', 'low': 0.3, 'high': 0.9}}}}, "
                          f"not {type(distributions).__name__}")
    problems = distribution_problems(distributions, RunConfig)
    if problems:
        raise ConfigError("\n".join(f"uncertainty(distributions=...): [{'.'.join(map(str, p.loc))}] {p.message}"
                                    for p in problems))


def uncertainty(scenario: Scenario, n: int, distributions: dict[str, dict], *, seed: int = 0,
                engine="auto", max_workers: int | None = None, progress: bool = True,
                on_event: OnEvent | None = None, fast: bool = True, inputs: Inputs | None = None,
                seconds_hint: float | None = None) -> UncertaintyResult:
    """Monte Carlo over uncertain parameters; see the module docstring for ``distributions``.

    Parameters
    ----------
    scenario : Scenario
    n : int
        Number of draws.
    distributions : dict
        Dotted config key (or ``"costs"``) -> distribution spec.
    seed : int
    engine : "auto", "process", "serial", distributed.Client or scheduler address
        ``"auto"`` (default) runs the first draws here and starts a local pool only when it pays;
        ``"process"`` always uses the pool.
    max_workers : int, optional
    progress : bool
        Show a progress bar (draws done, time left) through the registered task display
        (:func:`sharedopt.pipeline.events.task_display`).
    on_event : callable, optional
        Gets a 'tasks' :class:`~sharedopt.pipeline.events.Event` (draws done of all) as draws finish.
    fast : bool
        Value the enumerated groups again per draw and warm-start its solve
        (:mod:`sharedopt.pipeline.draws`); False re-runs every step per draw (same results, slower).
    inputs : Inputs, optional
        The scenario's loaded data, when the caller has it (a run's Monte Carlo); loaded here otherwise.
    seconds_hint : float, optional
        Seconds a draw may take (a run's Monte Carlo: the deterministic run's model build and solve):
        with ``engine="auto"``, a clear case for the local pool starts it at once
        (:func:`sharedopt.pipeline.draws.run_chunks`). No result depends on it.

    Returns
    -------
    UncertaintyResult
    """
    n = check_draws(n, "uncertainty(n=...)", least=1)
    check_distributions(distributions)
    inputs = load_inputs(scenario.config) if inputs is None else inputs
    draws = make_draws(scenario, n, distributions, seed, len(inputs.costs))
    configs = [scenario.with_(changes).config if changes else scenario.config for changes, _ in draws]
    tasks = chunks(configs, [factors for _, factors in draws])
    with interruptible(), task_display("Monte Carlo", n, progress) as bar:
        rows = run_chunks(tasks, draw_data(inputs, fast), engine, max_workers, subscribers(bar, on_event),
                          seconds_hint)
    frame = pd.concat([pd.DataFrame([c for c, _ in draws], index=range(n)),
                       pd.DataFrame(rows).drop(columns="index")], axis=1)
    return UncertaintyResult(frame, candidate_probabilities(frame), total_quantiles(frame))


def candidate_probabilities(draws: pd.DataFrame) -> pd.DataFrame:
    """Probability each candidate is chosen, over the draws."""
    chosen = draws["chosen"].fillna("").map(split_codes)
    counts = pd.Series([c for ids in chosen for c in ids], dtype=object).value_counts()
    table = pd.DataFrame({CANDIDATE_ID: counts.index, "n_chosen": counts.to_numpy()})
    table["probability_chosen"] = table["n_chosen"] / len(draws)
    return table.sort_values(["probability_chosen", CANDIDATE_ID], ascending=[False, True]).reset_index(drop=True)


def total_quantiles(draws: pd.DataFrame) -> pd.DataFrame:
    """P10/P50/P90 and mean of the portfolio totals."""
    cols = [ANNUAL_NET_SAVING, NPV, ONE_OFF_COST, "n_partnerships"]
    q = draws[cols].astype(float).quantile([0.1, 0.5, 0.9]).T
    q.columns = ["p10", "p50", "p90"]
    q["mean"] = draws[cols].astype(float).mean()
    return q.rename_axis("measure").reset_index()


def _quantiles(values: pd.Series) -> dict:
    values = values.astype(float)
    return {"p10": float(values.quantile(0.1)), "p50": float(values.quantile(0.5)),
            "p90": float(values.quantile(0.9)), "mean": float(values.mean())}


def uncertainty_summary(mc: UncertaintyResult, settings, n: int, known: set, mip_gap: float) -> dict:
    """The ``uncertainty`` block of summary.json: P10/P50/P90 of the totals and of the drawn inputs, and
    the gap each draw was solved to (``[uncertainty] draw_gap``, else the run's ``mip_gap``)."""
    draws = mc.draws
    chosen = set(mc.candidates[CANDIDATE_ID])
    out = {"draws": int(n), "seed": int(settings.seed),
           "distributions": {k: dict(v) for k, v in sorted(settings.distributions.items())}}
    for col in [NPV, ANNUAL_NET_SAVING, ONE_OFF_COST, "n_partnerships"]:
        out[col] = _quantiles(draws[col])
    out["drawn"] = {k: _quantiles(draws[k]) for k in sorted(settings.distributions) if k in draws}
    out["solver_status"] = {str(k): int(v) for k, v in sorted(draws["status"].value_counts().items())}
    out["draw_gap"] = float(settings.draw_gap if settings.draw_gap is not None else mip_gap)
    out["largest_draw_gap"] = float(draws["gap"].astype(float).max()) if draws["gap"].notna().any() else None
    out["candidates_chosen_in_some_draw"] = len(chosen)
    out["chosen_but_not_in_candidates_csv"] = len(chosen - known)
    out["note"] = ("Each draw values the enumerated groups with the drawn inputs and re-solves; p_in_portfolio in "
                   "candidates.csv is the share of draws whose best portfolio holds the candidate. "
                   "Draw i is seeded from (seed, i): same seed, same results.")
    return out


def engine_of(settings) -> str:
    """Where the draws run: the ``[uncertainty] address`` Dask scheduler when one is set and
    ``dask.distributed`` is installed, else ``[uncertainty] engine`` (a warning says why)."""
    if not settings.address:
        return settings.engine
    if importlib.util.find_spec("distributed") is None:
        warnings.warn(f"[uncertainty] address = {settings.address!r}: dask.distributed is not installed, so the "
                      f"draws run on this machine ({settings.engine}); pip install 'distributed' to use the cluster",
                      stacklevel=2)
        return settings.engine
    return settings.address


def attach_uncertainty(result: Result, draws: int | None = None, on_event: OnEvent | None = None,
                       inputs: Inputs | None = None) -> Result:
    """A run's :class:`~sharedopt.pipeline.result.Result` with its Monte Carlo added.

    Uses the config's ``[uncertainty]`` section (``draws`` overridden by ``draws``):
    adds ``p_in_portfolio`` to the candidates and portfolio and ``uncertainty`` to the
    summary. Returns ``result`` unchanged when there are no draws. ``on_event`` gets an
    'uncertainty' start and end and a 'tasks' event per finished draw. ``inputs``: the run's loaded
    data (loaded again when not given).
    """
    settings = result.config.uncertainty
    n = settings.draws if draws is None else int(draws)
    if n <= 0:
        return result
    emit(on_event, "uncertainty", f"Monte Carlo: {n} draws", "start")
    scenario = Scenario(result.config)
    if "model.realisation.base" in settings.distributions and scenario.get("model.realisation.base") is None:
        scenario = scenario.with_({"model.realisation.base": result.config.model.realisation.base_rate()})
    mc = uncertainty(scenario, n, settings.distributions, seed=settings.seed, engine=engine_of(settings),
                     max_workers=settings.max_workers, progress=False, on_event=on_event, inputs=inputs,
                     seconds_hint=_seconds_of(result))
    share = mc.candidates.set_index(CANDIDATE_ID)["probability_chosen"]

    def with_p(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame.assign(p_in_portfolio=pd.Series(dtype=float))
        return frame.assign(p_in_portfolio=frame[CANDIDATE_ID].map(share).fillna(0.0).astype(float))

    known = set(result.candidates[CANDIDATE_ID]) if len(result.candidates) else set()
    spread = uncertainty_summary(mc, settings, n, known, result.config.solver.mip_gap)
    headline = float(result.summary.totals[NPV])
    spread["npv_draws_below_headline"] = float((mc.draws[NPV].astype(float) < headline).mean())
    summary = result.summary.with_blocks(uncertainty=json_safe(spread, SUMMARY_DIGITS))
    emit(on_event, "uncertainty", f"Monte Carlo: {n} draws done", "end")
    return replace(result, candidates=with_p(result.candidates), portfolio=with_p(result.portfolio),
                   summary=summary)


def _seconds_of(result: Result) -> float | None:
    """The deterministic run's model build and solve, seconds (None when not timed): a draw's hint."""
    timings = result.timings or {}
    if "solve_seconds" not in timings:
        return None
    return float(timings.get("solve_seconds") or 0.0) + float(timings.get("build_seconds") or 0.0)
