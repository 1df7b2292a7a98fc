"""The report: an index, one page per theorem, figures, and the baseline CI compares against.

``write_report`` turns the suite's ``TheoremReport`` list into Markdown and PNG files under a
directory; ``write_baseline`` / ``compare_baseline`` store and check the verdicts and key figures;
``suite_to_dict`` is the machine-readable form (``gdproofs run --json``).

Layout of a report directory::

    README.md             index: verdict table, legend, profile and seed, fidelity of statements
    <theorem id>.md       one page per theorem
    figures/<id>.evidence.png       each seed's observed/bound, per instance and mode
    figures/<id>.trajectory.png     loss against the theorem's envelope (log scale)
    figures/<id>.threshold_<p>.png  failures/trials against the scanned width or step size
    data/<id>.<mode>.<tightest|counterexample>.{X,y}.npy  the search's tightest instance and any
                          counterexample it found, as arrays
    baseline.json         (``gdproofs run --write-baseline``)

Writes are atomic: the whole report is built in a temporary directory beside the output directory
and moved into place file by file with ``os.replace`` only once all of it exists, so a run that
fails or is interrupted while building leaves the previous report untouched (and no file is ever
half-written: each move is atomic).
"""

import json
import math
import os
from pathlib import Path
import shutil
import tempfile
import textwrap

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from checks import engine, search
from checks.study import Study
from checks.suite import summary_rows

FIDELITY_MARKS = {"stated": "●", "paraphrased": "◐", "reconstructed": "○"}

STATE_LEGEND = {
    engine.HOLDS: "the conclusion held on every admissible instance: the failure rate over the "
                  "seeds is consistent with the claimed probability 1 − δ.",
    engine.VIOLATED: "an instance satisfying the hypotheses (as the mode states them) broke the "
                     "conclusion, confirmed on a fresh, larger set of seeds with a failure rate "
                     "above δ.",
    engine.VACUOUS: "no instance satisfying the hypotheses fits the profile's budget (or none "
                    "satisfies them): nothing was tested.",
    engine.INCONCLUSIVE: "evidence either way is too weak: a failure-rate interval straddles δ, "
                         "or a candidate counterexample was not confirmed.",
}

FIDELITY_LEGEND = {
    "stated": "the statement as the paper states it, constants and all.",
    "paraphrased": "the paper's claim in a form it implies or states in its proof, not verbatim.",
    "reconstructed": "rebuilt from the paper's argument where the statement leaves pieces out.",
}

# Baseline tolerances. States must match exactly. Figures: a run is bit-reproducible on one machine,
# but a baseline committed on one machine is compared on others, where BLAS, LAPACK (the λ₀
# eigenvalue), libm and numba's LLVM target (SIMD width, FMA contraction) may change the last bits
# of sums. The runs behind these figures contract (the loss decreases geometrically), so such
# differences are not amplified much beyond their ~1e-15 origin; 1e-6 leaves ample room for them,
# while a change of code, data or seeds moves these figures far more. Empirical thresholds are grid
# values and move only if a failure count flips.
STATE_RTOL = 0.0
FIGURE_RTOL = 1e-6
TOLERANCE_NOTES = {
    "states": "rtol 0: a verdict state must match exactly",
    "figures": "rtol 1e-6: runs are bit-reproducible on one machine; across machines BLAS, "
               "LAPACK, libm and numba's LLVM target may change the last bits of sums, which the "
               "contracting GD runs do not amplify much; 1e-6 leaves room for that and still "
               "catches any change of code, data or seeds",
}
BASELINE_FORMAT = 1


def slug(theorem_id):
    """A file name for a theorem id (planted ids contain ':')."""
    return theorem_id.replace(":", "--")


# ---------------------------------------------------------------------------------------------
# Numbers and JSON


def _float(value):
    """A float from a number or from the strings "inf"/"nan" that verdict dicts use; else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def jsonable(obj):
    """``obj`` with numpy scalars/arrays as Python values and non-finite floats as strings.

    JSON has no NaN or infinity; ``json.dumps`` would write the non-standard tokens ``NaN`` and
    ``Infinity``. They become "nan", "inf", "-inf", as ``Verdict.to_dict`` already writes them.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else str(value)
    return obj


def dumps(obj, **kwargs):
    return json.dumps(jsonable(obj), sort_keys=True, ensure_ascii=False, **kwargs)


def fmt(value, digits=4):
    """A number for a table: 4 significant digits, "—" for None, inf/nan as such."""
    v = _float(value)
    if v is None:
        return "—" if value is None else str(value)
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    return f"{v:.{digits}g}"


def tightest_ratio(verdict):
    """observed/bound at the run closest to failing (``Verdict.tightest``), or None."""
    t = verdict.tightest
    if not t:
        return None
    observed, bound = _float(t.get("observed")), _float(t.get("bound"))
    if observed is None or bound is None or bound == 0 or not math.isfinite(bound):
        return None
    return observed / bound


