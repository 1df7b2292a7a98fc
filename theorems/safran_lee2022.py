"""Safran, Lee 2022 — "Optimization-Based Separations for Neural Networks" (COLT 2022,
PMLR 178:3–64; arXiv:2112.02393). Read from the PMLR PDF (theorems/SOURCES.md §5).

The strong architecture, Eq. (2): x ↦ [Σ_j w_j erf(⟨u_j, x⟩ + b_j)]_+^1, no output bias, hidden
layer drawn by Assumption 7 (u_j ~ N(0, ¼I_d), b_j ~ N(0, ¼), w ~ N(0, r⁻²I_r)) and held fixed; only
w is trained by full-batch GD on F̂(w) = (1/n) Σ_i ([wᵀx̃_i]_+^1 − y_i)² (Eq. (6)), labels
y = 1{‖x‖ ≤ λ}, λ ∈ [1, 2], radial data (Assumption 6). Theorem 8's sizes (r ≥ 12000⁴ ≈ 2·10¹⁶,
n = ⌈c r³ log₂² r⌉, η < ν/(8r) with ν = C/(840·9⁴·10⁶)) cannot be run: every claim that needs them
says so in literal mode, and the checks are the ones that hold or can be measured at any size:

* exact identities: Proposition 21's truncated feature means, Proposition 22's properties of f_ξ,
  the norm density γ'_d of D'_d (Eq. (5));
* bounds at any size: ‖∇F̂(w_t)‖ ≤ 2√r along GD (App. G.2; true for every w, so a check of our
  gradient), Theorem 13's generalisation gap;
* Eq. (66) at laptop sizes: GD on the output weights does not move away from a well-trained
  reference (its contraction factor 1 − ην/2 is 1 − 10⁻¹⁵ there, within rounding);
* the clip ablation (an illustration: the paper makes no quantitative claim at laptop scale);
* Theorem 9's reference vector as printed versus normalised per truncation group (a finding);
* Theorem 8's scaling: the observed order of the test error in the width r (|Cauchy| and Gaussian
  norms), and in d on D'_d with the width grown like q(d)⁴, with fully trained Eq. (1) networks
  beside Eq. (2) in the figure (an illustration of Theorem 3, not judged).

The GD runs on the output weights use ``checks.features`` (features computed once), which agrees
with the general kernel to rounding; the gradient-norm theorem runs on the general kernel itself.
"""

from dataclasses import replace
import functools
import math

import numpy as np
from scipy import integrate, stats as sps
from scipy.special import erf, owens_t

from checks import data, engine, stats
from checks import features as feat
from checks.network import Network, forward, init_params
from checks.space import Family, SearchSpace, StudySpace
from checks.study import Finding, Plot, Series, Study
from checks.theorem import (Citation, Conclusion, Constant, Hypothesis, Instance, Theorem,
                            envelope_evidence, register)
from checks.training import gradient_descent_batch

TITLE = "Optimization-Based Separations for Neural Networks"


def cite(where):
    return Citation("Safran, Lee", 2022, TITLE + " (COLT 2022, PMLR 178:3–64)", "2112.02393",
                    where)


# Theorem 8's literal sizes (PMLR p. 12): r ≥ 12000⁴; ν = C/(840·9⁴·10⁶).
LITERAL_MIN_WIDTH = 12000.0 ** 4
NU_DENOMINATOR = 840.0 * 9.0 ** 4 * 1e6
# C of Assumption 6(1) for the |Cauchy| norms of checks.data.radial: ∫_0^2 γ_d = P(|C| ≤ 2)
# = (2/π) arctan 2 (the standard Cauchy's CDF).
CAUCHY_MASS_BELOW_2 = 2.0 / math.pi * math.atan(2.0)
# The radius of the ball indicator in every run: the middle of Theorem 8's λ ∈ [1, 2] (and the
# THEOREMS.md quick run's λ = 1.5).
LAMBDA = 1.5
# Seeds of a measurement: base·100000 + j (as du2019) for trial j's network, and every other random
# object of a claim offset from them, so that no two objects of one claim share a default_rng
# stream (a shared stream makes them proportional draws, not independent ones): a trial's sample
# and held-out set, Eq. (1)'s initialisations and the bootstrap of an order fit. The ranges stay
# disjoint while base·100000 + 10⁶ (the engine's confirmation offset) + trials < 5·10⁷, i.e. for
# base seeds below ~490. Across claims, trial j of one study may share streams with trial j of
# another: they are separate checks, never combined.
SEED_STRIDE = 100_000
DATA_SEED_OFFSET = 50_000_000
TEST_SEED_OFFSET = 70_000_000
EQ1_INIT_SEED_OFFSET = 80_000_000
BOOTSTRAP_SEED_OFFSET = 90_000_000


def literal_reason(C=CAUCHY_MASS_BELOW_2, eps=0.1):
    """Why Theorem 8's literal setting cannot run, with its numbers (ε = 0.1, c = 1, |Cauchy| C)."""
    r = LITERAL_MIN_WIDTH
    nu = C / NU_DENOMINATOR
    n = r ** 3 * math.log2(r) ** 2
    eta = nu / (8.0 * r)
    steps = 2.0 / (eta * nu) * math.log(r / (8.0 * eps))
    return (f"Theorem 8 needs r ≥ 12000⁴ = {r:.3g}, n = ⌈c r³ log₂² r⌉ ≥ {n:.3g} (c ≥ 1), "
            f"η < ν/(8r) = {eta:.3g} with ν = C/(840·9⁴·10⁶) = {nu:.3g} (C = {C:.3f}, |Cauchy| "
            f"norms) and up to T = 2η⁻¹ν⁻¹ ln(r/8ε) = {steps:.3g} steps at ε = {eps}: one step "
            f"alone is ≈ {n * r:.3g} multiply-adds")


def _trial_seeds(seed, count, offset=0):
    start = seed * SEED_STRIDE + offset
    return tuple(range(start, start + count))


def _nonfinite(statistics):
    """The names of the statistics (name → number or array) that are not all finite."""
    return [name for name, v in statistics.items() if not np.all(np.isfinite(v))]


def _nonfinite_finding(names, values, plots=()):
    """INCONCLUSIVE: a NaN or infinite statistic is never "within a bound" (nor outside one)."""
    return Finding(engine.INCONCLUSIVE, "non-finite statistic(s) " + ", ".join(names)
                   + ": no verdict (a broken computation, reported rather than judged)", values,
                   plots)


def _rate_text(judgement):
    return (f"{judgement.failures}/{judgement.trials} trials failed (95% interval "
            f"[{judgement.low:.3f}, {judgement.high:.3f}])")


# -------------------------------------------------------------------------------------------------
# 1. Proposition 21: E[erf(⟨U, x⟩ + B)] with B truncated from below

ERF1 = float(erf(1.0))


def prop21_closed_form(z, cut, constant=2.0 / math.pi):
    """Proposition 21 (PMLR p. 34): E_{U,B}[erf(⟨U, x⟩ + B)] at ‖x‖ = z, B ~ N(0, ¼) conditioned on
    B ≥ cut: (2/π) arctan(1/√(2 + z²)) for cut = 0 (``constant`` = 2/π) and
    4/(1 − erf 1) · T(√2, 1/√(2 + z²)) for cut = 1/√2, T Owen's T function (Eq. (16))."""
    a = 1.0 / np.sqrt(2.0 + np.asarray(z, dtype=float) ** 2)
    if cut == 0.0:
        return constant * np.arctan(a)
    return 4.0 / (1.0 - ERF1) * owens_t(math.sqrt(2.0), a)


PROP21_CUTS = (0.0, 1.0 / math.sqrt(2.0))
PROP21_NORMS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
PROP21_DIM = 5
# Family-wise level of the Monte Carlo comparison (two-sided, Bonferroni over the 2 × 9 points).
PROP21_ALPHA = 0.01
# Neurons drawn per profile: the CI half-width scales as 1/√(neurons kept).
PROP21_NEURONS = {"ci": 400_000, "dev": 2_000_000, "thorough": 8_000_000}


def _prop21_measure(study, mode, profile, seed):
    r = PROP21_NEURONS.get(profile.name, PROP21_NEURONS["ci"])
    dim = study.options.get("dim", PROP21_DIM)
    norms = study.options.get("norms", PROP21_NORMS)
    U, B, _ = feat.init_features(r, dim, seed=seed * SEED_STRIDE)
    rng = np.random.default_rng(seed * SEED_STRIDE + 1)
    direction = rng.standard_normal(dim)
    direction /= np.linalg.norm(direction)
    X = np.outer(norms, direction)
    K = 2 * len(norms)
    zcrit = float(sps.norm.ppf(1.0 - PROP21_ALPHA / (2 * K)))
    values, series, zs = {}, [], []
    for name, cut in zip(("b0", "b1"), PROP21_CUTS):
        keep = B >= cut
        Xt = feat.features(X, U[keep], B[keep])
        mean = Xt.mean(axis=1)
        se = Xt.std(axis=1, ddof=1) / math.sqrt(Xt.shape[1])
        closed = prop21_closed_form(np.array(norms), cut,
                                    study.options["constant"] if cut == 0.0 else 2 / math.pi)
        z = np.abs(mean - closed) / se
        zs.append(z)
        values[f"{name}_neurons"] = int(keep.sum())
        values[f"{name}_max_abs_z"] = float(z.max())
        values[f"{name}_max_abs_error"] = float(np.max(np.abs(mean - closed)))
        series += [Series(f"Monte Carlo, B ≥ {cut:.3g}", norms, mean, "o",
                          tuple(zcrit * se)),
                   Series(f"closed form, B ≥ {cut:.3g}", norms, closed, "-")]
    values["z_critical"] = zcrit
    # np.max propagates a NaN (Python's max would drop it), and a NaN is never ≤ zcrit.
    worst = float(np.max(zs))
    holds = worst <= zcrit
    reason = (f"largest |Monte Carlo − closed form| / SE = {worst:.3g} "
              f"{'≤' if holds else '>'} {zcrit:.3g} (two-sided, Bonferroni over {K} "
              f"points, family-wise α = {PROP21_ALPHA}); {values['b0_neurons']} and "
              f"{values['b1_neurons']} neurons kept from {r} (d = {dim})")
    plot = Plot("prop21", "Proposition 21: truncated mean of erf features", "‖x‖",
                "E[erf(⟨U, x⟩ + B) | B ≥ cut]", tuple(series), xscale="symlog",
                caption=f"error bars: ±{zcrit:.2f} SE")
    bad = _nonfinite(dict(z=worst))
    if bad:
        return _nonfinite_finding(bad, values, (plot,))
    return Finding(engine.HOLDS if holds else engine.VIOLATED, reason, values, (plot,))


prop21 = Study(
    id="safran_lee2022.prop21_truncated_feature_mean",
    title="Proposition 21: closed forms of the truncated erf-feature mean",
    citation=cite("Proposition 21 (App. D, p. 34)"),
    fidelity="stated",
    statement=("For U ~ N(0, ¼I_d), B ~ N(0, ¼) (Assumption 7) and every x: with B truncated from "
               "below at 0, E[erf(⟨U, x⟩ + B)] = (2/π) arctan(1/√(2 + ‖x‖²)); truncated at 1/√2, "
               "E[erf(⟨U, x⟩ + B)] = 4/(1 − erf 1) · T(√2, 1/√(2 + ‖x‖²))."),
    measure=_prop21_measure,
    constants=(("cuts", "0 and 1/√2", "Proposition 21"),
               ("alpha", str(PROP21_ALPHA), "family-wise level of the Monte Carlo comparison"),
               ("neurons", "4·10⁵ (ci), 2·10⁶ (dev), 8·10⁶ (thorough)", "Monte Carlo budget")),
    modes=("literal",),
    options=dict(constant=2.0 / math.pi),
    # "For every x": the closed forms depend on ‖x‖ alone, in any dimension. The search moves
    # the dimension and one norm (the measurement's nine are fixed), scored by the largest
    # |Monte Carlo − closed form| / SE against the Bonferroni critical value of its 2 points.
    space=StudySpace(parameters=(("dim", 1, 40), ("norm", 0.0, 100.0)),
                     options=lambda p: dict(dim=p["dim"], norms=(p["norm"],)),
                     score=lambda f, p: math.log(max(f.values["b0_max_abs_z"],
                                                     f.values["b1_max_abs_z"], 1e-300)
                                                 / f.values["z_critical"]),
                     fixed="the truncations 0 and 1/√2, the Monte Carlo budget, α"),
    notes=("An identity at every size, so literal. The Monte Carlo draws the neurons with "
           "checks.features.init_features (the project's initialisation), keeps those with "
           "B ≥ cut (the paper's truncation), and compares the mean over neurons at nine norms "
           "with the closed form; VIOLATED only if a closed form is outside the Bonferroni CLT "
           "interval."),
)
PROP21_PLANTED = prop21.variant(
    "one_over_pi", planted=True, options=dict(constant=1.0 / math.pi),
    statement=("PLANTED FALSE: (1/π) arctan(1/√(2 + ‖x‖²)) for B truncated at 0 (half the "
               "constant)."))


