"""Arora, Du, Hu, Li, Wang 2019 — "Fine-Grained Analysis of Optimization and Generalization for
Overparameterized Two-Layer Neural Networks" (ICML 2019, arXiv:1901.08584; read: v2, SOURCES.md §2).

Setting (§3.1): Du et al.'s network f(x) = m^{-1/2} Σ_r a_r ReLU(w_rᵀx), only W trained on
Φ(W) = ½ Σ_i (y_i − f(x_i))², ‖x_i‖ = 1, |y_i| ≤ 1, but a small initialisation
w_r(0) ~ N(0, κ²I), 0 < κ ≤ 1, a_r ~ Unif{±1} (Eq. (1)). H∞ = Σ_i λ_i v_i v_iᵀ (Eq. (3)).

Three claims:

* ``arora2019.trajectory`` (Theorem 4.1, **stated**): κ = O(εδ/√n), m = Ω(n⁷/(λ₀⁴κ²δ⁴ε²)),
  η = O(λ₀/n²) ⇒ w.p. ≥ 1 − δ, for all k: ‖y − u(k)‖ = sqrt(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) ± ε.
* ``arora2019.distance_from_init`` (Lemma 5.3 with its proof, App. D.1; **reconstructed**, a study):
  ‖W(k) − W(0)‖_F against the linearised distance and sqrt(yᵀ(H∞)⁻¹y) over a width sequence.
* ``arora2019.labels_ordering`` (§4 and Fig. 1–2, App. A; **reconstructed**, a study): structured
  ("true") labels have a smaller yᵀ(H∞)⁻¹y and train faster than random labels (synthetic data;
  the paper, read in full, shows this on MNIST/CIFAR only).

The O(·)/Ω(·) constants are named (C_kappa, C_m, C_eta, C_lemma53; default 1); ε = 0.2 and δ = 0.1
are our choices of the claim's accuracy and failure probability. Every verdict lists them.
"""

from dataclasses import replace
from functools import lru_cache
import math

import numpy as np

from checks import data as datasets
from checks import engine, ntk, stats
from checks.order import engine_state
from checks.network import Network, forward, init_params
from checks.space import Family, SearchSpace
from checks.study import Finding, Plot, Series, Study
from checks.theorem import (Citation, Conclusion, Constant, DataSpec, Evidence, Hypothesis,
                            Instance, Problem, Theorem, power_of_two_at_least, register)
from checks.training import gradient_descent_batch
from theorems.du2019 import LAMBDA0_FLOOR, UNIT_NORM_TOL

NETWORK = Network(activation="relu", bias=False, scaling="ntk", train=("W",), loss="half_sum")

# Disjoint random streams. Two ``np.random.default_rng`` seeded with the same int give the same
# stream: before this offset, the label study drew its inputs and its initial weights from the
# same seed, so w_r(0) was exactly parallel to x_r for r < n (cosine 1.000000), and the data sets
# drew their ±1 labels from the bits their inputs used. Inputs use a draw's seed s, labels
# s + LABEL_STREAM and (label study) initial weights s + INIT_STREAM. For base seeds < 1000 every
# s this module or the engine derives is below 2·10⁸ (data: 1000·(draw + seed); label study:
# 100 000·seed + [0, 300); engine's initial weights: 100 000·seed + [0, 300) and, to confirm,
# + 10⁶ + [0, 1000)), so the three streams never meet; the engine's initial weights never meet a
# data seed either (a multiple of 1000 in [100 000·seed, +300) needs draw = 99·seed, see DATA).
LABEL_STREAM, INIT_STREAM = 10 ** 9, 2 * 10 ** 9


def cite(where):
    return Citation("Arora, Du, Hu, Li, Wang", 2019,
                    "Fine-Grained Analysis of Optimization and Generalization for "
                    "Overparameterized Two-Layer Neural Networks", "1901.08584", where)


# ---------------------------------------------------------------------------------------------
# The reference trajectory of Theorem 4.1


def reference_residual_norms(X, y, eta, steps, *, rate_factor=1.0, single_rate=False):
    """‖y − ũ(k)‖₂ = sqrt(Σ_i (1 − ηλ_i)^{2k} (v_iᵀy)²) for k = 0..steps (Eq. (8), §4.1).

    ũ is the linear sequence of Eq. (7), ũ(0) = 0, ũ(k+1) = ũ(k) − ηH∞(ũ(k) − y), so that
    y − ũ(k) = (I − ηH∞)^k y. ``rate_factor`` f replaces ηλ_i by fηλ_i and ``single_rate``
    replaces every λ_i by λ₀ (both only for planted false variants). A factor |1 − ηλ_i| > 1 makes
    the reference grow without bound (inf, never NaN).
    """
    lam, V = np.linalg.eigh(ntk.infinite_width_gram(X))
    if single_rate:
        lam = np.full_like(lam, lam[0])
    weights = (V.T @ y) ** 2
    ratio = (1.0 - rate_factor * eta * lam) ** 2
    k = np.arange(steps + 1, dtype=float)[:, None]
    with np.errstate(over="ignore"):
        return np.sqrt(np.sum(np.power(ratio[None, :], k) * weights[None, :], axis=1))


def deviation_evidence(residual, reference, eps, *, note=""):
    """Evidence for "|‖y − u(k)‖ − ‖y − ũ(k)‖| ≤ ε for every k" (``note`` names the reference).

    score = log(max_k deviation / ε), so a score ≤ 0 holds; a NaN deviation counts as an infinite
    one (never within ε). The comparison is exact: the residual norms are computed to ~1e-15
    relative and ε is ~10⁻¹, so rounding cannot move a deviation across ε unless it sits there.
    """
    dev = np.abs(np.asarray(residual, dtype=float) - np.asarray(reference, dtype=float))
    dev = np.where(np.isnan(dev), np.inf, dev)
    k = int(np.argmax(dev))
    with np.errstate(divide="ignore"):
        score = float(np.log(dev[k]) - math.log(eps))
    return Evidence(holds=score <= 0.0, score=score, step=k, observed=float(dev[k]),
                    bound=float(eps), note=note)


def trajectory_conclusion(*, eps_factor=1.0, rate_factor=1.0, single_rate=False,
                          formula="‖y − u(k)‖₂ = sqrt(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) ± ε for all k",
                          source="Arora et al. 2019, Theorem 4.1, Eq. (8)"):
    """Theorem 4.1's conclusion on a run: ‖y − u(k)‖ = sqrt(2L(k)) against the reference within
    ε·eps_factor; the figure's envelope is the upper band ½(reference + ε)² in loss units."""
    def reference(outcome):
        run, p = outcome.run, outcome.problem
        return reference_residual_norms(p.X, p.y, run.eta, run.losses.shape[0] - 1,
                                        rate_factor=rate_factor, single_rate=single_rate)

    def evaluate(outcome, c):
        return deviation_evidence(np.sqrt(2.0 * outcome.run.losses), reference(outcome),
                                  eps_factor * c["epsilon"],
                                  note="max_k deviation from: " + formula)

    def envelope(outcome, c):
        return 0.5 * (reference(outcome) + eps_factor * c["epsilon"]) ** 2

    return Conclusion("trajectory_within_eps", formula, source, evaluate, envelope=envelope)


