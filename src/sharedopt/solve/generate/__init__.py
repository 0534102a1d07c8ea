"""Candidates by column generation, for when listing every connected group is too large.

Full enumeration of connected groups grows roughly as ``n * d^(k-1)``: at k = 6 the
US counties have tens of millions. This module never lists them all. It

1. counts groups per service up to a cap
   (:func:`sharedopt.candidates.counting.count_groups_capped`), so a run says
   how large the full enumeration would have been (or that it exceeds the cap);
2. starts a restricted master LP over every scope candidate and every scale group of
   up to ``seed_size`` members (cheap to list);
3. solves the master LP (HiGHS, columns appended between rounds so each re-solve
   starts from the last basis), reads the duals ``y`` and **prices** new groups of
   every service against them: a depth-first search over connected groups (ESU order,
   each set once) that computes each group's reduced cost exactly,

   ``rc(S) = F (sum A_i - u(P_S) sum A_i/u(P_i)) - (1+beta) one_off(S) - annuity gov(|S|)
   - sum_i (y_slot(i,s) + y_gov(i)) - y_service(s)``,

   and prunes a partial group when an upper bound on the reduced cost of every
   connected superset of at most ``k`` members is not positive (the unit-cost index is
   bounded below over the population range the superset can reach; the best
   additions are bounded by the largest positive node weights in reach);
4. repeats until no group prices out. The LP bound then holds for the **full**
   problem: for any ``y >= 0``, ``b.y + sum_master max(0, rc) + sum over (seed,
   service) of the largest positive reduced cost of a non-master group with that
   smallest member`` is an upper bound (the slot rows keep at most one group per seed
   slot), and pricing computes the last term exactly (or bounds it, when stopped
   early).

The generated columns then go through the usual model and solve steps; the solve
step reports its gap against this bound (:attr:`Generation.lp_bound`), never against
the restricted problem's own bound.

Supported constraints: one partnership per slot (required), governance capacity and
overrides, a total budget, per-service limits, existing partnerships (their slots
closed, their governance use counted), objective ``npv``. Anything else
(forced / forbidden candidates or pairs, payback limits,
per-authority budgets, realisation overrides) changes which groups are allowed or
what they are worth in ways the pricing does not model: such runs enumerate in full
(:func:`generation_blockers` says why).
"""

from sharedopt.solve.generate.columns import ColumnGenerator, generate_scale_candidates
from sharedopt.solve.generate.close import CLOSE_CAP, close_gap, master_incumbent
from sharedopt.solve.generate.layout import MasterRows
from sharedopt.solve.generate.master import Generation, Master, column_generation
from sharedopt.solve.generate.plan import GenerationPlan, generation_blockers, plan_generation
from sharedopt.solve.generate.pricer import PricingResult, ServicePricer, groups_to_local, initial_groups, to_global

__all__ = [
    "CLOSE_CAP", "ColumnGenerator", "Generation", "GenerationPlan", "Master", "MasterRows", "PricingResult",
    "ServicePricer", "close_gap", "column_generation", "generate_scale_candidates",
    "generation_blockers", "groups_to_local", "initial_groups", "master_incumbent", "plan_generation",
    "to_global",
]