# -------------------------------------------------------------------------------------------------
# 2. Proposition 22: properties of f_ξ

XI_RANGE = (0.45, 0.472)


def prop22_f(z, xi):
    """f_ξ(z) = (2/π) arctan(1/√(2 + z²)) − ξ · 4/(1 − erf 1) · T(√2, 1/√(2 + z²)) (Prop. 22)."""
    return prop21_closed_form(z, 0.0) - xi * prop21_closed_form(z, PROP21_CUTS[1])


def prop22_derivative(z, xi):
    """∂f_ξ/∂z = 2z/(π(1 − erf 1)(3 + z²)√(2 + z²)) · (ξ e^{−(1 + 1/(2+z²))} − (1 − erf 1)),
    Eq. (21) (re-derived: d/da T(h, a) = e^{−h²(1+a²)/2}/(2π(1 + a²)))."""
    z = np.asarray(z, dtype=float)
    s = 2.0 + z * z
    return (2.0 * z / (math.pi * (1.0 - ERF1) * (3.0 + z * z) * np.sqrt(s))
            * (xi * np.exp(-(1.0 + 1.0 / s)) - (1.0 - ERF1)))


def prop22_root_xi(lam):
    """ξ_λ with f_ξλ(λ) = 0: (2/π) arctan(a) / (4/(1 − erf 1) T(√2, a)), a = 1/√(2 + λ²)."""
    return prop21_closed_form(lam, 0.0) / prop21_closed_form(lam, PROP21_CUTS[1])


def prop22_zstar(xi):
    """Item 3's global minimiser z* = √(1/(ln(ξ/(1 − erf 1)) − 1) − 2), the zero of Eq. (21)."""
    return np.sqrt(1.0 / (np.log(np.asarray(xi) / (1.0 - ERF1)) - 1.0) - 2.0)


# Grids: 45 values of ξ across I, λ every 0.001 on [1, 2], z every 6e-4 on [0.9, 2.1], 4000
# log-spaced z on [10, 10⁶] for the tail, z every 1e-3 on (0, 20] for monotonicity.
PROP22_XI = np.linspace(*XI_RANGE, 45)


def _prop22_measure(study, mode, profile, seed):
    o = study.options
    lam = np.linspace(1.0, 2.0, 1001)
    xi_lam = prop22_root_xi(lam)
    z_d = np.linspace(0.9, 2.1, 2001)
    # np.min / np.max over arrays propagate a NaN (Python's min / max over a generator can drop
    # one), and every check below is written so that a NaN fails it.
    min_slope = float(np.min([np.abs(prop22_derivative(z_d, xi)) for xi in PROP22_XI]))
    z_tail = np.geomspace(10.0, 1e6, 4000)
    tail = float(np.max([prop22_f(z_tail, xi) * 50.0 * z_tail for xi in PROP22_XI]))
    zstar = prop22_zstar(PROP22_XI)
    z_mono = np.linspace(1e-3, 20.0, 20000)
    order_ok = True
    for xi, zs in zip(PROP22_XI, zstar):
        slope = prop22_derivative(z_mono, xi)
        order_ok &= bool(np.all(slope[z_mono < zs] < 0) and np.all(slope[z_mono > zs] > 0))
    z_all = np.linspace(0.0, 50.0, 5001)
    summand_max = float(np.max([prop21_closed_form(z_all, 0.0),
                                XI_RANGE[1] * prop21_closed_form(z_all, PROP21_CUTS[1])]))
    checks = {
        "item 2: ξ_λ ∈ [0.45, 0.472] for λ ∈ [1, 2]":
            o["xi_low"] <= xi_lam.min() and xi_lam.max() <= XI_RANGE[1],
        "item 3: z* ∈ [2.8, 4.2], f_ξ decreasing before and increasing after":
            2.8 <= zstar.min() and zstar.max() <= 4.2 and order_ok,
        "item 4: both summands in [0, 0.5]": summand_max <= 0.5,
        "item 5: f_ξ(z) ≤ −1/(50z) for z ≥ 10": tail <= -1.0,
        f"item 6: |∂f_ξ/∂z| ≥ {o['slope_bound']:.4g} on [0.9, 2.1]":
            min_slope >= o["slope_bound"],
    }
    failed = [k for k, ok in checks.items() if not ok]
    values = dict(xi_lambda_min=float(xi_lam.min()), xi_lambda_max=float(xi_lam.max()),
                  zstar_min=float(zstar.min()), zstar_max=float(zstar.max()),
                  min_abs_slope=min_slope, tail_max_50zf=tail, summand_max=summand_max)
    bad = _nonfinite(dict(xi_lambda=xi_lam, zstar=zstar, min_abs_slope=min_slope,
                          tail_max_50zf=tail, summand_max=summand_max))
    if bad:
        return _nonfinite_finding(bad, values)
    reason = ("all items hold on the grids" if not failed else "fails: " + "; ".join(failed)) + (
        f" (ξ_λ ∈ [{xi_lam.min():.5f}, {xi_lam.max():.5f}], z* ∈ [{zstar.min():.4f}, "
        f"{zstar.max():.4f}], min |f'_ξ| on [0.9, 2.1] = {min_slope:.5f} vs "
        f"{o['slope_bound']:.5f}, max 50z·f_ξ(z) for z ≥ 10 = {tail:.4f})")
    z_plot = np.linspace(0.0, 12.0, 241)
    plot = Plot("f_xi", "Proposition 22: f_ξ at the ends of I", "z", "f_ξ(z)",
                tuple(Series(f"ξ = {xi}", z_plot, prop22_f(z_plot, xi), "-") for xi in XI_RANGE)
                + (Series("0", (0.0, 12.0), (0.0, 0.0), "k:"),),
                caption="roots at λ ∈ [1, 2], minimum at z* ∈ [2.8, 4.2]")
    return Finding(engine.VIOLATED if failed else engine.HOLDS, reason, values, (plot,))


prop22 = Study(
    id="safran_lee2022.prop22_f_xi_properties",
    title="Proposition 22: root range, minimiser, tail and slope of f_ξ",
    citation=cite("Proposition 22 (App. D, pp. 36–39)"),
    fidelity="stated",
    statement=("For ξ ∈ I = [0.45, 0.472], f_ξ(z) = (2/π) arctan(1/√(2 + z²)) − ξ·4/(1 − erf 1)·"
               "T(√2, 1/√(2 + z²)): (2) every λ ∈ [1, 2] is a root for some ξ ∈ I; (3) the global "
               "minimum is at z* = √(1/(ln(ξ/(1 − erf 1)) − 1) − 2) ∈ [2.8, 4.2], f_ξ decreasing "
               "before and increasing after; (4) both summands lie in [0, 0.5]; (5) f_ξ(z) ≤ "
               "−1/(50z) for z ≥ 10; (6) |∂f_ξ/∂z| ≥ 1/600 on [0.9, 2.1]."),
    unsearched=("deterministic: f_ξ, its derivative and z* are evaluated on fine grids over the "
                "whole ranges the proposition states (ξ ∈ I, z from 0 into the tail), so no "
                "parameter is left fixed to search."),
    measure=_prop22_measure,
    constants=(("I", "[0.45, 0.472]", "Proposition 22"),
               ("slope_bound", "1/600", "Proposition 22, item 6"),
               ("grids", "45 ξ; λ step 1e-3; z step 6e-4 on [0.9, 2.1]; 4000 log-spaced z ≥ 10",
                "deterministic evaluation (scipy.special.owens_t)")),
    modes=("literal",),
    options=dict(slope_bound=1.0 / 600.0, xi_low=XI_RANGE[0]),
    confirm=False,  # deterministic grids: a re-measurement repeats the same numbers
    notes=("Deterministic: f_ξ, its derivative (Eq. (21), re-derived and checked against finite "
           "differences in the tests) and z* evaluated on fine grids. The z* formula, garbled in "
           "the text extraction, was read from Eq. (21)'s zero: ξ e^{−(1 + 1/(2+z²))} = 1 − erf 1. "
           "Item 1 (f_ξ → 0) is the tail of item 5's grid."),
)
PROP22_PLANTED = (
    prop22.variant("slope_1_over_200", planted=True, options=dict(slope_bound=1.0 / 200.0),
                   statement="PLANTED FALSE: |∂f_ξ/∂z| ≥ 1/200 on [0.9, 2.1] (3× item 6)."),
    prop22.variant("xi_from_046", planted=True, options=dict(xi_low=0.46),
                   statement="PLANTED FALSE: ξ_λ ∈ [0.46, 0.472] for every λ ∈ [1, 2]."),
)


# -------------------------------------------------------------------------------------------------
# 3. The norm density γ'_d of D'_d

GAMMA_DIMS = (3, 4, 6, 10, 25)
GAMMA_SAMPLES = {"ci": 20_000, "dev": 100_000, "thorough": 400_000}
GAMMA_ALPHA = 0.01
# The CDF is the cumulative trapezoid of the density on this many points of [0, 2]: its error
# (≈ 1e-8 at d = 25) is far below the KS statistic's resolution 1/√N ≥ 1.6e-3.
GAMMA_GRID = 200_001
# The density is a normalised one exactly when its mass is 1 to quadrature accuracy.
GAMMA_MASS_TOL = 1e-9


def _density(t, d, exponent_shift):
    """γ'_d of Eq. (5)'s appendix, or (planted) with t^{d−2+shift}, renormalised."""
    if exponent_shift == 0:
        return data.sum_of_spheres_norm_density(t, d)
    return data.sum_of_spheres_norm_density(t, d) * t ** exponent_shift


def _gamma_measure(study, mode, profile, seed):
    shift = study.options["exponent_shift"]
    N = GAMMA_SAMPLES.get(profile.name, GAMMA_SAMPLES["ci"])
    grid = np.linspace(0.0, 2.0, GAMMA_GRID)
    values, pvalues, series = {}, [], []
    dims = study.options.get("dims", GAMMA_DIMS)
    for d in dims:
        dens = _density(grid, d, shift)
        cdf = integrate.cumulative_trapezoid(dens, grid, initial=0.0)
        mass = float(integrate.quad(lambda t: float(_density(t, d, shift)), 0.0, 2.0,
                                    epsabs=1e-13, epsrel=1e-12)[0])
        cdf /= cdf[-1]
        norms = np.linalg.norm(data.radial(N, d, norm="sum_of_spheres",
                                           seed=seed * SEED_STRIDE + d), axis=1)
        ks = sps.kstest(norms, lambda t: np.interp(t, grid, cdf))
        values[f"d{d}_ks"] = float(ks.statistic)
        values[f"d{d}_p"] = float(ks.pvalue)
        values[f"d{d}_mass"] = mass
        pvalues.append(float(ks.pvalue))
        hist, edges = np.histogram(norms, bins=40, range=(0.0, 2.0), density=True)
        centres = 0.5 * (edges[1:] + edges[:-1])
        series += [Series(f"histogram d = {d}", centres, hist, "."),
                   Series(f"γ'_{d}", grid[::2000], dens[::2000] / mass, "-")]
    level = GAMMA_ALPHA / len(dims)
    # np.min / np.max propagate a NaN, and both tests are "x within bound" comparisons that a NaN
    # fails.
    worst = float(np.min(pvalues))
    mass_off = float(np.max([abs(values[f"d{d}_mass"] - 1.0) for d in dims]))
    ks_ok = worst >= level
    holds = ks_ok and (shift != 0 or mass_off <= GAMMA_MASS_TOL)
    values["level"] = level
    if shift == 0:
        values["mass_tolerance"] = GAMMA_MASS_TOL
    reason = (f"smallest KS p-value over d ∈ {dims} is {worst:.3g} "
              f"{'≥' if ks_ok else '<'} {level:.3g} (α = {GAMMA_ALPHA}, Bonferroni), "
              f"N = {N} per d; |∫γ'_d − 1| ≤ {mass_off:.2g}")
    plot = Plot("gamma_prime", "‖x₁ + x₂‖ for x₁, x₂ uniform on S^{d−1}", "t", "density",
                tuple(series))
    bad = _nonfinite(dict(ks_pvalue=worst, mass=mass_off))
    if bad:
        return _nonfinite_finding(bad, values, (plot,))
    return Finding(engine.HOLDS if holds else engine.VIOLATED, reason, values, (plot,))


