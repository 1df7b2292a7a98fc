"""The engine: evidence, verdict states, confirmation, search, stored counterexamples, thresholds."""

from dataclasses import replace
import math

import numpy as np
import pytest

from checks import engine, search
from checks.engine import Profile
from checks.theorem import DataSpec, Instance, envelope_evidence, get

# A small profile for the search tests: few seeds and examples keep them fast while still
# exercising generation, targeting and shrinking.
SMALL = Profile("ci", seeds=8, confirm_seeds=32, search_examples=12, budget=1e9)


class TestEnvelopeEvidence:
    def test_holds_and_margin(self):
        ev = envelope_evidence([1.0, 0.5, 0.2], [1.0, 0.6, 0.4], rtol=1e-9)
        assert ev.holds
        assert ev.score == pytest.approx(math.log(1.0) - math.log1p(1e-9))

    def test_violation_step_and_values(self):
        ev = envelope_evidence([1.0, 0.5, 0.45], [1.0, 0.6, 0.3], rtol=1e-9)
        assert not ev.holds
        assert (ev.step, ev.observed, ev.bound) == (2, 0.45, 0.3)
        assert ev.score == pytest.approx(math.log(1.5) - math.log1p(1e-9))

    def test_nan_is_never_within_bound(self):
        ev = envelope_evidence([1.0, np.nan], [1.0, 1.0], rtol=1e-9)
        assert not ev.holds and ev.score == math.inf

    def test_zero_bound_positive_loss_is_a_violation(self):
        assert not envelope_evidence([1.0, 1e-300], [1.0, 0.0], rtol=1e-9).holds

    def test_relative_tolerance_is_the_only_slack(self):
        assert envelope_evidence([1.0 + 1e-10], [1.0], rtol=1e-9).holds
        assert not envelope_evidence([1.0 + 1e-8], [1.0], rtol=1e-9).holds


def test_same_seed_same_verdict():
    theorem = get("du2019.gd_linear_rate")
    first = engine.check(theorem, mode="relaxed", profile="ci", seed=0).to_dict()
    second = engine.check(theorem, mode="relaxed", profile="ci", seed=0).to_dict()
    first.pop("elapsed")
    second.pop("elapsed")
    assert first == second


def test_literal_out_of_reach_is_vacuous_and_says_why():
    verdict = engine.check(get("du2019.gd_linear_rate"), mode="literal", profile="ci")
    assert verdict.state == engine.VACUOUS
    assert "exceeds the ci budget" in verdict.reason and "m=" in verdict.reason


def test_diverged_runs_are_failures_with_a_note():
    verdict = engine.check(get("du2019.gd_linear_rate:no_step_bound"), mode="ablation",
                           profile="ci")
    assert verdict.state == engine.VIOLATED
    worst = [r.worst for r in verdict.results if r.admissible]
    assert all(w.score > 0 for w in worst)


def test_ablation_needs_a_dropped_hypothesis():
    with pytest.raises(ValueError, match="ablation"):
        engine.check(get("du2019.gd_linear_rate"), mode="ablation")


@pytest.mark.parametrize("bad, match", [(dict(mode="lax"), "mode"),
                                        (dict(profile="quick"), "profile")])
def test_bad_arguments(bad, match):
    with pytest.raises(ValueError, match=match):
        engine.check(get("du2019.gd_linear_rate"), **bad)


def test_unknown_theorem_names_the_known_ones():
    with pytest.raises(KeyError, match="du2019.gd_linear_rate"):
        get("du2019.no_such_theorem")


def test_search_refutes_planted_rate_and_shrinks():
    # Without the corners (which hypothesis runs first and never shrinks), the rate 8× too fast
    # is found by generation and shrunk toward the smallest data set the space allows (n = 3,
    # d = 2): it fails on every instance, so hypothesis can always shrink further.
    theorem = get("du2019.gd_linear_rate:rate_8x")
    theorem = replace(theorem, space=replace(theorem.space, corners=()))
    found = search.search(theorem, mode="relaxed", profile=SMALL)
    assert found.candidate is not None
    assert (found.candidate.data.n, found.candidate.data.d) == (3, 2)
    result, judgement = engine.confirm(theorem, found.candidate, "relaxed", SMALL)
    assert judgement.state == "REFUTED"


