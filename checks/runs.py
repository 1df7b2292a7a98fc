"""One instance checked: constants, hypotheses, one GD run per seed, evidence, the judgement.

The layer below the engine and the search (``checks.engine``, ``checks.search``): both turn an
``Instance`` into an ``InstanceResult`` here, and nothing here knows about verdicts or searches.
Every Evidence is validated: a conclusion that returns a NaN score or observed value, or a
non-boolean ``holds``, never counts as holding; the instance's judgement is then INCONCLUSIVE
with the reason.
"""

from dataclasses import dataclass, replace
import math

import numpy as np

from checks import stats
from checks.network import init_params
from checks.theorem import Outcome, Problem, diverged_evidence
from checks.training import gradient_descent_batch


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
    invalid: tuple = ()         # (seed, why) of runs whose Evidence was not valid (NaN …)

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
            invalid=[dict(seed=s, why=why) for s, why in self.invalid],
            ci=None if self.judgement is None else [self.judgement.low, self.judgement.high],
            state=None if self.judgement is None else self.judgement.state,
            worst=None if w is None else dict(score=_finite_or_str(w.score), step=w.step,
                                              observed=_finite_or_str(w.observed),
                                              bound=_finite_or_str(w.bound), note=w.note,
                                              seed=self.worst_seed),
        )


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
    evidence, kept, invalid = [], [], []
    for j, (seed, p0, run) in enumerate(zip(instance.seeds, params, runs)):
        outcome = Outcome(problem, p0, run, seed)
        e = diverged_evidence(run) if run.diverged else conclusion.evaluate(outcome, c)
        why = evidence_problem(e)
        if why:
            invalid.append((seed, f"conclusion '{conclusion.name}' returned {why}"))
            continue
        evidence.append(e)
        kept.append(j)
    if not evidence:
        judgement = stats.ProbabilityJudgement(0, 0, theorem.delta_value, 0.05, 0.0, 1.0,
                                               "INCONCLUSIVE")
        return InstanceResult(instance, c, margins, admissible=True, judgement=judgement,
                              invalid=tuple(invalid))
    failures = sum(not e.holds for e in evidence)
    judgement = judge(failures, len(evidence), theorem.delta_value)
    if invalid:
        judgement = replace(judgement, state="INCONCLUSIVE")
    worst = kept[int(np.argmax([e.score for e in evidence]))]
    worst_outcome = Outcome(problem, params[worst], runs[worst], instance.seeds[worst]) \
        if keep_worst else None
    return InstanceResult(instance, c, margins, admissible=True, evidence=tuple(evidence),
                          judgement=judgement, worst_seed=instance.seeds[worst],
                          worst_outcome=worst_outcome, invalid=tuple(invalid))


def evidence_problem(e):
    """Why an Evidence cannot be judged ("" if it can): a NaN score or observed value, or a
    ``holds`` that is not a boolean. A diverged run's Evidence (score +inf, observed +inf) is
    valid: it is a failure with a note. NaN is never "within bound"."""
    if not isinstance(e.holds, (bool, np.bool_)):
        return f"holds={e.holds!r}, not a boolean"
    for name in ("score", "observed"):
        try:
            value = float(getattr(e, name))
        except (TypeError, ValueError):
            return f"a non-numeric {name} {getattr(e, name)!r}"
        if math.isnan(value):
            return f"a NaN {name} (holds={bool(e.holds)})"
    if e.holds and float(e.score) > 0.0:
        return f"holds=True with a positive violation score {float(e.score):.4g}"
    return ""


def judge(failures, trials, delta):
    """Clopper–Pearson judgement of "P(failure) ≤ δ"; a deterministic claim (δ = 0) is refuted by
    any failure and consistent with none (no finite sample can do better)."""
    if delta > 0:
        return stats.judge_probability(failures, trials, delta=delta)
    low, high = stats.clopper_pearson(failures, trials, confidence=0.9)  # one-sided 95% bounds
    return stats.ProbabilityJudgement(failures, trials, 0.0, 0.05, low, high,
                                      "REFUTED" if failures else "CONSISTENT")


def work(instance):
    """Multiply-adds of one instance (``Instance.work``): m·n·d per pass, times steps and seeds."""
    return instance.work
