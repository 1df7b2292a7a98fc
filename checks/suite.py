"""The whole job: every registered theorem checked literally and relaxed, its planted false variants
refuted, its tightness measured. ``run_suite`` returns what the report and the baseline are made of.
"""

from dataclasses import dataclass, field
import math
import sys

from checks import engine, search
from checks.study import Study
from checks.theorem import ablation_variants, all_theorems, planted_variants


@dataclass(eq=False)
class TheoremReport:
    """Everything the report says about one theorem."""

    theorem: object
    verdicts: dict                      # "literal", "relaxed", "ablation:<name>" -> Verdict
    planted: list                       # [(variant Theorem, Verdict)]
    tightness: list = field(default_factory=list)   # [engine.Threshold]
    trajectory: dict | None = None      # losses and envelope of the tightest relaxed run

    @property
    def planted_refuted(self):
        return all(v.state == engine.VIOLATED for _, v in self.planted)

    def to_dict(self):
        t = self.theorem
        return dict(
            id=t.id, kind="study" if isinstance(t, Study) else "theorem", title=t.title,
            citation=str(t.citation), fidelity=t.fidelity,
            statement=t.statement,
            verdicts={mode: v.to_dict() for mode, v in self.verdicts.items()},
            planted=[dict(id=p.id, statement=p.statement, mode=v.mode, state=v.state,
                          reason=v.reason) for p, v in self.planted],
            tightness=[th.to_dict() for th in self.tightness],
        )


def planted_mode(variant):
    """A planted variant that drops a hypothesis is checked in ablation mode, others relaxed (a
    study's planted variant in its ``planted_mode``)."""
    if isinstance(variant, Study):
        return variant.planted_mode
    return "ablation" if variant.ablation else "relaxed"


def _trajectory(theorem, verdict):
    """Losses and envelope of the relaxed run closest to failing, for the trajectory figure."""
    results = [r for r in verdict.results if r.admissible and r.worst_outcome is not None]
    if not results or theorem.conclusion.envelope is None:
        return None
    worst = max(results, key=lambda r: r.worst.score)
    outcome = worst.worst_outcome
    if outcome.run.diverged:
        return None
    return dict(losses=outcome.run.losses, envelope=theorem.conclusion.envelope(
        outcome, worst.constants), describe=worst.instance.describe(), seed=outcome.seed)


