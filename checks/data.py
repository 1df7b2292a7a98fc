"""Data sets and labels whose properties the theorems' data hypotheses name.

Every generator draws from ``np.random.default_rng(seed)`` and returns a new
float64, C-contiguous array. Public functions validate their arguments and
raise ``TypeError`` for a wrong type and ``ValueError`` for a wrong value, the
message starting with the argument's name and saying what was expected.

The data sets serve Du et al. (2019) and Arora et al. (2019) (unit inputs, no
two parallel), Jentzen & Kroeger (2021) (pairwise linearly independent
inputs, with biases), Welper (2024) (Sobolev targets on the sphere) and
Safran & Lee (2022) (radial inputs, ball-indicator labels); each function's
References section cites the paper whose hypothesis it satisfies or probes.
"""

import importlib
import numbers

import numpy as np
from scipy.special import erf, eval_chebyt, eval_gegenbauer, gammaln, expit, xlogy

__all__ = [
    "ball_indicator",
    "circle",
    "circle_angles",
    "near_parallel",
    "noisy_cluster_labels",
    "noisy_clusters",
    "generator",
    "label_function",
    "normalize_rows",
    "orthonormal",
    "radial",
    "random_labels",
    "register",
    "register_labels",
    "separated_sphere",
    "sobolev_circle_target",
    "sphere",
    "sum_of_spheres_norm_density",
    "teacher_labels",
    "with_duplicate",
    "with_parallel_pair",
    "zonal_harmonic",
]

RADIAL_NORMS = ("gaussian", "cauchy", "uniform_ball", "sum_of_spheres")
LABEL_KINDS = ("sign", "gaussian", "uniform")
UNIT_NORM_TOL = 1e-8
_CANDIDATE_BATCH = 256
_SOBOLEV_BLOCK = 1 << 22


def _describe(value):
    return f"{type(value).__name__} {value!r}"


def _check_int(name, value, minimum):
    expected = f"{name} must be an integer >= {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{expected}, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{expected}, got {value!r}")
    return int(value)


def _check_real(name, value, *, low=None, high=None, low_open=False, high_open=False, exclude=(), text=None):
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    interval = f" in {lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    if low is None and high is None:
        interval = ""
    if text is not None:
        interval = f" {text}"
    excluded = f" other than {' and '.join(repr(e) for e in exclude)}" if exclude else ""
    expected = f"{name} must be a finite real number{interval}{excluded}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{expected}, got {_describe(value)}")
    value = float(value)
    ok = np.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if ok and value in exclude:
        ok = False
    if not ok:
        raise ValueError(f"{expected}, got {value!r}")
    return value


def _check_choice(name, value, choices):
    expected = f"{name} must be one of {', '.join(repr(c) for c in choices)}"
    if not isinstance(value, str):
        raise TypeError(f"{expected}, got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{expected}, got {value!r}")
    return value


def _rng(seed):
    expected = "seed must be a non-negative integer"
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(f"{expected}, got {_describe(seed)}")
    if seed < 0:
        raise ValueError(f"{expected}, got {seed!r}")
    return np.random.default_rng(int(seed))


def _as_array(name, value):
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a real numeric array, got {type(value).__name__}: {error}") from error


