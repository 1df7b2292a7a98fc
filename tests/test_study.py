"""Studies (``checks.study``): a claim judged on one measurement, through engine, suite, report, CLI.

The study here is a classical observed-order check whose answer is known exactly: the composite
trapezoid rule on ∫₀^π sin x dx = 2 has error π³/(12 N²) + O(N⁻⁴), at most order −2 in the number of
panels N. Its planted variant claims order −4 and must be refuted.
"""

import json

import numpy as np
import pytest

from checks import engine, order, report, stats, suite, theorem
from checks.cli import main
from checks.study import Finding, Plot, Series, Study
from checks.theorem import Citation

PANELS = 2 ** np.arange(3, 11)


def _trapezoid_error(n_panels):
    x = np.linspace(0.0, np.pi, n_panels + 1)
    f = np.sin(x)
    return abs((f[0] / 2 + f[1:-1].sum() + f[-1] / 2) * (np.pi / n_panels) - 2.0)


def _measure(study, mode, profile, seed):
    if mode == "literal":
        return Finding(engine.VACUOUS, "no literal form: the rule is exact only as N → ∞")
    errors = np.array([_trapezoid_error(int(n)) for n in PANELS])
    # One deterministic error per N: the CI is the t-interval of the least-squares slope.
    fit = stats.fit_loglog(PANELS, errors)
    judged = stats.judge_order(fit, expected=study.options["order"])
    state = order.engine_state(judged.state)
    plot = Plot("order", "trapezoid error", "panels N", "error", xscale="log", yscale="log",
                series=(Series("observed", PANELS, errors),))
    return Finding(state, judged.reason, dict(slope=fit.slope, low=fit.low, high=fit.high),
                   (plot,))


TOY = Study(id="toy.trapezoid", title="Trapezoid rule is second order",
            citation=Citation("Atkinson", 1989, "An Introduction to Numerical Analysis", "",
                              "Thm 5.1"),
            fidelity="stated", statement="|T_N − I| = O(N⁻²)", measure=_measure,
            constants=(("order", "−2", "Atkinson (1989), Thm 5.1"),), options=dict(order=-2.0))
PLANTED = TOY.variant("order_4", planted=True, statement="|T_N − I| = O(N⁻⁴) (false)",
                      options=dict(order=-4.0))


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(theorem._REGISTRY, TOY.id, (TOY, (PLANTED,), ()))
    return TOY


def test_check_study_holds_and_planted_is_refuted():
    held = engine.check(TOY, mode="relaxed")
    assert held.state == engine.HOLDS
    assert held.finding.values["slope"] == pytest.approx(-2.0, abs=0.01)
    assert engine.check(PLANTED, mode="relaxed").state == engine.VIOLATED
    assert engine.check(TOY, mode="literal").state == engine.VACUOUS


def test_variant_merges_options():
    assert PLANTED.options == {"order": -4.0}
    assert PLANTED.id == "toy.trapezoid:order_4" and PLANTED.planted_mode == "relaxed"


def test_study_rejects_bad_modes_and_states():
    with pytest.raises(ValueError, match="modes"):
        Study(id="x", title="x", citation=TOY.citation, fidelity="stated", statement="",
              measure=_measure, modes=("ablation",))
    with pytest.raises(ValueError, match="mode must be one of"):
        engine.check(Study(id="x", title="x", citation=TOY.citation, fidelity="stated",
                           statement="", measure=_measure, modes=("relaxed",)), mode="literal")
    odd = TOY.variant("odd", measure=lambda *a: Finding("FINE", "?"))
    with pytest.raises(ValueError, match="verdict state"):
        engine.check(odd, mode="relaxed")


def test_series_lengths_must_agree():
    with pytest.raises(ValueError, match="one length"):
        Series("s", (1, 2), (1,))


def test_suite_report_and_baseline(registered, tmp_path):
    reports = suite.run_suite(ids=[TOY.id])
    assert [r.theorem.id for r in reports] == [TOY.id]
    (r,) = reports
    assert r.verdicts["relaxed"].state == engine.HOLDS and r.planted_refuted
    row = suite.summary_rows(reports)[0]
    assert (row["literal"], row["relaxed"], row["planted"]) == ("VACUOUS", "HOLDS", "1/1")
    files = report.write_report(reports, tmp_path, profile="ci", seed=0)
    page = (tmp_path / f"{report.slug(TOY.id)}.md").read_text()
    assert "slope" in page and "Refuted: 1/1" in page
    assert any(f.name.endswith(".relaxed.order.png") for f in files)
    entry = report.baseline_entry(r)
    assert entry["figures"]["relaxed.slope"]["value"] == pytest.approx(
        r.verdicts["relaxed"].finding.values["slope"])
    report.write_baseline(reports, tmp_path / "baseline.json")
    assert report.compare_baseline(reports, tmp_path / "baseline.json") == []


def test_cli_check_and_refusals(registered, capsys):
    assert main(["check", TOY.id, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["state"] == "HOLDS" and out["values"]["slope"] == pytest.approx(-2.0, abs=0.01)
    assert main(["check", PLANTED.id]) == 1
    assert "VIOLATED" in capsys.readouterr().out
    assert main(["check", TOY.id, "--search"]) == 2
    assert "declares no search space" in capsys.readouterr().err
    assert main(["check", TOY.id, "--mode", "ablation"]) == 2
    assert main(["sweep", TOY.id, "--grid", "m=2^4..2^5", "--grid", "eta=0.1..0.2:2"]) == 2
    assert "is a study" in capsys.readouterr().err


calls = []


def _flaky(study, mode, profile, seed):
    """VIOLATED at base seed 0 only: a refutation that fresh trials do not reproduce."""
    calls.append(seed)
    return Finding(engine.VIOLATED if seed == 0 else engine.HOLDS, f"seed {seed}")


@pytest.mark.parametrize("confirm, expected, measured", [
    (True, engine.INCONCLUSIVE, [0, 1]),     # re-measured on fresh trials, not reproduced
    (False, engine.VIOLATED, [0]),           # the study confirms by itself (or is deterministic)
])
def test_a_violated_study_is_confirmed_on_fresh_trials(confirm, expected, measured):
    calls.clear()
    flaky = TOY.variant("flaky", measure=_flaky, confirm=confirm)
    verdict = engine.check(flaky, mode="relaxed", seed=0)
    assert verdict.state == expected and calls == measured
    if confirm:
        assert "not confirmed on fresh trials (base seed 1" in verdict.reason


def test_a_confirmed_refutation_says_so():
    verdict = engine.check(PLANTED, mode="relaxed")
    assert verdict.state == engine.VIOLATED and "confirmed on fresh trials" in verdict.reason
