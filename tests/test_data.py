import doctest
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import integrate, special, stats

from checks import data

KS_SIGNIFICANCE = 1e-3

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)

GENERATORS = {
    "sphere": (lambda seed: data.sphere(7, 4, seed=seed), (7, 4)),
    "separated_sphere": (lambda seed: data.separated_sphere(7, 4, min_angle=0.4, seed=seed), (7, 4)),
    "orthonormal": (lambda seed: data.orthonormal(3, 5, seed=seed), (3, 5)),
    "near_parallel": (lambda seed: data.near_parallel(6, 3, angle=1e-3, seed=seed), (6, 3)),
    "with_parallel_pair": (lambda seed: data.with_parallel_pair(6, 3, seed=seed), (6, 3)),
    "with_duplicate": (lambda seed: data.with_duplicate(6, 3, seed=seed), (6, 3)),
    "radial_gaussian": (lambda seed: data.radial(9, 3, norm="gaussian", seed=seed), (9, 3)),
    "radial_cauchy": (lambda seed: data.radial(9, 3, norm="cauchy", seed=seed, scale=2.0), (9, 3)),
    "radial_uniform_ball": (lambda seed: data.radial(9, 3, norm="uniform_ball", seed=seed), (9, 3)),
    "radial_sum_of_spheres": (lambda seed: data.radial(9, 3, norm="sum_of_spheres", seed=seed), (9, 3)),
    "random_labels_sign": (lambda seed: data.random_labels(64, seed=seed), (64,)),
    "random_labels_gaussian": (lambda seed: data.random_labels(64, seed=seed, kind="gaussian"), (64,)),
}

DETERMINISTIC = {
    "circle": (lambda: data.circle(8), (8, 2)),
    "circle_angles": (lambda: data.circle_angles(8), (8,)),
    "normalize_rows": (lambda: data.normalize_rows(np.asfortranarray([[3.0, 4.0], [1.0, 1.0]])), (2, 2)),
    "ball_indicator": (lambda: data.ball_indicator(np.asfortranarray(np.eye(3)), radius=1.0), (3,)),
    "zonal_harmonic": (lambda: data.zonal_harmonic(data.circle(5), degree=3, direction=[1, 2]), (5,)),
    "sobolev_circle_target": (lambda: data.sobolev_circle_target(data.circle(5)[::-1], alpha=1.0), (5,)),
    "sum_of_spheres_norm_density": (
        lambda: data.sum_of_spheres_norm_density(np.linspace(-1.0, 3.0, 12).reshape(3, 4)[:, ::2], 4),
        (3, 2),
    ),
}


def ks_pvalue(sample, cdf):
    return stats.kstest(sample, cdf).pvalue


def line_angles(X):
    G = np.abs(X @ X.T)
    return G[~np.eye(X.shape[0], dtype=bool)]


def test_docstring_examples_run():
    result = doctest.testmod(data, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_shape_dtype_contiguity(name):
    make, shape = GENERATORS[name]
    X = make(3)
    assert X.shape == shape
    assert X.dtype == np.float64
    assert X.flags["C_CONTIGUOUS"]
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_shape_dtype_contiguity(name):
    make, shape = DETERMINISTIC[name]
    X = make()
    assert X.shape == shape
    assert X.dtype == np.float64
    assert X.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_bit_identical(name):
    make, _ = GENERATORS[name]
    assert_array_equal(make(11), make(11))
    assert_array_equal(make(np.int64(11)), make(11))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_different_seeds_differ(name):
    make, _ = GENERATORS[name]
    assert not np.array_equal(make(11), make(12))


@given(n=st.integers(1, 40), d=st.integers(2, 12), seed=SEEDS)
@settings(max_examples=60, deadline=None)
def test_sphere_rows_are_unit(n, d, seed):
    X = data.sphere(n, d, seed=seed)
    assert X.shape == (n, d)
    # Normalising by the float64 norm leaves each norm within a few ulps of 1.
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12, atol=0)


@given(n=st.integers(1, 20), k=st.integers(1, 20), d=st.integers(2, 8), seed=SEEDS)
@settings(max_examples=30, deadline=None)
def test_sphere_is_built_row_by_row(n, k, d, seed):
    k = min(k, n)
    assert_array_equal(data.sphere(k, d, seed=seed), data.sphere(n, d, seed=seed)[:k])


