"""The reproductions' pieces (trend, corruption, eigen-mass), their pages and index section, and
the optional data set: without scikit-learn the digits reproduction says so and its items skip.
The verdicts themselves (HOLDS, planted refuted) are judged by tests/test_claims.py."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from checks import engine, report
from checks.pytest_plugin import Case, judge_case
from checks.study import Finding, Study, missing_requirements
from checks.suite import TheoremReport
from theorems import reproductions as R


def test_trend_recovers_a_known_slope_with_its_interval():
    x = np.repeat(np.arange(6.0), 4)
    noise = np.random.default_rng(0).normal(0, 0.01, x.size)
    slope, low, high = R.trend(x, 0.3 * x + 1 + noise)
    assert low < 0.3 < high and high - low < 0.01
    assert_allclose(slope, 0.3, atol=0.005)


@pytest.mark.parametrize("portion, replaced", [(0.0, 0), (0.25, 25), (1.0, 100)])
def test_corrupt_replaces_that_portion_by_random_signs(portion, replaced):
    y = np.ones(100)
    out = R.corrupt(y, portion, seed=3)
    assert out.shape == y.shape and set(np.unique(out)) <= {-1.0, 1.0}
    # a replaced label is a fresh ±1 draw, so about half of them stay +1
    assert np.sum(out == -1.0) <= replaced
    if replaced:
        assert 0.25 * replaced < np.sum(out == -1.0) < 0.75 * replaced
    np.testing.assert_array_equal(R.corrupt(y, portion, seed=3), out)  # reproducible


def test_top_mass_is_the_share_of_y_on_the_top_eigenvectors():
    V = np.eye(4)  # eigenvectors in ascending order of eigenvalue
    y = np.array([1.0, 0.0, 1.0, 1.0])
    assert_allclose(R.top_mass(V, y, 2), 2 / 3)
    assert_allclose(R.top_mass(V, y, 4), 1.0)


def test_a_reproduction_must_describe_the_experiment():
    with pytest.raises(ValueError, match="must describe the paper's experiment"):
        Study(id="x", title="t", citation=R.du2019.cite(""), fidelity="stated", statement="s",
              measure=lambda *a: None, kind="reproduction")
    with pytest.raises(ValueError, match="kind must be one of"):
        Study(id="x", title="t", citation=R.du2019.cite(""), fidelity="stated", statement="s",
              measure=lambda *a: None, kind="experiment")


def test_without_scikit_learn_the_digits_say_so(monkeypatch):
    monkeypatch.setattr(R, "load_digits_pair", lambda: None)
    finding = R.digits.measure(R.digits, "relaxed", engine.get_profile("ci"), 0)
    assert finding.state == engine.INCONCLUSIVE
    assert "scikit-learn is not installed" in finding.reason and R.INSTALL in finding.reason


def _requiring(state, reason, planted_state=None):
    """A stub study requiring an absent module, its report served by a stub runner."""
    def measure(study, mode, profile, seed):
        return Finding(state, reason)

    study = Study(id="needs.absent", title="t", citation=R.du2019.cite(""), fidelity="stated",
                  statement="s", measure=measure, modes=("relaxed",),
                  requires=("no_such_module_gdproofs",))
    planted = study.variant("p", planted=True)
    verdict = engine.check(study, mode="relaxed")
    result = TheoremReport(study, {"relaxed": verdict},
                           [(planted, verdict if planted_state is None else
                             engine.check(planted.variant("q", measure=lambda *a: Finding(
                                 planted_state, "x")), mode="relaxed"))])

    class Runner:
        def report(self, theorem_id):
            return result

        def replay(self, claim_id, mode):
            return "replay"
    return study, planted, Runner()


def test_a_claim_whose_optional_module_is_missing_must_say_it_could_not_run():
    study, planted, runner = _requiring(engine.INCONCLUSIVE, "x is not installed: pip install x")
    assert missing_requirements(study) == ["no_such_module_gdproofs"]
    assert judge_case(Case(study.id, "relaxed"), runner) == (True, "")
    assert judge_case(Case(study.id, "planted", planted.id), runner) == (True, "")
    # A verdict that held (or was refuted) without its module, or that does not say why it could
    # not run, fails the item rather than being skipped.
    for state, reason in ((engine.HOLDS, "x is not installed"), (engine.INCONCLUSIVE, "noise")):
        study, planted, runner = _requiring(state, reason)
        ok, message = judge_case(Case(study.id, "relaxed"), runner)
        assert not ok and "did not say it could not run" in message
    study, planted, runner = _requiring(engine.INCONCLUSIVE, "x is not installed",
                                        planted_state=engine.VIOLATED)
    assert not judge_case(Case(study.id, "planted", planted.id), runner)[0]
    assert missing_requirements(R.digits) in ([], ["sklearn"])


def test_digits_are_two_classes_of_unit_rows():
    pytest.importorskip("sklearn")
    X, y = R.load_digits_pair()
    assert X.shape == (360, 64) and set(np.unique(y)) == {-1.0, 1.0}
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-14)


def test_index_has_a_reproductions_section_and_the_papers_without_experiments(monkeypatch):
    def measure(study, mode, profile, seed):
        return Finding(engine.HOLDS, "stub", dict(v=1.0))

    stub = Study(id="reproduce.stub", title="a stub", citation=R.du2019.cite("§5"),
                 fidelity="stated", statement="judged", measure=measure, kind="reproduction",
                 experiment="the paper's experiment", modes=("relaxed",))
    claim = Study(id="claim.stub", title="a claim", citation=R.du2019.cite("Thm"),
                  fidelity="stated", statement="claimed", measure=measure, modes=("relaxed",))
    reports = [TheoremReport(t, {"relaxed": engine.check(t, mode="relaxed")}, [])
               for t in (stub, claim)]
    index = report.index_markdown(reports, profile="ci", seed=0)
    head, repro = index.split("## Reproductions")
    assert "claim.stub" in head and "reproduce.stub" not in head
    assert "[reproduce.stub](reproduce.stub.md)" in repro and "relaxed HOLDS" in repro
    assert "Safran & Lee 2022: no experiment or figure reported" in repro
    page = report.study_markdown(reports[0], [])
    assert "## The paper's experiment" in page and "## What is judged" in page


def test_a_baseline_comparison_restricted_to_ids_ignores_the_others(tmp_path):
    """Claims that cannot run here (an optional module missing) are left out of the baseline
    comparison by ``ids``; without ``ids`` their absence is a regression."""
    def measure(study, mode, profile, seed):
        return Finding(engine.HOLDS, "stub", dict(v=1.0))

    a, b = (Study(id=f"claim.{k}", title=k, citation=R.du2019.cite(""), fidelity="stated",
                  statement="s", measure=measure, modes=("relaxed",)) for k in "ab")
    reports = [TheoremReport(t, {"relaxed": engine.check(t, mode="relaxed")}, []) for t in (a, b)]
    path = tmp_path / "baseline.json"
    report.write_baseline(reports, path)
    assert report.compare_baseline(reports[:1], path, ids={"claim.a"}) == []
    assert report.compare_baseline(reports[:1], path) == [
        "claim.b: in the baseline but not checked in this run"]