gamma_prime = Study(
    id="safran_lee2022.sum_of_spheres_norm_density",
    title="D'_d: the density γ'_d of ‖x₁ + x₂‖",
    citation=cite("Eq. (5) and its norm density (App. B.2)"),
    fidelity="stated",
    statement=("For x = x₁ + x₂, x₁, x₂ i.i.d. uniform on S^{d−1}, ‖x‖ has density "
               "γ'_d(t) = Γ(d/2)/(√π Γ((d−1)/2)) t^{d−2}(1 − t²/4)^{(d−3)/2} on [0, 2]."),
    measure=_gamma_measure,
    constants=(("dims", str(GAMMA_DIMS), "a spread of d ≥ 3"),
               ("alpha", str(GAMMA_ALPHA), "family-wise level of the KS tests")),
    modes=("literal",),
    options=dict(exponent_shift=0),
    # The density is claimed for every d ≥ 3; the measurement fixes five. The search draws one d
    # up to 200, scored by log(level / KS p-value) and, for the claim itself, the mass's distance
    # from 1 over its quadrature tolerance: > 0 exactly when the finding is VIOLATED.
    space=StudySpace(parameters=(("d", 3, 200),), options=lambda p: dict(dims=(p["d"],)),
                     score=lambda f, p: max(
                         math.log(f.values["level"] / max(f.values[f"d{p['d']}_p"], 1e-300)),
                         math.log(max(abs(f.values[f"d{p['d']}_mass"] - 1.0), 1e-300)
                                  / f.values["mass_tolerance"]) if "mass_tolerance" in f.values
                         else -math.inf),
                     fixed="the sample size per profile, α"),
    notes=("Kolmogorov–Smirnov test of sampled norms (checks.data.radial, sum_of_spheres) "
           "against the CDF integrated from the printed density, and its normalisation by "
           "quadrature. An identity in every dimension, so literal."),
)
GAMMA_PLANTED = gamma_prime.variant(
    "exponent_d_minus_1", planted=True, options=dict(exponent_shift=1),
    statement="PLANTED FALSE: density ∝ t^{d−1}(1 − t²/4)^{(d−3)/2} (exponent one too large).")


# -------------------------------------------------------------------------------------------------
# 4. ‖∇F̂(w_t)‖ ≤ 2√r along GD (a Theorem: the engine's per-seed judgement on the general kernel)

# 10 steps: the largest ‖∇F̂(w_k)‖ of a run was at k ≤ 3 in each of 16 measured runs per data set
# (tuned after that measurement; the bound holds for every w, so the step count only sets how many
# iterates are checked).
GRAD_STEPS = 10
# The data's seeds (offset by DATA_SEED_OFFSET + base·SEED_STRIDE in _grad_instances, so that no
# network seed shares their stream).
GRAD_DATA = (
    feat.BallIndicatorSpec("radial", n=128, d=5, seed=11, options=(("norm", "cauchy"),),
                           radius=LAMBDA),
    # All labels 1 (uniform ball of radius 2, λ = 2): the data on which the gradient is largest.
    feat.BallIndicatorSpec("radial", n=128, d=5, seed=12,
                           options=(("norm", "uniform_ball"), ("scale", 2.0)), radius=2.0),
)
GRAD_WIDTH = 64
# A quarter of the profile's seeds (8 in ci): the bound is deterministic (δ = 0: one failure
# refutes it, none is all any count can show), so more seeds add little.
GRAD_SEED_FRACTION = 4
# |f − y| ≤ 1 needs labels in [0, 1]; a label off by rounding is not possible (0.0 / 1.0 exactly).


def _labels_in_unit_interval(p, c, r):
    return 1.0 if np.all((p.y >= 0.0) & (p.y <= 1.0)) else 0.0


def _gradient_norms(outcome):
    """‖∇F̂(w_k)‖ per step from the recorded predictions f_k = [w_kᵀx̃]_+^1: the clip's open
    interval is exactly f ∈ (0, 1), so ∇F̂(w_k) = (2/n) X̃ᵀ((f_k − y) 1{f_k ∈ (0, 1)})."""
    p0, prob = outcome.params0, outcome.problem
    Xt = feat.features(prob.X, p0.W, p0.b)
    f = outcome.run.predictions
    E = np.where((f > 0.0) & (f < 1.0), f - prob.y, 0.0) * (2.0 / prob.n)
    return np.linalg.norm(E @ Xt, axis=1)


def gradient_conclusion(factor, formula, source, per_sqrt_n=False):
    """‖∇F̂(w_k)‖ ≤ factor · 2√r at every step (÷ √n with ``per_sqrt_n``: a planted variant)."""
    def evaluate(outcome, c):
        norms = _gradient_norms(outcome)
        scale = 1.0 / math.sqrt(outcome.problem.n) if per_sqrt_n else 1.0
        bound = np.full_like(norms, factor * scale * c["gradient_bound"])
        # rtol: a norm of a sum of n products of numbers ≤ 1, exact to ~n·eps relative.
        return envelope_evidence(norms, bound, rtol=1e-9)
    return Conclusion("gradient_norm", formula, source, evaluate, record=("predictions",))


