"""The general fund's part of each candidate's money: what a council can bank.

A saving on a service funded by a ring-fenced grant (the Dedicated Schools Grant for
education, the public health grant: :data:`sharedopt.config.assumptions.RING_FENCED_SHARES`)
must be spent again on that service; it does not reach the general fund, which pays every
cost. Each member's weight is its share of the pooled poolable spend (it pays that share of
the costs and receives that share of the saving: ``CASHFLOW_RULES``), and the ring-fenced
share of its saving is the fenced share of its own poolable spend. So, with ``S`` the
expected annual saving and ``R`` the ramped annuity factor (:func:`sharedopt.candidates.value.annuity_factors`):

* general-fund NPV of the partnership: ``npv - S * R * sum_i w_i * ring_i``;
* general-fund NPV of member *i*: ``w_i * (npv - S * R * ring_i)``.

:mod:`sharedopt.results.cashflow` builds the same figures year by year from
:func:`member_weights`; the tests check that the two agree.
"""

from __future__ import annotations

import numpy as np

from sharedopt.candidates.table import GENERAL_FUND_NPV, MIN_MEMBER_GENERAL_FUND_NPV


def member_weights(assets: np.ndarray, fenced: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each member's weight and the ring-fenced share of its saving, per group.

    Parameters
    ----------
    assets : numpy.ndarray
        (s, m, k) each member's poolable spend on each shared service (0 for padding).
    fenced : numpy.ndarray
        (s,) ring-fenced share of each service's saving.
    valid : numpy.ndarray
        (m, k) True for a member, False for padding.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        (m, k) weights (summing to 1 per group; equal when no member has poolable spend) and
        (m, k) ring-fenced shares (0 for padding).
    """
    own = assets.sum(axis=0)
    total = own.sum(axis=1, keepdims=True)
    equal = valid / np.maximum(valid.sum(axis=1, keepdims=True), 1)
    weights = np.where(total > 0, own / np.where(total > 0, total, 1.0), equal)
    ring = np.where(own > 0, (assets * fenced[:, None, None]).sum(axis=0) / np.where(own > 0, own, 1.0), 0.0)
    return np.where(valid, weights, 0.0), np.where(valid, ring, 0.0)


def general_fund_columns(assets: np.ndarray, fenced: np.ndarray, valid: np.ndarray, npv: np.ndarray,
                         saving: np.ndarray, ramp_annuity: float) -> dict[str, np.ndarray]:
    """The partnership's general-fund NPV and its worst-off member's, £k.

    ``assets``, ``fenced`` and ``valid`` as in :func:`member_weights`; ``saving`` is the expected
    annual saving (after realisation), ``npv`` the expected NPV, ``ramp_annuity`` the discounted
    sum of the ramp over the horizon.
    """
    weights, ring = member_weights(assets, fenced, valid)
    saving_pv = np.asarray(saving, dtype=float)[:, None] * ramp_annuity
    each = weights * (np.asarray(npv, dtype=float)[:, None] - saving_pv * ring)
    worst = np.where(valid, each, np.inf).min(axis=1)
    return {GENERAL_FUND_NPV: each.sum(axis=1), MIN_MEMBER_GENERAL_FUND_NPV: worst}