def _check_matrix(name, X, *, columns=None, min_columns=1):
    arr = _as_array(name, X)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, d), got shape {arr.shape}")
    if arr.shape[0] < 1:
        raise ValueError(f"{name} must have at least one row, got shape {arr.shape}")
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(f"{name} must have exactly {columns} columns, got shape {arr.shape}")
    if arr.shape[1] < min_columns:
        raise ValueError(f"{name} must have at least {min_columns} columns, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    return arr


def _check_vector(name, v, length):
    arr = _as_array(name, v)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.shape != (length,):
        raise ValueError(f"{name} must be a 1-D array of length {length}, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    return arr


def _normalize(X, name="X"):
    largest = np.max(np.abs(X), axis=1)
    zero = np.flatnonzero(largest == 0.0)
    if zero.size:
        raise ValueError(f"{name} must have no zero rows, got a zero row at index {zero[0]}")
    Y = X / largest[:, None]
    return np.ascontiguousarray(Y / np.linalg.norm(Y, axis=1)[:, None])


def normalize_rows(X):
    """Scale every row of `X` to unit Euclidean norm.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Finite real rows, none of them zero.

    Returns
    -------
    ndarray, shape (n, d)
        A new float64 C-contiguous array with rows ``x_i / ||x_i||_2``. Each
        row is first divided by its largest absolute entry, so rows near the
        float64 underflow or overflow thresholds are normalised correctly.

    Raises
    ------
    ValueError
        If `X` is not 2-D, is empty, has a non-finite entry, or has a zero row.

    Examples
    --------
    >>> import numpy as np
    >>> normalize_rows([[3.0, 4.0], [0.0, -2.0]])
    array([[ 0.6,  0.8],
           [ 0. , -1. ]])
    """
    return _normalize(_check_matrix("X", X))


def sphere(n, d, *, seed):
    """Points drawn uniformly from the unit sphere S^{d-1}.

    Each row is ``g / ||g||_2`` with ``g ~ N(0, I_d)``; rotation invariance of
    the Gaussian makes the direction uniform [1]_ (Muller's method). Rows are
    pairwise non-parallel with probability one, the data hypothesis of
    Du et al. [2]_ (Theorem 3.1: lambda_0 > 0) and of Jentzen & Kroeger [3]_.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.
    d : int
        Ambient dimension, ``d >= 2``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.

    Returns
    -------
    ndarray, shape (n, d)
        Unit rows (norms equal to 1 up to float64 rounding).

    References
    ----------
    .. [1] M. E. Muller, "A note on a method for generating points uniformly on
       n-dimensional spheres", Communications of the ACM 2(4), 19-20, 1959.
    .. [2] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.
    .. [3] A. Jentzen, A. Kroeger, "Convergence rates for gradient descent in the
       training of overparameterized artificial neural networks with
       biases", arXiv:2102.11840, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> X = sphere(4, 3, seed=0)
    >>> X.shape
    (4, 3)
    >>> bool(np.allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12, atol=0))
    True
    """
    n = _check_int("n", n, 1)
    d = _check_int("d", d, 2)
    rng = _rng(seed)
    return _normalize(rng.standard_normal((n, d)))


def _separated_row(rng, previous, bound, max_tries, min_angle):
    d = previous.shape[1]
    tries = 0
    while tries < max_tries:
        batch = min(_CANDIDATE_BATCH, max_tries - tries)
        tries += batch
        candidates = _normalize(rng.standard_normal((batch, d)))
        if previous.shape[0] == 0:
            return candidates[0]
        worst = np.max(np.abs(candidates @ previous.T), axis=1)
        accepted = np.flatnonzero(worst <= bound)
        if accepted.size:
            return candidates[accepted[0]]
    raise ValueError(
        f"min_angle={min_angle!r} could not be met: no candidate for row {previous.shape[0]} "
        f"kept every pairwise line angle >= min_angle within max_tries={max_tries} draws in d={d}; "
        f"lower min_angle, lower n, or raise max_tries"
    )


def separated_sphere(n, d, *, min_angle, seed, max_tries=10000):
    """Unit vectors whose pairwise line angles are all at least `min_angle`.

    Rows are built one at a time: candidates ``g / ||g||_2`` with
    ``g ~ N(0, I_d)`` are drawn and the first one with
    ``|<x_i, candidate>| <= cos(min_angle)`` for every accepted ``x_i`` becomes
    the next row. The line angle ``arccos |<x_i, x_j>|`` ignores sign, so no two
    rows are within `min_angle` of parallel *or* antiparallel. This gives the
    quantitative form of "no two inputs parallel" in Du et al. [1]_ and of
    "pairwise linearly independent" in Jentzen & Kroeger [2]_, with a margin.
    The rows are not uniform on the sphere jointly (they repel); each accepted
    row is uniform on the part of the sphere the earlier rows leave free.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.
    d : int
        Ambient dimension, ``d >= 2``.
    min_angle : float
        Minimum line angle in radians, in ``(0, pi/2]``. At ``pi/2`` the rows
        must be exactly orthogonal, which random candidates essentially never
        are; use :func:`orthonormal` instead.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    max_tries : int, optional
        Candidates drawn for each row before giving up, ``>= 1``.

    Returns
    -------
    ndarray, shape (n, d)
        Unit rows with ``|x_i^T x_j| <= cos(min_angle)`` for all ``i != j``.

    Raises
    ------
    ValueError
        Naming `min_angle` when some row finds no admissible candidate within
        `max_tries` draws: the packing is infeasible (in ``d = 2`` at most
        ``floor(pi / min_angle)`` lines fit) or too tight for greedy sampling.

    References
    ----------
    .. [1] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.
    .. [2] A. Jentzen, A. Kroeger, "Convergence rates for gradient descent in the
       training of overparameterized artificial neural networks with
       biases", arXiv:2102.11840, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> X = separated_sphere(6, 3, min_angle=0.3, seed=1)
    >>> G = np.abs(X @ X.T) - np.eye(6)
    >>> bool(G.max() <= np.cos(0.3))
    True
    """
    n = _check_int("n", n, 1)
    d = _check_int("d", d, 2)
    min_angle = _check_real("min_angle", min_angle, low=0.0, high=np.pi / 2, low_open=True, text="in (0, pi/2]")
    max_tries = _check_int("max_tries", max_tries, 1)
    rng = _rng(seed)
    bound = np.cos(min_angle)
    X = np.empty((n, d))
    for i in range(n):
        X[i] = _separated_row(rng, X[:i], bound, max_tries, min_angle)
    return X


def orthonormal(n, d, *, seed):
    """Random orthonormal rows: the first `n` rows of a Haar-random rotation.

    With ``G ~ N(0, I)`` of shape ``(d, n)`` and the reduced QR factorisation
    ``G = Q R``, the columns of ``Q`` are multiplied by ``sign(diag(R))`` so that
    ``R`` has a positive diagonal; the factorisation is then unique and the
    frame is Haar distributed [1]_. The rows returned are the columns of ``Q``.

    Known answer: for orthonormal inputs Du et al.'s infinite-width Gram matrix
    ``H_ij = x_i^T x_j (pi - arccos(x_i^T x_j)) / (2 pi)`` equals ``I / 2``, so
    ``lambda_0 = 1/2`` [2]_.

    Parameters
    ----------
    n : int
        Number of rows, ``1 <= n <= d``.
    d : int
        Ambient dimension, ``d >= 1``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.

    Returns
    -------
    ndarray, shape (n, d)
        Rows with ``X X^T = I_n`` up to float64 rounding.

    References
    ----------
    .. [1] F. Mezzadri, "How to generate random matrices from the classical
       compact groups", Notices of the AMS 54(5), 592-604, 2007.
    .. [2] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.

    Examples
    --------
    >>> import numpy as np
    >>> X = orthonormal(3, 5, seed=0)
    >>> bool(np.allclose(X @ X.T, np.eye(3), rtol=0, atol=1e-12))
    True
    """
    n = _check_int("n", n, 1)
    d = _check_int("d", d, 1)
    if n > d:
        raise ValueError(f"n must be an integer <= d={d} for orthonormal rows, got {n}")
    rng = _rng(seed)
    Q, R = np.linalg.qr(rng.standard_normal((d, n)))
    signs = np.where(np.diag(R) < 0.0, -1.0, 1.0)
    return np.ascontiguousarray((Q * signs).T)


def near_parallel(n, d, *, angle, seed):
    """Points on the sphere with rows 0 and 1 exactly `angle` radians apart.

    Starts from ``X = sphere(n, d, seed=seed)``; with ``u`` the unit part of
    ``X[1]`` orthogonal to ``X[0]`` (Gram-Schmidt, applied twice), row 1 becomes
    ``cos(angle) X[0] + sin(angle) u``, renormalised. Every other row equals the
    corresponding row of ``sphere(n, d, seed=seed)``, so a sweep over `angle`
    with a fixed seed moves a single point along a great circle towards
    ``X[0]``. As ``angle -> 0`` Du et al.'s ``lambda_0`` tends to 0 [1]_ and so
    does the width their theorem can certify; the sweep probes that limit.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 2``.
    d : int
        Ambient dimension, ``d >= 2``.
    angle : float
        Angle between rows 0 and 1 in radians, in ``(0, pi]``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.

    Returns
    -------
    ndarray, shape (n, d)
        Unit rows.

    References
    ----------
    .. [1] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.

    Examples
    --------
    >>> import numpy as np
    >>> X = near_parallel(5, 3, angle=1e-3, seed=0)
    >>> round(float(np.arccos(X[0] @ X[1])), 6)
    0.001
    """
    n = _check_int("n", n, 2)
    d = _check_int("d", d, 2)
    angle = _check_real("angle", angle, low=0.0, high=np.pi, low_open=True, text="in (0, pi]")
    X = sphere(n, d, seed=seed)
    x0 = X[0]
    u = X[1] - (X[1] @ x0) * x0
    u = u - (u @ x0) * x0
    u = _normalize(u[None, :], "the direction orthogonal to row 0")[0]
    x1 = np.cos(angle) * x0 + np.sin(angle) * u
    X[1] = x1 / np.linalg.norm(x1)
    return X


def with_parallel_pair(n, d, *, seed, factor=2.0):
    """Points on the sphere except that row 1 is ``factor`` times row 0.

    Starts from ``X = sphere(n, d, seed=seed)`` and sets ``X[1] = factor * X[0]``;
    every other row equals the corresponding row of ``sphere``. Row 1 then has
    norm ``|factor|``, so the rows are *not* all unit vectors.

    With ``factor > 0`` (and ``!= 1``) the pair is parallel but distinct: it
    violates Du et al.'s hypothesis and makes their ``H_infinity`` singular
    [1]_, while the bias-augmented inputs ``(x, 1)`` stay non-parallel, so the
    kernel with biases stays positive definite -- the gap between "pairwise
    linearly independent" [2]_ and "pairwise distinct". With ``factor = -1`` the
    pair is antiparallel: Theorem 3.1's condition fails, yet
    ``H_infinity_01 = 0``, so the pair by itself does not make ``lambda_0``
    vanish (the condition is sufficient, not necessary).

    Parameters
    ----------
    n : int
        Number of points, ``n >= 2``.
    d : int
        Ambient dimension, ``d >= 2``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    factor : float, optional
        Finite, other than 0 (a zero row) and 1 (a duplicate).

    Returns
    -------
    ndarray, shape (n, d)

    References
    ----------
    .. [1] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.
    .. [2] A. Jentzen, A. Kroeger, "Convergence rates for gradient descent in the
       training of overparameterized artificial neural networks with
       biases", arXiv:2102.11840, 2021.

    Examples
    --------
    >>> X = with_parallel_pair(4, 3, seed=0, factor=-1.0)
    >>> bool((X[1] == -X[0]).all())
    True
    """
    n = _check_int("n", n, 2)
    d = _check_int("d", d, 2)
    factor = _check_real("factor", factor, exclude=(0.0, 1.0))
    X = sphere(n, d, seed=seed)
    X[1] = factor * X[0]
    return X


def with_duplicate(n, d, *, seed):
    """Points on the sphere with row 1 an exact copy of row 0.

    Starts from ``sphere(n, d, seed=seed)`` and sets ``X[1] = X[0]``. Two equal
    inputs give two equal rows in every Gram matrix, so ``lambda_0 = 0`` for
    every kernel, with or without biases [1]_ [2]_: the negative control for
    every positive-definiteness hypothesis.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 2``.
    d : int
        Ambient dimension, ``d >= 2``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.

    Returns
    -------
    ndarray, shape (n, d)
        Unit rows.

    References
    ----------
    .. [1] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.
    .. [2] A. Jentzen, A. Kroeger, "Convergence rates for gradient descent in the
       training of overparameterized artificial neural networks with
       biases", arXiv:2102.11840, 2021.

    Examples
    --------
    >>> X = with_duplicate(3, 2, seed=0)
    >>> bool((X[0] == X[1]).all())
    True
    """
    n = _check_int("n", n, 2)
    d = _check_int("d", d, 2)
    X = sphere(n, d, seed=seed)
    X[1] = X[0]
    return X


def radial(n, d, *, norm, seed, scale=1.0):
    """Radial data ``x = rho * theta`` with ``theta`` uniform on S^{d-1}.

    The norm ``rho`` (multiplied by `scale` in every case) follows `norm`:

    ``"gaussian"``
        ``x ~ N(0, scale^2 I_d / d)``, so ``d rho^2 / scale^2 ~ chi^2_d``; the
        Gaussian component of Safran & Lee's distribution ``D_d`` (Eq. (3)-(4))
        [1]_.
    ``"cauchy"``
        ``rho = scale |C|`` with ``C`` standard Cauchy, so
        ``P[rho >= t] = (2/pi) arctan(scale / t) <= scale / t``: a density
        positive everywhere with the heavy tail Assumption 6 allows
        (``P[||x|| >= t] <= c_2 / t``) [1]_.
    ``"uniform_ball"``
        uniform in the ball of radius `scale`: ``rho = scale U^{1/d}``,
        ``U ~ Uniform(0, 1)``.
    ``"sum_of_spheres"``
        ``x = scale (x_1 + x_2)`` with ``x_1, x_2`` i.i.d. uniform on S^{d-1}:
        Safran & Lee's ``D'_d`` of Theorem 3 [1]_; for ``scale = 1`` the norm has
        density :func:`sum_of_spheres_norm_density` on ``[0, 2]``.

    Labels for these inputs are ``ball_indicator(X, radius=lam)``.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.
    d : int
        Ambient dimension, ``d >= 2``.
    norm : {"gaussian", "cauchy", "uniform_ball", "sum_of_spheres"}
        Law of the norm.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    scale : float, optional
        Positive multiplier of the norm.

    Returns
    -------
    ndarray, shape (n, d)

    References
    ----------
    .. [1] I. Safran, J. D. Lee, "Optimization-Based Separations for Neural
       Networks", COLT 2022, PMLR 178:3-64, arXiv:2112.02393.

    Examples
    --------
    >>> import numpy as np
    >>> X = radial(1000, 5, norm="uniform_ball", seed=0, scale=2.0)
    >>> bool(np.linalg.norm(X, axis=1).max() <= 2.0)
    True
    """
    n = _check_int("n", n, 1)
    d = _check_int("d", d, 2)
    norm = _check_choice("norm", norm, RADIAL_NORMS)
    scale = _check_real("scale", scale, low=0.0, low_open=True)
    rng = _rng(seed)
    if norm == "gaussian":
        X = rng.standard_normal((n, d)) / np.sqrt(d)
    elif norm == "sum_of_spheres":
        X = _normalize(rng.standard_normal((n, d))) + _normalize(rng.standard_normal((n, d)))
    else:
        theta = _normalize(rng.standard_normal((n, d)))
        if norm == "cauchy":
            rho = np.abs(rng.standard_cauchy(n))
        else:
            rho = rng.random(n) ** (1.0 / d)
        X = rho[:, None] * theta
    return np.ascontiguousarray(scale * X)


def sum_of_spheres_norm_density(t, d):
    """Density of ``||x_1 + x_2||`` for ``x_1, x_2`` i.i.d. uniform on S^{d-1}.

    .. math::

        \\gamma'_d(t) = \\frac{\\Gamma(d/2)}{\\sqrt{\\pi}\\,\\Gamma((d-1)/2)}
        \\, t^{d-2} (1 - t^2/4)^{(d-3)/2}, \\qquad 0 \\le t \\le 2,

    and 0 outside ``[0, 2]`` (Safran & Lee, Theorem 3 [1]_). It follows from
    ``||x_1 + x_2||^2 = 2 + 2s`` where ``s = <x_1, x_2>`` has density
    proportional to ``(1 - s^2)^{(d-3)/2}``; equivalently ``t^2 / 4`` is
    ``Beta((d-1)/2, (d-1)/2)``. Evaluated in log space with
    ``scipy.special.gammaln`` and ``xlogy`` so that large `d` does not overflow.

    Parameters
    ----------
    t : array_like
        Real points; NaN propagates.
    d : int
        Dimension, ``d >= 3`` (for ``d = 2`` the density is unbounded at 2).

    Returns
    -------
    float or ndarray
        The density at `t`, with the shape of `t`.

    References
    ----------
    .. [1] I. Safran, J. D. Lee, "Optimization-Based Separations for Neural
       Networks", COLT 2022, PMLR 178:3-64, arXiv:2112.02393.

    Examples
    --------
    >>> round(float(sum_of_spheres_norm_density(1.0, 3)), 12)
    0.5
    """
    d = _check_int("d", d, 3)
    arr = _as_array("t", t)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"t must be real numbers, got dtype {arr.dtype}")
    t = np.array(arr, dtype=np.float64, order="C", ndmin=0)
    inside = (t >= 0.0) & (t <= 2.0)
    ti = np.where(inside, t, 1.0)
    log_const = gammaln(d / 2.0) - 0.5 * np.log(np.pi) - gammaln((d - 1) / 2.0)
    log_density = (
        log_const
        + xlogy(d - 2.0, ti)
        + xlogy((d - 3.0) / 2.0, (1.0 - ti / 2.0) * (1.0 + ti / 2.0))
    )
    out = np.where(inside, np.exp(log_density), 0.0)
    out = np.where(np.isnan(t), np.nan, out)
    return out[()]


def circle_angles(n):
    """Equispaced angles ``phi_k = 2 pi k / n``, ``k = 0, ..., n-1``.

    Parameters
    ----------
    n : int
        Number of angles, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> circle_angles(4) / np.pi
    array([0. , 0.5, 1. , 1.5])
    """
    n = _check_int("n", n, 1)
    return 2.0 * np.pi * np.arange(n, dtype=np.float64) / n


def circle(n):
    """Equispaced points ``(cos phi_k, sin phi_k)`` on the unit circle S^1.

    The mean over these points is the trapezoidal rule for the uniform
    probability measure on S^1; it is exact for every trigonometric polynomial
    of degree ``< n``, which makes it the quadrature for continuous L^2 errors
    on the circle (Welper's setting with d = 2 [1]_).

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n, 2)

    References
    ----------
    .. [1] G. Welper, "Approximation and Gradient Descent Training with Neural
       Networks", arXiv:2405.11696, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(circle(4), 12) + 0.0
    array([[ 1.,  0.],
           [ 0.,  1.],
           [-1.,  0.],
           [ 0., -1.]])
    """
    phi = circle_angles(n)
    return np.ascontiguousarray(np.column_stack((np.cos(phi), np.sin(phi))))


def ball_indicator(X, *, radius):
    """Labels ``y_i = 1{||x_i||_2 <= radius}`` as 0.0 / 1.0.

    Safran & Lee's target ``1{||x|| <= lambda}``, ``lambda in [1, 2]`` [1]_.
    Points on the boundary are decided by the float64 norm.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Finite inputs.
    radius : float
        Positive radius.

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    .. [1] I. Safran, J. D. Lee, "Optimization-Based Separations for Neural
       Networks", COLT 2022, PMLR 178:3-64, arXiv:2112.02393.

    Examples
    --------
    >>> ball_indicator([[0.5, 0.0], [3.0, 4.0]], radius=1.5)
    array([1., 0.])
    """
    X = _check_matrix("X", X)
    radius = _check_real("radius", radius, low=0.0, low_open=True)
    return (np.linalg.norm(X, axis=1) <= radius).astype(np.float64)


def _zonal_scale(d, k):
    log_dimension = np.log(2.0 * k + d - 2.0) + gammaln(k + d - 2.0) - gammaln(k + 1.0) - gammaln(d - 1.0)
    log_value_at_pole = gammaln(k + d - 2.0) - gammaln(d - 2.0) - gammaln(k + 1.0)
    return np.exp(0.5 * log_dimension - log_value_at_pole)


def zonal_harmonic(X, *, degree, direction):
    """The degree-k zonal spherical harmonic on S^{d-1}, unit L^2 norm.

    With ``e = direction / ||direction||``, ``t = <x, e>`` and
    ``lambda = (d - 2) / 2``,

    .. math::

        Z_k(x) = \\sqrt{N(d, k)} \\, \\frac{C_k^{\\lambda}(t)}{C_k^{\\lambda}(1)},
        \\qquad
        N(d, k) = \\frac{(2k + d - 2)\\,(k + d - 3)!}{k!\\,(d - 2)!},

    where ``C_k^lambda`` is the Gegenbauer polynomial
    (``scipy.special.eval_gegenbauer``), ``C_k^lambda(1) = (k+d-3)! / (k! (d-3)!)``
    and ``N(d, k)`` is the dimension of the degree-k harmonics. The addition
    theorem gives ``E[P_k(<x, e>)^2] = 1 / N(d, k)`` for ``P_k = C_k / C_k(1)``
    under the uniform probability measure on S^{d-1} [1]_,
    hence ``E[Z_k^2] = 1`` and ``E[Z_j Z_k] = 0`` for ``j != k``. For ``d = 2``
    (``lambda = 0``) ``P_k = T_k`` (Chebyshev), so ``Z_k(x) = sqrt(2) cos(k phi)``
    with ``phi`` the angle between ``x`` and ``e`` (and ``Z_0 = 1``).
    Examples: ``Z_1 = sqrt(d) t``; for ``d = 3``, ``Z_k = sqrt(2k+1) P_k(t)``
    (Legendre). Degree-k harmonics are the eigenfunctions of every dot-product
    kernel on the sphere, which makes them the natural targets of known
    Sobolev smoothness for Welper's approximation rates [2]_.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Points on the unit sphere, ``d >= 2``; rows must have norm within
        ``UNIT_NORM_TOL = 1e-8`` of 1 (a harmonic is defined on the sphere).
    degree : int
        ``k >= 0``.
    direction : array_like, shape (d,)
        Finite, nonzero axis of symmetry; normalised here.

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    .. [1] K. Atkinson, W. Han, "Spherical Harmonics and Approximations on the
       Unit Sphere: An Introduction", Lecture Notes in Mathematics 2044,
       Springer, 2012.
    .. [2] G. Welper, "Approximation and Gradient Descent Training with Neural
       Networks", arXiv:2405.11696, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    >>> np.round(zonal_harmonic(X, degree=2, direction=[1.0, 0.0, 0.0]) ** 2, 12)
    array([5.  , 1.25])
    """
    X = _check_matrix("X", X, min_columns=2)
    n, d = X.shape
    degree = _check_int("degree", degree, 0)
    direction = _check_vector("direction", direction, d)
    length = np.linalg.norm(direction)
    if length == 0.0:
        raise ValueError("direction must be a nonzero vector")
    deviation = np.max(np.abs(np.linalg.norm(X, axis=1) - 1.0))
    if not deviation <= UNIT_NORM_TOL:
        raise ValueError(
            f"X rows must lie on the unit sphere (| ||x|| - 1 | <= {UNIT_NORM_TOL}), "
            f"got a deviation of {deviation:.3g}"
        )
    t = X @ (direction / length)
    if degree == 0:
        return np.ones(n)
    if d == 2:
        return np.ascontiguousarray(np.sqrt(2.0) * eval_chebyt(degree, t))
    return np.ascontiguousarray(_zonal_scale(d, degree) * eval_gegenbauer(degree, (d - 2) / 2.0, t))


def random_labels(n, *, seed, kind="sign"):
    """Labels independent of the inputs, as in Arora et al.'s random-label runs [1]_.

    Parameters
    ----------
    n : int
        Number of labels, ``n >= 1``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    kind : {"sign", "gaussian", "uniform"}, optional
        ``"sign"``: i.i.d. uniform on ``{-1.0, +1.0}`` (``|y_i| <= 1``, the
        bounded labels of Du et al. [2]_); ``"gaussian"``: i.i.d. ``N(0, 1)``;
        ``"uniform"``: i.i.d. uniform on ``[-1, 1)`` (bounded, not binary).

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    .. [1] S. Arora, S. S. Du, W. Hu, Z. Li, R. Wang, "Fine-Grained Analysis of
       Optimization and Generalization for Overparameterized Two-Layer
       Neural Networks", ICML 2019, arXiv:1901.08584.
    .. [2] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.

    Examples
    --------
    >>> np.unique(random_labels(100, seed=0))
    array([-1.,  1.])
    """
    n = _check_int("n", n, 1)
    kind = _check_choice("kind", kind, LABEL_KINDS)
    rng = _rng(seed)
    if kind == "sign":
        return 2.0 * rng.integers(0, 2, size=n).astype(np.float64) - 1.0
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, size=n)
    return rng.standard_normal(n)


