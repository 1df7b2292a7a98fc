"""Jentzen, Kröger 2021 — "Convergence rates for gradient descent in the training of
overparameterized artificial neural networks with biases" (arXiv:2102.11840v1; v2 retitled "… with
piecewise affine activation").

Only the abstracts could be read (theorems/SOURCES.md §3): shallow ReLU networks with biases,
random initialisation, full-batch GD on the mean squared error, a fixed training set; if the width is
large enough, the learning rate small enough and the inputs pairwise linearly independent (v1) or
pairwise distinct (v2), the risk converges to zero at a linear rate with high probability. Which
layers train, the scaling, the initialisation and the rate constant are not in the abstracts: the
statement here is **reconstructed** as the natural bias-augmented analogue of Du et al. 2019,
Theorem 4.1, with the mean loss L = (1/n) Σ (f(x_i) − y_i)²:

    inner layer (W, b) trained, NTK scaling 1/√m, w_r ~ N(0, I), b_r ~ N(0, 1), a_r ~ Unif{±1};
    K_ij = (x_iᵀx_j + 1)(π − θ̃_ij)/(2π), θ̃ the angle between (x_i, 1) and (x_j, 1); λ_K = λ_min(K);
    m ≥ C_m n⁶/(λ_K⁴δ³), γ ≤ C_gamma λ_K/(2n)  ⇒  w.p. ≥ 1 − δ, L(k) ≤ (1 − γλ_K/n)^k L(0).

The step and rate are Du's translated exactly: GD with step γ on the mean loss is GD with
η = 2γ/n on the half-sum loss (SOURCES.md §3), and (1 − ηλ/2) = (1 − γλ/n).
"""

import math

import numpy as np

from dataclasses import replace

from checks import ntk
from checks.network import Network
from checks.space import Corner, Family, SearchSpace
from checks.theorem import (Citation, Constant, DataSpec, Hypothesis, Instance,
                            Problem, Theorem, power_of_two_at_least, register, within_budget)
from theorems.du2019 import (BOUNDED_LABELS, ENVELOPE_DECAY, LAMBDA0_FLOOR, MAX_STEPS,
                             SEARCH_SEEDS, TINY_WIDTH, envelope_conclusion, rate_envelope,
                             relaxed_width)

NETWORK = Network(activation="relu", bias=True, scaling="ntk", train=("W", "b"), loss="mean")
INIT = dict(kappa=1.0, kappa_b=1.0, outer="sign")

# Pairwise linear independence of two inputs, judged on |cos angle|: 1 − |cos| below this is
# parallel to rounding (a unit vector's cosine with itself is 1 to ~1e-16).
PARALLEL_TOL = 1e-12
# Two inputs closer than this (relative to the larger norm) count as one.
DISTINCT_TOL = 1e-12


def cite(version):
    return Citation("Jentzen, Kröger", 2021,
                    "Convergence rates for gradient descent in the training of overparameterized "
                    "artificial neural networks with biases", f"2102.11840{version}",
                    "main theorem (abstract)")


def _min_one_minus_abs_cos(X):
    G = X @ X.T
    norms = np.sqrt(np.diag(G))
    cos = np.abs(G / np.outer(norms, norms))
    np.fill_diagonal(cos, 0.0)
    return float(1.0 - cos.max()) if X.shape[0] > 1 else 1.0


def _min_relative_distance(X):
    if X.shape[0] < 2:
        return 1.0
    diff = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
    scale = np.maximum(np.linalg.norm(X, axis=1)[:, None], np.linalg.norm(X, axis=1)[None, :])
    np.fill_diagonal(diff, np.inf)
    return float(np.min(diff / np.maximum(scale, 1e-300)))


