"""The checking engine: instances → runs → evidence → statistical verdicts, and tightness scans.

A probability claim "the conclusion holds with probability ≥ 1 − δ over the initialisation" is judged
per instance over its seeds (``checks.stats.judge_probability``). A candidate refutation is confirmed
on a fresh, larger, disjoint set of seeds before the verdict says VIOLATED (the multiple-testing
guard of ``checks.stats.confirm_refutation``).
"""

from dataclasses import dataclass, field, replace
import math
import time

import numpy as np

from checks import search, stats
from checks.network import init_params
from checks.progress import Progress
from checks.study import Study
from checks.theorem import MODES, Outcome, Problem, diverged_evidence
from checks.training import gradient_descent_batch

HOLDS = "HOLDS"
VIOLATED = "VIOLATED"
VACUOUS = "VACUOUS"
INCONCLUSIVE = "INCONCLUSIVE"


@dataclass(frozen=True)
class Profile:
    """How hard to look: seeds per instance, fresh seeds to confirm, search examples, budget.

    ``budget`` caps the work of one run, counted as m·n·d·steps multiply-adds (a literal instance
    above it is out of reach and said so).
    """

    name: str
    seeds: int
    confirm_seeds: int
    search_examples: int
    budget: float


# ci: 32 seeds, so that 0 failures support δ = 0.1 at 95% (one-sided Clopper–Pearson upper bound
# 1 − 0.05^{1/32} ≈ 0.089), and 64 fresh seeds to confirm a refutation (16/64 failures already
# put the lower bound at ≈ 0.16 > 0.1); dev/thorough scale up.
PROFILES = {
    "ci": Profile("ci", seeds=32, confirm_seeds=64, search_examples=25, budget=1e10),
    "dev": Profile("dev", seeds=64, confirm_seeds=256, search_examples=200, budget=1e11),
    "thorough": Profile("thorough", seeds=300, confirm_seeds=1000, search_examples=2000,
                        budget=1e12),
}

# Confirmation seeds start this far above the candidate's first seed; an instance spans fewer
# seeds than that (at most a profile's 300), so a confirmation never reuses a seed that found it.
CONFIRM_SEED_OFFSET = 1_000_000


def get_profile(profile):
    if isinstance(profile, Profile):
        return profile
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, got {profile!r}")
    return PROFILES[profile]


@dataclass(frozen=True, eq=False)
class InstanceResult:
    """One instance checked: its constants, hypothesis margins, per-seed evidence and judgement."""

    instance: object
    constants: dict
    margins: dict
    admissible: bool
    evidence: tuple = ()
    judgement: object = None
    worst_seed: int | None = None
    worst_outcome: object = None
    reason: str = ""

    @property
    def failures(self):
        return sum(not e.holds for e in self.evidence)

    @property
    def worst(self):
        if not self.evidence:
            return None
        return max(self.evidence, key=lambda e: e.score)

    def summary(self):
        w = self.worst
        return dict(
            instance=self.instance.to_dict(), describe=self.instance.describe(),
            constants={k: _finite_or_str(v) for k, v in self.constants.items()},
            margins={k: _finite_or_str(v) for k, v in self.margins.items()},
            admissible=self.admissible, reason=self.reason,
            failures=self.failures, trials=len(self.evidence),
            diverged=sum(e.diverged for e in self.evidence),
            ci=None if self.judgement is None else [self.judgement.low, self.judgement.high],
            state=None if self.judgement is None else self.judgement.state,
            worst=None if w is None else dict(score=_finite_or_str(w.score), step=w.step,
                                              observed=_finite_or_str(w.observed),
                                              bound=_finite_or_str(w.bound), note=w.note,
                                              seed=self.worst_seed),
        )


