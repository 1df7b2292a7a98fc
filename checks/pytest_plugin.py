"""Claims as pytest items: ``pytest --gdproofs mypkg.claims`` (a pytest11 plugin).

In a user's repository, every claim a named module registers (``checks.theorem.register``)
becomes test items with the library's rules (``judge_case``):

- a claim's relaxed mode must HOLD (its planted false variants aside);
- its literal mode must not be VIOLATED (VACUOUS only for want of budget, which it must say);
- each planted false variant must be refuted (VIOLATED, with a confirmed counterexample);
- with a baseline, no verdict or key figure may have regressed from it.

A failure message carries the verdict's reason, the counterexample (instance, seed, step,
observed vs bound) and the command that replays it. Options: ``--gdproofs MODULE`` (repeatable;
or the ini option ``gdproofs_modules``), ``--gdproofs-profile``, ``--gdproofs-seed``,
``--gdproofs-baseline PATH`` (or ``gdproofs_baseline``). Claims are checked by
``checks.suite.run_suite``, once per claim, with the search over each declared space, exactly as
``gdproofs run`` does; ``tests/test_claims.py`` runs the library's claims through the same
``claim_cases`` and ``judge_case``.
"""

from dataclasses import dataclass
import shlex

import pytest

from checks import engine, report, suite
from checks.study import Study, missing_requirements
from checks.theorem import all_theorems, get, load_module, planted_variants


@dataclass(frozen=True)
class Case:
    """One test item: a rule applied to one verdict of one claim."""

    theorem_id: str
    rule: str           # "relaxed", "literal" or "planted"
    variant_id: str = ""

    @property
    def name(self):
        return f"{self.variant_id or self.theorem_id}[{self.rule}]"


def claim_cases(theorem_ids):
    """The cases of these claims: relaxed and literal where the claim has the mode, each planted
    variant refuted."""
    out = []
    for tid in theorem_ids:
        t = get(tid)
        modes = t.modes if isinstance(t, Study) else ("literal", "relaxed")
        out += [Case(tid, mode) for mode in ("relaxed", "literal") if mode in modes]
        out += [Case(tid, "planted", v.id) for v in planted_variants(tid)]
    return out


class Runner:
    """Runs the suite once per claim (ci profile by default) and keeps the reports."""

    def __init__(self, *, profile="ci", seed=0, modules=()):
        self.profile = engine.get_profile(profile).name
        self.seed = seed
        self.modules = tuple(modules)
        self._reports = {}

    def report(self, theorem_id):
        if theorem_id not in self._reports:
            (self._reports[theorem_id],) = suite.run_suite(profile=self.profile, seed=self.seed,
                                                           ids=[theorem_id])
        return self._reports[theorem_id]

    def replay(self, claim_id, mode):
        return shlex.join(["gdproofs", "check", claim_id, "--mode", mode, "--profile",
                           self.profile, "--seed", str(self.seed)]
                          + [arg for m in self.modules for arg in ("--module", m)])


def judge_case(case, runner):
    """(passed, message) for one case under the library's rules.

    A claim whose optional modules are missing here (``Study.requires``) cannot be measured: each
    of its verdicts, planted ones included, must then say so — INCONCLUSIVE, with "not installed"
    in its reason — rather than hold, be refuted or crash.
    """
    r = runner.report(case.theorem_id)
    missing = missing_requirements(r.theorem)
    if missing:
        (verdict,) = ([v for p, v in r.planted if p.id == case.variant_id]
                      if case.rule == "planted" else [r.verdicts[case.rule]])
        if verdict.state == engine.INCONCLUSIVE and "not installed" in verdict.reason:
            return True, ""
        return False, _message(f"requires {', '.join(missing)} (not installed) but did not say "
                               f"it could not run", case.variant_id or case.theorem_id, verdict,
                               runner)
    if case.rule == "planted":
        (verdict,) = [v for p, v in r.planted if p.id == case.variant_id]
        ok = verdict.state == engine.VIOLATED
        if ok and not isinstance(r.theorem, Study):
            ok = verdict.counterexample is not None and verdict.confirmation.state == "REFUTED"
        what = "planted false variant not refuted"
        claim_id = case.variant_id
    else:
        verdict = r.verdicts[case.rule]
        claim_id = case.theorem_id
        if case.rule == "relaxed":
            ok, what = verdict.state == engine.HOLDS, "relaxed claim does not HOLD"
        else:
            ok = verdict.state in (engine.HOLDS, engine.VACUOUS)
            # VACUOUS only for want of budget (a theorem), or with the study's own reason.
            if ok and verdict.state == engine.VACUOUS:
                ok = (bool(verdict.reason) if isinstance(r.theorem, Study)
                      else "exceeds the" in verdict.reason and "budget" in verdict.reason)
            what = "literal claim VIOLATED (or VACUOUS without a budget reason)"
    if ok:
        return True, ""
    return False, _message(what, claim_id, verdict, runner)