TEACHER_ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "sigmoid": expit, "erf": erf}


def teacher_labels(X, *, width, seed, activation="relu"):
    """Labels from a random two-layer ReLU teacher, scaled so that ``max |y_i| = 1``.

    ``y_i = c · Σ_r a_r σ(w_rᵀ x_i)`` (σ = relu, sigmoid or erf) with ``w_r ~ N(0, I_d)``, ``a_r`` uniform on
    ``{±1}`` (drawn in that order from ``default_rng(seed)``) and ``c`` the constant that
    makes the largest ``|y_i|`` equal to 1: labels a network of the student's own class can
    fit exactly, inside the bounded-label hypothesis ``|y_i| ≤ 1`` of Du et al. [1]_.
    All-zero teacher outputs (possible only for tiny widths) give zero labels.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Finite inputs.
    width : int
        Teacher width, ``width >= 1``.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    activation : {"relu", "sigmoid", "erf"}, optional

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    .. [1] S. S. Du, X. Zhai, B. Poczos, A. Singh, "Gradient Descent Provably
       Optimizes Over-parameterized Neural Networks", ICLR 2019,
       arXiv:1810.02054.

    Examples
    --------
    >>> y = teacher_labels(sphere(5, 3, seed=0), width=4, seed=1)
    >>> float(np.max(np.abs(y)))
    1.0
    """
    X = _check_matrix("X", X)
    width = _check_int("width", width, 1)
    sigma = TEACHER_ACTIVATIONS[_check_choice("activation", activation,
                                              tuple(TEACHER_ACTIVATIONS))]
    rng = _rng(seed)
    W = rng.standard_normal((width, X.shape[1]))
    a = 2.0 * rng.integers(0, 2, size=width).astype(np.float64) - 1.0
    out = sigma(X @ W.T) @ a
    top = float(np.max(np.abs(out)))
    return np.ascontiguousarray(out / top if top > 0.0 else out)


