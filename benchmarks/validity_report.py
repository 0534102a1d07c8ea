"""The validity benchmark's result as Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from validity_checks import LGA
from validity_measures import fmt as _fmt
from validity_sensitivity import sensitivity_lines


def _spearman_table(rows: list[dict]) -> list[str]:
    lines = ["| service | candidates | rho, all sizes | rho, NPV per £ pooled | share at max size | pairs | "
             "rho, pairs | triples | rho, triples |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['service']} | {r['n_candidates']:,} | {_fmt(r['spearman_npv_population'], 3)} | "
              f"{_fmt(r.get('spearman_rate_population'), 3)} | {_fmt(r['share_at_max_size'], 3)} | {r['n_size_2']:,} | {_fmt(r['spearman_size_2'], 3)} | "
              f"{r['n_size_3']:,} | {_fmt(r['spearman_size_3'], 3)} |" for r in rows]
    return lines


def _summary_lines(res: dict) -> list[str]:
    s = res["summary"]
    return [f"# Validity benchmark ({res['config']}, commit {res['commit']}, status quo off)", "",
            f"Model: {res.get('model_label', 'the savings model at commit ' + res['commit'])}.", "",
            *([f"Settings changed from the config: `{json.dumps(res['model_updates'], sort_keys=True)}`.", ""]
              if res.get("model_updates") else []),
            *(["Prior-collaboration uplift: 0 in this benchmark (it lifts every group two of whose members "
               "share a real arrangement, so every real arrangement being ranked: circular). The solved run "
               "compared with the LGA keeps it.", ""]
              if res.get("prior_collaboration_uplift_kept") is False else []),
            "| check | value |", "|---|---|",
            f"| real arrangements (arrangement x service) | {s['n_arrangement_services']} |",
            f"| in the candidate space (scale k = {res['arrangement_max_group_size']}; whole organisation: "
            f"its own space) | {s['n_in_candidate_space']} |",
            f"| pruned as loss-making | {s['n_pruned']} |",
            f"| median rank percentile, national (the issue's definition; 100 = best) | "
            f"{_fmt(s['median_percentile'], 2)} |",
            f"| share in the top quartile, national | {_fmt(s['share_in_top_quartile'], 2)} |",
            f"| median percentile, size-matched (same number of members) | "
            f"{_fmt(s.get('median_percentile_size_matched'), 2)} |",
            f"| share in the top quartile, size-matched | {_fmt(s.get('share_in_top_quartile_size_matched'), 2)} |",
            f"| median percentile, the members' own options (candidates with any member) | "
            f"{_fmt(s.get('median_percentile_own_options'), 2)} |",
            f"| share in the top quartile, own options | {_fmt(s.get('share_in_top_quartile_own_options'), 2)} |",
            f"| median modelled / reported annual saving ({s['n_with_reported_saving']} with a figure) | "
            f"{_fmt(s['median_modelled_over_reported'], 2)} |",
            f"| City of London in positive Culture candidates | "
            f"{_fmt(res['city_of_london_culture']['share_with_city_of_london'], 3)} |",
            f"| chosen groups beyond their service's span | "
            f"{res['span'].get('n_beyond_span', 'n/a: ' + res['span'].get('note', ''))} |",
            f"| England potential / LGA 2018/19 (£200m) | {_fmt(res['lga']['ratio_model_annual_to_lga_2018_19'], 2)} |"]


def _arrangement_lines(res: dict) -> list[str]:
    lines = ["", "## Real arrangements", "",
             "Shared chief executive and management teams (`intended_kind = whole_organisation`) are ranked "
             "among the whole-organisation candidates (`Whole_Organisation`), the rest among their service's "
             "scale candidates.", "",
             "| arrangement | service | n | in space | why not | national | size-matched | own options "
             "| as valued | modelled £k/yr | reported £k/yr | basis |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for a in res["arrangements"]:
        pct = "pruned (0)" if a["pruned"] else _fmt(a["percentile"], 2)
        own = a.get("percentile_own_options")
        lines.append(f"| {a['arrangement']} | {a['service']} | {a['n_members']} | "
                     f"{'yes' if a['in_candidate_space'] else 'no'} | {a['why_not'] or '-'} | {pct} | "
                     f"{_fmt(a.get('percentile_size_matched'), 2)} | {_fmt(own, 2)}"
                     f"{'' if a.get('n_own_options') is None else ' of ' + format(int(a['n_own_options']), ',')} | "
                     f"{_fmt(a['percentile_as_valued'], 2)} | {_fmt(a['modelled_annual_net_saving_gbp_k'], 0)} | "
                     f"{_fmt(a['reported_annual_saving_gbp_k'], 0)} | {a['reported_saving_basis'] or '-'} |")
    lines += ["", "What each percentile measures:", "",
              "- **National** (kept as issue 13 defines it): the group's NPV among ALL the service's positive "
              "candidates in England. NPV is an absolute £ figure, so a pair of small districts competes with "
              "five-member groups of metropolitan boroughs pooling ten times the spend: with a scale curve that "
              "only falls (no U in the data range) and savings proportional to the pooled budget, bigger and "
              "richer groups rank higher by construction, and a two-district partnership lands near 0 however "
              "well chosen it is. It answers 'is this among England's biggest prizes?', not 'was this a good "
              "choice?'.",
              "- **Size-matched**: among candidates with the same number of members. Removes the "
              "'more members pool more' part of the size effect; what remains is the members' own size and "
              "costs.",
              "- **Own options**: among candidates containing at least one of the group's members, i.e. what "
              "those councils could have done instead (any partner set, any size up to k). The closest to the "
              "decision the councils faced; still favours larger groups they could have joined."]
    return lines


def to_markdown(res: dict, analysis: Path | None = None) -> str:
    """The benchmark's result as Markdown (tables, the sensitivity, the notes), with the
    hand-written ``analysis`` file (it quotes one run's figures) appended when given."""
    lines = _summary_lines(res) + _arrangement_lines(res)
    lines += ["", f"## NPV against group population (k = {res['config_max_group_size']}, scale candidates; "
              "whole organisation k = 3)", ""] + _spearman_table(res["spearman"])
    for other in res["spearman_other"]:
        lines += ["", f"## NPV against group population: {other['config']} (k = {other['max_group_size']})", ""]
        lines += _spearman_table(other["spearman"])
    g, lga = res["greedy_portfolio"], res["lga"]
    lines += ["", "## England total against the LGA", "",
              f"Greedy portfolio (lower bound on the optimum): {g['n_partnerships']} partnerships, "
              f"£{g['annual_net_saving_gbp_k']:,.0f}k a year, NPV £{g['npv_gbp_k']:,.0f}k.", ""]
    if res["solved_portfolio"]:
        sp = res["solved_portfolio"]
        lines += [f"Solved run: {sp['n_partnerships']} partnerships, £{sp['annual_net_saving_gbp_k']:,.0f}k a year "
                  f"(status {sp.get('status')}, status quo on: {sp.get('status_quo')}).", ""]
    lines += [lga["explanation"], "", f"Source: {LGA['source']}."]
    lines += sensitivity_lines(res)
    if analysis:
        lines += ["", *Path(analysis).read_text().rstrip("\n").split("\n")]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in res["notes"]]
    return "\n".join(lines) + "\n"
