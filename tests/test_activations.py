"""The kernels' vectorisable elementary functions against libm, in units in the last place.

``checks.kernels`` evaluates e^x, log1p, sigmoid and softplus by its own polynomials (so the loops
over them vectorise). Their docstrings promise about 2 ulp (exp) and 5 ulp (log1p); the reference,
CPython's ``math`` on glibc, is itself within 1 ulp, so each bound below is the promise plus 1.
"""

import math

import numpy as np
import pytest
from numba import njit

from checks import kernels as K


@njit(cache=True)
def _evaluate(which, x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        if which == 0:
            out[i] = K._exp_nonpositive(x[i])
        elif which == 1:
            out[i] = K._log1p_unit(x[i])
        elif which == 2:
            out[i] = K._sigmoid(x[i])
        else:
            out[i] = K._softplus(x[i])[0]
    return out


def _ulps(got, want):
    """|got − want| in units of the spacing of doubles at |want|."""
    return np.abs(got - want) / np.spacing(np.abs(want))


def _sigmoid_reference(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _softplus_reference(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


RNG = np.random.default_rng(7)
# e^x on [-708, 0] (below, the kernels clamp to e^-708 by design): reduction boundaries
# x = (k + 1/2) ln 2 and the ends included.
EXP_POINTS = np.concatenate([-RNG.exponential(3.0, 20_000), -RNG.uniform(0.0, 708.0, 5_000),
                             -(np.arange(1, 1000) + 0.5) * math.log(2.0),
                             [0.0, -0.0, -1e-300, -5e-324, -708.0]])
# log1p on [0, 1]: tiny arguments, the switch at sqrt(2) - 1, and the ends.
LOG1P_POINTS = np.concatenate([RNG.uniform(0.0, 1.0, 20_000), 10.0 ** RNG.uniform(-300, -1, 5_000),
                               np.nextafter(K._SQRT2_MINUS_1, [0.0, 1.0]), [0.0, 1.0, 5e-324]])
# sigmoid and softplus wherever e^-|z| is not clamped.
Z_POINTS = np.concatenate([RNG.standard_normal(20_000) * 10.0, RNG.uniform(-700.0, 700.0, 5_000),
                           [0.0, -0.0, 1e-300, -1e-300, 700.0, -700.0]])


@pytest.mark.parametrize("which, points, reference, bound", [
    (0, EXP_POINTS, math.exp, 3.0),
    (1, LOG1P_POINTS, math.log1p, 6.0),
    # e^-|z|'s 2 ulp pass into t/(1+t) with a factor ≤ 1, then the addition and the division
    # round: 2 + 0.5 + 0.5, plus the reference's 1.
    (2, Z_POINTS, _sigmoid_reference, 4.0),
    # log1p's 5, e^-|z|'s 2 (passed with a factor t/((1+t) log1p t) ≤ 1), the addition of
    # max(z, 0): 5 + 2 + 0.5, plus the reference's 1.
    (3, Z_POINTS, _softplus_reference, 8.5),
], ids=["exp", "log1p", "sigmoid", "softplus"])
def test_within_documented_ulps(which, points, reference, bound):
    got = _evaluate(which, points)
    want = np.array([reference(float(x)) for x in points])
    assert _ulps(got, want).max() <= bound


@pytest.mark.parametrize("which", [0, 1, 2, 3], ids=["exp", "log1p", "sigmoid", "softplus"])
def test_nan_stays_nan(which):
    assert np.isnan(_evaluate(which, np.array([np.nan]))).all()


def test_exp_clamps_below_minus_708():
    # e^-708 ≈ 3.3e-308 stands for anything smaller: an absolute error below 3.3e-308, never a
    # subnormal or a wrapped exponent.
    got = _evaluate(0, np.array([-709.0, -745.0, -1e6, -np.inf]))
    np.testing.assert_array_equal(got, _evaluate(0, np.array([-708.0]))[0])


def test_saturated_sigmoid_and_softplus():
    got_sigmoid = _evaluate(2, np.array([800.0, -800.0, np.inf, -np.inf]))
    assert got_sigmoid[0] == 1.0 and got_sigmoid[2] == 1.0
    assert 0.0 <= got_sigmoid[1] <= 3.4e-308 and 0.0 <= got_sigmoid[3] <= 3.4e-308
    got_softplus = _evaluate(3, np.array([800.0, -800.0]))
    assert got_softplus[0] == 800.0 and 0.0 <= got_softplus[1] <= 3.4e-308
