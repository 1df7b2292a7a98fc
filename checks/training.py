"""Full-batch gradient descent: θ(k+1) = θ(k) − η ∇L(θ(k)) on the groups ``net.train`` names.

The whole loop of K steps runs inside one compiled kernel (``checks.kernels.gd_run``). A run whose
loss becomes NaN or infinite stops there and says so (``Run.diverged_at``); its loss trajectory holds
only the finite losses before that step, so a diverged run can never pass a bound by comparing NaN.

Threads: a large enough step splits the neurons into two lanes (``kernels.lane_count``), which run
at once on numba's two threads (``numba.set_num_threads``; from the main thread only) while the
BLAS is held to one thread (``checks.blas``). The lanes depend on the sizes alone, so a run has the
same bits on one thread or two, alone or in a batch. With more than ``LANE_CORES`` numba threads
(a machine with more cores), the BLAS keeps its own threads and the lanes run one after the other,
so that a large step's products use every core; the bits may then depend on the BLAS's thread
count, as OpenBLAS's products do.
"""

from contextlib import nullcontext
from dataclasses import dataclass
import numbers
import threading

import numba
import numpy as np

from checks import blas, kernels
from checks.network import (Network, Params, check_data, check_int, check_positive,
                            init_params)

RECORDS = ("movement", "flips", "predictions")
# Cores the lanes of a large GD step use, one a lane (``kernels.lane_count``): with more numba
# threads than this, the BLAS keeps its own threads instead (``_blas_held``).
LANE_CORES = kernels.LANES


@dataclass(frozen=True, eq=False)
class Run:
    """The outcome of one gradient-descent run.

    Attributes
    ----------
    losses : ndarray, shape (K' + 1,)
        L(θ(k)) for k = 0..K', all finite; K' = steps unless the run diverged.
    diverged_at : int or None
        The step whose loss was NaN or infinite (the run stopped there), or None.
    max_neuron_move, frobenius_move : ndarray or None
        max_r ‖w_r(k) − w_r(0)‖₂ (Du et al. 2019, Lemma 3.3) and ‖W(k) − W(0)‖_F (Arora et al.
        2019, Lemma 5.3), per step; recorded with ``record=("movement",)``.
    flips : ndarray or None
        #{(i, r): 1{w_r(k)ᵀx_i + b_r ≥ 0} ≠ 1{w_r(0)ᵀx_i + b_r ≥ 0}} per step (``"flips"``).
    predictions : ndarray or None, shape (K' + 1, n)
        u(k) = (f(x_1), …, f(x_n)) per step (``"predictions"``).
    gram_steps, gram_lambda_min : ndarray or None
        Steps 0, j, 2j, … and λ_min(H(θ(k))) there, the empirical Gram over the trained groups
        (``gram_every=j``; Du et al. 2019 need λ_min(H(k)) ≥ λ₀/2 along the run).
    params : Params or None
        The final parameters; None for a diverged run (they are not finite).
    """

    eta: float
    steps: int
    losses: np.ndarray
    diverged_at: int | None
    params: Params | None
    max_neuron_move: np.ndarray | None = None
    frobenius_move: np.ndarray | None = None
    flips: np.ndarray | None = None
    predictions: np.ndarray | None = None
    gram_steps: np.ndarray | None = None
    gram_lambda_min: np.ndarray | None = None

    @property
    def diverged(self):
        return self.diverged_at is not None

    @property
    def steps_done(self):
        """The last step whose loss is recorded."""
        return self.losses.shape[0] - 1


def _check_record(record, gram_every):
    if isinstance(record, str):
        record = (record,)
    record = tuple(record)
    for name in record:
        if name not in RECORDS:
            raise ValueError(f"record must name only {RECORDS}, got {name!r}")
    gram_every = check_int("gram_every", gram_every, minimum=0)
    return record, gram_every


def _buffers(shape, steps, n, record, gram_every):
    """Output arrays for the kernels; a record not asked for gets a zero-length axis (off)."""
    K = steps + 1
    on = {name: name in record for name in RECORDS}
    n_gram = steps // gram_every + 1 if gram_every else 0
    return dict(
        losses=np.zeros(shape + (K,)),
        move_max=np.zeros(shape + ((K,) if on["movement"] else (0,))),
        move_frob=np.zeros(shape + ((K,) if on["movement"] else (0,))),
        flips=np.zeros(shape + ((K,) if on["flips"] else (0,)), dtype=np.int64),
        preds=np.zeros(shape + ((K, n) if on["predictions"] else (0, 0))),
        gram_lmin=np.zeros(shape + (n_gram,)),
    )


def _make_run(eta, steps, status, W, b, a, buf, record, gram_every):
    last = steps if status < 0 else status - 1
    valid = slice(0, last + 1)
    moves = "movement" in record
    gram_steps = np.arange(0, last + 1, gram_every) if gram_every else None
    return Run(
        eta=eta,
        steps=steps,
        losses=buf["losses"][valid].copy(),
        diverged_at=None if status < 0 else int(status),
        params=Params(W, b, a) if status < 0 else None,
        max_neuron_move=buf["move_max"][valid].copy() if moves else None,
        frobenius_move=buf["move_frob"][valid].copy() if moves else None,
        flips=buf["flips"][valid].copy() if "flips" in record else None,
        predictions=buf["preds"][valid].copy() if "predictions" in record else None,
        gram_steps=gram_steps,
        gram_lambda_min=buf["gram_lmin"][: len(gram_steps)].copy() if gram_every else None,
    )


