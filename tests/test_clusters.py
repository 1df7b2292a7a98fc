"""The noisy two-cluster data of Frei, Chatterji & Bartlett (2022) and the Monte Carlo test error."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sps

from checks import clusters, data
from checks.theorem import DataSpec


@pytest.mark.parametrize("n, noise, flips", [(10, 0.1, 1), (20, 0.1, 2), (50, 0.15, 8),
                                             (7, 0.0, 0), (9, 0.49, 4)])
def test_training_sample_flips_exactly_round_eta_n(n, noise, flips):
    sample = clusters.noisy_clusters_sample(n, 30, mu_norm=3.0, noise=noise, seed=4)
    assert sample.flipped.sum() == flips == round(noise * n)
    np.testing.assert_array_equal(sample.y, np.where(sample.flipped, -sample.clean, sample.clean))
    assert set(np.unique(sample.y)) <= {-1.0, 1.0}


def test_the_model_x_is_z_plus_clean_label_times_mu():
    """x − ỹµ has the cluster law's moments: mean 0, covariance diag(linspace(κ, 1))."""
    n, p, kappa = 20000, 6, 0.25
    s = clusters.noisy_clusters_sample(n, p, mu_norm=2.0, noise=0.1, seed=1, kappa=kappa,
                                       covariance="diagonal")
    assert_allclose(np.linalg.norm(s.mu), 2.0, rtol=1e-15)
    z = s.X - s.clean[:, None] * s.mu
    # standard errors: 1/√n ≈ 0.007 for the mean, √(2/n) σ² for the variances; 5 SE margins
    assert_allclose(z.mean(axis=0), 0.0, atol=5 / math.sqrt(n))
    assert_allclose(z.var(axis=0), np.linspace(kappa, 1.0, p), rtol=5 * math.sqrt(2 / n))
    assert abs(s.clean.mean()) < 5 / math.sqrt(n)  # ỹ uniform on ±1


def test_same_seed_same_sample_and_labels_through_checks_data():
    a = clusters.noisy_clusters_sample(12, 40, mu_norm=5.0, noise=0.2, seed=3)
    b = clusters.noisy_clusters_sample(12, 40, mu_norm=5.0, noise=0.2, seed=3)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    # As a DataSpec: the generator and its label function reproduce the same draw.
    options = (("mu_norm", 5.0), ("noise", 0.2))
    spec = DataSpec("noisy_clusters", n=12, d=40, seed=3, options=options, labels="function",
                    label_options=(("target", "noisy_cluster_labels"), ("seed", 3), *options))
    X, y = spec.arrays()
    np.testing.assert_array_equal(X, a.X)
    np.testing.assert_array_equal(y, a.y)


def test_labels_of_other_inputs_are_refused():
    X = data.noisy_clusters(8, 5, seed=0, mu_norm=2.0, noise=0.25)
    with pytest.raises(ValueError, match="X must be the inputs drawn by noisy_clusters"):
        data.noisy_cluster_labels(X, seed=1, mu_norm=2.0, noise=0.25)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=0), "n must be"),
    (dict(p=0), "p must be"),
    (dict(mu_norm=-1.0), "mu_norm must be"),
    (dict(noise=0.5), "noise must be"),
    (dict(noise=-0.1), "noise must be"),
    (dict(kappa=0.0), "kappa must be"),
    (dict(covariance="full"), "covariance must be"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    args = {**dict(n=5, p=3, mu_norm=1.0, noise=0.1, seed=0), **kwargs}
    with pytest.raises(ValueError, match=match):
        clusters.noisy_clusters_sample(args.pop("n"), args.pop("p"), **args)


@pytest.mark.parametrize("mu_norm, noise", [(1.0, 0.1), (2.0, 0.2), (0.5, 0.0)])
def test_test_error_of_the_bayes_direction_matches_its_closed_form(mu_norm, noise):
    """For f(x) = ⟨µ, x⟩ on isotropic clusters the clean error is Φ(−‖µ‖), so P(y ≠ sgn f) =
    η + (1 − 2η) Φ(−‖µ‖). The 99.9% interval must contain it (a fixed seed: deterministic)."""
    p = 8
    mu = clusters.mean_vector(p, mu_norm)
    te = clusters.test_error(lambda X: X @ mu, p, mu_norm=mu_norm, noise=noise, draws=40000,
                             seed=5, alpha=1e-3)
    exact = noise + (1 - 2 * noise) * sps.norm.cdf(-mu_norm)
    assert te.low <= exact <= te.high
    assert te.draws == 40000 and te.high - te.low < 0.02


def test_a_classifier_that_returns_zero_or_nan_errs():
    te = clusters.test_error(lambda X: np.where(X[:, 0] > 0, 0.0, np.nan), 3, mu_norm=1.0,
                             noise=0.1, draws=500, seed=0)
    assert te.errors == 500 and te.high == 1.0
