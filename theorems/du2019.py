"""Du, Zhai, Póczos, Singh 2019 — "Gradient Descent Provably Optimizes Over-parameterized Neural
Networks" (ICLR 2019, arXiv:1810.02054).

Setting (Section 3): f(W, a, x) = m^{-1/2} Σ_r a_r ReLU(w_rᵀx), w_r(0) ~ N(0, I), a_r ~ Unif{±1} fixed,
only W trained, L = ½ Σ_i (f(x_i) − y_i)², ‖x_i‖ = 1, |y_i| ≤ C, no two inputs parallel.
H∞_ij = x_iᵀx_j (π − arccos x_iᵀx_j)/(2π), λ₀ = λ_min(H∞) > 0 (Theorem 3.1).

The paper's O(·)/Ω(·) constants are not given numerically: they are the named constants C_m, C_eta,
C_lemma31 (default 1), and δ = 0.1 is our choice of failure probability; every verdict lists them.
"""

from dataclasses import replace
import math

import numpy as np

from checks import ntk
from checks.network import Network
from checks.space import Corner, Family, SearchSpace
from checks.theorem import (Citation, Conclusion, Constant, DataSpec, Evidence, Hypothesis,
                            Instance, Problem, Theorem, envelope_evidence, power_of_two_at_least,
                            register, within_budget)

NETWORK = Network(activation="relu", bias=False, scaling="ntk", train=("W",), loss="half_sum")
INIT = dict(kappa=1.0, outer="sign")


def cite(where):
    return Citation("Du, Zhai, Póczos, Singh", 2019,
                    "Gradient Descent Provably Optimizes Over-parameterized Neural Networks",
                    "1810.02054", where)


# A data set's λ₀ is an eigenvalue of an n×n matrix with O(1) entries, accurate to about n·eps;
# below this floor "λ₀ > 0" cannot be told from rounding.
LAMBDA0_FLOOR = 1e-8
# ‖x_i‖ = 1 up to the rounding of a normalisation.
UNIT_NORM_TOL = 1e-12
# Residuals u_i − y_i cannot be resolved below about 1e-12·max(1, |y|): u_i is a sum of m ≤ 2^16
# rounded terms over thousands of steps. A loss below ½ n (1e-12 max(1, |y|))² is at the floor of
# float64 and is never counted as exceeding an envelope.
def loss_floor(problem):
    return 0.5 * problem.n * (1e-12 * max(1.0, float(np.max(np.abs(problem.y))))) ** 2


# Relative tolerance of an envelope comparison: a loss is a sum of n squares computed to a few ulps.
ENVELOPE_RTOL = 1e-9

CONSTANTS = (
    Constant("lambda0", "λ₀ = λ_min(H∞), H∞_ij = x_iᵀx_j (π − arccos x_iᵀx_j)/(2π)",
             "Du et al. 2019, Section 3, Assumption 3.1 and Theorem 3.1",
             lambda p, c: ntk.lambda0(p.X)),
    Constant("lambda_max_inf", "λ_max(H∞)", "not in the paper: GD on the linearised dynamics "
             "u(k+1) − y = (I − ηH∞)(u(k) − y) diverges for η > 2/λ_max; used by the step ablation",
             lambda p, c: ntk.lambda_max(ntk.infinite_width_gram(p.X))),
    Constant("width_bound", "m ≥ C_m · n⁶ / (λ₀⁴ δ³)", "Du et al. 2019, Theorem 4.1",
             lambda p, c: c["C_m"] * p.n ** 6 / (c["lambda0"] ** 4 * c["delta"] ** 3)),
    Constant("width_floor", "n² log(n/δ) / λ₀²", "Du et al. 2019, Lemma 3.1 with constant 1: "
             "the H(0) concentration Theorem 4.1's proof needs first; relaxed widths never go "
             "below it (see relaxed_width)",
             lambda p, c: p.n ** 2 * math.log(p.n / c["delta"]) / c["lambda0"] ** 2),
    Constant("step_bound", "η ≤ C_eta · λ₀ / n²", "Du et al. 2019, Theorem 4.1 (η = O(λ₀/n²); "
             "its proof suffices with η ≤ λ₀/(4n²), i.e. C_eta = 1/4: SOURCES.md item 5)",
             lambda p, c: c["C_eta"] * c["lambda0"] / p.n ** 2),
)