# ---------------------------------------------------------------------------------------------
# Constants and hypotheses of Theorem 4.1

# Relaxed mode. The literal width n⁷/(λ₀⁴κ²δ⁴ε²) is ≈ 1e16 at n = 4 (κ at its bound εδ/√n =
# 0.01), out of every budget. App. C bounds the deviation by two terms, T1 = √nκ/δ (the initial
# output u(0), Eq. (29)) and T2 = n^{7/2}/(√m λ₀²κδ²) (kernel drift, Eq. (30)); the literal κ and
# m make each ≈ ε. Scaling κ by r_κ and the width (at that κ) by r_w scales them to r_κ·ε and
# ε/√r_w; keeping the *proven* terms balanced needs r_w = r_κ⁻², i.e. m = 1e16·r_κ⁻⁴, and a
# width of ~1e4 would need r_κ ≈ 1000: κ ≈ 10, outside the setting's κ ≤ 1, with both proven
# terms ≈ 1000ε. We balance the *observed* terms instead, as the proof splits ε in halves. All
# three factors were chosen after measurement (below, what was measured):
# * init × 5: the observed initial deviation |‖y − u(0)‖ − ‖y‖| is 1.6–2.2κ at the worst of 32
#   seeds (n = 4; 1.62κ on the ci draw after the label-stream fix), where T1 = √nκ/δ = 20κ
#   (Markov's 1/δ); κ = 5·εδ/√n = 0.05 keeps it ≈ ε/2.
# * width × 2e-11 (chosen after 2e-12 failed): at κ = 0.05 the drift part then stays below
#   ≈ ε/2. The first factor tried, 2e-12 (inputs at angles ≥ 0.8), failed on draws s = 1 and 7
#   (deviation 0.40 at m = 2048 and 4096); 2e-11 and the angle 1.0 were then validated on the
#   data family (DATA). Re-validated after the label stream was separated from the inputs'
#   (LABEL_STREAM; same inputs, new labels) on 24 draws s = 0..23: worst total deviation over 32
#   seeds ≤ 0.180 (s = 3) < ε = 0.2 on each, at relaxed widths 4096–32768 (before the fix: ≤ 0.157
#   on s = 0..11). The bound's λ₀⁻⁴ does not track the width the data really need, so one factor
#   must cover the worst draw and costs up to 8× more than needed on others.
# * step × 50 (chosen after a step scan): η = 50λ₀/n² ≈ 0.5–0.65/λ_max(H∞) on the family. The
#   reference is GD on the linearised model at the same η, so the step bound (which the proof
#   needs for its contraction, not for the comparison) is relaxed into the linearised dynamics'
#   stable range. The step scan on the ci data (20 steps at every η, so small η see only the
#   start of the trajectory, m = 8192, 32 seeds), re-run after the label-stream fix: held at 50×
#   and 64× (ηλ_max ≈ 0.54, 0.69; worst deviation 0.096, 0.101), failed at 128× (ηλ_max ≈ 1.37:
#   19/32 seeds, deviation 0.23 — with the earlier labels 128× held) and at 256× (ηλ_max ≈ 2.7
#   > 2: GD diverges). So 50× sits below the largest factor seen to hold (64×), not far below.
RELAX = {"width": 2e-11, "step": 50.0, "init": 5.0}

# The O-constants, which the paper leaves unspecified, at 1; ε and δ are our choices of the claim's
# accuracy (10% of ‖y‖ = 2 at n = 4) and failure probability.
UNSPECIFIED = {"C_kappa": 1.0, "C_m": 1.0, "C_eta": 1.0, "epsilon": 0.2, "delta": 0.1}


def width_for(kappa_name):
    """m ≥ C_m n⁷/(λ₀⁴ κ² δ⁴ ε²) at the κ of constant ``kappa_name`` (Theorem 4.1)."""
    return lambda p, c: (c["C_m"] * p.n ** 7 / (c["lambda0"] ** 4 * c[kappa_name] ** 2
                                                * c["delta"] ** 4 * c["epsilon"] ** 2))


def constants_with_kappa(kappa, source):
    """Theorem 4.1's constants with the κ the runs draw given by ``kappa(p, c)``."""
    return (
        Constant("lambda0", "λ₀ = λ_min(H∞), H∞_ij = x_iᵀx_j (π − arccos x_iᵀx_j)/(2π)",
                 "Arora et al. 2019, Eq. (3) and Theorem 4.1", lambda p, c: ntk.lambda0(p.X)),
        Constant("lambda_max_inf", "λ_max(H∞)", "not in the paper: the linearised dynamics "
                 "(I − ηH∞)^k diverge for η > 2/λ_max; the step scan runs up to 8/λ_max",
                 lambda p, c: ntk.lambda_max(ntk.infinite_width_gram(p.X))),
        Constant("kappa_bound", "κ ≤ C_kappa · ε δ / √n", "Arora et al. 2019, Theorem 4.1",
                 lambda p, c: c["C_kappa"] * c["epsilon"] * c["delta"] / math.sqrt(p.n)),
        Constant("kappa", "κ of the runs' initialisation w_r(0) ~ N(0, κ²I)", source, kappa),
        Constant("width_bound", "m ≥ C_m · n⁷ / (λ₀⁴ κ² δ⁴ ε²) at the runs' κ",
                 "Arora et al. 2019, Theorem 4.1", width_for("kappa")),
        Constant("width_bound_literal", "m ≥ C_m · n⁷ / (λ₀⁴ κ² δ⁴ ε²) at κ = κ_bound",
                 "Arora et al. 2019, Theorem 4.1 (the smallest width the literal statement allows)",
                 width_for("kappa_bound")),
        Constant("step_bound", "η ≤ C_eta · λ₀ / n²", "Arora et al. 2019, Theorem 4.1",
                 lambda p, c: c["C_eta"] * c["lambda0"] / p.n ** 2),
    )


CONSTANTS = constants_with_kappa(
    lambda p, c: RELAX["init"] * c["kappa_bound"],
    "our choice: 5 × κ_bound (the relaxed κ; see the module's RELAX). The init cannot see the "
    "mode, so literal instances would meet this κ too and fail small_init: they are out of budget")

