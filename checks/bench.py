"""``gdproofs bench``: gdproofs' gradient descent against numpy, PyTorch, JAX and the BLAS roof.

What is measured
----------------
One problem per size (n points, d dimensions, width m; ``SIZES``): the two-layer ReLU network

    f(x) = m^{-1/2} Σ_{r=1}^m a_r relu(w_rᵀx + b_r),   L = Σ_i ½ (f(x_i) − y_i)²,

trained by full-batch gradient descent on W and b (a fixed at ±1), in float64, from inputs on the
unit sphere, standard normal labels and ``init_params(..., seed=SEED)``. In gdproofs this is
``Network(activation="relu", bias=True, train=("W", "b"))`` and ``gradient_descent``.

Each implementation is a factory ``make_<name>(problem)`` returning a runner: ``runner(k)`` runs k
steps from the problem's initial parameters and returns the loss trajectory L(θ_0), …, L(θ_k).
gdproofs is the compiled whole loop; the peers are a vectorised numpy hand gradient, PyTorch eager
autograd and a JAX ``jit`` of a ``lax.fori_loop`` over the steps. PyTorch and JAX are optional
(``pip install torch jax``): absent, their rows say "not installed".

How
---
1. Correctness first. Every implementation runs ``CHECK_STEPS`` steps from the same initial
   parameters; its trajectory must match gdproofs' at relative tolerance ``CHECK_RTOL``. One that
   does not is reported as a mismatch and not timed, and the command exits 1.
2. Timing. A first call (compilation, caches) is excluded; k is then chosen so that one call takes
   about ``TARGET_SECONDS`` (at least ``MIN_TIMED_STEPS`` steps), one more call at that k and one
   of no steps are excluded (JAX compiles per k), and ``REPEATS`` rounds, interleaved across the
   implementations, each make one call of k steps and one of none: the best of the first less the
   best of the second, over k, is the time per step, without what a call pays once
   (``time_steps``). GFLOP/s counts 4·n·d·m flops per step: the two n·d·m products (the forward
   Z = X Wᵀ and the gradient Tᵀ X), 2 flops per multiply-add. Each size reports gdproofs' speed
   over the best peer's and its fraction of the machine's roof.
3. The BLAS floor of each size (``products_floor``): gdproofs' ReLU step against the step's two
   BLAS products alone, in its own blocks and lanes, timed in the same rounds. Their ratio less
   one is what the rest of the step (activation, signs, update, calls) costs relative to the
   products; the "ceiling" (speedup on the best peer × that ratio) is the speedup a step making
   those products in these blocks and lanes, and nothing else, would have.
4. The roof (``roof``): numpy's float64 matmul at 2048³, best of several, measured now, and the same
   for the GD-shaped product (n×d)·(d×m) of each size.
5. Batched seeds (tiny: ``gradient_descent_batch`` over 16 seeds against 16 sequential runs), the
   cost of sigmoid and softplus relative to ReLU, the cold start of a fresh process (a subprocess,
   once with an empty numba cache and once with it warm), and the scaling of the step time with n,
   d, m and numba's thread count (``plot_scaling`` draws it).
6. The performance issue's targets, each reported as met or not with its numbers.

The machine's cores may be shared with other work, so absolute figures are noisy: every figure is
a best of repeats, and the ratios compare figures measured in the same run. Speed is measured and
reported, never asserted.
"""

import importlib
import math
import os
from pathlib import Path
import platform
import subprocess
import sys
import tempfile
import time

from llvmlite import binding
import numba
from numba import njit, prange
import numpy as np

from checks import kernels
from checks.network import Network, init_params
# _blas_held and _lanes_threaded: the BLAS-products floor must run threaded as the GD step does
from checks.training import (_blas_held, _lanes_threaded, gradient_descent,
                             gradient_descent_batch)

# (n, d, m): the performance issue's sizes.
SIZES = {
    "tiny": (16, 4, 256),
    "small": (64, 16, 1024),
    "medium": (256, 32, 8192),
    "wide": (64, 16, 131072),
    "large": (2048, 64, 4096),
}
SEED = 0
NET = Network(activation="relu", bias=True, train=("W", "b"))
PEERS = ("numpy", "torch", "jax")
OPTIONAL = ("torch", "jax")

# Step size η = ETA_TIMES_N / n. With unit inputs and biases tr H = Σ_i m⁻¹ Σ_r 1{z_ir ≥ 0}
# (‖x_i‖² + 1) ≈ n, so λ_max(H) ≤ n and η λ_max ≤ 0.1: far from the 2/λ_max edge of stability, and
# slow enough that over the longest timed loops (MAX_STEPS) the loss stays far above underflow,
# where subnormal arithmetic would distort the timing.
ETA_TIMES_N = 0.1
# The correctness check: 20 steps is enough for a wrong gradient to move the loss (a 1% error in
# ∂L/∂b moves it by 3e-5 to 3e-4 relative within one step on tiny and small) and cheap at every
# size.
CHECK_STEPS = 20
# Implementations sum in different orders (BLAS blocking, numba's loop order, XLA's fusion), so
# the losses differ by rounding, ~n·eps per step, which GD's contracting steps do not amplify:
# measured, numpy, torch and jax agree with gdproofs to ≤ 4e-15 over the 20 steps at every size.
# 1e-9 leaves a wide margin for other BLAS builds and is still 1e4× below the smallest effect of
# a wrong gradient term above.
CHECK_RTOL = 1e-9
# One timed call should take ~0.2-1 s; the quick mode (tests) only checks that everything runs.
TARGET_SECONDS = 0.3
REPEATS = 5
QUICK_TARGET_SECONDS = 0.01
QUICK_REPEATS = 1
# Idle time before each timed call (full-length timings only). Peers leave their thread pools
# spinning after a call (OpenBLAS's threads busy-wait up to 2^28 cycles, ~0.1 s here; OpenMP and
# XLA's pools for shorter), which took cores from whichever runner came next in a round: measured
# on the 2-core AMD EPYC, gdproofs' sigmoid step on "large" right after numpy's ran at 18.8–18.9
# steps/s, and at 21.7–23.5 after 0.5 s of idle (22.2–24.4 after any other peer, either way).
# 0.25 s covers OpenBLAS's timeout with room; every runner gets the same pause.
SETTLE_SECONDS = 0.25
MAX_STEPS = 200_000
# Fewest steps in a timed call. A call's one-off noise lands whole on t_k − t_0 and is divided by
# k alone: on the KVM guest of reports/bench.json, 3 of 10 calls of 2 steps of gdproofs' softplus
# on "large" read 101–107 ms a step against 56–61 (memory the host had taken back while the
# process idled, faulted in again), and at 0.3 s a call k was 1–7 at large and wide. Ten steps
# keep such a spike under a tenth of a step's reading; the timings at those sizes take longer.
MIN_TIMED_STEPS = 10
# The roof: a 2048³ float64 matmul is large enough for BLAS to reach its peak on a few cores.
ROOF_N = 2048
# Its repeats go on until the best has not risen by more than ROOF_SETTLE (1%) over the last
# ROOF_PATIENCE of them, with at least ROOF_MIN_REPEATS and at most ROOF_MAX_REPEATS (each ~0.15 s).
# Five repeats were not enough on the shared 2-core machine: the best of five read 57.7 GFLOP/s
# in one run and 140 in another.
ROOF_SETTLE = 0.01
ROOF_PATIENCE = 8
ROOF_MIN_REPEATS = 12
ROOF_MAX_REPEATS = 60
# Pairs evaluated to measure the smooth activations' per-pair floor (``pair_floor``): 2 MiB of
# pre-activations, inside the L2 cache as a step's blocks are.
FLOOR_PAIRS = 1 << 18
# Batched seeds on tiny, as in the issue.
BATCH_SIZE = "tiny"
BATCH_SEEDS = 16
ACTIVATIONS = ("sigmoid", "softplus")
# Losses beside the squared loss, with ReLU: the logistic loss on the labels' signs (±1).
LOSSES = ("logistic",)
TIMING_FIELDS = ("step_time", "steps_per_s", "gflops", "k", "call_time", "repeats")
# Scaling: step time against one of n, d, m with the others at "small"'s values.
SCALING_BASE = SIZES["small"]
SCALING_POINTS = {"n": (16, 64, 256, 1024), "d": (4, 16, 64), "m": (256, 1024, 4096, 16384)}
QUICK_SCALING_POINTS = {"n": (16, 64), "d": (4, 16), "m": (256, 1024)}

# The targets.
TINY_SPEEDUP = 2.0
WIDE_SPEEDUP = 5.0
ROOF_FRACTION = 0.4
ROOF_SIZES = ("small", "medium", "large")
BATCH_SPEEDUP = 1.7
# Smooth activations: gdproofs' step at least this many times faster than the best peer's step
# with the same activation, at every size.
SMOOTH_SPEEDUP = 1.5
COLD_START_SECONDS = 2.0

