"""Counterexample search with hypothesis over a claim's declared space, and the committed store.

The search draws instances from the claim's ``SearchSpace`` (``checks.space``; a hand-written
``Theorem.strategy`` is the escape hatch), rejects before any run those that do not meet the
hypotheses or exceed the profile's budget (counted, with reasons), runs the rest, and steers with
``hypothesis.target`` on the violation score max_k log(observed_k / bound_k): positive is a
violation, and while nothing fails, maximising it finds the *tightest* instance (the smallest
margin). The first failing instance (its failures improbable under δ on its own seeds) is shrunk
by hypothesis to a minimal one. A failing instance is only a *candidate*: the engine confirms it on
fresh seeds (``checks.engine.confirm``) before it calls the theorem VIOLATED.

Every confirmed counterexample is written to ``reports/counterexamples.json`` (committed), and the
engine replays the stored ones for a theorem on every check: a counterexample found once is checked
in CI forever. The JSON store, not hypothesis's example database, is the record: its format does not
change with hypothesis versions.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
import json
import math
import os
from pathlib import Path
import tempfile
import time
import warnings
import zlib

from hypothesis import HealthCheck, Phase, example, given, settings, target
from hypothesis import seed as hypothesis_seed

from checks.runs import _finite_or_str, run_instance
from checks.space import Rejected, describe_params
from checks.theorem import Instance

STORE = Path(__file__).resolve().parent.parent / "reports" / "counterexamples.json"

# A violation score of +inf (a diverged run) is passed to target() as this large finite value.
TARGET_CAP = 1e6
# Once a failure is found, shrinking may run at most one new instance per this many examples of the
# profile's budget (and at least SHRINK_PROBES_MIN): each probe is a batch of GD runs (seconds
# each at the relaxed widths), and a shrunk counterexample needs to be small, not minimal.
SHRINK_EXAMPLES_PER_PROBE = 4
SHRINK_PROBES_MIN = 8


def hypothesis_settings(profile, examples=None):
    """hypothesis settings for a gdproofs profile.

    Every profile is seeded (``search`` passes the seed), so a search is reproducible: the same
    theorem, mode, base seed and shard draw the same examples. No example database (our JSON
    store is the record). Deadlines are off: the first example may pay numba's compile time, and
    GD runs vary in length by design. ``max_examples`` is the profile's ``search_examples``.
    """
    return settings(
        max_examples=profile.search_examples if examples is None else examples,
        derandomize=False,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
    )


class FoundCandidate(Exception):
    """Raised inside the search when an instance fails; carries the instance."""

    def __init__(self, instance, score):
        super().__init__(f"candidate counterexample with violation score {score:.4g}")
        self.instance = instance
        self.score = score


@dataclass(eq=False)
class SearchResult:
    """What a search did: examples drawn, run and rejected (with reasons), the tightest instance
    that held, and the shrunk candidate counterexample if one failed."""

    theorem_id: str
    mode: str
    profile: str
    seed: int
    shard: int = 0
    space: dict | None = None
    examples: int = 0
    ran: int = 0
    runs: int = 0
    rejected: Counter = field(default_factory=Counter)
    rejection_detail: dict = field(default_factory=dict)
    tightest: dict | None = None
    tightest_instance: Instance | None = None
    candidate: Instance | None = None
    candidate_score: float | None = None
    failing_examples: int = 0
    elapsed: float = 0.0

    @property
    def rejections(self):
        return sum(self.rejected.values())

    def summary(self):
        """One sentence: examples, rejections, and the tightest margin found."""
        text = (f"search ({self.profile}, seed {self.seed}"
                + (f", shard {self.shard}" if self.shard else "") + f"): {self.examples} examples "
                f"drawn, {self.ran} run ({self.runs} GD runs), {self.rejections} rejected")
        if self.rejected:
            text += " (" + "; ".join(f"{why}: {k}" for why, k in self.rejected.most_common()) + ")"
        if self.candidate is not None:
            text += (f"; {self.failing_examples} failing, reported (shrunk unless a corner): "
                     f"{_describe(self.candidate)}")
        elif self.tightest is not None:
            text += (f"; worst margin found by search: observed/bound = "
                     f"{self.tightest['ratio']:.4g} at {self.tightest['describe']}")
        return text

    def to_dict(self):
        return dict(
            theorem=self.theorem_id, mode=self.mode, profile=self.profile, seed=self.seed,
            shard=self.shard, space=self.space, examples=self.examples, ran=self.ran,
            runs=self.runs, rejected=dict(self.rejected.most_common()),
            rejection_detail=self.rejection_detail, tightest=self.tightest,
            candidate=None if self.candidate is None else _to_dict(self.candidate),
            candidate_describe=None if self.candidate is None else _describe(self.candidate),
            candidate_score=None if self.candidate_score is None
            else _finite_or_str(self.candidate_score),
            failing_examples=self.failing_examples, elapsed=round(self.elapsed, 3),
            summary=self.summary())


def _to_dict(candidate):
    return dict(candidate) if isinstance(candidate, dict) else candidate.to_dict()


def _describe(candidate):
    return describe_params(candidate) if isinstance(candidate, dict) else candidate.describe()


def tighter_than_fixed(verdict):
    """True when the verdict's search found an instance closer to failing than every fixed one."""
    found, fixed = verdict.search, verdict.tightest
    if found is None or found.tightest is None or fixed is None:
        return False
    score = fixed["score"]
    return isinstance(score, float) and found.tightest["score"] > score


