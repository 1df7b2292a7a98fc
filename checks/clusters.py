"""The noisy two-cluster data of Frei, Chatterji & Bartlett (2022), and test error by Monte Carlo.

The model (Frei, Chatterji & Bartlett 2022, §2.2, "Setting", and Example 1):

1. a clean label ỹ uniform on {−1, +1};
2. a cluster draw z ~ P_clust, here N(0, Σ) with Σ = diag(σ_1², …, σ_p²), the σ_k² evenly spaced
   on [κ, 1] (κ = 1: the identity), so that ‖Σ‖₂ ≤ 1 and ‖Σ⁻¹‖₂ ≤ 1/κ as Example 1 asks, and
   P_clust is a product distribution as §2.2 asks;
3. x = z + ỹ µ, with µ = ‖µ‖ (1, …, 1)/√p;
4. the observed label y = −ỹ with probability η, else ỹ.

A training sample flips *exactly* round(η n) labels, chosen uniformly at random, so that its
noise rate is η up to rounding, and the test error can be compared with η; the population (test
draws) flips each label independently with probability η, the paper's "random classification
noise" (§3, p. 7), for which the test error of any classifier is at least η (1 − P(clean
error)) + (1 − η) P(clean error) ≥ min(η, 1 − η).

Every draw comes from ``np.random.default_rng(seed)``, in a fixed order (ỹ, z, flips), so the same
seed and sizes give the same sample bit for bit.
"""

from dataclasses import dataclass
import math

import numpy as np
from checks import data as datasets, stats

COVARIANCES = ("identity", "diagonal")


@dataclass(frozen=True)
class ClusterSample:
    """A sample of the noisy two-cluster model.

    Attributes
    ----------
    X : ndarray (n, p)
    y : ndarray (n,)
        Observed labels ±1 (some flipped).
    clean : ndarray (n,)
        The clean labels ỹ.
    flipped : ndarray (n,) of bool
        y ≠ ỹ.
    mu : ndarray (p,)
    """

    X: np.ndarray
    y: np.ndarray
    clean: np.ndarray
    flipped: np.ndarray
    mu: np.ndarray


def _check(n, p, mu_norm, noise, kappa, covariance):
    n = datasets._check_int("n", n, 1)
    p = datasets._check_int("p", p, 1)
    mu_norm = datasets._check_real("mu_norm", mu_norm, low=0.0)
    noise = datasets._check_real("noise", noise, low=0.0, high=0.5, high_open=True)
    kappa = datasets._check_real("kappa", kappa, low=0.0, high=1.0, low_open=True)
    covariance = datasets._check_choice("covariance", covariance, COVARIANCES)
    return n, p, mu_norm, noise, kappa, covariance


def cluster_scales(p, kappa, covariance="diagonal"):
    """The standard deviations σ_k of P_clust = N(0, diag(σ²)): σ_k² evenly spaced on [κ, 1]
    ("diagonal"), or all 1 ("identity")."""
    if covariance == "identity" or p == 1:
        return np.ones(p)
    return np.sqrt(np.linspace(kappa, 1.0, p))


def mean_vector(p, mu_norm):
    """µ = ‖µ‖ (1, …, 1)/√p."""
    return np.full(p, mu_norm / math.sqrt(p))


def _draw(rng, n, p, mu_norm, kappa, covariance):
    clean = rng.choice(np.array([-1.0, 1.0]), size=n)
    z = rng.standard_normal((n, p)) * cluster_scales(p, kappa, covariance)
    mu = mean_vector(p, mu_norm)
    return z + clean[:, None] * mu, clean, mu