def _grad_instances(theorem, mode, profile, seed, n=None):
    seeds = _trial_seeds(seed, max(2, profile.seeds // GRAD_SEED_FRACTION))
    return [Instance(replace(spec, seed=DATA_SEED_OFFSET + seed * SEED_STRIDE + spec.seed,
                             n=n or spec.n),
                     GRAD_WIDTH, 4.0 / GRAD_WIDTH, GRAD_STEPS, seeds) for spec in GRAD_DATA]


def _grad_spec(*, kind, n, d, seed, options, labels, label_seed, points, values):
    """A drawn radial data set with ball-indicator labels; the radius is drawn with the family.
    Data seeds are moved by DATA_SEED_OFFSET, so no data set shares a stream with a network."""
    options = dict(options)
    radius = options.pop("radius")
    return feat.BallIndicatorSpec(kind, n=n, d=d, seed=DATA_SEED_OFFSET + seed,
                                  options=tuple(sorted(options.items())), radius=radius)


# The bound holds for every w, so it quantifies over every data set with labels in {0, 1}: Safran
# & Lee's radial inputs under each norm law, any scale and dimension, any number of points, and
# any ball radius in Theorem 8's range [1, 2]. The width and step size are fixed (GD only moves
# w, at which the bound is checked).
GRAD_SPACE = SearchSpace(
    n=(8, 256), d=(2, 8),
    families=(Family("radial", floats=(("scale", 0.5, 2.0), ("radius", 1.0, 2.0)),
                     choices=(("norm", data.RADIAL_NORMS),)),),
    labels=("ball_indicator",), spec=_grad_spec,
    instance=lambda theorem, mode, draw: Instance(draw.spec, GRAD_WIDTH, 4.0 / GRAD_WIDTH,
                                                  GRAD_STEPS, draw.seeds),
    width=None, step=None, seeds=4,
    fixed=f"r = {GRAD_WIDTH}, η = 4/r, {GRAD_STEPS} steps (the bound holds for every w)")


gradient_norm = Theorem(
    id="safran_lee2022.gradient_norm_bound",
    title="‖∇F̂(w_t)‖ ≤ 2√r at every GD step",
    citation=cite("App. G.2, proof of Theorem 8 (the bound before Eq. (66))"),
    fidelity="stated",
    statement=("For every w, ‖∇F̂(w)‖ ≤ (2/n) Σ_i |[wᵀx̃_i]_+^1 − y_i| 1{wᵀx̃_i ∈ (0, 1)} ‖x̃_i‖ "
               "≤ 2√r, since |[z]_+^1 − y| ≤ 1 for y ∈ {0, 1} and ‖x̃‖ ≤ √r (erf ∈ [−1, 1]); "
               "checked at every step of GD on Eq. (2) at any size."),
    network=feat.NETWORK,
    init=lambda p, c: dict(kappa=feat.INNER_STD, kappa_b=feat.BIAS_STD, outer="normal",
                           outer_scale=1.0 / p.m),
    constants=(Constant("gradient_bound", "2√r", "Safran & Lee 2022, App. G.2",
                        lambda p, c: 2.0 * math.sqrt(p.m)),),
    hypotheses=(Hypothesis("labels", "y_i ∈ [0, 1] (ball indicator)", "Theorem 8's labels",
                           _labels_in_unit_interval),),
    conclusion=gradient_conclusion(1.0, "‖∇F̂(w_k)‖ ≤ 2√r for all k", "App. G.2"),
    instances=_grad_instances,
    space=GRAD_SPACE,
    notes=("What this can and cannot show: the bound holds for EVERY w by the triangle "
           "inequality (|[z]_+^1 − y| ≤ 1 and ‖x̃‖ ≤ √r), not only along GD, so for a correct "
           "gradient it cannot fail. It checks our gradient (recomputed from the general "
           "kernel's recorded predictions and the initial hidden layer, with the clip's "
           "derivative on the open interval) against the paper's bound; it says nothing about "
           "GD. A bound at any size, so literal and relaxed run the same instances: r = 64, "
           "n = 128, η = 4/r, 10 steps, 8 seeds (ci), |Cauchy| norms with λ = 1.5 and a ball of "
           "radius 2 with λ = 2 (every label 1). Observed max ‖∇F̂‖/(2√r) ≈ 0.15–0.25, at "
           "steps 0–3."),
)
GRAD_PLANTED = gradient_norm.variant(
    "bound_over_8", planted=True,
    statement=("PLANTED FALSE: ‖∇F̂(w_k)‖ ≤ 2√r/8 (1/8 tuned after measurement: the observed "
               "maxima are ≈ 0.15–0.25 × 2√r: it failed on 8/8 seeds and 60/64 fresh ones in "
               "ci)."),
    conclusion=gradient_conclusion(1.0 / 8.0, "‖∇F̂(w_k)‖ ≤ √r/4", "planted"))
# Found only by the search: a 1/√n concentration the bound does not have. Its fixed instances
# have n = 16, where 4√(r/n) = 2√r and the observed ratios ≈ 0.15–0.25 hold; errors of one sign
# (f ≈ 0 on points inside the ball) add coherently, so ‖∇F̂‖ does not shrink with n and the bound
# fails from n ≈ 100 on, which only the search's n ∈ [8, 256] reaches.
GRAD_PLANTED_N = gradient_norm.variant(
    "sqrt_n", planted=True,
    statement=("PLANTED FALSE: ‖∇F̂(w_k)‖ ≤ 4√(r/n), a 1/√n concentration; true at the fixed "
               "n = 16, false for large n (the search)."),
    instances=functools.partial(_grad_instances, n=16),
    conclusion=gradient_conclusion(2.0, "‖∇F̂(w_k)‖ ≤ 4√(r/n)", "planted", per_sqrt_n=True))


# -------------------------------------------------------------------------------------------------
# 5. Theorem 13: F(w) ≤ F̂(w) + 4√(r/n) + 4√(2 ln(4/δ)/n) for ‖w‖ ≤ 1

GAP_DELTA = 0.1
# (r, n, steps): one size where the bound (0.42) is below 1 (non-trivial, F ≤ 1 always) and one
# where GD overfits visibly (r = n), so that a bound 1/100 of Theorem 13's is refutable. At
# (64, 64) the bound is 5.36 > 1 ≥ F: it holds by construction there, and that size serves only the
# planted variant. Chosen after measurement (16 trials each): where the bound is below 1 — (16,
# 4096), (32, 2048), (16, 1024) — the largest gaps (≤ 0.02) stay below its 1/100 in every trial,
# and (8, 512) (bound 0.98) exceeds it in 5 of 16, too few to refute at δ = 0.1 reliably.
GAP_SIZES = ((16, 4096, 300), (64, 64, 1000))
GAP_DIM = 5
GAP_TEST = 10_000
GAP_CHECKPOINTS = 10
# One-sided level of "F(w) ≥ F_N(w) − z·SE" over the checkpoints (Bonferroni): a trial counts as
# a failure only when the gap exceeds the bound by more than the held-out estimate's error.
GAP_ALPHA = 0.01


def theorem13_bound(r, n, delta):
    """4√(r/n) + 4√(2 ln(4/δ)/n) (Theorem 13, PMLR p. 19)."""
    return 4.0 * math.sqrt(r / n) + 4.0 * math.sqrt(2.0 * math.log(4.0 / delta) / n)


@functools.lru_cache(maxsize=1024)
def _gap_trial(r, n, steps, trial):
    """Largest estimated gap F_N(w) − F̂(w) minus the estimate's error, over GD checkpoints
    projected onto the unit ball; and the raw largest gap."""
    X = data.radial(n, GAP_DIM, norm="cauchy", seed=DATA_SEED_OFFSET + trial)
    Xte = data.radial(GAP_TEST, GAP_DIM, norm="cauchy", seed=TEST_SEED_OFFSET + trial)
    U, B, w0 = feat.init_features(r, GAP_DIM, seed=trial)
    Xt, Xtt = feat.features(X, U, B), feat.features(Xte, U, B)
    y, yte = data.ball_indicator(X, radius=LAMBDA), data.ball_indicator(Xte, radius=LAMBDA)
    run = feat.gradient_descent(Xt, y, w0, eta=4.0 / r, steps=steps,
                                keep_every=steps // GAP_CHECKPOINTS)
    W = run.kept / np.maximum(1.0, np.linalg.norm(run.kept, axis=1))[:, None]
    per_point = (np.clip(Xtt @ W.T, 0.0, 1.0) - yte[:, None]) ** 2
    F_test = per_point.mean(axis=0)
    se = per_point.std(axis=0, ddof=1) / math.sqrt(GAP_TEST)
    z = float(sps.norm.ppf(1.0 - GAP_ALPHA / W.shape[0]))
    F_train = feat.clipped_risk(W, Xt, y)
    gap = F_test - F_train
    return float(np.max(gap - z * se)), float(np.max(gap))


def _gap_measure(study, mode, profile, seed):
    factor = study.options["factor"]
    values, states, reasons, series = {}, [], [], []
    for r, n, steps in GAP_SIZES:
        bound = factor * theorem13_bound(r, n, GAP_DELTA)
        cache = {}

        def fails(seeds, r=r, n=n, steps=steps, bound=bound, cache=cache):
            out = []
            for s in seeds:
                cache[s] = _gap_trial(r, n, steps, s)
                # A NaN gap is a failure: "within the bound" needs gap ≤ bound to be True.
                out.append(not cache[s][0] <= bound)
            return out

        state, judgement, confirmation = engine.judge_trials(
            fails, _trial_seeds(seed, profile.seeds), _trial_seeds(seed, profile.confirm_seeds),
            GAP_DELTA)
        gaps = [cache[s][1] for s in _trial_seeds(seed, profile.seeds)]
        key = f"r{r}_n{n}"
        # F and F̂ lie in [0, 1], so a bound ≥ 1 holds for every sample by construction.
        trivial = bound >= 1.0
        values.update({f"{key}_bound": bound, f"{key}_max_gap": float(np.max(gaps)),
                       f"{key}_failures": judgement.failures,
                       f"{key}_bound_at_least_1": int(trivial)})
        states.append(state)
        reasons.append(f"r = {r}, n = {n}: bound {bound:.4g}"
                       + (" ≥ 1 ≥ F (holds by construction; this size serves the planted "
                          "variant)" if trivial else "")
                       + f", largest estimated gap {np.max(gaps):.4g}; " + _rate_text(judgement)
                       + ("" if confirmation is None else
                          f", fresh trials {confirmation.failures}/{confirmation.trials}"))
        series += [Series(f"max gap, r = {r}, n = {n}", range(len(gaps)), gaps, "o"),
                   Series(f"bound, r = {r}, n = {n}", (0, len(gaps) - 1), (bound, bound), "--")]
    state = (engine.VIOLATED if engine.VIOLATED in states else
             engine.HOLDS if all(s == engine.HOLDS for s in states) else engine.INCONCLUSIVE)
    plot = Plot("gap", "Theorem 13: F(w) − F̂(w) over GD checkpoints in the unit ball", "trial",
                "largest F_N(w) − F̂(w)", tuple(series))
    return Finding(state, "; ".join(reasons) + f" (δ = {GAP_DELTA})", values, (plot,))


gen_gap = Study(
    id="safran_lee2022.theorem13_generalisation_gap",
    title="Theorem 13: F(w) ≤ F̂(w) + 4√(r/n) + 4√(2 ln(4/δ)/n) on the unit ball",
    citation=cite("Theorem 13 (p. 19; proof App. G.1)"),
    fidelity="stated",
    statement=("For all δ ∈ (0, 1), with probability at least 1 − δ over a sample of size n from "
               "the feature distribution, every w with ‖w‖ ≤ 1 has "
               "F(w) ≤ F̂(w) + 4√(r/n) + 4√(2 ln(4/δ)/n)."),
    unsearched=("the bound is above 1 ≥ F (true by construction) unless n ≳ 100 r; the "
                "measurement's non-trivial size (r, n) = (16, 4096) sits at the edge of that "
                "region and each trial draws its own sample; a search over (r, n) would mostly "
                "draw sizes where the bound cannot fail. Left for a dev-profile search."),
    measure=_gap_measure,
    confirm=False,  # refutations are confirmed on fresh trials (engine.judge_trials)
    constants=(("delta", str(GAP_DELTA), "our choice of δ"),
               ("sizes", "(r, n) = (16, 4096), (64, 64)", "a non-trivial bound; visible "
                "overfitting"),
               ("held-out", f"N = {GAP_TEST}, one-sided z at α = {GAP_ALPHA}/{GAP_CHECKPOINTS + 1}",
                "F estimated on a fresh sample; a failure needs the gap to exceed the bound by "
                "more than the estimate's error")),
    modes=("literal",),
    options=dict(factor=1.0),
    notes=("Each trial draws its own sample, features and held-out set (the theorem's "
           "probability is over the sample, for any features). The w checked are the GD "
           "iterates at 11 checkpoints (|Cauchy| norms, λ = 1.5, η = 4/r), projected onto the "
           "unit ball (the bound is uniform there). Only (16, 4096) tests the theorem: there "
           "the bound is ≈ 0.42 < 1 and the observed gaps (median ≈ 0.005, max 0.013 over 32 ci "
           "trials) are 30× or more below it. At (64, 64) "
           "the bound 5.36 exceeds 1 ≥ F, so it holds by construction (the reason and the value "
           "r64_n64_bound_at_least_1 say so); that size serves the planted variant (GD "
           "interpolates there, and its gaps ≈ 0.05–0.19 exceed 1/100 of the bound). No "
           "affordable size has a bound below 1 that the ÷100 variant can refute: measured at "
           "(16, 1024), (32, 2048) and (8, 512), the gaps stay at or below ~1/100 of the bound. "
           "Trials are cached (a pure function of the sizes and the trial seed), so the planted "
           "variant pays only for its confirmation trials."),
)
GAP_PLANTED = gen_gap.variant(
    "bound_over_100", planted=True, options=dict(factor=0.01),
    statement=("PLANTED FALSE: the gap bound divided by 100 (÷100 chosen after measuring the "
               "gaps at (64, 64): 0.05–0.19 against 5.36/100)."))


# -------------------------------------------------------------------------------------------------
# 6. Eq. (66) at laptop sizes: non-expansion towards a well-trained reference

CONTRACTION = dict(r=64, n=256, d=5, steps=150, reference_steps=1500)
# The tolerance of a step's test, in units of the run's measured rounding ρ of ‖w_t − v*‖²: ρ is
# the largest relative difference, over the run's steps, between Σ_j (w_t − v*)_j² (numpy) and
# the same square recomputed as math.fsum of ((w_t − w₀) − (v* − w₀))_j² (other roundings of the
# difference, another summation order); measured ρ ≤ 3.9e-16 over the 32 ci trials. A ratio of
# two such squares is uncertain by ≈ 2ρ; 10ρ leaves a factor 5 for the rounding of the GD step
# itself, which the recomputation does not see.
CONTRACTION_ROUNDING_MULTIPLE = 10.0
CONTRACTION_DELTA = 0.1


def _squared_distances(kept, reference, w0):
    """‖w_t − v*‖² for each row w_t of ``kept``, and its measured relative rounding ρ: the largest
    |a_t − b_t|/a_t over the steps with a_t > 0, a_t = Σ_j (w_t − v*)_j² and b_t the same square
    as math.fsum of ((w_t − w₀) − (v* − w₀))_j² (0 when every a_t is 0)."""
    a = np.sum((kept - reference) ** 2, axis=1)
    diff = (kept - w0) - (reference - w0)
    b = np.array([math.fsum(row) for row in diff ** 2])
    moving = a > 0
    rho = float(np.max(np.abs(a - b)[moving] / a[moving])) if moving.any() else 0.0
    return a, rho


@functools.lru_cache(maxsize=16)
def _contraction_runs(seeds, eta_factor):
    """Per trial: squared distances ‖w_t − v*‖² for t ≤ steps (NaN if a run diverged), with v* the
    iterate after ``reference_steps`` (the same run continued), their rounding ρ
    (``_squared_distances``), λ_max((2/n) X̃ᵀX̃) and the losses."""
    c = CONTRACTION
    Xts, ys, w0s = [], [], []
    for s in seeds:
        X = data.radial(c["n"], c["d"], norm="cauchy", seed=DATA_SEED_OFFSET + s)
        U, B, w0 = feat.init_features(c["r"], c["d"], seed=s)
        Xts.append(feat.features(X, U, B))
        ys.append(data.ball_indicator(X, radius=LAMBDA))
        w0s.append(w0)
    eta = eta_factor / c["r"]
    head = feat.gradient_descent_batch(Xts, ys, w0s, eta=eta, steps=c["steps"], keep_every=1)
    tail = feat.gradient_descent_batch(Xts, ys, [w0 if h.diverged else h.w
                                                 for w0, h in zip(w0s, head)],
                                       eta=eta, steps=c["reference_steps"] - c["steps"])
    out = []
    for Xt, w0, h, t in zip(Xts, w0s, head, tail):
        lam_max = float(np.linalg.eigvalsh((2.0 / Xt.shape[0]) * (Xt.T @ Xt))[-1])
        if h.diverged or t.diverged:
            out.append((np.full(c["steps"] + 1, np.nan), math.nan, lam_max, h.losses))
            continue
        d2, rho = _squared_distances(h.kept, t.w, w0)
        out.append((d2, rho, lam_max, h.losses))
    return eta, out


def _contraction_failure(d2, eta, nu, rho):
    """Eq. (66) on every step, to within the run's rounding: a failure unless
    ‖w_{t+1} − v‖² ≤ (1 − ην/2 + 10ρ)‖w_t − v‖² for every t (10 = CONTRACTION_ROUNDING_MULTIPLE,
    ρ at least the unit roundoff 2⁻⁵³). A run that never moves (all outputs ≤ 0 at w₀, so
    ∇F̂ = 0) has v* = w₀ and distance 0 throughout (ratio 0); a move away from a zero distance
    (ratio ∞) or a NaN (a diverged run) is a failure. Returns (failed, ratios)."""
    d2 = np.asarray(d2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d2[:-1] > 0, d2[1:] / d2[:-1], np.where(d2[1:] == 0, 0.0, np.inf))
    tol = CONTRACTION_ROUNDING_MULTIPLE * max(rho, np.finfo(float).eps / 2)
    factor = max(1.0 - eta * nu / 2.0, 0.0)
    # Written as "not (ratio ≤ bound)": a NaN ratio or tolerance is a failure, never a pass.
    return bool(np.any(~(ratio <= factor + tol))), ratio


def _or_nan(statistic, xs):
    """statistic(xs) as a float, NaN for an empty list (no trial to summarise)."""
    return float(statistic(xs)) if len(xs) else math.nan


def _contraction_measure(study, mode, profile, seed):
    if mode == "literal":
        return Finding(engine.VACUOUS, literal_reason() + "; the contraction of Eq. (66) is "
                       "proved for Theorem 9's v only at these sizes")
    eta_factor = study.options["eta_factor"]
    nu_paper = CAUCHY_MASS_BELOW_2 / NU_DENOMINATOR
    kept = {}

    def fails(seeds):
        eta, runs = _contraction_runs(seeds, eta_factor)
        out = []
        for s, (d2, rho, lam_max, losses) in zip(seeds, runs):
            nu = nu_paper if study.options["nu"] == "paper" else lam_max
            failed, ratio = _contraction_failure(d2, eta, nu, rho)
            kept[s] = (d2, ratio, lam_max, losses, rho)
            out.append(failed)
        return out

    seeds = _trial_seeds(seed, profile.seeds)
    state, judgement, confirmation = engine.judge_trials(
        fails, seeds, _trial_seeds(seed, profile.confirm_seeds), CONTRACTION_DELTA)
    eta = eta_factor / CONTRACTION["r"]
    broken = [s for s in seeds if not np.all(np.isfinite(kept[s][0]))]
    stuck = int(sum(kept[s][0][0] == 0.0 for s in seeds))
    moving = [s for s in seeds if kept[s][0][0] > 0.0 and s not in broken]
    # The empirical ν of Eq. (66): the largest ν with ‖w_{t+1} − v*‖² ≤ (1 − ην/2)‖w_t − v*‖².
    nu_hat = [float(2.0 * (1.0 - kept[s][1].max()) / eta) for s in moving]
    shrink = [float(math.sqrt(kept[s][0][-1] / kept[s][0][0])) for s in moving]
    rounding = _or_nan(np.max, [kept[s][4] for s in moving])
    values = dict(failures=judgement.failures, trials=judgement.trials, stuck_at_init=stuck,
                  diverged=len(broken), nu_paper=nu_paper, contraction_term=eta * nu_paper / 2,
                  rounding_max=rounding,
                  tolerance_max=CONTRACTION_ROUNDING_MULTIPLE * rounding,
                  max_ratio=_or_nan(np.max, [kept[s][1].max() for s in moving]),
                  nu_hat_median=_or_nan(np.median, nu_hat), nu_hat_min=_or_nan(np.min, nu_hat),
                  distance_ratio_median=_or_nan(np.median, shrink),
                  lambda_max_median=float(np.median([kept[s][2] for s in seeds])))
    nu_text = ("ν = λ_max((2/n)X̃ᵀX̃)" if study.options["nu"] != "paper"
               else f"ν = {nu_paper:.3g}, ην/2 = {eta * nu_paper / 2:.2g}")
    reason = (f"{nu_text}, η = {eta:.4g}, tolerance {CONTRACTION_ROUNDING_MULTIPLE:g}ρ ≤ "
              f"{values['tolerance_max']:.2g} (ρ the measured rounding of ‖w_t − v*‖²): "
              + _rate_text(judgement)
              + ("" if confirmation is None else
                 f", fresh trials {confirmation.failures}/{confirmation.trials}")
              + f"; largest per-step ratio ‖w_(t+1) − v*‖²/‖w_t − v*‖² {values['max_ratio']:.6f}, "
              f"empirical ν (median over trials) {values['nu_hat_median']:.3g}, "
              f"‖w_T − v*‖/‖w_0 − v*‖ median {values['distance_ratio_median']:.3f}"
              + (f"; {stuck} trial(s) never moved (every w₀ᵀx̃_i ≤ 0, so ∇F̂(w₀) = 0)"
                 if stuck else "")
              + (f"; {len(broken)} trial(s) diverged (counted as failures)" if broken else ""))
    t = np.arange(CONTRACTION["steps"] + 1)
    series = tuple(Series(f"trial {s}", t, np.sqrt(kept[s][0] / kept[s][0][0]), "-")
                   for s in moving[:4])
    lam = values["lambda_max_median"]
    series += (Series("(1 − ηλ_max/2)^{t/2} (planted)", t,
                      np.exp(0.5 * t * math.log(max(1e-300, 1.0 - eta * lam / 2.0))), "k--"),)
    plots = (Plot("distance", "‖w_t − v*‖ / ‖w_0 − v*‖ along GD", "step t", "relative distance",
                  series, yscale="log"),
             Plot("loss", "F̂(w_t)", "step t", "F̂", tuple(
                 Series(f"trial {s}", t, kept[s][3], "-") for s in moving[:4]), yscale="log"))
    return Finding(state, reason, values, plots)


contraction = Study(
    id="safran_lee2022.single_neuron_contraction",
    title="Eq. (66) at laptop sizes: GD on the output weights never moves away from a "
          "well-trained reference",
    citation=cite("App. G.2, Eq. (66), with Propositions 11–12"),
    fidelity="reconstructed",
    statement=("Eq. (66) (stated): while the technical inequality (7) holds, GD contracts towards "
               "the reference v of Theorem 9: ‖w_{t+1} − v‖² ≤ (1 − ην + 4η²r)‖w_t − v‖² ≤ "
               "(1 − ην/2)‖w_t − v‖², ν = C/(840·9⁴·10⁶). Relaxed (reconstructed): v is replaced "
               "by v*, the same GD run after 10× the checked steps; r = 64, n = 256, η = 1/r, "
               "|Cauchy| norms, λ = 1.5. There ην/2 ≈ 10⁻¹⁵ is within the tolerance that the "
               "rounding of ‖w_t − v*‖² requires, so what is checked is non-expansion towards "
               "v* (Eq. (66)'s qualitative content at these sizes): with probability ≥ 1 − δ "
               "(δ = 0.1) over sample and network, each of the first 150 steps has "
               "‖w_{t+1} − v*‖² ≤ (1 − ην/2 + 10ρ)‖w_t − v*‖², ρ the run's measured relative "
               "rounding of ‖w_t − v*‖² (≤ 4e-16)."),
    unsearched=("Eq. (66)'s factor 1 − ην/2 is 1 − 10⁻¹⁵ at every size a laptop reaches (ν = "
                "C/(840·9⁴·10⁶)): at any other (r, n, η) the verdict is the same non-expansion "
                "check at rounding, so moving them searches nothing the paper claims."),
    measure=_contraction_measure,
    confirm=False,  # refutations are confirmed on fresh trials (engine.judge_trials)
    constants=(("nu", "C/(840·9⁴·10⁶), C = (2/π) arctan 2 for |Cauchy| norms",
                "Theorem 8 and Assumption 6(1)"),
               ("eta", "1/r (relaxed from η < ν/(8r))", "about 1/7 of the stability limit "
                "2/λ_max((2/n)X̃ᵀX̃) ≈ 7/r at these sizes (λ_max median 18.1, range 15–23, over "
                "the 32 ci trials)"),
               ("tolerance", f"{CONTRACTION_ROUNDING_MULTIPLE:g}ρ",
                "ρ the run's measured rounding of ‖w_t − v*‖² (max 3.9e-16 in ci): 2ρ for a "
                "ratio of two squares, ×5 for the GD step's own rounding"),
               ("delta", str(CONTRACTION_DELTA), "our choice")),
    options=dict(nu="paper", eta_factor=1.0),
    notes=("Reconstructed, not paraphrased: Eq. (66) was read (PMLR PDF, App. G.2), but the "
           "encoding swaps its v (Theorem 9's reference, whose construction as printed does not "
           "change sign, see safran_lee2022.theorem9_reference_vector) for a later GD iterate "
           "v*. At these sizes the paper's factor 1 − ην/2 = 1 − 10⁻¹⁵ cannot be told from 1: "
           "the tolerance 10ρ (≤ 3.9e-15 in ci) is up to ~4× ην/2, so the verdict is on "
           "non-expansion (the squared distance to v* never grows by more than 10× its "
           "rounding in a step). The runs contract far faster than that: the empirical ν (the "
           "largest ν each run satisfies at every step) and the largest per-step ratio are in "
           "the values (ci: largest ratio 0.99988, empirical ν ≥ 0.016, median 0.38, against "
           "the paper's 1.3e-13). The planted variant demands the contraction rate of the stiffest "
           "direction, ν = λ_max ≈ 18, i.e. a ratio ≤ 1 − ηλ_max/2 ≈ 0.86 at every step."),
)
CONTRACTION_PLANTED = contraction.variant(
    "nu_lambda_max", planted=True, options=dict(nu="lambda_max"),
    statement=("PLANTED FALSE: contraction at ν = λ_max((2/n)X̃ᵀX̃), the curvature of the "
               "stiffest direction, as if the problem were perfectly conditioned."))


# -------------------------------------------------------------------------------------------------
# 7. The clip ablation: clipped output trained by GD vs a linear least-squares read-out

# (d, r, n, steps, trials) per profile; thorough is THEOREMS.md's recorded quick run.
ABLATION_SIZES = {"ci": (10, 100, 1000, 1000, 8), "dev": (10, 200, 1500, 1500, 16),
                  "thorough": (10, 800, 6000, 6000, 16)}
ABLATION_TEST = 20_000


@functools.lru_cache(maxsize=8)
def _ablation_errors(d, r, n, steps, seeds):
    """Test MSE per trial: (clipped GD, linear least squares, clipped least squares, constant)."""
    Xts, ys, w0s, tests = [], [], [], []
    for s in seeds:
        X = data.radial(n, d, norm="cauchy", seed=DATA_SEED_OFFSET + s)
        Xte = data.radial(ABLATION_TEST, d, norm="cauchy", seed=TEST_SEED_OFFSET + s)
        U, B, w0 = feat.init_features(r, d, seed=s)
        Xts.append(feat.features(X, U, B))
        ys.append(data.ball_indicator(X, radius=LAMBDA))
        w0s.append(w0)
        tests.append((feat.features(Xte, U, B), data.ball_indicator(Xte, radius=LAMBDA)))
    runs = feat.gradient_descent_batch(Xts, ys, w0s, eta=4.0 / r, steps=steps)
    clip, linear, clipped_linear, constant = [], [], [], []
    for Xt, y, run, (Xtt, yte) in zip(Xts, ys, runs, tests):
        w_ls = np.linalg.lstsq(Xt, y, rcond=None)[0]
        clip.append(float(feat.clipped_risk(run.w, Xtt, yte)))
        linear.append(float(np.mean((Xtt @ w_ls - yte) ** 2)))
        clipped_linear.append(float(np.mean((np.clip(Xtt @ w_ls, 0.0, 1.0) - yte) ** 2)))
        constant.append(float(np.mean((y.mean() - yte) ** 2)))
    return tuple(np.array(v) for v in (clip, linear, clipped_linear, constant))


def _ablation_measure(study, mode, profile, seed):
    d, r, n, steps, trials = ABLATION_SIZES.get(profile.name, ABLATION_SIZES["ci"])
    clip, linear, clipped_linear, constant = _ablation_errors(d, r, n, steps,
                                                              _trial_seeds(seed, trials))
    diff = linear - clip
    half = float(sps.t.ppf(0.975, trials - 1) * diff.std(ddof=1) / math.sqrt(trials))
    low, high = float(diff.mean()) - half, float(diff.mean()) + half
    sign = 1.0 if study.options["better"] == "clip" else -1.0
    lo, hi = sorted((sign * low, sign * high))
    state = engine.HOLDS if lo > 0 else engine.VIOLATED if hi < 0 else engine.INCONCLUSIVE
    claim = ("the clipped read-out's test MSE is below the linear one's"
             if study.options["better"] == "clip" else
             "the linear read-out's test MSE is below the clipped one's")
    reason = (f"hypothesis: {claim}. Paired over {trials} trials (d = {d}, r = {r}, n = {n}, "
              f"{steps} GD steps at η = 4/r): mean test MSE clipped {np.mean(clip):.4f}, linear "
              f"{np.mean(linear):.4f} (clipped linear {np.mean(clipped_linear):.4f}, best "
              f"constant {np.mean(constant):.4f}); linear − clipped = {diff.mean():.4f}, 95% "
              f"t-interval [{low:.4f}, {high:.4f}]")
    values = dict(clip_mse=float(np.mean(clip)), linear_mse=float(np.mean(linear)),
                  clipped_linear_mse=float(np.mean(clipped_linear)),
                  constant_mse=float(np.mean(constant)), diff_mean=float(diff.mean()),
                  diff_low=low, diff_high=high)
    idx = range(trials)
    plot = Plot("ablation", "Test MSE per trial: clipped GD vs linear least squares", "trial",
                "test MSE", (Series("clipped output, GD", idx, clip, "o"),
                             Series("linear read-out, least squares", idx, linear, "s"),
                             Series("best constant", idx, constant, "x")))
    return Finding(state, reason, values, (plot,))


ablation = Study(
    id="safran_lee2022.clip_ablation",
    title="Illustration: clipped output vs a linear read-out of the same erf features",
    citation=cite("Eq. (2) vs Eq. (1); §2.1 (\"the additional non-linearity … necessary and "
                  "sufficient\")"),
    fidelity="reconstructed",
    statement=("ILLUSTRATION (the paper makes no quantitative claim at laptop scale): on the same "
               "fixed erf features, the clipped output [wᵀx̃]_+^1 trained by GD has a lower test "
               "MSE than the linear read-out wᵀx̃ fitted by least squares (an Eq. (1) network "
               "with a frozen hidden layer and b₀ = 0), paired over trials."),
    unsearched=("an illustration of a hypothesis we state (the paper makes no quantitative "
                "claim at laptop scale): there is no claimed statement to find a counterexample "
                "to."),
    measure=_ablation_measure,
    constants=(("sizes", "d = 10, r = 100, n = 1000, 1000 steps, 8 trials (ci); r = 800, "
                "n = 6000, 6000 steps (thorough, THEOREMS.md's quick run)", "CI budget"),
               ("eta", "4/r", "THEOREMS.md's quick run")),
    modes=("relaxed",),
    options=dict(better="clip"),
    notes=("The paper's separation (Theorems 2–5) concerns widths exponential in d and "
           "distributions D_d, D'_d; at d = 10 on |Cauchy| norms it says nothing. The verdict "
           "is on the stated hypothesis only: HOLDS when the 95% t-interval of the paired "
           "difference is above 0, VIOLATED when below, INCONCLUSIVE otherwise."),
)
ABLATION_PLANTED = ablation.variant(
    "linear_better", planted=True, options=dict(better="linear"),
    statement="PLANTED FALSE: the linear read-out's test MSE is below the clipped one's.")


# -------------------------------------------------------------------------------------------------
# 8. Theorem 9's reference vector: as printed vs normalised per truncation group

# Neurons per profile: the group-2 mean rests on ≈ 0.02 r of them, so its SE ≈ 0.5/√(0.02 r) is
# ≈ 1.6e-3 at r = 10⁶ in ci, against values of f_ξ of order 1e-2.
T9_NEURONS = {"ci": 1_000_000, "dev": 2_000_000, "thorough": 4_000_000}
T9_NORMS = tuple(np.round(np.linspace(0.25, 8.0, 32), 4))
T9_DIM = 5
T9_ALPHA = 0.01


def theorem9_vectors(U, B, w0, xi):
    """Theorem 9's v (proof, PMLR p. 39) as printed and normalised per group.

    Neurons j < r/2 form group 1 (v_j = r^{−3/4}), the rest group 2 (v_j = −ξ r^{−3/4}); a
    coordinate is truncated (v_j = 0) when B_j < 0 (group 1) or B_j < 1/√2 (group 2), or when
    w₀'s sign disagrees with v_j's. Normalised: v_j = r^{1/4}/|A₁| on A₁ and −ξ r^{1/4}/|A₂| on
    A₂, so that E[vᵀx̃] = r^{1/4} f_ξ(‖x‖) as Eq. (38) centres it. Returns (printed, normalised,
    |A₁|, |A₂|).
    """
    r = U.shape[0]
    first = np.arange(r) < r // 2
    A1 = first & (B >= 0.0) & (w0 > 0.0)
    A2 = ~first & (B >= 1.0 / math.sqrt(2.0)) & (w0 < 0.0)
    printed = np.where(A1, r ** -0.75, np.where(A2, -xi * r ** -0.75, 0.0))
    normalised = np.where(A1, r ** 0.25 / A1.sum(), np.where(A2, -xi * r ** 0.25 / A2.sum(), 0.0))
    return printed, normalised, int(A1.sum()), int(A2.sum())


def _t9_measure(study, mode, profile, seed):
    r = T9_NEURONS.get(profile.name, T9_NEURONS["ci"])
    xi = float(prop22_root_xi(LAMBDA))
    U, B, w0 = feat.init_features(r, T9_DIM, seed=seed * SEED_STRIDE)
    rng = np.random.default_rng(seed * SEED_STRIDE + 1)
    direction = rng.standard_normal(T9_DIM)
    direction /= np.linalg.norm(direction)
    printed, normalised, a1, a2 = theorem9_vectors(U, B, w0, xi)
    # Only the kept (untruncated) neurons enter vᵀx̃: features of those alone.
    kept = printed != 0.0
    Xt = feat.features(np.outer(T9_NORMS, direction), U[kept], B[kept])
    printed, normalised = printed[kept], normalised[kept]
    v = printed if study.options["vector"] == "printed" else normalised
    observed = r ** -0.25 * (Xt @ v)
    # SE of r^{−1/4} vᵀx̃ over the neurons' randomness, each group's sum of independent terms.
    mask1, mask2 = v > 0, v < 0
    se = r ** -0.25 * np.sqrt(
        mask1.sum() * np.var(Xt[:, mask1] * v[mask1], axis=1, ddof=1)
        + mask2.sum() * np.var(Xt[:, mask2] * v[mask2], axis=1, ddof=1))
    target = prop22_f(np.array(T9_NORMS), xi)
    zcrit = float(sps.norm.ppf(1.0 - T9_ALPHA / (2 * len(T9_NORMS))))
    z = np.abs(observed - target) / se
    sign_change = bool(np.any(observed > 0) and np.any(observed < 0))
    # np.max propagates a NaN, and a NaN is never ≤ zcrit (nor > it): reported, not judged.
    worst = float(np.max(z))
    state = engine.HOLDS if worst <= zcrit else engine.VIOLATED
    values = dict(xi_lambda=xi, group1_kept=a1, group2_kept=a2, max_abs_z=worst,
                  printed_min=float(np.min(r ** -0.25 * (Xt @ printed))),
                  normalised_min=float(np.min(r ** -0.25 * (Xt @ normalised))))
    reason = (f"{study.options['vector']} v at r = {r}, λ = {LAMBDA}, ξ_λ = {xi:.5f}: largest "
              f"|r^(−1/4) vᵀx̃ − f_ξ(‖x‖)| / SE = {z.max():.3g} vs {zcrit:.3g} (Bonferroni, "
              f"α = {T9_ALPHA}); vᵀx̃ {'changes' if sign_change else 'never changes'} sign over "
              f"‖x‖ ∈ [{T9_NORMS[0]}, {T9_NORMS[-1]}]; kept |A₁| = {a1} ({a1 / r:.3f} r), |A₂| = "
              f"{a2} ({a2 / r:.4f} r)")
    plot = Plot("reference", "Theorem 9's v: r^(−1/4) vᵀx̃ against f_ξλ(‖x‖)", "‖x‖",
                "r^(−1/4) vᵀx̃",
                (Series("as printed (v_j = ±r^(−3/4))", T9_NORMS, r ** -0.25 * (Xt @ printed),
                        "s"),
                 Series("normalised per group", T9_NORMS, r ** -0.25 * (Xt @ normalised), "o"),
                 Series("f_ξλ(‖x‖)", T9_NORMS, target, "-"),
                 Series("0", (T9_NORMS[0], T9_NORMS[-1]), (0.0, 0.0), "k:")),
                caption=f"λ = {LAMBDA}: the sign should change at ‖x‖ = λ and again beyond 10")
    bad = _nonfinite(dict(z=worst))
    if bad:
        return _nonfinite_finding(bad, values, (plot,))
    return Finding(state, reason, values, (plot,))


reference = Study(
    id="safran_lee2022.theorem9_reference_vector",
    title="Theorem 9's reference vector, normalised per truncation group, tracks r^{1/4} f_ξλ",
    citation=cite("Theorem 9, proof (App. D, pp. 39–45), Eq. (38)"),
    fidelity="reconstructed",
    statement=("Eq. (38) centres vᵀx̃ at r^{1/4} f_ξλ(‖x‖), which by Proposition 21 holds when "
               "each truncation group's weights are normalised by its count: v_j = r^{1/4}/|A₁| "
               "on A₁ and −ξλ r^{1/4}/|A₂| on A₂. Checked by Monte Carlo over the neurons at 32 "
               "norms (r = 10⁶ in ci), λ = 1.5."),
    unsearched=("a finding about the printed construction of Theorem 9's vector, checked by "
                "Monte Carlo at 32 norms spanning the range the proof uses; the identity is in "
                "the norm alone, so nothing else is left to vary."),
    measure=_t9_measure,
    constants=(("xi_lambda", "ξ with f_ξ(λ) = 0", "Proposition 22, item 2"),
               ("alpha", str(T9_ALPHA), "family-wise level")),
    modes=("relaxed",),
    options=dict(vector="normalised"),
    notes=("FINDING: as printed (v_j = r^{−3/4} on group 1, −ξ r^{−3/4} on group 2, then "
           "truncated), the kept counts are |A₁| ≈ r/8 and |A₂| ≈ (1 − erf 1) r/8 ≈ 0.02 r, so "
           "E[vᵀx̃] = r^{1/4}((|A₁|/r)·E₁ − ξ(|A₂|/r)·E₂) ≈ r^{1/4}(0.125 E₁ − 0.0197 ξ E₂), which "
           "is positive at every norm: the printed v classifies nothing outside the ball. The "
           "proof's Eq. (38) (centring r^{1/4} f_ξλ) needs the per-group normalisation; the "
           "planted variant 'as_printed' keeps the printed v and is refuted."),
)
REFERENCE_PLANTED = reference.variant(
    "as_printed", planted=True, options=dict(vector="printed"),
    statement=("AS PRINTED (false; a finding): with v_j = r^{−3/4} / −ξ r^{−3/4} then truncated, "
               "r^{−1/4} vᵀx̃ concentrates at f_ξλ(‖x‖)."))



# -------------------------------------------------------------------------------------------------
# Shared by 9 and 10: test and training errors of GD on Eq. (2), per radius λ and trial

# Theorem 8's iteration count is O(r ln(r/ε)) (PMLR p. 12) at η ∝ 1/r: we run 16·r steps at
# η = 4/r (about 4/7 of the stability limit 2/λ_max((2/n)X̃ᵀX̃) ≈ 7/r: measured 5.3/r–10/r, median
# ≈ 7/r, on both studies' data at r = 32 and 128, 4 trials each), the logarithm bounded by a
# constant over the tested widths; the last half of each run's F̂ decrease is reported so that an
# unconverged run is visible.
STEPS_PER_NEURON = 16
SCALING_ETA = 4.0
SCALING_TEST = 20_000
# A run whose F̂ ends within 5% of the all-0 / all-1 output's (F̂ = p̂ or 1 − p̂) has stalled with
# its outputs clipped. Tuned after measurement: over the 340 runs of both scaling studies' ci
# pools (planted variant included) the learning runs end at F̂ ≤ 0.66·min(p̂, 1 − p̂) and the 9
# stalled ones at ≥ 1.0 of it.
STALLED_FRACTION = 0.95
# One stalled-run policy for both scaling studies: a stalled run is left out and replaced, in
# order, by one of this many spare trials drawn beyond the profile's count (at every point: every
# width, or every (d, λ)); the stalled runs are counted in the values and the reason, and a point
# with more stalled runs than spares makes the study INCONCLUSIVE. Why: Theorem 8 holds with
# probability 1 − δ, and a run whose outputs are all clipped (∇F̂ = 0: GD cannot leave, from
# Assumption 7's initialisation or after an overshoot) is in the δ part, negligible at its sizes but
# not at ours (2 of 100 runs in width_scaling, 4 of 120 in dimension_scaling, ci); its error (≈
# the all-0 output's, 2–5× a trained run's) would move a per-point mean of log errors by itself.
SCALING_SPARE_TRIALS = 2


@functools.lru_cache(maxsize=256)
def _eq2_errors(norm, scale, d, r, n, lambdas, seeds):
    """GD on Eq. (2) for each (λ, trial): test errors F_N(w_T), final F̂(w_T), the relative fall
    of F̂ over the run's second half, the best constant's test error p(1 − p), and whether the run
    stalled: F̂(w_T) ≥ STALLED_FRACTION · min(p̂, 1 − p̂), no better than the all-0 or all-1 output
    (every output clipped to one side, where ∇F̂ = 0 or nearly: GD cannot leave).

    Trial s draws its sample (seed DATA_SEED_OFFSET + s), held-out set (TEST_SEED_OFFSET + s) and
    hidden layer (seed s); all radii share them (only the labels change). Returns five arrays of
    shape (len(lambdas), len(seeds)) and the number of diverged runs (their entries are NaN).
    """
    steps = STEPS_PER_NEURON * r
    Xts, ys, w0s, tests = [], [], [], []
    for s in seeds:
        X = data.radial(n, d, norm=norm, scale=scale, seed=DATA_SEED_OFFSET + s)
        Xte = data.radial(SCALING_TEST, d, norm=norm, scale=scale, seed=TEST_SEED_OFFSET + s)
        U, B, w0 = feat.init_features(r, d, seed=s)
        Xt, Xtt = feat.features(X, U, B), feat.features(Xte, U, B)
        for lam in lambdas:
            Xts.append(Xt)
            ys.append(data.ball_indicator(X, radius=lam))
            w0s.append(w0)
            tests.append((Xtt, data.ball_indicator(Xte, radius=lam)))
    runs = feat.gradient_descent_batch(Xts, ys, w0s, eta=SCALING_ETA / r, steps=steps)
    test, train, fall, constant = (np.full(len(runs), np.nan) for _ in range(4))
    stalled = np.zeros(len(runs), dtype=bool)
    for k, (run, (Xtt, yte)) in enumerate(zip(runs, tests)):
        p = yte.mean()
        constant[k] = p * (1.0 - p)
        if run.diverged:
            continue
        test[k] = feat.clipped_risk(run.w, Xtt, yte)
        train[k] = run.losses[-1]
        half = run.losses[steps // 2]
        fall[k] = (half - run.losses[-1]) / half if half > 0 else 0.0
        q = ys[k].mean()
        stalled[k] = run.losses[-1] >= STALLED_FRACTION * min(q, 1.0 - q)
    shape = (len(seeds), len(lambdas))
    out = tuple(a.reshape(shape).T.copy() for a in (test, train, fall, constant, stalled))
    return out + (sum(run.diverged for run in runs),)


def _usable_trials(stalled, trials):
    """Indices of the first ``trials`` runs of a point's pool (``stalled``: one bool per trial)
    that did not stall; None when fewer are left."""
    alive = np.flatnonzero(~np.asarray(stalled, dtype=bool))[:trials]
    return alive if alive.size == trials else None


def _order_state(judgements):
    """HOLDS when every fit is CONSISTENT, VIOLATED when one is REFUTED, else INCONCLUSIVE."""
    states = [j.state for j in judgements]
    if "REFUTED" in states:
        return engine.VIOLATED
    return engine.HOLDS if all(s == "CONSISTENT" for s in states) else engine.INCONCLUSIVE


# -------------------------------------------------------------------------------------------------
# 9. Theorem 8 in r: the observed order of the test error in the width

WIDTH_DIM = 5
# (norm, scale) of checks.data.radial: |Cauchy| norms (the heavy tail Assumption 6 allows) and a
# Gaussian N(0, s²I_d/d) with s = 1.5, so that λ = 1.5 sits at the bulk of the norms
# (P(‖x‖ ≤ 1.5) = P(χ²_5 ≤ 5) ≈ 0.58) rather than in the tail (s = 1 gives P ≈ 0.95).
WIDTH_NORMS = (("cauchy", 1.0), ("gaussian", 1.5))
# (widths, n, trials) per profile: n fixed across widths (see the study's notes). 8 trials at
# least: the percentile bootstrap of stats.fit_loglog resamples whole trials, and 4 trials give only
# 35 distinct resamples and an interval that under-covers.
WIDTH_SIZES = {"ci": ((8, 16, 32, 64, 128), 2048, 8),
               "dev": ((8, 16, 32, 64, 128, 256), 4096, 12),
               "thorough": ((8, 16, 32, 64, 128, 256, 512), 8192, 16)}
# The upper half of the widths is fitted (stats.asymptotic_tail): an O(·) says nothing at small r.
WIDTH_TAIL = 0.5


def _width_measure(study, mode, profile, seed):
    if mode == "literal":
        return Finding(engine.VACUOUS, literal_reason() + "; Theorem 8's bound F ≤ ε holds only "
                       "from r ≥ 12000⁴ on, so its order in r is measured in relaxed mode")
    widths, n, trials = WIDTH_SIZES.get(profile.name, WIDTH_SIZES["ci"])
    pool = _trial_seeds(seed, trials + SCALING_SPARE_TRIALS)
    order = study.options["order"]
    values, judgements, reasons, series = {}, [], [], []
    for norm, scale in WIDTH_NORMS:
        results = [_eq2_errors(norm, scale, WIDTH_DIM, r, n, (LAMBDA,), pool) for r in widths]
        kept = [_usable_trials(res[4][0], trials) for res in results]
        diverged = sum(res[5] for res in results)
        values[f"{norm}_stalled_runs"] = int(sum(res[4].sum() for res in results))
        short = [r for r, k in zip(widths, kept) if k is None]
        if diverged or short:
            judgements.append(stats.OrderJudgement(order, math.nan, math.nan, math.nan,
                                                   "INCONCLUSIVE", "no fit"))
            reasons.append(f"{norm}: {diverged} diverged run(s), more than "
                           f"{SCALING_SPARE_TRIALS} stalled runs at r ∈ {short or '∅'}: no order "
                           "fitted")
            continue
        # Rows: widths; columns: the first `trials` runs of each width's pool that did not stall.
        test = np.array([res[0][0][k] for res, k in zip(results, kept)])
        train = np.array([res[1][0][k] for res, k in zip(results, kept)])
        fall = np.array([res[2][0][k] for res, k in zip(results, kept)])
        for r, e, f in zip(widths, test, train):
            values[f"{norm}_r{r}_test"] = float(np.mean(e))
            values[f"{norm}_r{r}_train"] = float(np.mean(f))
        values[f"{norm}_constant"] = float(np.mean(results[0][3][0]))
        values[f"{norm}_max_late_fall"] = float(np.max(fall))
        # "test > 0" is False for a NaN: a NaN or a zero error is never fitted.
        if not np.all(test > 0) or not np.all(np.isfinite(test)):
            judgements.append(stats.OrderJudgement(order, math.nan, math.nan, math.nan,
                                                   "INCONCLUSIVE", "no fit"))
            reasons.append(f"{norm}: a zero or non-finite test error: no order can be fitted")
            continue
        x, e = stats.asymptotic_tail(widths, test, fraction=WIDTH_TAIL)
        fit = stats.fit_loglog(x, e, seed=BOOTSTRAP_SEED_OFFSET + seed * SEED_STRIDE)
        judged = stats.judge_order(fit, expected=order, kind="upper_bound")
        judgements.append(judged)
        values.update({f"{norm}_slope": fit.slope, f"{norm}_low": fit.low,
                       f"{norm}_high": fit.high})
        reasons.append(f"{norm} norms ({values[f'{norm}_stalled_runs']} stalled run(s), replaced "
                       f"by spares; test error {np.mean(test[0]):.4f} at r = {widths[0]} → "
                       f"{np.mean(test[-1]):.4f} at r = {widths[-1]}; best constant "
                       f"{values[f'{norm}_constant']:.4f}), fitted r = {int(x[0])}..{int(x[-1])}: "
                       + judged.reason)
        label = "|Cauchy|" if norm == "cauchy" else f"Gaussian (s = {scale:g})"
        wx = np.asarray(widths, dtype=float)
        series += [Series(f"{label}: mean test error", widths, test.mean(axis=1), "o",
                          tuple(test.std(axis=1, ddof=1))),
                   Series(f"{label}: fit r^{fit.slope:.2f} (upper half)", x,
                          np.exp(fit.intercept) * x ** fit.slope, "--"),
                   Series(f"{label}: r^{order:g} through the first fitted point", wx,
                          np.mean(e[0]) * (wx / x[0]) ** order, ":")]
    state = _order_state(judgements)
    late_fall = np.max([values.get(f"{nm}_max_late_fall", np.nan) for nm, _ in WIDTH_NORMS])
    reason = (f"claimed: test error ≤ C·r^{order:g} (upper-bound order); d = {WIDTH_DIM}, "
              f"λ = {LAMBDA}, n = {n} at every width, {STEPS_PER_NEURON}·r GD steps at η = "
              f"{SCALING_ETA:g}/r, {trials} trials per width; " + "; ".join(reasons)
              + f" (largest relative fall of F̂ over a run's second half: {late_fall:.3f})")
    plot = Plot("width", "Test error of GD on Eq. (2) against the width r", "width r",
                "test MSE (held-out)", tuple(series), xscale="log", yscale="log",
                caption=f"d = {WIDTH_DIM}, λ = {LAMBDA}, n = {n}; error bars: SD over trials")
    return Finding(state, reason, values, (plot,))


width_scaling = Study(
    id="safran_lee2022.width_scaling",
    title="Theorem 8 in r: the test error of GD on Eq. (2) decays at least like r^(−1/5)",
    citation=cite("Theorem 8 (p. 12)"),
    fidelity="reconstructed",
    statement=("Theorem 8 (stated): with r ≥ max{12000⁴, cε⁻⁵(q⁴(d) + ln²(1/δ))}, "
               "n = ⌈c r³ log₂² r⌉ and GD until F̂ ≤ ε/2, F(w_t) ≤ ε w.p. ≥ 1 − δ; inverted at "
               "fixed d and δ, F ≤ (c(q⁴(d) + ln²(1/δ))/r)^{1/5} = O(r^(−1/5)). Relaxed "
               "(reconstructed): at d = 5, λ = 1.5, on |Cauchy| and on Gaussian norms, the "
               "held-out error after 16r GD steps at η = 4/r with n fixed has an observed order "
               "in r of at most −1/5 over the upper half of the widths (32..128 of 8..128 in "
               "ci)."),
    unsearched=("an observed order over a designed width sequence r (16r GD steps each, on two "
                "norm laws): the most expensive measurement in the suite, so even a few "
                "examples over d or λ would multiply the main job's time. Left for a dev- "
                "profile search."),
    measure=_width_measure,
    constants=(("order", "−1/5", "Theorem 8: r ∝ ε⁻⁵ inverted"),
               ("d, λ", f"{WIDTH_DIM}, {LAMBDA}", "a fixed dimension; the middle of λ ∈ [1, 2]"),
               ("widths, n, trials", "8..128, 2048, 8 (ci); 8..256, 4096, 12 (dev); 8..512, "
                "8192, 16 (thorough); 2 spare trials", "CI budget; ≥ 8 trials for the bootstrap "
                "of the slope"),
               ("steps, η", "16·r, 4/r", "Theorem 8's T = O(r ln(r/ε)) at η ∝ 1/r, logarithm "
                "bounded; η relaxed from η < ν/(8r)"),
               ("tail", "upper half of the widths", "stats.asymptotic_tail, fraction 0.5")),
    modes=("literal", "relaxed"),
    options=dict(order=-0.2),
    notes=("What is measured is the whole test error of the trained network: approximation "
           "(shrinking as r grows), optimisation (16r steps; the reported late fall of F̂ "
           "bounds how far a run was from its plateau) and estimation. Why n is fixed rather than "
           "∝ r: the paper's n = c r³ log² r makes the estimation term (Theorem 13's 4√(r/n)) "
           "vanish, which no laptop size can; with n fixed, the estimation error can only grow "
           "with r and flatten the curve at the largest widths (the train–test gap is in the "
           "values), so it biases the slope towards refuting the claim, never towards holding "
           "it; n ∝ r would instead shrink a small-r estimation error and steepen the slope. "
           "Stalled runs (outputs all clipped, ∇F̂ ≈ 0) are replaced by spare trials and "
           "counted, as in safran_lee2022.dimension_scaling (see SCALING_SPARE_TRIALS). "
           "There is no label noise and the Bayes error is 0: the only floor is that estimation "
           "term. Observed orders (ci, upper half 32..128) ≈ −0.5 on both norm laws, faster "
           "than Theorem 8's −1/5 (its ε⁻⁵ is a worst case: Theorem 9's approximation part "
           "alone is ∝ q(d) r^(−1/4), p. 60); the planted order −1 is refuted."),
)
WIDTH_PLANTED = width_scaling.variant(
    "order_r_inverse", planted=True, options=dict(order=-1.0),
    statement="PLANTED FALSE: the test error decays like r⁻¹ (five times Theorem 8's order).")


# -------------------------------------------------------------------------------------------------
# 10. Theorem 8 in d on D'_d: resources ∝ q(d)⁴ keep the worst-radius error from growing; Eq. (1)
#     beside it (an illustration of Theorem 3, not judged)


def sum_of_spheres_density_bound(d):
    """q(d) = max_{t ∈ [0.9, 2.05]} γ'_d(t) for D'_d (Assumption 6(2)).

    γ'_d(t) ∝ t^{d−2}(1 − t²/4)^{(d−3)/2} has its mode where (d − 2)(1 − t²/4) = (d − 3)t²/4,
    i.e. t* = 2√((d − 2)/(2d − 5)) ∈ [√2, 2] ⊂ [0.9, 2.05] for d ≥ 3, so q(d) = γ'_d(t*)
    (≈ 0.55√d for large d: the norm concentrates at √2 with spread ∝ 1/√d).
    """
    d = int(d)
    if d < 3:
        raise ValueError(f"d must be at least 3 (γ'_d is unbounded at t = 2 for d = 2), got {d}")
    return float(data.sum_of_spheres_norm_density(2.0 * math.sqrt((d - 2) / (2 * d - 5)), d))


DIM_GRID = {"ci": (3, 4, 6, 8), "dev": (3, 4, 6, 8, 10, 12), "thorough": (3, 4, 6, 8, 10, 12, 16)}
# ≥ 8 trials: the bootstrap of stats.fit_loglog resamples whole trials (4 give 35 resamples).
# Stalled runs are replaced from SCALING_SPARE_TRIALS spares, as in width_scaling.
DIM_TRIALS = {"ci": 8, "dev": 12, "thorough": 16}
# The fit starts at d = 4: Theorem 3's hardness is for d ≥ 4, and at d = 3 the density at the
# hard radius √2 is 0.71·q(3) (γ'_3(t) = t/2 peaks at t = 2), so r ∝ q⁴ over-provisions d = 3
# about (1/0.71)⁴ ≈ 4-fold; from d = 4 on γ'_d(√2)/q(d) ≥ 0.92.
DIM_FIT_FROM = 4
# r(d) = round(R0 · q(d)⁴): Theorem 8's width at fixed ε and δ is ∝ q⁴(d) (+ ln²(1/δ)). R0 = 24
# was tuned after measurement: it puts the error near 0.13–0.16 at every d against the trivial
# 0.25 (far from saturation) within the CI budget.
DIM_R0 = 24
# n = 32·r: Theorem 8's n is a function of r alone, so n ∝ r keeps every size a function of q(d)
# and Theorem 13's estimation term 4√(r/n) the same at every d.
DIM_SAMPLES_PER_NEURON = 32
# Radii: D'_d's norm has median √2 for every d (‖x‖² = 2 + 2⟨x₁, x₂⟩, symmetric about 2), where
# the indicator is hardest (balanced labels); 1.25 and 1.6 on either side.
DIM_LAMBDAS = (1.25, math.sqrt(2.0), 1.6)
# Eq. (1) for the illustration: sigmoid (C², Theorem 3's σ), NTK scaling, every layer trained.
EQ1_NETWORK = Network(activation="sigmoid", bias=True, scaling="ntk", train=("W", "b", "a"),
                      loss="mean")
# (inits, steps) per profile; η = 2 was chosen after measurement: no divergence was seen at η = 2
# for d ≤ 12 and widths ≤ 300 (a divergence would be reported as NaN). The inits' seeds are
# offset by EQ1_INIT_SEED_OFFSET from the trials' (their hidden weights would otherwise be drawn
# from the same stream as trial j's features, U ∝ W).
EQ1_RUNS = {"ci": (2, 300), "dev": (2, 1000), "thorough": (4, 3000)}
EQ1_ETA = 2.0


def _dim_width(d, width):
    return int(round(DIM_R0 * sum_of_spheres_density_bound(3 if width == "fixed" else d) ** 4))


@functools.lru_cache(maxsize=64)
def _eq1_errors(d, m, n, lam, data_seed, inits, steps):
    """Held-out MSE of fully trained Eq. (1) networks (EQ1_NETWORK, width m) on D'_d at radius
    λ, from the inits' seeds, on the sample and held-out set of trial ``data_seed``."""
    X = data.radial(n, d, norm="sum_of_spheres", seed=DATA_SEED_OFFSET + data_seed)
    Xte = data.radial(SCALING_TEST, d, norm="sum_of_spheres", seed=TEST_SEED_OFFSET + data_seed)
    y, yte = data.ball_indicator(X, radius=lam), data.ball_indicator(Xte, radius=lam)
    params = [init_params(EQ1_NETWORK, m, d, seed=s) for s in inits]
    runs = gradient_descent_batch(EQ1_NETWORK, params, X, y, eta=EQ1_ETA, steps=steps)
    return tuple(math.nan if run.diverged else
                 float(np.mean((forward(EQ1_NETWORK, run.params, Xte) - yte) ** 2))
                 for run in runs)


def _worst_radius(test, stalled, trials):
    """The worst radius and its usable trials: per radius (row), the first ``trials`` runs that
    did not stall (``_usable_trials``); the worst is the row with the largest median test error
    over them. Returns (k, kept), or (k, None) with k the first radius short of usable trials."""
    kept = [_usable_trials(row, trials) for row in stalled]
    short = [k for k, idx in enumerate(kept) if idx is None]
    if short:
        return short[0], None
    medians = [np.median(row[idx]) for row, idx in zip(test, kept)]
    # np.argmax picks the first NaN: a NaN median is never hidden behind a finite one.
    k = int(np.argmax(medians))
    return k, kept[k]


def _dim_measure(study, mode, profile, seed):
    if mode == "literal":
        return Finding(engine.VACUOUS, literal_reason() + "; on D'_d, q(d) ≈ 0.55√d adds "
                       "nothing measurable to r ≥ 12000⁴")
    dims = DIM_GRID.get(profile.name, DIM_GRID["ci"])
    trials = DIM_TRIALS.get(profile.name, DIM_TRIALS["ci"])
    pool = _trial_seeds(seed, trials + SCALING_SPARE_TRIALS)
    width = study.options["width"]
    worst, worst_lam, constants, values = [], [], [], {}
    for d in dims:
        r = _dim_width(d, width)
        test, train, _, constant, stalled, diverged = _eq2_errors(
            "sum_of_spheres", 1.0, d, r, DIM_SAMPLES_PER_NEURON * r, DIM_LAMBDAS, pool)
        k, kept = _worst_radius(test, stalled, trials)
        if diverged or kept is None or not np.all(np.isfinite(test[k, kept])):
            return Finding(engine.INCONCLUSIVE, f"d = {d}, r = {r}: {diverged} GD run(s) "
                           f"diverged, {int(stalled[k].sum())} of {len(pool)} stalled at "
                           f"λ = {DIM_LAMBDAS[k]:.4g}, or a non-finite test error: fewer than "
                           f"{trials} usable trials", values)
        worst.append(test[k, kept])
        worst_lam.append(DIM_LAMBDAS[k])
        constants.append(float(constant[k].mean()))
        values.update({f"d{d}_r": r, f"d{d}_q": sum_of_spheres_density_bound(d),
                       f"d{d}_worst_lambda": DIM_LAMBDAS[k],
                       f"d{d}_test": float(test[k, kept].mean()),
                       f"d{d}_train": float(train[k, kept].mean()),
                       f"d{d}_stalled": int(stalled.sum()), f"d{d}_constant": constants[-1]})
    worst = np.array(worst)
    fitted = np.array(dims) >= DIM_FIT_FROM
    fit = stats.fit_loglog(np.array(dims)[fitted], worst[fitted],
                           seed=BOOTSTRAP_SEED_OFFSET + seed * SEED_STRIDE)
    judged = stats.judge_order(fit, expected=study.options["order"], kind="upper_bound")
    values.update(slope=fit.slope, low=fit.low, high=fit.high)
    sizes = ", ".join(f"d = {d}: r = {values[f'd{d}_r']}" for d in dims)
    reason = (f"claimed: with r(d) = round({DIM_R0}·q(d)⁴) "
              + ("" if width == "scaled" else f"replaced by r = {_dim_width(3, width)} at every d "
                 "(PLANTED) ")
              + f"({sizes}), n = {DIM_SAMPLES_PER_NEURON}r, {STEPS_PER_NEURON}r steps at η = "
              f"{SCALING_ETA:g}/r, the held-out error at the worst λ ∈ "
              f"{{{', '.join(f'{lam:.4g}' for lam in DIM_LAMBDAS)}}} grows in d with order ≤ "
              f"{study.options['order']:g}; worst-λ errors "
              + ", ".join(f"{e:.4f}" for e in worst.mean(axis=1))
              + f" (best constant {min(constants):.3f}–{max(constants):.3f}; stalled runs over "
              f"the three λ, replaced from {SCALING_SPARE_TRIALS} spare trials per λ: "
              + ", ".join(str(values[f"d{d}_stalled"]) for d in dims)
              + f"); log error vs log d over d = {DIM_FIT_FROM}..{dims[-1]}, {trials} trials: "
              + judged.reason)
    series = [Series("Eq. (2), GD on w (worst λ), mean over trials", dims, worst.mean(axis=1), "o-",
                     tuple(worst.std(axis=1, ddof=1))),
              Series("best constant p(1 − p)", dims, constants, "k:")]
    if width == "scaled":
        inits, steps = EQ1_RUNS.get(profile.name, EQ1_RUNS["ci"])
        eq1 = np.array([_eq1_errors(d, values[f"d{d}_r"],
                                    DIM_SAMPLES_PER_NEURON * values[f"d{d}_r"], lam, pool[0],
                                    _trial_seeds(seed, inits, EQ1_INIT_SEED_OFFSET), steps)
                        for d, lam in zip(dims, worst_lam)])
        for d, e in zip(dims, eq1):
            values[f"d{d}_eq1_test"] = float(np.mean(e))
        reason += ("; ILLUSTRATION, not judged: Eq. (1) (sigmoid, every layer trained, same width "
                   f"r(d), {steps} GD steps at η = {EQ1_ETA:g}, {inits} inits, the first "
                   "trial's sample) "
                   "at the same λ: " + ", ".join(f"{np.mean(e):.4f}" for e in eq1))
        series.append(Series("Eq. (1), sigmoid, all layers trained (illustration)", dims,
                             np.nanmean(eq1, axis=1), "s--"))
    plot = Plot("dimension", "D'_d: held-out error at the worst radius against d", "d",
                "test MSE", tuple(series), xscale="log", yscale="log",
                caption=(f"r(d) = round({DIM_R0}·q(d)⁴), n = {DIM_SAMPLES_PER_NEURON}r; "
                         "error bars: SD over trials"))
    return Finding(_order_state((judged,)), reason, values, (plot,))


dimension_scaling = Study(
    id="safran_lee2022.dimension_scaling",
    title="Theorem 8 in d on D'_d: width ∝ q(d)⁴ keeps the worst-radius error from growing "
          "(with Eq. (1) beside it, an illustration)",
    citation=cite("Theorem 8 (p. 12), Assumption 6(2) (p. 11), Theorem 3 (pp. 7–8)"),
    fidelity="reconstructed",
    statement=("Theorem 8 (stated) needs r ≥ cε⁻⁵(q⁴(d) + ln²(1/δ)), with q(d) the bound of "
               "Assumption 6(2) on the norm density over [0.9, 2.05], and n, T functions of r: the "
               "error bound (c(q⁴(d) + ln²(1/δ))/r)^{1/5} does not grow with d when r ∝ q⁴(d). "
               "On D'_d, q(d) = max γ'_d ≈ 0.55√d (polynomial, as Theorem 3's positive side for "
               "d ≥ 3 needs). Relaxed (reconstructed): with r(d) = round(24·q(d)⁴), n = 32r and "
               "16r GD steps at η = 4/r, the held-out error of Eq. (2) at the worst λ of "
               "{1.25, √2, 1.6} has an observed order in d of at most 0 (fitted over d = 4..8 in "
               "ci)."),
    unsearched=("the dimension d is what the measurement already sweeps (with r ∝ q(d)⁴); the "
                "remaining choices (the scale 24, n = 32r) are the relaxation\"s, not the "
                "statement\"s."),
    measure=_dim_measure,
    constants=(("order", "0", "Theorem 8's bound at r ∝ q⁴(d) is non-increasing in d"),
               ("q(d)", "γ'_d(2√((d − 2)/(2d − 5)))", "Assumption 6(2) for D'_d (the mode of "
                "γ'_d)"),
               ("r(d), n", f"round({DIM_R0}·q(d)⁴), {DIM_SAMPLES_PER_NEURON}r",
                "Theorem 8's r ∝ q⁴(d); n a function of r as in Theorem 8"),
               ("lambdas", "1.25, √2, 1.6", "around the median norm √2 of D'_d"),
               ("Eq. (1)", "sigmoid, NTK scaling, W, b, a trained, η = 2, 300 steps, 2 inits "
                "(ci)", "illustration only")),
    modes=("literal", "relaxed"),
    options=dict(order=0.0, width="scaled"),
    notes=("What the verdict means: HOLDS says that growing the width like q(d)⁴ ∝ d² (a "
           "polynomial in d, Theorem 8's resource) was enough to keep the error at the hardest "
           "tested radius from growing over the tested d; VIOLATED would say that at these sizes "
           "the needed width grows faster than q⁴(d). It is not a test of Theorem 8's constants "
           "(r ≥ 12000⁴ is out of reach). The fit is over d ≥ 4 (d = 3 is drawn): Theorem 3's "
           "hardness starts at d = 4, and at d = 3 the density at the hard radius √2 is only "
           "0.71·q(3), so r ∝ q⁴ over-provisions it (≥ 0.92·q(d) from d = 4 on). Runs that "
           "stall (F̂ within 5% of the all-0 output's: outputs clipped, ∇F̂ ≈ 0) are left out "
           "at every λ and replaced by spare trials, and counted (the policy of width_scaling "
           "too, see SCALING_SPARE_TRIALS); the median over the usable trials picks the worst "
           "λ. The planted "
           "variant drops the hypothesis (r fixed at r(3) = 24 for every d, the 'dimension-free' "
           "reading) and is refuted: the error then climbs towards the trivial 0.25, because the "
           "norm concentrates at √2 with spread ∝ 1/√d and a fixed number of random features "
           "cannot resolve it. ILLUSTRATION (not judged; the Eq. (1) numbers do not enter the "
           "verdict): Theorem 3's hardness for Eq. (1) (error > 1/400 unless exponential time, "
           "d ≥ 4) has unspecified constants and appears at exponential widths, so at laptop "
           "sizes nothing about it can fail; the figure shows fully trained sigmoid Eq. (1) "
           "networks of the same width (more trained parameters: r(d + 2) against r) beside "
           "Eq. (2). Eq. (1)'s output bias b₀ is absent (the kernel has none; the hidden biases "
           "can carry a constant). Observed (ci): Eq. (1) 0.105, 0.104, 0.153, 0.178 against "
           "Eq. (2) 0.129, 0.172, 0.154, 0.151 at d = 3, 4, 6, 8 — below at d ≤ 4, equal at 6, "
           "above at 8; with 2 inits on one sample and 300 steps this shows no separation "
           "either way at these sizes, as expected."),
)
DIM_PLANTED = dimension_scaling.variant(
    "fixed_width", planted=True, options=dict(width="fixed"),
    statement=("PLANTED FALSE (hypothesis dropped): at a fixed width r = r(3) = 24 for every d, "
               "the worst-radius error does not grow with d (order ≤ 0)."))


register(prop21, (PROP21_PLANTED,))
register(prop22, PROP22_PLANTED)
register(gamma_prime, (GAMMA_PLANTED,))
register(gradient_norm, (GRAD_PLANTED, GRAD_PLANTED_N))
register(gen_gap, (GAP_PLANTED,))
register(contraction, (CONTRACTION_PLANTED,))
register(ablation, (ABLATION_PLANTED,))
register(reference, (REFERENCE_PLANTED,))
register(width_scaling, (WIDTH_PLANTED,))
register(dimension_scaling, (DIM_PLANTED,))