def searchable(theorem):
    """True when the theorem declares a space (or a hand-written strategy) to search."""
    return getattr(theorem, "space", None) is not None or getattr(theorem, "strategy", None) \
        is not None


@contextmanager
def reproducible_draws():
    """Make hypothesis draw the same examples for a seed wherever the search runs.

    hypothesis (6.13x and later) sometimes draws constants harvested from the source of the local
    modules loaded in the process, and caches the usable ones per process on first use; a
    search's examples then depended on what had been imported or searched before it in the same
    process (measured: du2019.gd_linear_rate's ci search ran 43 of 57 examples alone and 41
    inside ``gdproofs run``), and on every edit anywhere in the code. Inside this context the
    harvest is empty and the cache of usable constants starts empty (it is restored after, for
    other hypothesis use in the process). This reaches into hypothesis's internals
    (``hypothesis.internal.conjecture.providers``): if they move, it does nothing and warns.
    """
    try:
        from hypothesis.internal.conjecture import providers

        harvest, cache, empty = (providers._get_local_constants,
                                 providers.CONSTANTS_CACHE.cache, providers.Constants)
    except (ImportError, AttributeError):
        warnings.warn("hypothesis's local-constant harvest was not found: searches may draw "
                      "differently depending on the modules loaded", RuntimeWarning)
        yield
        return
    saved = dict(cache)
    cache.clear()
    providers._get_local_constants = empty
    try:
        yield
    finally:
        providers._get_local_constants = harvest
        cache.clear()
        cache.update(saved)


def search_seed(theorem_id, mode, seed, shard):
    """hypothesis's seed for one search: a fixed function of what is searched, so a search is
    reproducible and shards draw independently."""
    return zlib.crc32(f"{theorem_id}|{mode}|{seed}|{shard}".encode())


