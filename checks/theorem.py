"""What a theorem is to gdproofs: a setting, named constants, named hypotheses, a conclusion about a run.

A theorem module in ``theorems/`` builds a ``Theorem`` from these pieces and registers it; the engine
(``checks.engine``) generates instances, checks the hypotheses, runs gradient descent and judges the
conclusion. Nothing here computes anything numerical itself: constants, hypotheses and conclusions are
functions the theorem supplies.

Data flows one way: Instance → Problem (arrays) → constants → hypotheses → Run → Evidence → Verdict.
"""

from dataclasses import dataclass, field, replace
import hashlib
import importlib
import importlib.metadata
import math
import sys
from typing import Callable

import numpy as np

from checks import data as datasets
from checks.network import Network, Params, check_data

FIDELITIES = ("stated", "paraphrased", "reconstructed")
MODES = ("literal", "relaxed", "ablation")


@dataclass(frozen=True)
class Citation:
    """Where a statement comes from: authors, year, title, arXiv id ("" if none), and the
    theorem/equation."""

    authors: str
    year: int
    title: str
    arxiv: str
    where: str

    def __str__(self):
        arxiv = f", arXiv:{self.arxiv}" if self.arxiv else ""   # "" for a source with no arXiv id
        return f"{self.authors} ({self.year}), \"{self.title}\"{arxiv}, {self.where}"


# Labels a DataSpec can give: random laws of ``checks.data.random_labels``, a random teacher network
# (``checks.data.teacher_labels``; label_options width, activation), a target function of X
# ("function": label_options target = a registered name, a "module:function" reference or one of
# checks.data's, plus its keyword arguments), explicit values carried by the spec, or a file.
LABEL_LAWS = datasets.LABEL_KINDS + ("teacher", "function", "explicit", "file")
# Width of the teacher network behind "teacher" labels by default: a few neurons make a smooth
# target that a wide student fits easily, the opposite corner from random signs.
TEACHER_WIDTH = 4


def content_hash(*arrays):
    """A short SHA-256 of float64 arrays' bytes: how a record names explicit data."""
    digest = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a, dtype=np.float64)
        digest.update(repr(a.shape).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()[:16]


def _hashable(value):
    """JSON lists back to tuples (a spec is frozen and hashable)."""
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _from_file(options, what, shape):
    """The array a "file" spec names, checked against the shape and content hash recorded."""
    from checks import datafiles

    array = datafiles.load(options["path"], what)
    if array.shape != shape:
        raise ValueError(f"{what} file {options['path']!r} has shape {array.shape}, recorded "
                         f"{shape}")
    if content_hash(array) != options["sha256"]:
        raise ValueError(f"{what} file {options['path']!r} changed since it was recorded "
                         f"(sha256 {content_hash(array)}, recorded {options['sha256']})")
    return array


def file_spec(X_path, y_path=None, *, labels="sign", label_seed=0):
    """A DataSpec for a user's files: inputs from ``X_path``, labels from ``y_path`` (or a random
    law when None), both named by path and content hash. Raises ValueError for an unusable
    file, labels of the wrong length, or inputs that are not a 2-D (n, d) array."""
    from checks import datafiles

    X = datafiles.load(X_path, "data")
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"data file {str(X_path)!r} must hold an (n, d) array, got shape "
                         f"{X.shape}")
    options = (("path", str(X_path)), ("sha256", content_hash(X)))
    if y_path is None:
        return DataSpec("file", n=X.shape[0], d=X.shape[1], seed=0, options=options,
                        labels=labels, label_seed=label_seed)
    y = datafiles.load(y_path, "labels")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"labels file {str(y_path)!r} must hold {X.shape[0]} labels (one per "
                         f"row of {str(X_path)!r}), got shape {y.shape}")
    return DataSpec("file", n=X.shape[0], d=X.shape[1], seed=0, options=options, labels="file",
                    label_options=(("path", str(y_path)), ("sha256", content_hash(y))))


# DataSpec subclasses by the label law they add (filled by DataSpec.__init_subclass__).
_SPEC_CLASSES = {}