UNSPECIFIED = {"C_m": 1.0, "C_eta": 1.0, "C_y": 1.0, "delta": 0.1}

def relaxed_width(c, factor):
    """The width a mode requires: factor × the width bound, never below Lemma 3.1's width.

    A uniform factor (1e-7) on n⁶/(λ₀⁴δ³) means very different widths at different n and λ₀: at
    n = 3, or on orthonormal inputs (λ₀ = ½), it leaves 2–10 neurons, and the search refutes the
    relaxed claims there (tests/test_du2019.py keeps that finding). The floor is the first width
    requirement of Theorem 4.1's proof, the concentration of H(0) (Lemma 3.1, constant 1); the
    literal bound is above it for every n ≥ 2 and δ < 1, so literal mode is unchanged.
    """
    return max(factor * c["width_bound"], c["width_floor"])


HYPOTHESES = (
    Hypothesis("unit_inputs", "‖x_i‖₂ = 1 for all i", "Du et al. 2019, Section 3",
               lambda p, c, r: 1.0 if np.max(np.abs(np.linalg.norm(p.X, axis=1) - 1.0))
               <= UNIT_NORM_TOL else 0.0),
    Hypothesis("bounded_labels", "|y_i| ≤ C_y", "Du et al. 2019, Section 3",
               lambda p, c, r: c["C_y"] / max(float(np.max(np.abs(p.y))), 1e-300)),
    Hypothesis("non_parallel", "λ₀ > 0 (no two inputs parallel, Theorem 3.1)",
               "Du et al. 2019, Theorem 3.1",
               lambda p, c, r: c["lambda0"] / LAMBDA0_FLOOR),
    Hypothesis("width", "m ≥ C_m · n⁶ / (λ₀⁴ δ³)", "Du et al. 2019, Theorem 4.1",
               lambda p, c, r: p.m / relaxed_width(c, r), kind="width", bound="width_bound"),
    Hypothesis("step", "η ≤ C_eta · λ₀ / n²", "Du et al. 2019, Theorem 4.1",
               lambda p, c, r: r * c["step_bound"] / p.eta, kind="step", bound="step_bound"),
)

# Relaxed mode: the width hypothesis scaled by 1e-7 and the step-size bound by 10. The proven
# regime is far out of reach (n = 6, λ₀ ≈ 0.19 give a width bound of 3.3e10). A factor of 1e-9
# is too far: at n = 3 it allows a single neuron, and the search refutes it
# (tests/test_engine.py::test_search_refutes_a_relaxation_too_far). A step factor of 100 passes
# 2/λ_max(H∞) at small n, where the bound λ₀/n² is least conservative.
RELAX = {"width": 1e-7, "step": 10.0}

# Two small data sets (λ₀ ≈ 0.19 and ≈ 0.1); the separation keeps λ₀ well above LAMBDA0_FLOOR
# and is always met by ``separated_sphere`` at these n and d.
DATA = (
    DataSpec("separated_sphere", n=6, d=4, seed=0, options=(("min_angle", 0.6),)),
    DataSpec("separated_sphere", n=8, d=5, seed=1, options=(("min_angle", 0.5),)),
)

# The envelope must fall by e^{-ENVELOPE_DECAY} over the run, so it constrains something.
ENVELOPE_DECAY = 4.0
# A cap on one run's length, so that small step bounds cannot make an instance unbounded.
MAX_STEPS = 20000
# Width of the "width hypothesis dropped" ablation: two neurons cannot fit n ≥ 6 random labels.
TINY_WIDTH = 2


def fixed_instances(theorem, mode, profile, seed, make):
    """``make(spec, seeds)`` on each of DATA at the base seed; outside literal mode a draw whose
    work exceeds the profile's budget (a small λ₀) is redrawn (``within_budget``, said in the
    instance's note), so that no base seed leaves the check with nothing to run."""
    seeds = tuple(range(seed * 100_000, seed * 100_000 + profile.seeds))
    if mode == "literal":
        return [make(spec.reseeded(seed), seeds) for spec in DATA]
    return [within_budget(lambda s: make(s, seeds), spec.reseeded(seed), profile.budget)
            for spec in DATA]


def instances(theorem, mode, profile, seed):
    """Separated data on the sphere with random ±1 labels; m and η from the (relaxed) bounds
    (``_instance_for``), the profile's seeds."""
    return fixed_instances(theorem, mode, profile, seed,
                           lambda spec, seeds: _instance_for(theorem, mode, spec, 1.0, seeds))