@pytest.mark.parametrize("d", [2, 3, 10])
def test_sphere_coordinate_law(d):
    X = data.sphere(4000, d, seed=20240601)
    half = (d - 1) / 2
    beta = stats.beta(half, half)
    # A uniform point's first coordinate x_1 has (x_1 + 1) / 2 ~ Beta((d-1)/2, (d-1)/2).
    assert ks_pvalue((X[:, 0] + 1) / 2, beta.cdf) > KS_SIGNIFICANCE
    assert ks_pvalue((X[:, -1] + 1) / 2, beta.cdf) > KS_SIGNIFICANCE


@st.composite
def separated_instances(draw):
    d = draw(st.integers(2, 6))
    n = draw(st.integers(1, 12))
    fraction = draw(st.floats(0.05, 1.0))
    # In d = 2 each accepted line rules out an arc of 2*min_angle of the pi of line
    # directions (less in higher d), so min_angle <= pi/(4n) leaves every candidate a
    # success probability >= 1/2 and max_tries = 10000 never runs out.
    min_angle = fraction * np.pi / (4 * n)
    seed = draw(SEEDS)
    return n, d, min_angle, seed


@given(separated_instances())
@example((12, 2, np.pi / 48, 0))
@example((1, 2, np.pi / 2, 0))
@settings(max_examples=60, deadline=None)
def test_separated_sphere_achieves_separation(instance):
    n, d, min_angle, seed = instance
    X = data.separated_sphere(n, d, min_angle=min_angle, seed=seed)
    assert X.shape == (n, d)
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12, atol=0)
    # Acceptance compared the same unit vectors' dot products; recomputing them with a
    # different summation order changes each by at most d*eps ~ 1e-15.
    assert np.all(line_angles(X) <= np.cos(min_angle) + 1e-12)


@given(separated_instances(), st.integers(1, 12))
@settings(max_examples=30, deadline=None)
def test_separated_sphere_is_built_row_by_row(instance, k):
    n, d, min_angle, seed = instance
    k = min(k, n)
    full = data.separated_sphere(n, d, min_angle=min_angle, seed=seed)
    assert_array_equal(data.separated_sphere(k, d, min_angle=min_angle, seed=seed), full[:k])


def test_separated_sphere_tight_packing_in_the_plane():
    min_angle = 0.9 * np.pi / 3
    X = data.separated_sphere(3, 2, min_angle=min_angle, seed=5)
    angles = np.arccos(np.clip(line_angles(X), -1.0, 1.0))
    # Dot products are exact to ~1e-16; arccos away from 1 magnifies that by < 2.
    assert np.all(angles >= min_angle - 1e-12)


@pytest.mark.parametrize(
    "n, d, min_angle",
    [
        (5, 2, 0.7),
        (3, 2, np.pi / 2),
        (2, 3, np.pi / 2),
    ],
)
def test_separated_sphere_infeasible_raises(n, d, min_angle):
    with pytest.raises(ValueError, match="min_angle"):
        data.separated_sphere(n, d, min_angle=min_angle, seed=0, max_tries=300)


@pytest.mark.parametrize("n, d", [(1, 1), (1, 4), (3, 3), (4, 9), (10, 10)])
def test_orthonormal_gram_is_identity(n, d):
    X = data.orthonormal(n, d, seed=n + d)
    # Householder QR is orthogonal to a few n*eps.
    assert_allclose(X @ X.T, np.eye(n), rtol=0, atol=1e-12)


@pytest.mark.parametrize("n, d", [(2, 2), (5, 8), (10, 10)])
def test_orthonormal_gives_du_lambda0_one_half(n, d):
    X = data.orthonormal(n, d, seed=1)
    G = X @ X.T
    H = G * (np.pi - np.arccos(np.clip(G, -1.0, 1.0))) / (2 * np.pi)
    # arccos(1 - delta) ~ sqrt(2 delta): a diagonal off by delta ~ 2e-16 moves H_ii by
    # ~2e-8 / (2 pi) ~ 3e-9, hence 1e-8 rather than a few eps.
    assert_allclose(np.linalg.eigvalsh(H), 0.5, rtol=0, atol=1e-8)