CONSTANTS = (
    Constant("lambda_K", "λ_K = λ_min(K), K the bias-augmented ReLU kernel over (W, b)",
             "THEOREMS.md T3 (reconstructed)",
             lambda p, c: ntk.lambda0(p.X, bias=True)),
    Constant("lambda_max_inf", "λ_max(K)", "divergence threshold of the linearised dynamics",
             lambda p, c: ntk.lambda_max(ntk.infinite_width_gram(p.X, bias=True))),
    Constant("width_bound", "m ≥ C_m · n⁶ / (λ_K⁴ δ³)", "reconstructed from Du et al. 2019, Thm 4.1",
             lambda p, c: c["C_m"] * p.n ** 6 / (c["lambda_K"] ** 4 * c["delta"] ** 3)),
    Constant("width_floor", "n² log(n/δ) / λ_K²", "Du et al. 2019, Lemma 3.1 with constant 1 "
             "and λ_K for λ₀ (reconstructed): the floor of relaxed widths, as for Du et al.'s "
             "claims (theorems/du2019.py, relaxed_width)",
             lambda p, c: p.n ** 2 * math.log(p.n / c["delta"]) / c["lambda_K"] ** 2),
    Constant("step_bound", "γ ≤ C_gamma · λ_K / (2n)",
             "reconstructed: Du et al.'s η ≤ λ₀/n² with η = 2γ/n",
             lambda p, c: c["C_gamma"] * c["lambda_K"] / (2 * p.n)),
    # The linearised mean-loss dynamics diverge for γ > n/λ_max (η = 2γ/n > 2/λ_max).
    Constant("step_unstable", "γ = n/λ_max(K)", "η = 2γ/n above 2/λ_max",
             lambda p, c: p.n / c["lambda_max_inf"]),
)

UNSPECIFIED = {"C_m": 1.0, "C_gamma": 1.0, "C_y": 1.0, "delta": 0.1}

INDEPENDENT = Hypothesis(
    "pairwise_independent", "x_i, x_j linearly independent for i ≠ j (1 − |cos θ_ij| > 0)",
    "Jentzen & Kröger 2021, v1 abstract",
    lambda p, c, r: _min_one_minus_abs_cos(p.X) / PARALLEL_TOL)
DISTINCT = Hypothesis(
    "pairwise_distinct", "x_i ≠ x_j for i ≠ j", "Jentzen & Kröger 2021, v2 abstract",
    lambda p, c, r: _min_relative_distance(p.X) / DISTINCT_TOL)
COMMON = (
    Hypothesis("bounded_labels", "|y_i| ≤ C_y", "reconstructed (Du et al.'s |y_i| ≤ C)",
               lambda p, c, r: c["C_y"] / max(float(np.max(np.abs(p.y))), 1e-300)),
    Hypothesis("kernel_definite", "λ_K > 0", "the rate constant must be positive",
               lambda p, c, r: c["lambda_K"] / LAMBDA0_FLOOR),
    Hypothesis("width", "m ≥ C_m · n⁶ / (λ_K⁴ δ³)", "reconstructed",
               lambda p, c, r: p.m / relaxed_width(c, r), kind="width", bound="width_bound"),
    Hypothesis("step", "γ ≤ C_gamma · λ_K / (2n)", "reconstructed",
               lambda p, c, r: relaxed_step(c, r) / p.eta, kind="step", bound="step_bound"),
)

# The same relaxation as Du et al.'s (theorems/du2019.py explains the factors), with the step
# capped (relaxed_step).
RELAX = {"width": 1e-7, "step": 10.0}


def relaxed_step(c, factor):
    """The step size a mode allows: factor × the step bound, but in relaxed mode never above half
    the linearised dynamics' stability limit, γ ≤ n/(2λ_max(K)) (η = 2γ/n ≤ 1/λ_max: every mode
    contracts without oscillating), unless the literal bound itself is above it.

    Du et al.'s unit inputs keep 10 λ₀/n² below 1/λ_max(H∞) for every n; inputs of other norms
    do not: at ‖x‖ ≈ 2 (radial, gaussian, scale 1.9, n = d = 4) λ_K ≈ 0.95 puts 10 × the bound at
    γ = 1.19 > n/λ_max = 0.91, GD oscillates, and the search refuted the uncapped relaxed claim
    at base seed 2 (tests/test_jentzen2021.py keeps that instance).
    """
    if factor <= 1.0:
        return factor * c["step_bound"]
    return min(factor * c["step_bound"], max(c["step_bound"], 0.5 * c["step_unstable"]))


def _lambda_K_over_n(outcome, c):
    """The mean-loss rate: (1 − γλ_K/n) per step is Du et al.'s (1 − ηλ/2) with η = 2γ/n."""
    return c["lambda_K"] / outcome.problem.n