def _instance_for(theorem, mode, spec, eta_fraction, seeds, rate_factor=0.5, width_multiple=None):
    """The instance the checks build for ``spec`` in ``mode``, at a fraction of the step bound.

    Literal: m = ⌈width bound⌉. Relaxed and ablation: the bounds scaled by ``theorem.relax`` (m
    rounded up to a power of two, or ⌈width_multiple × the relaxed bound⌉ when the search gives a
    multiple); ablation of "width" takes m = 2, of "step" η = 4/λ_max(H∞), twice the stability
    limit of the linearised dynamics. Steps: enough for an envelope contracting by
    (1 − rate_factor·ηλ₀) per step to fall by e^{-4}, at most 20000.
    """
    c = theorem.constants_for(Problem(*spec.arrays()))
    r = theorem.relax if mode != "literal" else {}
    m = power_of_two_at_least(relaxed_width(c, r.get("width", 1.0)))
    if width_multiple is not None:
        m = math.ceil(width_multiple * relaxed_width(c, r.get("width", 1.0)))
    if mode == "literal":
        m = math.ceil((width_multiple or 1.0) * c["width_bound"])
    eta = eta_fraction * r.get("step", 1.0) * c["step_bound"]
    if mode == "ablation" and theorem.ablation == "width":
        m = TINY_WIDTH
    if mode == "ablation" and theorem.ablation == "step":
        eta = 4.0 / c["lambda_max_inf"]
    rate = min(rate_factor * eta * c["lambda0"], 0.5)
    steps = min(MAX_STEPS, math.ceil(ENVELOPE_DECAY / rate))
    return Instance(spec, m, eta, steps, seeds)


def _search_instance(eta_fraction=1.0, rate_factor=0.5):
    """The space's instance builder: ``_instance_for`` at the drawn width multiple and step
    fraction (times ``eta_fraction``: the flow claim runs at a quarter of the step bound)."""
    def make(theorem, mode, draw):
        return _instance_for(theorem, mode, draw.spec, eta_fraction * draw.step, draw.seeds,
                             rate_factor=rate_factor, width_multiple=draw.width)
    return make


# What Theorem 4.1 quantifies over, within reach: unit inputs with no two parallel (every family
# below meets it by construction; λ₀ > 1e-8 is checked), labels with |y_i| ≤ C_y = 1, every width
# above the bound and every step size below it. n ≤ 8 and d ≤ 6 keep the relaxed width bound
# (∝ n⁶/λ₀⁴) within the ci budget for most draws; the rest are rejected for budget and counted.
# The near-degenerate corners: a near-parallel pair (λ₀ → 0 with the angle), a tight separation
# (min_angle 0.15), orthonormal sets (H∞ = ½I, the best-conditioned case),
# and raw point sets moved by hypothesis around a separated configuration.
UNIT_FAMILIES = (
    Family("separated_sphere", floats=(("min_angle", 0.15, 0.6),)),
    Family("near_parallel", floats=(("angle", 0.2, 0.6),)),
    Family("orthonormal", at_most_d=True),
    Family("sphere"),
    Family("points", floats=(("base_angle", 0.2, 0.8),)),
)
BOUNDED_LABELS = ("sign", "uniform", "teacher", "explicit")
# Four seeds per example: a candidate needs only one failing seed (the engine confirms it on the
# profile's fresh seeds), and four keep an example cheap.
SEARCH_SEEDS = 4

# Where claims about λ₀ fail first, run by every search before it draws (checks.space.Corner), at
# the width and step bounds themselves.
CORNERS = (
    Corner(DataSpec("near_parallel", n=3, d=3, seed=0, options=(("angle", 0.3),),
                    labels="explicit", values=(1.0, -1.0, 1.0)),
           why="a nearly parallel pair with opposite labels: λ₀ ≈ 0.07 and y along H∞'s "
               "slowest eigenvector"),
    Corner(DataSpec("orthonormal", n=4, d=4, seed=0),
           why="orthonormal inputs: λ₀ = ½, the smallest width bound of any data set"),
)

SPACE = SearchSpace(n=(3, 8), d=(2, 6), families=UNIT_FAMILIES, labels=BOUNDED_LABELS,
                    instance=_search_instance(), width=(1.0, 4.0), step=(0.125, 1.0),
                    seeds=SEARCH_SEEDS, corners=CORNERS,
                    fixed="C_m, C_eta, δ and the relax factors; steps follow from η and λ₀")