@pytest.mark.parametrize("n, d", [(1, 3), (3, 3), (4, 7)])
def test_orthonormal_sign_fix_makes_r_diagonal_positive(n, d):
    X = data.orthonormal(n, d, seed=9)
    G = np.random.default_rng(9).standard_normal((d, n))
    R = X @ G
    # R = Q^T G is the triangular factor; its entries are O(sqrt(d)), so a zero is ~1e-15.
    assert_allclose(np.tril(R, -1), 0.0, rtol=0, atol=1e-12)
    assert np.all(np.diag(R) > 0)


@pytest.mark.parametrize("angle", [1e-10, 1e-6, 1e-3, 0.5, np.pi / 2, 3.0, np.pi])
@pytest.mark.parametrize("d", [2, 5])
def test_near_parallel_angle_is_exact(angle, d):
    n = 6
    X = data.near_parallel(n, d, angle=angle, seed=17)
    x0, x1 = X[0], X[1]
    measured = 2 * np.arctan2(np.linalg.norm(x0 - x1), np.linalg.norm(x0 + x1))
    # Kahan's formula is accurate at every angle; the stored unit vectors carry
    # ~1e-16 per coordinate, which bounds the angle error absolutely at ~sqrt(d)*1e-16.
    assert_allclose(measured, angle, rtol=1e-12, atol=1e-14)
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12, atol=0)
    base = data.sphere(n, d, seed=17)
    assert_array_equal(X[0], base[0])
    assert_array_equal(X[2:], base[2:])


@pytest.mark.parametrize("factor", [2.0, 0.5, 1e-3, -1.0, -3.0])
def test_with_parallel_pair_is_exact(factor):
    X = data.with_parallel_pair(5, 4, seed=3, factor=factor)
    assert_array_equal(X[1], factor * X[0])
    # One multiplication per coordinate: the norm is |factor| to a few ulps.
    assert_allclose(np.linalg.norm(X[1]), abs(factor), rtol=1e-12)
    base = data.sphere(5, 4, seed=3)
    assert_array_equal(X[0], base[0])
    assert_array_equal(X[2:], base[2:])


def test_with_parallel_pair_default_factor_is_two():
    X = data.with_parallel_pair(3, 2, seed=0)
    assert_array_equal(X[1], 2.0 * X[0])


def test_with_duplicate_is_exact():
    X = data.with_duplicate(5, 3, seed=4)
    assert_array_equal(X[1], X[0])
    base = data.sphere(5, 3, seed=4)
    assert_array_equal(X[0], base[0])
    assert_array_equal(X[2:], base[2:])


@pytest.mark.parametrize("d", [3, 4, 5, 10, 50, 300])
def test_sum_of_spheres_density_integrates_to_one(d):
    total, error = integrate.quad(
        data.sum_of_spheres_norm_density, 0.0, 2.0, args=(d,), points=[np.sqrt(2.0)], limit=200,
        epsabs=0.0, epsrel=1e-12,
    )
    # quad's own error estimate is ~1e-12 here; 1e-9 leaves room for its heuristics.
    assert error < 1e-9
    assert_allclose(total, 1.0, rtol=1e-9)


@pytest.mark.parametrize("d", [3, 4, 7, 25])
def test_sum_of_spheres_density_cdf_is_beta(d):
    grid = np.linspace(0.0, 2.0, 9)
    cdf = [
        integrate.quad(data.sum_of_spheres_norm_density, 0.0, t, args=(d,), epsabs=1e-13, epsrel=1e-12)[0]
        for t in grid
    ]
    half = (d - 1) / 2
    # t^2/4 ~ Beta((d-1)/2, (d-1)/2) since <x1, x2> = t^2/2 - 1; quad is good to ~1e-12.
    assert_allclose(cdf, stats.beta.cdf(grid**2 / 4, half, half), rtol=0, atol=1e-10)


