"""Forward pass and hand-derived gradients against finite differences and a numpy reference."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from numpy.testing import assert_allclose

from checks.network import (ACTIVATIONS, Network, Params, forward, init_params, loss,
                            loss_and_gradient)
from checks import kernels
from checks.training import gradient_descent
from tests import reference

SETTINGS = [
    dict(activation=act, bias=bias, scaling=scaling, output=output, loss=loss_kind)
    for act, bias, scaling, output, loss_kind in itertools.product(
        ACTIVATIONS, (False, True), ("ntk", "mean_field", "none"), ("identity", "clip"),
        ("half_sum", "mean", "logistic"))
]


def _problem(seed, n, d, m, bias, clip, logistic=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    # Labels inside (0, 1) for the clipped output, so its residuals are not trivially zero; ±1
    # for the logistic loss.
    y = rng.choice([-1.0, 1.0], n) if logistic else \
        rng.uniform(0.1, 0.9, n) if clip else rng.standard_normal(n)
    W = rng.standard_normal((m, d))
    b = rng.standard_normal(m) if bias else np.zeros(m)
    a = rng.standard_normal(m)
    return X, y, Params(W, b, a)


def _kink_distance(net, params, X):
    """Distance of the data from the non-smooth points: ReLU/leaky at z = 0, the clip at v ∈ {0, 1}."""
    _, Z, _, _, v, _, _ = reference.parts(net, *params.astuple(), X)
    dist = np.inf
    if net.activation in ("relu", "leaky_relu"):
        dist = np.abs(Z).min()
    if net.activation == "smoothed_leaky_relu":  # φ'' jumps at |z| = 1/H
        dist = np.abs(np.abs(Z) - 1.0 / net.smoothness).min()
    if net.output == "clip":
        dist = min(dist, np.abs(v).min(), np.abs(v - 1.0).min())
    return dist


def _richardson_gradient(fun, theta, h):
    """Central differences with one Richardson step: error O(h⁴) instead of O(h²)."""
    grad = np.empty_like(theta)
    for j in range(theta.size):
        def central(step):
            up, down = theta.copy(), theta.copy()
            up[j] += step
            down[j] -= step
            return (fun(up) - fun(down)) / (2 * step)
        grad[j] = (4 * central(h / 2) - central(h)) / 3
    return grad


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: "-".join(str(v) for v in s.values()))
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 5), d=st.integers(1, 4),
       m=st.integers(1, 6))
def test_gradient_matches_finite_differences(setting, seed, n, d, m):
    net = Network(**setting)
    X, y, params = _problem(seed, n, d, m, net.bias, net.output == "clip",
                            net.loss == "logistic")
    h = 1e-3
    # Away from kinks by 10 steps the loss is smooth inside the stencil (for ReLU, exactly
    # piecewise polynomial there); closer draws are rare and skipped rather than mis-tested.
    assume(_kink_distance(net, params, X) > 10 * h * (1 + np.abs(X).max()) * 3)
    value, grad = loss_and_gradient(net, params, X, y)
    shapes = [params.W.shape, params.b.shape, params.a.shape]

    def unflatten(theta):
        sizes = np.cumsum([np.prod(s) for s in shapes])[:-1]
        W, b, a = (p.reshape(s) for p, s in zip(np.split(theta, sizes), shapes))
        return Params(W, b, a)

    theta = np.concatenate([p.ravel() for p in params.astuple()])
    numeric = _richardson_gradient(lambda t: loss(net, unflatten(t), X, y), theta, h)
    analytic = np.concatenate([g.ravel() for g in grad.astuple()])
    # Richardson truncation error is O(h⁴ · max|∂⁵L|) ≈ 1e-12 · (derivative scale); round-off is
    # about eps · |L| / h ≈ 1e-13 · |L|. An rtol of 1e-6 with atol 1e-7·(1 + |L|) sits orders of
    # magnitude above both, yet any wrong factor or missing term in a gradient is O(1) relative.
    scale = 1.0 + abs(value)
    assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7 * scale)
    assert_allclose(value, loss(net, params, X, y), rtol=1e-13)
    if not net.bias:
        assert np.all(grad.b == 0.0)


@pytest.mark.parametrize("setting", SETTINGS[::3], ids=lambda s: "-".join(map(str, s.values())))
def test_kernels_match_numpy_reference(setting):
    net = Network(**setting)
    X, y, params = _problem(7, 9, 4, 13, net.bias, net.output == "clip", net.loss == "logistic")
    _assert_matches_reference(net, params, X, y)


def _assert_matches_reference(net, params, X, y):
    """loss_and_gradient and forward against the numpy reference; return the loss."""
    ref_loss, *ref_grad = reference.loss_and_gradient(net, *params.astuple(), X, y)
    value, grad = loss_and_gradient(net, params, X, y)
    # Same formulas, different summation order (BLAS vs loops): agreement to a few ulps of the
    # sum's magnitude; 1e-12 relative leaves room for cancellation over the neurons (13 to 1001).
    assert_allclose(value, ref_loss, rtol=1e-12)
    for ours, theirs in zip(grad.astuple(), ref_grad):
        assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13 * np.abs(theirs).max())
    assert_allclose(forward(net, params, X), reference.parts(net, *params.astuple(), X)[5],
                    rtol=1e-12, atol=1e-14)
    return value


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_two_lane_gradient_matches_reference_and_gd(activation):
    # n·m·(d+1) = 64·1001·5 ≥ LANE_WORK: forward and loss_and_gradient run the two lanes of
    # gd_run (501 and 500 neurons), so the loss is gd_run's first loss to the bit.
    net = Network(activation=activation, bias=True, train=("W", "b", "a"))
    X, y, params = _problem(3, 64, 4, 1001, True, False)
    assert kernels.lane_count(1001, 64, 4) == 2
    value = _assert_matches_reference(net, params, X, y)
    run = gradient_descent(net, params, X, y, eta=1e-3, steps=0)
    assert run.losses[0] == value


def test_du_gradient_formula_by_hand():
    """Du et al. 2019: ∂L/∂w_r = m^{-1/2} a_r Σ_i (u_i − y_i) 1{w_rᵀx_i ≥ 0} x_i, on a 2-neuron case."""
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, -1.0])
    params = Params(np.array([[1.0, -1.0], [-1.0, 2.0]]), np.zeros(2), np.array([1.0, -1.0]))
    # z = X Wᵀ: neuron 0 → (1, −1), neuron 1 → (−1, 2); u = (1·1 − 0, 0 − 1·2)/√2.
    u = np.array([1.0, -2.0]) / np.sqrt(2)
    e = u - y
    expected_w0 = (1 / np.sqrt(2)) * 1.0 * (e[0] * X[0])
    expected_w1 = (1 / np.sqrt(2)) * -1.0 * (e[1] * X[1])
    value, grad = loss_and_gradient(Network(), params, X, y)
    assert_allclose(value, 0.5 * np.sum(e ** 2), rtol=1e-15)
    assert_allclose(grad.W, np.stack([expected_w0, expected_w1]), rtol=1e-15)


def test_relu_derivative_at_zero_is_one():
    """Du et al.'s indicator 1{w_rᵀx ≥ 0} counts z = 0 as active."""
    X = np.array([[1.0, 0.0]])
    params = Params(np.array([[0.0, 3.0]]), np.zeros(1), np.ones(1))
    _, grad = loss_and_gradient(Network(scaling="none"), params, X, np.array([1.0]))
    assert_allclose(grad.W, [[-1.0, 0.0]])


