"""Neural-tangent Gram matrices and their eigenvalues: empirical (any width) and infinite-width.

For the pre-output function v(x) = s Σ_{r=1}^m a_r σ(w_rᵀx + b_r) the Gram matrix H = J Jᵀ of its
Jacobian over the inner weights W, the biases b and the outer weights a is

    H_ij = s² Σ_r a_r² σ'(z_ir) σ'(z_jr) (x_iᵀx_j [W] + 1 [b]) + s² Σ_r σ(z_ir) σ(z_jr) [a],

z_ir = w_rᵀx_i + b_r, each bracketed term present when its group is included. With NTK scaling
s = 1/√m, w_r ~ N(0, κ² I_d), b_r ~ N(0, κ_b²) and E a_r² = 1 (a_r = ±1 or a_r ~ N(0, 1),
independent of w_r), H is an average of m i.i.d. terms and tends almost surely, as m → ∞, to

    H∞_ij = E[σ'(u_i) σ'(u_j)] (x_iᵀx_j [W] + 1 [b]) + E[σ(u_i) σ(u_j)] [a],

where (u_i, u_j) is the centred Gaussian pair with E[u_i u_j] = κ² z_iᵀz_j for the augmented inputs
z = (x, κ_b/κ) (z = x without bias), because wᵀx + b = κ w̃ᵀz with w̃ ~ N(0, I_{d+1}).

References
----------
.. [1] S. S. Du, X. Zhai, B. Póczos, A. Singh, "Gradient Descent Provably Optimizes
   Over-parameterized Neural Networks", ICLR 2019, arXiv:1810.02054, Section 3.
.. [2] S. Arora, S. S. Du, W. Hu, Z. Li, R. Wang, "Fine-Grained Analysis of Optimization and
   Generalization for Overparameterized Two-Layer Neural Networks", ICML 2019, arXiv:1901.08584.
.. [3] A. Jentzen, T. Kröger, "Convergence rates for gradient descent in the training of
   overparameterized artificial neural networks with biases", arXiv:2102.11840, 2021.
.. [4] Y. Cho, L. K. Saul, "Kernel Methods for Deep Learning", NIPS 2009 (arc-cosine kernels).
.. [5] C. K. I. Williams, "Computing with Infinite Networks", NIPS 1996 (proceedings 1997).
.. [6] W. Kahan, "How Futile are Mindless Assessments of Roundoff in Floating-Point Computation?",
   2006, Section 12 (angles between vectors without arccos).
"""

import math
import numbers

import numpy as np
import scipy.linalg
from numba import njit
from scipy.spatial.distance import cdist
from scipy.special import roots_hermitenorm

from checks import kernels
from checks.network import (ACTIVATIONS, GROUPS, OUTER_INITS, Network, Params, as_float_array,
                            check_data, check_int, check_positive)

# Activations whose Gaussian expectations have closed forms here; the others use quadrature.
CLOSED_FORMS = ("relu", "leaky_relu", "erf")
METHODS = ("auto", "closed", "quadrature")

# Relative symmetry tolerance of the eigenvalue routines. eigh reads one triangle only, so an
# asymmetric input would silently be replaced by a different matrix. Gram matrices assembled as
# J Jᵀ or from symmetric formulas are symmetric to a few ulps (~1e-16 relative); 1e-12 leaves four
# orders of magnitude for rounding and still rejects a wrong (e.g. transposed-product) matrix.
SYMMETRY_RTOL = 1e-12


def _check_groups(groups, bias, default):
    groups = default if groups is None else ((groups,) if isinstance(groups, str)
                                             else tuple(groups))
    for g in groups:
        if not isinstance(g, str) or g not in GROUPS:
            raise ValueError(f"groups must name only {GROUPS}, got {g!r}")
    if not groups:
        raise ValueError(f"groups must name at least one of {GROUPS}, got ()")
    if "b" in groups and not bias:
        raise ValueError("groups includes 'b' but bias=False: a network without biases has no "
                         "bias to differentiate")
    return tuple(g for g in GROUPS if g in groups)