@dataclass(eq=False)
class Verdict:
    """A theorem's verdict in one mode, with the evidence behind it."""

    theorem_id: str
    state: str
    mode: str
    profile: str
    reason: str
    unspecified: dict
    relax: dict
    delta: float
    results: list = field(default_factory=list)
    counterexample: dict | None = None
    confirmation: object = None
    tightest: dict | None = None
    elapsed: float = 0.0
    seed: int = 0
    finding: object = None

    def to_dict(self):
        out = dict(
            theorem=self.theorem_id, state=self.state, mode=self.mode, profile=self.profile,
            seed=self.seed, reason=self.reason, unspecified=self.unspecified,
            relax=self.relax if self.mode != "literal" else {}, delta=self.delta,
            counterexample=self.counterexample,
            confirmation=None if self.confirmation is None else dict(
                failures=self.confirmation.failures, trials=self.confirmation.trials,
                ci=[self.confirmation.low, self.confirmation.high],
                state=self.confirmation.state),
            tightest=self.tightest, elapsed=round(self.elapsed, 3),
            instances=[r.summary() for r in self.results],
        )
        if self.finding is not None:
            out["values"] = {k: _finite_or_str(v) if isinstance(v, (int, float)) else v
                             for k, v in self.finding.values.items()}
        return out


def _finite_or_str(value):
    value = float(value)
    return value if math.isfinite(value) else str(value)


def run_instance(theorem, instance, mode, *, keep_worst=False, check_hypotheses=True):
    """Check one instance: constants, hypotheses, then (if admissible) one GD run per seed.

    With ``check_hypotheses=False`` the runs happen whatever the margins (threshold scans).
    """
    problem = Problem(*instance.data.arrays(), m=instance.m, eta=instance.eta,
                      steps=instance.steps)
    c = theorem.constants_for(problem)
    margins = theorem.hypothesis_margins(problem, c, mode)
    failing = [name for name, margin in margins.items() if not margin >= 1.0]
    if failing and check_hypotheses:
        return InstanceResult(instance, c, margins, admissible=False,
                              reason="hypotheses not satisfied: " + ", ".join(
                                  f"{n} (margin {margins[n]:.3g})" for n in failing))
    conclusion = theorem.conclusion
    init = theorem.init_for(problem, c)
    params = [init_params(theorem.network, instance.m, problem.d, seed=s, **init)
              for s in instance.seeds]
    runs = gradient_descent_batch(theorem.network, params, problem.X, problem.y,
                                  eta=instance.eta, steps=instance.steps,
                                  record=conclusion.record, gram_every=conclusion.gram_every)
    evidence = []
    for seed, p0, run in zip(instance.seeds, params, runs):
        outcome = Outcome(problem, p0, run, seed)
        evidence.append(diverged_evidence(run) if run.diverged
                        else conclusion.evaluate(outcome, c))
    failures = sum(not e.holds for e in evidence)
    judgement = judge(failures, len(evidence), theorem.delta_value)
    worst = int(np.argmax([e.score for e in evidence]))
    worst_outcome = Outcome(problem, params[worst], runs[worst], instance.seeds[worst]) \
        if keep_worst else None
    return InstanceResult(instance, c, margins, admissible=True, evidence=tuple(evidence),
                          judgement=judgement, worst_seed=instance.seeds[worst],
                          worst_outcome=worst_outcome)


def judge(failures, trials, delta):
    """Clopper–Pearson judgement of "P(failure) ≤ δ"; a deterministic claim (δ = 0) is refuted by
    any failure and consistent with none (no finite sample can do better)."""
    if delta > 0:
        return stats.judge_probability(failures, trials, delta=delta)
    low, high = stats.clopper_pearson(failures, trials, confidence=0.9)  # one-sided 95% bounds
    return stats.ProbabilityJudgement(failures, trials, 0.0, 0.05, low, high,
                                      "REFUTED" if failures else "CONSISTENT")


