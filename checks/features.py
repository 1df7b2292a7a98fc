"""The random-features reduction of Safran & Lee 2022: fixed erf features, GD on the output weights.

The strong architecture, Eq. (2) of [1]_, is

    x ↦ [Σ_{j=1}^r w_j erf(⟨u_j, x⟩ + b_j)]_+^1,   [z]_+^1 = min(max(z, 0), 1),

with no output bias. Its hidden layer (u_j, b_j) is drawn once (Assumption 7: u_j ~ N(0, ¼I_d),
b_j ~ N(0, ¼), w ~ N(0, r⁻²I_r)) and never trained, so with the features
x̃ = erf(Ux + B) ∈ [−1, 1]^r only w is learned — the "single neuron" reduction of [1]_, Appendix
A.2. The empirical objective, Eq. (6), and its gradient with the clip's derivative on the open
interval are

    F̂(w) = (1/n) Σ_i ([wᵀx̃_i]_+^1 − y_i)²,
    ∇F̂(w) = (2/n) Σ_i ([wᵀx̃_i]_+^1 − y_i) 1{wᵀx̃_i ∈ (0, 1)} x̃_i.

The general kernel (``checks.kernels.gd_run``) recomputes the r·n features every step; here they
are computed once and full-batch GD runs on w alone, 2·n·r multiply-adds a step. The features and
every step use the same formulas as the general kernel; only the dot products wᵀx̃_i are summed
in four interleaved parts (``_dot4``), so the two agree to rounding (``tests/test_features.py``).
No fastmath: same seed, same numbers.

References
----------
.. [1] I. Safran, J. D. Lee, "Optimization-Based Separations for Neural Networks", COLT 2022,
   PMLR 178:3–64, arXiv:2112.02393.
"""

from dataclasses import dataclass
import math

import numpy as np
from numba import njit, prange

from checks import data as datasets
from checks.network import (Network, as_float_array, check_data, check_int, check_positive,
                            init_params)
from checks.theorem import DataSpec

# Eq. (2) with Eq. (6)'s mean loss, only the output weights trained: the general kernel's view of
# the same model (used for the initialisation and as the reference implementation).
NETWORK = Network(activation="erf", bias=True, scaling="none", output="clip", loss="mean",
                  train=("a",))
# Assumption 7 of [1]: u_j ~ N(0, ¼ I_d) and b_j ~ N(0, ¼) are standard deviations ½; w ~ N(0, r⁻²).
INNER_STD = 0.5
BIAS_STD = 0.5


@dataclass(frozen=True)
class BallIndicatorSpec(DataSpec):
    """Radial data with Safran & Lee's labels y = 1{‖x‖ ≤ radius} (Assumption 6, Theorem 8).

    ``kind`` names a generator of ``checks.data`` (``"radial"`` with ``options`` giving ``norm``
    and ``scale``); the labels are ``checks.data.ball_indicator`` instead of random labels.
    """

    radius: float = 1.5
    labels: str = "ball_indicator"

    def label_values(self, X):
        return datasets.ball_indicator(X, radius=self.radius)

    def describe(self):
        opts = ", ".join(f"{k}={v}" for k, v in self.options)
        return (f"{self.kind}(n={self.n}, d={self.d}, seed={self.seed}"
                + (f", {opts}" if opts else "") + f"), labels=1{{‖x‖ ≤ {self.radius:g}}}")

    def to_dict(self):
        return {**super().to_dict(), "radius": self.radius}


def init_features(r, d, *, seed):
    """Hidden layer (U, B) and initial output weights w₀ per Assumption 7 of [1]_.

    Drawn by ``checks.network.init_params`` (order U, B, w from ``default_rng(seed)``) with
    κ = κ_b = ½ and w ~ N(0, r⁻²), so a seed gives the same network as the general kernel's runs.

    Returns
    -------
    U : ndarray (r, d); B : ndarray (r,); w0 : ndarray (r,)
    """
    r = check_int("r", r, minimum=1)
    params = init_params(NETWORK, r, d, seed=seed, kappa=INNER_STD, kappa_b=BIAS_STD,
                         outer="normal", outer_scale=1.0 / r)
    return params.W, params.b, params.a


@njit(cache=True, parallel=True)
def _features(X, U, B, out):
    """out[i, j] = erf(Σ_k U[j, k] X[i, k] + B[j]), summed as ``checks.kernels._preactivations``.

    Neurons are spread over the cores; every entry is computed by one thread in a fixed order, so
    the result does not depend on the number of threads.
    """
    n, d = X.shape
    r = U.shape[0]
    for j in prange(r):
        for i in range(n):
            z = 0.0
            for k in range(d):
                z += U[j, k] * X[i, k]
            z += B[j]
            out[i, j] = math.erf(z)