def tightness_sentence(threshold):
    """E.g. "the proven width bound is 1.3e+09× larger than needed on this data"."""
    what = "width" if threshold.parameter == "m" else "step-size"
    if threshold.ratio is None:
        if threshold.parameter == "m":
            return (f"failures persisted up to the widest scanned width "
                    f"{fmt(max(threshold.values))}; the proven {what} bound is "
                    f"{fmt(threshold.bound)}")
        return (f"even the smallest scanned step size {fmt(min(threshold.values))} failed; "
                f"the proven {what} bound is {fmt(threshold.bound)}")
    ratio = float(threshold.ratio)
    if threshold.parameter == "m":
        if ratio >= 1:
            return f"the proven width bound is {_times(ratio)} larger than needed on this data"
        return (f"the proven width bound is {_times(1 / ratio)} smaller than the empirical "
                f"threshold on this data")
    if ratio >= 1:
        return (f"step sizes up to {_times(ratio)} the proven bound still held: the bound is "
                f"{_times(ratio)} more cautious than needed on this data")
    return f"the proven step-size bound is {_times(1 / ratio)} larger than what held on this data"


def _times(ratio):
    """1.0e+09× for large factors, 256× for small ones."""
    return f"{ratio:.1e}×" if ratio >= 1e4 else f"{ratio:.3g}×"


# ---------------------------------------------------------------------------------------------
# Figures


def plot_trajectory(trajectory, path, *, title):
    """The loss per step against the theorem's envelope, log y-scale, written as PNG to ``path``."""
    losses = np.asarray(trajectory["losses"], dtype=float)
    envelope = np.asarray(trajectory["envelope"], dtype=float)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    steps = np.arange(losses.shape[0])
    # A zero cannot be drawn on a log scale; matplotlib masks it, which is what we want.
    ax.semilogy(steps, np.where(losses > 0, losses, np.nan), lw=1.5, label="loss L(k)")
    ax.semilogy(np.arange(envelope.shape[0]), np.where(envelope > 0, envelope, np.nan), "--",
                lw=1.2, label="theorem's envelope")
    ax.set_xlabel("step k")
    ax.set_ylabel("loss")
    where = textwrap.fill(f"{trajectory['describe']}; seed {trajectory['seed']}", 110)
    ax.set_title(f"{title}\n{where}", fontsize=7)
    ax.legend(loc="best", fontsize=8)
    fig.savefig(path, format="png", dpi=110)
    return fig


def plot_threshold(threshold, path, *, title):
    """Failures/trials against the scanned values (log x), the theorem's bound marked.

    A bound outside the scanned range (proven widths are often 10⁹× the largest one scanned) is
    drawn as an arrow at the edge of the axes with its value, not as a line far off the plot.
    """
    values = np.asarray(threshold.values, dtype=float)
    rate = np.asarray(threshold.failures, dtype=float) / max(threshold.trials, 1)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.semilogx(values, rate, "o-", label=f"failures / {threshold.trials} seeds")
    ax.set_ylim(-0.05, 1.1)
    lo, hi = values.min() / 1.5, values.max() * 1.5
    ax.set_xlim(lo, hi)
    name = "m" if threshold.parameter == "m" else "η"
    if threshold.threshold is not None:
        ax.axvline(threshold.threshold, color="tab:green", ls=":",
                   label=f"empirical threshold {name} = {threshold.threshold:.3g}")
    bound = float(threshold.bound)
    label = f"theorem's bound {name} {'≥' if name == 'm' else '≤'} {bound:.3g}"
    if lo <= bound <= hi:
        ax.axvline(bound, color="tab:red", ls="--", label=label)
    else:
        right = bound > hi
        ax.annotate(label + " →" if right else "← " + label, xy=(1.0 if right else 0.0, 0.5),
                    xycoords="axes fraction", xytext=(0.62 if right else 0.38, 0.5),
                    textcoords="axes fraction", ha="right" if right else "left", va="center",
                    color="tab:red", fontsize=8,
                    arrowprops=dict(arrowstyle="->", color="tab:red"))
    ax.set_xlabel("width m" if name == "m" else "step size η")
    ax.set_ylabel("failure rate")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left" if threshold.parameter == "eta" else "upper right", fontsize=8)
    fig.savefig(path, format="png", dpi=110)
    return fig