class TestInit:
    def test_same_seed_same_parameters(self):
        net = Network(bias=True)
        p, q = init_params(net, 50, 3, seed=4), init_params(net, 50, 3, seed=4)
        for u, v in zip(p.astuple(), q.astuple()):
            assert np.array_equal(u, v)
        r = init_params(net, 50, 3, seed=5)
        assert not np.array_equal(p.W, r.W)

    def test_distributions(self):
        net = Network(bias=True)
        p = init_params(net, 20000, 2, seed=0, kappa=0.5, kappa_b=2.0)
        # Sample standard deviations of 40000 / 20000 normals: relative error ≈ 1/√(2N) ≈ 0.5%,
        # so 3% is a > 5-sigma band.
        assert_allclose(p.W.std(), 0.5, rtol=0.03)
        assert_allclose(p.b.std(), 2.0, rtol=0.03)
        assert set(np.unique(p.a)) == {-1.0, 1.0}
        q = init_params(Network(), 20000, 2, seed=0, outer="normal", outer_scale=0.1)
        assert_allclose(q.a.std(), 0.1, rtol=0.03)
        assert np.all(q.b == 0.0)

    def test_zero_bias_init(self):
        p = init_params(Network(bias=True), 10, 2, seed=0, kappa_b=0.0)
        assert np.all(p.b == 0.0)


