"""The ``gdproofs`` command line: list, check, requirements, run, search, sweep, bench.

Usage::

    gdproofs list [--json]
    gdproofs check ID [--mode literal|relaxed|ablation] [--profile ci|dev|thorough] [--seed N]
                      [--search] [--json]
    gdproofs requirements ID --data X.npy [--labels y.npy] [--delta D] [--json]
    gdproofs run [--profile ci] [--seed 0] [--out reports] [--compare PATH] [--write-baseline]
                 [--ids ID ...] [--json]
    gdproofs search ID [--mode M] [--profile P] [--seed N] [--shards K] [--scheduler ADDRESS]
                       [--out reports] [--json]
    gdproofs bench [--size tiny|small|medium|wide|large ...] [--no-peers] [--quick]
                   [--figure PATH] [--json]

Exit status: 0 when every claim checked is consistent (HOLDS, VACUOUS or INCONCLUSIVE) and every
planted false variant is refuted; 1 when a claim is VIOLATED, a planted variant is not refuted, or
``run --compare`` finds a regression; 2 on bad input (unknown id, unreadable or malformed data,
bad option), reported as one line ``gdproofs: error: …`` on standard error.

With ``--json`` standard output carries one JSON document (sorted keys) and nothing else; anything
a library prints while checking goes to standard error. Progress bars are drawn on standard error
only when it is a terminal.
"""

import argparse
import contextlib
import dataclasses
from dataclasses import replace
import math
import os
from pathlib import Path
import sys
import tempfile

import numpy as np

from checks import bench, engine, report, search, shards, suite, sweep
from checks.report import slug
from checks.study import Study
from checks.space import Draw
from checks.theorem import (MODES, Problem, all_theorems, file_spec, get, load_module,
                            module_ids, planted_variants)

PROG = "gdproofs"

# Steps for a literal run: enough for the envelope (1 − ηλ₀/2)^k to fall by e^{-4}, as the
# du2019 instances use (ENVELOPE_DECAY there).
ENVELOPE_DECAY = 4.0
# Hypotheses whose margin depends on the width or the step size: unknown for bare data.
RUN_KINDS = ("width", "step")
# Widths are searched up to 2^1000 (≈ 1e301, near the float range); beyond, the bound is infinite.
MAX_WIDTH_EXPONENT = 1000


