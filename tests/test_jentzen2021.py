"""Jentzen & Kröger's reconstructed claim: the relaxed step's cap, found by the search."""

from dataclasses import replace

from checks import engine
from checks.runs import run_instance
from checks.space import Draw
from checks.theorem import DataSpec, get
from theorems import jentzen2021

# The instance the search found at base seed 2 before the cap: inputs of norm ≈ 2, where
# 10 × λ_K/(2n) exceeds the stability limit n/λ_max(K).
LARGE_NORMS = DataSpec("radial", n=4, d=4, seed=50357, options=(("scale", 1.9),
                                                                 ("norm", "gaussian")),
                       label_seed=632)
SEEDS = tuple(range(64))


def _instance(theorem):
    return theorem.space.instance(theorem, "relaxed", Draw(LARGE_NORMS, 1.0, 1.0, SEEDS))


def test_the_relaxed_step_is_capped_at_half_the_stability_limit():
    theorem = get("jentzen2021.linear_rate_v2")
    instance = _instance(theorem)
    result = run_instance(theorem, instance, "relaxed")
    c = result.constants
    assert 10 * c["step_bound"] > c["step_unstable"]          # the uncapped step would oscillate
    assert instance.eta == 0.5 * c["step_unstable"]
    assert result.admissible and result.failures == 0


def test_without_the_cap_the_relaxed_claim_fails_there():
    theorem = get("jentzen2021.linear_rate_v2")
    uncapped = theorem.variant("uncapped", hypotheses=tuple(
        replace(h, margin=lambda p, c, r: r * c["step_bound"] / p.eta) if h.name == "step" else h
        for h in theorem.hypotheses))
    instance = replace(_instance(theorem), eta=10 * run_instance(
        theorem, _instance(theorem), "relaxed").constants["step_bound"])
    result, judgement = engine.confirm(uncapped, instance, "relaxed", engine.get_profile("ci"))
    assert result.admissible and judgement.state == "REFUTED"


def test_literal_steps_are_never_capped():
    c = dict(step_bound=2.0, step_unstable=1.0)
    assert jentzen2021.relaxed_step(c, 1.0) == 2.0 and jentzen2021.relaxed_step(c, 10.0) == 2.0