def _data(theorem, mode, seed):
    """Separated unit inputs; in ablation of linear independence a positive-multiple pair
    x₁ = c·x₀ (parallel but distinct)."""
    specs = [DataSpec("separated_sphere", n=6, d=4, seed=seed, options=(("min_angle", 0.6),),
                      label_seed=seed),
             DataSpec("separated_sphere", n=8, d=3, seed=seed + 1,
                      options=(("min_angle", 0.4),), label_seed=seed + 1)]
    if mode == "ablation" and theorem.ablation == "pairwise_independent":
        specs = [DataSpec("with_parallel_pair", n=6, d=4, seed=seed, options=(("factor", 2.0),),
                          label_seed=seed),
                 DataSpec("with_parallel_pair", n=8, d=3, seed=seed + 1,
                          options=(("factor", 0.5),), label_seed=seed + 1)]
    return specs


def _instance_for(theorem, mode, spec, seeds, step_fraction=1.0, width_multiple=None):
    """m and γ from the (relaxed) bounds, as Du et al.'s ``_instance_for``: literal m = ⌈width
    bound⌉; relaxed m = the relaxed width rounded up to a power of two (or ⌈multiple × it⌉ in the
    search), γ = step_fraction × the relaxed step (``relaxed_step``); ablation of "step"
    γ = 2n/λ_max(K), of "width" m = 2. Steps: the envelope falls by e^{-4}, at most 20000."""
    problem = Problem(*spec.arrays())
    c = theorem.constants_for(problem)
    r = theorem.relax if mode != "literal" else {}
    if mode == "literal":
        m = math.ceil((width_multiple or 1.0) * c["width_bound"])
    elif width_multiple is not None:
        m = math.ceil(width_multiple * relaxed_width(c, r.get("width", 1.0)))
    else:
        m = power_of_two_at_least(relaxed_width(c, r.get("width", 1.0)))
    gamma = step_fraction * relaxed_step(c, r.get("step", 1.0))
    if mode == "ablation" and theorem.ablation == "step":
        gamma = 2.0 * c["step_unstable"]
    if mode == "ablation" and theorem.ablation == "width":
        m = TINY_WIDTH
    rate = min(gamma * max(c["lambda_K"], LAMBDA0_FLOOR) / problem.n, 0.5)
    steps = min(MAX_STEPS, math.ceil(ENVELOPE_DECAY / rate))
    return Instance(spec, m, gamma, steps, seeds)


def instances(theorem, mode, profile, seed):
    """The data of ``_data``; outside literal mode a draw out of the budget is redrawn."""
    seeds = tuple(range(seed * 100_000, seed * 100_000 + profile.seeds))
    specs = _data(theorem, mode, seed)
    if mode == "literal":
        return [_instance_for(theorem, mode, spec, seeds) for spec in specs]
    return [within_budget(lambda s: _instance_for(theorem, mode, s, seeds), spec, profile.budget)
            for spec in specs]


def _search_instance(theorem, mode, draw):
    return _instance_for(theorem, mode, draw.spec, draw.seeds, draw.step, draw.width)


# v1 quantifies over pairwise linearly independent inputs of any norm (no unit-norm hypothesis):
# separated and random directions, radial laws with their norms, a near-parallel pair, and raw
# point sets; v2 adds parallel-but-distinct pairs x₁ = c·x₀ (its weaker hypothesis). Labels as
# Du et al.'s, |y_i| ≤ C_y = 1.
CORNERS = (
    Corner(DataSpec("near_parallel", n=3, d=3, seed=0, options=(("angle", 0.3),),
                    labels="explicit", values=(1.0, -1.0, 1.0)),
           why="a nearly parallel pair with opposite labels (the bias kernel's slow mode)"),
    Corner(DataSpec("with_parallel_pair", n=4, d=3, seed=0, options=(("factor", 2.0),),
                    labels="explicit", values=(1.0, -1.0, 1.0, -1.0)),
           why="x₁ = 2x₀ with opposite labels: distinct but parallel (v2's weaker hypothesis)"),
)
V1_FAMILIES = (
    Family("separated_sphere", floats=(("min_angle", 0.15, 0.6),)),
    Family("sphere"),
    Family("near_parallel", floats=(("angle", 0.2, 0.6),)),
    Family("radial", floats=(("scale", 0.5, 2.0),), choices=(("norm", ("gaussian",
                                                                         "uniform_ball")),)),
    Family("points", floats=(("base_angle", 0.2, 0.8),)),
)
SPACE_V1 = SearchSpace(n=(3, 8), d=(2, 5), families=V1_FAMILIES, labels=BOUNDED_LABELS,
                       instance=_search_instance, width=(1.0, 4.0), step=(0.125, 1.0),
                       seeds=SEARCH_SEEDS, corners=CORNERS[:1],
                       fixed="C_m, C_gamma, δ and the relax factors; steps follow from γ and λ_K")