class InputError(Exception):
    """Bad input: reported as one line on standard error, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(message)


def _nonnegative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def _positive_int(text):
    value = _nonnegative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _probability(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text}")
    return value


def build_parser():
    parser = _Parser(prog=PROG, description="Theorems about gradient descent on two-layer "
                     "networks, as executable checks with verdicts.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    profiles = sorted(engine.PROFILES)
    # Claims of one's own: modules that register them when imported (checks.theorem.register).
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--module", action="append", default=[], metavar="MODULE",
                     help="import this module of your own claims first (repeatable)")

    p = sub.add_parser("list", parents=[own],
                       help="the theorems, their fidelity, citation and planted variants")
    p.add_argument("--only-module", action="append", default=[], metavar="MODULE",
                   help="list only the claims this module registers (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("check", parents=[own],
                       help="check one theorem (or planted variant 'id:suffix')")
    p.add_argument("id", metavar="ID")
    p.add_argument("--mode", choices=MODES, default=None,
                   help="default: relaxed; for a planted variant, the mode it is refuted in")
    p.add_argument("--profile", choices=profiles, default="ci")
    p.add_argument("--seed", type=_nonnegative_int, default=0)
    p.add_argument("--search", action="store_true",
                   help="also run the hypothesis counterexample search")
    p.add_argument("--data", metavar="X.npy",
                   help="check on your inputs (.npy, .npz[:key] or .csv), shape (n, d)")
    p.add_argument("--labels", metavar="y.npy",
                   help="with --data: your labels, shape (n,); default random ±1 (seed 0)")
    p.add_argument("--out", default="reports",
                   help="with --data: where the page for your data is written (default: reports)")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")

    p = sub.add_parser("requirements", parents=[own],
                       help="the theorem's constants and bounds on your data")
    p.add_argument("id", metavar="ID")
    p.add_argument("--data", required=True, metavar="X.npy", help="inputs, shape (n, d)")
    p.add_argument("--labels", metavar="y.npy", help="labels, shape (n,); default zeros")
    p.add_argument("--delta", type=_probability, help="failure probability δ of the claim")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("run", parents=[own], help="check every theorem and write the report")
    p.add_argument("--only-module", action="append", default=[], metavar="MODULE",
                   help="check only the claims this module registers (it is imported; "
                        "repeatable)")
    p.add_argument("--profile", choices=profiles, default="ci")
    p.add_argument("--seed", type=_nonnegative_int, default=0)
    p.add_argument("--out", default="reports", help="report directory (default: reports)")
    p.add_argument("--compare", metavar="PATH", help="baseline JSON to compare against")
    p.add_argument("--write-baseline", action="store_true",
                   help="write OUT/baseline.json from this run")
    p.add_argument("--ids", nargs="+", metavar="ID", help="check only these theorems")
    p.add_argument("--json", action="store_true", help="print the results as JSON")

    p = sub.add_parser("sweep", parents=[own],
                       help="a width × step-size phase diagram of one theorem")
    p.add_argument("id", metavar="ID")
    p.add_argument("--grid", action="append", required=True, metavar="SPEC",
                   help="'m=2^4..2^14', 'eta=1e-3..1:8' (log-spaced) or 'eta=0.1,0.2'; "
                        "once for m and once for eta")
    p.add_argument("--seeds", type=_positive_int, default=16)
    p.add_argument("--steps", type=_positive_int, default=None,
                   help="steps per run (default: the theorem's first relaxed instance's)")
    p.add_argument("--workers", type=_positive_int, default=1,
                   help="local worker processes (default: 1, this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the cells on this Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                        f"(default: ${sweep.SCHEDULER_ENV} if set; needs the extra "
                        "'distributed')")
    p.add_argument("--out", default="reports", help="report directory (default: reports)")
    p.add_argument("--json", action="store_true", help="print the cells as JSON")
    p = sub.add_parser("search", parents=[own],
                       help="K independently seeded counterexample searches at once")
    p.add_argument("id", metavar="ID")
    p.add_argument("--mode", choices=MODES, default=None,
                   help="default: relaxed; for a planted variant, the mode it is refuted in")
    p.add_argument("--profile", choices=profiles, default="ci")
    p.add_argument("--seed", type=_nonnegative_int, default=0)
    p.add_argument("--shards", type=_positive_int, default=2,
                   help="independent searches (default 2), each a process or a Dask task")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help=f"run the shards on this Dask scheduler (default: "
                        f"${sweep.SCHEDULER_ENV} if set; needs the extra 'distributed')")
    p.add_argument("--out", default="reports",
                   help="report directory whose counterexamples.json receives what is confirmed")
    p.add_argument("--json", action="store_true", help="print the merged result as JSON")
    _add_bench_parser(sub)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except InputError as exc:
        return _fail(exc)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    command = {"list": cmd_list, "check": cmd_check, "requirements": cmd_requirements,
               "run": cmd_run, "sweep": cmd_sweep, "search": cmd_search,
               "bench": cmd_bench}[args.command]
    out = sys.stdout
    try:
        _load_modules(args)
        # With --json, stdout is the JSON document alone: whatever a library prints while
        # checking (hypothesis reports a falsifying example, for one) goes to stderr.
        with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
            status, payload = command(args)
    except InputError as exc:
        return _fail(exc)
    if args.json:
        out.write(report.dumps(payload, indent=1) + "\n")
    else:
        out.write(payload)
    return status


def _load_modules(args):
    """Import the modules of --module and --only-module (each registers its claims), from the
    installed packages or, as ``python -m`` would, the current directory."""
    names = getattr(args, "module", []) + getattr(args, "only_module", [])
    if names and os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    for name in names:
        try:
            load_module(name)
        except ValueError as exc:
            raise InputError(str(exc)) from None


def _only_ids(args):
    """The claim ids of --only-module's modules, or None when not given."""
    if not getattr(args, "only_module", []):
        return None
    ids = [tid for name in args.only_module for tid in module_ids(name)]
    if not ids:
        raise InputError(f"--only-module {', '.join(args.only_module)}: no claim registered")
    return ids


def _fail(exc):
    print(f"{PROG}: error: {exc}", file=sys.stderr)
    return 2


def _theorem(theorem_id):
    try:
        return get(theorem_id)
    except KeyError as exc:
        raise InputError(exc.args[0]) from None


# ---------------------------------------------------------------------------------------------
# list