# The cold start: import gdproofs and run one tiny GD in a fresh interpreter.
COLD_START_CODE = f"""\
import time
t = time.perf_counter()
import numpy as np
from checks.network import Network, init_params
from checks.training import gradient_descent
n, d, m = {SIZES["tiny"]}
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d))
X /= np.linalg.norm(X, axis=1, keepdims=True)
net = Network(activation="relu", bias=True, train=("W", "b"))
gradient_descent(net, init_params(net, m, d, seed=0), X, rng.standard_normal(n), eta=1e-3,
                 steps=200)
print(time.perf_counter() - t)
"""


class Problem:
    """One benchmark problem: data, initial parameters and step size (see the module docstring).

    Attributes
    ----------
    n, d, m : int
    X : ndarray (n, d)
        Inputs on the unit sphere.
    y : ndarray (n,)
        Standard normal labels.
    params : checks.network.Params
        θ(0) from ``init_params(NET, m, d, seed=SEED)``.
    eta : float
        ``ETA_TIMES_N / n``.
    """

    def __init__(self, n, d, m):
        self.n, self.d, self.m = n, d, m
        rng = np.random.default_rng(SEED)
        X = rng.standard_normal((n, d))
        self.X = X / np.linalg.norm(X, axis=1, keepdims=True)
        self.y = rng.standard_normal(n)
        self.params = init_params(NET, m, d, seed=SEED)
        self.eta = ETA_TIMES_N / n

    def labels(self, loss):
        """y for the squared loss; its signs (±1) for the logistic loss."""
        return self.y if loss == "squared" else np.where(self.y >= 0.0, 1.0, -1.0)

    @property
    def scale(self):
        return NET.scale(self.m)

    @property
    def flops_per_step(self):
        """4 n d m: the n×d×m products X Wᵀ (forward) and Tᵀ X (∂L/∂W), 2 flops per multiply-add."""
        return 4 * self.n * self.d * self.m


# ---------------------------------------------------------------------------------------------
# Implementations: make_<name>(problem) -> runner; runner(k) -> losses L(θ_0..θ_k), shape (k + 1,)


def make_gdproofs(problem, activation="relu", loss="squared"):
    """gdproofs' compiled loop, ``gradient_descent``, for ``activation`` (ReLU by default) and
    ``loss`` ("squared": ½ Σ (f − y)²; "logistic": (1/n) Σ log(1 + e^{−y f}) on labels ±1)."""
    net = Network(activation=activation, bias=True, train=("W", "b"),
                  loss="half_sum" if loss == "squared" else "logistic")
    y = problem.labels(loss)

    def run(k):
        return gradient_descent(net, problem.params, problem.X, y, eta=problem.eta,
                                steps=k).losses

    return run


# Every peer computes the same hand gradient as gdproofs, in its own library's idiom. With
# Z = X Wᵀ + 1 bᵀ, A = σ(Z), D = σ'(Z), f = A s a, the residual r = ∂L/∂f (f − y for the squared
# loss, −y σ(−y f)/n for the logistic loss) and Xe = diag(r) [X | 1]:
#
#     [∂L/∂W | ∂L/∂b] = diag(s a) Dᵀ Xe,
#
# one m×n by n×(d+1) product, the small factor diag(r) applied to the n×(d+1) operand and diag(s a)
# to the m×(d+1) result, so that no n×m array is swept more than the activation needs. Autodiff
# forms (torch autograd, jax.value_and_grad) are timed beside the hand forms, and a peer's row is
# its fastest correct form.


def _numpy_activation(activation):
    """(σ, σ') as numpy/scipy ufuncs writing into ``out``: relu by ``maximum`` and a comparison,
    sigmoid by ``scipy.special.expit`` (σ' = σ(1 − σ)), softplus by ``logaddexp`` (σ' = expit)."""
    from scipy.special import expit

    if activation == "relu":
        def act(Z, A, D):
            np.maximum(Z, 0.0, out=A)
            np.greater_equal(Z, 0.0, out=D)
    elif activation == "sigmoid":
        def act(Z, A, D):
            expit(Z, out=A)
            np.subtract(1.0, A, out=D)
            D *= A
    else:
        def act(Z, A, D):
            np.logaddexp(Z, 0.0, out=A)
            expit(Z, out=D)
    return act


def _numpy_residual(loss, y):
    """r ← ∂L/∂f in place, from r = f; returns L."""
    from scipy.special import expit

    if loss == "squared":
        def residual(r):
            np.subtract(r, y, out=r)
            return 0.5 * (r @ r)
    else:
        n = y.shape[0]
        u = np.empty(n)

        def residual(r):
            np.multiply(y, r, out=u)  # u = y f
            value = np.logaddexp(0.0, -u).mean()
            expit(np.negative(u, out=u), out=u)
            np.multiply(u, -y / n, out=r)
            return value
    return residual


def make_numpy(problem, activation="relu", loss="squared"):
    """numpy's best form: the hand gradient (above) with every n×m, m×(d+1) and n×(d+1) array
    allocated once and every product and update written in place (``out=``)."""
    X, y, eta = problem.X, problem.labels(loss), problem.eta
    n, d, m = problem.n, problem.d, problem.m
    sa = problem.scale * problem.params.a
    eta_sa = (eta * sa)[:, None]
    X1 = np.hstack([X, np.ones((n, 1))])
    act = _numpy_activation(activation)
    residual = _numpy_residual(loss, y)
    Z, A, D = np.empty((n, m)), np.empty((n, m)), np.empty((n, m))
    r, Xe, G = np.empty(n), np.empty((n, d + 1)), np.empty((m, d + 1))

    def run(k):
        W = problem.params.W.copy()
        b = problem.params.b.copy()
        losses = np.empty(k + 1)
        for step in range(k + 1):
            np.matmul(X, W.T, out=Z)
            np.add(Z, b, out=Z)
            act(Z, A, D)
            np.matmul(A, sa, out=r)
            losses[step] = residual(r)
            if step == k:
                break
            np.multiply(X1, r[:, None], out=Xe)
            np.matmul(D.T, Xe, out=G)
            np.multiply(G, eta_sa, out=G)
            W -= G[:, :d]
            b -= G[:, d]
        return losses

    return run


def _torch_activation(torch, activation):
    """(σ, σ') in torch, into preallocated A and D where torch offers ``out=``."""
    if activation == "relu":
        def act(Z, A, D):
            torch.clamp_min(Z, 0.0, out=A)
            torch.sign(A, out=D)  # 1 where z > 0, 0 elsewhere: σ'(0) = 0, a null event here
    elif activation == "sigmoid":
        def act(Z, A, D):
            torch.sigmoid(Z, out=A)
            torch.addcmul(A, A, A, value=-1.0, out=D)  # σ − σ² = σ(1 − σ)
    else:
        def act(Z, A, D):
            A.copy_(torch.nn.functional.softplus(Z))
            torch.sigmoid(Z, out=D)
    return act


def _torch_loss(torch, loss, y):
    """(L, ∂L/∂f) from f, in torch: ½‖f − y‖², or the mean of softplus(−y f) (= log(1 + e^{−yf}))
    with ∂L/∂f = −y sigmoid(−y f)/n."""
    if loss == "squared":
        def value_and_residual(f):
            r = f - y
            return 0.5 * torch.dot(r, r), r
    else:
        n = y.shape[0]

        def value_and_residual(f):
            u = -y * f
            return torch.nn.functional.softplus(u).mean(), -y * torch.sigmoid(u) / n
    return value_and_residual


def make_torch_hand(problem, activation="relu", loss="squared"):
    """PyTorch, hand gradient under ``torch.inference_mode``: preallocated tensors and ``out=``
    products, float64 on the CPU with torch's default thread count."""
    torch = importlib.import_module("torch")
    X = torch.from_numpy(problem.X)
    y = torch.from_numpy(problem.labels(loss))
    value_and_residual = _torch_loss(torch, loss, y)
    n, d, m = problem.n, problem.d, problem.m
    sa = torch.from_numpy(problem.scale * problem.params.a)
    eta_sa = (problem.eta * sa)[:, None]
    X1 = torch.cat([X, torch.ones(n, 1, dtype=torch.float64)], dim=1)
    act = _torch_activation(torch, activation)
    empty = lambda *shape: torch.empty(*shape, dtype=torch.float64)  # noqa: E731
    Z, A, D, r, Xe, G = empty(n, m), empty(n, m), empty(n, m), empty(n), empty(n, d + 1), \
        empty(m, d + 1)

    def run(k):
        with torch.inference_mode():
            W = torch.tensor(problem.params.W)
            b = torch.tensor(problem.params.b)
            losses = torch.empty(k + 1, dtype=torch.float64)
            for step in range(k + 1):
                torch.addmm(b, X, W.T, out=Z)
                act(Z, A, D)
                if loss == "squared":
                    torch.mv(A, sa, out=r)
                    r.sub_(y)
                    losses[step] = 0.5 * torch.dot(r, r)
                else:
                    losses[step], residual = value_and_residual(torch.mv(A, sa))
                    r.copy_(residual)
                if step == k:
                    break
                torch.mul(X1, r[:, None], out=Xe)
                torch.mm(D.T, Xe, out=G)
                G.mul_(eta_sa)
                W -= G[:, :d]
                b -= G[:, d]
            return losses.numpy()

    return run


