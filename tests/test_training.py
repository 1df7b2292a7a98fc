"""Gradient-descent runs: against the numpy reference, reproducibility, batching, divergence, input."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from checks.network import Network, init_params
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


# The kernels' multi-block paths (checks.kernels: BLOCK_BYTES = 4 MiB of pre-activations per
# block, so 512 neurons at n = 1024). m = 1536 is three blocks: ReLU with a fixed keeps only the
# signs between the passes, sigmoid keeps σ'. m = 20000 holds 8·m·n = 164 MB > CACHE_BYTES, so
# pass 2 recomputes each block (sigmoid, a trained). At n = 64, d = 4 a block's products stay
# within SMALL_PRODUCT = 1e6 multiply-adds up to 3125 rows, so m = 7000 runs three unequal-sized
# small-product blocks (2334, 2334, 2332), with signs (ReLU) and with all of σ' cached (sigmoid).
MULTI_BLOCK = [
    dict(n=1024, m=1536, steps=8, activation="relu", train=("W", "b")),
    dict(n=1024, m=1536, steps=8, activation="sigmoid", train=("W", "b", "a")),
    dict(n=1024, m=20000, steps=2, activation="sigmoid", train=("W", "b", "a")),
    dict(n=64, m=7000, steps=8, activation="relu", train=("W", "b")),
    dict(n=64, m=7000, steps=8, activation="sigmoid", train=("W", "b", "a")),
]


@pytest.mark.parametrize("case", MULTI_BLOCK, ids=["signs", "cached", "recomputed", "small-signs",
                                                   "small-cached"])
def test_multi_block_paths_match_the_reference(case):
    n, m, steps = case["n"], case["m"], case["steps"]
    net = Network(activation=case["activation"], bias=True, train=case["train"])
    X, y = _problem(n=n, d=4, seed=1)
    params = init_params(net, m, 4, seed=2)
    run = gradient_descent(net, params, X, y, eta=0.5 / n, steps=steps, record=("predictions",))
    ref = reference.gradient_descent(net, *params.astuple(), X, y, 0.5 / n, steps)
    # As in the test above: a few ulps per step in a contracting run.
    assert_allclose(run.losses, ref["losses"], rtol=1e-12)
    assert_allclose(run.predictions, ref["preds"], rtol=1e-12, atol=1e-13)


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