def sobolev_circle_target(X, *, alpha, terms=4096, excess=0.05):
    """A target on S^1 in H^alpha but not in H^(alpha + excess).

    .. math::

        f(\\varphi) = \\sum_{k=1}^{K} k^{-\\beta} \\cos(k\\varphi), \\qquad
        \\beta = \\alpha + \\tfrac12 + \\varepsilon,

    with ``K = terms``, ``epsilon = excess`` and ``phi = atan2(x_2, x_1)`` the
    angle of ``x`` (rows need not be unit; only their angle is used). On the
    circle ``||f||_{H^s}^2 ~ sum_k (1 + k^2)^s |c_k|^2`` and here
    ``sum_k k^{2s} k^{-2 beta} = sum_k k^{-1 - 2(alpha + epsilon - s)}``, which
    converges exactly when ``s < alpha + epsilon``: the infinite series lies in
    ``H^alpha`` (indeed in every ``H^s``, ``s < alpha + epsilon``) and not in
    ``H^(alpha + epsilon)``, where the sum is the harmonic series. It is a
    near-worst case of smoothness alpha for Welper's rates on the circle [1]_.
    The truncation is a trigonometric polynomial; its L^2 distance to the
    series (uniform probability measure) satisfies
    ``||f - f_K||^2 = (1/2) sum_{k>K} k^{-2 beta} <= K^{1 - 2 beta} / (2 (2 beta - 1))``.
    The sum has no constant term, so ``f`` has mean zero on the circle.

    Parameters
    ----------
    X : array_like, shape (n, 2)
        Finite, nonzero points of the plane.
    alpha : float
        Smoothness, ``alpha >= 0``.
    terms : int, optional
        Number of Fourier terms ``K >= 1``.
    excess : float, optional
        ``epsilon > 0``.

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    .. [1] G. Welper, "Approximation and Gradient Descent Training with Neural
       Networks", arXiv:2405.11696, 2024.

    Examples
    --------
    >>> f = sobolev_circle_target([[1.0, 0.0]], alpha=1.0, terms=2, excess=0.5)
    >>> float(f[0])
    1.25
    """
    X = _check_matrix("X", X, columns=2)
    alpha = _check_real("alpha", alpha, low=0.0)
    terms = _check_int("terms", terms, 1)
    excess = _check_real("excess", excess, low=0.0, low_open=True)
    if np.any(np.all(X == 0.0, axis=1)):
        raise ValueError("X must have no zero rows: the angle of 0 is undefined")
    phi = np.arctan2(X[:, 1], X[:, 0])
    k = np.arange(1, terms + 1, dtype=np.float64)
    coefficients = k ** -(alpha + 0.5 + excess)
    block = max(1, _SOBOLEV_BLOCK // terms)
    out = np.empty(phi.shape[0])
    for start in range(0, phi.shape[0], block):
        stop = start + block
        out[start:stop] = np.cos(np.multiply.outer(phi[start:stop], k)) @ coefficients
    return out


# ---------------------------------------------------------------------------------------------
# Data sets and labels of one's own

_GENERATORS = {}
_LABELS = {}
# Built-in label functions of X a DataSpec may name (labels="function").
def noisy_clusters(n, d, *, seed, mu_norm, noise, kappa=1.0, covariance="identity"):
    """Inputs of the noisy two-cluster model of Frei, Chatterji & Bartlett (2022), §2.2: x = z + ỹµ
    (``checks.clusters.noisy_clusters_sample``; its labels are ``noisy_cluster_labels``)."""
    from checks import clusters  # checks.clusters builds on this module's checks

    return clusters.noisy_clusters(n, d, seed=seed, mu_norm=mu_norm, noise=noise, kappa=kappa,
                                   covariance=covariance)


def noisy_cluster_labels(X, *, seed, mu_norm, noise, kappa=1.0, covariance="identity"):
    """The observed (noisy) labels of the ``noisy_clusters`` draw whose inputs are X, exactly
    round(η n) of them flipped (``checks.clusters.noisy_cluster_labels``)."""
    from checks import clusters

    return clusters.noisy_cluster_labels(X, seed=seed, mu_norm=mu_norm, noise=noise, kappa=kappa,
                                         covariance=covariance)


_BUILTIN_LABELS = ("ball_indicator", "zonal_harmonic", "teacher_labels", "sobolev_circle_target",
                   "noisy_cluster_labels")
# Names of this module that are not data-set generators (n, d, *, seed, ...).
_NOT_GENERATORS = ("random_labels", "teacher_labels", "ball_indicator", "zonal_harmonic",
                   "noisy_cluster_labels", "sobolev_circle_target", "normalize_rows",
                   "circle_angles",
                   "sum_of_spheres_norm_density", "register", "register_labels", "generator",
                   "label_function")


def _reference(name, what):
    """The callable a "package.module:function" reference names."""
    module, _, attr = name.partition(":")
    try:
        target = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"{what} {name!r} cannot be imported: {exc}") from None
    if not callable(target):
        raise ValueError(f"{what} {name!r} is not callable")
    return target