def tightness(theorem, verdict, profile):
    """Empirical width and step-size thresholds vs the theorem's bounds, on the first instance.

    The bounds are the constants the theorem's "width" and "step" hypotheses name. Widths 2¹…2¹²
    at the relaxed instance's η; step sizes bound·2^j up to 8/λ_max(H∞) (past the divergence
    threshold 2/λ_max) when the theorem computes λ_max, else up to 2¹⁰ × the bound.
    """
    first = next((r for r in verdict.results if r.admissible), None)
    if first is None:
        return []
    c = first.constants
    # Half the profile's seeds (at least 4) per scanned value: a threshold is where failures
    # start, which a handful of seeds shows; the full count would double the suite's time.
    inst = first.instance.with_seeds(first.instance.seeds[: max(4, profile.seeds // 2)])
    bounds = {h.kind: h.bound for h in theorem.hypotheses if h.bound is not None}
    out = []
    if "width" in bounds:
        widths = [2 ** j for j in range(1, 13)]
        out.append(engine.threshold_scan(theorem, inst, "m", widths, bound=c[bounds["width"]]))
    if "step" in bounds:
        step = c[bounds["step"]]
        top = 8.0 / c["lambda_max_inf"] if "lambda_max_inf" in c else step * 2.0 ** 10
        etas = [step * 2.0 ** j for j in range(int(math.ceil(math.log2(top / step))) + 1)]
        out.append(engine.threshold_scan(theorem, inst, "eta", etas, bound=step))
    return out


def run_suite(*, profile="ci", seed=0, ids=None, progress=False, with_tightness=True,
              do_search=True):
    """Check every registered theorem (or those in ``ids``); returns a list of TheoremReport.

    With ``do_search`` (the default) every claim, variant and ablation that declares a search
    space is also searched (``checks.search``) in each mode, within the profile's budget.
    """
    profile = engine.get_profile(profile)
    reports = []
    for theorem in all_theorems():
        if ids is not None and theorem.id not in ids:
            continue
        if isinstance(theorem, Study):
            reports.append(_study_report(theorem, profile, seed, progress, do_search))
            continue
        def searched(t):
            return do_search and search.searchable(t)

        verdicts = {}
        for mode in ("literal", "relaxed"):
            verdicts[mode] = engine.check(theorem, mode=mode, profile=profile, seed=seed,
                                          progress=progress, keep_worst=(mode == "relaxed"),
                                          do_search=searched(theorem))
        for variant in ablation_variants(theorem.id):
            verdicts["ablation:" + variant.id.split(":", 1)[1]] = engine.check(
                variant, mode="ablation", profile=profile, seed=seed, progress=progress,
                do_search=searched(variant))
        planted = [(v, engine.check(v, mode=planted_mode(v), profile=profile, seed=seed,
                                    progress=progress, do_search=searched(v)))
                   for v in planted_variants(theorem.id)]
        report = TheoremReport(theorem, verdicts, planted)
        report.trajectory = _trajectory(theorem, verdicts["relaxed"])
        if with_tightness:
            report.tightness = tightness(theorem, verdicts["relaxed"], profile)
        reports.append(report)
    return reports


def _study_report(study, profile, seed, progress, do_search):
    """A study checked in each of its modes, and its planted variants (searched when the study
    declares a space)."""
    searched = do_search and search.searchable(study)
    verdicts = {}
    for mode in study.modes:
        if progress:
            print(f"{study.id} [{mode}] ...", file=sys.stderr, flush=True)
        verdicts[mode] = engine.check(study, mode=mode, profile=profile, seed=seed,
                                      do_search=searched)
    planted = [(v, engine.check(v, mode=planted_mode(v), profile=profile, seed=seed,
                                do_search=searched))
               for v in planted_variants(study.id)]
    return TheoremReport(study, verdicts, planted)


def summary_rows(reports):
    """One row per theorem for the index table and the baseline."""
    rows = []
    for r in reports:
        rows.append(dict(
            id=r.theorem.id, fidelity=r.theorem.fidelity, citation=r.theorem.citation.where,
            literal=r.verdicts["literal"].state if "literal" in r.verdicts else "—",
            relaxed=r.verdicts["relaxed"].state if "relaxed" in r.verdicts else "—",
            planted=f"{sum(v.state == engine.VIOLATED for _, v in r.planted)}/{len(r.planted)}",
            width_ratio=next((t.ratio for t in r.tightness if t.parameter == "m"), None),
            step_ratio=next((t.ratio for t in r.tightness if t.parameter == "eta"), None),
            search=search_cell(r),
        ))
    return rows


def search_cell(report):
    """The relaxed (or a study's only) search in a few words: examples, rejections, the tightest margin or the
    counterexample; why nothing was searched when the claim has no space."""
    t = report.theorem
    if not search.searchable(t):
        return "not searched"
    # The relaxed search, or a study's only mode (a literal identity).
    verdict = report.verdicts.get("relaxed") or next(iter(report.verdicts.values()), None)
    found = verdict.search if verdict is not None else None
    if found is None:
        return verdict.search_note if verdict is not None and verdict.search_note else "—"
    text = f"{found.examples} examples, {found.rejections} rejected"
    if found.candidate is not None:
        return text + ", candidate found"
    if found.tightest is not None:
        text += f"; tightest {found.tightest['ratio']:.3g}"
        if search.tighter_than_fixed(verdict):
            text += " (tighter than every fixed instance)"
    return text

