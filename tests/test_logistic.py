"""The smoothed leaky ReLU (Frei, Chatterji & Bartlett 2022, Eq. (1)) and the logistic loss in the
kernels: the properties the paper names, the overflow-free loss at extreme margins, the GD loop
against the numpy reference, and bad labels rejected.

The gradients of both against finite differences, and the kernels against ``tests/reference.py``
at every setting, are in ``tests/test_network.py`` (its SETTINGS include them).
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from checks import kernels
from checks.network import Network, Params, init_params, loss, loss_and_gradient
from checks.training import gradient_descent, gradient_descent_batch
from tests import reference


def _slrelu(z, gamma, H):
    params = np.array([gamma, H])
    pairs = [kernels.activation_and_derivative(float(v), kernels.SMOOTH_LEAKY_RELU, params)
             for v in np.atleast_1d(z)]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


@pytest.mark.parametrize("gamma, H", [(0.1, 1.0), (0.5, 4.0), (0.0, 2.0), (1.0, 1.0),
                                      (0.01, 100.0)])
def test_smoothed_leaky_relu_is_gamma_leaky_and_H_smooth(gamma, H):
    z = np.linspace(-5.0 / H, 5.0 / H, 2001)
    value, slope = _slrelu(z, gamma, H)
    # φ(0) = 0; γ ≤ φ' ≤ 1 (exactly, up to one rounding of the middle piece's slope)
    assert _slrelu(0.0, gamma, H)[0][0] == 0.0
    assert np.all(slope >= gamma - 1e-15) and np.all(slope <= 1.0 + 1e-15)
    # |φ''| ≤ H: slopes change by at most H·Δz between neighbours (the paper's H-smoothness;
    # Eq. (1) has φ'' = (1 − γ)H/2 inside |z| ≤ 1/H and 0 outside). 1e-12 absorbs rounding.
    dz = z[1] - z[0]
    assert np.all(np.abs(np.diff(slope)) <= H * dz * (1 + 1e-9) + 1e-12)
    # continuous at ±1/H: the three pieces meet (values (3 + γ)/(4H) and −(1 + 3γ)/(4H))
    for knot, want in ((1.0 / H, (3 + gamma) / (4 * H)), (-1.0 / H, -(1 + 3 * gamma) / (4 * H))):
        below, above = _slrelu(np.array([knot * (1 - 1e-12), knot * (1 + 1e-12)]), gamma, H)[0]
        assert_allclose([below, above], want, rtol=1e-10, atol=1e-12)
    # φ is the integral of φ': trapezoidal rule on the grid, exact up to O(dz²·H) per step
    integral = np.concatenate([[0.0], np.cumsum((slope[1:] + slope[:-1]) / 2 * dz)])
    assert_allclose(value - value[0], integral, atol=H * dz ** 2 * len(z))


def test_smoothed_leaky_relu_tends_to_leaky_relu():
    """As H → ∞, φ approaches max(γz, z) (Frei et al., below Eq. (1)): |φ − leaky| ≤ (1−γ)/(4H)."""
    z = np.linspace(-3, 3, 601)
    for H in (1.0, 10.0, 1000.0):
        value, _ = _slrelu(z, 0.1, H)
        gap = np.abs(value - np.maximum(0.1 * z, z)).max()
        assert gap <= (1 - 0.1) / (4 * H) * (1 + 1e-12)


@pytest.mark.parametrize("margin", [1e-3, 30.0, 700.0, 1e5, 1e300])
def test_logistic_loss_is_finite_and_accurate_at_extreme_margins(margin):
    """ℓ(u) = log(1 + e^{−u}) at u = ±margin: no overflow, and the values of the stable forms
    (ℓ(u) = −u + ℓ(−u), ℓ(u) ≈ e^{−u} for large u)."""
    net = Network(activation="relu", loss="logistic", scaling="none", train=("a",))
    # one neuron, f(x) = a relu(x): f = margin on x = 1
    params = Params(np.array([[1.0]]), np.zeros(1), np.array([margin]))
    X = np.array([[1.0], [1.0]])
    y = np.array([1.0, -1.0])
    value, grad = loss_and_gradient(net, params, X, y)
    want = (math.log1p(math.exp(-margin)) + margin + math.log1p(math.exp(-margin))) / 2
    assert math.isfinite(value) and np.all(np.isfinite(grad.a))
    assert_allclose(value, want, rtol=1e-15 * 8)  # the kernels' log1p is within 5 ulp
    # ∂L/∂a = (1/n) Σ −y_i σ(−y_i f_i) relu(x_i): −σ(−margin)/2 + σ(margin)/2
    tail = math.exp(-margin)  # σ(−M) = e^{−M}/(1 + e^{−M}), σ(M) = 1/(1 + e^{−M})
    want_grad = (-tail / (1 + tail) + 1 / (1 + tail)) / 2
    # the two terms are each ≤ ½ and cancel at small margins: a few ulps of ½ absolute
    assert_allclose(grad.a[0], want_grad, rtol=1e-14, atol=4 * np.finfo(float).eps)


@pytest.mark.parametrize("activation", ["smoothed_leaky_relu", "relu", "sigmoid"])
def test_logistic_gd_matches_the_numpy_reference(activation):
    rng = np.random.default_rng(4)
    n, p, m = 12, 30, 8
    X = rng.standard_normal((n, p))
    y = rng.choice([-1.0, 1.0], n)
    net = Network(activation=activation, leak=0.1, smoothness=2.0, loss="logistic",
                  train=("W",))
    params = init_params(net, m, p, seed=1, kappa=0.1)
    run = gradient_descent(net, params, X, y, eta=0.05, steps=40, record=("predictions",))
    ref = reference.gradient_descent(net, *params.astuple(), X, y, 0.05, 40)
    # Same formulas, other summation orders: ~1e-15 per step, contracting; 1e-11 over 40 steps.
    assert_allclose(run.losses, ref["losses"], rtol=1e-11)
    assert_allclose(run.predictions, ref["preds"], rtol=1e-10, atol=1e-12)
    assert run.losses[-1] < run.losses[0]


def test_logistic_gd_is_bit_reproducible_and_batched_alike():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 50))
    y = rng.choice([-1.0, 1.0], 20)
    net = Network(activation="smoothed_leaky_relu", leak=0.1, loss="logistic", train=("W",))
    seeds = [init_params(net, 16, 50, seed=s, kappa=0.01) for s in range(3)]
    runs = [gradient_descent(net, p, X, y, eta=0.01, steps=30) for p in seeds]
    again = gradient_descent(net, seeds[1], X, y, eta=0.01, steps=30)
    np.testing.assert_array_equal(runs[1].losses, again.losses)
    batch = gradient_descent_batch(net, seeds, X, y, eta=0.01, steps=30)
    for single, batched in zip(runs, batch):
        np.testing.assert_array_equal(single.losses, batched.losses)


@pytest.mark.parametrize("bad", [0.0, 0.5, 2.0, -3.0])
def test_logistic_loss_rejects_labels_other_than_plus_minus_one(bad):
    net = Network(loss="logistic")
    params = init_params(net, 4, 3, seed=0)
    X = np.ones((3, 3))
    y = np.array([1.0, -1.0, bad])
    for call in (lambda: loss_and_gradient(net, params, X, y), lambda: loss(net, params, X, y),
                 lambda: gradient_descent(net, params, X, y, eta=0.1, steps=1)):
        with pytest.raises(ValueError, match=r"y must hold labels -1 or \+1 for the logistic"):
            call()


@pytest.mark.parametrize("kwargs, match", [
    (dict(activation="smoothed_leaky_relu", leak=1.5), r"leak \(γ of the smoothed leaky ReLU\)"),
    (dict(activation="smoothed_leaky_relu", leak=-0.1), r"must lie in \[0, 1\]"),
    (dict(smoothness=0.0), "smoothness"),
    (dict(smoothness=float("inf")), "smoothness"),
    (dict(smoothness=True), "smoothness"),
])
def test_network_rejects_bad_smoothed_leaky_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Network(**kwargs)