def test_sum_of_spheres_density_values():
    t = np.array([-0.5, 0.0, 0.7, 1.0, 2.0, 2.5, np.nan])
    out = data.sum_of_spheres_norm_density(t, 3)
    # d = 3: gamma'_3(t) = t / 2 on [0, 2]; gammaln/exp round-trips to a few ulps.
    assert_allclose(out[:-1], [0.0, 0.0, 0.35, 0.5, 1.0, 0.0], rtol=1e-13, atol=0)
    assert np.isnan(out[-1])
    d = 6
    c = special.gamma(d / 2) / (np.sqrt(np.pi) * special.gamma((d - 1) / 2))
    direct = c * t[2:5] ** (d - 2) * (1 - t[2:5] ** 2 / 4) ** ((d - 3) / 2)
    assert_allclose(data.sum_of_spheres_norm_density(t[2:5], d), direct, rtol=1e-12, atol=1e-300)
    assert np.isfinite(data.sum_of_spheres_norm_density(1.4, 5000))


def radial_norm_cdf(norm, d, scale):
    half = (d - 1) / 2
    laws = {
        "gaussian": lambda r: stats.chi2.cdf(d * (r / scale) ** 2, d),
        "cauchy": lambda r: stats.halfcauchy.cdf(r / scale),
        "uniform_ball": lambda r: np.clip(r / scale, 0.0, 1.0) ** d,
        "sum_of_spheres": lambda r: stats.beta.cdf((r / scale) ** 2 / 4, half, half),
    }
    return laws[norm]


@pytest.mark.parametrize("norm", data.RADIAL_NORMS)
@pytest.mark.parametrize("d, scale", [(3, 1.0), (8, 2.5)])
def test_radial_norm_law(norm, d, scale):
    X = data.radial(3000, d, norm=norm, seed=777, scale=scale)
    rho = np.linalg.norm(X, axis=1)
    assert ks_pvalue(rho, radial_norm_cdf(norm, d, scale)) > KS_SIGNIFICANCE
    theta = X / rho[:, None]
    half = (d - 1) / 2
    assert ks_pvalue((theta[:, 0] + 1) / 2, stats.beta(half, half).cdf) > KS_SIGNIFICANCE


@pytest.mark.parametrize("d", [3, 5, 12])
def test_sum_of_spheres_norm_matches_density_and_rejects_wrong_dimension(d):
    rho = np.linalg.norm(data.radial(4000, d, norm="sum_of_spheres", seed=2024), axis=1)

    def cdf(t, dim):
        half = (dim - 1) / 2
        return stats.beta.cdf(np.asarray(t) ** 2 / 4, half, half)

    assert ks_pvalue(rho, lambda t: cdf(t, d)) > KS_SIGNIFICANCE
    # Negative control: the test has the power to tell d from 2d at this sample size.
    assert ks_pvalue(rho, lambda t: cdf(t, 2 * d)) < KS_SIGNIFICANCE


@pytest.mark.parametrize("norm, bound", [("uniform_ball", 1.0), ("sum_of_spheres", 2.0)])
def test_radial_bounded_supports(norm, bound):
    scale = 1.5
    rho = np.linalg.norm(data.radial(5000, 4, norm=norm, seed=8, scale=scale), axis=1)
    # rho is scale * (a number <= bound) times a unit vector whose norm is 1 to ~1e-16.
    assert rho.max() <= scale * bound * (1 + 1e-12)


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_cauchy_tail_is_order_one_over_t(scale):
    n = 200_000
    rho = np.linalg.norm(data.radial(n, 3, norm="cauchy", seed=99, scale=scale), axis=1)
    t = scale * np.array([10.0, 30.0, 100.0, 300.0])
    observed = np.array([np.mean(rho >= s) for s in t])
    exact = 2 / np.pi * np.arctan(scale / t)
    # Four binomial standard deviations (counts of >= 400 at the largest t).
    assert np.all(np.abs(observed - exact) <= 4 * np.sqrt(exact * (1 - exact) / n))
    products = t * observed / scale
    # P[rho >= t] * t -> 2 scale / pi: roughly constant, and below Assumption 6's c_2 = scale.
    assert products.max() / products.min() < 1.25
    assert np.all(products < 1.0)
    assert_allclose(products, 2 / np.pi, rtol=0.2)


def test_ball_indicator_values():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.000001], [-0.6, 0.8], [2.0, 0.0]])
    assert_array_equal(data.ball_indicator(X, radius=5.0), [1.0, 1.0, 0.0, 1.0, 1.0])
    assert_array_equal(data.ball_indicator(X, radius=1.5), [1.0, 0.0, 0.0, 1.0, 0.0])