def make_torch_autograd(problem, activation="relu", loss="squared"):
    """PyTorch eager autograd (``loss.backward()``), float64 on the CPU."""
    torch = importlib.import_module("torch")
    X = torch.from_numpy(problem.X)
    y = torch.from_numpy(problem.labels(loss))
    value_and_residual = _torch_loss(torch, loss, y)
    a = torch.from_numpy(problem.params.a)
    scale, eta = problem.scale, problem.eta
    sigma = {"relu": torch.relu, "sigmoid": torch.sigmoid,
             "softplus": torch.nn.functional.softplus}[activation]

    def run(k):
        W = torch.tensor(problem.params.W, requires_grad=True)
        b = torch.tensor(problem.params.b, requires_grad=True)
        losses = torch.empty(k + 1, dtype=torch.float64)
        for step in range(k + 1):
            value = value_and_residual(scale * (sigma(torch.addmm(b, X, W.T)) @ a))[0]
            losses[step] = value.detach()
            if step == k:
                break
            value.backward()
            with torch.no_grad():
                W -= eta * W.grad
                b -= eta * b.grad
            W.grad = None
            b.grad = None
        return losses.numpy()

    return run


def make_torch_compiled(problem, activation="relu", loss="squared"):
    """PyTorch, the hand-gradient step compiled by ``torch.compile`` (inductor), the Python loop
    over steps around it. The first call compiles (tens of seconds; excluded from timing)."""
    torch = importlib.import_module("torch")
    # dynamo caches compiled code per function and recompiles for each new shape up to its
    # recompile limit (8), then silently runs the function eagerly: a bench of 5 sizes × 4
    # configurations would time eager code under this form's name. A fresh cache per problem
    # keeps every one compiled.
    torch._dynamo.reset()
    X = torch.from_numpy(problem.X)
    y = torch.from_numpy(problem.labels(loss))
    value_and_residual = _torch_loss(torch, loss, y)
    n, d = problem.n, problem.d
    sa = torch.from_numpy(problem.scale * problem.params.a)
    eta_sa = (problem.eta * sa)[:, None]
    X1 = torch.cat([X, torch.ones(n, 1, dtype=torch.float64)], dim=1)

    def sigma(Z):
        if activation == "relu":
            return torch.relu(Z), (Z > 0).to(Z.dtype)
        if activation == "sigmoid":
            A = torch.sigmoid(Z)
            return A, A * (1.0 - A)
        return torch.nn.functional.softplus(Z), torch.sigmoid(Z)

    @torch.compile(dynamic=False)
    def step(W, b):
        A, D = sigma(torch.addmm(b, X, W.T))
        value, r = value_and_residual(A @ sa)
        G = (D.T @ (X1 * r[:, None])) * eta_sa
        return W - G[:, :d], b - G[:, d], value

    @torch.compile(dynamic=False)
    def last(W, b):
        return value_and_residual(sigma(torch.addmm(b, X, W.T))[0] @ sa)[0]

    def run(k):
        with torch.inference_mode():
            W = torch.tensor(problem.params.W)
            b = torch.tensor(problem.params.b)
            losses = torch.empty(k + 1, dtype=torch.float64)
            for step_ in range(k):
                W, b, losses[step_] = step(W, b)
            losses[k] = last(W, b)
            return losses.numpy()

    return run


def _jax_trajectory(jax, problem, activation, hand, loss):
    """The jitted whole loop: ``lax.fori_loop`` over k steps (k static, so each k compiles once),
    W and b donated, with the hand gradient (``hand``) or ``jax.value_and_grad``."""
    jnp = jax.numpy
    scale, eta, d = problem.scale, problem.eta, problem.d
    sigma = {"relu": jax.nn.relu, "sigmoid": jax.nn.sigmoid,
             "softplus": jax.nn.softplus}[activation]

    def derivative(Z, A):
        if activation == "relu":
            return (Z > 0).astype(Z.dtype)
        if activation == "sigmoid":
            return A * (1.0 - A)
        return jax.nn.sigmoid(Z)

    def value_and_residual(f, y):
        if loss == "squared":
            r = f - y
            return 0.5 * (r @ r), r
        u = -y * f
        return jnp.mean(jax.nn.softplus(u)), -y * jax.nn.sigmoid(u) / y.shape[0]

    def residual(W, b, X, y, a):
        Z = X @ W.T + b
        A = sigma(Z)
        return Z, A, value_and_residual(scale * (A @ a), y)

    def loss_fn(W, b, X, y, a):
        return residual(W, b, X, y, a)[2][0]

    value_and_grad = jax.value_and_grad(loss_fn, argnums=(0, 1))

    def step(W, b, X, X1, y, a):
        if not hand:
            loss, (gW, gb) = value_and_grad(W, b, X, y, a)
            return W - eta * gW, b - eta * gb, loss
        Z, A, (value, r) = residual(W, b, X, y, a)
        G = (derivative(Z, A).T @ (X1 * r[:, None])) * (eta * scale * a)[:, None]
        return W - G[:, :d], b - G[:, d], value

    def trajectory(W, b, X, y, a, k):
        X1 = jnp.concatenate([X, jnp.ones((X.shape[0], 1))], axis=1)

        def body(i, carry):
            W, b, losses = carry
            W, b, loss = step(W, b, X, X1, y, a)
            return W, b, losses.at[i].set(loss)

        W, b, losses = jax.lax.fori_loop(0, k, body, (W, b, jnp.zeros(k + 1)))
        # W and b are returned so that their donated buffers can hold the results
        return W, b, losses.at[k].set(loss_fn(W, b, X, y, a))

    return jax.jit(trajectory, static_argnums=5, donate_argnums=(0, 1))


def _make_jax(problem, activation, hand, loss):
    jax = importlib.import_module("jax")
    jax.config.update("jax_enable_x64", True)
    compiled = _jax_trajectory(jax, problem, activation, hand, loss)
    fixed = tuple(jax.numpy.asarray(v) for v in (problem.X, problem.labels(loss),
                                                 problem.params.a))

    def run(k):
        # Fresh W and b each call: they are donated to (consumed by) the compiled loop.
        W, b = jax.numpy.array(problem.params.W), jax.numpy.array(problem.params.b)
        return np.asarray(compiled(W, b, *fixed, k)[2])

    return run


def make_jax_hand(problem, activation="relu", loss="squared"):
    """JAX, hand gradient: the whole loop jitted (``_jax_trajectory``), float64
    (``jax_enable_x64``)."""
    return _make_jax(problem, activation, True, loss)


def make_jax_autodiff(problem, activation="relu", loss="squared"):
    """JAX, ``jax.value_and_grad``: the whole loop jitted (``_jax_trajectory``), float64."""
    return _make_jax(problem, activation, False, loss)


IMPLEMENTATIONS = {"gdproofs": make_gdproofs}

# Each peer's forms; its row in the table is its fastest form that reproduces gdproofs' trajectory.
# torch.compile is left out of quick runs (its compilation alone takes tens of seconds).
PEER_FORMS = {
    "numpy": {"hand, preallocated": make_numpy},
    "torch": {"hand, inference_mode": make_torch_hand, "autograd": make_torch_autograd,
              "torch.compile": make_torch_compiled},
    "jax": {"hand, jit fori_loop": make_jax_hand, "value_and_grad, jit fori_loop":
            make_jax_autodiff},
}
SLOW_TO_BUILD = {"torch.compile"}


