"""Claims judged on one measurement over many runs: observed orders, identities, comparisons.

A ``Theorem`` (``checks.theorem``) is judged seed by seed: one run, one Bernoulli trial of its
probability claim. Some statements are not of that shape: an approximation rate is an *observed
order* over a sequence of widths (FEniCS-style convergence tests), an identity is a Monte Carlo
estimate against a closed form, a separation is a comparison of two architectures. A ``Study`` is
such a statement: its ``measure(mode, profile, seed)`` does the whole measurement and returns a
``Finding`` with the verdict state, the reason in words, the named numbers it rests on (compared
with the baseline) and the plots the report draws.

Data still flows one way: the study's measurement → Finding → Verdict (``checks.engine.check``) →
report. A study registers like a theorem (``checks.theorem.register``), with planted false variants
that the engine must refute.
"""

from dataclasses import dataclass, field, replace
from typing import Callable

from checks.theorem import FIDELITIES

STUDY_MODES = ("literal", "relaxed")
# A study either checks a statement of a paper ("claim") or reproduces one of the paper's own
# experiments ("reproduction": the experiment as described, our run at the paper's sizes or the
# nearest affordable ones, the figure, and each qualitative statement the paper makes of it
# judged); reproductions have a section of their own in the report.
STUDY_KINDS = ("claim", "reproduction")
# Papers with no experiment to reproduce, and why (``no_experiment``): the report says so.
NOT_REPRODUCED = {}


def missing_requirements(claim):
    """The optional modules ``claim`` (a Study) requires that cannot be imported here."""
    import importlib.util

    return [name for name in getattr(claim, "requires", ())
            if importlib.util.find_spec(name) is None]


def no_experiment(paper, why):
    """Record that ``paper`` has no experiment to reproduce, and why (shown in the report's
    Reproductions section)."""
    NOT_REPRODUCED[paper] = why


@dataclass(frozen=True)
class Series:
    """One line or set of points of a plot; ``yerr`` (optional) gives symmetric error bars."""

    label: str
    x: tuple
    y: tuple
    style: str = "o-"
    yerr: tuple | None = None

    def __post_init__(self):
        object.__setattr__(self, "x", tuple(float(v) for v in self.x))
        object.__setattr__(self, "y", tuple(float(v) for v in self.y))
        if self.yerr is not None:
            object.__setattr__(self, "yerr", tuple(float(v) for v in self.yerr))
        if len(self.x) != len(self.y) or (self.yerr is not None and len(self.yerr) != len(self.y)):
            raise ValueError(f"series {self.label!r}: x, y (and yerr) must have one length, got "
                             f"{len(self.x)}, {len(self.y)}")


@dataclass(frozen=True)
class Plot:
    """A figure of a study: axes labels and scales, and its series (drawn by ``checks.report``)."""

    name: str
    title: str
    xlabel: str
    ylabel: str
    series: tuple
    xscale: str = "linear"
    yscale: str = "linear"
    caption: str = ""


@dataclass(frozen=True)
class Finding:
    """The outcome of a study's measurement.

    ``state`` is one of the engine's verdict states (HOLDS, VIOLATED, INCONCLUSIVE, VACUOUS);
    ``values`` maps names to the numbers the verdict rests on (a fitted slope and its interval, a
    Monte Carlo estimate and the closed form …): the report tabulates them and the baseline keeps
    them; ``plots`` are drawn on the study's page.
    """

    state: str
    reason: str
    values: dict = field(default_factory=dict)
    plots: tuple = ()


@dataclass(frozen=True)
class Study:
    """A statement checked by one measurement: an observed order, an identity, a comparison.

    Attributes
    ----------
    id, title, citation, fidelity, statement, notes :
        As for ``checks.theorem.Theorem``.
    measure : callable
        ``measure(study, mode, profile, seed) -> Finding``. ``profile`` is a
        ``checks.engine.Profile`` (how many seeds and how much work the measurement may spend).
    constants : tuple of (name, formula, source)
        The constants the measurement uses, each with where it comes from (shown on the page).
    modes : tuple
        The modes the study has: "literal" (the statement as proven, often VACUOUS at the paper's
        sizes) and/or "relaxed" (scaled-down sizes, said how on the page).
    options : dict
        Parameters of the measurement; a planted variant changes them (e.g. a doubled order).
    planted : bool
        True for a planted false variant, which the engine must refute.
    space : checks.space.StudySpace or None
        The parameters the statement quantifies over that the measurement fixes, with ranges
        and a violation score: the search drives the whole measurement over them.
    unsearched : str
        Why the study has nothing to search (shown on its page).
    kind : {"claim", "reproduction"}
        A reproduction re-runs a paper's own experiment (``STUDY_KINDS``); ``experiment``
        then describes it as the paper does (setting, sizes, what the figure shows, where).
    experiment : str
        The paper's experiment, for a reproduction.
    requires : tuple of str
        Optional modules the measurement needs (e.g. "sklearn" for a bundled data set): without
        them the measurement says so (INCONCLUSIVE, with the install command), which the test
        items check (``missing_requirements``, ``checks.pytest_plugin.judge_case``).
    confirm : bool
        Re-measure a VIOLATED finding on fresh trials (base seed + 1; every study draws its trials
        from its base seed with a stride larger than its trial count, so the two share none):
        VIOLATED stands only if the re-measurement is VIOLATED too (the multiple-testing guard of
        ``checks.engine.confirm``). False for measurements that do not depend on the seed, or that
        confirm on fresh trials themselves (``checks.engine.judge_trials``).
    """

    id: str
    title: str
    citation: object
    fidelity: str
    statement: str
    measure: Callable
    constants: tuple = ()
    modes: tuple = STUDY_MODES
    options: dict = field(default_factory=dict)
    planted: bool = False
    notes: str = ""
    confirm: bool = True
    space: object = None
    unsearched: str = ""
    kind: str = "claim"
    experiment: str = ""
    requires: tuple = ()

    def __post_init__(self):
        if self.fidelity not in FIDELITIES:
            raise ValueError(f"fidelity must be one of {FIDELITIES}, got {self.fidelity!r}")
        if self.kind not in STUDY_KINDS:
            raise ValueError(f"kind must be one of {STUDY_KINDS}, got {self.kind!r}")
        if self.kind == "reproduction" and not self.experiment:
            raise ValueError(f"a reproduction must describe the paper's experiment, got none for "
                             f"{self.id!r}")
        bad = [m for m in self.modes if m not in STUDY_MODES]
        if bad or not self.modes:
            raise ValueError(f"modes must be a non-empty subset of {STUDY_MODES}, got "
                             f"{self.modes!r}")

    def variant(self, suffix, **changes):
        """A modified copy (a planted false variant), with id ``id:suffix``; ``options`` given as a
        dict are merged into the study's own."""
        if "options" in changes:
            changes["options"] = {**self.options, **changes["options"]}
        return replace(self, id=f"{self.id}:{suffix}", **changes)

    @property
    def planted_mode(self):
        """The mode a planted variant is checked in: relaxed when the study has it."""
        return "relaxed" if "relaxed" in self.modes else self.modes[0]