@pytest.mark.parametrize("d", [2, 6])
def test_ball_indicator_fraction_on_uniform_ball(d):
    n = 20_000
    y = data.ball_indicator(data.radial(n, d, norm="uniform_ball", seed=5, scale=2.0), radius=1.5)
    p = 0.75**d
    # Four binomial standard deviations.
    assert abs(y.mean() - p) <= 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("direction", [[1.0, 0.0], [0.3, -1.2]])
def test_zonal_harmonic_orthonormal_on_circle(direction):
    X = data.circle(64)
    Z = np.array([data.zonal_harmonic(X, degree=k, direction=direction) for k in range(11)])
    # Products have degree <= 20 < 64, where the equispaced rule is exact; what remains
    # is rounding in 64-term sums of O(1) values.
    assert_allclose(Z @ Z.T / X.shape[0], np.eye(11), rtol=0, atol=1e-12)


@pytest.mark.parametrize("d", [3, 4, 5, 8, 20])
def test_zonal_harmonic_orthonormal_by_gauss_jacobi(d):
    m = 40
    a = (d - 3) / 2
    t, w = special.roots_jacobi(m, a, a)
    w = w / w.sum()
    X = np.zeros((m, d))
    X[:, 0] = t
    X[:, 1] = np.sqrt(1 - t**2)
    Z = np.array([data.zonal_harmonic(X, degree=k, direction=np.eye(d)[0]) for k in range(13)])
    # <x, e> has density proportional to (1 - t^2)^((d-3)/2) under the uniform measure;
    # 40-node Gauss-Jacobi is exact to degree 79 >= 24. Observed rounding is ~3e-14.
    assert_allclose((Z * w) @ Z.T, np.eye(13), rtol=0, atol=1e-12)


def test_zonal_harmonic_orthonormal_by_monte_carlo_d3():
    n = 100_000
    X = data.sphere(n, 3, seed=31)
    direction = np.array([0.2, -0.5, 0.8])
    Z = np.array([data.zonal_harmonic(X, degree=k, direction=direction) for k in range(4)])
    products = Z[:, None, :] * Z[None, :, :]
    mean = products.mean(axis=2)
    sigma = products.std(axis=2) / np.sqrt(n)
    # Four standard errors of each sample mean (zero for Z_0^2 = 1, which is exact).
    assert np.all(np.abs(mean - np.eye(4)) <= 4 * sigma)


@pytest.mark.parametrize("d", [2, 3, 7])
def test_zonal_harmonic_degree_one_known_answer(d):
    X = data.sphere(20, d, seed=2)
    e = np.arange(1.0, d + 1)
    t = X @ (e / np.linalg.norm(e))
    # E[t^2] = 1/d on S^{d-1}, so Z_1 = sqrt(d) t; agreement to a few ulps.
    assert_allclose(data.zonal_harmonic(X, degree=1, direction=e), np.sqrt(d) * t, rtol=1e-12, atol=1e-14)


def test_zonal_harmonic_d3_degree_two_is_scaled_legendre():
    X = data.sphere(20, 3, seed=2)
    t = X[:, 2]
    expected = np.sqrt(5) * (3 * t**2 - 1) / 2
    assert_allclose(data.zonal_harmonic(X, degree=2, direction=[0, 0, 1]), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "d, value_at_pole",
    [
        (2, lambda k: 1.0 if k == 0 else np.sqrt(2.0)),
        (3, lambda k: np.sqrt(2 * k + 1)),
        (4, lambda k: k + 1.0),
    ],
)
@pytest.mark.parametrize("k", [0, 1, 2, 5, 9])
def test_zonal_harmonic_value_at_pole_is_sqrt_dimension(d, value_at_pole, k):
    e = np.eye(d)[0]
    # Z_k(e) = sqrt(N(d, k)): N(2, k) = 2, N(3, k) = 2k + 1, N(4, k) = (k + 1)^2.
    assert_allclose(data.zonal_harmonic(e[None, :], degree=k, direction=e), [value_at_pole(k)], rtol=1e-12)


