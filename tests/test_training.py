"""Gradient-descent runs: against the numpy reference, reproducibility, batching, divergence, input."""

import itertools
import mmap
import os
import threading

import numba
import numpy as np
import pytest
from numpy.testing import assert_allclose

from checks import blas, kernels, training
from checks.network import Network, Params, init_params, loss_and_gradient
from checks.training import gradient_descent, gradient_descent_batch, gradient_descent_seeds
from tests import reference

TRAIN_GROUPS = [("W",), ("a",), ("W", "a"), ("W", "b"), ("b",), ("W", "b", "a")]
CASES = [
    dict(activation=act, bias="b" in train or bias, train=train, loss=loss_kind)
    for act, train, bias, loss_kind in itertools.product(
        ("relu", "sigmoid", "softplus", "erf", "leaky_relu"), TRAIN_GROUPS, (False, True),
        ("half_sum", "mean"))
    if not ("b" in train and not bias)
]


def _problem(n=8, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X, rng.standard_normal(n)


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c.values())))
def test_gd_matches_numpy_reference_over_many_steps(case):
    net = Network(**case)
    X, y = _problem()
    params = init_params(net, 32, 3, seed=3)
    steps = 200
    eta = 0.05 if net.loss == "half_sum" else 0.2
    run = gradient_descent(net, params, X, y, eta=eta, steps=steps,
                           record=("movement", "flips", "predictions"), gram_every=1)
    ref = reference.gradient_descent(net, *params.astuple(), X, y, eta, steps)
    assert not run.diverged
    # Same formulas, different summation order: each step differs by a few ulps and GD at this
    # small η is contracting, so 200 steps stay within 1e-12 relative (the requirement).
    assert_allclose(run.losses, ref["losses"], rtol=1e-12)
    assert_allclose(run.predictions, ref["preds"], rtol=1e-12, atol=1e-13)
    assert_allclose(run.max_neuron_move, ref["move_max"], rtol=1e-12, atol=1e-14)
    assert_allclose(run.frobenius_move, ref["move_frob"], rtol=1e-12, atol=1e-14)
    assert np.array_equal(run.flips, ref["flips"])
    # λ_min of a sum over 32 neurons via two LAPACK paths: agreement to 1e-10 absolute on O(1)
    # entries allows for eigenvalue round-off of order eps·‖H‖·n.
    assert_allclose(run.gram_lambda_min, ref["lmin"], rtol=1e-9, atol=1e-10)
    assert np.array_equal(run.gram_steps, np.arange(steps + 1))
    untrained = [g for g in ("W", "b", "a") if g not in net.train]
    for group in untrained:
        assert np.array_equal(getattr(run.params, group), getattr(params, group))
    assert run.losses[-1] < run.losses[0]


# The kernels' multi-block paths. Every case here is above LANE_WORK, so its m neurons run in two
# lanes of ⌈m/2⌉ and ⌊m/2⌋, each in blocks (``_block_rows``: 256 neurons at n = 1024).
# m = 1537: lanes of 769 and 768 neurons, in four blocks (the last of one neuron) and three:
# ReLU with a fixed keeps only the signs between the passes, sigmoid keeps σ'. m = 20000: a
# lane's 8·10000·n = 82 MB exceeds its CACHE_BYTES / 2, so pass 2 recomputes each block (sigmoid,
# a trained). At n = 64, d = 4 a block's products stay within SMALL_PRODUCT = 1e6 multiply-adds
# up to 3125 rows, so m = 7001 runs lanes of 3501 and 3500 in two small-product blocks each,
# sized for the larger lane (1751 + 1750, 1751 + 1749), with signs (ReLU) and with all of σ'
# cached (sigmoid).
MULTI_BLOCK = [
    dict(n=1024, m=1537, steps=8, activation="relu", train=("W", "b"), path="signs"),
    dict(n=1024, m=1537, steps=8, activation="sigmoid", train=("W", "b", "a"), path="cached"),
    dict(n=1024, m=20000, steps=2, activation="sigmoid", train=("W", "b", "a"), path="recomputed"),
    dict(n=64, m=7001, steps=8, activation="relu", train=("W", "b"), path="signs"),
    dict(n=64, m=7001, steps=8, activation="sigmoid", train=("W", "b", "a"), path="cached"),
]


@pytest.mark.parametrize("case", MULTI_BLOCK, ids=["signs", "cached", "recomputed", "small-signs",
                                                   "small-cached"])