def _lambda0(outcome, c):
    return c["lambda0"]


def rate_envelope(factor, prefactor=1.0, rate=_lambda0):
    """The bound prefactor · (1 − factor·η·rate)^k · L(0) per step k, with rate(outcome, c) = λ₀
    by default (Du et al.'s ‖y − u(k)‖² = 2L(k))."""
    def envelope(outcome, c):
        losses = outcome.run.losses
        k = np.arange(losses.shape[0])
        x = factor * outcome.run.eta * rate(outcome, c)
        if x >= 1.0:
            # (1 − x)^k is not a decreasing envelope; no positive loss is below it for k ≥ 1.
            return np.where(k == 0, prefactor * losses[0], 0.0)
        return prefactor * losses[0] * np.exp(k * math.log1p(-x))
    return envelope


def envelope_conclusion(envelope, formula, source):
    """The envelope on every step. Step 0 is judged on its own: an envelope anchored at
    ‖y − u(0)‖² equals the loss there, and the smallest margin worth reporting is from k = 1 on."""
    def evaluate(outcome, c):
        losses = outcome.run.losses
        bound = envelope(outcome, c) + loss_floor(outcome.problem)
        start = envelope_evidence(losses[:1], bound[:1], rtol=ENVELOPE_RTOL)
        if not start.holds or losses.shape[0] == 1:
            return start
        later = envelope_evidence(losses[1:], bound[1:], rtol=ENVELOPE_RTOL)
        return replace(later, step=later.step + 1)
    return Conclusion("rate_envelope", formula, source, evaluate, envelope=envelope)


STATEMENT_41 = (
    "If λ₀ > 0, m = Ω(n⁶/(λ₀⁴δ³)), w_r(0) ~ N(0, I), a_r ~ Unif{±1} and η = O(λ₀/n²), then with "
    "probability at least 1 − δ over the initialisation, for all k ≥ 0: "
    "‖y − u(k)‖₂² ≤ (1 − ηλ₀/2)^k ‖y − u(0)‖₂².")

gd_linear_rate = Theorem(
    id="du2019.gd_linear_rate",
    title="GD converges linearly at rate (1 − ηλ₀/2)",
    citation=cite("Theorem 4.1"),
    fidelity="stated",
    statement=STATEMENT_41,
    network=NETWORK,
    init=INIT,
    constants=CONSTANTS,
    unspecified=UNSPECIFIED,
    delta="delta",
    hypotheses=HYPOTHESES,
    conclusion=envelope_conclusion(rate_envelope(0.5), "‖y − u(k)‖² ≤ (1 − ηλ₀/2)^k ‖y − u(0)‖²",
                                   "Du et al. 2019, Theorem 4.1"),
    relax=RELAX,
    instances=instances,
    space=SPACE,
)


def flow_envelope(factor):
    """‖y − u(0)‖² · exp(−factor·λ₀·t) at t = kη (Theorem 3.2's bound is factor = 1)."""
    def envelope(outcome, c):
        losses = outcome.run.losses
        t = outcome.run.eta * np.arange(losses.shape[0])
        return losses[0] * np.exp(-factor * c["lambda0"] * t)
    return envelope


# Gradient flow is run as GD at a quarter of the relaxed step bound: Euler's O(η) deviation from
# the flow at time t. (An ODE solver cannot integrate the ReLU flow: checks/flow.py.)
FLOW_ETA_FRACTION = 0.25


def flow_instances(theorem, mode, profile, seed):
    """As ``instances`` at η = ¼ × the (relaxed) step bound, run to t = 4/λ₀ (envelope e^{-4})."""
    return fixed_instances(theorem, mode, profile, seed,
                           lambda spec, seeds: _instance_for(theorem, mode, spec,
                                                             FLOW_ETA_FRACTION, seeds,
                                                             rate_factor=1.0))


