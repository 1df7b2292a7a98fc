"""Observed order of convergence over a sequence, judged on its asymptotic range, as a verdict.

A rate theorem "error = O(x^p) as x → ∞" (x a width m, a number of steps per unit time 1/η, …) is
checked FEniCS-style: errors on a sequence of refinements, a least-squares slope of log(error)
against log(x) with a confidence interval (``checks.stats.fit_loglog``), and a comparison with p.
This module adds what a theorem check needs around those pieces:

* the **asymptotic range**: the slope that decides is fitted on the upper part of the sequence only
  (``checks.stats.asymptotic_tail``), because an O(·) statement says nothing about small x; the
  slope over the whole sequence is reported beside it;
* three **kinds** of claim: ``"upper_bound"`` (error ≤ C x^p: slower decay beyond the CI is the
  counterexample, faster is consistent; ``checks.stats.judge_order``), ``"exact"`` (the order is p:
  p ∉ CI refutes; ``judge_order``) and ``"within"`` (the order is p up to a stated tolerance τ,
  an equivalence test: :func:`judge_within`), the honest form of "first order" for a deterministic
  method whose observed order drifts by O(x⁻¹) before the limit;
* the **joint** judgement of several sequences (e.g. two smoothness classes), where a counterexample
  needs every sequence refuted and a confirmation every sequence consistent (:func:`joint_state`);
* the translation into a ``checks.study.Finding``: engine states, named values for the baseline, and
  a log–log ``Plot`` with the observed errors, the fitted line and the claimed slope.
"""

from dataclasses import dataclass

import numpy as np

from checks import engine, stats
from checks.study import Finding, Plot, Series

KINDS = ("upper_bound", "exact", "within")

# Judgement of checks.stats → engine verdict state.
_STATES = {stats.REFUTED: engine.VIOLATED, stats.CONSISTENT: engine.HOLDS,
           stats.INCONCLUSIVE: engine.INCONCLUSIVE}


def engine_state(judgement_state):
    """The verdict state for a ``checks.stats`` judgement: HOLDS for CONSISTENT, VIOLATED for
    REFUTED, INCONCLUSIVE otherwise."""
    return _STATES.get(judgement_state, engine.INCONCLUSIVE)


@dataclass(frozen=True)
class ObservedOrder:
    """An observed order judged against a claimed exponent.

    Attributes
    ----------
    label : str
        What the sequence is (shown in reasons and plots), e.g. "alpha=1".
    expected : float
        The claimed exponent p.
    kind : {"upper_bound", "exact", "within"}
    tolerance : float or None
        τ of kind "within".
    fit : checks.stats.OrderFit
        The fit on the asymptotic range, which decides.
    full : checks.stats.OrderFit
        The fit on the whole sequence (reported only).
    state : {"REFUTED", "CONSISTENT", "INCONCLUSIVE"}
    reason : str
    """

    label: str
    expected: float
    kind: str
    tolerance: float | None
    fit: stats.OrderFit
    full: stats.OrderFit
    state: str
    reason: str

    def values(self, prefix=""):
        """The named numbers of the judgement (for a Finding and the baseline)."""
        return {f"{prefix}slope": self.fit.slope, f"{prefix}low": self.fit.low,
                f"{prefix}high": self.fit.high, f"{prefix}expected": self.expected,
                f"{prefix}slope_all": self.full.slope}


