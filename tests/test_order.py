"""Observed orders judged on the asymptotic range (``checks.order``), on synthetic sequences whose
order is known exactly, with and without seed noise, before any theorem is judged with them."""

import numpy as np
import pytest

from checks import engine, order, stats
from checks.study import Finding, Plot

WIDTHS = 2.0 ** np.arange(4, 13)          # m = 2⁴ … 2¹², the brief's sweep


def noisy(x, p, *, seeds=16, sigma=0.1, seed=0, const=3.0):
    """const · x^p with independent log-normal seed noise of log-sd ``sigma`` (shape (n, seeds))."""
    rng = np.random.default_rng(seed)
    return const * x[:, None] ** p * np.exp(sigma * rng.standard_normal((x.size, seeds)))


@pytest.mark.parametrize("p", [-0.25, -0.5, -1.0, -2.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_true_order_is_consistent_and_doubled_order_refuted(p, seed):
    e = noisy(WIDTHS, p, seed=seed)
    assert order.observed_order(WIDTHS, e, expected=p, seed=seed).state == stats.CONSISTENT
    # The planted false order of the brief: twice the true exponent (a rate too fast).
    doubled = order.observed_order(WIDTHS, e, expected=2 * p, seed=seed)
    assert doubled.state == stats.REFUTED
    assert doubled.fit.low > 2 * p


def test_noise_free_order_is_recovered_to_rounding():
    judged = order.observed_order(WIDTHS, 2.0 * WIDTHS ** -0.75, expected=-0.75)
    # 1-D, noise-free: the t-interval collapses to the rounding of the fit.
    np.testing.assert_allclose(judged.fit.slope, -0.75, rtol=1e-12)
    assert judged.fit.method == "t" and judged.state == stats.CONSISTENT


def test_upper_bound_accepts_faster_decay_and_refutes_slower():
    e = noisy(WIDTHS, -1.0)
    assert order.observed_order(WIDTHS, e, expected=-0.5).state == stats.CONSISTENT
    slower = order.observed_order(WIDTHS, noisy(WIDTHS, -0.3), expected=-0.5)
    assert slower.state == stats.REFUTED
    assert "slower than the bound allows" in slower.reason


def test_only_the_asymptotic_range_decides():
    # Order −1/2 for large m, flat (pre-asymptotic) below m = 2⁸: the whole range looks slower than
    # −1/2 … only the upper half is fitted and it is consistent.
    plateau = np.maximum(WIDTHS, 256.0) ** -0.5
    e = noisy(WIDTHS, 0.0, sigma=0.02) * plateau[:, None]
    full = stats.judge_order(stats.fit_loglog(WIDTHS, e), expected=-0.5)
    assert full.state == stats.REFUTED
    judged = order.observed_order(WIDTHS, e, expected=-0.5)
    assert judged.state == stats.CONSISTENT
    assert judged.fit.x[0] == 256.0 and judged.full.slope > judged.fit.slope
    assert "asymptotic range x in [256, 4096]" in judged.reason


def test_within_tolerance_accepts_euler_drift_that_exact_refutes():
    # Euler-like gap η(1 + 3η) in x = 1/η: order −1 plus an O(1/x) drift.
    x = 2.0 ** np.arange(3, 10)
    e = noisy(x, -1.0, seeds=8, sigma=1e-3) * (1.0 + 3.0 / x)[:, None]
    exact = order.observed_order(x, e, expected=-1.0, kind="exact")
    assert exact.state == stats.REFUTED          # the drift is larger than the tiny CI
    within = order.observed_order(x, e, expected=-1.0, kind="within", tolerance=0.1)
    assert within.state == stats.CONSISTENT
    second = order.observed_order(x, e, expected=-2.0, kind="within", tolerance=0.1)
    assert second.state == stats.REFUTED


@pytest.mark.parametrize("low, high, state", [
    (-1.05, -0.95, stats.CONSISTENT),      # inside the band
    (-1.3, -1.15, stats.REFUTED),          # below it
    (-0.85, -0.8, stats.REFUTED),          # above it
    (-1.15, -0.95, stats.INCONCLUSIVE),    # straddles its edge
])
def test_judge_within_states(low, high, state):
    fit = stats.OrderFit(slope=(low + high) / 2, intercept=0.0, low=low, high=high, method="t",
                         x=np.ones(3), errors=np.ones(3))
    assert order.judge_within(fit, expected=-1.0, tolerance=0.1)[0] == state


def test_judge_within_rejects_a_wide_ci_inside_a_wide_band():
    fit = stats.OrderFit(slope=-1.0, intercept=0.0, low=-1.4, high=-0.6, method="t",
                         x=np.ones(3), errors=np.ones(3))
    assert order.judge_within(fit, expected=-1.0, tolerance=0.5)[0] == stats.INCONCLUSIVE


def _judged(state):
    fit = stats.fit_loglog(WIDTHS, WIDTHS ** -1.0)
    return order.ObservedOrder("s", -1.0, "upper_bound", None, fit, fit, state, state.lower())


@pytest.mark.parametrize("states, joint", [
    ((stats.REFUTED, stats.REFUTED), stats.REFUTED),
    ((stats.REFUTED, stats.CONSISTENT), stats.INCONCLUSIVE),   # one α refuted is no counterexample
    ((stats.CONSISTENT, stats.CONSISTENT), stats.CONSISTENT),
    ((stats.CONSISTENT, stats.INCONCLUSIVE), stats.INCONCLUSIVE),
])
def test_joint_state(states, joint):
    assert order.joint_state([_judged(s) for s in states]) == joint


def test_to_finding_maps_states_and_names_values():
    a = order.observed_order(WIDTHS, noisy(WIDTHS, -0.5), expected=-0.5, label="a")
    b = order.observed_order(WIDTHS, noisy(WIDTHS, -0.5, seed=1), expected=-0.5, label="b")
    finding = order.to_finding([a, b], values=dict(eta=0.1), note="two classes")
    assert isinstance(finding, Finding) and finding.state == engine.HOLDS
    assert finding.values["a.slope"] == a.fit.slope and finding.values["b.high"] == b.fit.high
    assert finding.values["eta"] == 0.1 and finding.reason.endswith("two classes")
    single = order.to_finding([order.observed_order(WIDTHS, noisy(WIDTHS, -0.3), expected=-0.5)])
    assert single.state == engine.VIOLATED and "slope" in single.values


def test_order_plot_draws_data_fit_and_claimed_slope():
    judged = order.observed_order(WIDTHS, noisy(WIDTHS, -0.5), expected=-0.25, label="α=1")
    plot = order.order_plot(judged, name="w", title="t", xlabel="m", ylabel="e")
    assert isinstance(plot, Plot) and plot.xscale == plot.yscale == "log"
    observed, fitted, claimed = plot.series
    assert len(observed.x) == WIDTHS.size and observed.yerr is not None
    slope = np.diff(np.log(claimed.y)) / np.diff(np.log(claimed.x))
    np.testing.assert_allclose(slope, -0.25, rtol=1e-12)
    assert fitted.y[0] == pytest.approx(claimed.y[0])      # anchored at the fit
    with pytest.raises(ValueError, match="length"):
        order.order_plot(judged, name="w", title="t", xlabel="m", ylabel="e", x=[1.0, 2.0])


def test_bad_input_is_refused():
    e = noisy(WIDTHS, -0.5)
    with pytest.raises(ValueError, match="kind"):
        order.observed_order(WIDTHS, e, expected=-0.5, kind="lower_bound")
    with pytest.raises(ValueError, match="tolerance"):
        order.observed_order(WIDTHS, e, expected=-0.5, kind="within")
    with pytest.raises(ValueError, match="tolerance"):
        order.observed_order(WIDTHS, e, expected=-0.5, tolerance=0.1)
    bad = e.copy()
    bad[0, 0] = np.nan                                       # a diverged run is never judged
    with pytest.raises(ValueError, match="finite"):
        order.observed_order(WIDTHS, bad, expected=-0.5)
    fit = stats.fit_loglog(WIDTHS, e)
    with pytest.raises(ValueError, match="tolerance"):
        order.judge_within(fit, expected=-0.5, tolerance=0.0)
    with pytest.raises(ValueError, match="OrderFit"):
        order.judge_within((1, 2), expected=-0.5, tolerance=0.1)
    with pytest.raises(ValueError, match="at least one"):
        order.joint_state([])


def test_engine_state_maps_judgements():
    assert order.engine_state("CONSISTENT") == engine.HOLDS
    assert order.engine_state("REFUTED") == engine.VIOLATED
    assert order.engine_state("INCONCLUSIVE") == engine.INCONCLUSIVE