flow_linear_rate = Theorem(
    id="du2019.flow_linear_rate",
    title="gradient flow converges at rate exp(−λ₀t)",
    citation=cite("Theorem 3.2"),
    fidelity="paraphrased",
    statement=("If λ₀ > 0 and m = Ω(n⁶/(λ₀⁴δ³)), w_r(0) ~ N(0, I), a_r ~ Unif{±1}, then with "
               "probability ≥ 1 − δ, ‖y − u(t)‖² ≤ exp(−λ₀t)‖y − u(0)‖² for all t ≥ 0 under "
               "gradient flow. Checked on GD at η = ¼ × the (relaxed) step bound, t = kη: "
               "paraphrased because Euler's steps deviate from the flow by O(η)."),
    network=NETWORK, init=INIT, constants=CONSTANTS, unspecified=UNSPECIFIED, delta="delta",
    hypotheses=tuple(h for h in HYPOTHESES if h.name != "step"),
    conclusion=envelope_conclusion(flow_envelope(1.0), "‖y − u(t)‖² ≤ exp(−λ₀t)‖y − u(0)‖²",
                                   "Du et al. 2019, Theorem 3.2"),
    relax=RELAX, instances=flow_instances,
    # η is a quarter of the relaxed step bound or less (the flow is approached as η → 0).
    space=replace(SPACE, instance=_search_instance(FLOW_ETA_FRACTION, rate_factor=1.0),
                  fixed=SPACE.fixed + "; η at most ¼ of the relaxed step bound (GD as the flow)"),
)


def _gram_evaluate(outcome, c):
    lmin = outcome.run.gram_lambda_min
    bound = c["lambda0"] / 2.0
    # score > 0 when λ_min(H(k)) < λ₀/2; relative rounding of an eigenvalue is ~n·eps, far below.
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lmin > 0, np.log(bound) - np.log(np.where(lmin > 0, lmin, 1.0)),
                         np.inf)
    j = int(np.argmax(ratio))
    return Evidence(holds=bool(ratio[j] <= 0.0), score=float(ratio[j]),
                    step=int(outcome.run.gram_steps[j]), observed=float(lmin[j]),
                    bound=bound, note="λ_min(H(k)) vs λ₀/2")


# λ_min(H(k)) every 50 steps: an n×n eigenvalue problem per record, and the runs last 80–20000
# steps, so the Gram check sees at least two points while costing < 5% of the run.
GRAM_EVERY = 50

gram_stays_positive = Theorem(
    id="du2019.gram_stays_positive",
    title="λ_min(H(k)) ≥ λ₀/2 along the GD run",
    citation=cite("Lemma 3.2 with Theorem 4.1's induction (Condition 4.1)"),
    fidelity="paraphrased",
    statement=("Under Theorem 4.1's hypotheses, with probability ≥ 1 − δ the finite-width Gram "
               "matrix stays well conditioned along the run: λ_min(H(k)) ≥ λ₀/2 for all k "
               "(Lemma 3.2: every W within R of W(0) has λ_min(H(W)) > λ₀/2; the proof of "
               "Theorem 4.1 keeps the iterates within R)."),
    network=NETWORK, init=INIT, constants=CONSTANTS, unspecified=UNSPECIFIED, delta="delta",
    hypotheses=HYPOTHESES,
    conclusion=Conclusion("gram_lower_bound", "λ_min(H(k)) ≥ λ₀/2 for all k",
                          "Du et al. 2019, Lemma 3.2", _gram_evaluate, gram_every=GRAM_EVERY),
    relax=RELAX, instances=instances, space=SPACE,
)


def _movement_evaluator(factor=1.0):
    """Evidence for max_r ‖w_r(k) − w_r(0)‖ ≤ factor · R' at every step (factor 1: Cor. 4.1)."""
    def evaluate(outcome, c):
        run = outcome.run
        m = run.params.W.shape[0] if run.params is not None else outcome.params0.width
        residual0 = math.sqrt(2.0 * run.losses[0])
        r_prime = 4.0 * math.sqrt(outcome.problem.n) * residual0 / (math.sqrt(m) * c["lambda0"])
        # rtol: the movement is a norm of a difference of O(1) weights, computed to ~1e-15.
        return envelope_evidence(run.max_neuron_move,
                                 np.full_like(run.max_neuron_move, factor * r_prime),
                                 rtol=ENVELOPE_RTOL)
    return evaluate


