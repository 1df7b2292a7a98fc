"""The checking engine: instances → runs → evidence → statistical verdicts, and tightness scans.

A probability claim "the conclusion holds with probability ≥ 1 − δ over the initialisation" is judged
per instance over its seeds (``checks.stats.judge_probability``). A candidate refutation is confirmed
on a fresh, larger, disjoint set of seeds before the verdict says VIOLATED (the multiple-testing
guard of ``checks.stats.confirm_refutation``).
"""

from dataclasses import dataclass, field, replace
import math
import time

from checks import search, stats
from checks.progress import Progress
# InstanceResult and work are re-exported: callers have known them as the engine's.
from checks.runs import InstanceResult, _finite_or_str, judge, run_instance, work  # noqa: F401
from checks.space import describe_params
from checks.study import Study
from checks.theorem import MODES

HOLDS = "HOLDS"
VIOLATED = "VIOLATED"
VACUOUS = "VACUOUS"
INCONCLUSIVE = "INCONCLUSIVE"


@dataclass(frozen=True)
class Profile:
    """How hard to look: seeds per instance, fresh seeds to confirm, search examples, budget.

    ``budget`` caps the work of one instance, counted as m·n·d·(steps + 1)·seeds multiply-adds (an
    instance above it is out of reach and said so); ``search_budget`` caps one search example's
    (default a tenth of ``budget``: a search runs dozens of examples where a check runs two
    instances).
    """

    name: str
    seeds: int
    confirm_seeds: int
    search_examples: int
    budget: float
    search_budget: float | None = None

    @property
    def example_budget(self):
        return self.budget / 10.0 if self.search_budget is None else self.search_budget