def features(X, U, B):
    """The random features x̃_i = erf(U x_i + B) of every row of X, shape (n, r)."""
    U = as_float_array("U", U, ndim=2)
    B = as_float_array("B", B, ndim=1)
    if B.shape != (U.shape[0],):
        raise ValueError(f"B must have shape ({U.shape[0]},) to match U, got {B.shape}")
    X = check_data(X, dim=U.shape[1])
    out = np.empty((X.shape[0], U.shape[0]))
    _features(X, U, B, out)
    return out


@njit(cache=True)
def _dot4(u, v):
    """Σ_j u_j v_j with four interleaved partial sums, ((s0 + s1) + (s2 + s3)) + tail.

    A single running sum is bound by the latency of one addition per term; four independent ones
    run about 3× faster. The order differs from the general kernel's single sum, which changes a
    dot product by a few ulps (``tests/test_features.py`` compares the two at rtol 1e-12).
    """
    r = u.shape[0]
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    top = r - r % 4
    for j in range(0, top, 4):
        s0 += u[j] * v[j]
        s1 += u[j + 1] * v[j + 1]
        s2 += u[j + 2] * v[j + 2]
        s3 += u[j + 3] * v[j + 3]
    total = (s0 + s1) + (s2 + s3)
    for j in range(top, r):
        total += u[j] * v[j]
    return total