def _check_common(net, X, y, dim, eta, steps):
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    X, y = check_data(X, y, dim=dim)
    y = net.check_labels(y)
    eta = check_positive("eta", eta)
    steps = check_int("steps", steps, minimum=0)
    return X, y, eta, steps


def _blas_held():
    """The BLAS held to one thread for a GD run (``checks.blas``) when numba has at most
    ``LANE_CORES`` threads, else its own threads left alone.

    The lanes of a step (``kernels.lane_count``) use ``LANE_CORES`` cores at most; on a machine
    where numba has more threads, a large step's products keep the BLAS's threads (every core),
    and the lanes run one after the other.
    """
    return blas.single_threaded() if numba.get_num_threads() <= LANE_CORES else nullcontext()


def _lanes_threaded():
    """Whether this call's GD lanes may run at once on numba's threads.

    Only with 2 to ``LANE_CORES`` numba threads (see ``_blas_held``), control of the BLAS threads
    (else the lanes run one after the other over the BLAS's own threads), and from the main
    thread: threads of a pool (a Dask worker, ``gradient_descent_batch``, the caller's own)
    already share the cores, and numba's fallback threading layer, workqueue, aborts the process
    when two threads launch parallel work at once.
    """
    return (1 < numba.get_num_threads() <= LANE_CORES and blas.controllable()
            and threading.current_thread() is threading.main_thread())


def gradient_descent(net, params, X, y, *, eta, steps, record=(), gram_every=0):
    """Run ``steps`` full-batch GD steps with step size η from ``params`` (left unchanged).

    Parameters
    ----------
    net : Network
    params : Params
        Initial parameters θ(0), e.g. from ``init_params`` or given explicitly.
    X : array (n, d); y : array (n,)
    eta : float > 0
    steps : int >= 0
    record : iterable of {"movement", "flips", "predictions"}
        Per-step quantities to keep (see ``Run``).
    gram_every : int >= 0
        Record λ_min of the empirical Gram matrix every this many steps (0: never).

    Returns
    -------
    Run
    """
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    X, y, eta, steps = _check_common(net, X, y, params.dim, eta, steps)
    record, gram_every = _check_record(record, gram_every)
    W, b, a = (arr.copy() for arr in params.astuple())
    buf = _buffers((), steps, X.shape[0], record, gram_every)
    threaded = _lanes_threaded()
    with _blas_held():
        status = kernels.gd_run(X, y, W, b, a, *net.kernel_args(params.width), *net.train_flags,
                                eta, steps, gram_every, buf["losses"], buf["move_max"],
                                buf["move_frob"], buf["flips"], buf["preds"], buf["gram_lmin"],
                                threaded)
    return _make_run(eta, steps, status, W, b, a, buf, record, gram_every)


def gradient_descent_batch(net, params_list, X, y, *, eta, steps, record=(), gram_every=0):
    """``gradient_descent`` from several initialisations of one problem, in parallel over the cores.

    Run s of the batch is bit-identical to ``gradient_descent`` from ``params_list[s]``.

    Returns
    -------
    list of Run
    """
    params_list = list(params_list)
    if not params_list:
        raise ValueError("params_list must hold at least one Params, got none")
    for s, p in enumerate(params_list):
        if not isinstance(p, Params):
            raise TypeError(f"params_list[{s}] must be a Params, got {type(p).__name__}")
        if p.W.shape != params_list[0].W.shape:
            raise ValueError(f"params_list[{s}] has W of shape {p.W.shape}; every entry must "
                             f"match params_list[0]'s {params_list[0].W.shape}")
    first = params_list[0]
    X, y, eta, steps = _check_common(net, X, y, first.dim, eta, steps)
    record, gram_every = _check_record(record, gram_every)
    W = np.stack([p.W for p in params_list])
    b = np.stack([p.b for p in params_list])
    a = np.stack([p.a for p in params_list])
    S = len(params_list)
    buf = _buffers((S,), steps, X.shape[0], record, gram_every)
    status = np.zeros(S, dtype=np.int64)
    with _blas_held():
        kernels.gd_run_batch(X, y, W, b, a, *net.kernel_args(first.width), *net.train_flags,
                             eta, steps, gram_every, buf["losses"], buf["move_max"],
                             buf["move_frob"], buf["flips"], buf["preds"], buf["gram_lmin"],
                             status)
    return [_make_run(eta, steps, int(status[s]), W[s], b[s], a[s],
                      {key: value[s] for key, value in buf.items()}, record, gram_every)
            for s in range(S)]


def gradient_descent_seeds(net, X, y, *, m, seeds, eta, steps, record=(), gram_every=0,
                           **init):
    """Batched GD from ``init_params(net, m, d, seed=s, **init)`` for every s in ``seeds``."""
    X = check_data(X)
    if isinstance(seeds, numbers.Integral):
        raise TypeError("seeds must be a sequence of integers, got a single integer")
    params_list = [init_params(net, m, X.shape[1], seed=s, **init) for s in seeds]
    return gradient_descent_batch(net, params_list, X, y, eta=eta, steps=steps, record=record,
                                  gram_every=gram_every)