@dataclass(frozen=True)
class DataSpec:
    """A reproducible data set: where its inputs come from, and its labels.

    ``kind`` is a generator (a function of ``checks.data``, a name registered with
    ``checks.data.register``, or a ``"package.module:function"`` reference) called as
    (n, d, seed=…, **options); "points", the rows given in ``points`` (a tuple of row tuples, e.g.
    drawn by the search); or "file", a user's file (options ``path`` and ``sha256``, the content
    hash it must still have). ``labels`` is a law of ``LABEL_LAWS``: "sign", "gaussian" or
    "uniform" (``random_labels`` with ``label_seed``), "teacher" (``teacher_labels`` with
    ``label_seed``; ``label_options`` width, activation), "function" (a target function of X,
    ``label_options`` target and its arguments), "explicit" (the values in ``values``) or "file"
    (``label_options`` path and sha256). Explicit and file data are named by a content hash in
    descriptions and records.
    """

    kind: str
    n: int
    d: int
    seed: int
    options: tuple = ()
    labels: str = "sign"
    label_seed: int = 0
    points: tuple = ()
    values: tuple = ()
    label_options: tuple = ()

    def __post_init__(self):
        if self.labels not in LABEL_LAWS + ("ball_indicator",):
            raise ValueError(f"labels must be one of {LABEL_LAWS}, got {self.labels!r}")
        if self.kind == "points" and np.shape(self.points) != (self.n, self.d):
            raise ValueError(f"points must have shape (n, d) = ({self.n}, {self.d}), got "
                             f"{np.shape(self.points)}")
        if self.labels == "explicit" and len(self.values) != self.n:
            raise ValueError(f"explicit labels need n = {self.n} values, got {len(self.values)}")

    def inputs(self):
        if self.kind == "points":
            return np.array(self.points, dtype=np.float64)
        if self.kind == "file":
            return _from_file(dict(self.options), "data", (self.n, self.d))
        make = datasets.generator(self.kind)
        return make(self.n, self.d, seed=self.seed, **dict(self.options))

    def label_values(self, X):
        opts = dict(self.label_options)
        if self.labels == "explicit":
            return np.array(self.values, dtype=np.float64)
        if self.labels == "file":
            return _from_file(opts, "labels", (self.n,))
        if self.labels == "teacher":
            return datasets.teacher_labels(X, width=opts.get("width", TEACHER_WIDTH),
                                           seed=self.label_seed,
                                           activation=opts.get("activation", "relu"))
        if self.labels == "function":
            target = opts.pop("target", None)
            if target is None:
                raise ValueError("labels='function' needs label_options with a 'target'")
            return np.asarray(datasets.label_function(target)(X, **opts), dtype=np.float64)
        return datasets.random_labels(self.n, seed=self.label_seed, kind=self.labels)

    def arrays(self):
        X = self.inputs()
        return X, self.label_values(X)

    def reseeded(self, base_seed):
        """This data set for a check's base seed: inputs and labels move by 1000·``base_seed``
        (base seed 0 is the data set itself), so checks with other base seeds see other draws."""
        return replace(self, seed=self.seed + 1000 * base_seed,
                       label_seed=self.label_seed + 1000 * base_seed)

    def describe(self):
        opts = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in self.options if k != "sha256")
        if self.kind == "points":
            head = f"points(n={self.n}, d={self.d}, sha256={content_hash(self.points)}"
        elif self.kind == "file":
            head = f"file(n={self.n}, d={self.d}, sha256={dict(self.options)['sha256']}"
        else:
            head = f"{self.kind}(n={self.n}, d={self.d}, seed={self.seed}"
        lopts = dict(self.label_options)
        if self.labels == "explicit":
            labels = f"explicit[sha256={content_hash(self.values)}]"
        elif self.labels == "file":
            labels = f"file[{lopts['path']}, sha256={lopts['sha256']}]"
        elif self.labels == "function":
            labels = "function[" + ", ".join(f"{k}={v}" for k, v in self.label_options) + "]"
        else:
            labels = f"{self.labels}[{self.label_seed}]" + (
                "(" + ", ".join(f"{k}={v}" for k, v in self.label_options) + ")"
                if self.label_options else "")
        return head + (f", {opts}" if opts else "") + f"), labels={labels}"

    def to_dict(self):
        out = dict(kind=self.kind, n=self.n, d=self.d, seed=self.seed,
                   options=[list(o) for o in self.options], labels=self.labels,
                   label_seed=self.label_seed)
        if self.label_options:
            out["label_options"] = [list(o) for o in self.label_options]
        if self.kind == "points":
            out.update(points=[list(r) for r in self.points], sha256=content_hash(self.points))
        if self.labels == "explicit":
            out.update(values=list(self.values), labels_sha256=content_hash(self.values))
        return out

    def __init_subclass__(cls, **kwargs):
        """A subclass with a label law of its own (``checks.features.BallIndicatorSpec``)
        registers under that law, so that ``from_dict`` rebuilds it without this module
        importing it."""
        super().__init_subclass__(**kwargs)
        _SPEC_CLASSES[cls.labels] = cls

    @classmethod
    def from_dict(cls, d):
        cls = _SPEC_CLASSES.get(d.get("labels"), cls)
        extra = {"radius": float(d["radius"])} if "radius" in d else {}
        return cls(kind=d["kind"], n=d["n"], d=d["d"], seed=d["seed"],
                   options=tuple(tuple(o) for o in d.get("options", ())),
                   labels=d.get("labels", "sign"), label_seed=d.get("label_seed", 0),
                   points=tuple(tuple(float(v) for v in r) for r in d.get("points", ())),
                   values=tuple(float(v) for v in d.get("values", ())),
                   label_options=tuple(_hashable(o) for o in d.get("label_options", ())),
                   **extra)