neuron_movement = Theorem(
    id="du2019.neuron_movement",
    title="each neuron moves at most R' = 4√n ‖y − u(0)‖₂ / (√m λ₀)",
    citation=cite("Corollary 4.1"),
    fidelity="stated",
    statement=("Under Theorem 4.1's hypotheses, if the rate holds up to step k then every neuron "
               "satisfies ‖w_r(k) − w_r(0)‖₂ ≤ 4√n ‖y − u(0)‖₂ / (√m λ₀) =: R'."),
    network=NETWORK, init=INIT, constants=CONSTANTS, unspecified=UNSPECIFIED, delta="delta",
    hypotheses=HYPOTHESES,
    conclusion=Conclusion("movement_bound", "max_r ‖w_r(k) − w_r(0)‖ ≤ R' for all k",
                          "Du et al. 2019, Corollary 4.1", _movement_evaluator(),
                          record=("movement",)),
    relax=RELAX, instances=instances, space=SPACE,
)


def _concentration_evaluate(outcome, c):
    H0 = ntk.empirical_gram(NETWORK, outcome.params0, outcome.problem.X)
    gap = float(np.linalg.norm(H0 - ntk.infinite_width_gram(outcome.problem.X), ord=2))
    bound = c["lambda0"] / 4.0
    score = math.log(gap / bound) if gap > 0 else -math.inf
    return Evidence(holds=gap <= bound, score=score, step=0, observed=gap, bound=bound,
                    note="‖H(0) − H∞‖₂ vs λ₀/4")


def _concentration_instance(theorem, mode, spec, seeds, width_multiple=1.0):
    """No GD step: m = ⌈multiple × (relaxed) Lemma 3.1 width⌉ (1/1000 of it in ablation)."""
    c = theorem.constants_for(Problem(*spec.arrays()))
    factor = theorem.relax.get("width", 1.0) if mode != "literal" else 1.0
    m = math.ceil(width_multiple * factor * c["lemma31_width"])
    if mode == "ablation":
        m = max(1, math.ceil(c["lemma31_width"] / 1000.0))
    return Instance(spec, m, 1.0, 0, seeds)


def _concentration_instances(theorem, mode, profile, seed):
    seeds = tuple(range(seed * 100_000, seed * 100_000 + 4 * profile.seeds))
    return [_concentration_instance(theorem, mode, spec.reseeded(seed), seeds) for spec in DATA]


gram_concentration = Theorem(
    id="du2019.gram_concentration_at_init",
    title="‖H(0) − H∞‖₂ ≤ λ₀/4 at initialisation",
    citation=cite("Lemma 3.1"),
    fidelity="stated",
    statement=("If m = Ω(n²/λ₀² · log(n/δ)), then with probability ≥ 1 − δ, "
               "‖H(0) − H∞‖₂ ≤ λ₀/4 and λ_min(H(0)) ≥ ¾λ₀. The logarithm is log(n/δ), not "
               "squared, in both the statement and the proof (theorems/SOURCES.md, item 1)."),
    network=NETWORK, init=INIT,
    constants=CONSTANTS[:1] + (
        Constant("lemma31_width", "m ≥ C_lemma31 · n² log(n/δ) / λ₀²", "Du et al. 2019, Lemma 3.1",
                 lambda p, c: c["C_lemma31"] * p.n ** 2 * math.log(p.n / c["delta"])
                 / c["lambda0"] ** 2),),
    unspecified={"C_lemma31": 1.0, "C_y": 1.0, "delta": 0.1},
    delta="delta",
    hypotheses=HYPOTHESES[:3] + (
        Hypothesis("width", "m ≥ C_lemma31 · n² log(n/δ) / λ₀²", "Du et al. 2019, Lemma 3.1",
                   lambda p, c, r: p.m / (r * c["lemma31_width"]), kind="width",
                   bound="lemma31_width"),),
    conclusion=Conclusion("init_concentration", "‖H(0) − H∞‖₂ ≤ λ₀/4",
                          "Du et al. 2019, Lemma 3.1", _concentration_evaluate),
    relax={"width": 1.0},
    instances=_concentration_instances,
    # Lemma 3.1 is about the initialisation alone: no step size. Its width is cheap (no GD), so an
    # example takes 16 seeds, enough for a failure rate well above δ = 0.1 to show.
    space=replace(SPACE, step=None, seeds=16,
                  instance=lambda theorem, mode, draw: _concentration_instance(
                      theorem, mode, draw.spec, draw.seeds, draw.width),
                  fixed="C_lemma31, δ; no GD step (a statement about the initialisation)"),
)

def _mean_eigenvalue(outcome, c):
    """tr(H∞)/n, the mean eigenvalue of H∞ (½ on unit inputs: H∞_ii = ½)."""
    return float(np.trace(ntk.infinite_width_gram(outcome.problem.X))) / outcome.problem.n