# ci: 32 seeds, so that 0 failures support δ = 0.1 at 95% (one-sided Clopper–Pearson upper bound
# 1 − 0.05^{1/32} ≈ 0.089), and 64 fresh seeds to confirm a refutation (16/64 failures already
# put the lower bound at ≈ 0.16 > 0.1); dev/thorough scale up.
# Search examples: ci's 60 draw each data family and label law of a space several times (5
# families × 4 laws in Du et al.'s) after the corners, within about a minute per claim on 2 cores
# at ci's 1e9 per example; hypothesis.target needs on the order of a thousand examples to steer
# (STYLE.md), which dev (400) starts and thorough (2000) gives.
PROFILES = {
    "ci": Profile("ci", seeds=32, confirm_seeds=64, search_examples=60, budget=1e10),
    "dev": Profile("dev", seeds=64, confirm_seeds=256, search_examples=400, budget=1e11),
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
    search: object = None           # checks.search.SearchResult when the check searched
    search_note: str = ""           # why a check asked to search did not
    skipped: list = field(default_factory=list)   # instances out of the budget, with the figures

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
            instances=[r.summary() for r in self.results], skipped=self.skipped,
            search=None if self.search is None else self.search.to_dict(),
            search_note=self.search_note,
        )
        if self.finding is not None:
            out["values"] = {k: _finite_or_str(v) if isinstance(v, (int, float)) else v
                             for k, v in self.finding.values.items()}
        return out


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
        Also search the theorem's declared space (``checks.search``) after the fixed instances,
        unless they or a stored counterexample already refuted it (``verdict.search_note``
        says so); ValueError when the theorem declares nothing to search. Counterexamples stored
        in ``reports/counterexamples.json`` are replayed first in any case.
    """
    if isinstance(theorem, Study):
        return check_study(theorem, mode=mode, profile=profile, seed=seed, do_search=do_search)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "ablation" and theorem.ablation is None:
        raise ValueError(f"mode 'ablation' needs a theorem with a dropped hypothesis; "
                         f"{theorem.id} drops none (use theorem.variant(..., ablation=NAME))")
    profile = get_profile(profile)
    if do_search and not search.searchable(theorem):
        raise ValueError(f"{theorem.id} declares no search space: "
                         f"{theorem.unsearched or 'no reason given'}")
    started = time.perf_counter()
    instances = theorem.instances(theorem, mode, profile, seed)
    verdict = Verdict(theorem.id, INCONCLUSIVE, mode, profile.name, "", dict(theorem.unspecified),
                      dict(theorem.relax), theorem.delta_value, seed=seed)
    out_of_reach = [i for i in instances if i.work > profile.budget]
    runnable = [i for i in instances if i.work <= profile.budget]
    verdict.skipped = [dict(describe=i.describe(), work=i.work, budget=profile.budget)
                       for i in out_of_reach]
    bar = Progress(len(runnable), f"{theorem.id} [{mode}]", enabled=progress)
    confirmed, found_by = {}, {}
    for instance in runnable:
        result = run_instance(theorem, instance, mode, keep_worst=keep_worst)
        verdict.results.append(result)
        found_by[id(result)] = "fixed instance"
        bar.advance()
        # One confirmed counterexample decides the verdict (VIOLATED whatever the other instances
        # show), so a refuted instance is confirmed at once and the remaining ones are not run.
        if result.admissible and result.judgement.state == "REFUTED":
            confirmed[id(result)] = confirm(theorem, instance, mode, profile)
            if confirmed[id(result)][1].state == "REFUTED":
                break
    bar.close()
    candidates = [r for r in verdict.results if r.admissible and r.judgement.state == "REFUTED"]
    refuted = any(j.state == "REFUTED" for _, j in confirmed.values())
    refuted_by = "fixed instance" if refuted else ""
    # Stored counterexamples are replayed and confirmed at once: one that still fails decides the
    # verdict, and the search is then not needed.
    for stored in [] if refuted else search.stored_for(theorem.id, mode):
        replay = run_instance(theorem, stored, mode, keep_worst=keep_worst)
        if replay.admissible and replay.failures:
            candidates.append(replay)
            found_by[id(replay)] = "stored counterexample"
            confirmed[id(replay)] = confirm(theorem, stored, mode, profile)
            if confirmed[id(replay)][1].state == "REFUTED":
                refuted, refuted_by = True, "stored counterexample"
                break
    if do_search and refuted:
        verdict.search_note = f"not run: the claim was already refuted by a {refuted_by}"
    if do_search and not refuted:
        verdict.search = search.search(theorem, mode=mode, profile=profile, seed=seed)
        if verdict.search.candidate is not None:
            found = run_instance(theorem, verdict.search.candidate, mode, keep_worst=keep_worst)
            candidates.append(found)
            found_by[id(found)] = "search"
    finish(verdict, theorem, mode, profile, candidates, out_of_reach, confirmed, found_by)
    verdict.elapsed = time.perf_counter() - started
    return verdict


def check_study(study, *, mode="relaxed", profile="ci", seed=0, do_search=False):
    """The verdict on a ``Study``: its measurement in ``mode``, judged by the study itself.

    The finding's state must be one of the verdict states; its values and plots travel with the
    verdict (``Verdict.finding``) to the report and the baseline. With ``do_search`` a study
    that declares a ``StudySpace`` is also searched (``checks.search.search_study``) unless its
    own measurement is already VIOLATED; a candidate (a VIOLATED finding at drawn parameters) is
    re-measured on fresh trials (base seed + 1) and makes the verdict VIOLATED only if that is
    VIOLATED too.
    """
    if mode not in study.modes:
        raise ValueError(f"mode must be one of {study.id}'s modes {study.modes}, got {mode!r}")
    profile = get_profile(profile)
    if do_search and not search.searchable(study):
        raise ValueError(f"{study.id} declares no search space: "
                         f"{study.unsearched or 'no reason given'}")
    started = time.perf_counter()
    finding = _confirmed_finding(study, mode, profile, seed)
    searched, note, counterexample = None, "", None
    if do_search and finding.state == VIOLATED:
        note = "not run: the study's own measurement is already VIOLATED"
    elif do_search:
        searched = search.search_study(study, mode=mode, profile=profile, seed=seed)
        if searched.candidate is not None:
            variant = study.variant("search", options=study.space.options(searched.candidate))
            again = variant.measure(variant, mode, profile, seed + 1)
            where = describe_params(searched.candidate)
            if again.state == VIOLATED:
                counterexample = dict(params=dict(searched.candidate), describe=where,
                                      found_by="search", reason=again.reason)
                finding = replace(finding, state=VIOLATED, reason=(
                    f"the search found a violation at {where}, confirmed on fresh trials (base "
                    f"seed {seed + 1}): {again.reason}; at the fixed parameters: "
                    f"{finding.reason}"))
            else:
                finding = replace(finding, reason=(
                    f"{finding.reason}; a search candidate at {where} was not confirmed on "
                    f"fresh trials ({again.state}: {again.reason})"))
        finding = replace(finding, reason=f"{finding.reason}; {searched.summary()}")
    verdict = Verdict(study.id, finding.state, mode, profile.name, finding.reason, {}, {}, 0.0,
                      seed=seed, finding=finding, search=searched, search_note=note,
                      counterexample=counterexample, tightest=_study_margin(study, finding))
    verdict.elapsed = time.perf_counter() - started
    return verdict


def _study_margin(study, finding):
    """The study's own measurement scored as its space scores a search example (None when the
    score needs a drawn parameter, or the study has no space): what "tighter than the fixed
    measurement" compares against."""
    if study.space is None:
        return None
    try:
        score = float(study.space.score(finding, {}))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None
    if math.isnan(score):
        return None
    return dict(score=score, describe="the study's own parameters")


def _confirmed_finding(study, mode, profile, seed):
    """The study's measurement at ``seed``; a VIOLATED finding stands only if the measurement
    on fresh trials (base seed + 1) is VIOLATED too (when the study confirms at all)."""
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
    return finding