HYPOTHESES = (
    Hypothesis("unit_inputs", "‖x_i‖₂ = 1 for all i", "Arora et al. 2019, §3.1",
               lambda p, c, r: 1.0 if np.max(np.abs(np.linalg.norm(p.X, axis=1) - 1.0))
               <= UNIT_NORM_TOL else 0.0),
    Hypothesis("bounded_labels", "|y_i| ≤ 1", "Arora et al. 2019, §3.1",
               lambda p, c, r: 1.0 / max(float(np.max(np.abs(p.y))), 1e-300)),
    Hypothesis("non_parallel", "λ₀ = λ_min(H∞) > 0", "Arora et al. 2019, Theorem 4.1",
               lambda p, c, r: c["lambda0"] / LAMBDA0_FLOOR),
    Hypothesis("small_init", "κ ≤ C_kappa · ε δ / √n", "Arora et al. 2019, Theorem 4.1",
               lambda p, c, r: r * c["kappa_bound"] / c["kappa"], kind="init"),
    Hypothesis("width", "m ≥ C_m · n⁷ / (λ₀⁴ κ² δ⁴ ε²)", "Arora et al. 2019, Theorem 4.1",
               lambda p, c, r: p.m / (r * c["width_bound"]), kind="width", bound="width_bound"),
    Hypothesis("step", "η ≤ C_eta · λ₀ / n²", "Arora et al. 2019, Theorem 4.1",
               lambda p, c, r: r * c["step_bound"] / p.eta, kind="step", bound="step_bound"),
)

# n = 4 random ±1 labels on S², inputs at pairwise line angles ≥ 1 rad (λ₀ ≈ 0.19–0.33,
# eigenvalues spread over [λ₀, ≈ 0.7], so the fine-grained reference differs from any single
# rate). The relaxed width factor was validated on the 24 draws seed = 1000·s,
# label_seed = 1000·s + LABEL_STREAM, s = 0..23, of this family (worst deviation over 32 seeds
# ≤ 0.180 < ε on every draw; widths 4096–32768): VALIDATED_DRAWS. The draws were chosen after
# that measurement: ci uses s = 9 (relaxed width 8192, the cheapest middle of the range;
# deviation 0.096); dev/thorough add s = 3 (16384; the draw closest to failing, 0.180) and s = 1
# (16384; 0.165, one of the two draws that failed the first factor). ``DataSpec.reseeded`` adds
# 1000 to both seeds per base seed, i.e. moves draw s to s + seed: to other validated draws for
# base seeds 0..14 only (9 + 14 = 23); the suite and the CI baseline use base seed 0. Beyond 14
# the draws are unvalidated members of the same family (a failure there would be a finding, not
# a bug).
VALIDATED_DRAWS = range(24)
DATA = tuple(DataSpec("separated_sphere", n=4, d=3, seed=1000 * s,
                      label_seed=1000 * s + LABEL_STREAM, options=(("min_angle", 1.0),))
             for s in (9, 3, 1))
# Steps until the slowest mode of the reference has fallen by e^{-4}: the deviation peaks near
# k ≈ 1/(ηλ₀) and both trajectories are within 2% of 0 afterwards.
TRAJECTORY_DECAY = 4.0


def _trajectory_instance(theorem, mode, spec, seeds, step_fraction=1.0, width_multiple=None):
    """m and η from Theorem 4.1's own constants (at the relaxed κ) whatever the variant's
    initialisation, so the κ = 1 ablation runs at the same width as the claim. Relaxed m is the
    relaxed width rounded up to a power of two (⌈multiple × it⌉ in the search); η is
    step_fraction × the (relaxed) step bound; steps until the slowest mode falls by e^{-4}."""
    c = replace(theorem, constants=CONSTANTS).constants_for(Problem(*spec.arrays()))
    if mode == "literal":
        m = math.ceil((width_multiple or 1.0) * c["width_bound_literal"])
        eta = step_fraction * c["step_bound"]
    else:
        width = RELAX["width"] * c["width_bound"]
        m = (power_of_two_at_least(width) if width_multiple is None
             else math.ceil(width_multiple * width))
        eta = step_fraction * RELAX["step"] * c["step_bound"]
    steps = math.ceil(TRAJECTORY_DECAY / (eta * c["lambda0"]))
    return Instance(spec, m, eta, steps, seeds)


def trajectory_instances(theorem, mode, profile, seed):
    """The data sets (one in ci), m and η from the (relaxed) bounds, the profile's seeds."""
    specs = DATA[:1] if profile.name == "ci" else DATA
    seeds = tuple(range(seed * 100_000, seed * 100_000 + profile.seeds))
    return [_trajectory_instance(theorem, mode, spec.reseeded(seed), seeds) for spec in specs]


# What the relaxed check may search: the relaxed factors were validated on one data family (n = 4
# points of S² at pairwise line angles ≥ 1 rad, VALIDATED_DRAWS) and mean nothing outside it —
# at other n or separations the same factors give other widths, as the RELAX comment explains.
# Within the family the search ranges over every draw, every bounded label law, widths up to 2×
# the relaxed width and step sizes down to ⅛ of the relaxed step bound.
SPACE = SearchSpace(
    n=(4, 4), d=(3, 3), families=(Family("separated_sphere", floats=(("min_angle", 1.0, 1.0),)),),
    labels=("sign", "uniform", "teacher", "explicit"),
    instance=lambda theorem, mode, draw: _trajectory_instance(
        theorem, mode, draw.spec, draw.seeds, draw.step, draw.width),
    width=(1.0, 2.0), step=(0.125, 1.0), seeds=4,
    fixed="n = 4, d = 3 and the separation 1 rad (the family the relaxed factors were validated "
          "on); κ = 5 κ_bound; ε, δ")


STATEMENT_41 = (
    "Suppose λ₀ = λ_min(H∞) > 0, κ = O(εδ/√n), m = Ω(n⁷/(λ₀⁴κ²δ⁴ε²)) and η = O(λ₀/n²). Then with "
    "probability at least 1 − δ over the random initialization, for all k = 0, 1, 2, …: "
    "‖y − u(k)‖₂ = sqrt(Σ_{i=1}^n (1 − ηλ_i)^{2k}(v_iᵀy)²) ± ε.")

NOTES_41 = (
    "Read from arXiv v2, p. 7 (Theorem 4.1, Eq. (8)); the error terms from App. C, Eqs. (29)–(30) "
    "and the display after them (p. 23). ε = 0.2 and δ = 0.1 are our choices (n = 4, ‖y‖ = 2: "
    "ε is 10% of the trajectory's scale). Literal mode needs m ≈ 1e16 at n = 4: VACUOUS. "
    "Relaxed mode scales κ by 5, the width (at that κ) by 2e-11 and the step bound by 50; why "
    "these, and why the proven error terms cannot be kept balanced within any budget, is in the "
    "module's RELAX comment: the factors balance the *observed* initial-output and kernel-drift "
    "parts of the deviation at about ε/2 each. Finding: a width factor of 2e-12 held on one "
    "data draw and failed on others (deviation up to 0.40 at m = 2048–4096); the proven width's "
    "λ₀⁻⁴ does not predict which draws need more width, so the factor was validated on 24 "
    "draws (worst deviation 0.180 < ε). The initialisation's κ is a constant (5 κ_bound) "
    "because Theorem.init cannot see the mode; literal instances never run (out of budget).")