def _message(what, claim_id, verdict, runner):
    lines = [f"{claim_id} [{verdict.mode}]: {what}: {verdict.state}", f"reason: {verdict.reason}"]
    ce = verdict.counterexample
    if ce:
        where = ce.get("describe", "")
        lines.append(f"counterexample: {where}; seed {ce.get('seed')}, step {ce.get('step')}: "
                     f"observed {report.fmt(ce.get('observed'), 6)} vs bound "
                     f"{report.fmt(ce.get('bound'), 6)} (found by the {ce.get('found_by')})")
    lines.append(f"replay: {runner.replay(claim_id, verdict.mode)}")
    return "\n".join(lines)


class ClaimFailure(Exception):
    """A claim broke its rule; the message says how and how to replay it."""


class _Item(pytest.Item):
    """A gdproofs item: marked ``claims``; a failure shows its message alone (no traceback)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_marker(pytest.mark.claims)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return "gdproofs", None, f"gdproofs {self.name}"


class ClaimItem(_Item):
    def __init__(self, *, case, runner, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.runner = runner

    def runtest(self):
        ok, message = judge_case(self.case, self.runner)
        if not ok:
            raise ClaimFailure(message)


class BaselineItem(_Item):
    def __init__(self, *, ids, path, runner, **kwargs):
        super().__init__(**kwargs)
        self.ids, self.path, self.runner = ids, path, runner

    def runtest(self):
        regressions = baseline_regressions(self.ids, self.path, self.runner)
        if regressions:
            raise ClaimFailure(f"regressions against the baseline {self.path}:\n"
                               + "\n".join(regressions))


def baseline_regressions(theorem_ids, path, runner):
    """``report.compare_baseline`` on these claims, against the baseline's entries for them;
    claims whose optional modules are missing here are left out (they cannot run: ``judge_case``
    checks that they say so)."""
    theorem_ids = [tid for tid in theorem_ids if not missing_requirements(get(tid))]
    reports = [runner.report(tid) for tid in theorem_ids]
    return report.compare_baseline(reports, path, ids=set(theorem_ids))


def pytest_addoption(parser):
    group = parser.getgroup("gdproofs", "gdproofs claims as test items")
    group.addoption("--gdproofs", action="append", default=[], metavar="MODULE",
                    help="collect the claims MODULE registers (repeatable)")
    group.addoption("--gdproofs-profile", default=None, choices=sorted(engine.PROFILES),
                    help="profile of the checks (default: ini gdproofs_profile, or ci)")
    group.addoption("--gdproofs-seed", type=int, default=None, help="base seed (default 0)")
    group.addoption("--gdproofs-baseline", default=None, metavar="PATH",
                    help="compare with this baseline JSON (gdproofs run --write-baseline)")
    parser.addini("gdproofs_modules", "modules of claims to collect", type="linelist",
                  default=[])
    parser.addini("gdproofs_profile", "profile of the checks", default="ci")
    parser.addini("gdproofs_baseline", "baseline JSON to compare with", default="")


def pytest_configure(config):
    config.addinivalue_line("markers", "claims: one test item per encoded claim (gdproofs)")


def _modules(config):
    return list(config.getoption("gdproofs")) or list(config.getini("gdproofs_modules"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    modules = _modules(config)
    if not modules:
        return
    all_theorems()
    ids = []
    for name in modules:
        try:
            found = load_module(name)
        except ValueError as exc:
            raise pytest.UsageError(f"--gdproofs: {exc}") from None
        if not found:
            raise pytest.UsageError(f"--gdproofs: module {name!r} registers no claim")
        ids += [i for i in found if i not in ids]
    runner = Runner(profile=config.getoption("gdproofs_profile")
                    or config.getini("gdproofs_profile"),
                    seed=config.getoption("gdproofs_seed") or 0, modules=modules)
    for case in claim_cases(ids):
        items.append(ClaimItem.from_parent(session, name=case.name, case=case, runner=runner))
    baseline = config.getoption("gdproofs_baseline") or config.getini("gdproofs_baseline")
    if baseline:
        items.append(BaselineItem.from_parent(session, name=f"baseline[{baseline}]", ids=ids,
                                              path=baseline, runner=runner))