def power_of_two_at_least(x):
    """The smallest power of two ≥ x (1 for x ≤ 1): relaxed widths are rounded up to one, so
    instances with nearby bounds share widths (and runs)."""
    return 1 if x <= 1 else 2 ** math.ceil(math.log2(x))


# Redraws of a fixed data set that a relaxed check may make to fit the profile's budget: a draw
# with a small λ₀ has a width bound (∝ λ₀⁻⁴) far above the others', and one unlucky base seed must
# not leave a check with nothing to run.
BUDGET_REDRAWS = 8


def within_budget(make, spec, budget, *, redraws=BUDGET_REDRAWS):
    """``make(spec)`` for the first of ``spec`` and its redraws (data and label seeds + 1, + 2, …)
    whose work fits ``budget``; the instance's note names the draws skipped and their work. When
    none fits, ``make(spec)`` itself (the verdict then reports it out of the budget)."""
    skipped = []
    for k in range(redraws + 1):
        drawn = replace(spec, seed=spec.seed + k, label_seed=spec.label_seed + k)
        instance = make(drawn)
        if instance.work <= budget:
            if skipped:
                instance = replace(instance, note=(
                    f"data redrawn {k}× to fit the budget {budget:.2g}: " + "; ".join(skipped)))
            return instance
        skipped.append(f"seed {drawn.seed} needs work {instance.work:.2g}")
    return make(spec)


@dataclass(frozen=True)
class Instance:
    """One configuration to check: data, width m, step size η, number of steps, and the seeds.

    ``eta`` and ``m`` may be ``None`` in a theorem's own instance factory before the constants fix
    them; the engine always runs fully specified instances. Each seed is one initialisation, one
    Bernoulli trial of the theorem's probability claim.
    """

    data: DataSpec
    m: int
    eta: float
    steps: int
    seeds: tuple
    note: str = ""

    def with_seeds(self, seeds):
        return replace(self, seeds=tuple(int(s) for s in seeds))

    @property
    def work(self):
        """Multiply-adds of the instance: m·n·d per forward/backward pass, times steps and seeds
        (what a profile's budget caps)."""
        return float(self.m) * self.data.n * self.data.d * (self.steps + 1) * len(self.seeds)

    def describe(self):
        s = self.seeds
        seeds = f"{s[0]}..{s[-1]}" if len(s) > 3 else ",".join(map(str, s))
        return (f"{self.data.describe()}; m={self.m}, eta={self.eta:.4g}, steps={self.steps}, "
                f"seeds=[{seeds}] ({len(s)})" + (f" [{self.note}]" if self.note else ""))

    def to_dict(self):
        out = dict(data=self.data.to_dict(), m=self.m, eta=self.eta, steps=self.steps,
                   seeds=list(self.seeds))
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, d):
        return cls(data=DataSpec.from_dict(d["data"]), m=int(d["m"]), eta=float(d["eta"]),
                   steps=int(d["steps"]), seeds=tuple(int(s) for s in d["seeds"]),
                   note=d.get("note", ""))