def test_multi_block_paths_match_the_reference(case):
    n, m, steps = case["n"], case["m"], case["steps"]
    net = Network(activation=case["activation"], bias=True, train=case["train"])
    X, y = _problem(n=n, d=4, seed=1)
    params = init_params(net, m, 4, seed=2)
    assert kernels.lane_count(m, n, 4) == 2
    # the case takes the path it is named for, in several blocks per lane (so a change of the
    # blocking rules cannot leave these paths untested)
    maskable = case["activation"] == "relu" and "a" not in case["train"]
    larger_lane = (m + 1) // 2
    rows, kept, masked = kernels._workspace(larger_lane, n, 4, maskable, 2)
    assert rows < larger_lane
    assert {"signs": masked > 0, "cached": kept == larger_lane and not masked,
            "recomputed": kept == rows and not masked}[case["path"]]
    run = gradient_descent(net, params, X, y, eta=0.5 / n, steps=steps, record=("predictions",))
    ref = reference.gradient_descent(net, *params.astuple(), X, y, 0.5 / n, steps)
    # As in the test above: a few ulps per step in a contracting run.
    assert_allclose(run.losses, ref["losses"], rtol=1e-12)
    assert_allclose(run.predictions, ref["preds"], rtol=1e-12, atol=1e-13)


def _vm_flags(address):
    """The VmFlags of this process's mapping that holds ``address`` (/proc/self/smaps)."""
    with open("/proc/self/smaps") as smaps:
        inside = False
        for line in smaps:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                return line.split()[1:]
    raise LookupError(f"no mapping holds {address:#x}")


# The kernels' advice is taken only where Linux has transparent huge pages; the flag "hg" of a
# mapping (VM_HUGEPAGE) records that madvise(MADV_HUGEPAGE) was taken there.
@pytest.mark.skipif(not hasattr(mmap, "MADV_HUGEPAGE")
                    or not os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled"),
                    reason="no transparent huge pages on this system")