def empirical_gram(net, params, X, groups=None):
    """Empirical neural-tangent Gram matrix H(θ) = J Jᵀ at the parameters ``params``.

    .. math::

        H_{ij} = s^2 \\sum_r a_r^2 σ'(z_{ir}) σ'(z_{jr}) (x_i^T x_j [W] + 1 [b])
                 + s^2 \\sum_r σ(z_{ir}) σ(z_{jr}) [a],   z_{ir} = w_r^T x_i + b_r,

    J the Jacobian of v(x_i) = s Σ_r a_r σ(z_ir) with respect to the groups in ``groups``.
    With ReLU, no bias, groups ("W",), s = 1/√m and a_r = ±1 this is H(k)_ij =
    (1/m) x_iᵀx_j Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} of [1]_, Section 3.

    Parameters
    ----------
    net : Network
        Activation, bias switch, leak and output scaling s(m).
    params : Params
        (W, b, a) of width m.
    X : array_like, shape (n, d)
        Inputs, one per row; d must match ``params``.
    groups : sequence of {"W", "b", "a"}, optional
        Parameter groups differentiated; default ``net.train``. "b" needs ``net.bias``.

    Returns
    -------
    H : ndarray, shape (n, n)

    References
    ----------
    .. [1] Du, Zhai, Póczos, Singh, ICLR 2019, arXiv:1810.02054.

    Examples
    --------
    >>> import numpy as np
    >>> from checks.network import Network, init_params
    >>> net = Network()
    >>> X = np.eye(2)
    >>> H = empirical_gram(net, init_params(net, 4096, 2, seed=0), X)
    >>> bool(np.abs(H - infinite_width_gram(X)).max() < 0.05)
    True
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    groups = _check_groups(groups, net.bias, net.train)
    X = check_data(X, dim=params.dim)
    act, act_params, use_bias, scale = net.kernel_args(params.width)[:4]
    return kernels.empirical_gram(X, params.W, params.b, params.a, act, act_params, use_bias, scale,
                                  "W" in groups, "b" in groups, "a" in groups)


def _geometry(Z):
    """(G, norms, θ): Gram matrix Z Zᵀ, row norms, pairwise angles of the rows of Z.

    θ_ij = 2 atan2(‖ẑ_i − ẑ_j‖, ‖ẑ_i + ẑ_j‖) for the unit vectors ẑ = z/‖z‖ ([6]_ in the module
    docstring): it equals arccos(ẑ_iᵀẑ_j), but keeps full accuracy for (nearly) parallel pairs,
    where arccos of a rounded cosine loses half the digits (θ_ii would come out ~1e-8, not 0), and
    needs no clipping. Pairs involving a zero row get θ = π/2; callers handle them separately.
    """
    G = Z @ Z.T
    G = 0.5 * (G + G.T)
    norms = np.linalg.norm(Z, axis=1)
    nonzero = norms > 0
    U = np.zeros_like(Z)
    U[nonzero] = Z[nonzero] / norms[nonzero, None]
    theta = 2.0 * np.arctan2(cdist(U, U), cdist(U, -U))
    theta[~nonzero, :] = 0.5 * math.pi
    theta[:, ~nonzero] = 0.5 * math.pi
    return G, norms, theta


def _step_moments(norms, theta):
    """(p, q): p_i = P(u_i ≥ 0), q_ij = P(u_i ≥ 0, u_j ≥ 0) = (π − θ_ij)/(2π) [1, Sec. 3].

    A zero row has u_i ≡ 0 and 1{0 ≥ 0} = 1 (the convention of ``checks.kernels``), so p_i = 1 and
    q_ij = p_j there.
    """
    zero = norms == 0
    p = np.where(zero, 1.0, 0.5)
    q = (math.pi - theta) / (2.0 * math.pi)
    q[zero, :] = p[None, :]
    q[:, zero] = p[:, None]
    return p, q


def _relu_moments(G, norms, theta, kappa):
    """E[σ'σ'] = (π − θ)/(2π) and E[σσ] = κ²(‖z_i‖‖z_j‖ sin θ + (π − θ) z_iᵀz_j)/(2π) [4]."""
    _, q = _step_moments(norms, theta)
    k1 = kappa ** 2 * (np.outer(norms, norms) * np.sin(theta) + (math.pi - theta) * G) \
        / (2.0 * math.pi)
    return q, k1


def _leaky_moments(G, norms, theta, kappa, leak):
    """Leaky ReLU via σ(u) = ℓu + (1 − ℓ) relu(u), σ'(u) = ℓ + (1 − ℓ) 1{u ≥ 0}.

    E[σ'(u_i)σ'(u_j)] = ℓ² + ℓ(1 − ℓ)(p_i + p_j) + (1 − ℓ)² q_ij  (= ℓ + (1 − ℓ)²(π − θ)/(2π)
    for nonzero rows), and, since E[u_i relu(u_j)] = c_ij/2 (regress u_i on u_j),
    E[σ(u_i)σ(u_j)] = ℓ c_ij + (1 − ℓ)² k1_ij with c_ij = κ² z_iᵀz_j and k1 the ReLU moment.
    """
    p, q = _step_moments(norms, theta)
    _, k1 = _relu_moments(G, norms, theta, kappa)
    d_term = leak ** 2 + leak * (1.0 - leak) * (p[:, None] + p[None, :]) + (1.0 - leak) ** 2 * q
    v_term = leak * kappa ** 2 * G + (1.0 - leak) ** 2 * k1
    return d_term, v_term


def _erf_moments(G, norms, theta, kappa):
    """Williams's erf kernel and its derivative analogue, c = κ² z_iᵀz_j.

    E[erf(u_i) erf(u_j)] = (2/π) arcsin(2c_ij / √((1 + 2c_ii)(1 + 2c_jj)))   [5]
    E[erf'(u_i) erf'(u_j)] = (4/π) det(I₂ + 2C)^{-1/2}
                           = (4/π) (1 + 2c_ii + 2c_jj + 4(c_ii c_jj − c_ij²))^{-1/2},

    the second from erf'(u) = (2/√π) e^{−u²} and E[exp(−uᵀu)] = det(I₂ + 2C)^{-1/2} for u ~ N(0, C)
    (complete the square: det(C)^{-1/2} det(C⁻¹ + 2I)^{-1/2}; continuous in C, so also for singular
    C). c_ii c_jj − c_ij² = κ⁴‖z_i‖²‖z_j‖² sin²θ_ij is taken from the angle, free of cancellation.
    """
    C = kappa ** 2 * G
    diag = 1.0 + 2.0 * np.diag(C)
    outer_diag = np.outer(diag, diag)
    v_term = (2.0 / math.pi) * np.arcsin(np.clip(2.0 * C / np.sqrt(outer_diag), -1.0, 1.0))
    c_diag = np.diag(C)
    minor = (kappa ** 4) * np.outer(norms ** 2, norms ** 2) * np.sin(theta) ** 2
    det = 1.0 + 2.0 * (c_diag[:, None] + c_diag[None, :]) + 4.0 * minor
    d_term = (4.0 / math.pi) / np.sqrt(det)
    return d_term, v_term


@njit(cache=True)
def _gauss_pair_moments(scale, along, across, nodes, weights, act, act_params):
    """2-D Gauss–Hermite rule for E[σ'(u_i)σ'(u_j)] and E[σ(u_i)σ(u_j)], all pairs i ≤ j.

    (u_i, u_j) = (scale_i g₁, along_ij g₁ + across_ij g₂), g₁, g₂ i.i.d. N(0, 1): the Cholesky
    factor of the pair's covariance. ``nodes``/``weights`` are a probabilists' Gauss–Hermite rule
    with weights summing to 1. σ, σ' come from ``kernels.activation_and_derivative`` so the
    conventions (σ'(0) of ReLU) are the empirical kernel's.
    """
    n = scale.shape[0]
    p = nodes.shape[0]
    d_term = np.empty((n, n))
    v_term = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            acc_d = 0.0
            acc_v = 0.0
            for k in range(p):
                si, dsi = kernels.activation_and_derivative(scale[i] * nodes[k], act, act_params)
                row_d = 0.0
                row_v = 0.0
                base = along[i, j] * nodes[k]
                for l in range(p):
                    sj, dsj = kernels.activation_and_derivative(base + across[i, j] * nodes[l],
                                                                act, act_params)
                    row_d += weights[l] * dsj
                    row_v += weights[l] * sj
                acc_d += weights[k] * dsi * row_d
                acc_v += weights[k] * si * row_v
            d_term[i, j] = acc_d
            d_term[j, i] = acc_d
            v_term[i, j] = acc_v
            v_term[j, i] = acc_v
    return d_term, v_term


def _quadrature_moments(norms, theta, kappa, activation, leak, points):
    # scipy's rule stays finite for hundreds of nodes (numpy's hermegauss overflows past ~300).
    nodes, weights = roots_hermitenorm(points)
    weights = weights / weights.sum()
    scale = kappa * norms
    along = scale[None, :] * np.cos(theta)
    across = scale[None, :] * np.sin(theta)
    return _gauss_pair_moments(scale, np.ascontiguousarray(along), np.ascontiguousarray(across),
                               nodes, weights, ACTIVATIONS[activation],
                               np.array([float(leak), 1.0]))


def _assemble(Gx, d_term, v_term, groups):
    H = np.zeros_like(d_term)
    if "W" in groups:
        H += d_term * Gx
    if "b" in groups:
        H += d_term
    if "a" in groups:
        H += v_term
    return H


def infinite_width_gram(X, activation="relu", bias=False, *, groups=None, kappa=1.0,
                        kappa_b=None, outer="sign", return_error=False, quad_points=64,
                        leak=0.1, method="auto"):
    """Infinite-width limit H∞ of ``empirical_gram`` under ``init_params`` with NTK scaling.

    .. math::

        H^∞_{ij} = E[σ'(u_i)σ'(u_j)] (x_i^T x_j [W] + 1 [b]) + E[σ(u_i)σ(u_j)] [a],

    (u_i, u_j) centred Gaussian with covariance c_ij = κ² z_iᵀz_j, z = (x, κ_b/κ) with bias and
    z = x without; θ_ij is the angle between z_i and z_j.

    * ReLU, W, no bias ([1]_, Section 3): H∞_ij = x_iᵀx_j (π − θ_ij)/(2π), independent of κ.
    * ReLU with bias ([3]_; THEOREMS.md T3): groups W and b give
      (x_iᵀx_j + 1)(π − θ_ij)/(2π) (= z_iᵀz_j (π − θ_ij)/(2π) when κ_b = κ); W alone
      x_iᵀx_j (π − θ_ij)/(2π); b alone (π − θ_ij)/(2π).
    * ReLU, group a: the order-1 arc-cosine kernel [4]_
      κ² ‖z_i‖‖z_j‖ (sin θ_ij + (π − θ_ij) cos θ_ij)/(2π).
    * leaky ReLU, slope ℓ = ``leak`` for u < 0, from σ(u) = ℓu + (1 − ℓ) relu(u):
      E[σ'σ'] = ℓ + (1 − ℓ)²(π − θ_ij)/(2π) and E[σσ] = ℓ c_ij + (1 − ℓ)² · (ReLU a-term).
    * erf ([5]_): E[erf(u_i)erf(u_j)] = (2/π) arcsin(2c_ij / √((1 + 2c_ii)(1 + 2c_jj))) and
      E[erf'(u_i)erf'(u_j)] = (4/π) det(I₂ + 2C_ij)^{-1/2}
      = (4/π) / √(1 + 2c_ii + 2c_jj + 4(c_ii c_jj − c_ij²)).
    * sigmoid, softplus (and any activation with ``method="quadrature"``): 2-D Gauss–Hermite
      quadrature over (u_i, u_j) with ``quad_points`` nodes per axis.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, one per row, n ≥ 1, finite.
    activation : {"relu", "sigmoid", "softplus", "erf", "leaky_relu"}
    bias : bool
        Whether the network has biases b_r ~ N(0, κ_b²).
    groups : sequence of {"W", "b", "a"}, optional
        Differentiated groups; default ("W",) without bias, ("W", "b") with bias (the trained
        inner layer of [1]_ and [3]_). "b" needs ``bias=True``.
    kappa : float
        Standard deviation κ > 0 of the inner weights ([2]_ takes κ small).
    kappa_b : float, optional
        Standard deviation of the biases, ≥ 0; default κ.
    outer : {"sign", "normal"}
        Outer initialisation of ``init_params`` (with ``outer_scale=1``). Both have E a_r² = 1 and
        a independent of (w, b), so the limit is the same; the argument is validated only.
    return_error : bool
        Return (H, error) instead of H. error is 0.0 for closed forms; for quadrature it is
        max_ij |Q_p − Q_2p| between ``quad_points`` and twice as many nodes, an *estimate* of the
        error of the returned Q_p, not a bound (for kinked activations it can be optimistic).
    quad_points : int
        Gauss–Hermite nodes per axis, ≥ 1.
    leak : float
        Negative-side slope of leaky ReLU (``Network.leak``; ignored otherwise).
    method : {"auto", "closed", "quadrature"}
        "auto" uses the closed form when there is one (relu, leaky_relu, erf), else quadrature;
        "quadrature" forces quadrature (a cross-check of the closed forms).

    Returns
    -------
    H : ndarray, shape (n, n)
        Symmetric positive semi-definite.
    error : float
        Only with ``return_error=True``.

    References
    ----------
    .. [1] Du, Zhai, Póczos, Singh, ICLR 2019, arXiv:1810.02054, Section 3.
    .. [2] Arora, Du, Hu, Li, Wang, ICML 2019, arXiv:1901.08584, Section 3.
    .. [3] Jentzen, Kröger 2021, arXiv:2102.11840 (ReLU with biases).
    .. [4] Cho, Saul, "Kernel Methods for Deep Learning", NIPS 2009.
    .. [5] Williams, "Computing with Infinite Networks", NIPS 1996.

    Examples
    --------
    >>> import numpy as np
    >>> infinite_width_gram(np.eye(3))     # orthonormal inputs: H∞ = I/2 ([1]_, Section 3)
    array([[0.5, 0. , 0. ],
           [0. , 0.5, 0. ],
           [0. , 0. , 0.5]])
    >>> H, err = infinite_width_gram(np.eye(2), "sigmoid", return_error=True)
    >>> bool(err < 1e-12)
    True
    """
    X = check_data(X)
    supported = sorted(set(ACTIVATIONS) - {"smoothed_leaky_relu"})
    if not isinstance(activation, str) or activation not in supported:
        raise ValueError(f"activation must be one of {supported}, got {activation!r}"
                         + (" (its smoothness H is not a parameter of the infinite-width NTK "
                            "here)" if activation == "smoothed_leaky_relu" else ""))
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be a bool, got {type(bias).__name__}")
    groups = _check_groups(groups, bias, ("W", "b") if bias else ("W",))
    kappa = check_positive("kappa", kappa)
    if kappa_b is None:
        kappa_b = kappa
    if isinstance(kappa_b, (bool, np.bool_)) or not isinstance(kappa_b, numbers.Real) \
            or not math.isfinite(kappa_b) or kappa_b < 0:
        raise ValueError(f"kappa_b must be a finite number >= 0, got {kappa_b!r}")
    if not isinstance(outer, str) or outer not in OUTER_INITS:
        raise ValueError(f"outer must be one of {list(OUTER_INITS)}, got {outer!r}")
    quad_points = check_int("quad_points", quad_points, minimum=1)
    if isinstance(leak, (bool, np.bool_)) or not isinstance(leak, numbers.Real) \
            or not math.isfinite(leak):
        raise ValueError(f"leak must be a finite number, got {leak!r}")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    if method == "closed" and activation not in CLOSED_FORMS:
        raise ValueError(f"method='closed' needs an activation in {list(CLOSED_FORMS)}, got "
                         f"{activation!r}")

    Z = np.hstack([X, np.full((X.shape[0], 1), kappa_b / kappa)]) if bias else X
    G, norms, theta = _geometry(Z)
    Gx = X @ X.T
    Gx = 0.5 * (Gx + Gx.T)
    error = 0.0
    if method != "quadrature" and activation == "relu":
        d_term, v_term = _relu_moments(G, norms, theta, kappa)
    elif method != "quadrature" and activation == "leaky_relu":
        d_term, v_term = _leaky_moments(G, norms, theta, kappa, leak)
    elif method != "quadrature" and activation == "erf":
        d_term, v_term = _erf_moments(G, norms, theta, kappa)
    else:
        d_term, v_term = _quadrature_moments(norms, theta, kappa, activation, leak, quad_points)
        if return_error:
            d2, v2 = _quadrature_moments(norms, theta, kappa, activation, leak, 2 * quad_points)
            error = float(np.max(np.abs(_assemble(Gx, d_term, v_term, groups)
                                        - _assemble(Gx, d2, v2, groups))))
    H = _assemble(Gx, d_term, v_term, groups)
    return (H, error) if return_error else H


def _check_symmetric(H):
    H = as_float_array("H", H, ndim=2)
    if H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(f"H must be a non-empty square matrix, got shape {H.shape}")
    if np.max(np.abs(H - H.T)) > SYMMETRY_RTOL * np.max(np.abs(H)):
        raise ValueError(f"H must be symmetric to a relative {SYMMETRY_RTOL:g}, got "
                         f"max|H − Hᵀ| = {np.max(np.abs(H - H.T)):.3g} for max|H| = "
                         f"{np.max(np.abs(H)):.3g}")
    return H


def lambda_min(H):
    """Smallest eigenvalue of a symmetric matrix, computing that eigenvalue only.

    Uses LAPACK's subset solver (``scipy.linalg.eigh(..., subset_by_index=[0, 0])``): no full
    decomposition.

    Parameters
    ----------
    H : array_like, shape (n, n)
        Real, finite, symmetric to a relative 1e-12 (``SYMMETRY_RTOL``).

    Returns
    -------
    float

    Examples
    --------
    >>> round(lambda_min([[2.0, 1.0], [1.0, 2.0]]), 12)
    1.0
    """
    H = _check_symmetric(H)
    return float(scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[0, 0])[0])


def lambda_max(H):
    """Largest eigenvalue of a symmetric matrix, computing that eigenvalue only.

    Same contract as ``lambda_min``.

    Examples
    --------
    >>> round(lambda_max([[2.0, 1.0], [1.0, 2.0]]), 12)
    3.0
    """
    H = _check_symmetric(H)
    n = H.shape[0]
    return float(scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[n - 1, n - 1])[0])


def spectrum(H):
    """All eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix.

    Same contract as ``lambda_min``; ``H = V diag(w) Vᵀ`` ([2]_ of ``infinite_width_gram``
    writes H∞ = Σ_i λ_i v_i v_iᵀ).

    Returns
    -------
    w : ndarray, shape (n,)
    V : ndarray, shape (n, n)
    """
    return scipy.linalg.eigh(_check_symmetric(H))


def lambda0(X, activation="relu", bias=False, **kwargs):
    """λ₀ = λ_min(H∞) for ``infinite_width_gram(X, activation, bias, **kwargs)``.

    With the defaults (ReLU, no bias, W) this is λ₀ of Du et al. 2019, Assumption 3.1 and
    Theorem 3.1 (λ₀ > 0 when no two inputs are parallel); with ``bias=True`` it is λ_min of the
    bias-augmented Gram matrix of Jentzen & Kröger 2021 (THEOREMS.md T3).

    Examples
    --------
    >>> import numpy as np
    >>> lambda0(np.eye(4))
    0.5
    """
    return lambda_min(infinite_width_gram(X, activation, bias, **kwargs))