trajectory = Theorem(
    id="arora2019.trajectory",
    title="‖y − u(k)‖ follows sqrt(Σ(1 − ηλ_i)^{2k}(v_iᵀy)²) within ε",
    citation=cite("Theorem 4.1, Eq. (8)"),
    fidelity="stated",
    statement=STATEMENT_41,
    network=NETWORK,
    init=lambda p, c: dict(kappa=c["kappa"], outer="sign"),
    constants=CONSTANTS,
    unspecified=UNSPECIFIED,
    delta="delta",
    hypotheses=HYPOTHESES,
    conclusion=trajectory_conclusion(),
    relax=RELAX,
    instances=trajectory_instances,
    space=SPACE,
    notes=NOTES_41,
)

TRAJECTORY_PLANTED = (
    trajectory.variant(
        "eps_tenth", planted=True,
        statement="PLANTED FALSE: Theorem 4.1's hypotheses at ε give accuracy ε/10.",
        conclusion=trajectory_conclusion(eps_factor=0.1, formula="… ± ε/10")),
    trajectory.variant(
        "rate_2x", planted=True,
        statement="PLANTED FALSE: the reference decays at (1 − 2ηλ_i)^{2k}, twice the rate.",
        conclusion=trajectory_conclusion(
            rate_factor=2.0, formula="‖y − u(k)‖ = sqrt(Σ(1 − 2ηλ_i)^{2k}(v_iᵀy)²) ± ε")),
    trajectory.variant(
        "single_rate", planted=True,
        statement=("PLANTED FALSE: the coarse rate as a trajectory, ‖y − u(k)‖ = "
                   "(1 − ηλ₀)^k ‖y‖ ± ε (every λ_i replaced by λ₀)."),
        conclusion=trajectory_conclusion(single_rate=True,
                                         formula="‖y − u(k)‖ = (1 − ηλ₀)^k ‖y‖ ± ε")),
    trajectory.variant(
        "kappa_one", planted=True, ablation="small_init",
        statement=("PLANTED FALSE: Theorem 4.1 without the small-initialisation hypothesis, at "
                   "κ = 1 (Du et al.'s initialisation) and the same width: u(0) is O(1)."),
        constants=constants_with_kappa(lambda p, c: 1.0, "planted: Du et al.'s κ = 1")),
)


# ---------------------------------------------------------------------------------------------
# Lemma 5.3: distance from initialisation (a study over widths)

def lemma53_terms(n, lambda0, kappa, delta, m):
    """The perturbation terms of ‖W(K) − W(0)‖_F in Lemma 5.3's proof (App. D.1), O-constants 1.

    sqrt(n² sqrt(log(n/δ)) / (√m λ₀²))            (Eq. (38), via ‖H(0) − H∞‖_F, Lemma C.3)
    + n^{3/2} / sqrt(m^{1/2} λ₀³ κ δ^{3/2})        (Eq. (35), via ‖Z(k) − Z(0)‖_F, Lemma C.2)
    + nκ/(λ₀δ) + n⁴/(√m λ₀³ κ δ²)                  (Eq. (36), the error e(k) of Eq. (33))
    so that Lemma 5.3 reads ‖W(k) − W(0)‖_F ≤ sqrt(yᵀ(H∞)⁻¹y) + C·(this sum).
    """
    m = np.asarray(m, dtype=float)
    t38 = np.sqrt(n ** 2 * math.sqrt(math.log(n / delta)) / (np.sqrt(m) * lambda0 ** 2))
    t35 = n ** 1.5 / np.sqrt(np.sqrt(m) * lambda0 ** 3 * kappa * delta ** 1.5)
    t36 = lemma53_floor(n, lambda0, kappa, delta) + n ** 4 / (np.sqrt(m) * lambda0 ** 3 * kappa
                                                              * delta ** 2)
    return t38 + t35 + t36


def lemma53_floor(n, lambda0, kappa, delta):
    """nκ/(λ₀δ): the one term of Lemma 5.3 that does not vanish as m → ∞ (O-constant 1).

    It bounds the part of the error e(k) due to the initial output u(0) (Eq. (36), App. D.1), so
    the lemma's leading part is ‖W(k) − W(0)‖_F ≤ sqrt(yᵀ(H∞)⁻¹y) + O(nκ/(λ₀δ)).
    """
    return n * kappa / (lambda0 * delta)


def linearised_distance(params0, X, y):
    """sqrt((y − u(0))ᵀ H(0)⁻¹ (y − u(0))): ‖W(∞) − W(0)‖_F of GD on the model linearised at W(0).

    The linearised iterates vec W(k+1) = vec W(k) − ηZ(0)(u(k) − y) with
    u(k) = u(0) + Z(0)ᵀ(vec W(k) − vec W(0)) converge to vec W(0) + Z(0)H(0)⁻¹(y − u(0)), whose
    squared distance is (y − u(0))ᵀH(0)⁻¹(y − u(0)) (H(0) = Z(0)ᵀZ(0) invertible). With
    u(0) = 0 this is §5.2's ‖W̃(∞) − W̃(0)‖_F = sqrt(yᵀH(0)⁻¹y) for the auxiliary sequence
    of Eq. (11).
    """
    r = y - forward(NETWORK, params0, X)
    return float(math.sqrt(r @ np.linalg.solve(ntk.empirical_gram(NETWORK, params0, X), r)))


# Widths 2^8..2^14, chosen after measurement: on the ci data at κ = 0.05 the median excess over
# the linearised distance is flat at ≈ 0.22–0.26 up to 2^10 and falls to ≈ 0.09 at 2^14; the
# upper half (2^11..2^14) is where an asymptotic order is read.
DISTANCE_WIDTHS = tuple(2 ** j for j in range(8, 15))
# Steps until the slowest mode has fallen by e^{-8}: the remaining distance to travel,
# ≈ e^{-8}·sqrt(yᵀ(H∞)⁻¹y) ≈ 1e-3, is far below the smallest excess measured (≈ 0.1).
DISTANCE_DECAY = 8.0


