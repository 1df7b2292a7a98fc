"""Continuous L² errors on the circle S¹ by equispaced quadrature, for networks and kernel flows.

Welper's bounds are in the continuous norm ‖g‖²_{L²(S^{d−1})} of the uniform probability measure,
not on a training sample. On the circle (d = 2) the mean over the n equispaced points
φ_k = 2πk/n (``checks.data.circle``) is the trapezoidal rule, exact for trigonometric polynomials
of degree < n and spectrally accurate for smooth periodic integrands, so

    ‖g‖²_{L²(S¹)} ≈ (1/n) Σ_k g(cos φ_k, sin φ_k)².

:func:`l2_error` measures a network's error this way; :func:`kernel_flow_errors` gives the error of
the infinite-width kernel gradient flow on the same points in closed form (its Gram matrix is
circulant, so the flow is diagonal in the discrete Fourier basis), and :func:`kernel_flow_values`
the flow's function values there (to measure a network's distance from its infinite-width limit).
"""

import numpy as np

from checks import data
from checks.network import Network, Params, check_int, forward


def l2_error(net, params, target, *, n=4096):
    r"""Continuous L²(S¹) distance between a network and a target, by the n-point trapezoidal rule.

    .. math::

        \|f_θ - f\|_{L^2(S^1)} \approx \Big(\frac1n \sum_{k=0}^{n-1}
        \big(f_θ(x_k) - f(x_k)\big)^2\Big)^{1/2}, \qquad x_k = (\cos φ_k, \sin φ_k),
        \ φ_k = 2πk/n.

    Parameters
    ----------
    net : checks.network.Network
    params : checks.network.Params
        Parameters of a network on R² (``params.dim == 2``).
    target : callable
        ``target(X) -> (n,)`` array of the target's values at the rows of X.
    n : int, optional
        Number of quadrature points, ≥ 1. Default 4096.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``params`` is not on R², ``n`` < 1, or a value is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from checks.network import Network, Params
    >>> net = Network(activation="relu", bias=False, scaling="none", train=("W",))
    >>> params = Params(np.array([[1.0, 0.0]]), np.zeros(1), np.ones(1))   # f(x) = max(x₁, 0)
    >>> round(l2_error(net, params, lambda X: np.zeros(len(X)), n=1024) ** 2, 6)  # ∫ cos₊² = 1/4
    0.25
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if params.dim != 2:
        raise ValueError(f"params must be a network on R² (the circle), got input dimension "
                         f"{params.dim}")
    n = check_int("n", n, minimum=1)
    X = data.circle(n)
    diff = forward(net, params, X) - np.asarray(target(X), dtype=float)
    if not np.all(np.isfinite(diff)):
        raise ValueError("the network or the target is not finite on the quadrature points")
    return float(np.sqrt(np.mean(diff ** 2)))


def kernel_flow_errors(gram_row, y, times, *, scale=2.0):
    r"""L² error of the kernel gradient flow on the circle's equispaced points, in closed form.

    On the n equispaced points a zonal kernel's Gram matrix H is circulant, H_{jk} = h_{(k−j) mod n},
    with eigenvalues ĥ_ℓ = Σ_k h_k e^{−2πiℓk/n} (the DFT of its first row) on the Fourier modes.
    The flow of the mean loss (1/n)‖u − y‖² in function space, du/dt = −(scale/n) H (u − y) from
    u(0) = 0 (the infinite-width NTK limit of gradient flow from a zero-output initialisation,
    Jacot et al. 2018), has the residual

    .. math::

        e(t) = u(t) - y = -\,\mathcal F^{-1}\big[e^{-t\,\mathrm{scale}\,\hat h_\ell / n}\,
        \hat y_\ell\big], \qquad \|e(t)\|_{L^2} \approx \Big(\frac1n\sum_k e_k(t)^2\Big)^{1/2}.

    Parameters
    ----------
    gram_row : array_like, shape (n,)
        First row of the circulant Gram matrix (e.g. of ``checks.ntk.infinite_width_gram`` on
        ``checks.data.circle(n)``); must be real, with a non-negative spectrum up to rounding.
    y : array_like, shape (n,)
        Target values at the points.
    times : array_like
        Times t ≥ 0.
    scale : float, optional
        2 for the mean squared loss (1/n)Σ(u − y)² (gradient (2/n)(u − y)). Default 2.

    Returns
    -------
    ndarray, shape of ``times``

    References
    ----------
    .. [1] A. Jacot, F. Gabriel, C. Hongler, "Neural tangent kernel: convergence and generalization
       in neural networks", NeurIPS 2018, arXiv:1806.07572.

    Examples
    --------
    >>> import numpy as np
    >>> n = 8
    >>> y = np.cos(2 * np.pi * np.arange(n) / n)          # one Fourier mode, ‖y‖ = 1/√2
    >>> row = np.eye(n)[0] * n / 2                         # H = (n/2) I: rate 1 on every mode
    >>> np.round(kernel_flow_errors(row, y, [0.0, 1.0]), 6)   # e^{−t}/√2
    array([0.707107, 0.26013 ])
    """
    decay, y_hat = _flow_spectrum(gram_row, y, times, scale)
    # Parseval: (1/n)Σ_k e_k² = (1/n²)Σ_ℓ |ê_ℓ|².
    return np.sqrt(np.sum(np.abs(decay * y_hat) ** 2, axis=-1)) / y_hat.size


def kernel_flow_values(gram_row, y, times, *, scale=2.0):
    r"""Function values u(t) of the kernel gradient flow on the circle's equispaced points.

    The flow of :func:`kernel_flow_errors`, du/dt = −(scale/n) H (u − y), u(0) = 0, in closed form:

    .. math::

        u(t) = y - \mathcal F^{-1}\big[e^{-t\,\mathrm{scale}\,\hat h_\ell / n}\,\hat y_\ell\big]
             = \big(I - e^{-t\,(\mathrm{scale}/n) H}\big)\, y .

    With the infinite-width NTK's Gram matrix this is the infinite-width limit f_∞(t) of a network
    trained by gradient flow from a zero-output initialisation (Jacot et al. 2018), at the points.

    Parameters
    ----------
    gram_row, y, times, scale :
        As :func:`kernel_flow_errors`.

    Returns
    -------
    ndarray, shape ``np.shape(times) + (n,)``

    Raises
    ------
    ValueError
        As :func:`kernel_flow_errors`.

    Examples
    --------
    >>> import numpy as np
    >>> n = 8
    >>> y = np.cos(2 * np.pi * np.arange(n) / n)
    >>> row = np.eye(n)[0] * n / 2                         # H = (n/2) I: rate 1 on every mode
    >>> u = kernel_flow_values(row, y, [1.0])
    >>> np.allclose(u[0], (1 - np.exp(-1.0)) * y)
    True
    """
    decay, y_hat = _flow_spectrum(gram_row, y, times, scale)
    return np.asarray(y, dtype=float) - np.real(np.fft.ifft(decay * y_hat, axis=-1))


def _flow_spectrum(gram_row, y, times, scale):
    """Validate a kernel flow's inputs; its per-mode decay e^{−t·scale·ĥ_ℓ/n} and the DFT ŷ."""
    h = np.asarray(gram_row, dtype=float)
    y = np.asarray(y, dtype=float)
    if h.ndim != 1 or y.shape != h.shape:
        raise ValueError(f"gram_row and y must be 1-D of one length, got {h.shape} and {y.shape}")
    n = h.size
    eig = np.real(np.fft.fft(h))
    if eig.min() < -1e-8 * max(eig.max(), 1.0):  # rounding of a PSD spectrum, relative
        raise ValueError(f"gram_row must be a positive semi-definite circulant row, got eigenvalue "
                         f"{eig.min():.3g}")
    t = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("times must be finite and non-negative")
    rates = scale * np.clip(eig, 0.0, None) / n
    return np.exp(-np.multiply.outer(t, rates)), np.fft.fft(y)    # (…, n), (n,)