@dataclass(frozen=True, eq=False)
class Problem:
    """The arrays of an instance, and its width and step size (either may be None: requirements)."""

    X: np.ndarray
    y: np.ndarray
    m: int | None = None
    eta: float | None = None
    steps: int | None = None

    def __post_init__(self):
        X, y = check_data(self.X, self.y)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n(self):
        return self.X.shape[0]

    @property
    def d(self):
        return self.X.shape[1]


@dataclass(frozen=True)
class Constant:
    """A named constant computed from the problem and the constants before it.

    ``compute(problem, c)`` returns a float; ``c`` maps earlier constants' names (and the theorem's
    unspecified O/Ω constants and δ) to values.
    """

    name: str
    formula: str
    source: str
    compute: Callable


@dataclass(frozen=True)
class Hypothesis:
    """A named hypothesis with the formula it checks.

    ``margin(problem, c, relax)`` returns a number that is ≥ 1 exactly when the hypothesis holds
    (e.g. m / width_bound, or step_bound / η); ``relax`` is the mode's factor for this hypothesis
    (1 in literal mode, the theorem's stated factor in relaxed mode). ``kind`` says what the
    hypothesis constrains: "width", "step" or "data" (the engine builds instances accordingly);
    ``bound`` names the constant a width or step hypothesis compares against (tightness scans).
    """

    name: str
    formula: str
    source: str
    margin: Callable
    kind: str = "data"
    bound: str | None = None


@dataclass(frozen=True)
class Evidence:
    """The conclusion judged on one run.

    ``score`` is the normalised violation, > 0 exactly when the conclusion failed (e.g.
    max_k log(observed_k / bound_k)); the search maximises it. NaN never reaches it: a diverged run
    has ``diverged=True``, ``holds=False`` and score +inf.
    """

    holds: bool
    score: float
    step: int | None
    observed: float
    bound: float
    diverged: bool = False
    note: str = ""


@dataclass(frozen=True)
class Conclusion:
    """What the theorem asserts of a run, as ``evaluate(outcome, c) -> Evidence``.

    ``record`` and ``gram_every`` say what the run must record; ``envelope(outcome, c)`` (optional)
    returns the bound per step for figures.
    """

    name: str
    formula: str
    source: str
    evaluate: Callable
    record: tuple = ()
    gram_every: int = 0
    envelope: Callable | None = None


@dataclass(frozen=True, eq=False)
class Outcome:
    """A run together with what produced it: the problem, the initial parameters, the seed."""

    problem: Problem
    params0: Params
    run: object
    seed: int