def test_zonal_harmonic_direction_is_normalised():
    X = data.sphere(30, 4, seed=6)
    e = np.array([1.0, -2.0, 0.5, 3.0])
    # Normalising e and 3.7 e rounds differently in the last ulp.
    assert_allclose(
        data.zonal_harmonic(X, degree=4, direction=3.7 * e),
        data.zonal_harmonic(X, degree=4, direction=e),
        rtol=1e-12,
        atol=1e-13,
    )


def test_random_labels_values():
    n = 10_000
    y = data.random_labels(n, seed=1)
    assert set(np.unique(y).tolist()) == {-1.0, 1.0}
    # Four standard errors of a mean of +-1 signs.
    assert abs(y.mean()) <= 4 / np.sqrt(n)
    g = data.random_labels(n, seed=1, kind="gaussian")
    assert ks_pvalue(g, stats.norm.cdf) > KS_SIGNIFICANCE


def sobolev_direct(X, alpha, terms, excess):
    phi = np.arctan2(X[:, 1], X[:, 0])
    total = np.zeros_like(phi)
    for k in range(1, terms + 1):
        total += float(k) ** -(alpha + 0.5 + excess) * np.cos(float(k) * phi)
    return total


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0])
@pytest.mark.parametrize("terms", [1, 7, 4096])
def test_sobolev_target_matches_direct_sum(alpha, terms):
    X = np.vstack([data.circle(64), 3.0 * data.sphere(20, 2, seed=1)])
    f = data.sobolev_circle_target(X, alpha=alpha, terms=terms)
    assert np.all(np.isfinite(f))
    scale = np.sum(np.arange(1.0, terms + 1) ** -(alpha + 0.55))
    # Same cos(k phi) values, different summation order: error <= terms * eps * sum |c_k|.
    assert_allclose(f, sobolev_direct(X, alpha, terms, 0.05), rtol=0, atol=terms * 1e-15 * scale)
    assert_allclose(f[0], scale, rtol=1e-12)