def judge_trials(trial_fails, seeds, confirm_seeds, delta):
    """Clopper–Pearson judgement of "P(failure) ≤ δ" over independent trials, with a refutation
    confirmed on fresh trials — the rule of ``confirm``, for a study whose trials are not GD runs
    of one instance (e.g. each trial redraws the sample as well as the network).

    ``trial_fails(seeds) -> list of bool``. Returns (state, judgement, confirmation or None).
    """
    fails = trial_fails(seeds)
    judgement = judge(sum(fails), len(fails), delta)
    if judgement.state != "REFUTED":
        state = HOLDS if judgement.state == "CONSISTENT" else INCONCLUSIVE
        return state, judgement, None
    fresh = tuple(s + CONFIRM_SEED_OFFSET for s in confirm_seeds)
    again = trial_fails(fresh)
    confirmation = (judge(sum(again), len(again), 0.0) if delta == 0 else
                    stats.confirm_refutation(sum(again), len(again), delta=delta))
    state = VIOLATED if confirmation.state == "REFUTED" else INCONCLUSIVE
    return state, judgement, confirmation


def work(instance):
    """Multiply-adds of one instance: m·n·d per forward/backward pass, times steps and seeds."""
    return float(instance.m) * instance.data.n * instance.data.d * (instance.steps + 1) \
        * len(instance.seeds)


def confirm(theorem, instance, mode, profile):
    """Re-run a candidate counterexample on fresh seeds disjoint from any searched; judge those only."""
    start = CONFIRM_SEED_OFFSET + (instance.seeds[0] if instance.seeds else 0)
    fresh = instance.with_seeds(range(start, start + profile.confirm_seeds))
    result = run_instance(theorem, fresh, mode)
    judgement = (judge(result.failures, len(result.evidence), 0.0) if theorem.delta_value == 0
                 else stats.confirm_refutation(result.failures, len(result.evidence),
                                               delta=theorem.delta_value))
    return result, judgement


def check(theorem, *, mode="relaxed", profile="ci", seed=0, do_search=False, progress=False,
          keep_worst=False):
    """The verdict on ``theorem`` in ``mode`` with the ``profile``'s budget.

    Parameters
    ----------
    theorem : Theorem
    mode : {"literal", "relaxed", "ablation"}
    profile : {"ci", "dev", "thorough"} or Profile
    seed : int
        Base seed: instance seeds are drawn from it, so two checks with one seed are identical.
    do_search : bool
        Also run the hypothesis counterexample search (``checks.search``) after the fixed instances.
        Counterexamples stored in ``reports/counterexamples.json`` are replayed in any case.
    """
    if isinstance(theorem, Study):
        return check_study(theorem, mode=mode, profile=profile, seed=seed)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "ablation" and theorem.ablation is None:
        raise ValueError(f"mode 'ablation' needs a theorem with a dropped hypothesis; "
                         f"{theorem.id} drops none (use theorem.variant(..., ablation=NAME))")
    profile = get_profile(profile)
    started = time.perf_counter()
    instances = theorem.instances(theorem, mode, profile, seed)
    verdict = Verdict(theorem.id, INCONCLUSIVE, mode, profile.name, "", dict(theorem.unspecified),
                      dict(theorem.relax), theorem.delta_value, seed=seed)
    out_of_reach = [i for i in instances if work(i) > profile.budget]
    runnable = [i for i in instances if work(i) <= profile.budget]
    bar = Progress(len(runnable), f"{theorem.id} [{mode}]", enabled=progress)
    confirmed = {}
    for instance in runnable:
        result = run_instance(theorem, instance, mode, keep_worst=keep_worst)
        verdict.results.append(result)
        bar.advance()
        # One confirmed counterexample decides the verdict (VIOLATED whatever the other instances
        # show), so a refuted instance is confirmed at once and the remaining ones are not run.
        if result.admissible and result.judgement.state == "REFUTED":
            confirmed[id(result)] = confirm(theorem, instance, mode, profile)
            if confirmed[id(result)][1].state == "REFUTED":
                break
    bar.close()
    candidates = [r for r in verdict.results if r.admissible and r.judgement.state == "REFUTED"]
    if not any(j.state == "REFUTED" for _, j in confirmed.values()):
        for stored in search.stored_for(theorem.id, mode):
            replay = run_instance(theorem, stored, mode, keep_worst=keep_worst)
            if replay.admissible and replay.failures:
                candidates.append(replay)
        if do_search and theorem.strategy is not None:
            found = search.search_counterexample(theorem, mode=mode, profile=profile)
            if found is not None:
                candidates.append(run_instance(theorem, found, mode, keep_worst=keep_worst))
    finish(verdict, theorem, mode, profile, candidates, out_of_reach, confirmed)
    verdict.elapsed = time.perf_counter() - started
    return verdict