def judge_within(fit, *, expected, tolerance, max_ci_width=0.3):
    r"""Equivalence test: is the observed order within ``tolerance`` of ``expected``?

    With the fit's CI [low, high] and the band B = [p − τ, p + τ]:

    * ``"REFUTED"`` if [low, high] ∩ B = ∅: the order differs from p by more than τ, at the fit's
      confidence;
    * ``"CONSISTENT"`` if [low, high] ⊆ B and high − low ≤ ``max_ci_width``: the order is p up to τ
      (two one-sided tests, Schuirmann 1987 [1]_: a two-sided 95% CI inside B is TOST at
      α = 0.025 per side, so the equivalence claim is made at 97.5%);
    * ``"INCONCLUSIVE"`` otherwise.

    ``kind="exact"`` (``checks.stats.judge_order``) is the limit τ → 0; it refutes a deterministic
    first-order method whose observed order is 1 + O(η) at every finite η as soon as the CI is
    narrower than that drift, which says nothing about the method's order.

    Parameters
    ----------
    fit : checks.stats.OrderFit
    expected : float
        The claimed order p.
    tolerance : float
        τ > 0, in units of the exponent; say in the claim why it has its size.
    max_ci_width : float, optional
        Widest CI accepted as evidence of equivalence. Default 0.3.

    Returns
    -------
    state, reason : str, str

    Raises
    ------
    ValueError
        If ``fit`` is not an OrderFit, or ``expected``, ``tolerance`` or ``max_ci_width`` is not a
        finite number (τ and the width positive).

    References
    ----------
    .. [1] D. J. Schuirmann, "A comparison of the two one-sided tests procedure and the power
       approach for assessing the equivalence of average bioavailability", J. Pharmacokinet.
       Biopharm. 15(6), 657–680, 1987.

    Examples
    --------
    >>> import numpy as np
    >>> from checks.stats import fit_loglog
    >>> steps = 2.0 ** np.arange(4, 10)
    >>> fit = fit_loglog(steps, (1.0 + 3.0 / steps) / steps)   # order −1 with an O(1/x) drift
    >>> judge_within(fit, expected=-1.0, tolerance=0.1)[0]
    'CONSISTENT'
    >>> judge_within(fit, expected=-2.0, tolerance=0.1)[0]
    'REFUTED'
    """
    if not isinstance(fit, stats.OrderFit):
        raise ValueError(f"fit must be an OrderFit from fit_loglog, got {type(fit).__name__}")
    p = _finite("expected", expected)
    tol = _positive("tolerance", tolerance)
    width_max = _positive("max_ci_width", max_ci_width)
    low, high = fit.low, fit.high
    ci = f"slope {fit.slope:.4g}, CI [{low:.4g}, {high:.4g}]"
    band = f"[{p - tol:.4g}, {p + tol:.4g}]"
    if high < p - tol or low > p + tol:
        return stats.REFUTED, f"{ci} lies outside the band {band} around the claimed order {p:.4g}"
    if p - tol <= low and high <= p + tol and high - low <= width_max:
        return stats.CONSISTENT, f"{ci} lies inside the band {band} around the claimed order {p:.4g}"
    return stats.INCONCLUSIVE, (f"{ci} overlaps the band {band} around {p:.4g} without lying "
                                f"inside it (or is wider than {width_max:.3g})")


