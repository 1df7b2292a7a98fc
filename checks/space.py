"""What a claim quantifies over, declared beside its hypotheses, and the strategy built from it.

A theorem says "for every data set meeting the hypotheses, every width above the bound, every step
size below it": a ``SearchSpace`` writes that down, with ranges, so that the counterexample search
(``checks.search``) can draw from all of it rather than from one or two hand-picked instances.

A space covers
- the sizes n and d (ranges);
- data families: generators of ``checks.data`` with ranges for their parameters (near-parallel
  pairs, tight separations, orthonormal sets, radial laws …), and raw point sets drawn by hypothesis
  itself (``Family("points", …)``), mapped onto the unit sphere with a minimum separation kept by
  construction, so that shrinking yields a small data set that still meets the hypotheses;
- label laws (``checks.theorem.LABEL_LAWS``): random signs, uniform or gaussian values, a teacher
  network, and explicit label vectors drawn by hypothesis within the bounded-label hypothesis;
- the width as a multiple of the (relaxed) width bound and the step size as a fraction of the
  (relaxed) step bound, both ranges reaching the bound itself;
- the number of seeds per example.

Data flows one way: space → strategy → ``Instance`` (built by the theorem's own ``instance``
function, which knows how its constants fix m, η and the number of steps) → runs (``checks.runs``).
A draw that cannot be built (a separation the generator cannot meet) becomes a ``Rejected``
with its reason, which the search counts; it is never silently replaced.
"""

from dataclasses import dataclass, field, replace
import math

import numpy as np

from checks import data as datasets
from checks.theorem import LABEL_LAWS, DataSpec

# Raw point sets are drawn this far from a separated base configuration at most: each row moves by
# an angle ≤ base_angle/4, so two rows whose lines were ≥ base_angle apart stay ≥ base_angle/2
# apart, whatever hypothesis draws (shrinking included).
POINTS_MOVE = 0.25
# The largest seed a search draws (data, labels, initialisations); 2^20 keeps records short.
MAX_SEED = 2 ** 20


@dataclass(frozen=True)
class Family:
    """A data family: a generator of ``checks.data`` (or "points") and its parameters' ranges.

    ``floats`` holds (name, low, high) ranges, ``choices`` holds (name, values); ``at_most_d``
    restricts the family to n ≤ d (an orthonormal set), ``unit`` says its rows are unit vectors.
    For "points", ``floats`` must give "base_angle": the line angle of the separated base
    configuration the drawn points perturb.
    """

    kind: str
    floats: tuple = ()
    choices: tuple = ()
    at_most_d: bool = False

    def describe(self):
        parts = [f"{name} ∈ [{low:g}, {high:g}]" for name, low, high in self.floats]
        parts += [f"{name} ∈ {{{', '.join(map(str, values))}}}" for name, values in self.choices]
        if self.at_most_d:
            parts.append("n ≤ d")
        return self.kind + (f"({', '.join(parts)})" if parts else "")


@dataclass(frozen=True)
class Draw:
    """One point of a space before the theorem turns it into an Instance: the data set, the width
    as a multiple of the (relaxed) width bound, the step as a fraction of the (relaxed) step bound,
    and the seeds of the initialisations."""

    spec: DataSpec
    width: float
    step: float
    seeds: tuple


@dataclass(frozen=True)
class Corner:
    """A known hard point of a space, run first by every search (hypothesis's explicit phase):
    a data set with the width multiple and step fraction to run it at, and why it is hard.

    hypothesis's ``target`` needs on the order of a thousand examples to steer (STYLE.md), more
    than the ci profile runs; the near-degenerate corners of a data space (a nearly parallel pair
    with opposite labels, an orthonormal set, the width and step bounds themselves) are where
    claims about λ₀ fail first, so every search visits them whatever its budget.
    """

    spec: DataSpec
    width: float = 1.0
    step: float = 1.0
    why: str = ""