class TestBadInput:
    @pytest.mark.parametrize("kwargs, match", [
        (dict(activation="tanhh"), "activation"),
        (dict(output="softmax"), "output"),
        (dict(loss="l1"), "loss"),
        (dict(scaling="xavier"), "scaling"),
        (dict(scaling=-1.0), "scaling"),
        (dict(train=("W", "c")), "train"),
        (dict(train=()), "train"),
        (dict(train=("b",), bias=False), "bias"),
        (dict(leak=float("nan")), "leak"),
    ])
    def test_network(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            Network(**kwargs)

    def test_bias_type(self):
        with pytest.raises(TypeError, match="bias"):
            Network(bias="yes")

    @pytest.mark.parametrize("kwargs, match", [
        (dict(m=0), "m must be an integer >= 1"),
        (dict(d=0), "d must be"),
        (dict(seed=-1), "seed"),
        (dict(kappa=0.0), "kappa"),
        (dict(kappa_b=-1.0), "kappa_b"),
        (dict(outer="uniform"), "outer"),
        (dict(outer_scale=float("inf")), "outer_scale"),
    ])
    def test_init(self, kwargs, match):
        args = dict(m=4, d=2, seed=0) | kwargs
        with pytest.raises(ValueError, match=match):
            init_params(Network(), args.pop("m"), args.pop("d"), **args)

    def test_init_width_type(self):
        with pytest.raises(TypeError, match="m must be an integer"):
            init_params(Network(), 2.5, 2, seed=0)

    @pytest.mark.parametrize("W, b, a, match", [
        (np.ones(3), np.zeros(3), np.ones(3), "W must be a 2-D"),
        (np.ones((0, 2)), np.zeros(0), np.ones(0), "width m >= 1"),
        (np.ones((3, 2)), np.zeros(2), np.ones(3), r"b must have shape \(3,\)"),
        (np.ones((3, 2)), np.zeros(3), np.ones(4), r"a must have shape \(3,\)"),
        (np.full((3, 2), np.nan), np.zeros(3), np.ones(3), "W must be finite"),
    ])
    def test_params(self, W, b, a, match):
        with pytest.raises(ValueError, match=match):
            Params(W, b, a)

    def test_params_type(self):
        with pytest.raises(TypeError, match="W must be an array of real numbers"):
            Params(np.array([["a", "b"]]), np.zeros(1), np.ones(1))

    @pytest.mark.parametrize("X, y, match", [
        (np.ones((3, 5)), np.ones(3), "X must have 2 columns"),
        (np.ones(3), np.ones(3), "X must be a 2-D"),
        (np.array([[np.nan, 1.0]]), np.ones(1), "X must be finite"),
        (np.ones((3, 2)), np.ones(4), "y must have one label per row"),
        (np.ones((3, 2)), np.array([1.0, np.inf, 0.0]), "y must be finite"),
    ])
    def test_data(self, X, y, match):
        params = init_params(Network(), 4, 2, seed=0)
        with pytest.raises(ValueError, match=match):
            loss_and_gradient(Network(), params, X, y)

    def test_inputs_not_modified(self):
        W = np.ones((2, 2))
        params = Params(W, np.zeros(2), np.ones(2))
        W[0, 0] = 5.0
        assert params.W[0, 0] == 1.0
