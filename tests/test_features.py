"""The random-features GD loop (checks.features) against the general kernel, and its edges."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import erf

from checks import data
from checks import features as feat
from checks.network import Params
from checks.training import gradient_descent


def _problem(n, d, r, norm="cauchy", radius=1.5, seed=0):
    X = data.radial(n, d, norm=norm, seed=seed)
    y = data.ball_indicator(X, radius=radius)
    U, B, w0 = feat.init_features(r, d, seed=seed + 1)
    return X, y, U, B, w0


def test_init_is_assumption_7():
    U, B, w0 = feat.init_features(20000, 3, seed=0)
    # Standard deviations ½, ½ and 1/r; 20000 draws put the sample std within ~1.5% (4 SE).
    assert_allclose([U.std(), B.std(), w0.std() * 20000], [0.5, 0.5, 1.0], rtol=0.02)


def test_features_are_erf_of_the_preactivations():
    X, _, U, B, _ = _problem(50, 4, 30)
    # Pre-activations of O(1) terms summed in another order differ by a few ulps; erf is
    # 2/√π-Lipschitz, so the features agree to ~1e-15 absolute.
    assert_allclose(feat.features(X, U, B), erf(X @ U.T + B), rtol=0, atol=1e-14)


@pytest.mark.parametrize("n, d, r, norm, eta, steps", [
    (40, 3, 16, "cauchy", 0.25, 300),
    (64, 5, 33, "sum_of_spheres", 4.0 / 33, 200),
    (30, 2, 7, "gaussian", 0.5, 400),
])
def test_matches_the_general_kernel(n, d, r, norm, eta, steps):
    X, y, U, B, w0 = _problem(n, d, r, norm=norm, radius=1.0 if norm == "gaussian" else 1.5)
    ref = gradient_descent(feat.NETWORK, Params(U, B, w0), X, y, eta=eta, steps=steps)
    run = feat.gradient_descent(feat.features(X, U, B), y, w0, eta=eta, steps=steps)
    # Same formulas; only the dot products wᵀx̃ are summed in four parts instead of one, a few
    # ulps each. GD on this objective is non-expansive at these step sizes (η·λ_max < 2), so the
    # differences stay at ~1e-15 relative over hundreds of steps; 1e-12 leaves room but would
    # catch any difference of formula (a wrong interval, a missing factor 2/n).
    assert_allclose(run.losses, ref.losses, rtol=1e-12, atol=1e-300)
    assert_allclose(run.w, ref.params.a, rtol=1e-12, atol=1e-14)


def test_gradient_record_matches_numpy():
    X, y, U, B, w0 = _problem(80, 4, 24)
    Xt = feat.features(X, U, B)
    run = feat.gradient_descent(Xt, y, w0, eta=0.1, steps=60, keep_every=20)
    assert list(run.kept_steps) == [0, 20, 40, 60]
    for k, w in zip(run.kept_steps, run.kept):
        # A norm of n products of numbers ≤ 1: rounding ~n·eps relative.
        assert_allclose(run.grad_norms[k], np.linalg.norm(feat.clipped_gradient(w, Xt, y)),
                        rtol=1e-12)
        assert_allclose(run.losses[k], feat.clipped_risk(w, Xt, y), rtol=1e-12)
    assert run.grad_norms.max() <= 2.0 * np.sqrt(24)


def test_batch_is_bit_identical_and_deterministic():
    problems = [_problem(60, 3, 12, seed=s) for s in range(3)]
    Xts = [feat.features(X, U, B) for X, _, U, B, _ in problems]
    ys = [p[1] for p in problems]
    w0s = [p[4] for p in problems]
    batch = feat.gradient_descent_batch(Xts, ys, w0s, eta=0.3, steps=100, keep_every=50)
    for Xt, y, w0, b in zip(Xts, ys, w0s, batch):
        single = feat.gradient_descent(Xt, y, w0, eta=0.3, steps=100, keep_every=50)
        assert_array_equal(b.losses, single.losses)
        assert_array_equal(b.w, single.w)
        assert_array_equal(b.kept, single.kept)
    again = feat.gradient_descent_batch(Xts, ys, w0s, eta=0.3, steps=100)
    assert_array_equal(again[0].w, batch[0].w)


def test_stationary_start_never_moves():
    # Every output ≤ 0 at w₀: the clip's open interval is empty, ∇F̂ = 0, GD stays put.
    X, y, U, B, _ = _problem(30, 3, 10)
    Xt = feat.features(X, U, B)
    w0 = -np.linalg.lstsq(Xt, np.ones(30), rcond=None)[0]
    assert np.all(Xt @ w0 <= 0)
    run = feat.gradient_descent(Xt, y, w0, eta=1.0, steps=5)
    assert_array_equal(run.w, w0)
    assert np.all(run.grad_norms == 0.0)
    assert_allclose(run.losses, y.mean())


def test_clipped_risk_stack_and_single():
    rng = np.random.default_rng(0)
    Xt, y, W = rng.uniform(-1, 1, (50, 6)), rng.integers(0, 2, 50).astype(float), \
        rng.standard_normal((3, 6))
    assert_allclose(feat.clipped_risk(W, Xt, y), [feat.clipped_risk(w, Xt, y) for w in W])


def test_ball_indicator_spec():
    spec = feat.BallIndicatorSpec("radial", n=100, d=4, seed=3, options=(("norm", "cauchy"),),
                                  radius=1.2)
    X, y = spec.arrays()
    assert_array_equal(y, data.ball_indicator(X, radius=1.2))
    assert "‖x‖ ≤ 1.2" in spec.describe() and spec.to_dict()["radius"] == 1.2


def test_bad_input_is_named():
    X, y, U, B, w0 = _problem(10, 3, 5)
    Xt = feat.features(X, U, B)
    with pytest.raises(ValueError, match="w0"):
        feat.gradient_descent(Xt, y, w0[:3], eta=0.1, steps=1)
    with pytest.raises(ValueError, match="eta"):
        feat.gradient_descent(Xt, y, w0, eta=-1.0, steps=1)
    with pytest.raises(ValueError, match="B"):
        feat.features(X, U, B[:2])
    with pytest.raises(ValueError, match="Xts"):
        feat.gradient_descent_batch([Xt], [y[:5]], [w0], eta=0.1, steps=1)