def cmd_list(args):
    rows = []
    only = _only_ids(args)
    for t in all_theorems():
        if only is not None and t.id not in only:
            continue
        study = isinstance(t, Study)
        space = getattr(t, "space", None)
        rows.append(dict(id=t.id, kind="study" if study else "theorem", title=t.title,
                         fidelity=t.fidelity, citation=str(t.citation), where=t.citation.where,
                         unspecified={} if study else dict(t.unspecified),
                         delta=None if study else t.delta,
                         searchable=search.searchable(t),
                         space=None if space is None else space.to_dict(),
                         unsearched=None if search.searchable(t) else (
                             getattr(t, "unsearched", "") or "no reason given"),
                         planted=[dict(id=v.id, mode=suite.planted_mode(v), statement=v.statement)
                                  for v in planted_variants(t.id)]))
    if args.json:
        return 0, rows
    lines = []
    for r in rows:
        lines.append(f"{r['id']}  {report.FIDELITY_MARKS[r['fidelity']]} {r['fidelity']}  "
                     f"[{r['where']}]")
        lines.append(f"    {r['title']}")
        lines.append(f"    {r['citation']}")
        lines.append("    search: " + ("; ".join(
            f"{k}={v}" for k, v in r["space"].items() if k in ("n", "d", "labels", "width",
                                                               "step")) if r["space"]
            else "strategy" if r["searchable"] else f"none ({r['unsearched']})"))
        for v in r["planted"]:
            lines.append(f"    planted: {v['id']} ({v['mode']})")
    lines.append("")
    lines.append("fidelity: " + ", ".join(f"{m} {f}" for f, m in report.FIDELITY_MARKS.items()))
    return 0, "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# check


def cmd_check(args):
    theorem = _theorem(args.id)
    if isinstance(theorem, Study):
        return _check_study(theorem, args)
    mode = args.mode or (suite.planted_mode(theorem) if theorem.planted else "relaxed")
    if mode == "ablation" and theorem.ablation is None:
        raise InputError(f"mode 'ablation' needs a variant that drops a hypothesis; {theorem.id} "
                         f"drops none (planted ablations: " + ", ".join(
                             v.id for t in all_theorems() for v in planted_variants(t.id)
                             if getattr(v, "ablation", None)) + ")")
    if args.search and not search.searchable(theorem):
        raise InputError(f"--search: {theorem.id} declares no search space: "
                         f"{theorem.unsearched or 'no reason given'}")
    if args.data is not None:
        return _check_on_data(theorem, mode, args)
    if args.labels is not None:
        raise InputError("--labels needs --data (the inputs the labels belong to)")
    verdict = engine.check(theorem, mode=mode, profile=args.profile, seed=args.seed,
                           do_search=args.search, progress=True)
    status = 1 if verdict.state == engine.VIOLATED else 0
    # A counterexample confirmed during a search is kept, and every later check replays it.
    saved = args.search and search.save_counterexample(verdict)
    if args.json:
        return status, dict(verdict.to_dict(), seed=args.seed, saved=bool(saved))
    return status, _verdict_text(theorem, verdict, args.seed) + (
        f"counterexample saved to {search.STORE}\n" if saved else "")


def on_data(theorem, mode, spec, profile):
    """``theorem`` with one instance: the data set ``spec`` at the (relaxed) width and step bounds
    the theorem's own space builds for it (``SearchSpace.instance``), the profile's seeds from the
    base seed; its space fixed to that data set. The id becomes ``ID@<content hash>``, so records
    and pages name the data."""
    if theorem.space is None:
        raise InputError(f"{theorem.id} declares no search space, so it has no rule to build an "
                         f"instance on other data: {theorem.unsearched or 'no reason given'}")

    def instances(t, m, p, seed):
        seeds = tuple(range(seed * 100_000, seed * 100_000 + p.seeds))
        return [theorem.space.instance(theorem, m, Draw(spec, 1.0, 1.0, seeds))]

    try:
        instances(theorem, mode, profile, 0)
    except (ValueError, ArithmeticError) as exc:
        raise InputError(f"{theorem.id}'s constants are undefined on {spec.describe()}: "
                         f"{exc}") from None
    digest = dict(spec.options).get("sha256", "")
    return replace(theorem, id=f"{theorem.id}@{digest}", instances=instances,
                   space=theorem.space.with_data(spec))


def _data_record(spec):
    X = dict(spec.options)
    out = dict(file=X["path"], sha256=X["sha256"], n=spec.n, d=spec.d, labels=spec.labels)
    if spec.labels == "file":
        y = dict(spec.label_options)
        out.update(labels_file=y["path"], labels_sha256=y["sha256"])
    else:
        out.update(label_seed=spec.label_seed)
    return out