def _skipped_text(out_of_reach, profile):
    return "; ".join(f"{i.describe()} out of the {profile.name} budget (work {i.work:.2g} > "
                     f"{profile.budget:.2g})" for i in out_of_reach)


def finish(verdict, theorem, mode, profile, candidates, out_of_reach, confirmed=None,
           found_by=None):
    """Turn instance results (and the search's) into the verdict's state and reason.

    ``confirmed`` maps ``id(candidate)`` to a confirmation already made (``confirm``'s result), so
    no candidate is confirmed twice; ``found_by`` maps it to where the candidate came from (a
    fixed instance, a stored counterexample, the search).
    """
    confirmed = confirmed or {}
    found_by = found_by or {}
    admissible = [r for r in verdict.results if r.admissible]
    for candidate in sorted(candidates, key=lambda r: -r.worst.score):
        result, judgement = confirmed.get(id(candidate)) or confirm(
            theorem, candidate.instance, mode, profile)
        if judgement.state == "REFUTED":
            w = candidate.worst
            verdict.state = VIOLATED
            verdict.confirmation = judgement
            source = found_by.get(id(candidate), "fixed instance")
            verdict.counterexample = dict(
                instance=candidate.instance.to_dict(), describe=candidate.instance.describe(),
                seed=candidate.worst_seed, step=w.step, observed=_finite_or_str(w.observed),
                bound=_finite_or_str(w.bound), score=_finite_or_str(w.score), note=w.note,
                failure_rate=[judgement.low, judgement.high], found_by=source)
            what = ("with hypothesis '" + theorem.ablation + "' dropped, "
                    if mode == "ablation" else "")
            verdict.reason = (
                f"{what}the conclusion failed on {candidate.failures}/{len(candidate.evidence)} "
                f"seeds and on {judgement.failures}/{judgement.trials} fresh seeds "
                f"(failure rate in [{judgement.low:.3f}, {judgement.high:.3f}] > "
                f"δ = {theorem.delta_value:g}); worst at step {w.step}: observed "
                f"{w.observed:.6g} vs bound {w.bound:.6g}" + (f" ({w.note})" if w.note else "")
                + f"; found by the {source}")
            if candidate not in verdict.results:
                verdict.results.append(candidate)
            return
    searched = verdict.search
    search_text = "" if searched is None else "; " + searched.summary()
    if not admissible:
        reasons = [f"{i.describe()}: work {i.work:.2g} exceeds the {profile.name} budget "
                   f"{profile.budget:.2g}" for i in out_of_reach]
        reasons += [f"{r.instance.describe()}: {r.reason}" for r in verdict.results]
        verdict.state = VACUOUS
        verdict.reason = ("no instance satisfying the hypotheses within budget" +
                          (": " + "; ".join(reasons[:3]) if reasons else "") + search_text)
        return
    invalid = [why for r in admissible for _, why in r.invalid]
    judged = [r for r in admissible if r.evidence]
    skipped = (f"; skipped: {_skipped_text(out_of_reach, profile)}" if out_of_reach else "")
    if judged:
        worst = max(judged, key=lambda r: r.worst.score)
        w = worst.worst
        verdict.tightest = dict(describe=worst.instance.describe(), seed=worst.worst_seed,
                                step=w.step, score=_finite_or_str(w.score),
                                observed=_finite_or_str(w.observed),
                                bound=_finite_or_str(w.bound))
    states = [r.judgement.state for r in admissible]
    total = sum(len(r.evidence) for r in admissible)
    failures = sum(r.failures for r in admissible)
    if all(s == "CONSISTENT" for s in states):
        verdict.state = HOLDS
        verdict.reason = (f"held on {total - failures}/{total} runs over {len(admissible)} of "
                          f"{len(admissible) + len(out_of_reach)} instances; smallest margin: "
                          f"observed/bound = "
                          f"{math.exp(w.score) if math.isfinite(w.score) else w.score:.4g} "
                          f"(at step {w.step}, {worst.instance.describe()})" + skipped
                          + (f"; {len(candidates)} candidate refutation(s) not confirmed on "
                             f"fresh seeds" if candidates else "") + search_text)
    else:
        verdict.state = INCONCLUSIVE
        diverged = sum(e.diverged for r in admissible for e in r.evidence)
        why = [f"{sum(s == 'INCONCLUSIVE' for s in states)} of {len(states)} instances have a "
               f"failure-rate interval straddling δ = {theorem.delta_value:g} or runs that "
               f"cannot be judged"]
        if invalid:
            why.append(f"{len(invalid)} run(s) not judged: {invalid[0]}")
        if candidates:
            why.append(f"{len(candidates)} candidate refutation(s) not confirmed on fresh seeds")
        if diverged:
            why.append(f"{diverged} diverged run(s)")
        verdict.reason = "; ".join(why) + f" ({failures}/{total} runs failed)" + skipped \
            + search_text


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
