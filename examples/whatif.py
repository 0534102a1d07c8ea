"""What-if analysis on the North East default: run with `python examples/whatif.py`.

Answers three analyst questions:
1. What if each council can run at most two new partnerships?
2. What if waste (Environment) scale economies are half what we assumed?
3. Which partnerships are in the best portfolio whatever the assumptions?
"""

from pathlib import Path

from sharedopt import Scenario, compare, run, sweep, uncertainty

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    base = Scenario.from_config(ROOT / "configs" / "north-east.toml").with_({"report.top_n": 0})
    default = run(base)
    print(f"default: NPV £{default.summary.totals['npv_gbp_k']:,.0f}k ({default.solver.status})")

    capped = run(base.with_({"constraints.governance_capacity": 2}, name="capacity-2"))
    half_waste = run(base.with_({"model.services.Environment.e_down": 0.06}, name="half-waste-scale"))
    diff = compare(default, capped, half_waste)
    print(diff[diff["table"] == "totals"].pivot(index="key", columns="scenario", values="value"))

    print(sweep(base, {"constraints.governance_capacity": [1, 2, 3, 4]}, progress=False)
          [["constraints.governance_capacity", "status", "n_partnerships", "npv_gbp_k"]])

    mc = uncertainty(base, 40, {
        "model.services.Environment.e_down": {"dist": "uniform", "low": 0.06, "high": 0.18},
        "model.services.Central_Services.asset_intensity": {"dist": "uniform", "low": 0.3, "high": 0.5},
        "costs": {"dist": "lognormal", "sigma": 0.1},
    }, seed=0, progress=False)
    print("robust opportunities (chosen in >= 80% of draws):")
    print(mc.candidates[mc.candidates["probability_chosen"] >= 0.8].to_string(index=False))
    print(mc.totals.to_string(index=False))


if __name__ == "__main__":
    main()