def _check_on_data(theorem, mode, args):
    """``check ID --data X [--labels y]``: the theorem on a user's data set, and a page for it."""
    try:
        spec = file_spec(args.data, args.labels)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    profile = engine.get_profile(args.profile)
    target = on_data(theorem, mode, spec, profile)
    out = Path(args.out)
    _check_writable(out, args.out)
    verdict = engine.check(target, mode=mode, profile=profile, seed=args.seed,
                           do_search=args.search, progress=True)
    written = report.write_pages([suite.TheoremReport(target, {mode: verdict}, [])], out)
    page = next(p for p in written if p.suffix == ".md")
    status = 1 if verdict.state == engine.VIOLATED else 0
    record = _data_record(spec)
    if args.json:
        return status, dict(verdict.to_dict(), seed=args.seed, data=record, page=str(page))
    lines = [_verdict_text(target, verdict, args.seed).rstrip("\n"),
             f"data: {record['file']} (n = {spec.n}, d = {spec.d}, sha256 {record['sha256']}); "
             + (f"labels: {record['labels_file']} (sha256 {record['labels_sha256']})"
                if spec.labels == "file" else "labels: random ±1 (seed 0; give --labels for "
                                              "yours)")]
    for r in verdict.results:
        lines.append(f"instance: {r.instance.describe()}")
        lines += [f"  hypothesis {name}: margin {report.fmt(m, 4)} "
                  f"{'holds' if m >= 1.0 else 'FAILS'}" for name, m in r.margins.items()]
    lines.append(f"page: {page}")
    return status, "\n".join(lines) + "\n"


def _check_study(study, args):
    """``check`` on a Study: its measurement in the mode asked (default: its planted mode)."""
    if args.data is not None or args.labels is not None:
        raise InputError(f"--data does not apply to {study.id}: a study measures data of its own "
                         f"design")
    mode = args.mode or study.planted_mode
    if mode not in study.modes:
        raise InputError(f"--mode {mode!r} does not apply to {study.id}, a study with modes "
                         f"{', '.join(study.modes)}")
    if args.search and not search.searchable(study):
        raise InputError(f"--search: {study.id} declares no search space: "
                         f"{study.unsearched or 'no reason given'}")
    verdict = engine.check(study, mode=mode, profile=args.profile, seed=args.seed)
    status = 1 if verdict.state == engine.VIOLATED else 0
    if args.json:
        return status, dict(verdict.to_dict(), seed=args.seed)
    lines = [f"{study.id} [{mode}, profile {verdict.profile}, seed {args.seed}]: "
             f"{verdict.state}", f"  {verdict.reason}"]
    lines += [f"  {k} = {report.fmt(v, 6) if isinstance(v, (int, float)) else v}"
              for k, v in verdict.finding.values.items()]
    lines.append(f"elapsed {verdict.elapsed:.1f} s")
    return status, "\n".join(lines) + "\n"


def _not_a_study(theorem, command):
    if isinstance(theorem, Study):
        raise InputError(f"{command} does not apply to {theorem.id}: it is a study (one "
                         f"measurement over a designed sequence), not a theorem with width and "
                         f"step hypotheses; use 'gdproofs check {theorem.id}'")
    return theorem


def _verdict_text(theorem, verdict, seed):
    lines = [f"{verdict.theorem_id} [{verdict.mode}, profile {verdict.profile}, seed {seed}]: "
             f"{verdict.state}", f"  {verdict.reason}"]
    consts = ", ".join(f"{k} = {v:g}" + (" (δ)" if k == theorem.delta else "")
                       for k, v in verdict.unspecified.items())
    lines.append(f"unspecified O/Ω constants used: {consts or 'none'}")
    if verdict.mode != "literal":
        lines.append("relax factors: " + (", ".join(f"{k} × {v:g}" for k, v in
                                                    sorted(verdict.relax.items())) or "none"))
    if verdict.mode == "ablation":
        lines.append(f"dropped hypothesis: {theorem.ablation}")
    ce = verdict.counterexample
    if ce:
        lines += ["counterexample:", f"  instance: {ce['describe']}",
                  f"  seed {ce['seed']}, step {ce['step']}: observed "
                  f"{report.fmt(ce['observed'], 6)} vs bound {report.fmt(ce['bound'], 6)}"
                  + (f" ({ce['note']})" if ce.get("note") else ""),
                  f"  failure rate on fresh seeds in [{ce['failure_rate'][0]:.3f}, "
                  f"{ce['failure_rate'][1]:.3f}]"]
    if verdict.search is not None:
        lines.append(verdict.search.summary())
    elif verdict.search_note:
        lines.append(f"search {verdict.search_note}")
    lines.append(f"elapsed {verdict.elapsed:.1f} s")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# requirements