@dataclass(frozen=True)
class Theorem:
    """A theorem as an executable property: hypotheses ⇒ conclusion, with probability ≥ 1 − δ.

    Attributes
    ----------
    id : str
        "paper.name", e.g. "du2019.gd_linear_rate".
    citation : Citation
    fidelity : {"stated", "paraphrased", "reconstructed"}
    statement : str
        The theorem in words and formulas, as the paper says it.
    network : Network
    init : dict or callable
        Keyword arguments of ``init_params`` (κ, outer initialisation …), or a function
        ``init(problem, c) -> dict`` when they depend on the constants (Arora et al.'s κ).
    constants : tuple of Constant
        Computed in order; later ones may use earlier ones.
    unspecified : dict
        The O(·)/Ω(·) constants the paper leaves unspecified, with the values used (default 1), and
        δ when the claim is probabilistic. Every verdict lists them.
    hypotheses : tuple of Hypothesis
    conclusion : Conclusion
    delta : str or None
        Name of the entry of ``unspecified`` that is the failure probability δ of the claim
        (None: the claim is deterministic, δ = 0).
    relax : dict
        Factor per hypothesis kind in relaxed mode (e.g. {"width": 1e-9, "step": 50}).
    instances : callable
        ``instances(mode, profile) -> list[Instance]``: the fixed configurations the check runs.
        Widths and step sizes may be ``None`` for the engine to fill from the constants.
    space : checks.space.SearchSpace or None
        What the claim quantifies over (data families, labels, sizes, width and step ranges):
        the counterexample search draws from it.
    strategy : callable or None
        ``strategy(theorem, mode, profile) -> hypothesis SearchStrategy[Instance]``: a
        hand-written search strategy, used instead of ``space`` when given (the escape hatch).
    unsearched : str
        Why the claim has no space (shown on its page and by ``check --search``).
    ablation : str or None
        In ablation mode, the hypothesis that is dropped.
    planted : bool
        True for a planted false variant, which the engine must refute.
    """

    id: str
    title: str
    citation: Citation
    fidelity: str
    statement: str
    network: Network
    constants: tuple
    hypotheses: tuple
    conclusion: Conclusion
    instances: Callable
    init: dict | Callable = field(default_factory=dict)
    unspecified: dict = field(default_factory=dict)
    delta: str | None = None
    relax: dict = field(default_factory=dict)
    space: object = None
    strategy: Callable | None = None
    unsearched: str = ""
    ablation: str | None = None
    planted: bool = False
    notes: str = ""

    def __post_init__(self):
        if self.fidelity not in FIDELITIES:
            raise ValueError(f"fidelity must be one of {FIDELITIES}, got {self.fidelity!r}")
        names = [h.name for h in self.hypotheses]
        if self.ablation is not None and self.ablation not in names:
            raise ValueError(f"ablation must name a hypothesis of {self.id} ({names}), "
                             f"got {self.ablation!r}")
        if self.delta is not None and self.delta not in self.unspecified:
            raise ValueError(f"delta must name an entry of unspecified, got {self.delta!r}")

    def variant(self, suffix, **changes):
        """A modified copy, e.g. a planted false variant or an ablation, with id ``id:suffix``."""
        return replace(self, id=f"{self.id}:{suffix}", **changes)

    def with_constants(self, **values):
        """A copy with some unspecified O/Ω constants (or δ) set to other values."""
        unknown = sorted(set(values) - set(self.unspecified))
        if unknown:
            raise ValueError(f"{self.id} has no unspecified constant {unknown[0]!r}; it has "
                             f"{sorted(self.unspecified)}")
        return replace(self, unspecified={**self.unspecified, **values})

    @property
    def delta_value(self):
        return 0.0 if self.delta is None else float(self.unspecified[self.delta])

    def init_for(self, problem, c):
        """The ``init_params`` keyword arguments on this problem."""
        return dict(self.init(problem, c)) if callable(self.init) else dict(self.init)

    def constants_for(self, problem):
        """All constants on ``problem``, in order, as a dict (unspecified ones included)."""
        c = dict(self.unspecified)
        for constant in self.constants:
            c[constant.name] = float(constant.compute(problem, c))
        return c

    def hypothesis_margins(self, problem, c, mode):
        """{name: margin}, relaxed in relaxed and ablation mode; the ablated hypothesis is left out.

        Ablation mode is relaxed mode with one hypothesis dropped: the literal bounds are out of
        reach for every theorem whose constants are polynomials of high degree in n and 1/λ₀.
        """
        margins = {}
        for h in self.hypotheses:
            if mode == "ablation" and h.name == self.ablation:
                continue
            relax = 1.0 if mode == "literal" else self.relax.get(h.kind, 1.0)
            margins[h.name] = float(h.margin(problem, c, relax))
        return margins