PLANTED = {
    gd_linear_rate.id: (
        gd_linear_rate.variant(
            "quarter_too_fast", planted=True,
            statement="PLANTED FALSE: ‖y − u(k)‖² ≤ ¼ (1 − ηλ₀)^k ‖y − u(0)‖² (fails at k = 0).",
            conclusion=envelope_conclusion(rate_envelope(1.0, 0.25),
                                           "‖y − u(k)‖² ≤ ¼(1 − ηλ₀)^k ‖y − u(0)‖²", "planted")),
        gd_linear_rate.variant(
            "rate_8x", planted=True,
            statement=("PLANTED FALSE: rate (1 − 4ηλ₀)^k, 8× the theorem's exponent and 2× the "
                       "linearised dynamics' slowest mode (1 − ηλ₀)^{2k}."),
            conclusion=envelope_conclusion(rate_envelope(4.0),
                                           "‖y − u(k)‖² ≤ (1 − 4ηλ₀)^k ‖y − u(0)‖²", "planted")),
        gd_linear_rate.variant(
            "mean_eigenvalue", planted=True,
            statement=("PLANTED FALSE: ‖y − u(k)‖² ≤ (1 − η λ̄/4)^k ‖y − u(0)‖² with λ̄ = "
                       "tr(H∞)/n = ½, the mean eigenvalue where the theorem has the smallest. "
                       "It holds wherever the linearised slowest mode (1 − ηλ₀)^{2k} is faster, "
                       "λ₀ > 1/16: on the fixed instances (λ₀ ≈ 0.1–0.2). It fails only when "
                       "λ₀ < 1/16 and y excites the slow mode: a nearly parallel pair with "
                       "opposite labels, which only the search draws."),
            conclusion=envelope_conclusion(rate_envelope(0.25, rate=_mean_eigenvalue),
                                           "‖y − u(k)‖² ≤ (1 − η tr(H∞)/(4n))^k ‖y − u(0)‖²",
                                           "planted")),
        gd_linear_rate.variant("no_step_bound", planted=True, ablation="step",
                               statement="PLANTED FALSE: Theorem 4.1 without the step-size "
                                         "hypothesis, at η = 4/λ_max(H∞)."),
        gd_linear_rate.variant("no_width_bound", planted=True, ablation="width",
                               statement="PLANTED FALSE: Theorem 4.1 without the width "
                                         "hypothesis, at m = 2."),
    ),
    flow_linear_rate.id: (
        flow_linear_rate.variant(
            "rate_4x", planted=True,
            statement=("PLANTED FALSE: exp(−4λ₀t), twice the linearised flow's slowest mode "
                       "exp(−2λ₀t)."),
            conclusion=envelope_conclusion(flow_envelope(4.0), "exp(−4λ₀t)", "planted")),
    ),
    gram_stays_positive.id: (
        gram_stays_positive.variant("no_width_bound", planted=True, ablation="width",
                                    statement="PLANTED FALSE: λ_min(H(k)) ≥ λ₀/2 without the "
                                              "width hypothesis, at m = 2: two neurons' "
                                              "activation patterns cannot reproduce H∞."),
    ),
    neuron_movement.id: (
        neuron_movement.variant(
            "radius_over_32", planted=True,
            statement=("PLANTED FALSE: every neuron stays within R'/32. The factor was chosen "
                       "after measurement: the largest movement seen in the relaxed check is "
                       "0.063·R', so R'/32 sits 2× below it."),
            conclusion=Conclusion("movement_bound", "max_r ‖w_r(k) − w_r(0)‖ ≤ R'/32",
                                  "planted", _movement_evaluator(1.0 / 32.0),
                                  record=("movement",))),
    ),
    gram_concentration.id: (
        gram_concentration.variant("no_width_bound", planted=True, ablation="width",
                                   statement="PLANTED FALSE: Lemma 3.1 at 1/1000 of its width."),
    ),
}

register(gd_linear_rate, PLANTED[gd_linear_rate.id])
register(flow_linear_rate, PLANTED[flow_linear_rate.id])
register(gram_stays_positive, PLANTED[gram_stays_positive.id])
register(neuron_movement, PLANTED[neuron_movement.id])
register(gram_concentration, PLANTED[gram_concentration.id])