def _load_array(path, what):
    try:
        arr = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"{what} file {path!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} file {path!r} is a directory") from None
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{what} file {path!r} is not a readable .npy array: {exc}") from None
    if not isinstance(arr, np.ndarray):
        arr.close()
        raise InputError(f"{what} file {path!r} is an .npz archive; give one .npy array")
    return arr


def _constants(theorem, problem):
    """``theorem.constants_for(problem)``, but a constant undefined on this data (division by a
    λ₀ of exactly 0, overflow) becomes NaN with a note instead of an exception."""
    c, notes = dict(theorem.unspecified), {}
    for constant in theorem.constants:
        try:
            c[constant.name] = float(constant.compute(problem, c))
        except ArithmeticError as exc:
            c[constant.name], notes[constant.name] = math.nan, f"undefined on this data ({exc})"
    return c, notes


def required_width(theorem, problem, c):
    """The smallest width m at which every width hypothesis holds literally (None: there is none).

    Found by doubling and integer bisection on the hypotheses' margins, which grow with m; this
    works whatever the width constant is called. math.inf if no m ≤ 2^1000 suffices.
    """
    widths = [h for h in theorem.hypotheses if h.kind == "width"]
    if not widths:
        return None

    def holds(m):
        p = dataclasses.replace(problem, m=m)
        try:
            return all(h.margin(p, c, 1.0) >= 1.0 for h in widths)
        except ArithmeticError:
            return False

    if holds(1):
        return 1
    hi = 2
    while not holds(hi):
        if hi >= 2 ** MAX_WIDTH_EXPONENT:
            return math.inf
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return hi


def cmd_requirements(args):
    theorem = _not_a_study(_theorem(args.id), "requirements")
    if args.delta is not None:
        if theorem.delta is None:
            raise InputError(f"{theorem.id} makes a deterministic claim: --delta does not apply")
        theorem = theorem.with_constants(**{theorem.delta: args.delta})
    X = _load_array(args.data, "data")
    y = None if args.labels is None else _load_array(args.labels, "labels")
    labels_given = y is not None
    if y is None:
        y = np.zeros(X.shape[0] if X.ndim >= 1 else 0)
    try:
        problem = Problem(X, y)
    except (ValueError, TypeError) as exc:
        where = f"X from {args.data}" + (f", y from {args.labels}" if labels_given else "")
        raise InputError(f"invalid data ({where}): {exc}") from None

    c, notes = _constants(theorem, problem)
    width = required_width(theorem, problem, c)
    step = c.get("step_bound")
    lam = c.get("lambda0")
    steps = None
    if step is not None and lam is not None and step > 0 and lam > 0:
        steps = math.ceil(ENVELOPE_DECAY / (step * lam / 2.0))
    feasibility = {}
    for name, profile in sorted(engine.PROFILES.items(), key=lambda kv: kv[1].budget):
        if width is None:
            feasibility[name] = dict(budget=profile.budget, work=None, feasible=None,
                                     message=f"{name}: the theorem has no width hypothesis")
            continue
        work = float(width) * problem.n * problem.d * ((steps or 0) + 1) * profile.seeds
        ok = work <= profile.budget
        what = f"width bound {float(width):.2g}" + (f", {steps:.2g} steps" if steps else "")
        feasibility[name] = dict(
            budget=profile.budget, work=work, feasible=ok,
            message=(f"{name}: {what}, work {work:.2g} "
                     + (f"within the {name} budget {profile.budget:.2g}: a literal check is "
                        f"feasible" if ok else
                        f"exceeds the {name} budget {profile.budget:.2g}: the literal check is "
                        f"out of reach")))
    hypotheses = []
    for h in theorem.hypotheses:
        if h.kind in RUN_KINDS:
            continue
        try:
            margin = float(h.margin(problem, c, 1.0))
        except ArithmeticError:
            margin = math.nan
        hypotheses.append(dict(name=h.name, formula=h.formula, source=h.source, margin=margin,
                               holds=bool(margin >= 1.0)))
    failing = [h["name"] for h in hypotheses if not h["holds"]]
    known = {k.name: k for k in theorem.constants}
    payload = dict(
        theorem=theorem.id, data=args.data, labels=args.labels, n=problem.n, d=problem.d,
        labels_note=None if labels_given else "no labels given: zeros used",
        unspecified=dict(theorem.unspecified), delta=theorem.delta,
        constants=[dict(name=k.name, value=c[k.name], formula=k.formula, source=k.source,
                        note=notes.get(k.name)) for k in theorem.constants],
        width_bound=width, step_bound=step, steps=steps, literal=feasibility,
        hypotheses=hypotheses, applies=not failing)
    if args.json:
        return 0, payload

    lines = [f"{theorem.id} on {args.data}: n = {problem.n} points in d = {problem.d} dimensions"]
    lines.append(f"labels: {args.labels}" if labels_given else
                 "labels: none given, zeros used (only the data hypotheses and constants that do "
                 "not depend on labels are meaningful)")
    lines.append("unspecified O/Ω constants and δ (our choice; the paper gives none):")
    lines += [f"  {k} = {v:g}" + ("  (δ, failure probability)" if k == theorem.delta else "")
              for k, v in theorem.unspecified.items()]
    lines.append("constants:")
    for name, k in known.items():
        lines.append(f"  {name} = {report.fmt(c[name], 6)}"
                     + (f"  [{notes[name]}]" if name in notes else ""))
        lines.append(f"      {k.formula}  ({k.source})")
    if width is not None:
        lines.append(f"width bound: m ≥ {float(width):.4g} (smallest width meeting the width "
                     f"hypotheses literally)")
    if step is not None:
        lines.append(f"step bound: η ≤ {step:.4g}")
    if steps is not None:
        lines.append(f"steps for the envelope to fall by e^-{ENVELOPE_DECAY:g}: "
                     f"{ENVELOPE_DECAY:g}/(η λ₀/2) ≈ {steps:.3g}")
    lines.append("literal check (work ≈ m·n·d·(steps+1)·seeds per profile):")
    lines += [f"  {f['message']}" for f in feasibility.values()]
    lines.append("data hypotheses (margin ≥ 1 means it holds; width and step need m and η):")
    for h in hypotheses:
        lines.append(f"  {h['name']}: margin {report.fmt(h['margin'], 4)} "
                     f"{'holds' if h['holds'] else 'FAILS'}   {h['formula']}  ({h['source']})")
    if failing:
        lines.append(f"the data fail {', '.join(failing)}: the theorem says nothing about them, "
                     f"and the bounds above are meaningless")
    return 0, "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# run