@dataclass(frozen=True)
class Rejected:
    """A drawn point that does not meet the claim's hypotheses, with why; never run."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSpace:
    """Everything a claim quantifies over, with ranges (see the module docstring).

    ``instance(theorem, mode, draw) -> Instance`` builds the instance the theorem runs for a draw
    (its constants fix m, η and the steps from the draw's multiples); ``spec`` (optional) turns a
    drawn data set into the theorem's own DataSpec class (e.g. ball-indicator labels).
    ``width`` / ``step`` are None when the claim has no such hypothesis. ``fixed`` says in words
    what the search holds fixed. ``with_data(spec)`` fixes the data set (a user's): the search
    then draws only the width, the step size and the seeds.
    """

    n: tuple
    d: tuple
    families: tuple
    labels: tuple
    instance: object
    width: tuple | None = (1.0, 4.0)
    step: tuple | None = (0.125, 1.0)
    seeds: int = 4
    spec: object = None
    fixed: str = ""
    label_range: tuple = (-1.0, 1.0)
    corners: tuple = ()
    notes: tuple = field(default_factory=tuple)
    data: DataSpec | None = None    # a fixed data set (a user's): only m, η and seeds are drawn

    def __post_init__(self):
        if not (1 <= self.n[0] <= self.n[1]) or not (1 <= self.d[0] <= self.d[1]):
            raise ValueError(f"n and d must be ranges (low, high) with 1 ≤ low ≤ high, got "
                             f"n={self.n}, d={self.d}")
        if not self.families:
            raise ValueError("a search space needs at least one data family")
        # A space with its own DataSpec class may name that class's own label law.
        bad = [law for law in self.labels if law not in LABEL_LAWS and self.spec is None]
        if bad or not self.labels:
            raise ValueError(f"labels must be a non-empty subset of {LABEL_LAWS}, got "
                             f"{self.labels!r}")
        if self.width is not None and not 1.0 <= self.width[0] <= self.width[1]:
            raise ValueError(f"width must be a range of multiples of the width bound starting at "
                             f"≥ 1, got {self.width}")
        if self.step is not None and not 0.0 < self.step[0] <= self.step[1] <= 1.0:
            raise ValueError(f"step must be a range of fractions of the step bound in (0, 1], got "
                             f"{self.step}")
        if self.seeds < 1:
            raise ValueError(f"seeds must be ≥ 1, got {self.seeds}")

    def with_data(self, spec):
        """This space on one fixed data set: n, d, families, labels and corners no longer drawn."""
        return replace(self, data=spec, n=(spec.n, spec.n), d=(spec.d, spec.d), corners=(),
                       fixed=(self.fixed + "; " if self.fixed else "") + "the data set "
                             + spec.describe())

    def to_dict(self):
        return dict(n=list(self.n), d=list(self.d),
                    families=[f.describe() for f in self.families], labels=list(self.labels),
                    label_range=list(self.label_range),
                    width=None if self.width is None else list(self.width),
                    step=None if self.step is None else list(self.step),
                    seeds_per_example=self.seeds, fixed=self.fixed, notes=list(self.notes),
                    corners=[dict(data=c.spec.describe(), width=c.width, step=c.step, why=c.why)
                             for c in self.corners],
                    data=None if self.data is None else self.data.to_dict())

    def describe(self):
        """The space in a few lines, for pages and the command line."""
        lines = [f"n ∈ [{self.n[0]}, {self.n[1]}], d ∈ [{self.d[0]}, {self.d[1]}]",
                 "data: " + "; ".join(f.describe() for f in self.families),
                 "labels: " + ", ".join(self.labels)
                 + (f" (explicit values in [{self.label_range[0]:g}, {self.label_range[1]:g}])"
                    if "explicit" in self.labels else "")]
        if self.width is not None:
            lines.append(f"width: {self.width[0]:g}–{self.width[1]:g} × the (relaxed) width bound")
        if self.step is not None:
            lines.append(f"step size: {self.step[0]:g}–{self.step[1]:g} × the (relaxed) step bound")
        lines.append(f"{self.seeds} initialisation seeds per example")
        lines += [f"corner (run first): {c.spec.describe()} at {c.width:g} × width bound, "
                  f"{c.step:g} × step bound: {c.why}" for c in self.corners]
        if self.fixed:
            lines.append(f"fixed: {self.fixed}")
        return lines + list(self.notes)

    def corner_instances(self, theorem, mode):
        """The corners as Instances (seeds 0…seeds−1), or ``Rejected`` when one cannot be built."""
        out = []
        for c in self.corners:
            try:
                out.append(self.instance(theorem, mode, Draw(c.spec, c.width, c.step,
                                                             tuple(range(self.seeds)))))
            except (ArithmeticError, ValueError) as exc:
                out.append(Rejected("corner cannot be built", f"{c.spec.describe()}: {exc}"))
        return out

    def strategy(self, theorem, mode):
        """A hypothesis strategy of Instances (or ``Rejected`` draws) for ``theorem`` in ``mode``."""
        from hypothesis import strategies as st

        return st.composite(lambda draw: self._draw(draw, st, theorem, mode))()

    def _draw(self, draw, st, theorem, mode):
        if self.data is not None:
            return self._draw_run(draw, st, theorem, mode, self.data)
        n = draw(st.integers(*self.n), label="n")
        d = draw(st.integers(*self.d), label="d")
        families = [f for f in self.families if not (f.at_most_d and n > d)]
        if not families:
            return Rejected("no family fits", f"every family needs n ≤ d; n={n}, d={d}")
        family = draw(st.sampled_from(families), label="family")
        options = tuple((name, draw(st.floats(low, high), label=name))
                        for name, low, high in family.floats)
        options += tuple((name, draw(st.sampled_from(values), label=name))
                         for name, values in family.choices)
        seed = draw(st.integers(0, MAX_SEED), label="data seed")
        points = ()
        if family.kind == "points":
            points = _raw_points(draw, st, n, d, seed, dict(options)["base_angle"])
            if isinstance(points, Rejected):
                return points
        law = draw(st.sampled_from(self.labels), label="labels")
        values = ()
        if law == "explicit":
            low, high = self.label_range
            values = tuple(draw(st.lists(st.floats(low, high), min_size=n, max_size=n),
                                label="label values"))
        label_seed = draw(st.integers(0, MAX_SEED), label="label seed")
        make = self.spec or DataSpec
        spec = make(kind=family.kind, n=n, d=d, seed=seed,
                    options=() if family.kind == "points" else options, labels=law,
                    label_seed=label_seed, points=points, values=values)
        try:
            spec.arrays()
        except ValueError as exc:
            return Rejected(f"{family.kind}: generator cannot meet its parameters", str(exc))
        return self._draw_run(draw, st, theorem, mode, spec)

    def _draw_run(self, draw, st, theorem, mode, spec):
        """The width multiple, step fraction and seeds for a data set, then the Instance."""
        width = draw(st.floats(*self.width), label="width multiple") if self.width else 1.0
        step = draw(st.floats(*self.step), label="step fraction") if self.step else 1.0
        first = draw(st.integers(0, MAX_SEED), label="first seed")
        seeds = tuple(range(first, first + self.seeds))
        try:
            return self.instance(theorem, mode, Draw(spec, width, step, seeds))
        except (ArithmeticError, ValueError) as exc:
            return Rejected("constants undefined on the data", f"{spec.describe()}: {exc}")


def _raw_points(draw, st, n, d, seed, base_angle):
    """n unit rows drawn by hypothesis: a separated base configuration (``separated_sphere`` at
    ``base_angle``), each row moved by at most ``POINTS_MOVE · base_angle`` radians in a direction
    hypothesis draws. Shrinking the moves to 0 gives the base configuration, itself admissible."""
    from hypothesis.extra.numpy import arrays

    try:
        base = datasets.separated_sphere(n, d, min_angle=base_angle, seed=seed)
    except ValueError as exc:
        return Rejected("points: base configuration cannot be separated", str(exc))
    moves = draw(arrays(np.float64, (n, d), elements=st.floats(-1.0, 1.0)), label="point moves")
    # A move v with ‖v‖ ≤ sin(α) turns a unit row by at most α (the worst move is orthogonal to
    # the moved row); the rows of `moves` have norm ≤ √d, hence the scale.
    scale = math.sin(POINTS_MOVE * base_angle) / math.sqrt(d)
    X = datasets.normalize_rows(base + scale * moves)
    return tuple(tuple(float(v) for v in row) for row in X)


@dataclass(frozen=True)
class StudySpace:
    """What a study's statement quantifies over that its measurement fixes (a dimension, a norm,
    a sample size …): parameter ranges the search may move, and how a finding scores.

    ``parameters`` holds (name, low, high) ranges (integers when both ends are ints) or
    (name, (values…)) choices; ``options(params) -> dict`` turns a draw into the study's options
    (``Study.variant`` merges them); ``score(finding, params) -> float`` is the violation score,
    > 0 exactly when the finding is a violation (NaN: the finding cannot be scored, a
    rejection). ``examples`` gives the examples per profile: a study's measurement is a whole
    experiment, so few, mainly in dev and thorough.
    """

    parameters: tuple
    options: object
    score: object
    examples: tuple = (("ci", 3), ("dev", 12), ("thorough", 40))
    fixed: str = ""

    def examples_for(self, profile_name):
        return dict(self.examples).get(profile_name, dict(self.examples)["ci"])

    def strategy(self):
        from hypothesis import strategies as st

        parts = {}
        for name, *spec in self.parameters:
            if len(spec) == 1:
                parts[name] = st.sampled_from(tuple(spec[0]))
            elif isinstance(spec[0], int) and isinstance(spec[1], int):
                parts[name] = st.integers(*spec)
            else:
                parts[name] = st.floats(float(spec[0]), float(spec[1]))
        return st.fixed_dictionaries(parts)

    def describe(self):
        lines = [f"{name} ∈ [{spec[0]:g}, {spec[1]:g}]" if len(spec) == 2 else
                 f"{name} ∈ {{{', '.join(map(str, spec[0]))}}}"
                 for name, *spec in self.parameters]
        lines.append("examples: " + ", ".join(f"{k} {v}" for k, v in self.examples))
        return lines + ([f"fixed: {self.fixed}"] if self.fixed else [])

    def to_dict(self):
        return dict(parameters=[[name, *[list(v) if isinstance(v, tuple) else v for v in spec]]
                                for name, *spec in self.parameters],
                    examples=dict(self.examples), fixed=self.fixed)


def describe_params(params):
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in params.items())