def test_large_workspaces_ask_for_huge_pages_and_small_ones_do_not():
    # "large" (n = 2048, m = 4096) with sigmoid: two lanes of 2048 neurons, all of σ' cached
    # (2 × 2048 × 2048 × 8 bytes = 64 MiB, above glibc's largest mmap threshold,
    # DEFAULT_MMAP_THRESHOLD_MAX = 32 MiB on 64-bit, so a mapping of its own that nothing else
    # advised)
    rows, Zl, *_ = kernels._lane_arrays(4096, 2048, 64, False, False, 2)
    assert Zl.nbytes == 64 << 20
    assert "hg" in _vm_flags(Zl.ctypes.data + Zl.nbytes // 2)
    # below the threshold nothing is asked: a small array may share a mapping with others, so
    # its flags would not tell; _huge_pages says whether it advised
    at_threshold = np.empty(kernels.HUGE_PAGE_BYTES // 8)
    assert kernels._huge_pages(at_threshold)
    assert not kernels._huge_pages(at_threshold[1:])


def test_same_seed_bit_identical_single_and_batched():
    net = Network(activation="relu", bias=True, train=("W", "b"), loss="mean")
    X, y = _problem(n=12, d=4)
    kwargs = dict(eta=0.5, steps=300, record=("movement", "flips", "predictions"), gram_every=7)
    first = gradient_descent(net, init_params(net, 64, 4, seed=11), X, y, **kwargs)
    second = gradient_descent(net, init_params(net, 64, 4, seed=11), X, y, **kwargs)
    batch = gradient_descent_seeds(net, X, y, m=64, seeds=[10, 11, 12], **kwargs)
    batch_again = gradient_descent_seeds(net, X, y, m=64, seeds=[10, 11, 12], **kwargs)
    fields = ("losses", "max_neuron_move", "frobenius_move", "flips", "predictions",
              "gram_lambda_min")
    for other in (second, batch[1]):
        for name in fields:
            assert np.array_equal(getattr(first, name), getattr(other, name)), name
        assert np.array_equal(first.params.W, other.params.W)
    for u, v in zip(batch, batch_again):
        assert np.array_equal(u.losses, v.losses)
    assert not np.array_equal(batch[0].losses, batch[1].losses)


# Two-lane sizes (n·m·(d+1) ≥ LANE_WORK), m odd so the lanes differ in size: ReLU with a fixed
# (signs between the passes, two small-product blocks a lane), sigmoid with a trained (σ and σ'
# cached, one block a lane) and softplus with σ' of many blocks cached (256 neurons a block at
# n = 2048: 8 blocks and one neuron in lane 0, 8 blocks in lane 1).
LANES = [
    dict(n=64, d=4, m=7001, activation="relu", train=("W", "b")),
    dict(n=48, d=6, m=2049, activation="sigmoid", train=("W", "b", "a")),
    dict(n=2048, d=2, m=4097, activation="softplus", train=("W",)),
]


@pytest.fixture
def numba_threads():
    """numba.set_num_threads for one test, restored afterwards (it is thread-local state)."""
    before = numba.get_num_threads()
    yield numba.set_num_threads
    numba.set_num_threads(before)


@pytest.mark.parametrize("case", LANES, ids=lambda c: c["activation"])
def test_lanes_give_the_same_bits_on_one_thread_or_two_and_in_a_batch(case, numba_threads):
    n, d, m = case["n"], case["d"], case["m"]
    assert kernels.lane_count(m, n, d) == 2
    net = Network(activation=case["activation"], bias=True, train=case["train"])
    X, y = _problem(n=n, d=d, seed=4)
    params = init_params(net, m, d, seed=5)
    kwargs = dict(eta=0.5 / n, steps=4, record=("movement", "flips", "predictions"))
    numba_threads(1)
    one = gradient_descent(net, params, X, y, **kwargs)
    numba_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    # where the machine allows it, the second run's lanes really run at once
    assert training._lanes_threaded() == (numba.config.NUMBA_NUM_THREADS > 1
                                          and blas.controllable())
    two = gradient_descent(net, params, X, y, **kwargs)
    batch = gradient_descent_batch(net, [params, params], X, y, **kwargs)
    for other in (two, *batch):
        for name in ("losses", "max_neuron_move", "frobenius_move", "flips", "predictions"):
            assert np.array_equal(getattr(one, name), getattr(other, name)), name
        for group in ("W", "b", "a"):
            assert np.array_equal(getattr(one.params, group), getattr(other.params, group))
    # and the lanes compute what the reference computes (as in the tests above: a few ulps a step)
    ref = reference.gradient_descent(net, *params.astuple(), X, y, 0.5 / n, 4)
    assert_allclose(one.losses, ref["losses"], rtol=1e-12)


@pytest.mark.parametrize("case", LANES, ids=lambda c: c["activation"])
def test_fused_blocks_give_the_bits_of_whole_passes(case):
    # gd_run runs pass 2, the update and the next pass 1 block by block (kernels._step_pass);
    # loss_and_gradient runs each pass over all the neurons. θ ← θ − η·∇L from its gradient must
    # give gd_run's trajectory to the bit: the fusion reorders no sum.
    n, d, m = case["n"], case["d"], case["m"]
    net = Network(activation=case["activation"], bias=True, train=case["train"])
    X, y = _problem(n=n, d=d, seed=4)
    params = init_params(net, m, d, seed=5)
    eta, steps = 0.3 / n, 3  # not a power of two, so that every rounding of the update shows
    run = gradient_descent(net, params, X, y, eta=eta, steps=steps)
    W, b, a = params.astuple()
    for k in range(steps + 1):
        value, grad = loss_and_gradient(net, Params(W, b, a), X, y)
        assert value == run.losses[k], k
        if k < steps:
            W = W - eta * grad.W if "W" in case["train"] else W
            b = b - eta * grad.b if "b" in case["train"] else b
            a = a - eta * grad.a if "a" in case["train"] else a
    for ours, theirs in zip(run.params.astuple(), (W, b, a)):
        assert np.array_equal(ours, theirs)


def test_lanes_run_at_once_only_from_the_main_thread(numba_threads):
    numba_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    main = training._lanes_threaded()
    seen = []
    other = threading.Thread(target=lambda: seen.append(training._lanes_threaded()))
    other.start()
    other.join()
    assert main == (numba.config.NUMBA_NUM_THREADS > 1 and blas.controllable())
    assert seen == [False]


@pytest.mark.skipif(not blas.controllable(), reason="this BLAS exports no thread-count setter")
@pytest.mark.parametrize("threads, held", [(1, True), (2, True), (8, False)])
def test_gd_holds_the_blas_to_one_thread_up_to_two_numba_threads(threads, held, monkeypatch):
    # 8 numba threads (a larger machine, faked) leave the BLAS its own threads for the products
    monkeypatch.setattr(training.numba, "get_num_threads", lambda: threads)
    setter, getter = blas._setters
    start = getter()
    setter(2)  # so that the hold is visible; restored at the end
    seen = []
    run_kernel = kernels.gd_run

    def spy(*args):
        seen.append((blas.threads(), args[-1]))
        return run_kernel(*args)

    monkeypatch.setattr(kernels, "gd_run", spy)
    before = blas.threads()
    assert before == 2  # OpenBLAS takes any count up to its build's MAX_THREADS
    net = Network()
    X, y = _problem()
    try:
        gradient_descent(net, init_params(net, 8, 3, seed=0), X, y, eta=0.1, steps=2)
        # (BLAS threads during the run, gd_run's threaded): lanes at once only on two threads
        assert seen == [(1 if held else before, threads == 2)]
        assert blas.threads() == before
    finally:
        setter(start)


def test_params_not_modified_by_run():
    net = Network(train=("W", "a"))
    X, y = _problem()
    params = init_params(net, 16, 3, seed=0)
    W0 = params.W.copy()
    gradient_descent(net, params, X, y, eta=0.1, steps=5)
    assert np.array_equal(params.W, W0)


@pytest.mark.parametrize("batched", [False, True])
def test_divergence_is_reported_not_returned_as_nan(batched):
    net = Network()
    X, y = _problem()
    params = init_params(net, 16, 3, seed=0)
    # η = 1e4 is four orders above 2/λ_max(H(0)) for this data: the loss grows geometrically and
    # overflows float64 within a few hundred steps.
    kwargs = dict(eta=1e4, steps=2000, record=("movement",))
    run = (gradient_descent_batch(net, [params], X, y, **kwargs)[0] if batched
           else gradient_descent(net, params, X, y, **kwargs))
    assert run.diverged and 0 < run.diverged_at <= 2000
    assert run.losses.shape == (run.diverged_at,)
    assert np.all(np.isfinite(run.losses))
    assert run.losses[-1] > 1e100
    assert run.params is None
    assert run.max_neuron_move.shape == run.losses.shape


def test_zero_steps_records_the_start():
    net = Network()
    X, y = _problem()
    params = init_params(net, 16, 3, seed=0)
    run = gradient_descent(net, params, X, y, eta=0.1, steps=0, gram_every=5)
    assert run.losses.shape == (1,)
    assert np.array_equal(run.gram_steps, [0])
    assert np.array_equal(run.params.W, params.W)


def test_gram_lambda_min_every_j_steps():
    net = Network()
    X, y = _problem()
    params = init_params(net, 16, 3, seed=0)
    run = gradient_descent(net, params, X, y, eta=0.1, steps=10, gram_every=4)
    assert np.array_equal(run.gram_steps, [0, 4, 8])
    every = gradient_descent(net, params, X, y, eta=0.1, steps=10, gram_every=1)
    assert np.array_equal(run.gram_lambda_min, every.gram_lambda_min[[0, 4, 8]])


class TestBadInput:
    def setup_method(self):
        self.net = Network()
        self.X, self.y = _problem()
        self.params = init_params(self.net, 8, 3, seed=0)

    @pytest.mark.parametrize("kwargs, error, match", [
        (dict(eta=0.0), ValueError, "eta must be a positive"),
        (dict(eta=-1.0), ValueError, "eta must be a positive"),
        (dict(eta=float("nan")), ValueError, "eta"),
        (dict(steps=-1), ValueError, "steps must be an integer >= 0"),
        (dict(steps=1.5), TypeError, "steps must be an integer"),
        (dict(record=("speed",)), ValueError, "record must name only"),
        (dict(gram_every=-2), ValueError, "gram_every"),
    ])
    def test_arguments(self, kwargs, error, match):
        args = dict(eta=0.1, steps=3) | kwargs
        with pytest.raises(error, match=match):
            gradient_descent(self.net, self.params, self.X, self.y, **args)

    def test_mismatched_params(self):
        with pytest.raises(ValueError, match="X must have 5 columns"):
            gradient_descent(self.net, init_params(self.net, 8, 5, seed=0), self.X, self.y,
                             eta=0.1, steps=1)

    def test_not_params(self):
        with pytest.raises(TypeError, match="params must be a Params"):
            gradient_descent(self.net, (1, 2, 3), self.X, self.y, eta=0.1, steps=1)

    def test_batch_shapes_must_match(self):
        other = init_params(self.net, 9, 3, seed=0)
        with pytest.raises(ValueError, match=r"params_list\[1\]"):
            gradient_descent_batch(self.net, [self.params, other], self.X, self.y, eta=0.1,
                                   steps=1)

    def test_batch_empty(self):
        with pytest.raises(ValueError, match="params_list"):
            gradient_descent_batch(self.net, [], self.X, self.y, eta=0.1, steps=1)

    def test_seeds_not_int(self):
        with pytest.raises(TypeError, match="seeds"):
            gradient_descent_seeds(self.net, self.X, self.y, m=4, seeds=3, eta=0.1, steps=1)

    def test_nan_labels(self):
        y = self.y.copy()
        y[2] = np.nan
        with pytest.raises(ValueError, match="y must be finite"):
            gradient_descent(self.net, self.params, self.X, y, eta=0.1, steps=1)