def _check_name(name, what):
    if not isinstance(name, str) or not name:
        raise TypeError(f"{what} name must be a non-empty str, got {_describe(name)}")
    if name in globals() or ":" in name:
        raise ValueError(f"{what} name {name!r} is taken by checks.data or is a reference")
    return name


def register(name, fn):
    """Register a data-set generator ``fn(n, d, *, seed, **options) -> X`` under ``name``, so a
    ``DataSpec(kind=name, …)`` (and every record, sweep and search that names it) can use it.

    A generator may also be named without registering, as ``"package.module:function"``.
    Registering a name twice replaces the first (a re-imported module registers again).

    Examples
    --------
    >>> register("two_clusters", lambda n, d, *, seed: sphere(n, d, seed=seed))
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {_describe(fn)}")
    _GENERATORS[_check_name(name, "generator")] = fn


def register_labels(name, fn):
    """Register a label function ``fn(X, **options) -> y`` under ``name`` (a target function:
    ``DataSpec(labels="function", label_options=(("target", name), …))``)."""
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {_describe(fn)}")
    _LABELS[_check_name(name, "label function")] = fn


def generator(name):
    """The data-set generator a name stands for: a registered one, a ``"module:function"``
    reference, or a generator of this module."""
    if name in _GENERATORS:
        return _GENERATORS[name]
    if ":" in name:
        return _reference(name, "generator")
    fn = globals().get(name)
    if fn is None or name.startswith("_") or name in _NOT_GENERATORS or not callable(fn):
        known = sorted(set(_GENERATORS) | {n for n in __all__ if n not in _NOT_GENERATORS})
        raise ValueError(f"data kind must name a generator ({', '.join(known)}), a registered "
                         f"one, or a 'package.module:function' reference; got {name!r}")
    return fn


def label_function(name):
    """The label function a name stands for: registered, a reference, or one of this module's
    (ball_indicator, zonal_harmonic, teacher_labels, sobolev_circle_target)."""
    if name in _LABELS:
        return _LABELS[name]
    if ":" in name:
        return _reference(name, "label function")
    if name in _BUILTIN_LABELS:
        return globals()[name]
    raise ValueError(f"label function must be one of {_BUILTIN_LABELS}, a registered one, or a "
                     f"'package.module:function' reference; got {name!r}")