SPACE_V2 = replace(SPACE_V1, corners=CORNERS, families=V1_FAMILIES + (
    Family("with_parallel_pair", floats=(("factor", 0.25, 4.0),)),))


def _theorem(version, data_hypothesis, statement, space):
    return Theorem(
        id=f"jentzen2021.linear_rate_{version}",
        title=f"GD with biases converges linearly ({data_hypothesis.name} inputs)",
        citation=cite(version), fidelity="reconstructed", statement=statement,
        network=NETWORK, init=INIT, constants=CONSTANTS, unspecified=UNSPECIFIED,
        delta="delta", hypotheses=(data_hypothesis,) + COMMON,
        conclusion=envelope_conclusion(rate_envelope(1.0, rate=_lambda_K_over_n),
                                       "L(k) ≤ (1 − γλ_K/n)^k L(0)",
                                       "reconstructed from the abstract and Du et al. Thm 4.1"),
        relax=RELAX, instances=instances, space=space,
        notes="Reconstructed: full text not found; see the module docstring.")


linear_rate_v1 = _theorem(
    "v1", INDEPENDENT,
    "Inputs pairwise linearly independent, width ≥ C_m n⁶/(λ_K⁴δ³), γ ≤ C_gamma λ_K/(2n) ⇒ "
    "w.p. ≥ 1 − δ, L(k) ≤ (1 − γλ_K/n)^k L(0) for all k (mean squared error, W and b trained).",
    SPACE_V1)
linear_rate_v2 = _theorem(
    "v2", DISTINCT,
    "As v1 with inputs only pairwise distinct (arXiv:2102.11840v2, piecewise affine "
    "activation): the bias-augmented kernel is definite as soon as inputs are distinct.",
    SPACE_V2)

ABLATIONS = {
    linear_rate_v1.id: (linear_rate_v1.variant(
        "parallel_inputs", ablation="pairwise_independent",
        statement="v1 without linear independence: one pair x₁ = c·x₀, c ∈ {2, ½}.",
        space=SPACE_V2),),
}
PLANTED = {
    linear_rate_v1.id: (
        linear_rate_v1.variant(
            "rate_8x", planted=True,
            statement=("PLANTED FALSE: L(k) ≤ (1 − 8γλ_K/n)^k L(0), twice the linearised "
                       "slowest mode."),
            conclusion=envelope_conclusion(rate_envelope(8.0, rate=_lambda_K_over_n),
                                           "L(k) ≤ (1 − 8γλ_K/n)^k L(0)", "planted")),
    ),
    linear_rate_v2.id: (
        linear_rate_v2.variant(
            "rate_8x", planted=True,
            statement=("PLANTED FALSE: L(k) ≤ (1 − 8γλ_K/n)^k L(0), twice the linearised "
                       "slowest mode (1 − 2γλ_K/n)^{2k} ≈ (1 − 4γλ_K/n)^k."),
            conclusion=envelope_conclusion(rate_envelope(8.0, rate=_lambda_K_over_n),
                                           "L(k) ≤ (1 − 8γλ_K/n)^k L(0)",
                                           "planted")),
        linear_rate_v2.variant(
            "no_width_bound", planted=True, ablation="width",
            statement="PLANTED FALSE: v2 without the width hypothesis, at m = 2."),
        linear_rate_v2.variant(
            "no_step_bound", planted=True, ablation="step",
            statement="PLANTED FALSE: v2 at γ = 2n/λ_max(K), twice the stability limit."),
    ),
}

register(linear_rate_v1, PLANTED[linear_rate_v1.id], ablations=ABLATIONS[linear_rate_v1.id])
register(linear_rate_v2, PLANTED[linear_rate_v2.id])