def check_study(study, *, mode="relaxed", profile="ci", seed=0):
    """The verdict on a ``Study``: its measurement in ``mode``, judged by the study itself.

    The finding's state must be one of the verdict states; its values and plots travel with the
    verdict (``Verdict.finding``) to the report and the baseline.
    """
    if mode not in study.modes:
        raise ValueError(f"mode must be one of {study.id}'s modes {study.modes}, got {mode!r}")
    profile = get_profile(profile)
    started = time.perf_counter()
    finding = study.measure(study, mode, profile, seed)
    if finding.state not in (HOLDS, VIOLATED, VACUOUS, INCONCLUSIVE):
        raise ValueError(f"{study.id}: a finding's state must be a verdict state, got "
                         f"{finding.state!r}")
    if finding.state == VIOLATED and study.confirm:
        again = study.measure(study, mode, profile, seed + 1)
        if again.state == VIOLATED:
            finding = replace(finding, reason=f"{finding.reason}; confirmed on fresh trials "
                                              f"(base seed {seed + 1}): {again.reason}")
        else:
            finding = replace(finding, state=INCONCLUSIVE, reason=(
                f"{finding.reason}; not confirmed on fresh trials (base seed {seed + 1}: "
                f"{again.state}, {again.reason})"))
    return Verdict(study.id, finding.state, mode, profile.name, finding.reason, {}, {}, 0.0,
                   seed=seed, finding=finding, elapsed=time.perf_counter() - started)