def plot_phase_diagram(records, path, *, title, marks=(), width_bound=None):
    """Failure fraction over a width × step-size grid as a heat map, with the theorem's bounds.

    ``marks`` are (η, label) horizontal lines (e.g. the step bound and 2/λ_max); a width bound
    right of the grid is written at the edge with its value.
    """
    widths = sorted({r["m"] for r in records})
    etas = sorted({r["eta"] for r in records})
    grid = np.full((len(etas), len(widths)), np.nan)
    for r in records:
        grid[etas.index(r["eta"]), widths.index(r["m"])] = r["failures"] / max(r["trials"], 1)
    fig = Figure(figsize=(6.8, 4.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.log2(widths)
    y = np.log10(etas)
    image = ax.pcolormesh(_edges(x), _edges(y), grid, cmap="viridis", vmin=0.0, vmax=1.0,
                          shading="flat")
    fig.colorbar(image, ax=ax, label="fraction of seeds violating the conclusion")
    for eta, label in marks:
        if etas[0] / 2 <= eta <= etas[-1] * 2:
            ax.axhline(np.log10(eta), color="tab:red", ls="--", lw=1)
            ax.text(x[0], np.log10(eta), " " + label, color="tab:red", fontsize=7, va="bottom")
    if width_bound is not None:
        ax.annotate(f"width bound m ≥ {width_bound:.2g} →", xy=(1.0, 0.02),
                    xycoords="axes fraction", ha="right", color="white", fontsize=8)
    ax.set_xticks(x, [f"2^{int(v)}" if float(v).is_integer() else f"{2**v:.0f}" for v in x],
                  fontsize=7)
    ax.set_xlabel("width m")
    ax.set_ylabel("log10 step size η")
    ax.set_title(title, fontsize=9)
    fig.savefig(path, format="png", dpi=110)
    return fig


def _edges(centres):
    """Cell edges halfway between centres (extrapolated at the ends) for pcolormesh."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def plot_evidence(verdicts, path, *, title):
    """Each seed's violation ratio e^score (observed/bound for an upper bound, bound/observed for a
    lower bound: > 1 exactly when the conclusion failed),
    per admissible instance of each mode, on a log scale with the line at 1.

    Every theorem has this figure, also those without an envelope or a threshold scan. A diverged
    run (score +inf) is drawn as a cross at the top of the axes.
    """
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels, top = [], []
    columns = [(mode, k, r) for mode, v in verdicts.items()
               for k, r in enumerate(v.results, 1) if r.admissible]
    for x, (mode, k, result) in enumerate(columns):
        score = np.array([e.score for e in result.evidence], dtype=float)
        jitter = np.linspace(-0.25, 0.25, score.shape[0]) if score.shape[0] > 1 else np.zeros(1)
        finite = np.isfinite(score)
        # exp of a score below −700 underflows to 0, which a log axis cannot show: clip there.
        ax.scatter(x + jitter[finite], np.exp(np.clip(score[finite], -700.0, 700.0)), s=10,
                   color=np.where(score[finite] > 0, "tab:red", "tab:blue"))
        top.append((x + jitter[score == np.inf]))
        labels.append(f"{mode} #{k}\n{result.failures}/{len(result.evidence)} failed")
    ax.set_yscale("log")
    shown = [y for col in ax.collections for y in np.asarray(col.get_offsets())[:, 1]]
    if shown:
        # At least [1/2, 2]: the line at 1 is always visible and a narrow spread is not blown up.
        ax.set_ylim(min(min(shown) / 1.2, 0.5), max(max(shown) * 1.2, 2.0))
    ax.axhline(1.0, color="black", lw=0.8, ls="--", label="observed = bound")
    crosses = np.concatenate(top) if top else np.zeros(0)
    if crosses.size:
        ax.scatter(crosses, np.full(crosses.shape, 1.0), marker="x", color="tab:red",
                   transform=ax.get_xaxis_transform(), clip_on=False, label="diverged")
    ax.set_xticks(range(len(columns)), labels, fontsize=7)
    ax.set_xlim(-0.6, max(len(columns), 1) - 0.4)
    ax.set_ylabel("violation ratio e^score (> 1: failed)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="best", fontsize=8)
    fig.savefig(path, format="png", dpi=110)
    return fig


def plot_study(plot, path):
    """Draw a study's ``Plot``: each series as points/lines (with error bars when it has them)."""
    fig = Figure(figsize=(6.4, 4.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for series in plot.series:
        if series.yerr is not None:
            ax.errorbar(series.x, series.y, yerr=series.yerr, fmt=series.style,
                        label=series.label, ms=4, capsize=2)
        else:
            ax.plot(series.x, series.y, series.style, label=series.label, ms=4)
    ax.set_xscale(plot.xscale)
    ax.set_yscale(plot.yscale)
    ax.set_xlabel(plot.xlabel)
    ax.set_ylabel(plot.ylabel)
    ax.set_title(plot.title, fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    if any(s.label for s in plot.series):
        ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    return fig


def _study_figures(report, figdir):
    out = []
    for mode, verdict in report.verdicts.items():
        for plot in (verdict.finding.plots if verdict.finding is not None else ()):
            name = f"{slug(report.theorem.id)}.{mode}.{plot.name}.png"
            plot_study(plot, figdir / name)
            out.append((plot.caption or plot.title, name))
    return out


def _figures(report, figdir):
    """Draw a theorem's figures into ``figdir``; returns [(caption, file name)]."""
    t = report.theorem
    if isinstance(t, Study):
        return _study_figures(report, figdir)
    out = []
    if any(r.admissible for v in report.verdicts.values() for r in v.results):
        name = f"{slug(t.id)}.evidence.png"
        plot_evidence(report.verdicts, figdir / name,
                      title=f"{t.id}: {t.conclusion.formula}, per seed")
        out.append(("Each seed's violation ratio (above 1: the conclusion failed), per instance",
                    name))
    if report.trajectory is not None:
        name = f"{slug(t.id)}.trajectory.png"
        plot_trajectory(report.trajectory, figdir / name,
                        title=f"{t.id}: loss vs envelope (relaxed run closest to failing)")
        out.append(("Loss against the theorem's envelope, on the relaxed run closest to failing",
                    name))
    for th in report.tightness:
        name = f"{slug(t.id)}.threshold_{th.parameter}.png"
        plot_threshold(th, figdir / name, title=f"{t.id}: empirical threshold vs proven bound "
                                                f"({th.parameter})")
        out.append((f"Failure rate against {'width' if th.parameter == 'm' else 'step size'}, "
                    f"with the theorem's bound", name))
    return out


# ---------------------------------------------------------------------------------------------
# Markdown


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio_cell(row):
    parts = []
    if row["width_ratio"] is not None:
        parts.append(f"width {_times(row['width_ratio'])}")
    if row["step_ratio"] is not None:
        parts.append(f"step {_times(row['step_ratio'])}")
    return ", ".join(parts) or "—"


def is_reproduction(theorem):
    return isinstance(theorem, Study) and theorem.kind == "reproduction"


def _reproductions_markdown(reports):
    """The index's Reproductions section: the papers' own experiments re-run and judged."""
    repro = [r for r in reports if is_reproduction(r.theorem)]
    if not repro:
        return []
    from checks.study import NOT_REPRODUCED
    rows = []
    for r in repro:
        verdicts = ", ".join(f"{mode} {v.state}" for mode, v in r.verdicts.items())
        planted = f"{sum(v.state == engine.VIOLATED for _, v in r.planted)}/{len(r.planted)}"
        rows.append([f"[{r.theorem.id}]({slug(r.theorem.id)}.md)", r.theorem.citation.where,
                     r.theorem.title, verdicts, planted])
    return ["", "## Reproductions", "",
            "The papers' own experiments, re-run and judged: each page gives the experiment as "
            "the paper describes it, our run (the sizes the profile affords, said on the page; "
            "`gdproofs run --profile dev` runs the papers' full sizes), the figure, and a verdict "
            "on each qualitative statement the paper makes of it.", "",
            _table(["reproduction", "paper's figure", "what is judged", "verdict",
                    "planted refuted"], rows), ""] + [
        f"- {paper}: {why}." for paper, why in sorted(NOT_REPRODUCED.items())]


def index_markdown(reports, *, profile, seed):
    claims = [r for r in reports if not is_reproduction(r.theorem)]
    rows = summary_rows(claims)
    out = ["# gdproofs report", "",
           f"Profile **{profile}**, seed **{seed}**. Each theorem is checked *literally* (its "
           f"hypotheses as proven) and *relaxed* (its width/step hypotheses scaled by the factors "
           f"its page lists), and each planted false variant must be refuted. Studies (rates, "
           f"identities, comparisons) are one measurement each; their pages say what their "
           f"literal and relaxed forms are, and — marks a mode a study does not have.", "",
           _table(["theorem", "fidelity", "citation", "literal", "relaxed", "planted refuted",
                   "tightness (bound/needed)", "search"],
                  [[f"[{r['id']}]({slug(r['id'])}.md)",
                    f"{FIDELITY_MARKS[r['fidelity']]} {r['fidelity']}", r["citation"],
                    r["literal"], r["relaxed"], r["planted"], _ratio_cell(r), r["search"]]
                   for r in rows]),
           "", "## Verdicts", ""]
    out += [f"- **{state}**: {text}" for state, text in STATE_LEGEND.items()]
    out += ["", "## Fidelity", ""]
    out += [f"- {FIDELITY_MARKS[f]} **{f}**: {text}" for f, text in FIDELITY_LEGEND.items()]
    out += ["", "Search: hypothesis draws instances from each claim's declared space (data "
            "families, label laws, sizes, widths from the width bound up, step sizes up to the "
            "step bound), rejects those outside the hypotheses or the budget, and steers toward "
            "violations; 'tightest' is the smallest margin (observed/bound) it found. Each page "
            "says what was searched and fixed.", "",
            "Tightness: for widths, the proven bound divided by the smallest width from which "
            "every scanned width held; for step sizes, the largest step size up to which every "
            "one held divided by the proven bound. Both > 1 mean the theorem asks for more than "
            "this data needs.", "", "## Statements by fidelity", ""]
    for fidelity in FIDELITY_MARKS:
        ids = [r.theorem.id for r in claims if r.theorem.fidelity == fidelity]
        out.append(f"- {FIDELITY_MARKS[fidelity]} {fidelity}: "
                   + (", ".join(f"[{i}]({slug(i)}.md)" for i in ids) if ids else "none"))
    out += _reproductions_markdown(reports)
    out.append("")
    return "\n".join(out)


def _constant_rows(theorem, constants):
    known = {c.name: c for c in theorem.constants}
    rows = []
    for name, value in constants.items():
        if name in known:
            rows.append([name, fmt(value, 6), known[name].formula, known[name].source])
        elif name in theorem.unspecified:
            # By convention the paper's O/Ω constants are named C_…; other entries (Arora et
            # al.'s accuracy ε, say) are parameters of the claim that we chose.
            what = ("δ, failure probability" if name == theorem.delta else
                    "unspecified O/Ω constant" if name.startswith("C_") else
                    "parameter of the claim")
            rows.append([name, fmt(value, 6), what, "our choice"])
    return rows


def _verdict_section(theorem, mode, verdict):
    hyp = {h.name: h for h in theorem.hypotheses}
    out = [f"### {mode}: **{verdict.state}**", "", verdict.reason or "(no reason given)", ""]
    if mode != "literal" and verdict.relax:
        out += ["Relax factors per hypothesis kind: "
                + ", ".join(f"{k} × {v:g}" for k, v in sorted(verdict.relax.items())), ""]
    if verdict.counterexample:
        ce = verdict.counterexample
        out += ["Counterexample:", "", f"- instance: {ce['describe']}",
                f"- seed {ce['seed']}, step {ce['step']}: observed {fmt(ce['observed'], 6)} vs "
                f"bound {fmt(ce['bound'], 6)}" + (f" ({ce['note']})" if ce.get("note") else ""),
                f"- failure rate on fresh seeds in [{ce['failure_rate'][0]:.3f}, "
                f"{ce['failure_rate'][1]:.3f}]", ""]
    for k, result in enumerate(verdict.results, 1):
        out += [f"#### {mode} instance {k}", "", result.instance.describe(), "",
                _table(["hypothesis", "formula", "margin", "holds"],
                       [[name, hyp[name].formula if name in hyp else "", fmt(m, 4),
                         "yes" if m >= 1.0 else "**no**"]
                        for name, m in result.margins.items()]), ""]
        if result.admissible:
            out += [f"{result.failures}/{len(result.evidence)} seeds failed; "
                    f"per-instance judgement {result.judgement.state}.", ""]
        else:
            out += [f"Not run: {result.reason}.", ""]
    return out


def search_data_files(report):
    """{relative path: array} for the arrays of each mode's tightest searched instance and of
    any counterexample the search found (``data/<id>.<mode>.<what>.{X,y}.npy``)."""
    out = {}
    for mode, verdict in report.verdicts.items():
        found = verdict.search
        if found is None:
            continue
        for what, instance in (("tightest", found.tightest_instance),
                               ("counterexample", found.candidate)):
            if instance is None:
                continue
            X, y = instance.data.arrays()
            stem = f"data/{slug(report.theorem.id)}.{mode.replace(':', '--')}.{what}"
            out[f"{stem}.X.npy"], out[f"{stem}.y.npy"] = X, y
    return out


def _search_section(report):
    t = report.theorem
    out = ["## Search", ""]
    if not search.searchable(t):
        why = getattr(t, "unsearched", "") or "no reason given"
        return out + [f"Not searched: {why}", ""]
    space = getattr(t, "space", None)
    if space is not None:
        out += ["What the search ranges over (everything else is fixed):", ""]
        out += [f"- {line}" for line in space.describe()] + [""]
    else:
        out += ["Searched with the theorem's own hypothesis strategy.", ""]
    for mode, verdict in report.verdicts.items():
        found = verdict.search
        if found is None:
            out += [f"**{mode}**: " + (verdict.search_note or "not searched") + ".", ""]
            continue
        out += [f"**{mode}**: {found.examples} examples drawn, {found.ran} run "
                f"({found.runs} GD runs), {found.rejections} rejected before any run "
                f"(seed {found.seed}).", ""]
        if found.rejected:
            out += [_table(["rejected because", "count", "first instance"],
                           [[why, str(k), found.rejection_detail.get(why, "")]
                            for why, k in found.rejected.most_common()]), ""]
        stem = f"data/{slug(t.id)}.{mode.replace(':', '--')}"
        if found.candidate is not None:
            out += [f"Failing instance (shrunk; {found.failing_examples} failing examples): "
                    f"{found.candidate.describe()}; arrays: `{stem}.counterexample.X.npy`, "
                    f"`{stem}.counterexample.y.npy`.", ""]
        if found.tightest is not None:
            tt = found.tightest
            comparison = ""
            if search.tighter_than_fixed(verdict):
                comparison = (f" — tighter than every fixed instance (whose closest is "
                              f"{math.exp(verdict.tightest['score']):.6g})")
            elif verdict.tightest is not None:
                comparison = (f" — not tighter than the fixed instances (closest "
                              f"{math.exp(verdict.tightest['score']):.6g})")
            if isinstance(t, Study):
                out += [f"Closest to failing that the search found: margin {tt['ratio']:.6g} "
                        f"(exp of the space's score; 1 is the edge) at {tt['describe']}"
                        f"{comparison}: {tt['reason']}", ""]
            else:
                out += [f"Tightest instance the search found: observed/bound = "
                        f"{tt['ratio']:.6g} at step {tt['step']} (seed {tt['seed']}), "
                        f"{tt['describe']}{comparison}; arrays: `{stem}.tightest.X.npy`, "
                        f"`{stem}.tightest.y.npy`.", ""]
    variants = [(v, verdict) for v, verdict in report.planted if verdict.search is not None
                or verdict.search_note]
    if variants:
        out += [_table(["planted variant", "search"],
                       [[v.id, verdict.search.summary() if verdict.search is not None
                         else verdict.search_note] for v, verdict in variants]), ""]
    return out


def _value_cell(value):
    return fmt(value, 6) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else str(value)


def _planted_section(report):
    out = ["## Planted false variants", ""]
    if not report.planted:
        return out + ["None.", ""]
    out += [_table(["variant", "mode", "verdict", "statement", "reason"],
                   [[v.id, verdict.mode, verdict.state, v.statement, verdict.reason]
                    for v, verdict in report.planted]), ""]
    out += [f"Refuted: {sum(v.state == engine.VIOLATED for _, v in report.planted)}/"
            f"{len(report.planted)}" + ("" if report.planted_refuted else
                                        " — **a planted false variant was not refuted**"), ""]
    return out


def study_markdown(report, figures):
    """The page of a ``Study``: statement, constants, each mode's finding with its numbers."""
    t = report.theorem
    out = [f"# {t.id}: {t.title}", "", "[← index](README.md)", "",
           f"**Fidelity:** {FIDELITY_MARKS[t.fidelity]} {t.fidelity}  ",
           f"**Citation:** {t.citation}", ""]
    if t.kind == "reproduction":
        out += ["## The paper's experiment", "", t.experiment, "",
                "## What is judged", "", t.statement, ""]
    else:
        out += ["## Statement", "", t.statement, ""]
    if t.notes:
        out += [t.notes, ""]
    if t.constants:
        out += ["## Constants", "", _table(["name", "formula", "source"],
                                           [list(c) for c in t.constants]), ""]
    out += ["## Verdicts", ""]
    for mode, verdict in report.verdicts.items():
        out += [f"### {mode}: **{verdict.state}**", "", verdict.reason or "(no reason given)", ""]
        values = verdict.finding.values if verdict.finding is not None else {}
        if values:
            out += [_table(["quantity", "value"],
                           [[k, _value_cell(v)] for k, v in values.items()]), ""]
    out += _planted_section(report)
    out += _search_section(report)
    out += ["## Figures", ""]
    out += [f"![{caption}](figures/{name})\n\n*{caption}.*\n" for caption, name in figures] \
        or ["No figures."]
    out.append("")
    return "\n".join(out)


def theorem_markdown(report, figures):
    t = report.theorem
    if isinstance(t, Study):
        return study_markdown(report, figures)
    delta = f"δ = {t.delta_value:g} (`{t.delta}`)" if t.delta else "deterministic claim (δ = 0)"
    out = [f"# {t.id}: {t.title}", "", "[← index](README.md)", "",
           f"**Fidelity:** {FIDELITY_MARKS[t.fidelity]} {t.fidelity}  ",
           f"**Citation:** {t.citation}", "", "## Statement", "", t.statement, ""]
    if t.notes:
        out += [t.notes, ""]
    out += ["## Conclusion checked", "", f"{t.conclusion.formula} ({t.conclusion.source})", "",
            "## Unspecified constants", "",
            f"The paper's O(·)/Ω(·) constants are not numbers; these values are used. {delta}.", "",
            _table(["name", "value"], [[k, f"{v:g}"] for k, v in t.unspecified.items()]), "",
            "## Hypotheses", "",
            _table(["hypothesis", "kind", "formula", "source", "relaxed factor"],
                   [[h.name, h.kind, h.formula, h.source,
                     f"{t.relax[h.kind]:g}" if h.kind in t.relax else "1"]
                    for h in t.hypotheses]), "",
            "## Constants on each data set", "",
            "Constants depend on the data only, not on m or η: each data set checked is listed "
            "once; the verdicts below give the hypothesis margins of each instance.", ""]
    seen = {}
    for verdict in report.verdicts.values():
        for result in verdict.results:
            seen.setdefault(result.instance.data.describe(), result.constants)
    for describe, constants in seen.items():
        out += [f"**{describe}**", "",
                _table(["constant", "value", "formula", "source"],
                       _constant_rows(t, constants)), ""]
    if not seen:
        out += ["No instance was run (see the verdicts).", ""]
    out += ["## Verdicts", ""]
    for mode, verdict in report.verdicts.items():
        out += _verdict_section(t, mode, verdict)
    out += _planted_section(report)
    out += ["## Tightness", ""]
    if report.tightness:
        out += [_table(["parameter", "scanned", "failures", "empirical threshold",
                        "theorem's bound", "ratio", "reading"],
                       [[th.parameter, ", ".join(fmt(v, 3) for v in th.values),
                         ", ".join(str(f) for f in th.failures) + f" of {th.trials}",
                         fmt(th.threshold), fmt(th.bound), fmt(th.ratio, 3),
                         tightness_sentence(th)] for th in report.tightness]), ""]
    else:
        out += ["No threshold scan (the theorem has no width/step bound to scan against, or no "
                "admissible relaxed instance).", ""]
    relaxed = report.verdicts.get("relaxed")
    ratio = None if relaxed is None else tightest_ratio(relaxed)
    if ratio is not None:
        t_ = relaxed.tightest
        out += [f"Relaxed run closest to failing: observed/bound = {ratio:.6g} at step "
                f"{t_['step']} (seed {t_['seed']}, {t_['describe']}).", ""]
    out += _search_section(report)
    out += ["## Figures", ""]
    out += [f"![{caption}](figures/{name})\n\n*{caption}.*\n" for caption, name in figures] \
        or ["No figures."]
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Atomic writes


def _write_text(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _install(tmp, outdir):
    """Move every file of ``tmp`` to the same relative path under ``outdir`` (os.replace each)."""
    for src in sorted(p for p in tmp.rglob("*") if p.is_file()):
        dst = outdir / src.relative_to(tmp)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)


def _staged(outdir, build):
    """Run ``build(tmpdir)`` in a temporary directory beside ``outdir``, then install its files.

    On any exception the temporary directory is removed and ``outdir`` is left as it was.
    """
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(f"report directory {outdir} exists and is not a directory")
    parent = outdir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".tmp-{outdir.name}-"))
    try:
        result = build(tmp)
        _install(tmp, outdir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _sweeps_markdown(phases):
    """Links to the phase diagrams ``gdproofs sweep`` wrote (kept across runs)."""
    if not phases:
        return ""
    out = ["", "## Phase diagrams", "",
           "Written by `gdproofs sweep` (hypotheses not checked: each cell is the fraction of seeds "
           "whose run broke the conclusion), with the theorem's bounds drawn on them.", ""]
    for path in phases:
        out += [f"![{path.stem}](figures/{path.name})", ""]
    return "\n".join(out)


def _performance_markdown(outdir):
    """A link to the scaling figure ``gdproofs bench --figure`` wrote, when there is one."""
    figure = Path(outdir) / "figures" / "bench.scaling.png"
    if not figure.exists():
        return ""
    return "\n".join(["", "## Performance", "",
                      "Step time against n, d and m, and batched seeds against threads, written "
                      "by `gdproofs bench --figure reports/figures/bench.scaling.png` (the "
                      "measured table and targets: `reports/bench.json`).", "",
                      "![bench.scaling](figures/bench.scaling.png)", ""])


def write_pages(reports, outdir):
    """Write the pages (and figures, search data) of ``reports`` under ``outdir``, no index: a
    check on a user's data adds its page beside the report. Returns the paths written."""
    outdir = Path(outdir)

    def build(tmp):
        (tmp / "figures").mkdir()
        for report in reports:
            _write_page(report, tmp)
        return sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())

    return [outdir / p for p in _staged(outdir, build)]


def _write_page(report, tmp):
    figures = _figures(report, tmp / "figures")
    _write_text(tmp / f"{slug(report.theorem.id)}.md", theorem_markdown(report, figures))
    for name, array in search_data_files(report).items():
        (tmp / name).parent.mkdir(exist_ok=True)
        np.save(tmp / name, array)


def write_report(reports, outdir, *, profile, seed):
    """Write README.md, one page per theorem and the figures under ``outdir``; returns the paths.

    Files of an earlier report that this one does not rewrite (a baseline, counterexamples, pages
    of theorems not checked this time) are kept.
    """
    profile = engine.get_profile(profile).name
    outdir = Path(outdir)

    def build(tmp):
        figdir = tmp / "figures"
        figdir.mkdir()
        phases = sorted((outdir / "figures").glob("*.phase.png"))
        _write_text(tmp / "README.md", index_markdown(reports, profile=profile, seed=seed)
                    + _sweeps_markdown(phases) + _performance_markdown(outdir))
        for report in reports:
            _write_page(report, tmp)
        return sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())

    return [outdir / p for p in _staged(outdir, build)]


# ---------------------------------------------------------------------------------------------
# Baseline


def _state(value):
    return dict(value=value, rtol=STATE_RTOL)


def _figure(value):
    return dict(value=jsonable(None if value is None else float(value)), rtol=FIGURE_RTOL)


def baseline_entry(report):
    """The verdict states and key figures of one theorem, each with its relative tolerance (for a
    study, its findings' numeric values, named "<mode>.<quantity>")."""
    if isinstance(report.theorem, Study):
        figures = {f"{mode}.{name}": _figure(value)
                   for mode, v in report.verdicts.items() if v.finding is not None
                   for name, value in v.finding.values.items()
                   if isinstance(value, (int, float)) and not isinstance(value, bool)}
        return dict(states={mode: _state(v.state) for mode, v in report.verdicts.items()},
                    planted={p.id: _state(v.state) for p, v in report.planted}, figures=figures)
    figures = {"relaxed_tightest_ratio": _figure(tightest_ratio(report.verdicts["relaxed"]))}
    for th in report.tightness:
        figures[f"threshold_{th.parameter}"] = _figure(th.threshold)
        figures[f"ratio_{th.parameter}"] = _figure(th.ratio)
    return dict(
        states={mode: _state(v.state) for mode, v in report.verdicts.items()},
        planted={p.id: _state(v.state) for p, v in report.planted},
        figures=figures,
    )


def write_baseline(reports, path, *, seed=None):
    """Write the baseline JSON to ``path`` atomically; returns the dict written."""
    profiles = sorted({v.profile for r in reports for v in r.verdicts.values()})
    data = dict(format=BASELINE_FORMAT, profile=profiles[0] if len(profiles) == 1 else profiles,
                seed=seed, tolerances=TOLERANCE_NOTES,
                theorems={r.theorem.id: baseline_entry(r) for r in reports})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dumps(data, indent=1) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data


def load_baseline(path):
    """The baseline at ``path``; a named ValueError if it is not one, OSError if unreadable."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"baseline {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("theorems"), dict):
        raise ValueError(f"baseline {path} has no 'theorems' mapping")
    if data.get("format") != BASELINE_FORMAT:
        raise ValueError(f"baseline {path} has format {data.get('format')!r}, expected "
                         f"{BASELINE_FORMAT}")
    for tid, entry in data["theorems"].items():
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), dict) for k in ("states", "planted", "figures")):
            raise ValueError(f"baseline {path}: entry {tid!r} needs 'states', 'planted' and "
                             f"'figures' mappings")
    return data


def _same_figure(old, new, rtol):
    """|new − old| ≤ rtol·|old| for finite values; otherwise both must be the same non-number."""
    a, b = _float(old), _float(new)
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return (old is None and new is None) or (a is not None and b is not None
                                                 and (a == b or (math.isnan(a) and math.isnan(b))))
    return abs(b - a) <= rtol * abs(a)


def _state_change(where, old, new, *, expected):
    why = {engine.HOLDS: "a claim that held no longer holds",
           engine.VIOLATED: "a planted false variant is no longer refuted"}.get(
        old if old == expected else None,
        "verdict changed; rewrite the baseline (--write-baseline) if this is intended")
    return f"{where}: {old} → {new} ({why})"


def compare_baseline(reports, path, *, ids=None):
    """Regressions of ``reports`` against the baseline at ``path``, as readable strings.

    A regression: any verdict state that differs from the baseline (states have tolerance 0; a
    claim that held and no longer holds, or a planted variant no longer refuted, is named as such),
    a figure that moved past its relative tolerance, or a theorem or planted variant of the
    baseline that is missing now. An empty list means the run matches the baseline. With ``ids``,
    only the baseline's entries for those claims are compared (a user's claims, or the claims
    that can run here).
    """
    baseline = load_baseline(path)
    current = {r.theorem.id: baseline_entry(r) for r in reports}
    out = []
    for tid, old in sorted(baseline["theorems"].items()):
        if ids is not None and tid not in ids:
            continue
        new = current.get(tid)
        if new is None:
            out.append(f"{tid}: in the baseline but not checked in this run")
            continue
        for mode, spec in sorted(old["states"].items()):
            now = new["states"].get(mode, {}).get("value", "missing")
            if now != spec["value"]:
                out.append(_state_change(f"{tid} [{mode}]", spec["value"], now,
                                         expected=engine.HOLDS))
        for vid, spec in sorted(old["planted"].items()):
            if vid not in new["planted"]:
                out.append(f"{vid}: planted variant in the baseline but not checked in this run")
            elif new["planted"][vid]["value"] != spec["value"]:
                out.append(_state_change(f"{vid} [planted]", spec["value"],
                                         new["planted"][vid]["value"], expected=engine.VIOLATED))
        for name, spec in sorted(old["figures"].items()):
            now = new["figures"].get(name, {}).get("value")
            rtol = float(spec.get("rtol", FIGURE_RTOL))
            if name not in new["figures"] or not _same_figure(spec.get("value"), now, rtol):
                out.append(f"{tid}: {name} = {fmt(now, 10)}, baseline "
                           f"{fmt(spec.get('value'), 10)} (drifted past rtol {rtol:g})")
    return out


# ---------------------------------------------------------------------------------------------
# JSON


def suite_to_dict(reports):
    """The suite's results as plain JSON-able data: summary rows and each theorem's full record."""
    return jsonable(dict(summary=summary_rows(reports),
                         theorems=[dict(r.to_dict(), baseline=baseline_entry(r))
                                   for r in reports]))


def suite_to_json(reports, **extra):
    """``suite_to_dict`` (with any ``extra`` top-level fields) as sorted JSON text."""
    return dumps({**suite_to_dict(reports), **extra}, indent=1)
