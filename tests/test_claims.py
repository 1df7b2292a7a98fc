"""The encoded theorems as test items: ``pytest -m claims`` validates every claim.

Each true statement must not be VIOLATED (and, in relaxed mode, must HOLD with the ci profile's
seeds); each planted false variant must be refuted; a literal check may be VACUOUS only because its
proven width is out of the budget, which the verdict must say. The whole suite (the same call as
``gdproofs run``) runs once per theorem and serves every item, and the result is compared with the
committed ``reports/baseline.json``: a claim that held and no longer holds, or a key figure that
drifted past its stated tolerance, fails CI.
"""

from pathlib import Path

import pytest

from checks import engine, report, suite
from checks.study import Study
from checks.theorem import all_theorems, planted_variants

pytestmark = pytest.mark.claims

BASELINE = Path(__file__).resolve().parent.parent / "reports" / "baseline.json"
THEOREMS = all_theorems()
PLANTED = [(t.id, v.id) for t in THEOREMS for v in planted_variants(t.id)]


def _with_mode(mode):
    """Ids of the theorems and studies that have ``mode`` (every theorem has both)."""
    return [t.id for t in THEOREMS if not isinstance(t, Study) or mode in t.modes]
_REPORTS = {}


def report_for(theorem_id):
    """The suite's report for one theorem (ci profile, seed 0, as the baseline was written)."""
    if theorem_id not in _REPORTS:
        (_REPORTS[theorem_id],) = suite.run_suite(profile="ci", seed=0, ids=[theorem_id])
    return _REPORTS[theorem_id]


@pytest.mark.parametrize("theorem_id", _with_mode("relaxed"))
def test_relaxed_claim_holds(theorem_id):
    verdict = report_for(theorem_id).verdicts["relaxed"]
    assert verdict.state == engine.HOLDS, verdict.reason


@pytest.mark.parametrize("theorem_id", _with_mode("literal"))
def test_literal_claim_not_violated(theorem_id):
    r = report_for(theorem_id)
    verdict = r.verdicts["literal"]
    assert verdict.state in (engine.HOLDS, engine.VACUOUS), verdict.reason
    if verdict.state == engine.VACUOUS:
        # A theorem is VACUOUS only for want of budget; a study must say why in its own words.
        assert ("exceeds the ci budget" in verdict.reason if not isinstance(r.theorem, Study)
                else verdict.reason)


@pytest.mark.parametrize("theorem_id, variant_id", PLANTED, ids=[v for _, v in PLANTED])
def test_planted_false_variant_is_refuted(theorem_id, variant_id):
    (verdict,) = [v for p, v in report_for(theorem_id).planted if p.id == variant_id]
    assert verdict.state == engine.VIOLATED, verdict.reason
    if not isinstance(report_for(theorem_id).theorem, Study):
        assert verdict.counterexample is not None
        assert verdict.confirmation.state == "REFUTED"


def test_suite_matches_committed_baseline():
    reports = [report_for(t.id) for t in THEOREMS]
    regressions = report.compare_baseline(reports, BASELINE)
    assert not regressions, "\n".join(regressions)


@pytest.mark.parametrize("theorem_id", [t.id for t in THEOREMS])
def test_every_claim_keeps_a_planted_false_variant(theorem_id):
    """A check that cannot fail is worthless: each true statement has a false twin to refute."""
    assert planted_variants(theorem_id)
