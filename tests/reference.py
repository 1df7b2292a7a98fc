"""Plain-numpy reference implementations of the compiled kernels, written from the formulas only.

They share no code with ``checks.kernels``: the tests compare the two.
"""

import numpy as np
from scipy.special import erf


def activation(name, z, leak=0.1, smoothness=1.0):
    if name == "smoothed_leaky_relu":
        # Frei, Chatterji & Bartlett 2022, Eq. (1), with γ = leak and H = smoothness
        g, H = leak, smoothness
        shift = (1 - g) / (4 * H)
        value = np.where(z >= 1 / H, z - shift,
                         np.where(z <= -1 / H, g * z - shift,
                                  (1 - g) / 4 * H * z ** 2 + (1 + g) / 2 * z))
        slope = np.where(z >= 1 / H, 1.0, np.where(z <= -1 / H, g, (1 - g) / 2 * H * z + (1 + g) / 2))
        return value, slope
    if name == "relu":
        return np.maximum(z, 0.0), (z >= 0).astype(float)
    if name == "leaky_relu":
        return np.where(z >= 0, z, leak * z), np.where(z >= 0, 1.0, leak)
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s, s * (1.0 - s)
    if name == "softplus":
        return np.logaddexp(0.0, z), 1.0 / (1.0 + np.exp(-z))
    if name == "erf":
        return erf(z), 2.0 / np.sqrt(np.pi) * np.exp(-z * z)
    raise ValueError(name)


def scale_of(scaling, m):
    return {"ntk": m ** -0.5, "mean_field": 1.0 / m, "none": 1.0}.get(scaling, scaling)


def parts(net, W, b, a, X):
    m = W.shape[0]
    s = scale_of(net.scaling, m)
    Z = X @ W.T + (b if net.bias else 0.0)  # (n, m)
    sig, dsig = activation(net.activation, Z, net.leak, net.smoothness)
    v = s * sig @ a
    if net.output == "clip":
        f = np.clip(v, 0.0, 1.0)
        dg = ((v > 0) & (v < 1)).astype(float)
    else:
        f, dg = v, np.ones_like(v)
    return s, Z, sig, dsig, v, f, dg


def loss_and_gradient(net, W, b, a, X, y):
    s, Z, sig, dsig, v, f, dg = parts(net, W, b, a, X)
    if net.loss == "logistic":
        # ℓ(u) = log(1 + e^{−u}), ℓ'(u) = −1/(1 + e^{u})
        n = X.shape[0]
        loss = np.mean(np.logaddexp(0.0, -y * f))
        e = -y / (1.0 + np.exp(y * f)) * dg / n
    else:
        c = 0.5 if net.loss == "half_sum" else 1.0 / X.shape[0]
        loss = c * np.sum((f - y) ** 2)
        e = 2 * c * (f - y) * dg
    ga = s * sig.T @ e
    T = (dsig * e[:, None]) * (s * a)[None, :]  # (n, m)
    gW = T.T @ X
    gb = T.sum(axis=0) if net.bias else np.zeros_like(b)
    return loss, gW, gb, ga


def gram(net, W, b, a, X, groups):
    s, Z, sig, dsig, *_ = parts(net, W, b, a, X)
    H = np.zeros((X.shape[0],) * 2)
    D = dsig * a[None, :]
    if "W" in groups:
        H += (D @ D.T) * (X @ X.T)
    if "b" in groups:
        H += D @ D.T
    if "a" in groups:
        H += sig @ sig.T
    return s * s * H


def gradient_descent(net, W, b, a, X, y, eta, steps):
    """Returns losses, predictions, max neuron move, Frobenius move, flips, λ_min per step."""
    W, b, a = W.copy(), b.copy(), a.copy()
    W0 = W.copy()
    Z0 = X @ W.T + (b if net.bias else 0.0)
    out = {"losses": [], "preds": [], "move_max": [], "move_frob": [], "flips": [], "lmin": []}
    for k in range(steps + 1):
        loss, gW, gb, ga = loss_and_gradient(net, W, b, a, X, y)
        _, Z, *_, f, _ = parts(net, W, b, a, X)
        out["losses"].append(loss)
        out["preds"].append(f)
        out["move_max"].append(np.linalg.norm(W - W0, axis=1).max())
        out["move_frob"].append(np.linalg.norm(W - W0))
        out["flips"].append(int(np.sum((Z >= 0) != (Z0 >= 0))))
        out["lmin"].append(np.linalg.eigvalsh(gram(net, W, b, a, X, net.train))[0])
        if "W" in net.train:
            W = W - eta * gW
        if "b" in net.train:
            b = b - eta * gb
        if "a" in net.train:
            a = a - eta * ga
    return {key: np.array(val) for key, val in out.items()}