@pytest.mark.parametrize("alpha, excess", [(1.0, 0.05), (2.0, 0.3)])
def test_sobolev_target_fourier_coefficients(alpha, excess):
    terms, N = 100, 512
    f = data.sobolev_circle_target(data.circle(N), alpha=alpha, terms=terms, excess=excess)
    c = 2 * np.fft.rfft(f).real / N
    expected = np.zeros(N // 2 + 1)
    expected[1 : terms + 1] = np.arange(1.0, terms + 1) ** -(alpha + 0.5 + excess)
    # An FFT of values bounded by sum c_k < 2 rounds to ~eps * log2(N) * 2 ~ 1e-14.
    assert_allclose(c[: N // 2], expected[: N // 2], rtol=0, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_sobolev_truncation_error_obeys_documented_bound(alpha):
    excess = 0.05
    K = 64
    beta = alpha + 0.5 + excess
    X = data.circle(1024)
    gap = data.sobolev_circle_target(X, alpha=alpha, terms=4 * K) - data.sobolev_circle_target(X, alpha=alpha, terms=K)
    squared = np.mean(gap**2)
    k = np.arange(K + 1, 4 * K + 1, dtype=float)
    # Parseval on a degree-256 polynomial with 1024 exact quadrature nodes.
    assert_allclose(squared, 0.5 * np.sum(k ** (-2 * beta)), rtol=1e-10)
    assert squared <= K ** (1 - 2 * beta) / (2 * (2 * beta - 1))


def test_circle_points_and_angles():
    phi = data.circle_angles(6)
    assert_allclose(phi, np.pi * np.arange(6) / 3, rtol=1e-15, atol=0)
    X = data.circle(6)
    assert_allclose(X, np.column_stack((np.cos(phi), np.sin(phi))), rtol=0, atol=0)
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-15)


def test_normalize_rows_values():
    X = np.array([[3.0, 4.0], [0.0, -2.0], [1e-200, 1e-200], [-1e300, 1e300], [5e-324, 0.0]])
    out = data.normalize_rows(X)
    # Squares of 1e-200 underflow and of 1e300 overflow: only a rescaled norm gets these.
    expected = [[0.6, 0.8], [0.0, -1.0], [np.sqrt(0.5), np.sqrt(0.5)], [-np.sqrt(0.5), np.sqrt(0.5)], [1.0, 0.0]]
    assert_allclose(out, expected, rtol=1e-15)
    assert_array_equal(X[0], [3.0, 4.0])


@given(rows=st.lists(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=1, max_size=8))
@example(rows=[[0.0, 2.0, 5e-324]])
@example(rows=[[5e-324, 0.0, -5e-324], [0.0, 0.0, 0.0]])
@settings(max_examples=50, deadline=None)
def test_normalize_rows_gives_unit_rows_or_names_the_zero_row(rows):
    X = np.array(rows)
    if np.any(np.all(X == 0.0, axis=1)):
        with pytest.raises(ValueError, match="^X "):
            data.normalize_rows(X)
        return
    out = data.normalize_rows(X)
    # Each row is rescaled by its largest entry before its norm is taken: a few ulps.
    assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-12)
    reference = np.array([row / math.hypot(*row) for row in X])
    # Entries are at most 1, so a few ulps of 1 absolutely (a subnormal entry next to a
    # large one may round to 0, which this allows).
    assert_allclose(out, reference, rtol=0, atol=1e-15)


BAD_X = [
    (np.array([1.0, 2.0]), ValueError),
    (np.zeros((0, 2)), ValueError),
    (np.array([[1.0, np.nan]]), ValueError),
    (np.array([[1.0, np.inf]]), ValueError),
    (np.array([[1.0 + 1j, 0.0]]), TypeError),
    (np.array([["a", "b"]]), TypeError),
    ([[1.0, 2.0], [3.0]], TypeError),
]

ERRORS = [
    (data.sphere, dict(n=0, d=3, seed=0), ValueError, "n"),
    (data.sphere, dict(n=2.0, d=3, seed=0), TypeError, "n"),
    (data.sphere, dict(n=True, d=3, seed=0), TypeError, "n"),
    (data.sphere, dict(n=3, d=1, seed=0), ValueError, "d"),
    (data.sphere, dict(n=3, d="3", seed=0), TypeError, "d"),
    (data.sphere, dict(n=3, d=3, seed=-1), ValueError, "seed"),
    (data.sphere, dict(n=3, d=3, seed=1.5), TypeError, "seed"),
    (data.sphere, dict(n=3, d=3, seed=None), TypeError, "seed"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=0.0, seed=0), ValueError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=-0.1, seed=0), ValueError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=np.pi / 2 + 1e-9, seed=0), ValueError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=np.nan, seed=0), ValueError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=np.inf, seed=0), ValueError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle="0.3", seed=0), TypeError, "min_angle"),
    (data.separated_sphere, dict(n=3, d=3, min_angle=0.3, seed=0, max_tries=0), ValueError, "max_tries"),
    (data.separated_sphere, dict(n=0, d=3, min_angle=0.3, seed=0), ValueError, "n"),
    (data.orthonormal, dict(n=4, d=3, seed=0), ValueError, "n"),
    (data.orthonormal, dict(n=1, d=0, seed=0), ValueError, "d"),
    (data.near_parallel, dict(n=3, d=3, angle=0.0, seed=0), ValueError, "angle"),
    (data.near_parallel, dict(n=3, d=3, angle=3.2, seed=0), ValueError, "angle"),
    (data.near_parallel, dict(n=3, d=3, angle=np.nan, seed=0), ValueError, "angle"),
    (data.near_parallel, dict(n=1, d=3, angle=0.1, seed=0), ValueError, "n"),
    (data.with_parallel_pair, dict(n=3, d=3, seed=0, factor=1.0), ValueError, "factor"),
    (data.with_parallel_pair, dict(n=3, d=3, seed=0, factor=0), ValueError, "factor"),
    (data.with_parallel_pair, dict(n=3, d=3, seed=0, factor=np.inf), ValueError, "factor"),
    (data.with_parallel_pair, dict(n=3, d=3, seed=0, factor=None), TypeError, "factor"),
    (data.with_parallel_pair, dict(n=1, d=3, seed=0), ValueError, "n"),
    (data.with_duplicate, dict(n=1, d=3, seed=0), ValueError, "n"),
    (data.with_duplicate, dict(n=2, d=1, seed=0), ValueError, "d"),
    (data.radial, dict(n=3, d=3, norm="laplace", seed=0), ValueError, "norm"),
    (data.radial, dict(n=3, d=3, norm=3, seed=0), TypeError, "norm"),
    (data.radial, dict(n=3, d=3, norm="cauchy", seed=0, scale=0.0), ValueError, "scale"),
    (data.radial, dict(n=3, d=3, norm="cauchy", seed=0, scale=-1.0), ValueError, "scale"),
    (data.radial, dict(n=3, d=3, norm="cauchy", seed=0, scale=np.nan), ValueError, "scale"),
    (data.radial, dict(n=3, d=1, norm="gaussian", seed=0), ValueError, "d"),
    (data.sum_of_spheres_norm_density, dict(t=1.0, d=2), ValueError, "d"),
    (data.sum_of_spheres_norm_density, dict(t="x", d=3), TypeError, "t"),
    (data.circle, dict(n=0), ValueError, "n"),
    (data.circle_angles, dict(n=-2), ValueError, "n"),
    (data.ball_indicator, dict(X=[[1.0, 0.0]], radius=0.0), ValueError, "radius"),
    (data.ball_indicator, dict(X=[[1.0, 0.0]], radius=np.inf), ValueError, "radius"),
    (data.zonal_harmonic, dict(X=[[2.0, 0.0]], degree=1, direction=[1.0, 0.0]), ValueError, "X"),
    (data.zonal_harmonic, dict(X=[[1.0]], degree=1, direction=[1.0]), ValueError, "X"),
    (data.zonal_harmonic, dict(X=[[1.0, 0.0]], degree=-1, direction=[1.0, 0.0]), ValueError, "degree"),
    (data.zonal_harmonic, dict(X=[[1.0, 0.0]], degree=1.5, direction=[1.0, 0.0]), TypeError, "degree"),
    (data.zonal_harmonic, dict(X=[[1.0, 0.0]], degree=1, direction=[0.0, 0.0]), ValueError, "direction"),
    (data.zonal_harmonic, dict(X=[[1.0, 0.0]], degree=1, direction=[1.0, 0.0, 0.0]), ValueError, "direction"),
    (data.zonal_harmonic, dict(X=[[1.0, 0.0]], degree=1, direction=[np.nan, 1.0]), ValueError, "direction"),
    (data.random_labels, dict(n=0, seed=0), ValueError, "n"),
    (data.random_labels, dict(n=3, seed=0, kind="laplace"), ValueError, "kind"),
    (data.random_labels, dict(n=3, seed=0, kind=None), TypeError, "kind"),
    (data.sobolev_circle_target, dict(X=[[1.0, 0.0, 0.0]], alpha=1.0), ValueError, "X"),
    (data.sobolev_circle_target, dict(X=[[0.0, 0.0]], alpha=1.0), ValueError, "X"),
    (data.sobolev_circle_target, dict(X=[[1.0, 0.0]], alpha=-1.0), ValueError, "alpha"),
    (data.sobolev_circle_target, dict(X=[[1.0, 0.0]], alpha=1.0, terms=0), ValueError, "terms"),
    (data.sobolev_circle_target, dict(X=[[1.0, 0.0]], alpha=1.0, excess=0.0), ValueError, "excess"),
    (data.normalize_rows, dict(X=[[1.0, 2.0], [0.0, 0.0]]), ValueError, "X"),
]


@pytest.mark.parametrize(
    "func, kwargs, error, name",
    ERRORS,
    ids=[f"{f.__name__}-{name}-{i}" for i, (f, _, _, name) in enumerate(ERRORS)],
)
def test_validation_errors_name_the_argument(func, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}\b"):
        func(**kwargs)


@pytest.mark.parametrize("bad, error", BAD_X, ids=range(len(BAD_X)))
@pytest.mark.parametrize(
    "func",
    [
        data.normalize_rows,
        lambda X: data.ball_indicator(X, radius=1.0),
        lambda X: data.zonal_harmonic(X, degree=1, direction=[1.0, 0.0]),
        lambda X: data.sobolev_circle_target(X, alpha=1.0),
    ],
    ids=["normalize_rows", "ball_indicator", "zonal_harmonic", "sobolev_circle_target"],
)
def test_bad_x_is_rejected_by_name(func, bad, error):
    with pytest.raises(error, match="^X "):
        func(bad)