def search(theorem, *, mode, profile, seed=0, shard=0):
    """Search ``theorem``'s space in ``mode`` within ``profile``'s example budget.

    Returns a ``SearchResult``; ``result.candidate`` is the shrunk failing instance (to confirm),
    or None. Raises ValueError when the theorem declares nothing to search.
    """
    if not searchable(theorem):
        why = getattr(theorem, "unsearched", "") or "no reason given"
        raise ValueError(f"{theorem.id} declares no search space: {why}")
    if getattr(theorem, "measure", None) is not None:   # a Study
        return search_study(theorem, mode=mode, profile=profile, seed=seed, shard=shard)
    space = getattr(theorem, "space", None)
    strategy = (theorem.strategy(theorem, mode, profile) if theorem.strategy is not None
                else space.strategy(theorem, mode))
    result = SearchResult(theorem.id, mode, profile.name, seed, shard,
                          space=None if space is None else space.to_dict())
    started = time.perf_counter()
    budget = getattr(profile, "example_budget", profile.budget)
    shrink_budget = max(SHRINK_PROBES_MIN, profile.search_examples // SHRINK_EXAMPLES_PER_PROBE)

    def reject(why, detail):
        result.rejected[why] += 1
        result.rejection_detail.setdefault(why, detail)

    def evaluate(instance):
        """The violation score of a drawn instance, or None when it is rejected."""
        result.examples += 1
        if isinstance(instance, Rejected):
            reject(instance.reason, instance.detail)
            return None
        if instance.work > budget:
            reject(f"work above the {profile.name} example budget",
                   f"{instance.describe()}: work {instance.work:.2g} > {budget:.2g}")
            return None
        r = run_instance(theorem, instance, mode)
        if not r.admissible:
            for name, margin in r.margins.items():
                if not margin >= 1.0:
                    reject(f"hypothesis '{name}' not met",
                           f"{instance.describe()}: margin {margin:.3g}")
            return None
        if r.invalid:
            reject("conclusion not evaluable", r.invalid[0][1])
            return None
        result.ran += 1
        result.runs += len(r.evidence)
        w = r.worst
        if r.failures == 0 and (result.tightest is None or w.score > result.tightest["score"]):
            result.tightest_instance = instance
            result.tightest = dict(
                instance=instance.to_dict(), describe=instance.describe(), seed=r.worst_seed,
                step=w.step, score=float(w.score), observed=_finite_or_str(w.observed),
                bound=_finite_or_str(w.bound),
                ratio=math.exp(w.score) if math.isfinite(w.score) else 0.0)
        # A candidate is an example whose failures are already improbable under δ on its own
        # seeds (any failure when δ = 0): at δ = 0.1 one failing seed of four happens a third
        # of the time, and stopping the search there would end it on noise.
        return float(w.score), r.judgement.state == "REFUTED"

    probe = _Probe(evaluate, shrink_budget, key=lambda instance: instance)
    test = given(strategy)(probe.body())
    for corner in () if space is None else space.corner_instances(theorem, mode):
        test = example(corner)(test)
    test = hypothesis_seed(search_seed(theorem.id, mode, seed, shard))(
        hypothesis_settings(profile)(test))
    try:
        with reproducible_draws():
            test()
    except FoundCandidate as found:
        result.candidate = found.instance
        result.candidate_score = found.score
    result.failing_examples = len(probe.failing)
    result.elapsed = time.perf_counter() - started
    return result


class _Probe:
    """The body hypothesis runs on each example: evaluate it once (``evaluate(example) ->
    (score, failed)`` or None for a rejection; results cached by ``key``, so hypothesis's replays
    cost nothing), ``target`` the score, raise ``FoundCandidate`` on a failure. Once a failure
    is found, at most ``shrink_budget`` new examples are evaluated while hypothesis shrinks."""

    def __init__(self, evaluate, shrink_budget, *, key):
        self.evaluate, self.shrink_budget, self.key = evaluate, shrink_budget, key
        self.seen, self.failing, self.spent = {}, set(), 0

    def body(self):
        """A plain function for ``hypothesis.given`` (which needs a function's name and
        signature)."""
        def probe(example):
            self(example)
        return probe

    def __call__(self, example):
        k = self.key(example)
        if k not in self.seen:
            if self.failing and self.spent >= self.shrink_budget:
                return  # the shrinking budget is spent: new examples are not run
            self.spent += bool(self.failing)
            self.seen[k] = self.evaluate(example)
        outcome = self.seen[k]
        if outcome is None:
            return
        score, failed = outcome
        target(min(score, TARGET_CAP), label="violation score")
        if failed:
            self.failing.add(k)
            raise FoundCandidate(example, score)


def search_study(study, *, mode, profile, seed=0, shard=0):
    """Search a study's parameters (``Study.space``, a ``checks.space.StudySpace``): each example
    is the whole measurement at drawn parameters, scored by the space; a VIOLATED finding is the
    candidate (``candidate`` is then the parameters, a dict), confirmed by the engine on fresh
    trials. Few examples per profile (``StudySpace.examples_for``)."""
    space = study.space
    examples = space.examples_for(profile.name)
    result = SearchResult(study.id, mode, profile.name, seed, shard, space=space.to_dict())
    started = time.perf_counter()
    shrink_budget = max(1, examples // SHRINK_EXAMPLES_PER_PROBE)

    def evaluate(params):
        result.examples += 1
        variant = study.variant("search", options=space.options(params))
        finding = variant.measure(variant, mode, profile, seed)
        score = float(space.score(finding, params))
        if math.isnan(score):
            result.rejected["finding not scorable"] += 1
            result.rejection_detail.setdefault("finding not scorable",
                                               f"{describe_params(params)}: {finding.reason}")
            return None
        result.ran += 1
        if finding.state != "VIOLATED" and (result.tightest is None
                                            or score > result.tightest["score"]):
            result.tightest = dict(params=dict(params), describe=describe_params(params),
                                   score=score, reason=finding.reason, step=None, seed=seed,
                                   ratio=math.exp(score) if math.isfinite(score) else 0.0)
        return score, finding.state == "VIOLATED"

    probe = _Probe(evaluate, shrink_budget, key=lambda params: tuple(sorted(params.items())))
    test = hypothesis_seed(search_seed(study.id, mode, seed, shard))(
        hypothesis_settings(profile, examples)(given(space.strategy())(probe.body())))
    try:
        with reproducible_draws():
            test()
    except FoundCandidate as found:
        result.candidate = dict(found.instance)
        result.candidate_score = found.score
    result.failing_examples = len(probe.failing)
    result.elapsed = time.perf_counter() - started
    return result


def load_counterexamples(path=None):
    """The stored counterexamples: a list of dicts with theorem, mode, instance and what failed."""
    path = Path(STORE if path is None else path)
    if not path.exists():
        return []
    with path.open() as fh:
        entries = json.load(fh)
    if not isinstance(entries, list):
        raise ValueError(f"{path} must hold a JSON list of counterexamples")
    return entries


def stored_for(theorem_id, mode, path=None):
    return [Instance.from_dict(e["instance"]) for e in load_counterexamples(path)
            if e["theorem"] == theorem_id and e["mode"] == mode]


def save_counterexample(verdict, path=None):
    """Add a VIOLATED verdict's counterexample to the store (atomically; duplicates skipped)."""
    if verdict.counterexample is None:
        return False
    path = Path(STORE if path is None else path)
    entries = load_counterexamples(path)
    entry = dict(theorem=verdict.theorem_id, mode=verdict.mode, **{
        k: verdict.counterexample[k] for k in ("instance", "describe", "step", "observed",
                                               "bound", "note", "found_by")
        if k in verdict.counterexample})
    if any(e["theorem"] == entry["theorem"] and e["mode"] == entry["mode"]
           and e["instance"] == entry["instance"] for e in entries):
        return False
    entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-counterexamples-")
    with os.fdopen(fd, "w") as fh:
        json.dump(entries, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)
    return True