def test_search_finds_nothing_against_the_true_theorem():
    theorem = get("du2019.gd_linear_rate")
    found = search.search(theorem, mode="relaxed", profile=SMALL)
    assert found.candidate is None
    assert found.examples == found.ran + found.rejections and found.ran > 0
    assert 0.0 < found.tightest["ratio"] <= 1.0


def test_search_refutes_the_relaxation_without_its_width_floor():
    """Without Lemma 3.1's floor, 1e-7 × n⁶/(λ₀⁴δ³) leaves a handful of neurons at n = 3 or on
    orthonormal inputs, and the search refutes the relaxed claim there: the reason the relaxed
    width never goes below the floor (theorems/du2019.py, relaxed_width)."""
    theorem = get("du2019.gd_linear_rate")
    no_floor = tuple(replace(c, compute=lambda p, c: 0.0) if c.name == "width_floor" else c
                     for c in theorem.constants)
    loose = theorem.variant("no_floor", constants=no_floor)
    found = search.search(loose, mode="relaxed", profile=SMALL)
    assert found.candidate is not None and found.candidate.m <= 16
    _, judgement = engine.confirm(loose, found.candidate, "relaxed", SMALL)
    assert judgement.state == "REFUTED"


def test_counterexample_store_round_trip(tmp_path):
    verdict = engine.check(get("du2019.gd_linear_rate:quarter_too_fast"), mode="relaxed",
                           profile=SMALL)
    path = tmp_path / "counterexamples.json"
    assert search.save_counterexample(verdict, path)
    assert not search.save_counterexample(verdict, path)  # duplicates are skipped
    stored = search.stored_for(verdict.theorem_id, "relaxed", path)
    assert stored == [Instance.from_dict(verdict.counterexample["instance"])]


def test_stored_counterexamples_still_fail():
    """Every counterexample committed to reports/ is replayed and must still be confirmed."""
    for entry in search.load_counterexamples():
        theorem = get(entry["theorem"])
        instance = Instance.from_dict(entry["instance"])
        _, judgement = engine.confirm(theorem, instance, entry["mode"], engine.PROFILES["ci"])
        assert judgement.state == "REFUTED", entry["describe"]


def test_width_threshold_far_below_the_bound():
    theorem = get("du2019.gd_linear_rate")
    inst = Instance(DataSpec("separated_sphere", 6, 4, 0, (("min_angle", 0.6),)), m=64,
                    eta=0.5, steps=80, seeds=tuple(range(8)))
    scan = engine.threshold_scan(theorem, inst, "m", [2, 4, 8, 16, 32, 64, 128, 256],
                                 bound=3.3e10)
    assert scan.failures[0] > 0          # two neurons cannot fit six ±1 labels at this rate
    assert scan.threshold is not None and scan.threshold <= 256
    assert scan.ratio > 1e7


@pytest.mark.parametrize("fails_on, expected", [
    (lambda s: False, engine.HOLDS),                                   # 0/32: CI below δ
    (lambda s: True, engine.VIOLATED),                                 # 32/32, then 64/64 fresh
    (lambda s: s < engine.CONFIRM_SEED_OFFSET, engine.INCONCLUSIVE),   # refuted, not confirmed
])
def test_judge_trials_confirms_refutations_on_fresh_trials(fails_on, expected):
    seen = []

    def trial_fails(seeds):
        seen.append(tuple(seeds))
        return [fails_on(s) for s in seeds]

    state, judgement, confirmation = engine.judge_trials(trial_fails, range(32), range(64),
                                                         delta=0.1)
    assert state == expected
    assert seen[0] == tuple(range(32))
    if expected != engine.HOLDS:
        # The confirmation ran on 64 fresh trials, disjoint from the 32 judged first.
        assert min(seen[1]) >= engine.CONFIRM_SEED_OFFSET and len(seen[1]) == 64
        assert confirmation is not None