def noisy_clusters_sample(n, p, *, mu_norm, noise, seed, kappa=1.0, covariance="identity"):
    """A training sample: n points of the noisy two-cluster model (module docstring) with exactly
    round(η n) labels flipped, chosen uniformly at random.

    Parameters
    ----------
    n, p : int >= 1
    mu_norm : float >= 0
        ‖µ‖.
    noise : float in [0, 0.5)
        η.
    seed : int
    kappa : float in (0, 1]
        The smallest cluster variance (``covariance="diagonal"``).
    covariance : {"identity", "diagonal"}

    Returns
    -------
    ClusterSample

    References
    ----------
    Frei, Chatterji & Bartlett (2022), "Benign overfitting without linearity", PMLR 178:2668–2703,
    §2.2 and Example 1.
    """
    n, p, mu_norm, noise, kappa, covariance = _check(n, p, mu_norm, noise, kappa, covariance)
    rng = datasets._rng(seed)
    X, clean, mu = _draw(rng, n, p, mu_norm, kappa, covariance)
    flipped = np.zeros(n, dtype=bool)
    flipped[rng.permutation(n)[:round(noise * n)]] = True
    y = np.where(flipped, -clean, clean)
    return ClusterSample(X, y, clean, flipped, mu)


def noisy_clusters(n, d, *, seed, mu_norm, noise, kappa=1.0, covariance="identity"):
    """The inputs X of ``noisy_clusters_sample`` (a ``checks.data`` generator: (n, d, seed=…,
    **options)); its labels are the registered label function "noisy_clusters"."""
    return noisy_clusters_sample(n, d, mu_norm=mu_norm, noise=noise, seed=seed, kappa=kappa,
                                 covariance=covariance).X


def noisy_cluster_labels(X, *, seed, mu_norm, noise, kappa=1.0, covariance="identity"):
    """The observed labels of the ``noisy_clusters`` sample with these options whose inputs are X
    (a ``checks.data`` label function). ValueError when X is not that sample's inputs."""
    X = datasets._check_matrix("X", X)
    sample = noisy_clusters_sample(X.shape[0], X.shape[1], mu_norm=mu_norm, noise=noise,
                                   seed=seed, kappa=kappa, covariance=covariance)
    if not np.array_equal(sample.X, X):
        raise ValueError("X must be the inputs drawn by noisy_clusters with the same seed and "
                         "options: its labels come from the same draw")
    return sample.y


@dataclass(frozen=True)
class TestError:
    """A Monte Carlo estimate of P(y ≠ sgn f(x)) with its Clopper–Pearson interval.

    ``errors`` of ``draws`` fresh points were misclassified; [low, high] is the two-sided
    interval at level 1 − α."""

    errors: int
    draws: int
    low: float
    high: float
    alpha: float

    @property
    def estimate(self):
        return self.errors / self.draws


def test_error(predict, p, *, mu_norm, noise, draws, seed, alpha=0.01, kappa=1.0,
               covariance="identity", chunk=4096):
    """P(y ≠ sgn f(x)) on ``draws`` fresh points of the population (labels flipped independently
    with probability η), estimated by Monte Carlo with its Clopper–Pearson interval.

    ``predict(X) -> f(X)`` (shape (k,)); a point with f(x) = 0 or f(x) not finite counts as an
    error (sgn f(x) is no label). Points are drawn in chunks of ``chunk`` so that no draws × p
    array is held.
    """
    draws = datasets._check_int("draws", draws, 1)
    _, p, mu_norm, noise, kappa, covariance = _check(1, p, mu_norm, noise, kappa, covariance)
    rng = datasets._rng(seed)
    errors = 0
    for start in range(0, draws, chunk):
        k = min(chunk, draws - start)
        X, clean, _ = _draw(rng, k, p, mu_norm, kappa, covariance)
        y = np.where(rng.random(k) < noise, -clean, clean)
        f = np.asarray(predict(X), dtype=float)
        errors += int(np.sum(~(y * f > 0)))
    low, high = stats.clopper_pearson(errors, draws, confidence=1.0 - alpha)
    return TestError(errors, draws, low, high, alpha)


test_error.__test__ = False  # not a pytest test, whatever its name