@njit(cache=True)
def _gd(Xt, y, w, eta, steps, keep_every, losses, grad_norms, kept):
    """Full-batch GD on F̂(w) in place; return the step whose loss was not finite, or −1.

    losses[k] = F̂(w_k), grad_norms[k] = ‖∇F̂(w_k)‖ for k = 0..steps; kept[k // keep_every] = w_k
    for k a multiple of keep_every (kept has zero rows when keep_every = 0). The residual
    e_i = (2/n)([z_i]_+^1 − y_i) 1{z_i ∈ (0, 1)} and the gradient sums are ordered as in
    ``checks.kernels._residuals`` and ``_backward_block`` (i ascending for each coordinate).
    """
    n, r = Xt.shape
    c = 1.0 / n
    g = np.empty(r)
    for k in range(steps + 1):
        # One pass over the rows: z_i = w·x̃_i, then the row's share of the gradient while the row
        # is in cache; each g[j] still sums i = 0..n−1 in order.
        for j in range(r):
            g[j] = 0.0
        total = 0.0
        for i in range(n):
            z = _dot4(w, Xt[i])
            if z <= 0.0:
                f, dg = 0.0, 0.0
            elif z >= 1.0:
                f, dg = 1.0, 0.0
            else:
                f, dg = z, 1.0
            diff = f - y[i]
            total += diff * diff
            ei = 2.0 * c * diff * dg
            if ei != 0.0:
                for j in range(r):
                    g[j] += ei * Xt[i, j]
        loss = c * total
        if not math.isfinite(loss):
            return k
        losses[k] = loss
        if keep_every > 0 and k % keep_every == 0:
            for j in range(r):
                kept[k // keep_every, j] = w[j]
        sq = 0.0
        for j in range(r):
            sq += g[j] * g[j]
        grad_norms[k] = math.sqrt(sq)
        if k == steps:
            break
        for j in range(r):
            w[j] -= eta * g[j]
    return -1


@njit(cache=True, parallel=True)
def _gd_batch(Xt, y, w, eta, steps, keep_every, losses, grad_norms, kept, status):
    """S independent runs ``_gd`` (one per leading index) spread over the cores; run s is
    bit-identical to the single run."""
    for s in prange(Xt.shape[0]):
        status[s] = _gd(Xt[s], y[s], w[s], eta, steps, keep_every, losses[s], grad_norms[s],
                        kept[s])


@dataclass(frozen=True, eq=False)
class FeatureRun:
    """One GD run on the output weights.

    Attributes
    ----------
    losses, grad_norms : ndarray (K' + 1,)
        F̂(w_k) and ‖∇F̂(w_k)‖ for k = 0..K', all finite; K' = steps unless the run diverged.
    kept_steps : ndarray of int; kept : ndarray (len(kept_steps), r)
        The iterates w_k at the multiples of ``keep_every`` up to K'.
    w : ndarray (r,) or None
        The final iterate; None for a diverged run.
    diverged_at : int or None
    """

    eta: float
    steps: int
    losses: np.ndarray
    grad_norms: np.ndarray
    kept_steps: np.ndarray
    kept: np.ndarray
    w: np.ndarray | None
    diverged_at: int | None

    @property
    def diverged(self):
        return self.diverged_at is not None


def _make_run(eta, steps, keep_every, status, w, losses, grad_norms, kept):
    last = steps if status < 0 else status - 1
    kept_steps = (np.arange(0, last + 1, keep_every) if keep_every else np.zeros(0, dtype=int))
    return FeatureRun(eta=eta, steps=steps, losses=losses[: last + 1].copy(),
                      grad_norms=grad_norms[: last + 1].copy(), kept_steps=kept_steps,
                      kept=kept[: kept_steps.size].copy(), w=w.copy() if status < 0 else None,
                      diverged_at=None if status < 0 else int(status))


def _check_run_args(eta, steps, keep_every):
    return (check_positive("eta", eta), check_int("steps", steps, minimum=0),
            check_int("keep_every", keep_every, minimum=0))


def gradient_descent(Xt, y, w0, *, eta, steps, keep_every=0):
    """``steps`` full-batch GD steps w_{k+1} = w_k − η∇F̂(w_k) from w0 on features Xt.

    Parameters
    ----------
    Xt : array (n, r)
        Features x̃_i (``features``).
    y : array (n,)
        Labels (Safran & Lee: 1{‖x_i‖ ≤ λ}).
    w0 : array (r,)
    eta : float > 0
    steps : int >= 0
    keep_every : int >= 0
        Keep the iterate every this many steps (0: none).

    Returns
    -------
    FeatureRun
    """
    Xt, y = check_data(Xt, y)
    w = as_float_array("w0", w0, ndim=1).copy()
    if w.shape != (Xt.shape[1],):
        raise ValueError(f"w0 must have shape ({Xt.shape[1]},) to match Xt's columns, "
                         f"got {w.shape}")
    eta, steps, keep_every = _check_run_args(eta, steps, keep_every)
    losses, grads = np.zeros(steps + 1), np.zeros(steps + 1)
    kept = np.zeros((steps // keep_every + 1 if keep_every else 0, w.size))
    status = _gd(Xt, y, w, eta, steps, keep_every, losses, grads, kept)
    return _make_run(eta, steps, keep_every, status, w, losses, grads, kept)


def gradient_descent_batch(Xts, ys, w0s, *, eta, steps, keep_every=0):
    """``gradient_descent`` on S problems at once (stacked features, labels and starts), in
    parallel over the cores; run s is bit-identical to the single run.

    Parameters
    ----------
    Xts : array (S, n, r); ys : array (S, n); w0s : array (S, r)

    Returns
    -------
    list of FeatureRun
    """
    Xts = np.ascontiguousarray(Xts, dtype=np.float64)
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    w = np.array(w0s, dtype=np.float64, order="C")
    if Xts.ndim != 3 or ys.shape != Xts.shape[:2] or w.shape != (Xts.shape[0], Xts.shape[2]):
        raise ValueError(f"Xts, ys, w0s must have shapes (S, n, r), (S, n), (S, r); got "
                         f"{Xts.shape}, {ys.shape}, {w.shape}")
    if not (np.all(np.isfinite(Xts)) and np.all(np.isfinite(ys)) and np.all(np.isfinite(w))):
        raise ValueError("Xts, ys and w0s must be finite (no NaN or inf)")
    eta, steps, keep_every = _check_run_args(eta, steps, keep_every)
    S, _, r = Xts.shape
    losses, grads = np.zeros((S, steps + 1)), np.zeros((S, steps + 1))
    kept = np.zeros((S, steps // keep_every + 1 if keep_every else 0, r))
    status = np.zeros(S, dtype=np.int64)
    _gd_batch(Xts, ys, w, eta, steps, keep_every, losses, grads, kept, status)
    return [_make_run(eta, steps, keep_every, int(status[s]), w[s], losses[s], grads[s], kept[s])
            for s in range(S)]


def clipped_risk(w, Xt, y):
    """(1/N) Σ_i ([wᵀx̃_i]_+^1 − y_i)² on a sample (Eq. (6); on a held-out sample, an estimate of
    the risk F(w)). ``w`` may be (r,) or a stack (K, r); returns a float or an array (K,)."""
    z = np.clip(np.asarray(Xt) @ np.asarray(w).T, 0.0, 1.0)
    y = np.asarray(y)
    residual = z - (y[:, None] if z.ndim == 2 else y)
    return np.mean(residual ** 2, axis=0)


def clipped_gradient(w, Xt, y):
    """∇F̂(w) = (2/n) Σ_i ([wᵀx̃_i]_+^1 − y_i) 1{wᵀx̃_i ∈ (0, 1)} x̃_i (numpy, for checks)."""
    z = Xt @ w
    active = (z > 0.0) & (z < 1.0)
    return (2.0 / Xt.shape[0]) * (Xt.T @ np.where(active, z - y, 0.0))
