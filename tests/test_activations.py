"""The kernels' vectorisable elementary functions against an extended-precision reference, in ulps.

``checks.kernels`` evaluates e^x, log1p, sigmoid and softplus by its own polynomials (so the loops
over them vectorise). The bounds are the ones their docstrings state: 2.5 ulp (exp), 5 (log1p),
5 (sigmoid), 6 (softplus). They are measured maxima rounded up, not derived bounds: over millions
of points against mpmath and long double the maxima were 2.2, 4.3, 4.0 and 5.6 ulp. A wrong
coefficient, a broken argument reduction or a lost exponent bit shows up as thousands of ulps. The
reference is computed in x87 long double (64-bit significand), whose own error is below 0.01 ulp
of a double.
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


def _ulps(got, nearest, want):
    """|got − want| (want in long double) in units of the spacing of doubles at ``nearest``,
    the double nearest want."""
    return np.abs(got.astype(np.longdouble) - want) / np.spacing(np.abs(nearest))


EXTENDED = np.finfo(np.longdouble).nmant >= 63
ONE = np.longdouble(1)


def _exp_reference(x):
    return np.exp(x.astype(np.longdouble))


def _log1p_reference(t):
    return np.log1p(t.astype(np.longdouble))


def _sigmoid_reference(z):
    z = z.astype(np.longdouble)
    return np.where(z >= 0, ONE / (ONE + np.exp(-z)), np.exp(z) / (ONE + np.exp(z)))


def _softplus_reference(z):
    z = z.astype(np.longdouble)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


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


@pytest.mark.skipif(not EXTENDED, reason="the reference needs a long double wider than double")
@pytest.mark.parametrize("which, points, reference, bound", [
    (0, EXP_POINTS, _exp_reference, 2.5),
    (1, LOG1P_POINTS, _log1p_reference, 5.0),
    (2, Z_POINTS, _sigmoid_reference, 5.0),
    (3, Z_POINTS, _softplus_reference, 6.0),
], ids=["exp", "log1p", "sigmoid", "softplus"])
def test_within_documented_ulps(which, points, reference, bound):
    got = _evaluate(which, points)
    want = reference(points)
    # ulps of the double nearest the reference; NaN anywhere fails the comparison
    assert _ulps(got, want.astype(np.float64), want).max() <= bound


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