def _run_failures(reports):
    """Claims VIOLATED and planted variants not refuted: each makes ``run`` exit 1."""
    out = []
    for r in reports:
        for mode, v in r.verdicts.items():
            if v.state == engine.VIOLATED:
                out.append(f"{r.theorem.id} [{mode}]: VIOLATED: {v.reason}")
        for variant, v in r.planted:
            if v.state != engine.VIOLATED:
                out.append(f"{variant.id} [planted, {v.mode}]: {v.state}, not refuted: "
                           f"{v.reason}")
    return out


def _check_writable(out, given):
    """Fail before any work when the report directory cannot be written: a file is created and
    removed in it, or (when it does not exist yet) in its nearest existing parent, which the
    report would create it in. Nothing is left behind."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {given!r} exists and is not a directory")
    existing = out.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"--out {given!r}: {existing} is not a directory")
    try:
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".tmp-writable-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"--out {given!r} is not writable ({existing}: {exc.strerror})") \
            from None


def _save_counterexamples(reports, path):
    """Every confirmed counterexample of the run (claims, planted variants, ablations) into the
    store at ``path``; returns how many were new."""
    verdicts = [v for r in reports for v in r.verdicts.values()]
    verdicts += [v for r in reports for _, v in r.planted]
    return sum(search.save_counterexample(v, path) for v in verdicts
               if v.state == engine.VIOLATED and v.counterexample is not None)


def cmd_run(args):
    ids = None
    if args.ids:
        for theorem_id in args.ids:
            theorem = _theorem(theorem_id)
            if theorem.planted:
                raise InputError(f"--ids takes theorem ids, not planted variants ({theorem_id}); "
                                 f"a theorem's variants are checked with it")
        ids = list(dict.fromkeys(args.ids))
    only = _only_ids(args)
    if only is not None:
        ids = [i for i in (ids or only) if i in only]
    if args.compare is not None:
        try:
            report.load_baseline(args.compare)
        except FileNotFoundError:
            raise InputError(f"baseline {args.compare!r} does not exist") from None
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot use baseline {args.compare!r}: {exc}") from None
    out = Path(args.out)
    _check_writable(out, args.out)

    reports = suite.run_suite(profile=args.profile, seed=args.seed, ids=ids, progress=True)
    files = report.write_report(reports, out, profile=args.profile, seed=args.seed)
    saved = _save_counterexamples(reports, out / "counterexamples.json")
    if saved:
        files.append(out / "counterexamples.json")
    regressions = report.compare_baseline(reports, args.compare) if args.compare else []
    if args.write_baseline:
        report.write_baseline(reports, out / "baseline.json", seed=args.seed)
        files.append(out / "baseline.json")
    failures = _run_failures(reports)
    status = 1 if failures or regressions else 0
    if args.json:
        return status, dict(report.suite_to_dict(reports), profile=args.profile, seed=args.seed,
                            out=str(out), files=[str(f) for f in files],
                            counterexamples_saved=saved,
                            regressions=regressions, failures=failures, status=status)
    lines = [f"{r['id']}: literal {r['literal']}, relaxed {r['relaxed']}, planted refuted "
             f"{r['planted']}" for r in suite.summary_rows(reports)]
    lines.append(f"report: {out / 'README.md'} ({len(files)} files)")
    if saved:
        lines.append(f"{saved} new counterexample(s) saved to {out / 'counterexamples.json'}")
    if args.write_baseline:
        lines.append(f"baseline written: {out / 'baseline.json'}")
    lines += [f"FAILED: {f}" for f in failures]
    if args.compare:
        lines += [f"REGRESSION: {r}" for r in regressions] or \
                 [f"no regression against {args.compare}"]
    return status, "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# search


def cmd_search(args):
    """K shards of one claim's search; confirmed counterexamples go into OUT/counterexamples.json.
    Exit 1 when one is confirmed (the claim is VIOLATED; expected for a planted variant) or a
    shard died, else 0."""
    theorem = _theorem(args.id)
    if not search.searchable(theorem):
        raise InputError(f"{theorem.id} declares no search space: "
                         f"{getattr(theorem, 'unsearched', '') or 'no reason given'}")
    mode = args.mode or (suite.planted_mode(theorem) if theorem.planted else "relaxed")
    out = Path(args.out)
    _check_writable(out, args.out)
    scheduler = args.scheduler or os.environ.get(sweep.SCHEDULER_ENV) or None
    try:
        merged = shards.search_shards(theorem, mode=mode, profile=args.profile, seed=args.seed,
                                      shards=args.shards, scheduler=scheduler,
                                      store=out / "counterexamples.json", modules=args.module)
    except sweep.SchedulerError as exc:
        raise InputError(f"--scheduler {scheduler}: {exc}") from None
    status = 1 if merged.confirmed or merged.errors else 0
    if args.json:
        return status, merged.to_dict()
    lines = [f"{theorem.id} [{mode}, profile {args.profile}, seed {args.seed}]: "
             f"{len(merged.shards)}/{args.shards} shards finished"]
    lines += [f"  {s['summary']}" for s in merged.shards]
    lines += [f"  shard {k} died: {e}" for k, e in merged.errors]
    tightest = merged.tightest
    if tightest is not None:
        lines.append(f"tightest over all shards: observed/bound = {tightest['ratio']:.4g} at "
                     f"{tightest['describe']}")
    lines += [f"CONFIRMED counterexample (shard {c['shard']}): {c['describe']}, failure rate "
              f"in [{c['failure_rate'][0]:.3f}, {c['failure_rate'][1]:.3f}]"
              for c in merged.confirmed]
    lines += [f"candidate not confirmed on fresh seeds (shard {c['shard']}): {c['describe']}"
              for c in merged.unconfirmed]
    if merged.saved:
        lines.append(f"{merged.saved} saved to {out / 'counterexamples.json'}")
    return status, "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# sweep


def cmd_sweep(args):
    """Fill the sweep's store, then draw its phase diagram from the store's finished cells.

    Exit status 1 when some cell ended in an error (recorded in the store; re-running the same
    command retries those cells and skips the finished ones), else 0.
    """
    theorem = _not_a_study(_theorem(args.id), "sweep")
    scheduler = args.scheduler or os.environ.get(sweep.SCHEDULER_ENV) or None
    if scheduler and args.workers > 1:
        raise InputError(f"--workers is for local processes; with a Dask scheduler ({scheduler}, "
                         f"from --scheduler or ${sweep.SCHEDULER_ENV}) its workers run the cells")
    grid = {}
    for spec in args.grid:
        try:
            name, values = sweep.parse_grid(spec)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        grid[name] = values
    if set(grid) != {"m", "eta"}:
        raise InputError(f"--grid must be given once for m and once for eta, got {sorted(grid)}")
    (first, *_) = theorem.instances(theorem, "relaxed", engine.get_profile("ci"), 0)
    base = replace(first, seeds=tuple(range(args.seeds)),
                   steps=args.steps if args.steps is not None else first.steps)
    out = Path(args.out)
    store = out / "sweeps" / f"{slug(theorem.id)}.jsonl"
    try:
        records = sweep.sweep(theorem, base, grid, store=store, workers=args.workers,
                              scheduler=scheduler, progress=True)
    except sweep.SchedulerError as exc:
        raise InputError(f"--scheduler {scheduler}: {exc}") from None
    ok = [r for r in records if sweep.finished(r)]
    errors = len(records) - len(ok)
    figure = None
    if ok:  # error cells are left blank; with no finished cell there is nothing to draw
        figure = out / "figures" / f"{slug(theorem.id)}.phase.png"
        c = theorem.constants_for(Problem(*base.data.arrays()))
        bounds = {h.kind: c[h.bound] for h in theorem.hypotheses if h.bound is not None}
        marks = [(bounds["step"], "theorem's step bound")] if "step" in bounds else []
        if "lambda_max_inf" in c:
            marks.append((2.0 / c["lambda_max_inf"], "2/λ_max(H∞)"))
        figure.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=figure.parent, prefix=".tmp-phase-", suffix=".png")
        os.close(fd)
        try:
            report.plot_phase_diagram(ok, tmp, title=f"{theorem.id}\n{base.data.describe()}, "
                                      f"{args.seeds} seeds, {base.steps} steps",
                                      marks=marks, width_bound=bounds.get("width"))
            os.replace(tmp, figure)
        finally:
            Path(tmp).unlink(missing_ok=True)
    status = 1 if errors else 0
    if args.json:
        return status, dict(theorem=theorem.id, store=str(store),
                            figure=None if figure is None else str(figure), cells=records)
    lines = [f"{r['m']:>7d} {r['eta']:<10.4g} error: {r['error']}" if "error" in r else
             f"{r['m']:>7d} {r['eta']:<10.4g} {r['failures']}/{r['trials']} failed"
             + (f" ({r['diverged']} diverged)" if r["diverged"] else "") for r in records]
    lines.append(f"store: {store}")
    if figure is not None:
        lines.append(f"figure: {figure}")
    if errors:
        lines.append(f"{errors} of {len(records)} cells ended in an error (kept in the store); "
                     "re-run the same command to retry them")
    return status, "\n".join(lines) + "\n"



# ---------------------------------------------------------------------------------------------
# bench


def _add_bench_parser(subparsers):
    """Add the ``bench`` subcommand (``checks.bench`` measures) to ``subparsers``."""
    p = subparsers.add_parser("bench", help="time gdproofs' GD against numpy, torch and jax")
    p.add_argument("--size", action="append", choices=list(bench.SIZES), metavar="SIZE",
                   help=f"one of {', '.join(bench.SIZES)}; repeatable (default: all)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--no-peers", action="store_true", help="time gdproofs alone")
    p.add_argument("--quick", action="store_true",
                   help="one short repeat per figure: checks that it runs, figures not meaningful")
    p.add_argument("--figure", metavar="PATH", help="write the scaling figure (PNG) to PATH")
    return p


def cmd_bench(args):
    """``gdproofs bench``: time gdproofs' GD against its peers (``checks.bench.run_bench``).

    Raises ``InputError`` for a bad ``--figure`` before anything is measured.
    """
    figure = None
    if args.figure is not None:
        figure = Path(args.figure)
        if figure.suffix.lower() != ".png":
            raise InputError(f"--figure must name a .png file, got {args.figure!r}")
        if figure.is_dir():
            raise InputError(f"--figure {args.figure!r} is a directory")
        if figure.parent.exists() and not figure.parent.is_dir():
            raise InputError(f"--figure {args.figure!r}: {str(figure.parent)!r} is not a "
                                 f"directory")
    # Progress on standard error only when it is a terminal, as the other commands draw theirs.
    log = (lambda line: print(f"bench: {line}", file=sys.stderr, flush=True)) \
        if sys.stderr.isatty() else None
    result = bench.run_bench(sizes=args.size, peers=not args.no_peers, quick=args.quick, log=log)
    if figure is not None:
        figure.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its destination and moved into place: never a half-written figure.
        fd, tmp = tempfile.mkstemp(dir=figure.parent, prefix=".tmp-bench-", suffix=".png")
        os.close(fd)
        try:
            bench.plot_scaling(result, tmp)
            os.replace(tmp, figure)
        finally:
            Path(tmp).unlink(missing_ok=True)
        result["figure"] = str(figure)
    status = 0 if result["correct"] else 1
    if args.json:
        return status, result
    return status, bench.format_table(result) + (f"\nfigure: {figure}\n" if figure else "")

if __name__ == "__main__":
    sys.exit(main())