def available(name):
    """The version of an optional peer ("torch", "jax"), or None when it cannot be imported."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return getattr(module, "__version__", "unknown")


# ---------------------------------------------------------------------------------------------
# Correctness and timing


def check_correctness(runner, reference, steps=CHECK_STEPS, rtol=CHECK_RTOL):
    """Compare ``runner(steps)`` with the reference trajectory (gdproofs').

    Returns
    -------
    dict
        ``agree`` (bool), ``max_rel_err`` (max_k |L_k − L_k^ref| / |L_k^ref|; None when the
        trajectory has the wrong length or is not finite), ``rtol`` and ``steps``.
    """
    losses = np.asarray(runner(steps), dtype=float)
    out = dict(steps=steps, rtol=rtol, agree=False, max_rel_err=None)
    if losses.shape != reference.shape or not np.all(np.isfinite(losses)):
        return out
    err = float(np.max(np.abs(losses - reference) / np.abs(reference)))
    return dict(out, agree=err <= rtol, max_rel_err=err)


def _clock(runner, k):
    t = time.perf_counter()
    losses = runner(k)
    elapsed = time.perf_counter() - t
    if np.shape(losses) != (k + 1,) or not np.all(np.isfinite(losses)):
        raise RuntimeError(f"a timed run of {k} steps returned a trajectory of shape "
                           f"{np.shape(losses)} or non-finite losses: the benchmark problem "
                           f"diverged")
    return elapsed


def calibrate(runner, target=TARGET_SECONDS, min_steps=1):
    """The k for which ``runner(k)`` takes about ``target`` seconds, and at least ``min_steps``;
    first calls are excluded.

    The runner's first call (compilation, caches) and one call at the chosen k (JAX compiles per
    k) are made and not counted.
    """
    runner(1)
    k, elapsed = 1, _clock(runner, 1)
    # Grow k until a call is long enough (an eighth of the target) to extrapolate from.
    while elapsed < target / 8 and k < MAX_STEPS:
        k = min(MAX_STEPS, max(2 * k, int(k * target / 8 / max(elapsed, 1e-7))))
        runner(k)
        elapsed = _clock(runner, k)
    k = max(min_steps, min(MAX_STEPS, round(k * target / elapsed)))
    runner(k)
    return k


def time_steps(runners, *, target=TARGET_SECONDS, repeats=REPEATS, settle=0.0):
    """Seconds per step of each runner, as the marginal cost of a step: (t_k − t_0) / k, t_k the
    best of ``repeats`` calls of k steps (``calibrate``) and t_0 the best of as many calls of none.

    Every call pays once for what its steps do not: setting up (converting and copying the
    parameters, allocating) and the loss at θ_0. Measured on "large" with sigmoid (best of 4,
    the machine of reports/bench.json), a call of no steps took 34–49 ms for every runner, beside
    marginal steps of 30–116 ms; there calls run k = 1–7 steps, fewer for slower runners, so t_k / k
    charged each runner a different share of that cost (gdproofs 42.2 ms a step, jax 63.0, at
    k = 4, against marginal 30.3 and 51.7). At the small sizes, where k is in the thousands, the
    two agree. A timed call makes at least ``MIN_TIMED_STEPS`` steps, so that one call's one-off
    noise weighs little on its step. With one repeat (quick mode, whose timings only show that
    everything runs) no call of none is made, k may be 1 and the step is t_k / k, setup included:
    the difference of two single readings can have either sign.

    The repeats are interleaved (one call of k steps and one of none from every runner per round),
    so a change of load on shared cores during the measurement touches every runner alike and
    their ratios stay fair. Each timed call starts after ``settle`` seconds of idle, so that no
    runner is timed while the previous one's threads still spin (``run_bench`` passes
    ``SETTLE_SECONDS`` for full-length timings, and none for quick mode's short calls).

    Parameters
    ----------
    runners : dict
        {name: runner}; runner(0) must return the loss at θ_0 alone.

    Returns
    -------
    dict
        {name: (seconds per step, k, seconds per call of no steps, or None with one repeat)}.

    Raises
    ------
    RuntimeError
        When a runner's best call of k steps was not slower than its best call of none: noise
        larger than k steps, so no step time can be read from them.
    """
    marginal = repeats > 1
    ks = {name: calibrate(runner, target, MIN_TIMED_STEPS if marginal else 1)
          for name, runner in runners.items()}
    if marginal:
        for runner in runners.values():
            runner(0)  # JAX compiles per k
    best = {(name, k): math.inf for name in runners for k in (0, ks[name])}
    for _ in range(repeats):
        for name, runner in runners.items():
            for k in (ks[name], 0) if marginal else (ks[name],):
                time.sleep(settle)
                best[name, k] = min(best[name, k], _clock(runner, k))
    if not marginal:
        return {name: (best[name, k] / k, k, None) for name, k in ks.items()}
    out = {}
    for name, k in ks.items():
        steps = best[name, k] - best[name, 0]
        if steps <= 0.0:
            raise RuntimeError(f"{name}: its best call of {k} steps ({best[name, k]:.3g} s) was "
                               f"no slower than its best call of none ({best[name, 0]:.3g} s); "
                               f"the machine is too noisy to time it")
        out[name] = (steps / k, k, best[name, 0])
    return out


def _timing(problem, seconds, k, call_time, repeats):
    return dict(step_time=seconds, steps_per_s=1.0 / seconds,
                gflops=problem.flops_per_step / seconds / 1e9, k=k, call_time=call_time,
                repeats=repeats)


def _matmul_roof(A, B, quick):
    """GFLOP/s of A @ B (2048³): repeats until the best has not improved by ``ROOF_SETTLE`` over
    the last ``ROOF_PATIENCE`` of them (at least ``ROOF_MIN_REPEATS``, at most
    ``ROOF_MAX_REPEATS``); one repeat in quick mode. Returns (best, median, repeats)."""
    A @ B
    rates, best_at = [], 0
    while True:
        t = time.perf_counter()
        A @ B
        rates.append(2 * ROOF_N ** 3 / (time.perf_counter() - t) / 1e9)
        if rates[-1] > max(rates[:-1], default=0.0) * (1 + ROOF_SETTLE):
            best_at = len(rates) - 1
        if quick or len(rates) >= ROOF_MAX_REPEATS or (
                len(rates) >= ROOF_MIN_REPEATS and len(rates) - 1 - best_at >= ROOF_PATIENCE):
            return max(rates), float(np.median(rates)), len(rates)


def roof(sizes=SIZES, *, repeats=REPEATS, quick=False):
    """The machine's float64 matmul roof, measured now with numpy (BLAS).

    Returns
    -------
    dict
        ``matmul_gflops``: the best (2048×2048)·(2048×2048) product at 2·2048³ flops, over
        repeats until it is stable (``_matmul_roof``), with ``matmul_median_gflops``,
        ``matmul_spread`` (1 − median / best: how far a typical repeat falls below the best) and
        ``matmul_repeats``; ``readings`` lists each reading ({best, median, repeats}; ``run_bench``
        adds a second at the end of the run and keeps the higher best); ``gd_shaped``: {size:
        GFLOP/s of (n×d)·(d×m), best of ``repeats`` loops of ~0.02 s}.
    """
    rng = np.random.default_rng(SEED)
    A = rng.standard_normal((ROOF_N, ROOF_N))
    B = rng.standard_normal((ROOF_N, ROOF_N))
    best, median, count = _matmul_roof(A, B, quick)
    out = dict(matmul_n=ROOF_N, readings=[dict(best=best, median=median, repeats=count)],
               gd_shaped={})
    _settle_roof(out)
    for size in sizes:
        n, d, m = SIZES[size]
        Xs = rng.standard_normal((n, d))
        Ws = rng.standard_normal((d, m))
        reps = 1
        while True:
            t = time.perf_counter()
            for _ in range(reps):
                Xs @ Ws
            if time.perf_counter() - t >= 0.02:
                break
            reps *= 2
        best = math.inf
        for _ in range(repeats):
            t = time.perf_counter()
            for _ in range(reps):
                Xs @ Ws
            best = min(best, (time.perf_counter() - t) / reps)
        out["gd_shaped"][size] = 2 * n * d * m / best / 1e9
    return out


def _settle_roof(out):
    """Set ``out``'s roof figures from its best reading."""
    top = max(out["readings"], key=lambda r: r["best"])
    out.update(matmul_gflops=top["best"], matmul_median_gflops=top["median"],
               matmul_spread=1.0 - top["median"] / top["best"], matmul_repeats=top["repeats"])


def reread_roof(result, quick=False):
    """A second roof reading at the end of the run, so that a machine that was slow at the start
    does not understate the roof; the higher best is kept and both are recorded."""
    rng = np.random.default_rng(SEED)
    A = rng.standard_normal((ROOF_N, ROOF_N))
    B = rng.standard_normal((ROOF_N, ROOF_N))
    best, median, count = _matmul_roof(A, B, quick)
    result["roof"]["readings"].append(dict(best=best, median=median, repeats=count))
    _settle_roof(result["roof"])
    for row in result["sizes"].values():
        ours = row["implementations"].get("gdproofs", {})
        if ours.get("status") == "ok":
            row["fraction_of_roof"] = ours["gflops"] / result["roof"]["matmul_gflops"]


# ---------------------------------------------------------------------------------------------
# The smooth activations' per-pair floor


@njit(cache=True, error_model="numpy")
def _evaluate_pairs(Z, act, v):
    """v_i += σ(Z[j, i]) and Z[j, i] ← σ'(Z[j, i]) over rows j: pass 1's evaluation of a
    smooth activation per (i, r) pair (one e^x and one division for sigmoid; one e^x, a log1p and
    a division for softplus; a max and a comparison for ReLU) through the kernels' own
    ``_sigmoid``, ``_softplus`` and ``_linear_piece``, with the same loads and stores, without
    the products around it; one thread."""
    rows, n = Z.shape
    if act == kernels.RELU:
        for j in range(rows):
            for i in range(n):
                s, ds = kernels._linear_piece(Z[j, i], False, 0.0)
                v[i] += s
                Z[j, i] = ds
    elif act == kernels.SIGMOID:
        for j in range(rows):
            for i in range(n):
                s = kernels._sigmoid(Z[j, i])
                v[i] += s
                Z[j, i] = s * (1.0 - s)
    else:
        for j in range(rows):
            for i in range(n):
                s, ds = kernels._softplus(Z[j, i])
                v[i] += s
                Z[j, i] = ds


def _pair_seconds(code, Z0, repeats):
    Z, v = Z0.copy(), np.zeros(Z0.shape[1])
    _evaluate_pairs(Z, code, v)
    best = math.inf
    for _ in range(repeats):
        Z[:] = Z0
        t = time.perf_counter()
        _evaluate_pairs(Z, code, v)
        best = min(best, time.perf_counter() - t)
    return best / Z.size