def finish(verdict, theorem, mode, profile, candidates, out_of_reach, confirmed=None):
    """Turn instance results into the verdict's state and reason.

    ``confirmed`` maps ``id(candidate)`` to a confirmation already made (``confirm``'s result), so
    no candidate is confirmed twice.
    """
    confirmed = confirmed or {}
    admissible = [r for r in verdict.results if r.admissible]
    for candidate in sorted(candidates, key=lambda r: -r.worst.score):
        result, judgement = confirmed.get(id(candidate)) or confirm(
            theorem, candidate.instance, mode, profile)
        if judgement.state == "REFUTED":
            w = candidate.worst
            verdict.state = VIOLATED
            verdict.confirmation = judgement
            verdict.counterexample = dict(
                instance=candidate.instance.to_dict(), describe=candidate.instance.describe(),
                seed=candidate.worst_seed, step=w.step, observed=_finite_or_str(w.observed),
                bound=_finite_or_str(w.bound), score=_finite_or_str(w.score), note=w.note,
                failure_rate=[judgement.low, judgement.high])
            what = ("with hypothesis '" + theorem.ablation + "' dropped, "
                    if mode == "ablation" else "")
            verdict.reason = (
                f"{what}the conclusion failed on {candidate.failures}/{len(candidate.evidence)} "
                f"seeds and on {judgement.failures}/{judgement.trials} fresh seeds "
                f"(failure rate in [{judgement.low:.3f}, {judgement.high:.3f}] > "
                f"δ = {theorem.delta_value:g}); worst at step {w.step}: observed "
                f"{w.observed:.6g} vs bound {w.bound:.6g}" + (f" ({w.note})" if w.note else ""))
            if candidate not in verdict.results:
                verdict.results.append(candidate)
            return
    if not admissible:
        reasons = [f"{i.describe()}: work {work(i):.2g} exceeds the {profile.name} budget "
                   f"{profile.budget:.2g}" for i in out_of_reach]
        reasons += [f"{r.instance.describe()}: {r.reason}" for r in verdict.results]
        verdict.state = VACUOUS
        verdict.reason = ("no instance satisfying the hypotheses within budget" +
                          (": " + "; ".join(reasons[:3]) if reasons else ""))
        return
    worst = max(admissible, key=lambda r: r.worst.score)
    w = worst.worst
    verdict.tightest = dict(describe=worst.instance.describe(), seed=worst.worst_seed,
                            step=w.step, score=_finite_or_str(w.score),
                            observed=_finite_or_str(w.observed), bound=_finite_or_str(w.bound))
    states = [r.judgement.state for r in admissible]
    total = sum(len(r.evidence) for r in admissible)
    failures = sum(r.failures for r in admissible)
    if all(s == "CONSISTENT" for s in states):
        verdict.state = HOLDS
        verdict.reason = (f"held on {total - failures}/{total} runs over {len(admissible)} "
                          f"instances; smallest margin: observed/bound = "
                          f"{math.exp(w.score) if math.isfinite(w.score) else w.score:.4g} "
                          f"(at step {w.step}, {worst.instance.describe()})")
    else:
        verdict.state = INCONCLUSIVE
        diverged = sum(e.diverged for r in admissible for e in r.evidence)
        why = [f"{sum(s == 'INCONCLUSIVE' for s in states)} of {len(states)} instances have a "
               f"failure-rate interval straddling δ = {theorem.delta_value:g}"]
        if candidates:
            why.append(f"{len(candidates)} candidate refutation(s) not confirmed on fresh seeds")
        if diverged:
            why.append(f"{diverged} diverged run(s)")
        verdict.reason = "; ".join(why) + f" ({failures}/{total} runs failed)"


@dataclass(frozen=True)
class Threshold:
    """An empirical threshold beside the theorem's bound."""

    parameter: str
    values: tuple
    failures: tuple
    trials: int
    threshold: float | None
    bound: float
    ratio: float | None

    def to_dict(self):
        return dict(parameter=self.parameter, values=list(self.values),
                    failures=list(self.failures), trials=self.trials,
                    threshold=self.threshold, bound=_finite_or_str(self.bound),
                    ratio=None if self.ratio is None else _finite_or_str(self.ratio))


def threshold_scan(theorem, instance, parameter, values, *, bound):
    """Failures over the instance's seeds at each value of ``parameter`` ("m" or "eta").

    The empirical threshold for "m" is the smallest width from which on every larger width held on
    every seed; for "eta" the largest step size up to which every smaller one held. Hypotheses are
    not checked (the point is to see where the conclusion stops holding); ``ratio`` is bound /
    threshold for widths and threshold / bound for step sizes, so > 1 means the theorem is
    conservative by that factor.
    """
    if parameter not in ("m", "eta"):
        raise ValueError(f"parameter must be 'm' or 'eta', got {parameter!r}")
    failures = []
    for value in values:
        inst = replace(instance, **{parameter: int(value) if parameter == "m" else float(value)})
        failures.append(run_instance(theorem, inst, "relaxed", check_hypotheses=False).failures)
    ok = [f == 0 for f in failures]
    threshold = None
    if parameter == "m":
        for j in range(len(values)):
            if all(ok[j:]):
                threshold = float(values[j])
                break
        ratio = bound / threshold if threshold else None
    else:
        for j in range(len(values)):
            if all(ok[: j + 1]):
                threshold = float(values[j])
        ratio = threshold / bound if threshold else None
    return Threshold(parameter, tuple(float(v) for v in values), tuple(failures),
                     len(instance.seeds), threshold, float(bound), ratio)