def envelope_evidence(observed, bound, *, rtol):
    """Evidence for "observed_k ≤ bound_k for every k", within a relative floating-point tolerance.

    score = max_k log(observed_k / bound_k) − log(1 + rtol), so a score ≤ 0 holds. Both arrays are
    finite by construction (runs keep only finite losses); a zero observed value is never a
    violation, a zero bound with positive observation is an infinite one.
    """
    observed = np.asarray(observed, dtype=float)
    bound = np.asarray(bound, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(observed > 0, np.log(observed) - np.log(bound), -np.inf)
    ratio = np.where(np.isnan(ratio) | np.isnan(observed), np.inf, ratio)
    k = int(np.argmax(ratio))
    score = float(ratio[k]) - math.log1p(rtol)
    return Evidence(holds=score <= 0.0, score=score, step=k, observed=float(observed[k]),
                    bound=float(bound[k]))


def diverged_evidence(run):
    """The conclusion fails on a run that diverged: its loss left every finite bound."""
    return Evidence(holds=False, score=math.inf, step=run.diverged_at, observed=math.inf,
                    bound=math.nan, diverged=True,
                    note=f"diverged (loss not finite) at step {run.diverged_at}")


_REGISTRY: dict = {}
# The module that registered each claim: what --only-module and the pytest plugin select by.
_ORIGIN: dict = {}
# Installed packages register claims through this entry-point group (each entry point names a
# module that registers its claims when imported).
ENTRY_POINT_GROUP = "gdproofs.theorems"
_ENTRY_POINTS_LOADED = []


def register(theorem, variants=(), ablations=(), *, module=None):
    """Add a theorem to the registry with its planted false variants (which the engine must
    refute) and its ablations (a hypothesis dropped, to see whether it is empirically needed: the
    verdict is a finding either way). Returns the theorem.

    ``module`` is the module the claim belongs to (default: the caller's), which
    ``module_ids`` and ``gdproofs … --only-module`` select by.
    """
    if theorem.id in _REGISTRY:
        raise ValueError(f"a theorem with id {theorem.id!r} is already registered")
    for a in ablations:
        if a.ablation is None:
            raise ValueError(f"ablation {a.id} must name the hypothesis it drops")
    _REGISTRY[theorem.id] = (theorem, tuple(variants), tuple(ablations))
    _ORIGIN[theorem.id] = module or sys._getframe(1).f_globals.get("__name__", "")
    return theorem


def load_module(name):
    """Import a module of one's own claims (it registers them when imported); returns the ids
    of the claims it registered. Raises ValueError when the module cannot be imported."""
    _load_library()
    try:
        importlib.import_module(name)
    except ImportError as exc:
        raise ValueError(f"theorem module {name!r} cannot be imported: {exc}") from None
    return module_ids(name)


def module_ids(name):
    """The ids of the claims registered by module ``name`` (or by its submodules)."""
    _load_library()
    return [tid for tid, origin in _ORIGIN.items()
            if origin == name or origin.startswith(name + ".")]


def _load_entry_points():
    """Import every module an installed package names in the ``gdproofs.theorems`` group."""
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED.append(True)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            ep.load()
        except Exception as exc:  # any error of a third party's module: named, not swallowed
            raise ValueError(f"entry point {ep.name!r} = {ep.value!r} of group "
                             f"{ENTRY_POINT_GROUP!r} failed to load: {exc}") from exc


def _load_library():
    import theorems  # noqa: F401 - importing registers the library
    theorems.load_all()
    _load_entry_points()


def all_theorems():
    _load_library()
    return [entry[0] for entry in _REGISTRY.values()]


def planted_variants(theorem_id):
    _load_library()
    return list(_REGISTRY[theorem_id][1])


def ablation_variants(theorem_id):
    _load_library()
    return list(_REGISTRY[theorem_id][2])


def get(theorem_id):
    """The registered theorem (or variant "id:suffix", planted or ablation) with this id."""
    _load_library()
    base = theorem_id.split(":")[0]
    if base in _REGISTRY:
        theorem, variants, ablations = _REGISTRY[base]
        if theorem_id == base:
            return theorem
        for v in variants + ablations:
            if v.id == theorem_id:
                return v
    known = ", ".join(sorted(_REGISTRY))
    raise KeyError(f"unknown theorem id {theorem_id!r}; known: {known}")
