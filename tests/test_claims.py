"""The encoded theorems as test items: ``pytest -m claims`` validates every claim.

The rules are the pytest plugin's (``checks.pytest_plugin``: one code path for the library's
claims and a user's): each true statement must not be VIOLATED (and, in relaxed mode, must HOLD
with the ci profile's seeds); each planted false variant must be refuted; a literal check may be
VACUOUS only because its proven width is out of the budget, which the verdict must say. The whole
suite (the same call as ``gdproofs run``, search included) runs once per theorem and serves every
item, and the result is compared with the committed ``reports/baseline.json``: a claim that held
and no longer holds, or a key figure that drifted past its stated tolerance, fails CI.
"""

from pathlib import Path

import pytest

from checks.pytest_plugin import Runner, baseline_regressions, claim_cases, judge_case
from checks.theorem import all_theorems, module_ids, planted_variants

pytestmark = pytest.mark.claims

BASELINE = Path(__file__).resolve().parent.parent / "reports" / "baseline.json"
THEOREMS = all_theorems()
LIBRARY = module_ids("theorems")
CASES = claim_cases(LIBRARY)
RUNNER = Runner(profile="ci", seed=0)   # as the baseline was written


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_claim(case):
    ok, message = judge_case(case, RUNNER)
    assert ok, message


def test_suite_matches_committed_baseline():
    regressions = baseline_regressions(LIBRARY, BASELINE, RUNNER)
    assert not regressions, "\n".join(regressions)


@pytest.mark.parametrize("theorem_id", [t.id for t in THEOREMS])
def test_every_claim_keeps_a_planted_false_variant(theorem_id):
    """A check that cannot fail is worthless: each true statement has a false twin to refute."""
    assert planted_variants(theorem_id)