def observed_order(x, errors, *, expected, kind="upper_bound", tolerance=None, label="",
                   fraction=0.5, confidence=0.95, max_ci_width=0.3, seed=0):
    """Fit the observed order on the asymptotic range of a sequence and judge it.

    Parameters
    ----------
    x : array_like, shape (n,)
        Positive, strictly increasing refinement parameter; the asymptotic range is its top.
        For a step size η → 0 pass x = 1/η (the claimed exponent changes sign).
    errors : array_like, shape (n,) or (n, n_seeds)
        Positive finite errors; with seeds the CI is a bootstrap over seeds
        (``checks.stats.fit_loglog``).
    expected : float
        The claimed exponent p (error ∝ x^p; negative for a convergent error).
    kind : {"upper_bound", "exact", "within"}, optional
        Default ``"upper_bound"``.
    tolerance : float, optional
        τ of ``kind="within"`` (required there, refused otherwise).
    label : str, optional
        Name of the sequence in the reason.
    fraction : float, optional
        Fraction of the points, from the top, that form the asymptotic range (at least 3 points;
        ``checks.stats.asymptotic_tail``). Default 0.5.
    confidence, max_ci_width, seed :
        As ``checks.stats.fit_loglog`` and ``checks.stats.judge_order``.

    Returns
    -------
    ObservedOrder

    Raises
    ------
    ValueError
        On invalid data or options (a NaN error raises: a diverged run is never judged).

    Examples
    --------
    >>> import numpy as np
    >>> m = 2.0 ** np.arange(3, 11)
    >>> errors = 1.0 / m + 1.0 / m ** 0.5          # order −1/2 with a pre-asymptotic 1/m term
    >>> order = observed_order(m, errors, expected=-0.5)
    >>> order.state, round(order.fit.slope, 2), round(order.full.slope, 2)
    ('CONSISTENT', -0.53, -0.55)
    >>> observed_order(m, errors, expected=-1.0).state
    'REFUTED'
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if (kind == "within") != (tolerance is not None):
        raise ValueError("tolerance must be given exactly when kind='within', got "
                         f"kind={kind!r}, tolerance={tolerance!r}")
    full = stats.fit_loglog(x, errors, confidence=confidence, seed=seed)
    x_tail, e_tail = stats.asymptotic_tail(x, errors, fraction=fraction)
    fit = stats.fit_loglog(x_tail, e_tail, confidence=confidence, seed=seed)
    if kind == "within":
        state, reason = judge_within(fit, expected=expected, tolerance=tolerance,
                                     max_ci_width=max_ci_width)
    else:
        judged = stats.judge_order(fit, expected=expected, kind=kind, max_ci_width=max_ci_width)
        state, reason = judged.state, judged.reason
    where = f"x in [{x_tail[0]:.4g}, {x_tail[-1]:.4g}]"
    prefix = f"{label}: " if label else ""
    return ObservedOrder(label=label, expected=float(expected), kind=kind, tolerance=tolerance,
                         fit=fit, full=full, state=state,
                         reason=f"{prefix}{reason} (asymptotic range {where})")


def joint_state(orders):
    """One state for several sequences that must all obey the claim.

    REFUTED only if every sequence is refuted (a counterexample must hold up on each, e.g. on both
    smoothness classes of a sweep); CONSISTENT only if every sequence is consistent; INCONCLUSIVE
    otherwise.
    """
    orders = list(orders)
    if not orders:
        raise ValueError("orders must hold at least one ObservedOrder, got none")
    states = {o.state for o in orders}
    if states == {stats.REFUTED}:
        return stats.REFUTED
    if states == {stats.CONSISTENT}:
        return stats.CONSISTENT
    return stats.INCONCLUSIVE


def order_plot(order, *, name, title, xlabel, ylabel, x=None, caption="", extra=()):
    """A log–log ``Plot`` of an observed order: errors, the fitted line, the claimed slope.

    The errors are drawn as the geometric mean over seeds with the seeds' log-standard deviation as
    a symmetric bar of the mean (an indication only: the CI comes from the bootstrap). The claimed
    slope is anchored at the fit's value at the first point of the asymptotic range, so the two
    lines are compared by their slopes only (the constant is unspecified).

    Parameters
    ----------
    order : ObservedOrder
    name, title, xlabel, ylabel, caption :
        As ``checks.study.Plot``.
    x : array_like, optional
        The abscissae to draw instead of the fitted x (e.g. η rather than 1/η); same length.
    extra : tuple of Series
        Further series (e.g. a reference curve).
    """
    fit_x, e = order.full.x, order.full.errors
    shown = fit_x if x is None else np.asarray(x, dtype=float)
    if shown.shape != fit_x.shape:
        raise ValueError(f"x must have the fitted sequence's length {fit_x.size}, got {shown.shape}")
    logs = np.log(e)
    mean = np.exp(logs if e.ndim == 1 else logs.mean(axis=1))
    yerr = None if e.ndim == 1 else tuple(mean * logs.std(axis=1))
    tail_x = order.fit.x
    tail = np.isin(fit_x, tail_x)
    fitted = np.exp(order.fit.intercept) * tail_x ** order.fit.slope
    anchor = fitted[0]
    claimed = anchor * (tail_x / tail_x[0]) ** order.expected
    label = f"{order.label}: " if order.label else ""
    series = (
        Series(f"{label}observed", shown, mean, style="o", yerr=yerr),
        Series(f"{label}fit {order.fit.slope:.3f} [{order.fit.low:.3f}, {order.fit.high:.3f}]",
               shown[tail], fitted, style="-"),
        Series(f"{label}claimed slope {order.expected:.3f}", shown[tail], claimed, style="--"),
    ) + tuple(extra)
    return Plot(name, title, xlabel, ylabel, series, xscale="log", yscale="log", caption=caption)


def to_finding(orders, *, plots=(), values=None, note=""):
    """The ``Finding`` of one or several observed orders judged jointly (:func:`joint_state`).

    Its values are each order's (prefixed by its label and "." when there are several) plus
    ``values``; its reason joins the orders' reasons and ``note``.
    """
    orders = list(orders)
    state = engine_state(joint_state(orders))
    named = {}
    for o in orders:
        named.update(o.values(prefix=f"{o.label}." if len(orders) > 1 and o.label else ""))
    named.update(values or {})
    reason = "; ".join(o.reason for o in orders) + (f". {note}" if note else "")
    return Finding(state, reason, named, tuple(plots))


def _finite(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def _positive(name, value):
    v = _finite(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return v
