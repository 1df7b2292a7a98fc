"""Safran & Lee 2022 (theorems/safran_lee2022.py): the closed forms against independent
computations, the pieces of each check, and the registered claims."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, optimize
from scipy.special import erf

from checks import data, engine, stats
from checks import features as feat
from checks.network import Params
from checks.theorem import Outcome, Problem, get, planted_variants
from checks.training import gradient_descent
from theorems import safran_lee2022 as sl


def _truncated_mean_by_quadrature(z, cut):
    """E[erf(zY + B)], Y ~ N(0, ¼) and B ~ N(0, ¼) conditioned on B ≥ cut, by 2-D quadrature."""
    def inner(b):
        return integrate.quad(
            lambda y: erf(z * y + b) * np.exp(-2 * y * y) * math.sqrt(2 / math.pi),
            -np.inf, np.inf, epsabs=1e-13)[0]
    mass = 0.5 * (1.0 - erf(math.sqrt(2.0) * cut))
    density = lambda b: math.sqrt(2 / math.pi) * math.exp(-2 * b * b) / mass  # noqa: E731
    return integrate.quad(lambda b: inner(b) * density(b), cut, np.inf, epsabs=1e-12)[0]


@pytest.mark.parametrize("z", [0.0, 1.0, 2.5, 7.0])
@pytest.mark.parametrize("cut", sl.PROP21_CUTS)
def test_prop21_closed_forms_match_quadrature(z, cut):
    # Nested adaptive quadrature of smooth integrands: accurate to ~1e-10.
    assert_allclose(sl.prop21_closed_form(z, cut), _truncated_mean_by_quadrature(z, cut),
                    rtol=1e-8)


def test_prop22_derivative_zstar_and_root():
    z = np.linspace(0.05, 15.0, 300)
    h = 1e-6
    for xi in (0.45, 0.46, 0.472):
        fd = (sl.prop22_f(z + h, xi) - sl.prop22_f(z - h, xi)) / (2 * h)
        # Central differences at h = 1e-6: truncation ~h² and rounding ~eps/h ≈ 1e-10.
        assert_allclose(sl.prop22_derivative(z, xi), fd, rtol=0, atol=1e-9)
        best = optimize.minimize_scalar(lambda t: float(sl.prop22_f(t, xi)), bounds=(1.0, 8.0),
                                        method="bounded", options=dict(xatol=1e-10))
        assert_allclose(sl.prop22_zstar(xi), best.x, atol=1e-6)
    for lam in (1.0, 1.5, 2.0):
        assert abs(sl.prop22_f(lam, sl.prop22_root_xi(lam))) < 1e-15


def test_printed_reference_vector_never_changes_sign_in_expectation():
    # E[r^{-1/4} vᵀx̃] for the printed v is P₁E₁(z) − ξP₂E₂(z) with the kept fractions
    # P₁ = ¼·½ (B ≥ 0, w₀ > 0, half the neurons) and P₂ = ½(1 − erf 1)/2·½: positive at every z.
    z = np.linspace(0.0, 200.0, 20001)
    p1, p2 = 0.125, 0.125 * (1.0 - erf(1.0))
    for lam in (1.0, 1.5, 2.0):
        xi = sl.prop22_root_xi(lam)
        printed = p1 * sl.prop21_closed_form(z, 0.0) - xi * p2 * sl.prop21_closed_form(
            z, sl.PROP21_CUTS[1])
        assert printed.min() > 0
        normalised = sl.prop22_f(z, xi)
        assert normalised[z < lam - 0.01].min() > 0 > normalised[(z > lam + 0.01) & (z < 4)].max()


def test_theorem9_vectors_counts():
    U, B, w0 = feat.init_features(40000, 3, seed=0)
    printed, normalised, a1, a2 = sl.theorem9_vectors(U, B, w0, 0.46)
    # Binomial counts with p = 1/8 and (1 − erf 1)/8 ≈ 0.0197 of r: within 5 SE.
    assert abs(a1 - 5000) < 5 * math.sqrt(40000 * 0.125 * 0.875)
    assert abs(a2 - 40000 * 0.125 * (1 - erf(1.0))) < 5 * math.sqrt(40000 * 0.02)
    # Item 1 as its proof computes it: ‖v‖² = Σ v_j² ≤ r·r^{−3/2} = 1/√r (the statement's
    # "‖v‖₂ ≤ 1/√r" is the squared norm), and ‖w₀ − v‖ < ‖v‖.
    assert np.sum(printed ** 2) <= 40000 ** -0.5
    assert np.linalg.norm(w0 - printed) < np.linalg.norm(printed)
    assert_allclose(normalised[normalised > 0].sum(), 40000 ** 0.25)
    assert_allclose(normalised[normalised < 0].sum(), -0.46 * 40000 ** 0.25)


def test_theorem13_bound_and_literal_numbers():
    assert_allclose(sl.theorem13_bound(16, 4096, 0.1),
                    0.25 + 4.0 * math.sqrt(2.0 * math.log(40.0) / 4096))
    reason = sl.literal_reason()
    assert "2.07e+16" in reason and "1.28e-13" in reason


def test_contraction_failure_rule():
    eta, nu, rho = 0.1, 0.0, 1e-16
    assert not sl._contraction_failure(np.array([1.0, 0.81, 0.81, 0.25]), eta, nu, rho)[0]
    assert sl._contraction_failure(np.array([1.0, 0.81, 0.83]), eta, nu, rho)[0]
    # The tolerance is 10ρ (ρ floored at the unit roundoff 1.1e-16): growth by 2 ulps passes,
    # growth by 5e-15 does not.
    assert not sl._contraction_failure(np.array([1.0, 1.0 + 5e-16]), eta, nu, rho)[0]
    assert sl._contraction_failure(np.array([1.0, 1.0 + 5e-15]), eta, nu, rho)[0]
    # A run that never moved has v* = w₀: distance 0 throughout, not a failure; moving away from
    # a zero distance is, and so is a NaN (a diverged run) anywhere.
    assert not sl._contraction_failure(np.zeros(5), eta, nu, rho)[0]
    assert sl._contraction_failure(np.array([1.0, 0.0, 0.5]), eta, nu, rho)[0]
    for bad in ([1.0, np.nan, 0.5], [1.0, 0.5, np.nan], [np.nan] * 3):
        assert sl._contraction_failure(np.array(bad), eta, nu, rho)[0]
    assert sl._contraction_failure(np.array([1.0, 0.5]), eta, nu, np.nan)[0]
    # The planted rate: ν = 1/η demands a halving of the squared distance per step.
    assert sl._contraction_failure(np.array([1.0, 0.64]), eta, 1.0 / eta, rho)[0]


def test_squared_distances_and_their_measured_rounding():
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal(64)
    kept = w0 + np.cumsum(0.01 * rng.standard_normal((20, 64)), axis=0)
    reference = kept[-1] + 1e-3
    d2, rho = sl._squared_distances(kept, reference, w0)
    assert_allclose(d2, [math.fsum((row - reference) ** 2) for row in kept], rtol=1e-14)
    # Two roundings of a sum of 64 squares: a few ulps apart, and rarely all equal.
    assert 0.0 < rho < 64 * np.finfo(float).eps
    # A run that never moved: distance 0 everywhere, rounding 0.
    still = np.tile(w0, (5, 1))
    d2, rho = sl._squared_distances(still, w0, w0)
    assert np.all(d2 == 0.0) and rho == 0.0


def test_gradient_norms_from_predictions_match_the_gradient():
    spec = sl.GRAD_DATA[0]
    X, y = spec.arrays()
    U, B, w0 = feat.init_features(16, X.shape[1], seed=4)
    run = gradient_descent(feat.NETWORK, Params(U, B, w0), X, y, eta=0.25, steps=30,
                           record=("predictions",))
    outcome = Outcome(Problem(X, y, m=16), Params(U, B, w0), run, 4)
    fast = feat.gradient_descent(feat.features(X, U, B), y, w0, eta=0.25, steps=30)
    # Two computations of the same norms (numpy matmul vs the loop's sums): a few ulps.
    assert_allclose(sl._gradient_norms(outcome), fast.grad_norms, rtol=1e-11)


@pytest.mark.parametrize("claim_id", [
    "safran_lee2022.prop21_truncated_feature_mean", "safran_lee2022.prop22_f_xi_properties",
    "safran_lee2022.sum_of_spheres_norm_density", "safran_lee2022.gradient_norm_bound",
    "safran_lee2022.theorem13_generalisation_gap", "safran_lee2022.single_neuron_contraction",
    "safran_lee2022.clip_ablation", "safran_lee2022.theorem9_reference_vector",
    "safran_lee2022.width_scaling", "safran_lee2022.dimension_scaling"])
def test_registered_with_a_planted_variant(claim_id):
    claim = get(claim_id)
    assert claim.citation.arxiv == "2112.02393"
    assert planted_variants(claim_id) and all(p.planted for p in planted_variants(claim_id))


def test_cheap_identities_hold_and_their_planted_variants_fail():
    for claim_id in ("safran_lee2022.prop22_f_xi_properties",
                     "safran_lee2022.sum_of_spheres_norm_density"):
        assert engine.check(get(claim_id), mode="literal").state == engine.HOLDS
        for planted in planted_variants(claim_id):
            assert engine.check(planted, mode="literal").state == engine.VIOLATED


@pytest.mark.parametrize("d", [3, 4, 7, 16, 40])
def test_density_bound_is_the_max_of_gamma_prime_on_its_interval(d):
    # The grid holds t = 2, where γ'_3(t) = t/2 peaks at a corner; elsewhere the mode is smooth
    # and a spacing of 2.9e-6 puts the grid max below the true max by O(h²|γ''|) ≲ 1e-9 relative.
    t = np.union1d(np.linspace(0.9, 2.05, 400_001), [2.0])
    grid_max = float(np.max(data.sum_of_spheres_norm_density(t, d)))
    assert_allclose(sl.sum_of_spheres_density_bound(d), grid_max, rtol=1e-8)
    assert sl.sum_of_spheres_density_bound(d) >= grid_max


def test_density_bound_rejects_d2_and_grows_like_sqrt_d():
    with pytest.raises(ValueError, match="d must be at least 3"):
        sl.sum_of_spheres_density_bound(2)
    # ‖x‖² = 2 + 2s with s ≈ N(0, 1/d): ‖x‖ ≈ √2 + s/√2 has density ≈ √(d/π) at its mode,
    # so q(d)/√d → 1/√π ≈ 0.564; at d = 400 within 1%.
    assert_allclose(sl.sum_of_spheres_density_bound(400) / math.sqrt(400), 1 / math.sqrt(math.pi),
                    rtol=0.01)


def test_worst_radius_skips_stalled_runs_before_choosing():
    test = np.array([[0.1, 0.1, 0.9, 0.1, 0.1], [0.2, 0.9, 0.2, 0.2, 0.2]])
    stalled = np.array([[False, False, True, False, False], [False, True, False, False, False]])
    k, kept = sl._worst_radius(test, stalled, 3)
    assert k == 1 and list(kept) == [0, 2, 3]
    # Two stalled runs would make row 0's median over all its runs 0.5 (> 0.2); over its usable
    # runs it is 0.1, so row 1 is the worst.
    test = np.array([[0.5, 0.5, 0.1, 0.1], [0.2, 0.2, 0.2, 0.2]])
    stalled = np.array([[True, True, False, False], [False, False, False, False]])
    k, kept = sl._worst_radius(test, stalled, 2)
    assert k == 1 and list(kept) == [0, 1]
    # Too few usable runs at any radius: (that radius, None).
    assert sl._worst_radius(test, stalled, 3) == (0, None)
    assert sl._usable_trials(np.array([True, False, True, False]), 2).tolist() == [1, 3]
    assert sl._usable_trials(np.array([True, False, True]), 2) is None


def test_eq2_errors_shapes_determinism_and_stalled_rule():
    lambdas, seeds = (1.25, math.sqrt(2.0)), (7, 8)
    out = sl._eq2_errors.__wrapped__("sum_of_spheres", 1.0, 3, 6, 120, lambdas, seeds)
    again = sl._eq2_errors.__wrapped__("sum_of_spheres", 1.0, 3, 6, 120, lambdas, seeds)
    test, train, fall, constant, stalled, diverged = out
    assert all(a.shape == (2, 2) for a in (test, train, fall, constant, stalled)) and diverged == 0
    for a, b in zip(out[:5], again[:5]):
        np.testing.assert_array_equal(a, b)
    # The stalled flag is exactly the rule on the final training loss.
    for j, lam in enumerate(lambdas):
        for i, s in enumerate(seeds):
            X = data.radial(120, 3, norm="sum_of_spheres", seed=sl.DATA_SEED_OFFSET + s)
            p = data.ball_indicator(X, radius=lam).mean()
            assert stalled[j, i] == (train[j, i] >= sl.STALLED_FRACTION * min(p, 1 - p))
    assert np.all((constant > 0) & (constant <= 0.25))


def test_width_sizes_keep_n_fixed_and_fit_the_upper_half():
    for widths, n, trials in sl.WIDTH_SIZES.values():
        assert list(widths) == sorted(widths) and trials >= 2
        x, _ = stats.asymptotic_tail(widths, np.ones(len(widths)), fraction=sl.WIDTH_TAIL)
        assert x[0] >= 32 and n >= 16 * widths[-1]


def test_gradient_data_never_shares_a_stream_with_a_network():
    profile = engine.get_profile("ci")
    for seed in (0, 3):
        for instance in sl._grad_instances(sl.gradient_norm, "relaxed", profile, seed):
            networks = set(instance.seeds) | {s + engine.CONFIRM_SEED_OFFSET
                                              for s in range(seed * sl.SEED_STRIDE,
                                                             seed * sl.SEED_STRIDE
                                                             + profile.confirm_seeds)}
            assert instance.data.seed not in networks


# A NaN statistic must never count as "within the bound": each measure, with its inner
# computation replaced by one returning NaN, must not HOLD.
TINY = engine.Profile("ci", seeds=2, confirm_seeds=2, search_examples=0, budget=1e10)


def _nan_like(z, *args, **kwargs):
    return np.full(np.shape(z), np.nan)


def test_nan_cannot_hold_prop21(monkeypatch):
    monkeypatch.setitem(sl.PROP21_NEURONS, "ci", 20_000)
    monkeypatch.setattr(sl, "prop21_closed_form", _nan_like)
    assert sl._prop21_measure(sl.prop21, "literal", TINY, 0).state == engine.INCONCLUSIVE


def test_nan_cannot_hold_prop22(monkeypatch):
    monkeypatch.setattr(sl, "prop22_derivative", _nan_like)
    assert sl._prop22_measure(sl.prop22, "literal", TINY, 0).state != engine.HOLDS


def test_nan_cannot_hold_gamma(monkeypatch):
    monkeypatch.setitem(sl.GAMMA_SAMPLES, "ci", 500)

    class NanTest:
        statistic = pvalue = math.nan

    monkeypatch.setattr(sl.sps, "kstest", lambda *a, **k: NanTest())
    assert sl._gamma_measure(sl.gamma_prime, "literal", TINY, 0).state == engine.INCONCLUSIVE


def test_nan_cannot_hold_gradient_norm(monkeypatch):
    monkeypatch.setattr(sl, "_gradient_norms", lambda outcome: np.array([1.0, np.nan]))
    assert not sl.gradient_norm.conclusion.evaluate(None, {"gradient_bound": 16.0}).holds


def test_nan_cannot_hold_gap(monkeypatch):
    monkeypatch.setattr(sl, "_gap_trial", lambda r, n, steps, trial: (math.nan, math.nan))
    assert sl._gap_measure(sl.gen_gap, "literal", TINY, 0).state != engine.HOLDS


def test_nan_cannot_hold_contraction(monkeypatch):
    steps = sl.CONTRACTION["steps"]

    def runs(seeds, eta_factor):
        d2 = np.linspace(1.0, 0.5, steps + 1)
        d2[steps // 2] = np.nan
        return eta_factor / 64, [(d2, 1e-16, 18.0, np.ones(steps + 1)) for _ in seeds]

    monkeypatch.setattr(sl, "_contraction_runs", runs)
    assert sl._contraction_measure(sl.contraction, "relaxed", TINY, 0).state != engine.HOLDS


def test_nan_cannot_hold_ablation(monkeypatch):
    monkeypatch.setattr(sl, "_ablation_errors",
                        lambda d, r, n, steps, seeds: tuple(np.full(len(seeds), np.nan)
                                                            for _ in range(4)))
    assert sl._ablation_measure(sl.ablation, "relaxed", TINY, 0).state == engine.INCONCLUSIVE


def test_nan_cannot_hold_theorem9(monkeypatch):
    monkeypatch.setitem(sl.T9_NEURONS, "ci", 20_000)
    monkeypatch.setattr(sl, "prop22_f", _nan_like)
    assert sl._t9_measure(sl.reference, "relaxed", TINY, 0).state == engine.INCONCLUSIVE


def _nan_eq2_errors(norm, scale, d, r, n, lambdas, seeds):
    shape = (len(lambdas), len(seeds))
    nan = np.full(shape, np.nan)
    return nan, nan, nan, np.full(shape, 0.25), np.zeros(shape, dtype=bool), 0


def test_nan_cannot_hold_width_scaling(monkeypatch):
    monkeypatch.setattr(sl, "_eq2_errors", _nan_eq2_errors)
    assert sl._width_measure(sl.width_scaling, "relaxed", TINY, 0).state == engine.INCONCLUSIVE


def test_nan_cannot_hold_dimension_scaling(monkeypatch):
    monkeypatch.setattr(sl, "_eq2_errors", _nan_eq2_errors)
    assert sl._dim_measure(sl.dimension_scaling, "relaxed", TINY, 0).state == engine.INCONCLUSIVE