def pair_floor(activation, *, repeats=REPEATS, quick=False):
    """Seconds per (i, r) pair and thread that a step with ``activation`` must add to a ReLU step:
    the evaluation of σ and σ' (``_evaluate_pairs``) less ReLU's own, each the best of repeats
    over ``FLOOR_PAIRS`` standard normal pre-activations in 16-wide rows (tiny's n)."""
    Z0 = np.random.default_rng(SEED).standard_normal((FLOOR_PAIRS // 16, 16))
    code = {"sigmoid": kernels.SIGMOID, "softplus": kernels.SOFTPLUS}[activation]
    repeats = 1 if quick else 4 * repeats
    return _pair_seconds(code, Z0, repeats) - _pair_seconds(kernels.RELU, Z0, repeats)


@njit(cache=True)
def _lane_products(p, lanes, XT, W, Xe, G, Zl, rows):
    """Lane p's share of the two BLAS products of a ReLU GD step, nothing else: per block of
    ``rows`` neurons, in the order of ``checks.kernels._sweep``, pass 2's G_blk = D_blk Xe, then
    pass 1's Z_blk = W_blk Xᵀ. D_blk is the block's rows of the lane's workspace Zl[p]: all of
    the lane's rows when it has them, else its first rows, re-used by every block (as the kernel
    re-uses them when it keeps signs)."""
    m = W.shape[0]
    h = (m + lanes - 1) // lanes
    lo = min(m, p * h)
    hi = min(m, lo + h)
    Z = Zl[p]
    kept = Z.shape[0] >= hi - lo
    for r0 in range(lo, hi, rows):
        nb = min(rows, hi - r0)
        z0 = r0 - lo if kept else 0
        Zb = Z[z0:z0 + nb]
        np.dot(Zb, Xe, G[r0:r0 + nb])
        np.dot(W[r0:r0 + nb], XT, Zb)


@njit(cache=True, parallel=True)
def _products_threaded(XT, W, Xe, Zl, rows, steps):
    """``steps`` sweeps of ``_lane_products``, the lanes of each at once on numba's threads (as
    ``checks.kernels._lanes_threaded`` runs them); returns G, allocated here as ``gd_run``
    allocates its own, once per call."""
    G = np.empty((W.shape[0], Xe.shape[1]))
    lanes = Zl.shape[0]
    for _ in range(steps):
        for p in prange(lanes):
            _lane_products(p, lanes, XT, W, Xe, G, Zl, rows)
    return G


@njit(cache=True)
def _products_sequential(XT, W, Xe, Zl, rows, steps):
    """``steps`` sweeps of ``_lane_products``, the lanes one after the other; returns G, as
    ``_products_threaded``."""
    G = np.empty((W.shape[0], Xe.shape[1]))
    lanes = Zl.shape[0]
    for _ in range(steps):
        for p in range(lanes):
            _lane_products(p, lanes, XT, W, Xe, G, Zl, rows)
    return G


def _products_sweeps(lanes):
    """The products kernel a step in ``lanes`` lanes runs as: threaded only where ``gd_run``
    threads its lanes, several of them and ``gradient_descent`` allowing it (one lane calls
    ``_sweep`` directly, with no parallel region to launch)."""
    return _products_threaded if lanes > 1 and _lanes_threaded() else _products_sequential


def make_products(problem):
    """runner(k): k sweeps of the two BLAS products of gdproofs' GD step for ``NET`` (ReLU, a not
    trained) on ``problem`` alone (``_lane_products``), in the step's own blocks, workspaces and
    lanes, threaded as the step is; runner(0) does nothing. It returns k + 1 zeros, the shape of
    a loss trajectory that ``time_steps`` asks of its runners: these sweeps train nothing.

    The products make n·m·(2d + 1) multiply-adds with a trained bias (pass 2's extra column),
    all of the step's but the activation's and the update's. With these blocks and lanes no step
    that makes them is faster than this runner's step; so gdproofs' step over it
    (``products_floor``) says how much the rest (activation, signs, update, calls) adds, and a
    peer's step over it bounds what a step so made could gain on that peer."""
    n, d, m = problem.n, problem.d, problem.m
    train_w, train_b, train_a = NET.train_flags
    if NET.activation != "relu" or train_a or not train_w:
        raise ValueError("make_products mirrors a ReLU step on W (and b) with a not trained, "
                         f"got activation {NET.activation!r}, train {NET.train!r}")
    lanes = kernels.lane_count(m, n, d)
    rows, Zl = kernels._lane_arrays(m, n, d, True, False, lanes)[:2]  # ReLU with a fixed: signs
    # D_blk before the first sweep's pass 1 writes it: a 0/1 mask, as the kernel's rebuilt D_blk
    # is (np.empty's memory could hold subnormals, which slow the BLAS); later sweeps read W Xᵀ
    Zl[:] = np.random.default_rng(SEED).integers(0, 2, Zl.shape)
    XT = np.ascontiguousarray(problem.X.T)
    # Xe = diag(y) [X | 1]: pass 2's operand, with X1's column of ones only for a trained bias
    X1 = np.hstack([problem.X, np.ones((n, 1))]) if train_b else problem.X
    Xe = np.ascontiguousarray(problem.y[:, None] * X1)
    W = problem.params.W.copy()
    sweeps = _products_sweeps(lanes)

    def run(k):
        with _blas_held():
            sweeps(XT, W, Xe, Zl, rows, k)
        return np.zeros(k + 1)

    return run


def products_floor(problem, *, target=TARGET_SECONDS, repeats=REPEATS, settle=0.0):
    """gdproofs' ReLU GD step on ``problem`` against its two BLAS products alone
    (``make_products``), timed in the same rounds (``time_steps``): {step_time, products_time,
    step_over_products, k, products_k}. step_over_products is at least 1 but for noise. The
    step is timed again here, apart from the peers' comparison, so that both figures of this
    ratio come from the same rounds."""
    times = time_steps({"step": make_gdproofs(problem), "products": make_products(problem)},
                       target=target, repeats=repeats, settle=settle)
    (step, k, _), (products, products_k, _) = times["step"], times["products"]
    return dict(step_time=step, products_time=products, step_over_products=step / products, k=k,
                products_k=products_k)


def _compare(problem, activation, names, target, repeats, quick, loss="squared", settle=0.0):
    """Correctness, then timing, of gdproofs and every form of each named peer on ``problem``
    with ``activation`` and ``loss``.

    gdproofs' row is checked too: against its first run, which it must reproduce bit for bit. A
    peer's row is its fastest form that reproduces gdproofs' trajectory (``form``), with every
    form's status and speed under ``forms``; a peer with a mismatching form is a mismatch (its
    other forms are still timed and listed). ``settle``: as in ``time_steps``. Returns
    {name: row}.
    """
    reference = make_gdproofs(problem, activation, loss)(CHECK_STEPS)
    rows, runners = {}, {}
    for name in names:
        if name in OPTIONAL and available(name) is None:
            rows[name] = dict(status="not installed", note=f"{name} cannot be imported: skipped")
            continue
        forms = {"compiled loop": IMPLEMENTATIONS["gdproofs"]} if name == "gdproofs" else \
            PEER_FORMS[name]
        rows[name] = dict(status="ok", forms={})
        for form, make in forms.items():
            if quick and form in SLOW_TO_BUILD:
                rows[name]["forms"][form] = dict(status="skipped in quick mode")
                continue
            runner = make(problem, activation, loss)
            check = check_correctness(runner, reference)
            if check["agree"]:
                rows[name]["forms"][form] = dict(status="ok", check=check)
                runners[name, form] = runner
            else:
                rows[name]["status"] = "mismatch"
                rows[name]["forms"][form] = dict(status="mismatch", check=check)
                rows[name]["note"] = (f"{form}: loss trajectory differs from gdproofs' over "
                                      f"{CHECK_STEPS} steps (max relative error "
                                      f"{check['max_rel_err']}, rtol {CHECK_RTOL:g}): not timed")
    times = time_steps(runners, target=target, repeats=repeats, settle=settle)
    for (name, form), timing in times.items():
        rows[name]["forms"][form].update(_timing(problem, *timing, repeats))
    for name, row in rows.items():
        timed = {form: f for form, f in row.get("forms", {}).items() if "step_time" in f}
        if row["status"] == "ok" and not timed:
            row.update(status="mismatch" if row["forms"] else "not timed")
        if row["status"] == "ok":
            form = min(timed, key=lambda f: timed[f]["step_time"])
            row.update(form=form, check=timed[form]["check"],
                       **{key: timed[form][key] for key in TIMING_FIELDS})
    return rows


def _peer_ratios(rows):
    """(best_peer, speedup_vs_best_peer, speedup_vs) of gdproofs' row against the timed peers."""
    ours = rows.get("gdproofs", {})
    peers = {name: row for name, row in rows.items() if name in PEERS and row["status"] == "ok"}
    if ours.get("status") != "ok" or not peers:
        return None, None, {}
    speedup_vs = {name: ours["steps_per_s"] / row["steps_per_s"] for name, row in peers.items()}
    best = max(peers, key=lambda name: peers[name]["steps_per_s"])
    return best, speedup_vs[best], speedup_vs


def _measure_size(size, names, roof_gflops, target, repeats, quick=False, floors=None,
                  settle=0.0):
    """ReLU (the issue's table) and each smooth activation at one size, each compared with the
    peers' same activation (``_compare``).

    ``products`` is gdproofs' ReLU step against its two BLAS products alone (``products_floor``)
    and ``ceiling`` the speedup on the best peer that a step costing only those products would
    have: speedup_vs_best_peer × step_over_products (None without a peer), each ratio from its
    own rounds, since gdproofs' step is timed in both.

    ``floors`` ({activation: seconds per pair and thread}, ``pair_floor``) gives each smooth
    activation's floor step: gdproofs' ReLU step plus the n·m pairs' extra evaluation, shared by
    the step's lanes, and the fraction of it reached (floor / measured step; above 100% only
    through timing noise). ``settle``: as in ``time_steps``.
    """
    problem = Problem(*SIZES[size])
    rows = _compare(problem, "relu", names, target, repeats, quick, settle=settle)
    best_peer, ratio, speedup_vs = _peer_ratios(rows)
    out = dict(shape=list(SIZES[size]), eta=problem.eta, flops_per_step=problem.flops_per_step,
               implementations=rows, best_peer=best_peer, speedup_vs_best_peer=ratio,
               speedup_vs=speedup_vs, fraction_of_roof=None, products=None, ceiling=None,
               activations={}, losses={})
    ours = rows["gdproofs"]
    if ours["status"] != "ok":
        return out
    out["fraction_of_roof"] = ours["gflops"] / roof_gflops
    out["products"] = products_floor(problem, target=target, repeats=repeats, settle=settle)
    if ratio is not None:
        out["ceiling"] = ratio * out["products"]["step_over_products"]
    lanes = int(kernels.lane_count(problem.m, problem.n, problem.d))
    for activation in ACTIVATIONS:
        smooth = _compare(problem, activation, names, target, repeats, quick, settle=settle)
        best_peer, ratio, speedup_vs = _peer_ratios(smooth)
        entry = dict(implementations=smooth, best_peer=best_peer, speedup_vs_best_peer=ratio,
                     speedup_vs=speedup_vs, relative_to_relu=None, floor=None)
        mine = smooth["gdproofs"]
        if mine["status"] == "ok":
            entry["relative_to_relu"] = mine["step_time"] / ours["step_time"]
            if floors and activation in floors:
                per_pair = floors[activation]
                floor_step = ours["step_time"] + problem.n * problem.m * per_pair / lanes
                entry["floor"] = dict(seconds_per_pair=per_pair, lanes=lanes,
                                      step_time=floor_step,
                                      fraction_reached=floor_step / mine["step_time"])
        out["activations"][activation] = entry
    for loss in LOSSES:
        rows = _compare(problem, "relu", names, target, repeats, quick, loss, settle)
        best_peer, ratio, speedup_vs = _peer_ratios(rows)
        mine = rows["gdproofs"]
        out["losses"][loss] = dict(
            implementations=rows, best_peer=best_peer, speedup_vs_best_peer=ratio,
            speedup_vs=speedup_vs, relative_to_squared=(mine["step_time"] / ours["step_time"]
                                                        if mine["status"] == "ok" else None))
    return out


def _on_threads(runner, count):
    """``runner`` on ``count`` numba threads, the calling thread's count restored after each
    call."""
    def run(k):
        before = numba.get_num_threads()
        numba.set_num_threads(count)
        try:
            return runner(k)
        finally:
            numba.set_num_threads(before)
    return run


def _batched(target, repeats, settle=0.0):
    """gdproofs' batched seeds against sequential single runs, and against numba's thread count."""
    problem = Problem(*SIZES[BATCH_SIZE])
    params = [init_params(NET, problem.m, problem.d, seed=s) for s in range(BATCH_SEEDS)]
    X, y, eta = problem.X, problem.y, problem.eta

    def batch(k):
        return gradient_descent_batch(NET, params, X, y, eta=eta, steps=k)[0].losses

    def sequential(k):
        runs = [gradient_descent(NET, p, X, y, eta=eta, steps=k) for p in params]
        return runs[0].losses

    default = numba.get_num_threads()
    counts = range(1, numba.config.NUMBA_NUM_THREADS + 1)
    runners = {"sequential": sequential, **{count: _on_threads(batch, count) for count in counts}}
    times = time_steps(runners, target=target, repeats=repeats, settle=settle)
    threads = [dict(threads=count, step_time=times[count][0], k=times[count][1],
                    seed_steps_per_s=BATCH_SEEDS / times[count][0]) for count in counts]
    (t_batch, k_batch, _), (t_seq, k_seq, _) = times[default], times["sequential"]
    return dict(size=BATCH_SIZE, seeds=BATCH_SEEDS, numba_threads=default,
                batch_step_time=t_batch, sequential_step_time=t_seq, k_batch=k_batch,
                k_sequential=k_seq, speedup=t_seq / t_batch), threads


def _scaling(points, target, repeats, settle=0.0):
    """gdproofs' step time against each of n, d, m with the others at ``SCALING_BASE``."""
    out = {}
    base = dict(zip("ndm", SCALING_BASE))
    for axis, values in points.items():
        problems = {}
        for value in values:
            shape = dict(base, **{axis: value})
            problems[value] = Problem(shape["n"], shape["d"], shape["m"])
        times = time_steps({value: make_gdproofs(problem) for value, problem in problems.items()},
                           target=target, repeats=repeats, settle=settle)
        out[axis] = [dict(n=p.n, d=p.d, m=p.m, value=value, **_timing(p, *times[value], repeats))
                     for value, p in problems.items()]
    return out


def _single_threads(target, repeats, settle=0.0):
    """gdproofs' step time on ``SCALING_BASE`` (two lanes) against numba's thread count."""
    problem = Problem(*SCALING_BASE)
    run = make_gdproofs(problem)
    counts = range(1, numba.config.NUMBA_NUM_THREADS + 1)
    times = time_steps({count: _on_threads(run, count) for count in counts}, target=target,
                       repeats=repeats, settle=settle)
    return [dict(threads=count, **_timing(problem, *times[count], repeats)) for count in counts]


def cold_start():
    """Seconds from import to the end of one tiny GD run in a fresh interpreter.

    Run twice with one fresh numba cache directory: the first run compiles every kernel it needs
    (a first use after installation), the second loads them from the cache (every later use).
    """
    root = str(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory(prefix="gdproofs-bench-cache-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache,
                   PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        times = []
        for _ in range(2):
            done = subprocess.run([sys.executable, "-c", COLD_START_CODE], env=env, cwd=root,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                # Reported, not raised: the timings measured before this still stand.
                tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                return dict(empty_cache_s=None, warm_cache_s=None,
                            note=f"cold-start run failed (exit {done.returncode}): {tail}")
            times.append(float(done.stdout.strip().splitlines()[-1]))
    return dict(empty_cache_s=times[0], warm_cache_s=times[1])


# ---------------------------------------------------------------------------------------------
# Targets


def _target(name, met, detail):
    return dict(name=name, met=met, detail=detail)


def _in_size_order(rows):
    """(size, row) pairs in ``SIZES`` order, also for a result read back from sorted JSON."""
    order = list(SIZES)
    return sorted(rows.items(), key=lambda item: order.index(item[0]))


def evaluate_targets(result):
    """The performance issue's targets on a ``run_bench`` result: met True/False, or None (with
    the reason in ``detail``) when a figure they need was not measured."""
    sizes = result["sizes"]
    targets = []
    for size, factor in (("tiny", TINY_SPEEDUP), ("wide", WIDE_SPEEDUP)):
        if size not in sizes:
            continue
        ratio, peer = sizes[size]["speedup_vs_best_peer"], sizes[size]["best_peer"]
        name = f"{size}: gdproofs >= {factor:g}x the best peer"
        ceiling = sizes[size].get("ceiling")
        bound = "" if ceiling is None else \
            f" (ceiling {ceiling:.2f}x: a step of its BLAS products alone)"
        targets.append(_target(name, None, "no peer measured") if ratio is None else
                       _target(name, ratio >= factor, f"{ratio:.2f}x {peer}{bound}"))
    roof_gflops = result["roof"]["matmul_gflops"]
    for size in ROOF_SIZES:
        if size not in sizes:
            continue
        row = sizes[size]
        vs_jax = row["speedup_vs"].get("jax")
        name = f"{size}: gdproofs ahead of jax"
        jax = row["implementations"].get("jax", {}).get("status", "not requested")
        targets.append(_target(name, None, f"jax {jax}") if vs_jax is None else
                       _target(name, vs_jax > 1.0, f"{vs_jax:.2f}x jax"))
        fraction = row["fraction_of_roof"]
        name = f"{size}: gdproofs >= {ROOF_FRACTION:.0%} of roof"
        if fraction is None:
            targets.append(_target(name, None, "gdproofs not timed"))
        elif fraction > 1.0:
            # No code runs faster than the machine's matmul: the roof was read too low.
            targets.append(_target(name, None, f"MEASUREMENT ERROR: {fraction:.1%} of a roof of "
                                               f"{roof_gflops:.1f} GFLOP/s, above 100%: the roof "
                                               f"reading is too low, not a result"))
        else:
            targets.append(_target(name, fraction >= ROOF_FRACTION,
                                   f"{fraction:.1%} of {roof_gflops:.1f} GFLOP/s"))
    batched = result["batched"]
    targets.append(_target(f"batched {batched['seeds']} seeds >= {BATCH_SPEEDUP:g}x sequential",
                           batched["speedup"] >= BATCH_SPEEDUP, f"{batched['speedup']:.2f}x"))
    for size, row in _in_size_order(sizes):
        for activation, entry in row["activations"].items():
            name = f"{size}: {activation} >= {SMOOTH_SPEEDUP:g}x the best peer's {activation}"
            ratio = entry["speedup_vs_best_peer"]
            targets.append(_target(name, None, "no peer measured") if ratio is None else
                           _target(name, ratio >= SMOOTH_SPEEDUP,
                                   f"{ratio:.2f}x {entry['best_peer']}"))
    cold = result["cold_start"]
    name = f"cold start < {COLD_START_SECONDS:g} s (warm numba cache)"
    targets.append(_target(name, None, cold["note"]) if cold.get("warm_cache_s") is None else
                   _target(name, cold["warm_cache_s"] < COLD_START_SECONDS,
                           f"{cold['warm_cache_s']:.2f} s warm cache, "
                           f"{cold['empty_cache_s']:.2f} s empty cache"))
    return targets


# ---------------------------------------------------------------------------------------------
# The benchmark


def _cpuinfo():
    """/proc/cpuinfo as {field: value}, each field's first occurrence (the first processor's);
    {} where there is no such file (not Linux)."""
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as lines:
            for line in lines:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return fields


def cpu_model():
    """The CPU's model name (Linux: /proc/cpuinfo's "model name"), else ``platform.processor()``."""
    return _cpuinfo().get("model name") or platform.processor() or "unknown"


def cpu_id():
    """Linux: "<vendor_id> family <f> model <m> stepping <s>" from /proc/cpuinfo, else None.

    A virtual machine's model name can be as vague as "AMD EPYC"; the family and model tell the
    generation (family 25, model 17: Zen 4)."""
    fields = _cpuinfo()
    if not all(k in fields for k in ("vendor_id", "cpu family", "model")):
        return None
    return (f"{fields['vendor_id']} family {fields['cpu family']} model {fields['model']}"
            f" stepping {fields.get('stepping', '?')}")


def _machine():
    out = dict(python=platform.python_version(), platform=platform.platform(),
               cpu_model=cpu_model(), cpu_id=cpu_id(),
               cpu_arch=binding.get_host_cpu_name(),  # what numba compiles for, e.g. "znver4"
               cpu_count=os.cpu_count(), numpy=np.__version__,
               numba=numba.__version__, numba_threads=numba.get_num_threads())
    for name in OPTIONAL:
        out[name] = available(name)
    return out


def run_bench(sizes=None, peers=True, quick=False, *, log=None):
    """Run the benchmark (module docstring) and return its result as a JSON-able dict.

    Parameters
    ----------
    sizes : list of str, optional
        Names from ``SIZES``, in the order to run; default all.
    peers : bool
        Also check and time numpy, PyTorch and JAX (each only if importable); False times
        gdproofs alone.
    quick : bool
        One repeat of ~0.01 s per figure, fewer scaling points and no cold-start subprocesses:
        checks that everything runs (tests), the figures are not meaningful.
    log : callable, optional
        Called with one line of text as each stage starts (progress).

    Returns
    -------
    dict
        ``machine`` (CPU model, ``cpu_id``, ``cpu_arch``, versions, cores, threads),
        ``problem`` (formula, seed, step size rule, correctness tolerance), ``roof`` (``roof``,
        ``reread_roof``), ``pair_floor`` ({activation: seconds per pair and thread}), ``sizes``
        ({size: shape, eta, flops_per_step, implementations {name: status, note or check, form,
        forms {form: status, check, timing}, step_time, steps_per_s, gflops, k, call_time,
        repeats}, best_peer, speedup_vs_best_peer, speedup_vs {peer: ratio}, fraction_of_roof,
        products {step_time, products_time, step_over_products, k, products_k}, ceiling,
        activations {activation: implementations, best_peer, speedup_vs_best_peer, speedup_vs,
        relative_to_relu, floor {seconds_per_pair, lanes, step_time, fraction_reached}},
        losses {loss: implementations, best_peer, speedup_vs_best_peer, speedup_vs,
        relative_to_squared}}),
        ``batched``, ``cold_start``,
        ``scaling`` ({"n", "d", "m": [points], "threads": [batched points], "single_threads":
        [one run on ``SCALING_BASE`` per numba thread count]}), ``targets`` (list of
        {name, met, detail}), ``correct`` (every implementation measured agreed with gdproofs)
        and ``mismatches`` (the "size/activation/name" of each that did not).
    """
    if sizes is None:
        sizes = list(SIZES)
    if isinstance(sizes, str) or not all(isinstance(s, str) and s in SIZES for s in sizes):
        raise ValueError(f"sizes must be a list of names from {list(SIZES)}, got {sizes!r}")
    sizes = list(dict.fromkeys(sizes))
    if not sizes:
        raise ValueError(f"sizes must name at least one of {list(SIZES)}, got none")
    target, repeats, settle = ((QUICK_TARGET_SECONDS, QUICK_REPEATS, 0.0) if quick
                               else (TARGET_SECONDS, REPEATS, SETTLE_SECONDS))
    log = log or (lambda line: None)
    names = ["gdproofs", *(PEERS if peers else ())]

    log("roof: numpy float64 matmul")
    result = dict(machine=_machine(), quick=bool(quick),
                  roof=roof(sizes, repeats=repeats, quick=quick),
                  problem=dict(formula="f(x) = m^-1/2 sum_r a_r relu(w_r.x + b_r), "
                                       "L = sum_i (f(x_i) - y_i)^2 / 2; GD on W and b, a = +-1",
                               seed=SEED, eta=f"{ETA_TIMES_N:g} / n", check_steps=CHECK_STEPS,
                               check_rtol=CHECK_RTOL, flops_per_step="4 n d m",
                               settle_seconds=settle),
                  sizes={})
    log("per-pair floor of " + " and ".join(ACTIVATIONS))
    result["pair_floor"] = {activation: pair_floor(activation, repeats=repeats, quick=quick)
                            for activation in ACTIVATIONS}
    for size in sizes:
        log(f"{size} {SIZES[size]}: {', '.join(names)}; relu, {', '.join(ACTIVATIONS)}")
        result["sizes"][size] = _measure_size(size, names, result["roof"]["matmul_gflops"],
                                              target, repeats, quick, result["pair_floor"],
                                              settle)
    log("roof again")
    reread_roof(result, quick)
    log(f"batched seeds on {BATCH_SIZE}")
    result["batched"], threads = _batched(target, repeats, settle)
    log("scaling in n, d, m and threads")
    result["scaling"] = dict(_scaling(QUICK_SCALING_POINTS if quick else SCALING_POINTS,
                                      target, repeats, settle), threads=threads,
                             single_threads=_single_threads(target, repeats, settle))
    if quick:
        result["cold_start"] = dict(note="skipped in quick mode")
    else:
        log("cold start (two fresh interpreters)")
        result["cold_start"] = cold_start()
    result["targets"] = evaluate_targets(result)
    result["mismatches"] = [
        f"{size}/{case}/{name}" for size, row in result["sizes"].items()
        for case, rows in [("relu", row["implementations"]),
                           *((a, e["implementations"]) for a, e in row["activations"].items()),
                           *((f"relu+{loss}", e["implementations"])
                             for loss, e in row.get("losses", {}).items())]
        for name, impl in rows.items() if impl["status"] == "mismatch"]
    result["correct"] = not result["mismatches"]
    return result


# ---------------------------------------------------------------------------------------------
# Output


def _cell(impl):
    if impl is None:
        return "—"
    if impl["status"] == "ok":
        rate = impl["steps_per_s"]
        rate = f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"
        form = f"; {impl['form']}" if impl.get("form") not in (None, "compiled loop") else ""
        return f"{rate} steps/s ({impl['gflops']:.2f} GFLOP/s{form})"
    if impl["status"] == "mismatch":
        return f"MISMATCH ({impl.get('note', '')})"
    return impl["status"]


def _roof_share(fraction):
    if fraction is None:
        return None
    if fraction > 1.0:
        return f"{fraction:.1%} of roof: MEASUREMENT ERROR (roof read too low)"
    return f"{fraction:.1%} of roof"


def _floor_share(fraction):
    """The floor reached, as a percentage; above 100% (a step faster than its floor, which is
    ReLU's step plus the pairs' evaluation) the readings it comes from were off, and it says so
    rather than print the figure as a result."""
    if fraction > 1.0:
        return f"{fraction:.0%}: MEASUREMENT NOISE (step under its floor)"
    return f"{fraction:.0%}"


def _cpu_detail(machine):
    """" (znver4; AuthenticAMD family 25 model 17 stepping 1)" from the machine record, or "" for a
    result recorded before these keys existed."""
    detail = [machine[key] for key in ("cpu_arch", "cpu_id") if machine.get(key)]
    return f" ({'; '.join(detail)})" if detail else ""


def format_table(result):
    """The benchmark as Markdown: the issue's table (ReLU), one table per smooth activation
    against the peers' same activation, then targets, batching, cold start and scaling."""
    roof_ = result["roof"]
    lines = ["| size (n, d, m) | gdproofs | numpy | torch | jax | roof | ratios |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for size, row in _in_size_order(result["sizes"]):
        impls = row["implementations"]
        ratios = []
        if row["speedup_vs_best_peer"] is not None:
            ratios.append(f"{row['speedup_vs_best_peer']:.2f}x best peer ({row['best_peer']})")
        if row["fraction_of_roof"] is not None:
            ratios.append(_roof_share(row["fraction_of_roof"]))
        if row.get("products") is not None:
            ceiling = "" if row.get("ceiling") is None else f" (ceiling {row['ceiling']:.2f}x)"
            ratios.append(f"step {row['products']['step_over_products']:.2f}x its BLAS "
                          f"products{ceiling}")
        lines.append(f"| {size} ({', '.join(map(str, row['shape']))}) | "
                     + " | ".join(_cell(impls.get(name)) for name in ("gdproofs", *PEERS))
                     + f" | {roof_['matmul_gflops']:.1f} GFLOP/s; n×d·d×m "
                       f"{roof_['gd_shaped'][size]:.1f} | {'; '.join(ratios) or '—'} |")
    machine = result["machine"]
    readings = ", ".join(f"{r['best']:.1f} (median {r['median']:.1f}, {r['repeats']} repeats)"
                         for r in roof_["readings"])
    lines += ["", f"GFLOP/s at 4·n·d·m flops per step; a peer's cell is its fastest correct "
                  f"form. Roof: numpy float64 matmul at {roof_['matmul_n']}³, the best of two "
                  f"readings, each repeated until stable: {readings} GFLOP/s ("
                  f"the best reading's median {roof_['matmul_spread']:.0%} below its best), "
                  f"and the (n×d)·(d×m) product. "
                  f"\"Its BLAS products\": gdproofs' step over the step's two BLAS products "
                  f"alone, in its own blocks and lanes, timed in the same rounds; the ceiling is "
                  f"the speedup on the best peer a step costing only them would have (the ratio "
                  f"to the peer × that one). "
                  f"{machine['cpu_model']}{_cpu_detail(machine)}, {machine['cpu_count']} "
                  f"cores, numpy {machine['numpy']}, numba {machine['numba']} "
                  f"({machine['numba_threads']} threads), torch "
                  f"{machine['torch'] or 'not installed'}, jax "
                  f"{machine['jax'] or 'not installed'}"
                  + (" — quick mode: figures not meaningful" if result["quick"] else "") + "."]
    for activation in ACTIVATIONS:
        rows = [(size, row["activations"][activation]) for size, row in
                _in_size_order(result["sizes"]) if activation in row["activations"]]
        if not rows:
            continue
        floor = result["pair_floor"][activation]
        lines += ["", f"{activation.capitalize()}, against each peer's own {activation} "
                      f"(per-pair floor: {floor * 1e9:.2f} ns per pair and thread):", "",
                  "| size | gdproofs | numpy | torch | jax | vs best peer | of ReLU | floor "
                  "reached |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for size, entry in rows:
            impls = entry["implementations"]
            ratio = "—" if entry["speedup_vs_best_peer"] is None else \
                f"{entry['speedup_vs_best_peer']:.2f}x {entry['best_peer']}"
            relu = "—" if entry["relative_to_relu"] is None else f"{entry['relative_to_relu']:.2f}x"
            reached = "—" if entry["floor"] is None else \
                _floor_share(entry["floor"]["fraction_reached"])
            lines.append(f"| {size} | " + " | ".join(_cell(impls.get(name))
                                                      for name in ("gdproofs", *PEERS))
                         + f" | {ratio} | {relu} | {reached} |")
    for loss in LOSSES:
        rows = [(size, row["losses"][loss]) for size, row in _in_size_order(result["sizes"])
                if loss in row.get("losses", {})]
        if not rows:
            continue
        lines += ["", f"{loss.capitalize()} loss (ReLU, labels ±1), against each peer's own:", "",
                  "| size | gdproofs | numpy | torch | jax | vs best peer | of squared |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for size, entry in rows:
            impls = entry["implementations"]
            ratio = "—" if entry["speedup_vs_best_peer"] is None else \
                f"{entry['speedup_vs_best_peer']:.2f}x {entry['best_peer']}"
            rel = "—" if entry["relative_to_squared"] is None else \
                f"{entry['relative_to_squared']:.2f}x"
            lines.append(f"| {size} | " + " | ".join(_cell(impls.get(name))
                                                      for name in ("gdproofs", *PEERS))
                         + f" | {ratio} | {rel} |")
    lines += ["", "Peer forms (ReLU steps/s; the fastest is the peer's cell): " + "; ".join(
        f"{size} " + ", ".join(f"{name} {form} " + (f"{f['steps_per_s']:,.0f}" if "steps_per_s"
                                                    in f else f["status"])
                               for name in PEERS
                               for form, f in row["implementations"].get(name, {})
                               .get("forms", {}).items())
        for size, row in _in_size_order(result["sizes"])) + "."]
    lines += ["", "Targets:"]
    mark = {True: "met", False: "NOT MET", None: "not evaluated"}
    lines += [f"- {t['name']}: {mark[t['met']]} ({t['detail']})" for t in result["targets"]]
    b = result["batched"]
    lines += ["", f"Batched seeds ({b['size']}, {b['seeds']} seeds): batch "
                  f"{b['batch_step_time'] * 1e6:.1f} µs/step, sequential "
                  f"{b['sequential_step_time'] * 1e6:.1f} µs/step, speedup {b['speedup']:.2f}x; "
                  "by numba threads: " + ", ".join(
                      f"{p['threads']}: {p['seed_steps_per_s']:,.0f} seed-steps/s"
                      for p in result["scaling"]["threads"]) + "."]
    lines += ["", "One run in two lanes (" + "×".join(map(str, SCALING_BASE))
              + ") by numba threads: " + ", ".join(
                  f"{p['threads']}: {p['step_time'] * 1e6:.1f} µs/step"
                  for p in result["scaling"]["single_threads"]) + "."]
    cold = result["cold_start"]
    lines += ["", "Cold start (import + one tiny GD run in a fresh interpreter): " + (
        f"{cold['empty_cache_s']:.2f} s with an empty numba cache, {cold['warm_cache_s']:.2f} s "
        f"with it warm." if cold.get("warm_cache_s") is not None else cold["note"] + ".")]
    lines += ["", "Scaling (gdproofs µs/step, others at small's " + str(SCALING_BASE) + "): "
              + "; ".join(f"{axis}: " + ", ".join(f"{p['value']} → {p['step_time'] * 1e6:.1f}"
                                                  for p in points)
                          for axis, points in result["scaling"].items() if axis in "ndm") + "."]
    if result["mismatches"]:
        lines += ["", "CORRECTNESS MISMATCH (not timed): " + ", ".join(result["mismatches"])]
    return "\n".join(lines) + "\n"


def plot_scaling(result, path):
    """Step time against n, d, m (log-log, with a line ∝ the parameter) and batched throughput
    against numba's thread count (with the ideal linear speedup), as PNG to ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    scaling = result["scaling"]
    fig = Figure(figsize=(9.0, 6.4), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    for ax, axis in zip(axes.flat, "ndm"):
        points = scaling[axis]
        x = np.array([p["value"] for p in points], dtype=float)
        t = np.array([p["step_time"] for p in points]) * 1e6
        ax.loglog(x, t, "o-", label="gdproofs")
        # The flops of a step are 4·n·d·m: the line through the middle point is what a step time
        # proportional to them would be (per-(i, r) work such as the activation adds n·m).
        mid = len(x) // 2
        ax.loglog(x, t[mid] * x / x[mid], "--", color="gray", label=f"∝ {axis}")
        ax.set_xticks(x, labels=[f"{v:g}" for v in x])
        ax.minorticks_off()
        ax.set_xlabel(axis)
        ax.set_ylabel("µs per step")
        ax.legend(fontsize=8)
        others = ", ".join(f"{k} = {v}" for k, v in zip("ndm", SCALING_BASE) if k != axis)
        ax.set_title(f"step time vs {axis} ({others})", fontsize=9)
    ax = axes.flat[3]
    threads = scaling["threads"]
    count = np.array([p["threads"] for p in threads])
    rate = np.array([p["seed_steps_per_s"] for p in threads])
    ax.plot(count, rate / rate[0], "o-",
            label=f"batch of {result['batched']['seeds']} seeds, {result['batched']['size']}")
    single = scaling["single_threads"]
    step = np.array([p["step_time"] for p in single])
    ax.plot([p["threads"] for p in single], step[0] / step, "s-",
            label="one run in two lanes, " + "×".join(map(str, SCALING_BASE)))
    ax.plot(count, count, "--", color="gray", label="linear")
    ax.set_xticks(count)
    ax.set_xlabel("numba threads")
    ax.set_ylabel("speedup over one thread")
    ax.legend(fontsize=8)
    ax.set_title("threads", fontsize=9)
    fig.suptitle(f"gdproofs scaling ({result['machine']['cpu_count']} cores"
                 + (", quick mode" if result["quick"] else "") + ")", fontsize=10)
    fig.savefig(path, format="png", dpi=110)
    return fig
