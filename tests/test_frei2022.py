"""The encoding of Frei, Chatterji & Bartlett (2022): the setting's formulas, the failure rule of a
trial, and what the studies say where they cannot run. The verdicts themselves (relaxed HOLDS,
planted variants refuted) are checked with every other claim by tests/test_claims.py."""

from dataclasses import replace
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from checks import clusters, engine
from theorems import frei2022 as F


def test_literal_sizes_satisfy_the_assumptions_at_c_one():
    rows = F.LITERAL.assumptions()
    assert [name.split()[0] for name, *_ in rows] == [f"(A{k})" for k in range(1, 7)]
    assert all(holds for *_, holds in rows), rows
    # (A2) is tight on purpose: p = 540 against n² log(n/δ) = 100 log 200 ≈ 529.8
    assert_allclose(rows[1][2], 100 * math.log(10 / F.DELTA), rtol=1e-15)


def test_relaxed_relaxes_only_the_step_and_the_conclusions_constant():
    r, lit = F.RELAXED, F.LITERAL
    assert replace(r, alpha_factor=1.0, C_conclusion=1.0) == lit
    assert_allclose(r.alpha, 1.0 / (max(1.0, r.H / math.sqrt(r.m)) * r.p), rtol=1e-15)
    assert_allclose(r.omega * math.sqrt(r.m * r.p), r.alpha, rtol=1e-15)  # (A6) at equality
    names = [name.split()[0] for name, *_, holds in r.assumptions() if not holds]
    assert names == ["(A5)"]


def test_formulas_of_theorem_1():
    s = replace(F.RELAXED, C_conclusion=2.0)
    L0 = 0.7
    assert s.steps(L0) == math.ceil(2.0 * L0 / (s.mu2 * s.alpha * s.eps ** 2))
    assert_allclose(s.eps, 0.9 / (2 * s.n))
    assert_allclose(s.test_bound(), s.noise + 2 * math.exp(-s.n * s.mu2 ** 2 / (2.0 * s.p)))


def _outcome(accuracy=1.0, loss=0.01, low=0.09, diverged=False):
    test = clusters.TestError(400, 4000, low, low + 0.02, 1e-3)
    return F.Outcome(100, loss, 50, accuracy, accuracy, None if diverged else test, True,
                     diverged)


@pytest.mark.parametrize("outcome, part, fails", [
    (_outcome(), 0, False),
    (_outcome(accuracy=0.9), 0, True),      # a training point misclassified
    (_outcome(accuracy=0.9), 2, False),     # … does not fail part 2 alone
    (_outcome(loss=0.05), 1, True),         # L̂(W(T)) > ε = 0.045
    (_outcome(low=0.2), 0, True),           # the test error's interval above the bound
    (_outcome(low=0.2), 1, False),          # … does not fail part 1 alone
    (_outcome(diverged=True), 0, True),     # a diverged run fails every part
    (_outcome(diverged=True), 2, True),
])
def test_a_trial_fails_exactly_the_parts_it_breaks(outcome, part, fails):
    assert F._theorem1_fails(outcome, F.RELAXED, part, bound=0.106) is fails


def test_literal_theorem_1_says_why_it_cannot_run():
    finding = F.benign.measure(F.benign, "literal", engine.get_profile("ci"), 0)
    assert finding.state == engine.VACUOUS
    assert "(A5) asks α ≤" in finding.reason and "beyond every profile's budget" in finding.reason


def test_outside_the_hypotheses_nothing_is_judged():
    study = F.benign.variant("x", options=dict(setting=dict(p=100, alpha_factor=100.0)))
    finding = study.measure(study, "relaxed", engine.get_profile("ci"), 0)
    assert finding.state == engine.INCONCLUSIVE and "(A2)" in finding.reason


def test_a_search_draw_above_twice_the_fixed_cost_is_not_run():
    study = F.benign.variant("x", options=dict(searched=True, setting=F._setting_dict(
        F._space_setting(dict(n=16, p_factor=2.0, mu_fraction=0.2, m=8, noise=0.1, gamma=0.1,
                              H=1.0, kappa=1.0)))))
    finding = study.measure(study, "relaxed", engine.get_profile("ci"), 0)
    assert finding.state == engine.INCONCLUSIVE and "not run" in finding.reason
    assert math.isnan(F._benign_score(finding, {}))  # a rejection for the search


def test_first_step_ratio_is_alpha_free():
    """ω_init = α/√(mp) (A6): the ratio after one step does not depend on α, to rounding."""
    a = F.first_step_ratio(F.LITERAL, 3)
    b = F.first_step_ratio(replace(F.LITERAL, alpha_factor=100.0), 3)
    # W(0) ∝ α exactly; only g_i = 1/(1 + e^{y_i f(x_i)}) moves, by O(|f(W(0))|) ∝ α: measured
    # 1.4e-5 relative at the 100× larger α, so 1e-4.
    assert_allclose(a, b, rtol=1e-4)
    assert a > F.LITERAL.gamma * math.sqrt(F.LITERAL.mu2)  # even C = 1 holds at this instance


def test_harm_statistic_is_a_two_proportion_z():
    z = F._harm_z((120, 1000), (100, 1000))
    rate = 220 / 2000
    assert_allclose(z, 0.02 / math.sqrt(rate * (1 - rate) * 2 / 1000), rtol=1e-12)
    assert np.isnan(F._harm_z((0, 10), (0, 10)))