def _distance_seeds(profile):
    """Seeds per width: a quarter of the profile's (8 in ci), enough for a bootstrap CI of the
    slope of the mean log-excess, whose seed-to-seed spread was measured at 3–5% on the fitted
    widths 2^11..2^14 (10–26% below them) on the ci data."""
    return max(8, profile.seeds // 4)


@lru_cache(maxsize=4)
def _distance_runs(n_seeds, seed, epsilon, delta):
    """GD at each width of DISTANCE_WIDTHS on the trajectory claim's ci data and relaxed κ, η.

    Cached: the study's modes and planted variants judge the same runs (same seed, same numbers).
    """
    spec = DATA[0].reseeded(seed)
    X, y = spec.arrays()
    th = trajectory.with_constants(epsilon=epsilon, delta=delta)
    c = th.constants_for(Problem(X, y))
    eta = RELAX["step"] * c["step_bound"]
    steps = math.ceil(DISTANCE_DECAY / (eta * c["lambda0"]))
    seeds = range(seed * 100_000, seed * 100_000 + n_seeds)
    final, peak, lin, diverged = [], [], [], 0
    for m in DISTANCE_WIDTHS:
        params = [init_params(NETWORK, m, X.shape[1], seed=s, kappa=c["kappa"]) for s in seeds]
        runs = gradient_descent_batch(NETWORK, params, X, y, eta=eta, steps=steps,
                                      record=("movement",))
        diverged += sum(r.diverged for r in runs)
        final.append([r.frobenius_move[-1] for r in runs])
        peak.append([np.max(r.frobenius_move) for r in runs])
        lin.append([linearised_distance(p, X, y) for p in params])
    H = ntk.infinite_width_gram(X)
    return dict(n=X.shape[0], lambda0=c["lambda0"], kappa=c["kappa"], eta=eta, steps=steps,
                describe=spec.describe(), diverged=diverged,
                final=np.array(final), peak=np.array(peak), linearised=np.array(lin),
                target=float(math.sqrt(y @ np.linalg.solve(H, y))))


def _smallest_constant(peak, target, terms):
    """The smallest common C ≥ 0 with peak ≤ target + C·terms on every run (rows: widths)."""
    return float(np.max(np.maximum(peak - target, 0.0) / np.reshape(terms, (-1, 1))))


def _distance_literal(study, r, delta):
    """Lemma 5.3's inequality on every run, with the proof's terms at O-constant C_lemma53.

    The verdict is the lemma's statement, which at these sizes cannot fail (its m-dependent terms
    are ~10⁵–10⁶ against distances of a few units); the reason and values add its leading part
    sqrt(yᵀ(H∞)⁻¹y) + nκ/(λ₀δ), the bound the lemma tends to as m → ∞, as an informative
    comparison that does not enter the verdict.
    """
    terms = lemma53_terms(r["n"], r["lambda0"], r["kappa"], delta, np.array(DISTANCE_WIDTHS))
    bound = r["target"] + study.options["C_lemma53"] * terms[:, None]
    peak = r["peak"]
    failures = int(np.sum(~(peak <= bound)))
    trials = peak.size
    judged = stats.judge_probability(failures, trials, delta=delta)
    # The smallest common O-constants for which the bound, and its leading part, held on every run
    # (the tightness of each).
    c_min = _smallest_constant(peak, r["target"], terms)
    floor = lemma53_floor(r["n"], r["lambda0"], r["kappa"], delta)
    c_min_leading = _smallest_constant(peak, r["target"], floor)
    margin = 1.0 / c_min if c_min > 0 else math.inf
    # "Trivially true": the terms overshoot the observed excess by a factor of 1000 or more.
    size = "trivially true" if margin >= 1e3 else "not trivially true"
    leading_failures = int(np.sum(~(peak <= r["target"] + floor)))
    reason = (f"‖W(k) − W(0)‖_F ≤ sqrt(yᵀ(H∞)⁻¹y) + C·(App. D.1 terms) with C = "
              f"{study.options['C_lemma53']:g} failed on {failures}/{trials} runs over widths "
              f"{DISTANCE_WIDTHS[0]}..{DISTANCE_WIDTHS[-1]} (failure rate ≤ {judged.high:.3f} vs "
              f"δ = {delta:g}). This is {size} at these sizes: the terms at C = 1 are "
              f"{terms.min():.2g}–{terms.max():.2g} against an observed distance ≤ "
              f"{peak.max():.3g} (sqrt(yᵀ(H∞)⁻¹y) = {r['target']:.3g}); the smallest C that held "
              f"on every run is {c_min:.2g}, a margin of ×{margin:.2g}. Informative, not judged: "
              f"the leading part sqrt(yᵀ(H∞)⁻¹y) + C·nκ/(λ₀δ) (nκ/(λ₀δ) = {floor:.3g}, the only "
              f"term left as m → ∞; dropping the m-terms makes it stronger than the lemma) "
              f"failed on {leading_failures}/{trials} runs at C = 1 and held on every run down to "
              f"C = {c_min_leading:.3g}. Lemma 5.3's width condition m ≥ κ⁻²poly(n, 1/λ₀, 1/δ) "
              f"has no stated polynomial: the inequality is checked at every width, which is more "
              f"than the lemma claims")
    plot = Plot("bound", "Lemma 5.3: distance from init vs its bound (O-constants 1)", "width m",
                "‖W(k) − W(0)‖_F", xscale="log", yscale="log", series=(
                    Series("max_k ‖W(k) − W(0)‖_F (median over seeds)", DISTANCE_WIDTHS,
                           np.median(peak, axis=1)),
                    Series("bound, C = 1", DISTANCE_WIDTHS, bound[:, 0], style="--"),
                    Series("leading part sqrt(yᵀ(H∞)⁻¹y) + nκ/(λ₀δ)", DISTANCE_WIDTHS,
                           np.full(len(DISTANCE_WIDTHS), r["target"] + floor), style="-."),
                    Series("sqrt(yᵀ(H∞)⁻¹y)", DISTANCE_WIDTHS,
                           np.full(len(DISTANCE_WIDTHS), r["target"]), style=":")))
    values = dict(failures=failures, trials=trials, c_min=c_min, target=r["target"],
                  terms_min=float(terms.min()), terms_max=float(terms.max()),
                  peak_max=float(peak.max()), leading_floor=floor,
                  leading_failures=leading_failures, c_min_leading=c_min_leading)
    return Finding(engine_state(judged.state), reason, values, (plot,))


def _distance_relaxed(study, r, seed):
    """Observed order in m of the excess |‖W(K) − W(0)‖_F − target| against options["order"]."""
    target = r["linearised"] if study.options["target"] == "linearised" else \
        np.full_like(r["final"], math.sqrt(2.0) * r["target"])
    excess = np.abs(r["final"] - target)
    paper = np.abs(r["final"] - r["target"])
    values = dict(target=r["target"], kappa=r["kappa"], eta=r["eta"], steps=r["steps"])
    for m, e, p in zip(DISTANCE_WIDTHS, np.median(excess, axis=1), np.median(paper, axis=1)):
        values[f"excess_m{m}"] = float(e)
        values[f"paper_gap_m{m}"] = float(p)
    if r["diverged"] or not np.all(np.isfinite(excess) & (excess > 0)):
        return Finding(engine.INCONCLUSIVE, f"{r['diverged']} diverged run(s) or a zero/non-finite "
                       "excess: no order can be fitted", values)
    x, e = stats.asymptotic_tail(DISTANCE_WIDTHS, excess, fraction=0.5)
    fit = stats.fit_loglog(x, e, seed=seed)
    judged = stats.judge_order(fit, expected=study.options["order"], kind="upper_bound")
    values.update(slope=fit.slope, low=fit.low, high=fit.high)
    state = engine_state(judged.state)
    what = ("the linearised distance sqrt((y − u(0))ᵀH(0)⁻¹(y − u(0)))"
            if study.options["target"] == "linearised" else "sqrt(2yᵀ(H∞)⁻¹y)")
    reason = (f"excess of ‖W(K) − W(0)‖_F over {what}, widths {int(x[0])}..{int(x[-1])}, "
              f"{excess.shape[1]} seeds each (κ = {r['kappa']:.3g}): {judged.reason}; claimed "
              f"order m^{study.options['order']:g}")
    fitted = np.exp(fit.intercept) * np.asarray(DISTANCE_WIDTHS, dtype=float) ** fit.slope
    plots = (
        Plot("excess", "excess of the distance from init over its target", "width m",
             "median over seeds", xscale="log", yscale="log", series=(
                 Series(f"|dist − {study.options['target']} target|", DISTANCE_WIDTHS,
                        np.median(excess, axis=1)),
                 Series(f"fit m^{fit.slope:.3f} (upper half)", DISTANCE_WIDTHS, fitted,
                        style="--"),
                 Series("|dist − sqrt(yᵀ(H∞)⁻¹y)| (paper's target; floor O(κ))",
                        DISTANCE_WIDTHS, np.median(paper, axis=1), style="s:"))),
        Plot("distance", "‖W(K) − W(0)‖_F approaching sqrt(yᵀ(H∞)⁻¹y)", "width m",
             "‖W(K) − W(0)‖_F", xscale="log", series=(
                 Series("median over seeds", DISTANCE_WIDTHS, np.median(r["final"], axis=1),
                        yerr=np.std(r["final"], axis=1)),
                 Series("sqrt(yᵀ(H∞)⁻¹y)", DISTANCE_WIDTHS,
                        np.full(len(DISTANCE_WIDTHS), r["target"]), style="--"))),
    )
    return Finding(state, reason, values, plots)


def _distance_measure(study, mode, profile, seed):
    eps, delta = UNSPECIFIED["epsilon"], UNSPECIFIED["delta"]
    r = _distance_runs(_distance_seeds(profile), seed, eps, delta)
    if mode == "literal":
        return _distance_literal(study, r, delta)
    return _distance_relaxed(study, r, seed)


distance_from_init = Study(
    id="arora2019.distance_from_init",
    title="‖W(k) − W(0)‖_F approaches sqrt(yᵀ(H∞)⁻¹y)",
    citation=cite("Lemma 5.3 (pp. 9–10), its proof App. D.1 (pp. 23–25), §5.2"),
    fidelity="reconstructed",
    statement=(
        "Lemma 5.3 (stated): if m ≥ κ⁻² poly(n, 1/λ₀, 1/δ) and η = O(λ₀/n²), then w.p. ≥ 1 − δ, "
        "for all k: ‖W(k) − W(0)‖_F ≤ sqrt(yᵀ(H∞)⁻¹y) + O(nκ/(λ₀δ)) "
        "+ poly(n, 1/λ₀, 1/δ)/(m^{1/4}κ^{1/2}). Literal mode checks this inequality with the "
        "proof's explicit terms (App. D.1, Eqs. (35), (36), (38)) at O-constant 1 (trivially true "
        "at our sizes; the leading part sqrt(yᵀ(H∞)⁻¹y) + nκ/(λ₀δ) is reported beside it, not "
        "judged). Relaxed mode (reconstructed): at fixed small κ, the excess of "
        "‖W(K) − W(0)‖_F after convergence over the linearised distance "
        "sqrt((y − u(0))ᵀH(0)⁻¹(y − u(0))) decays in m at least like the lemma's m^{-1/4} term "
        "(observed order, upper half of the widths)."),
    notes=(
        "Why the linearised target: §5.2 proves ‖W̃(∞) − W̃(0)‖_F = sqrt(yᵀH(0)⁻¹y) for the "
        "auxiliary sequence started at 0 (Eq. (11)); started at W(0) the same algebra gives "
        "(y − u(0))ᵀH(0)⁻¹(y − u(0)), which removes the O(nκ/(λ₀δ)) floor that u(0) puts on the "
        "distance to sqrt(yᵀ(H∞)⁻¹y) at fixed κ (the 'paper's target' series shows that floor). "
        "Runs: the trajectory claim's ci data (n = 4), κ = 0.05, η = 50λ₀/n², GD until the slowest "
        "mode fell by e^{-8}. Observed order ≈ −0.40 on the ci draw (CI [−0.42, −0.38]; −0.51 "
        "on the same inputs with the labels drawn before LABEL_STREAM separated them from the "
        "inputs' stream), between the m^{-1/2} term of Eq. (36) (kernel drift ∝ 1/(√m κ)) and "
        "the lemma's m^{-1/4}. The literal bound is trivially true at these sizes: its terms at "
        "O-constant 1 are 2.4e5–1.9e6 against distances ≤ 3.2, held down to an O-constant of "
        "7e-7; its leading part sqrt(yᵀ(H∞)⁻¹y) + nκ/(λ₀δ) (nκ/(λ₀δ) = 7.8) held down to 0.061 "
        "(reported, not judged). κ → 0 is not swept: a smaller κ needs a proportionally "
        "larger width for the drift term ∝ 1/(√m κ)."),
    unsearched=("an observed order in the width m over a designed width sequence, on the "
                "trajectory claim's data family, the only one its relaxed factors (κ, width, "
                "step) were validated on; arora2019.trajectory's search ranges over that "
                "family's draws and labels. Other data would need the factors re-validated "
                "first."),
    measure=_distance_measure,
    constants=(
        ("order", "−1/4", "Lemma 5.3: the poly(n, 1/λ₀, 1/δ)/(m^{1/4}κ^{1/2}) term"),
        ("C_lemma53", "1", "the O-constant of every App. D.1 term (literal mode)"),
        ("kappa", "5 εδ/√n = 0.05", "the trajectory claim's relaxed κ (ε = 0.2, δ = 0.1, n = 4)"),
        ("widths", "2^8..2^14", "chosen after measurement; upper half 2^11..2^14 fitted "
         "(stats.asymptotic_tail)"),
    ),
    options=dict(order=-0.25, target="linearised", C_lemma53=1.0),
)

DISTANCE_PLANTED = (
    distance_from_init.variant(
        "order_m_inverse", planted=True,
        statement="PLANTED FALSE: the excess decays like m^{-1} (the lemma's exponent × 4).",
        options=dict(order=-1.0)),
    distance_from_init.variant(
        "target_twice", planted=True,
        statement="PLANTED FALSE: ‖W(K) − W(0)‖_F approaches sqrt(2yᵀ(H∞)⁻¹y).",
        options=dict(target="twice_paper")),
)


# ---------------------------------------------------------------------------------------------
# True vs random labels (§4, Fig. 1; §5, Fig. 2; App. A)

# n = 20 points uniform on S² (``checks.data.sphere``); true labels sign(x₁), the sign of the
# degree-1 zonal harmonic (a halfspace: low-frequency, so aligned with H∞'s top eigenvectors);
# random labels i.i.d. ±1. n = 20 was chosen after measurement (seed 0, 32 draws, disjoint
# streams): draws ordered as claimed (complexity, speed) 28/27 at n = 8, 30/31 at 12, 31/31 at 16,
# 32/32 at 20; a larger n orders more draws, and 20 keeps 3 × 32 draws inside the budget.
LABELS_N, LABELS_D = 20, 3
# κ = 10⁻² as in App. A; m = 512 (App. A: 10⁴; our choice for the budget) keeps a draw at ~3e6
# multiply-adds.
LABELS_WIDTH, LABELS_KAPPA = 512, 1e-2
# η = ½/λ_max(H∞) (App. A's 10⁻³ is for n = 10⁴ images). K = 50 steps, chosen after measurement:
# random labels are then still far from fit (median L(K)/L(0) = 0.56), true labels at 0.11.
LABELS_ETA_FRACTION, LABELS_STEPS = 0.5, 50
# Two paired sign tests (complexity, speed) decide together. A refutation needs only one of them,
# so each is one-sided at LABELS_ALPHA/2 (Bonferroni: family-wise error ≤ LABELS_ALPHA); a
# confirmation needs both (an intersection–union test, which needs no correction: its level is
# that of each test, here LABELS_ALPHA/2).
LABELS_ALPHA = 0.05


def halfspace_labels(X):
    """y_i = sign(Z₁(x_i)) = sign(x_{i1}), Z₁ the degree-1 zonal harmonic about e₁ (0 ↦ +1)."""
    axis = np.zeros(X.shape[1])
    axis[0] = 1.0
    return np.where(datasets.zonal_harmonic(X, degree=1, direction=axis) >= 0.0, 1.0, -1.0)


def worst_case_labels(X):
    """y = √n·v_min, v_min the unit eigenvector of λ_min(H∞): Fig. 1's "worst case" labels.

    Fig. 1 (p. 7) uses the normalised eigenvector of λ_min(H∞); the scale √n (our choice) gives y
    the norm of ±1 labels, so its yᵀ(H∞)⁻¹y = n/λ₀ (the largest any y of that norm has) compares
    with theirs at equal ‖y‖. An eigenvector's sign is arbitrary: the entry of largest magnitude
    is made positive.
    """
    v = np.linalg.eigh(ntk.infinite_width_gram(X))[1][:, 0]
    return math.sqrt(X.shape[0]) * v * np.sign(v[np.argmax(np.abs(v))])


def label_complexity(X, y):
    """yᵀ(H∞)⁻¹y, the data-dependent complexity of Theorem 5.1, Eq. (9)–(10) (without 2/n)."""
    return float(y @ np.linalg.solve(ntk.infinite_width_gram(X), y))


# The label sets a study variant compares with random labels (options["labels"]), as named in
# its reason and plots.
LABEL_NAMES = {"halfspace": "true labels sign(x₁)", "worst_case": "worst-case labels √n·v_min"}


def draw_labels(kind, X, seed):
    """The labels ``kind`` ("halfspace", "worst_case" or "random") of inputs X drawn from ``seed``.

    Random labels come from seed + LABEL_STREAM, a stream disjoint from the inputs'.
    """
    if kind == "halfspace":
        return halfspace_labels(X)
    if kind == "worst_case":
        return worst_case_labels(X)
    if kind == "random":
        return datasets.random_labels(X.shape[0], seed=seed + LABEL_STREAM)
    raise ValueError(f"kind must be 'halfspace', 'worst_case' or 'random', got {kind!r}")


@lru_cache(maxsize=8)
def _label_runs(kind, n_draws, seed):
    """Per draw: yᵀ(H∞)⁻¹y and L(K)/L(0) for the labels ``kind``; the first draw's loss curve.

    Draw s (100 000·seed ≤ s < 100 000·seed + n_draws) has inputs from seed s and initial weights
    from s + INIT_STREAM whatever the labels, so draws pair across kinds (same inputs, same
    initialisation). Cached: the random labels serve the claim and every variant.
    """
    complexity, ratio, curve = [], [], None
    for s in range(seed * 100_000, seed * 100_000 + n_draws):
        X = datasets.sphere(LABELS_N, LABELS_D, seed=s)
        y = draw_labels(kind, X, s)
        eta = LABELS_ETA_FRACTION / ntk.lambda_max(ntk.infinite_width_gram(X))
        params = init_params(NETWORK, LABELS_WIDTH, LABELS_D, seed=s + INIT_STREAM,
                             kappa=LABELS_KAPPA)
        (run,) = gradient_descent_batch(NETWORK, [params], X, y, eta=eta, steps=LABELS_STEPS)
        # A diverged run has no final loss: its ratio is +inf (slowest possible), never NaN.
        ratio.append(run.losses[-1] / run.losses[0] if not run.diverged else math.inf)
        complexity.append(label_complexity(X, y))
        if curve is None:
            curve = run.losses
    return np.array(complexity), np.array(ratio), curve


def _ordering(smaller, larger, sign, alpha):
    """(ordered, trials, low, high): pairs with sign·(larger − smaller) > 0, and Clopper–Pearson
    bounds on the probability, each one-sided at level ``alpha`` (the endpoints of the two-sided
    1 − 2·alpha interval)."""
    ordered = int(np.sum(sign * (larger - smaller) > 0))
    low, high = stats.clopper_pearson(ordered, smaller.size, confidence=1.0 - 2.0 * alpha)
    return ordered, smaller.size, low, high


def _labels_measure(study, mode, profile, seed):
    if mode == "literal":
        return Finding(engine.VACUOUS, (
            "the paper's experiment (App. A) uses the first two classes of MNIST and CIFAR, "
            "n = 10,000 images each, m = 10,000, κ = 10⁻², η = 10⁻³, trained until the loss "
            "converges: the images are not available offline and one GD step alone costs "
            "m·n·d ≈ 7.8e10 (MNIST) multiply-adds, above the ci budget for a whole run"))
    kind, sign = study.options["labels"], study.options["sign"]
    name = LABEL_NAMES[kind]
    complexity, ratio, curve = _label_runs(kind, profile.seeds, seed)
    complexity_r, ratio_r, curve_r = _label_runs("random", profile.seeds, seed)
    alpha = LABELS_ALPHA / 2
    checks_ = dict(complexity=_ordering(complexity, complexity_r, sign, alpha),
                   speed=_ordering(ratio, ratio_r, sign, alpha))
    claim = "smaller" if sign > 0 else "larger"
    values = dict(median_complexity_labels=float(np.median(complexity)),
                  median_complexity_random=float(np.median(complexity_r)),
                  median_loss_ratio_labels=float(np.median(ratio)),
                  median_loss_ratio_random=float(np.median(ratio_r)))
    words = []
    for test, (ordered, trials, low, high) in checks_.items():
        values.update({f"{test}_ordered": ordered, f"{test}_low": low, f"{test}_high": high})
        words.append(f"{test}: {ordered}/{trials} draws ordered as claimed, P in "
                     f"[{low:.3f}, {high:.3f}]")
    if all(low > 0.5 for _, _, low, _ in checks_.values()):
        state = engine.HOLDS
    elif any(high < 0.5 for _, _, _, high in checks_.values()):
        state = engine.VIOLATED
    else:
        state = engine.INCONCLUSIVE
    reason = (f"claim: {name} have a {claim} yᵀ(H∞)⁻¹y and a {claim} loss ratio "
              f"L({LABELS_STEPS})/L(0) than random labels, for a draw of the data with "
              f"probability > 1/2. Two paired sign tests, each with one-sided "
              f"{100 * (1 - alpha):g}% Clopper–Pearson bounds: VIOLATED if either rejects "
              f"(Bonferroni, family-wise error ≤ {LABELS_ALPHA:g}), HOLDS if both confirm; "
              + "; ".join(words))
    draws = np.arange(complexity.size)
    plots = (
        Plot("complexity", f"yᵀ(H∞)⁻¹y per draw: {name} vs random labels", "draw",
             "yᵀ(H∞)⁻¹y", yscale="log", series=(
                 Series(name, draws, complexity, style="o"),
                 Series("random labels", draws, complexity_r, style="x"))),
        Plot("training", "training loss, first draw", "step k", "loss L(k)", yscale="log",
             series=(Series(name, np.arange(curve.shape[0]), curve, style="-"),
                     Series("random labels", np.arange(curve_r.shape[0]), curve_r,
                            style="--"))),
    )
    return Finding(state, reason, values, plots)


labels_ordering = Study(
    id="arora2019.labels_ordering",
    title="true labels: smaller yᵀ(H∞)⁻¹y and faster training than random labels",
    citation=cite("§4 'Answer to Question 1' and Fig. 1 (pp. 7–8); §5 Fig. 2 (p. 9); App. A"),
    fidelity="reconstructed",
    statement=(
        "The paper (Fig. 1, Fig. 2, on the first two classes of MNIST and CIFAR) observes that "
        "true labels align with the top eigenvectors of H∞, so GD converges faster (§4's rule: "
        "labels with large (v_iᵀy)² for large λ_i converge quickly), and that the complexity "
        "measure sqrt(2yᵀ(H∞)⁻¹y/n) is clearly smaller for true than for random labels. Checked "
        "here on synthetic structured data: for a random draw of 20 points on S² with the "
        "halfspace labels sign(x₁) and, on the same points and initialisation, i.i.d. ±1 labels, "
        "the true labels have the smaller yᵀ(H∞)⁻¹y and the smaller L(50)/L(0) with probability "
        "> 1/2."),
    notes=(
        "Reconstructed: the paper was read in full (arXiv v2; SOURCES.md §2.7–2.8), and its claim "
        "is an observation on two image data sets, not a theorem; the synthetic distribution, "
        "whose 'true' labels are a halfspace (a degree-1 harmonic's sign, smooth for the "
        "arc-cosine kernel), and the sign-test form are ours. The judgement is two paired sign "
        "tests over draws, not a single run: each draw pairs the labels with random labels on "
        "the same inputs and initial weights; Bonferroni over the two tests. Planted variants: "
        "'reversed' mirrors the measurement (it is refuted exactly when the claim holds); "
        "'worst_case' claims that Fig. 1's worst-case labels (the eigenvector of λ_min(H∞)) "
        "beat random labels, false on its own. Finding: a target orthogonal to H∞'s top "
        "eigenfunctions is not enough at n = 20. The degree-3 zonal harmonic Z₃ lies in the "
        "null space of H∞'s integral operator on S² (t(π − arccos t)/(2π) = t/2 + t·arcsin(t)/"
        "(2π) has no odd part beyond degree 1), yet Z₃/max|Z₃| has a smaller yᵀ(H∞)⁻¹y/‖y‖² "
        "than random labels on 23/32 draws and trains faster on 20/32 (sign(Z₃): 22/32, 18/32): "
        "20 points do not resolve that null space, so it is not a planted variant."),
    unsearched=("a reconstructed observation on a synthetic distribution of our choosing (the "
                "paper's is MNIST/CIFAR); its paired sign tests already range over random draws "
                "of data, labels and initialisations, and the paper's claim names no further "
                "parameter."),
    measure=_labels_measure,
    constants=(
        ("n, d", "20, 3", "chosen after measurement: 32/32 draws ordered both ways at n = 20 "
         "(28/27 at n = 8)"),
        ("m", "512", "App. A uses 10⁴; 512 keeps 3 × 32 draws at ≈ 3 s"),
        ("kappa", "10⁻²", "App. A"),
        ("eta", "½ / λ_max(H∞)", "stable for the linearised dynamics (App. A: 10⁻³ at n = 10⁴)"),
        ("K", "50 steps", "chosen after measurement: random labels still far from fit "
         "(median L(K)/L(0) = 0.56)"),
        ("alpha", "0.05", "family-wise, Bonferroni over the two sign tests (2.5% each)"),
    ),
    options=dict(sign=1, labels="halfspace"),
)

LABELS_PLANTED = (
    labels_ordering.variant(
        "reversed", planted=True,
        statement=("PLANTED FALSE: true labels have the larger yᵀ(H∞)⁻¹y and train slower "
                   "(the claim's measurement with the order reversed)."),
        options=dict(sign=-1)),
    labels_ordering.variant(
        "worst_case", planted=True,
        statement=("PLANTED FALSE: Fig. 1's worst-case labels √n·v_min (v_min the eigenvector of "
                   "λ_min(H∞)) have a smaller yᵀ(H∞)⁻¹y and train faster than random labels."),
        options=dict(labels="worst_case")),
)

register(trajectory, TRAJECTORY_PLANTED)
register(distance_from_init, DISTANCE_PLANTED)
register(labels_ordering, LABELS_PLANTED)
