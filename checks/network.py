"""Two-layer networks: the setting (`Network`), parameters (`Params`), initialisation, forward, gradient.

A network is f(x) = g(s(m) · Σ_{r=1}^m a_r σ(w_rᵀx + b_r)) (formulas in ``checks.kernels``). This
module is the public edge: it validates shapes, dtypes and names once, then calls the compiled
kernels with plain arrays.
"""

from dataclasses import dataclass
import math
import numbers

import numpy as np

from checks import kernels

ACTIVATIONS = {
    "relu": kernels.RELU,
    "sigmoid": kernels.SIGMOID,
    "softplus": kernels.SOFTPLUS,
    "erf": kernels.ERF,
    "leaky_relu": kernels.LEAKY_RELU,
    "smoothed_leaky_relu": kernels.SMOOTH_LEAKY_RELU,
}
OUTPUTS = {"identity": kernels.IDENTITY, "clip": kernels.CLIP}
LOSSES = {"half_sum": kernels.HALF_SUM, "mean": kernels.MEAN, "logistic": kernels.LOGISTIC}
SCALINGS = ("ntk", "mean_field", "none")
GROUPS = ("W", "b", "a")
OUTER_INITS = ("sign", "normal")


def _choice(name, value, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


@dataclass(frozen=True)
class Network:
    """The setting of a two-layer network and its training loss.

    Parameters
    ----------
    activation : {"relu", "sigmoid", "softplus", "erf", "leaky_relu", "smoothed_leaky_relu"}
        σ. softplus(z) = log(1 + eᶻ) is the smooth ReLU-like activation; leaky ReLU is
        max(z, leak·z); the smoothed leaky ReLU is Frei, Chatterji & Bartlett 2022, Eq. (1), with
        γ = ``leak`` and H = ``smoothness`` (``checks.kernels._smooth_leaky``).
    bias : bool
        Whether neurons have biases b_r (Jentzen & Kröger 2021) or not (Du et al. 2019).
    scaling : {"ntk", "mean_field", "none"} or float
        Output scaling s(m): 1/√m (NTK, Du et al. 2019), 1/m (mean field), 1, or an explicit
        positive number.
    train : tuple of {"W", "b", "a"}
        Parameter groups that gradient descent updates: inner weights, biases, outer weights.
        Du et al. 2019 train ``("W",)``; Safran & Lee 2022 train ``("a",)`` only.
    output : {"identity", "clip"}
        Output map g; "clip" is [z]_+^1 = min(max(z, 0), 1) of Safran & Lee 2022, Eq. (2).
    loss : {"half_sum", "mean", "logistic"}
        L = ½ Σ_i (f(x_i) − y_i)² (Du et al.), (1/n) Σ_i (f(x_i) − y_i)² (Jentzen & Kröger), or
        (1/n) Σ_i log(1 + exp(−y_i f(x_i))) on labels ±1 (Frei, Chatterji & Bartlett 2022).
    leak : float
        Negative-side slope of leaky ReLU, and γ of the smoothed leaky ReLU, in [0, 1] for it
        (ignored by other activations).
    smoothness : float
        H > 0 of the smoothed leaky ReLU: it is quadratic on |z| ≤ 1/H (ignored by others).
    """

    activation: str = "relu"
    bias: bool = False
    scaling: str | float = "ntk"
    train: tuple = ("W",)
    output: str = "identity"
    loss: str = "half_sum"
    leak: float = 0.1
    smoothness: float = 1.0

    def __post_init__(self):
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("output", self.output, OUTPUTS)
        _choice("loss", self.loss, LOSSES)
        if not isinstance(self.bias, (bool, np.bool_)):
            raise TypeError(f"bias must be a bool, got {type(self.bias).__name__}")
        if isinstance(self.scaling, str):
            _choice("scaling", self.scaling, SCALINGS)
        elif not (isinstance(self.scaling, numbers.Real) and math.isfinite(self.scaling)
                  and self.scaling > 0):
            raise ValueError(f"scaling must be one of {list(SCALINGS)} or a positive finite "
                             f"number, got {self.scaling!r}")
        train = (self.train,) if isinstance(self.train, str) else tuple(self.train)
        for group in train:
            _choice("train", group, GROUPS)
        if not train:
            raise ValueError("train must name at least one of ('W', 'b', 'a'), got ()")
        if "b" in train and not self.bias:
            raise ValueError("train includes 'b' but bias=False: a network without biases has "
                             "no bias to train")
        object.__setattr__(self, "train", tuple(g for g in GROUPS if g in train))
        if not (isinstance(self.leak, numbers.Real) and math.isfinite(self.leak)):
            raise ValueError(f"leak must be a finite number, got {self.leak!r}")
        if self.activation == "smoothed_leaky_relu" and not 0.0 <= self.leak <= 1.0:
            raise ValueError(f"leak (γ of the smoothed leaky ReLU) must lie in [0, 1], got "
                             f"{self.leak!r}")
        if isinstance(self.smoothness, (bool, np.bool_)) or not (
                isinstance(self.smoothness, numbers.Real) and math.isfinite(self.smoothness)
                and self.smoothness > 0):
            raise ValueError(f"smoothness (H of the smoothed leaky ReLU) must be a positive "
                             f"finite number, got {self.smoothness!r}")

    def scale(self, m):
        """s(m): the output scaling at width m."""
        if self.scaling == "ntk":
            return 1.0 / math.sqrt(m)
        if self.scaling == "mean_field":
            return 1.0 / m
        if self.scaling == "none":
            return 1.0
        return float(self.scaling)

    @property
    def act_params(self):
        """The activation's parameters as the kernels take them: (leak or γ, H)."""
        return np.array([float(self.leak), float(self.smoothness)])

    def kernel_args(self, m):
        """The runtime switches the compiled kernels take, in their order."""
        return (ACTIVATIONS[self.activation], self.act_params, bool(self.bias),
                self.scale(m), OUTPUTS[self.output], LOSSES[self.loss])

    def check_labels(self, y):
        """y as given, or ValueError when the logistic loss gets labels other than ±1."""
        if self.loss == "logistic" and not np.all(np.abs(y) == 1.0):
            bad = y[np.abs(y) != 1.0]
            raise ValueError(f"y must hold labels -1 or +1 for the logistic loss, got "
                             f"{bad.size} other value(s), e.g. {bad[0]!r}")
        return y

    @property
    def train_flags(self):
        return tuple(g in self.train for g in GROUPS)


@dataclass(frozen=True, eq=False)
class Params:
    """Parameters of a width-m network on R^d: W (m, d), b (m,), a (m,).

    Without biases b is all zeros and never read. Arrays are float64, C-contiguous and owned (copied
    on construction), so a caller's arrays are never modified.
    """

    W: np.ndarray
    b: np.ndarray
    a: np.ndarray

    def __post_init__(self):
        W = as_float_array("W", self.W, ndim=2)
        m = W.shape[0]
        if m < 1:
            raise ValueError(f"W must have at least one row (width m >= 1), got shape {W.shape}")
        b = as_float_array("b", self.b, ndim=1)
        a = as_float_array("a", self.a, ndim=1)
        if b.shape != (m,):
            raise ValueError(f"b must have shape ({m},) to match W's width, got {b.shape}")
        if a.shape != (m,):
            raise ValueError(f"a must have shape ({m},) to match W's width, got {a.shape}")
        object.__setattr__(self, "W", W.copy())
        object.__setattr__(self, "b", b.copy())
        object.__setattr__(self, "a", a.copy())

    @property
    def width(self):
        return self.W.shape[0]

    @property
    def dim(self):
        return self.W.shape[1]

    def astuple(self):
        return self.W, self.b, self.a


def as_float_array(name, value, *, ndim, finite=True):
    """``value`` as a C-contiguous float64 array of ``ndim`` dimensions, or a named error."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - re-raised with the argument's name
        raise TypeError(f"{name} must be an array of numbers: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_int(name, value, *, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_positive(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return float(value)


def check_data(X, y=None, *, dim=None):
    """Validate a data set: X (n, d) finite, y (n,) finite; returns float64 C-contiguous copies."""
    X = as_float_array("X", X, ndim=2)
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    if dim is not None and X.shape[1] != dim:
        raise ValueError(f"X must have {dim} columns to match the parameters' input dimension, "
                         f"got shape {X.shape}")
    if y is None:
        return X
    y = as_float_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got shape {y.shape}")
    return X, y


def init_params(net, m, d, *, seed, kappa=1.0, kappa_b=None, outer="sign", outer_scale=1.0):
    """Random initial parameters, drawn in the order W, b, a from ``np.random.default_rng(seed)``.

    w_r ~ N(0, κ² I_d) (Du et al. 2019 take κ = 1; Arora et al. 2019 a small κ);
    b_r ~ N(0, κ_b²) with κ_b = κ by default when ``net.bias`` (0 gives zero biases), b = 0 otherwise;
    a_r ~ outer_scale · Unif{−1, +1} (``outer="sign"``, Du et al.) or outer_scale · N(0, 1)
    (``outer="normal"``; Safran & Lee 2022, Assumption 7, take outer_scale = 1/r).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    m = check_int("m", m, minimum=1)
    d = check_int("d", d, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    kappa = check_positive("kappa", kappa)
    if kappa_b is None:
        kappa_b = kappa if net.bias else 0.0
    if isinstance(kappa_b, bool) or not isinstance(kappa_b, numbers.Real) \
            or not math.isfinite(kappa_b) or kappa_b < 0:
        raise ValueError(f"kappa_b must be a finite number >= 0, got {kappa_b!r}")
    _choice("outer", outer, OUTER_INITS)
    outer_scale = check_positive("outer_scale", outer_scale)
    rng = np.random.default_rng(seed)
    W = kappa * rng.standard_normal((m, d))
    b = kappa_b * rng.standard_normal(m) if net.bias else np.zeros(m)
    if outer == "sign":
        a = outer_scale * rng.choice(np.array([-1.0, 1.0]), size=m)
    else:
        a = outer_scale * rng.standard_normal(m)
    return Params(W, b, a)


def _check_params(params, X=None):
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if X is not None and X.shape[1] != params.dim:
        raise ValueError(f"X must have {params.dim} columns to match params.W, got shape {X.shape}")


def forward(net, params, X):
    """f(x_i) for every row x_i of X, shape (n,)."""
    _check_params(params)
    X = check_data(X, dim=params.dim)
    act, act_params, use_bias, scale, output, _ = net.kernel_args(params.width)
    return kernels.forward(X, params.W, params.b, params.a, act, act_params, use_bias, scale,
                           output)


def loss_and_gradient(net, params, X, y):
    """(L, gradient) with the gradient as a ``Params`` holding ∂L/∂W, ∂L/∂b, ∂L/∂a.

    Every group's gradient is returned whether or not ``net.train`` includes it (∂L/∂b = 0 without
    biases), so each can be checked against finite differences.
    """
    _check_params(params)
    X, y = check_data(X, y, dim=params.dim)
    y = net.check_labels(y)
    act, act_params, use_bias, scale, output, loss_kind = net.kernel_args(params.width)
    loss, gW, gb, ga = kernels.loss_and_gradient(X, y, params.W, params.b, params.a, act,
                                                 act_params, use_bias, scale, output, loss_kind)
    return loss, Params(gW, gb, ga)


def loss(net, params, X, y):
    """L(θ) = c Σ_i (f(x_i) − y_i)² with c = ½ or 1/n per ``net.loss``, or the logistic loss
    (1/n) Σ_i log(1 + exp(−y_i f(x_i))) (numpy's ``logaddexp``, independent of the kernels)."""
    f = forward(net, params, X)
    y = as_float_array("y", y, ndim=1)
    if y.shape != f.shape:
        raise ValueError(f"y must have one label per row of X ({f.shape[0]}), got shape {y.shape}")
    if net.loss == "logistic":
        return float(np.mean(np.logaddexp(0.0, -net.check_labels(y) * f)))
    c = 0.5 if net.loss == "half_sum" else 1.0 / f.shape[0]
    return c * float(np.sum((f - y) ** 2))
