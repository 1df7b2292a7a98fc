"""Continuous L² errors on the circle (``checks.quadrature``): the trapezoidal rule against closed
forms, and the closed-form kernel flow against a dense matrix exponential."""

import numpy as np
import pytest
from scipy.linalg import expm

from checks import data, ntk, quadrature
from checks.network import Network, Params, init_params

LINEAR = Network(activation="relu", bias=False, scaling="none", train=("W",))


def test_l2_error_of_a_trigonometric_polynomial_is_exact():
    # ReLU(x₁) − ReLU(−x₁) = x₁ = cos φ: ‖cos φ − 0.5 cos 3φ‖² = ½(1 + ¼) on the probability measure.
    params = Params(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.zeros(2), np.array([1.0, -1.0]))

    def target(X):
        phi = np.arctan2(X[:, 1], X[:, 0])
        return 0.5 * np.cos(3 * phi)

    # The trapezoidal rule on n > 6 points is exact for this degree-6 integrand (to rounding).
    assert quadrature.l2_error(LINEAR, params, target, n=16) == pytest.approx(np.sqrt(0.625),
                                                                              rel=1e-14)


def test_quadrature_converges_for_a_relu_network_against_a_rough_target():
    # The evaluation grid of welper2024 (4096) against 4× finer: agreement to 1e-4 relative, far
    # below the 10 % of the error the claim allows.
    net = Network(activation="relu", bias=True, scaling="ntk", train=("W", "b", "a"), loss="mean")
    params = init_params(net, 64, 2, seed=3)

    def target(X):
        return data.sobolev_circle_target(X, alpha=1.0)

    coarse = quadrature.l2_error(net, params, target, n=4096)
    fine = quadrature.l2_error(net, params, target, n=16384)
    assert abs(coarse - fine) <= 1e-4 * fine


def test_l2_error_refuses_other_dimensions():
    params = init_params(LINEAR, 4, 3, seed=0)
    with pytest.raises(ValueError, match="R²"):
        quadrature.l2_error(LINEAR, params, lambda X: np.zeros(len(X)))


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_kernel_flow_matches_the_dense_matrix_exponential(activation):
    n = 32
    X = data.circle(n)
    y = data.sobolev_circle_target(X, alpha=1.0)
    H = ntk.infinite_width_gram(X, activation, bias=True, groups=("W", "b", "a"))
    times = np.array([0.0, 0.5, 3.0, 20.0])
    dense = [np.sqrt(np.mean((expm(-t * 2.0 / n * H) @ y) ** 2)) for t in times]
    # The FFT diagonalisation and scipy's Padé exponential agree to ~1e-13; 1e-10 leaves room.
    np.testing.assert_allclose(quadrature.kernel_flow_errors(H[0], y, times), dense, rtol=1e-10)


def test_kernel_flow_refuses_bad_input():
    with pytest.raises(ValueError, match="one length"):
        quadrature.kernel_flow_errors(np.ones(4), np.ones(3), [0.0])
    with pytest.raises(ValueError, match="semi-definite"):
        quadrature.kernel_flow_errors(np.array([0.0, 1.0, 0.0, 1.0]), np.ones(4), [0.0])
    with pytest.raises(ValueError, match="non-negative"):
        quadrature.kernel_flow_errors(np.eye(4)[0], np.ones(4), [-1.0])


def test_kernel_flow_values_match_the_dense_matrix_exponential_and_the_errors():
    n = 32
    X = data.circle(n)
    y = data.sobolev_circle_target(X, alpha=1.0)
    H = ntk.infinite_width_gram(X, "relu", bias=True, groups=("W", "b", "a"))
    times = np.array([0.0, 0.5, 3.0, 20.0])
    values = quadrature.kernel_flow_values(H[0], y, times)
    dense = np.array([y - expm(-t * 2.0 / n * H) @ y for t in times])
    # As above: FFT and Padé agree to ~1e-13 relative to ‖y‖ ≈ 1; 1e-10 leaves room.
    np.testing.assert_allclose(values, dense, rtol=0, atol=1e-10)
    # The errors are the L² norm of the values' residual (Parseval, to rounding).
    np.testing.assert_allclose(np.sqrt(np.mean((values - y) ** 2, axis=-1)),
                               quadrature.kernel_flow_errors(H[0], y, times), rtol=1e-12)
    with pytest.raises(ValueError, match="non-negative"):
        quadrature.kernel_flow_values(H[0], y, [-1.0])
