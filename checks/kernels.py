"""Compiled kernels for two-layer networks: forward pass, hand-derived gradient, whole GD loops, Gram.

The network is

    f(x) = g( s · Σ_{r=1}^m a_r σ(w_rᵀx + b_r) )

with an output map g (identity, or the clipped ReLU [z]_+^1 = min(max(z, 0), 1) of Safran & Lee 2022,
Eq. (2)), an output scaling s, and the loss

    L = c · Σ_i (f(x_i) − y_i)²,   c = ½ ("half_sum", Du et al. 2019) or 1/n ("mean",
                                    Jentzen & Kröger 2021; Safran & Lee 2022),

or the logistic loss L = (1/n) Σ_i log(1 + exp(−y_i f(x_i))) on labels ±1 ("logistic", Frei,
Chatterji & Bartlett 2022).

With v_i = s Σ_r a_r σ(z_ir), z_ir = w_rᵀx_i + b_r and residual e_i = ∂L/∂v_i, which is
2c (f(x_i) − y_i) g'(v_i) for the squared losses and −(1/n) y_i σ(−y_i f(x_i)) g'(v_i) for the
logistic loss (σ the sigmoid):

    ∂L/∂a_r = s Σ_i e_i σ(z_ir)
    ∂L/∂w_r = s a_r Σ_i e_i σ'(z_ir) x_i          (Du et al. 2019, Eq. (3) for the half-sum ReLU case)
    ∂L/∂b_r = s a_r Σ_i e_i σ'(z_ir)

Everything here takes and returns plain float64 arrays and integer switches; the Python API in
``checks.network`` and ``checks.training`` validates input and names things. One compiled
specialisation serves every activation, loss and trained-group combination (runtime switches), so a
fresh machine pays the numba compile time once. No fastmath: every summation order is fixed, so the
same inputs give bit-identical outputs.

A gradient step runs over blocks of neurons in two passes, because the residuals e need the whole
sum over neurons first:

    pass 1, per block:  Z = W_blk Xᵀ + b_blk (one BLAS product), v += σ(Z)ᵀ a_blk
    residuals:          f = g(s v), e
    pass 2, per block:  G_blk = σ'(Z_blk) Xe with Xe = diag(e) [X | 1] (one BLAS product), and
                        [∂L/∂w_r | ∂L/∂b_r] = s a_r G_r; ∂L/∂a_blk = s σ(Z) e

In ``gd_run`` pass 2 of step k, the update and pass 1 of step k + 1 go block by block
(``_sweep``): each block's rows of W and G are read while in cache, with the same bits as
whole passes. The residuals scale the n×(d+1) factor Xe and the factors s a_r the m×(d+1) result,
so pass 2 makes no elementwise sweep over a cached block. Pass 2 reads σ'(Z) (and σ(Z) when a is
trained) cached by pass 1 when all m·n of them fit in ``CACHE_BYTES``; otherwise it recomputes
the block's Z, so no n×m float array is held. For ReLU and leaky ReLU with a not trained, pass 1
instead keeps one byte per pair, the sign 1{z_ir ≥ 0} (up to ``MASK_BYTES`` pairs), and pass 2
rebuilds σ'(Z_blk) from it. All ways give the same bits. Workspaces of ``HUGE_PAGE_BYTES`` or
more ask the kernel for transparent huge pages (``_huge_pages``).

Lanes. A step of at least ``LANE_WORK`` multiply-adds splits the neurons into two fixed halves,
lanes, each with its own blocks, workspace and partial sum v_p; v = s (v_0 + v_1) in that order.
The lanes of a step (pass 2 and the update of step k, then pass 1 of step k + 1: one round per
step) share no written memory and run at once on two numba threads (``gd_run``'s ``threaded``),
each calling the BLAS single-threaded (``checks.blas``), or one after the other. Either way each
lane does the same arithmetic: the bits depend on the sizes, not on the thread count. Below
``LANE_WORK`` there is one lane.

The BLAS products (OpenBLAS dgemm/dgemv through numba's ``np.dot``) are deterministic for a given
BLAS thread count; ``checks.training`` holds it at one during GD runs with at most two numba
threads, so a run is bit-identical alone, repeated, on one numba thread or two, or inside
``gd_run_batch`` (with more numba threads, it leaves the BLAS its own threads).
``forward`` and ``loss_and_gradient`` run the same lanes (one after the other) with the BLAS's
own thread count, which may change the last bits of products large enough to be threaded.
"""

from concurrent.futures import ThreadPoolExecutor
import math
import mmap

from llvmlite import ir
import numba
import numpy as np
from numba import njit, prange, types
from numba.extending import intrinsic

RELU = 0
SIGMOID = 1
SOFTPLUS = 2
ERF = 3
LEAKY_RELU = 4
SMOOTH_LEAKY_RELU = 5

IDENTITY = 0
CLIP = 1

HALF_SUM = 0
MEAN = 1
LOGISTIC = 2

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# A block's pre-activations (B × n float64) take at most BLOCK_BYTES, one core's L2, unless that
# leaves fewer than SMALL_PRODUCT_ROWS neurons per block; then blocks have that many, within
# WIDE_BLOCK_BYTES (``_block_rows``). Measured on the 2-core machine of reports/bench.json (1 MiB
# L2 per core, 32 MiB L3): on "large" (n = 2048) 256 neurons per block (4 MiB) beat 64 (1 MiB) by
# 2.5×, the BLAS products being no longer thin; 8 and 16 MiB were no better. On "medium"
# (n = 256), with the fused step (``_sweep``), 512 neurons per block (1 MiB) beat 2048 (4 MiB):
# sigmoid 5–7%, softplus 3–13%, ReLU −1 to +5% a step (three A/B runs in one process, calls
# interleaved, best of 7).
BLOCK_BYTES = 1 << 20
WIDE_BLOCK_BYTES = 4 << 20
# Blocks are smaller when that keeps each of a block's products, rows × n × (d+1) multiply-adds at
# most, within SMALL_PRODUCT and still leaves blocks of SMALL_PRODUCT_ROWS rows or more (see
# ``_workspace`` for when). Measured on the machine of reports/bench.json (OpenBLAS 0.3.30,
# SkylakeX kernels): products of up to 1e6 multiply-adds take OpenBLAS's single-threaded
# small-matrix path at 58–67 GFLOP/s, where the n = 64 shapes just above it ran at 38–41 on one
# thread; ReLU's GD step on "small" (64, 16, 1024) went from 121 to 100 µs (2 blocks of 512) and
# on "wide" (64, 16, 131072) from 20.4 to 16.5 ms (143 blocks of 917). With n = 256 or more the
# blocks this allows are too thin (128 rows cost "medium" 27%), hence the floor of 256 rows.
SMALL_PRODUCT = 1_000_000
SMALL_PRODUCT_ROWS = 256

# A step of at least this many multiply-adds (n·m·(d+1)) runs in two lanes, halves of the neurons
# on two threads (``lane_count``). The measured crossover on 2 cores lies between 1.4e5 and 3e5:
# ReLU steps, two lanes against one, were 13.1 vs 13.1 µs at (n, d, m) = (64, 16, 128), 31 vs 27 at
# (256, 32, 32) (2.7e5), 17.9 vs 23.2 at (64, 16, 256) (2.8e5), 38.6 vs 63.2 at (16, 4, 4096)
# (3.3e5).
LANE_WORK = 300_000
# Lanes of a step at or above LANE_WORK: one per core of the 2-core machine measured. There four
# lanes gave the same times within noise except "medium" (ReLU 3.85 against 4.2 ms), and eight
# made "large" slower (34.5 against 28.7–30.9 ms).
LANES = 2

# Pass 1 keeps σ'(Z) (and σ(Z)) for pass 2 when the m·n values fit in this much; beyond it pass 2
# recomputes Z block by block and no n×m float array is held. Writing and re-reading 64 MiB of
# σ'(Z) still beat recomputing Z by 15–20% for sigmoid and softplus on "large" and "wide". A
# prototype step split by samples instead (each block of samples' σ'(Z) consumed at once by
# G += σ'(Z_I) Xe_I, so that nothing n×m is held) gained nothing beyond the noise on the 2-core
# AMD EPYC: sigmoid on "large" 36.6–41.2 ms against 37.5 (blocks of 32–256 samples), on "medium"
# 5.65–7.2 against 5.61; its thin products and the sums over G cost what the saved traffic gave.
CACHE_BYTES = 128 << 20
# ReLU and leaky ReLU with a not trained, when pass 1 runs more than one block: σ'(z) takes one of
# two values, so pass 1 keeps only the signs 1{z ≥ 0}, one byte per pair, for up to this many
# pairs, and pass 2 rebuilds σ'(Z) from them with the same bits as a cached σ'(Z), without
# recomputing Z and with an eighth of the memory traffic. 256 MiB is a memory cap, not a tuned
# figure: twice CACHE_BYTES, i.e. 16× as many pairs as the σ' cache holds.
MASK_BYTES = 256 << 20
# Step workspaces of at least this many bytes ask the kernel for transparent huge pages
# (``_huge_pages``), numpy's own threshold for its arrays (numpy/_core/src/multiarray/alloc.c).
# numba's np.empty takes 4 KiB pages, and a fresh run's 64 MiB σ' cache on "large" paid 16k page
# faults (about 30 ms of system time a run) and a TLB miss every 4 KiB of each sweep. Measured on
# the 2-core AMD EPYC of reports/bench.json (THP "madvise"), one process, calls interleaved, best
# of 5 calls of about 0.3 s: sigmoid on "large" 41.1 → 35.0 ms a step, on "wide" 26.6 → 21.2 ms;
# ReLU on "large" (its workspaces are 1-byte signs and one block) 0.87–1.06× over four runs, and
# "medium" within 2%: the noise.
HUGE_PAGE_BYTES = 4 << 20
# madvise's MADV_HUGEPAGE, which Python's mmap module defines only where the kernel has it (Linux)
_HUGE_PAGE_ADVICE = getattr(mmap, "MADV_HUGEPAGE", None)
_PAGE_BYTES = mmap.PAGESIZE


# Cody–Waite split of ln 2 from fdlibm's e_exp.c: LN2_HI has 32 significant bits, so k·LN2_HI is
# exact for the |k| ≤ 1022 used here, and LN2_LO = ln 2 − LN2_HI to double precision.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LOG2_E = 1.4426950408889634
_LN2 = 0.6931471805599453
# e^-708 ≈ 3.3e-308 is the smallest power of e above DBL_MIN (2.2e-308): clamping there keeps 2^k
# a normal number, at an absolute error below 3.3e-308.
_EXP_FLOOR = -708.0
# 1.5·2^52: adding it to |y| < 2^51 rounds y to an integer held in the sum's low mantissa bits.
_SHIFTER = 6755399441055744.0
# Degree-11 polynomial for e^r on |r| ≤ ln2/2: the interpolant of e^r at the 12 Chebyshev nodes of
# [−1.0001·ln2/2, 1.0001·ln2/2], solved in 60-digit arithmetic (mpmath) and rounded to double.
# With the rounded coefficients its error is below 1.7e-17 relative (0.11 ulp) on that interval,
# against 5.2e-18 for the degree-13 Taylor polynomial it replaced, at four operations fewer; the
# evaluation's roundings dominate both (e^x measured within 2.2 ulp either way).
_EXP_POLY = (1.0, 1.0, 0.5000000000000019, 0.1666666666666668, 0.04166666666648795,
             0.008333333333319589, 0.0013888888952352863, 0.00019841269890076403,
             2.4801485441561313e-05, 2.755724088722987e-06, 2.763265472252779e-07,
             2.5110049204818658e-08)
# Degree-7 polynomial in u = s² for atanh(s)/s = Σ u^j/(2j+1) on 0 ≤ u ≤ (3 − 2√2)² ≈ 0.0294:
# the interpolant at the 8 Chebyshev nodes of [0, 1.0001·(3 − 2√2)²], solved and rounded as
# above. With the rounded coefficients its error is below 2.9e-18 relative, against 5.5e-19 for
# the 12-term series it replaced, far below the rounding of the evaluation.
_ATANH_POLY = (1.0, 0.33333333333333826, 0.19999999999650955, 0.1428571438036914,
               0.11111098523202137, 0.09091816120808513, 0.0765625655736915, 0.07404933786156531)
_SQRT2_MINUS_1 = 0.41421356237309503


@intrinsic
def _fma(typingctx, x, y, z):
    """x·y + z rounded once (llvm.fma: one instruction where the CPU has FMA, libm's fma elsewhere,
    the same bits either way), so the polynomials below take half the operations."""
    def codegen(context, builder, signature, args):
        double = ir.DoubleType()
        fma = builder.module.declare_intrinsic("llvm.fma", [double],
                                               ir.FunctionType(double, [double] * 3))
        return builder.call(fma, args)
    return types.float64(types.float64, types.float64, types.float64), codegen


@intrinsic
def _bits_of_float(typingctx, x):
    """The IEEE-754 bit pattern of the float64 ``x`` as an int64 (an LLVM bitcast)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _float_from_bits(typingctx, bits):
    """The float64 with the IEEE-754 bit pattern of the int64 ``bits`` (an LLVM bitcast)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _advise_huge_pages(typingctx, address, length):
    """madvise(address, length, MADV_HUGEPAGE) where Python's mmap module knows that advice (Linux),
    returning its status (0 taken, −1 refused); elsewhere nothing, returning −1. ``address`` must
    be a multiple of the page size."""
    def codegen(context, builder, signature, args):
        status = ir.IntType(32)
        if _HUGE_PAGE_ADVICE is None:
            return ir.Constant(status, -1)
        bytes_ptr = ir.IntType(8).as_pointer()
        madvise = builder.module.globals.get("madvise") or ir.Function(
            builder.module, ir.FunctionType(status, [bytes_ptr, ir.IntType(64), status]),
            "madvise")
        return builder.call(madvise, [builder.inttoptr(args[0], bytes_ptr), args[1],
                                      ir.Constant(status, _HUGE_PAGE_ADVICE)])
    return types.int32(types.uint64, types.uint64), codegen


@njit(cache=True, inline="always")
def _poly12(c, x):
    """Σ_{j<12} c_j x^j by Estrin's scheme: pairs c_2j + c_2j+1 x, then pairs of those with x², x⁴,
    x⁸. Four FMAs deep instead of Horner's eleven, so the vectorised loops are not bound by FMA
    latency (softplus was 26% faster than with Horner)."""
    x2 = x * x
    x4 = x2 * x2
    q0 = _fma(_fma(c[3], x, c[2]), x2, _fma(c[1], x, c[0]))
    q1 = _fma(_fma(c[7], x, c[6]), x2, _fma(c[5], x, c[4]))
    q2 = _fma(_fma(c[11], x, c[10]), x2, _fma(c[9], x, c[8]))
    return _fma(q2, x4 * x4, _fma(q1, x4, q0))


@njit(cache=True, inline="always")
def _poly8(c, x):
    """Σ_{j<8} c_j x^j by Estrin's scheme, as ``_poly12``."""
    x2 = x * x
    q0 = _fma(_fma(c[3], x, c[2]), x2, _fma(c[1], x, c[0]))
    q1 = _fma(_fma(c[7], x, c[6]), x2, _fma(c[5], x, c[4]))
    return _fma(q1, x2 * x2, q0)


@njit(cache=True, inline="always")
def _exp_nonpositive(x):
    """e^x for x ≤ 0 within 2.5 ulp (2.2 measured), in arithmetic and selects only, so loops over
    it vectorise (``math.exp`` is an opaque libm call that keeps them scalar).

    x = k ln 2 + r with k = round(x log₂e) and |r| ≤ ln2/2 (to rounding), e^r by ``_EXP_POLY``,
    2^k from its exponent bits. k comes out of one FMA with ``_SHIFTER`` instead of a floor and
    two conversions. x below −708 counts as −708; NaN stays NaN.
    """
    x = _EXP_FLOOR if x < _EXP_FLOOR else x
    shifted = _fma(x, _LOG2_E, _SHIFTER)
    k = shifted - _SHIFTER
    r = _fma(-k, _LN2_LO, _fma(-k, _LN2_HI, x))
    # the low 12 bits of shifted's pattern are k's two's complement (−1022 ≤ k ≤ 0); the shift
    # drops the rest
    return _poly12(_EXP_POLY, r) * _float_from_bits((_bits_of_float(shifted) + 1023) << 52)


@njit(cache=True, inline="always")
def _log1p_unit(t):
    """log(1 + t) for 0 ≤ t ≤ 1 within 5 ulp (4.3 measured), vectorisable like
    ``_exp_nonpositive``.

    Above √2 − 1, 1 + t = 2(1 + w) with w = (t − 1)/2, so 1 + w always lies in [1/√2, √2]; then
    log(1 + w) = 2 atanh(s) with s = w/(2 + w), |s| ≤ 3 − 2√2.
    """
    big = t > _SQRT2_MINUS_1
    w = (t - 1.0) * 0.5 if big else t
    s = w / (2.0 + w)
    return (_LN2 if big else 0.0) + 2.0 * s * _poly8(_ATANH_POLY, s * s)


@njit(cache=True, inline="always")
def _sigmoid_from(z, t):
    """1 / (1 + e^{−z}) given t = e^{−|z|} ≤ 1, the overflow-free form: one division, no branch."""
    return (1.0 if z >= 0.0 else t) / (1.0 + t)


@njit(cache=True, inline="always")
def _sigmoid(z):
    """1 / (1 + e^{−z}) within 5 ulp (4.0 measured)."""
    return _sigmoid_from(z, _exp_nonpositive(-abs(z)))


@njit(cache=True, inline="always")
def _softplus(z):
    """(softplus(z), sigmoid(z)) = (max(z, 0) + log1p(e^{−|z|}), its derivative): one exp.
    softplus within 6 ulp (5.6 measured)."""
    t = _exp_nonpositive(-abs(z))
    return (z if z > 0.0 else 0.0) + _log1p_unit(t), _sigmoid_from(z, t)


@njit(cache=True, inline="always")
def _linear_piece(z, leaky, leak):
    """(σ(z), σ'(z)) of ReLU (``leaky`` False) or leaky ReLU, written as selects so that loops over
    it vectorise and do not mispredict on the signs of z."""
    pos = z >= 0.0
    negative = leak if leaky else 0.0
    return (z if pos else (leak * z if leaky else 0.0)), (1.0 if pos else negative)


@njit(cache=True, inline="always")
def _smooth_leaky(z, gamma, H):
    """(φ(z), φ'(z)) of the smoothed leaky ReLU, Frei, Chatterji & Bartlett 2022, Eq. (1):

        φ(z) = z − (1−γ)/(4H)                     for z ≥ 1/H,
               ((1−γ)/4) H z² + ((1+γ)/2) z        for |z| ≤ 1/H,
               γ z − (1−γ)/(4H)                   for z ≤ −1/H,

    γ-leaky (γ ≤ φ' ≤ 1) and H-smooth (|φ''| ≤ (1−γ)H/2 ≤ H), φ(0) = 0; as H → ∞ it tends to
    max(γz, z). Written as selects, so loops over it vectorise."""
    shift = (1.0 - gamma) / (4.0 * H)
    quad = (1.0 - gamma) * 0.25 * H
    middle = (quad * z + (1.0 + gamma) * 0.5) * z
    dmiddle = 2.0 * quad * z + (1.0 + gamma) * 0.5
    hi = z >= 1.0 / H
    lo = z <= -1.0 / H
    value = (z - shift) if hi else ((gamma * z - shift) if lo else middle)
    return value, (1.0 if hi else (gamma if lo else dmiddle))


# error_model="numpy" here and on the loops that inline these helpers: their only divisions are by
# 1 + t ≥ 1 and 2 + w ≥ 1.7, never zero, and Python's error model would guard each with a zero
# test that keeps the loops from vectorising. It changes no result.
@njit(cache=True, error_model="numpy")
def activation_and_derivative(z, act, act_params):
    """(σ(z), σ'(z)) for the activation code ``act``.

    ReLU's derivative at 0 is 1, Du et al. 2019's convention 1{w_rᵀx ≥ 0}; leaky ReLU likewise.
    Sigmoid and softplus are evaluated in the overflow-free forms; softplus(z) = max(z, 0) +
    log1p(e^{−|z|}) and its derivative sigmoid(z) share the one exponential.
    """
    if act == SIGMOID:
        s = _sigmoid(z)
        return s, s * (1.0 - s)
    if act == SOFTPLUS:
        return _softplus(z)
    if act == ERF:
        return math.erf(z), _TWO_OVER_SQRT_PI * math.exp(-z * z)
    if act == SMOOTH_LEAKY_RELU:
        return _smooth_leaky(z, act_params[0], act_params[1])
    return _linear_piece(z, act == LEAKY_RELU, act_params[0])


@njit(cache=True, error_model="numpy")
def activation(z, act, act_params):
    """σ(z) alone, the same bits as ``activation_and_derivative(z, act, act_params)[0]``."""
    if act == SIGMOID:
        return _sigmoid(z)
    if act == SOFTPLUS:
        return (z if z > 0.0 else 0.0) + _log1p_unit(_exp_nonpositive(-abs(z)))
    if act == ERF:
        return math.erf(z)
    if act == SMOOTH_LEAKY_RELU:
        return _smooth_leaky(z, act_params[0], act_params[1])[0]
    return _linear_piece(z, act == LEAKY_RELU, act_params[0])[0]


@njit(cache=True, error_model="numpy")
def derivative(z, act, act_params):
    """σ'(z) alone, the same bits as ``activation_and_derivative(z, act, act_params)[1]``."""
    if act == SIGMOID:
        s = _sigmoid(z)
        return s * (1.0 - s)
    if act == SOFTPLUS:
        return _sigmoid(z)
    if act == ERF:
        return _TWO_OVER_SQRT_PI * math.exp(-z * z)
    if act == SMOOTH_LEAKY_RELU:
        return _smooth_leaky(z, act_params[0], act_params[1])[1]
    return _linear_piece(z, act == LEAKY_RELU, act_params[0])[1]


@njit(cache=True)
def output_and_derivative(v, output):
    """(g(v), g'(v)); the clip's derivative is 1 on the open interval (0, 1) (Safran & Lee 2022)."""
    if output == IDENTITY:
        return v, 1.0
    if v <= 0.0:
        return 0.0, 0.0
    if v >= 1.0:
        return 1.0, 0.0
    return v, 1.0


@njit(cache=True)
def _block_rows(m, n):
    """Neurons per block: as many as fit in ``BLOCK_BYTES`` of pre-activations, or, if that is
    fewer than ``SMALL_PRODUCT_ROWS``, that many within ``WIDE_BLOCK_BYTES``; at least one, at
    most m."""
    rows = BLOCK_BYTES // (8 * n)
    if rows < SMALL_PRODUCT_ROWS:
        rows = min(SMALL_PRODUCT_ROWS, WIDE_BLOCK_BYTES // (8 * n))
    return max(1, min(m, rows))


@njit(cache=True)
def _small_rows(m, n, d):
    """Neurons per block when m is cut into equal blocks whose products stay within
    ``SMALL_PRODUCT`` multiply-adds (rows × n × (d+1)), or 0 when such blocks would be thinner
    than ``SMALL_PRODUCT_ROWS`` or m already fits in one."""
    small = SMALL_PRODUCT // (n * (d + 1))
    if small < SMALL_PRODUCT_ROWS or small >= m:
        return 0
    blocks = (m + small - 1) // small
    return (m + blocks - 1) // blocks


@njit(cache=True)
def _data_operands(X):
    """(Xᵀ, [X | 1]): the C-contiguous right operands of the pass-1 and pass-2 BLAS products."""
    n, d = X.shape
    XT = np.empty((d, n))
    X1 = np.ones((n, d + 1))
    for i in range(n):
        for k in range(d):
            XT[k, i] = X[i, k]
            X1[i, k] = X[i, k]
    return XT, X1


@njit(cache=True)
def _product(XT, W, r0, Z):
    """Z[j, i] = w_rᵀx_i for the neurons r = r0 + j, j < Z.shape[0]: one BLAS product W Xᵀ.

    The passes add b_r in their elementwise loops, where it costs no extra sweep over Z. The BLAS
    beats loops written here even on "tiny" (256 × 4 by 4 × 16): 0.85 µs against 1.40 µs for
    the loop with d = 4 unrolled into FMAs and 2.4 µs for the generic one (same bits); pass 2's
    256 × 16 by 16 × 5 took 1.29 µs as one product, 2.48 µs as five matrix-vector products and
    17.7 µs as a loop.
    """
    np.dot(W[r0:r0 + Z.shape[0]], XT, Z)


@njit(cache=True)
def _preactivations(XT, W, b, use_bias, r0, Z):
    """Z[j, i] = w_rᵀx_i + b_r for the neurons r = r0 + j, j < Z.shape[0]."""
    nb, n = Z.shape
    _product(XT, W, r0, Z)
    if use_bias:
        for j in range(nb):
            br = b[r0 + j]
            for i in range(n):
                Z[j, i] += br


@njit(cache=True, error_model="numpy")
def _fill_activation(Z, S, b, use_bias, r0, act, act_params):
    """S[j, i] = σ(Z[j, i] + b_r), r = r0 + j, when S has rows (a trained): the σ(Z) that pass 2's
    ∂L/∂a reads, filled by ``_activate`` and ``_derive`` before they overwrite Z."""
    if S.shape[0] == 0:
        return
    nb, n = Z.shape
    for j in range(nb):
        br = b[r0 + j] if use_bias else 0.0
        for i in range(n):
            S[j, i] = activation(Z[j, i] + br, act, act_params)


@njit(cache=True, error_model="numpy", inline="always")
def _piecewise_rows(Z, P, a, b, use_bias, r0, leaky, leak, v):
    """``_activate`` for ReLU (``leaky`` False) and leaky ReLU: inlined where ``leaky`` is a
    constant, so each gets its own loop without the other's operations.

    Keeping σ'(z) in Z, ReLU's neurons go four at a time, with v_i loaded and stored once for the
    four (the same additions in the same order, so the same bits): one neuron at a time, each
    v_i += … waits for the previous neuron's store of v_i, a chain through memory that binds the
    loop. Four is the only factor measured, chosen as four dependent additions of about 3 cycles
    each, about the time a reload of v_i takes; 2 and 8 were not tried. Measured on the machine
    of reports/bench.json, the loop alone: 1.18 → 0.97 µs for 256 × 16 pairs and 125–143 →
    70–89 µs for 256 × 2048 (best of 7, three runs); ReLU's GD step on "tiny" 4.17 → 3.84 µs.
    Unrolled so, the loop that keeps signs ran 1.8× slower, and sigmoid's GD step on "tiny" 11%
    slower; they go one neuron at a time.
    """
    nb, n = Z.shape
    if P.shape[0] > 0:
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                z = Z[j, i] + br
                v[i] += ar * _linear_piece(z, leaky, leak)[0]
                P[j, i] = z >= 0.0
        return
    j = 0
    # ReLU only (``leaky`` is a constant), the benchmark's activation: the empty-cache compile
    # read 28.8 and 31.0 s before, 32.3 and 36.0 s with both unrolled, 32.8 s with ReLU alone
    while not leaky and j + 4 <= nb:
        r = r0 + j
        a0, a1, a2, a3 = a[r], a[r + 1], a[r + 2], a[r + 3]
        b0 = b[r] if use_bias else 0.0
        b1 = b[r + 1] if use_bias else 0.0
        b2 = b[r + 2] if use_bias else 0.0
        b3 = b[r + 3] if use_bias else 0.0
        for i in range(n):
            s0, d0 = _linear_piece(Z[j, i] + b0, leaky, leak)
            s1, d1 = _linear_piece(Z[j + 1, i] + b1, leaky, leak)
            s2, d2 = _linear_piece(Z[j + 2, i] + b2, leaky, leak)
            s3, d3 = _linear_piece(Z[j + 3, i] + b3, leaky, leak)
            v[i] = (((v[i] + a0 * s0) + a1 * s1) + a2 * s2) + a3 * s3
            Z[j, i], Z[j + 1, i], Z[j + 2, i], Z[j + 3, i] = d0, d1, d2, d3
        j += 4
    for j in range(j, nb):
        ar = a[r0 + j]
        br = b[r0 + j] if use_bias else 0.0
        for i in range(n):
            s, ds = _linear_piece(Z[j, i] + br, leaky, leak)
            v[i] += ar * s
            Z[j, i] = ds


@njit(cache=True, error_model="numpy")
def _activate(Z, S, P, a, b, use_bias, r0, act, act_params, keep, v):
    """v_i += a_r σ(z_ir), z_ir = Z[j, i] + b_r, for r = r0 + j in the order of r (pass 1's share
    of this block).

    With ``keep``, Z is overwritten by σ'(z) and, when S has rows, S by σ(z): pass 2 reads them.
    When P has rows (ReLU, leaky ReLU), P gets the signs 1{z ≥ 0} instead and Z is left as it is.
    One loop nest per activation, the switch outside it, so that each is free of the others'
    branches and vectorises (on the tiny size, switching per neuron cost a sixth of the step).
    Except for erf (the generic loops, through ``activation`` and ``activation_and_derivative``),
    σ' costs little once σ is known and is stored whether or not pass 2 reads it. The smoothed
    leaky ReLU has a loop of its own: through the generic loop its steps took 5–6× ReLU's.
    """
    nb, n = Z.shape
    _fill_activation(Z, S, b, use_bias, r0, act, act_params)
    if act == RELU:
        _piecewise_rows(Z, P, a, b, use_bias, r0, False, 0.0, v)
    elif act == LEAKY_RELU:
        _piecewise_rows(Z, P, a, b, use_bias, r0, True, act_params[0], v)
    elif act == SIGMOID:
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                s = _sigmoid(Z[j, i] + br)
                v[i] += ar * s
                Z[j, i] = s * (1.0 - s)
    elif act == SOFTPLUS:
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                s, ds = _softplus(Z[j, i] + br)
                v[i] += ar * s
                Z[j, i] = ds
    elif act == SMOOTH_LEAKY_RELU:
        gamma, H = act_params[0], act_params[1]
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                s, ds = _smooth_leaky(Z[j, i] + br, gamma, H)
                v[i] += ar * s
                Z[j, i] = ds
    elif keep:
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                s, ds = activation_and_derivative(Z[j, i] + br, act, act_params)
                v[i] += ar * s
                Z[j, i] = ds
    else:
        for j in range(nb):
            ar = a[r0 + j]
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                v[i] += ar * activation(Z[j, i] + br, act, act_params)


@njit(cache=True, error_model="numpy")
def _derive(Z, S, b, use_bias, r0, act, act_params):
    """With z_ir = Z[j, i] + b_r (r = r0 + j), overwrite Z by σ'(z) and, when S has rows, fill
    S = σ(z): pass 2 recomputing pass 1's cache. One loop nest per activation, the switch outside
    it, as in ``_activate``.
    """
    nb, n = Z.shape
    _fill_activation(Z, S, b, use_bias, r0, act, act_params)
    if act == SIGMOID:
        for j in range(nb):
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                s = _sigmoid(Z[j, i] + br)
                Z[j, i] = s * (1.0 - s)
    elif act == SOFTPLUS:
        for j in range(nb):
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                Z[j, i] = _sigmoid(Z[j, i] + br)
    elif act == SMOOTH_LEAKY_RELU:
        gamma, H = act_params[0], act_params[1]
        for j in range(nb):
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                Z[j, i] = _smooth_leaky(Z[j, i] + br, gamma, H)[1]
    elif act == RELU or act == LEAKY_RELU:
        leaky = act == LEAKY_RELU
        for j in range(nb):
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                Z[j, i] = _linear_piece(Z[j, i] + br, leaky, act_params[0])[1]
    else:
        for j in range(nb):
            br = b[r0 + j] if use_bias else 0.0
            for i in range(n):
                Z[j, i] = derivative(Z[j, i] + br, act, act_params)


@njit(cache=True)
def _record_signs(XT, W, b, use_bias, rows, Z, sign0):
    """sign0[r, i] = 1{z_ir ≥ 0} at the current parameters, block by block in Z's first rows."""
    m = W.shape[0]
    for r0 in range(0, m, rows):
        nb = min(rows, m - r0)
        Zb = Z[:nb]
        _preactivations(XT, W, b, use_bias, r0, Zb)
        for j in range(nb):
            for i in range(Zb.shape[1]):
                sign0[r0 + j, i] = Zb[j, i] >= 0.0


@njit(cache=True)
def _count_flips(Z, b, use_bias, r0, sign0):
    """#{(j, i): 1{Z[j, i] + b_r ≥ 0} ≠ sign0[r, i]}, r = r0 + j."""
    nb, n = Z.shape
    count = 0
    for j in range(nb):
        br = b[r0 + j] if use_bias else 0.0
        for i in range(n):
            if (Z[j, i] + br >= 0.0) != sign0[r0 + j, i]:
                count += 1
    return count


@njit(cache=True, inline="always")
def _forward_block(XT, W, b, a, act, act_params, use_bias, r0, nb, Z, S, P, v, sign0):
    """Pass 1's share of the neurons r = r0 … r0 + nb − 1: v_i += a_r σ(z_ir) in the order of r;
    return their flip count against ``sign0`` (when it has rows).

    Z has either m rows, and then keeps σ'(z) (and S, when it has rows, σ(z)) of every pair for
    pass 2, or one block's rows as workspace.
    """
    cached = Z.shape[0] == W.shape[0]
    lo = r0 if cached else 0
    Zb = Z[lo:lo + nb]
    _product(XT, W, r0, Zb)
    flips = 0
    if sign0.shape[0] > 0:
        flips = _count_flips(Zb, b, use_bias, r0, sign0)
    _activate(Zb, S[lo:lo + nb], P[r0:r0 + nb] if P.shape[0] > 0 else P, a, b, use_bias, r0,
              act, act_params, cached, v)
    return flips


@njit(cache=True, error_model="numpy")
def _logistic_residuals(v, y, output, f, e):
    """Fill f = g(v) and e_i = ∂L/∂v_i = −(1/n) y_i σ(−y_i f_i) g'(v_i); return the logistic loss
    L = (1/n) Σ_i ℓ(y_i f_i), ℓ(u) = log(1 + e^{−u}) (Frei, Chatterji & Bartlett 2022, §2.3).

    With t = e^{−|u|} ≤ 1: ℓ(u) = max(−u, 0) + log1p(t) and σ(−u) = 1/(1 + e^{u}) = (t if u ≥ 0
    else 1)/(1 + t), the overflow-free forms (``_exp_nonpositive``, ``_log1p_unit``)."""
    n = v.shape[0]
    total = 0.0
    for i in range(n):
        fi, dg = output_and_derivative(v[i], output)
        f[i] = fi
        u = y[i] * fi
        t = _exp_nonpositive(-abs(u))
        total += (-u if u < 0.0 else 0.0) + _log1p_unit(t)
        e[i] = -y[i] * ((t if u >= 0.0 else 1.0) / (1.0 + t)) * dg / n
    return total / n


@njit(cache=True)
def _residuals(v, y, output, loss_kind, f, e):
    """Fill f = g(v) and e_i = 2c (f_i − y_i) g'(v_i); return the loss c Σ (f_i − y_i)². The
    logistic loss (``LOGISTIC``) is ``_logistic_residuals``."""
    if loss_kind == LOGISTIC:
        return _logistic_residuals(v, y, output, f, e)
    n = v.shape[0]
    c = 0.5 if loss_kind == HALF_SUM else 1.0 / n
    total = 0.0
    for i in range(n):
        fi, dg = output_and_derivative(v[i], output)
        f[i] = fi
        diff = fi - y[i]
        total += diff * diff
        e[i] = 2.0 * c * diff * dg
    return c * total


@njit(cache=True, inline="always")
def _backward_block(XT, W, b, a, act, act_params, use_bias, scale, r0, nb, Z, S, P, e, Xe, G, ga):
    """Pass 2's share of the neurons r = r0 … r0 + nb − 1 (see ``_sweep``)."""
    m = W.shape[0]
    cached = Z.shape[0] == m
    lo = r0 if cached else 0
    Zb = Z[lo:lo + nb]
    Sb = S[lo:lo + nb]
    if P.shape[0] > 0:
        if G.shape[0] == 0:
            return
        negative = act_params[0] if act == LEAKY_RELU else 0.0
        n = e.shape[0]
        for j in range(nb):
            for i in range(n):
                Zb[j, i] = 1.0 if P[r0 + j, i] else negative
    elif not cached:
        _product(XT, W, r0, Zb)
        _derive(Zb, Sb, b, use_bias, r0, act, act_params)
    if S.shape[0] > 0:
        gab = ga[r0:r0 + nb]
        np.dot(Sb, e, gab)
        for j in range(nb):
            gab[j] *= scale
    if G.shape[0] > 0:
        np.dot(Zb, Xe, G[r0:r0 + nb])


@njit(cache=True)
def _sweep(backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale, rows, Z, S, P, e,
           Xe, G, ga, eta, train_w, train_b, train_a, v, sign0):
    """One sweep over the neurons in blocks of ``rows``; return the flip count of pass 1.

    For each block in the order of r: with ``backward``, pass 2 (``_backward_block``): G = D Xe
    when G has rows, so that [∂L/∂w_r | ∂L/∂b_r] = s a_r G_r, and ga = ∂L/∂a when S has rows; with
    ``step`` too, the GD update of the block's neurons (``_update``); with ``forward``, pass 1
    (``_forward_block``) at their (updated) parameters into v = Σ_r a_r σ(z_ir) (unscaled; v is
    zeroed first) and its flips against ``sign0``.

    Z and S are pass 1's (see ``_forward_block``); D = σ'(Z) and Xe = diag(e) [X | 1] (n × (d+1),
    from ``_scaled_operand``). Xe and G have d columns, X's, when no ∂L/∂b is wanted (``gd_run``
    without a trained bias); without biases, a (d+1)-th column means nothing. The residuals
    scale the small factor of the product and the factors s a_r are applied by the callers
    (``_update`` with the step, ``loss_and_gradient`` before returning), so a cached σ'(Z) is read
    as it is, with no elementwise sweep. ga_blk = s σ(Z) e.

    Doing the three block by block gives the bits of three whole sweeps one after the other: a
    neuron's update reads only its own gradient row, and v still adds the neurons in the order of
    r. But a block's rows of W, G and of the signs are used while they are in cache, instead of
    being read from memory by each of three sweeps over the m neurons. Measured on the 2-core AMD
    EPYC of reports/bench.json, against whole sweeps in one process, calls interleaved, best of 7:
    ReLU on "wide" 9.81 → 9.13 ms a step, sigmoid on "wide" 29.7 → 26.5 ms, on "large" 7% and on
    "medium" 5% faster; ReLU on tiny, small, medium and large within 3% (the noise). One
    function for every combination, called from two places (``_lane``, ``gd_run``), because each
    call site of the block functions is a copy of the activation loops for LLVM to compile: three
    sweep functions had put 15 s on an empty cache's compile.
    """
    m = W.shape[0]
    if forward:
        v[:] = 0.0
    flips = 0
    for r0 in range(0, m, rows):
        nb = min(rows, m - r0)
        if backward:
            _backward_block(XT, W, b, a, act, act_params, use_bias, scale, r0, nb, Z, S, P, e, Xe,
                            G, ga)
            if step and nb == m:
                # one block: no views to make (they cost the tiny size 4% of its step)
                _update(W, b, a, G, ga, eta, scale, train_w, train_b, train_a)
            elif step:
                r1 = r0 + nb
                _update(W[r0:r1], b[r0:r1], a[r0:r1], G[r0:r1], ga[r0:r1], eta, scale, train_w,
                        train_b, train_a)
        if forward:
            flips += _forward_block(XT, W, b, a, act, act_params, use_bias, r0, nb, Z, S, P, v,
                                    sign0)
    return flips


@njit(cache=True)
def _workspace(m, n, d, maskable, lanes):
    """(rows, kept, masked): for one lane of m neurons out of ``lanes``, the block size, the rows
    of pass 1's array (all m when they fit in ``CACHE_BYTES`` / lanes, else one block) and those
    of pass 1's sign bits (m when ``maskable``, a piecewise-linear σ with a not trained, they fit
    in ``MASK_BYTES`` / lanes and the lane runs several blocks or small-product ones; then the
    array is one block's workspace; else 0).

    Small-product blocks (``_small_rows``) are used whenever m allows them: with the sign bits,
    and also when σ'(Z) is cached, where a block's Z (≤ 1e6/(d+1) rows × n) then stays in the L2
    cache between its product and the activation sweep. Measured on the 2-core AMD EPYC of
    reports/bench.json (1 MiB L2 per core): sigmoid on "wide" went from 32.3 to 23.3 ms per step
    and softplus from 39.5 to 29.2 ms (ReLU, medium and large unchanged: their n leaves no
    small-product blocks). On the Intel machine measured earlier, before the lanes, they had cost
    sigmoid on "wide" 20% (34.8 to 41 ms).
    """
    rows = _block_rows(m, n)
    small = _small_rows(m, n, d)
    if maskable and m * n * lanes <= MASK_BYTES and (rows < m or small > 0):
        rows = small if small > 0 else rows
        return rows, rows, m
    if small > 0:
        rows = small
    kept = m if 8 * m * n * lanes <= CACHE_BYTES else rows
    return rows, kept, 0


@njit(cache=True)
def lane_count(m, n, d):
    """How many lanes (fixed parts of the neurons, each with its own partial sum v) a network
    of width m on n points in d dimensions runs in: ``LANES`` when a step's n·m·(d+1)
    multiply-adds reach ``LANE_WORK`` (and m ≥ ``LANES``), else 1. It depends on the sizes alone,
    never on the thread count."""
    return LANES if m >= LANES and n * m * (d + 1) >= LANE_WORK else 1


@njit(cache=True)
def _huge_pages(A):
    """Ask for transparent huge pages under the whole pages of A's memory when A takes at least
    ``HUGE_PAGE_BYTES``, before anything is written to it: fewer page faults when it is first
    written, fewer TLB misses when it is swept. Return whether the kernel took the advice.

    Only advice: the kernel may refuse it, ignore it (THP "never") or fall back to small pages;
    A's values are the same either way. The first huge pages of a process may cost more than they
    save, while the kernel compacts memory to find them, as for numpy's own arrays: allocating and
    filling a 64 MiB array took 135–199 ms the first time in a process, 13–17 ms after, against
    31 ms with 4 KiB pages (the machine of reports/bench.json)."""
    nbytes = np.uint64(A.size * A.itemsize)
    if nbytes < HUGE_PAGE_BYTES:
        return False
    page = np.uint64(_PAGE_BYTES)
    start = np.uint64(A.ctypes.data)
    skip = (page - start % page) % page
    return _advise_huge_pages(start + skip, nbytes - skip) == 0


@njit(cache=True)
def _lane_arrays(m, n, d, maskable, keep_s, lanes):
    """(rows, Zl, Sl, Pl, vl, flipsl): per-lane workspaces for ``_lane``, lane p in Zl[p] etc.

    Sl has Zl's rows when ``keep_s`` (a trained: pass 2's ∂L/∂a reads σ(Z)), else none."""
    h = (m + lanes - 1) // lanes
    rows, kept, masked = _workspace(h, n, d, maskable, lanes)
    Zl = np.empty((lanes, kept, n))
    Sl = np.empty((lanes, kept if keep_s else 0, n))
    Pl = np.empty((lanes, masked, n), dtype=np.bool_)
    _huge_pages(Zl)
    _huge_pages(Sl)
    _huge_pages(Pl)
    return rows, Zl, Sl, Pl, np.empty((lanes, n)), np.zeros(lanes, dtype=np.int64)


@njit(cache=True)
def _lane(p, lanes, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale, rows,
          Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b, train_a):
    """Lane p's share of a step: its neurons r in [p·h, (p+1)·h), h = ⌈m / lanes⌉.

    ``_sweep`` over them: with ``backward``, pass 2, and with ``step`` too their GD update; with
    ``forward``, pass 1 at the (updated) parameters into vl[p] = Σ_r a_r σ(z_ir) over the lane's r,
    unscaled, and its flip count into flipsl[p]. Lanes share no written memory, so they may run
    at once on separate threads.
    """
    m = W.shape[0]
    h = (m + lanes - 1) // lanes
    lo = min(m, p * h)
    hi = min(m, lo + h)
    mp = hi - lo
    Z = Zl[p, :min(Zl.shape[1], mp)]
    S = Sl[p, :min(Sl.shape[1], mp)]
    P = Pl[p, :mp]
    Wp = W[lo:hi]
    bp = b[lo:hi]
    ap = a[lo:hi]
    flips = _sweep(backward, step, forward, XT, Wp, bp, ap, act, act_params, use_bias, scale, rows,
                   Z, S, P, e, Xe, G[lo:hi], ga[lo:hi], eta, train_w, train_b, train_a, vl[p],
                   sign0[lo:hi])
    if forward:
        flipsl[p] = flips


@njit(cache=True, parallel=True)
def _lanes_threaded(lanes, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale,
                    rows, Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b,
                    train_a):
    """``_lane`` for every lane at once, one per numba thread (BLAS held to one thread by the
    caller, ``checks.blas.single_threaded``)."""
    for p in prange(lanes):
        _lane(p, lanes, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale, rows,
              Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b, train_a)


@njit(cache=True)
def _lanes(threaded, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale, rows,
           Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b, train_a):
    """Every lane's ``_lane``: on numba threads when ``threaded`` and there are several, else one
    after the other. Either way each lane does the same arithmetic, so the bits are the same."""
    lanes = vl.shape[0]
    if threaded and lanes > 1:
        _lanes_threaded(lanes, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale,
                        rows, Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b,
                        train_a)
    else:
        for p in range(lanes):
            _lane(p, lanes, backward, step, forward, XT, W, b, a, act, act_params, use_bias, scale,
                  rows, Zl, Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b,
                  train_a)


@njit(cache=True)
def _combine(vl, flipsl, scale, v):
    """v_i = s (vl[0, i] + vl[1, i] + …), the lanes added in their fixed order; return the total
    flip count."""
    lanes, n = vl.shape
    for i in range(n):
        total = vl[0, i]
        for p in range(1, lanes):
            total += vl[p, i]
        v[i] = total * scale
    return flipsl.sum()


@njit(cache=True)
def _scaled_operand(e, X1, Xe):
    """Xe[i, k] = e_i X1[i, k] for Xe's columns: pass 2's diag(e) [X | 1] (or diag(e) X)."""
    for i in range(Xe.shape[0]):
        for k in range(Xe.shape[1]):
            Xe[i, k] = e[i] * X1[i, k]


@njit(cache=True)
def forward(X, W, b, a, act, act_params, use_bias, scale, output):
    """Network outputs f(x_i) for every row of X (in ``gd_run``'s lanes, so with its bits)."""
    n, d = X.shape
    m = W.shape[0]
    XT, _ = _data_operands(X)
    lanes = lane_count(m, n, d)
    h = (m + lanes - 1) // lanes
    rows = _block_rows(h, n)
    Zl = np.empty((lanes, min(rows, h), n))
    nomask = np.empty((lanes, 0, n), dtype=np.bool_)
    vl = np.empty((lanes, n))
    flipsl = np.zeros(lanes, dtype=np.int64)
    empty = np.empty((0, 0))
    _lanes(False, False, False, True, XT, W, b, a, act, act_params, use_bias, scale, rows, Zl,
           np.empty((lanes, 0, n)), nomask, vl, np.empty((0, n), dtype=np.bool_), flipsl,
           np.empty(0), empty, empty, np.empty(0), 0.0, False, False, False)
    v = np.empty(n)
    _combine(vl, flipsl, scale, v)
    f = np.empty(n)
    for i in range(n):
        f[i], _ = output_and_derivative(v[i], output)
    return f


@njit(cache=True)
def loss_and_gradient(X, y, W, b, a, act, act_params, use_bias, scale, output, loss_kind):
    """(L, ∂L/∂W, ∂L/∂b, ∂L/∂a) with every group's gradient (∂L/∂b = 0 without biases), in
    ``gd_run``'s lanes (one after the other), so with its bits."""
    n, d = X.shape
    m = W.shape[0]
    XT, X1 = _data_operands(X)
    lanes = lane_count(m, n, d)
    rows, Zl, Sl, Pl, vl, flipsl = _lane_arrays(m, n, d, False, True, lanes)
    G = np.empty((m, d + 1))
    Xe = np.empty((n, d + 1))
    ga = np.empty(m)
    v = np.empty(n)
    f = np.empty(n)
    e = np.empty(n)
    nosigns = np.empty((0, n), dtype=np.bool_)
    _lanes(False, False, False, True, XT, W, b, a, act, act_params, use_bias, scale, rows, Zl, Sl, Pl,
           vl, nosigns, flipsl, e, Xe, G, ga, 0.0, False, False, False)
    _combine(vl, flipsl, scale, v)
    loss = _residuals(v, y, output, loss_kind, f, e)
    _scaled_operand(e, X1, Xe)
    _lanes(False, True, False, False, XT, W, b, a, act, act_params, use_bias, scale, rows, Zl, Sl, Pl,
           vl, nosigns, flipsl, e, Xe, G, ga, 0.0, False, False, False)
    gW = np.empty((m, d))
    gb = np.zeros(m)
    for r in range(m):
        c = scale * a[r]
        for k in range(d):
            gW[r, k] = c * G[r, k]
        if use_bias:
            gb[r] = c * G[r, d]
    return loss, gW, gb, ga


@njit(cache=True)
def _gram_from_preactivations(X, a, act, act_params, use_bias, scale, Z, with_w, with_b, with_a):
    """H = J Jᵀ for the pre-output function v over the chosen parameter groups.

    H_ij = s² Σ_r a_r² σ'(z_ir) σ'(z_jr) (x_iᵀx_j [W] + 1 [b]) + s² Σ_r σ(z_ir) σ(z_jr) [a].
    For ReLU, ``W`` only, s = 1/√m and a_r = ±1 this is Du et al. 2019's H(k).
    """
    m, n = Z.shape
    H = np.zeros((n, n))
    if with_w or (with_b and use_bias):
        D = np.empty((m, n))
        for r in range(m):
            for i in range(n):
                _, ds = activation_and_derivative(Z[r, i], act, act_params)
                D[r, i] = a[r] * ds
        inner = np.dot(D.T, D)
        factor = np.zeros((n, n))
        if with_w:
            factor += np.dot(X, X.T)
        if with_b and use_bias:
            factor += 1.0
        H += inner * factor
    if with_a:
        S = np.empty((m, n))
        for r in range(m):
            for i in range(n):
                s, _ = activation_and_derivative(Z[r, i], act, act_params)
                S[r, i] = s
        H += np.dot(S.T, S)
    return H * (scale * scale)


@njit(cache=True)
def empirical_gram(X, W, b, a, act, act_params, use_bias, scale, with_w, with_b, with_a):
    """Empirical NTK Gram matrix of the pre-output function at parameters (W, b, a)."""
    XT, _ = _data_operands(X)
    Z = np.empty((W.shape[0], X.shape[0]))
    _preactivations(XT, W, b, use_bias, 0, Z)
    return _gram_from_preactivations(X, a, act, act_params, use_bias, scale, Z, with_w, with_b, with_a)


@njit(cache=True)
def _record_movement(W, W0, k, move_max, move_frob):
    """move_max[k] = max_r ‖w_r − w_r(0)‖, move_frob[k] = ‖W − W(0)‖_F."""
    m, d = W.shape
    worst = 0.0
    total = 0.0
    for r in range(m):
        sq = 0.0
        for j in range(d):
            diff = W[r, j] - W0[r, j]
            sq += diff * diff
        total += sq
        if sq > worst:
            worst = sq
    move_max[k] = math.sqrt(worst)
    move_frob[k] = math.sqrt(total)


@njit(cache=True)
def _update(W, b, a, G, ga, eta, scale, train_w, train_b, train_a):
    """θ ← θ − η ∇L on the trained groups, with [∂L/∂w_r | ∂L/∂b_r] = s a_r G_r from
    ``_backward_block`` (each gradient entry rounded before the step, as if formed first) and
    a_r taken before a's own step."""
    m, d = W.shape
    if train_w or train_b:
        for r in range(m):
            c = scale * a[r]
            if train_w:
                for j in range(d):
                    W[r, j] -= eta * (c * G[r, j])
            if train_b:
                b[r] -= eta * (c * G[r, d])
    if train_a:
        for r in range(m):
            a[r] -= eta * ga[r]


@njit(cache=True, nogil=True)
def gd_run(X, y, W, b, a, act, act_params, use_bias, scale, output, loss_kind,
             train_w, train_b, train_a, eta, steps, gram_every,
             losses, move_max, move_frob, flips, preds, gram_lmin, threaded):
    """Run ``steps`` full-batch GD steps in place on (W, b, a); return the divergence step or −1.

    losses[k] = L(θ_k) for k = 0..steps. The per-step records are filled when they have length
    steps + 1 (empty arrays switch them off): move_max[k] = max_r ‖w_r(k) − w_r(0)‖,
    move_frob[k] = ‖W(k) − W(0)‖_F, flips[k] = #{(i, r): 1{z_ir(k) ≥ 0} ≠ 1{z_ir(0) ≥ 0}},
    preds[k] = (f(x_1), …, f(x_n)) at step k, and gram_lmin[j] = λ_min(H(θ_{j·gram_every})) over the
    trained groups. A non-finite loss at step k stops the run and returns k: records from k on are
    left unwritten and must not be read. Every work array is allocated here, once per run.

    The neurons run in ``lane_count(m, n, d)`` lanes; with ``threaded`` the lanes of a step run
    at once on numba's threads, which wants the BLAS held to one thread (``checks.blas``). The
    lanes are fixed by the sizes, so the result has the same bits threaded or not.
    """
    n, d = X.shape
    m = W.shape[0]
    XT, X1 = _data_operands(X)
    lanes = lane_count(m, n, d)
    maskable = (act == RELU or act == LEAKY_RELU) and not train_a
    rows, Zl, Sl, Pl, vl, flipsl = _lane_arrays(m, n, d, maskable, train_a, lanes)
    train_b = train_b and use_bias
    # without a trained bias, pass 2's product leaves out X1's column of ones: d columns, not d + 1
    Xe = np.empty((n, d + 1 if train_b else d))
    G = np.empty((m if train_w or train_b else 0, Xe.shape[1]))
    ga = np.empty(m)
    v = np.empty(n)
    f = np.empty(n)
    e = np.empty(n)
    track_move = move_max.shape[0] > 0
    W0 = W.copy() if track_move else np.empty((0, d))
    sign0 = np.empty((m if flips.shape[0] > 0 else 0, n), dtype=np.bool_)
    if flips.shape[0] > 0:
        _record_signs(XT, W, b, use_bias, rows, Zl[0], sign0)
    Zgram = np.empty((m if gram_every > 0 else 0, n))
    Z0, S0, P0, v0 = Zl[0], Sl[0], Pl[0], vl[0]
    _lanes(threaded, False, False, True, XT, W, b, a, act, act_params, use_bias, scale, rows, Zl, Sl,
           Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b, train_a)
    for k in range(steps + 1):
        flipped = _combine(vl, flipsl, scale, v)
        loss = _residuals(v, y, output, loss_kind, f, e)
        if not math.isfinite(loss):
            return k
        losses[k] = loss
        if preds.shape[0] > 0:
            for i in range(n):
                preds[k, i] = f[i]
        if track_move:
            _record_movement(W, W0, k, move_max, move_frob)
        if flips.shape[0] > 0:
            flips[k] = flipped
        if gram_every > 0 and k % gram_every == 0:
            _preactivations(XT, W, b, use_bias, 0, Zgram)
            H = _gram_from_preactivations(X, a, act, act_params, use_bias, scale, Zgram,
                                          train_w, train_b, train_a)
            gram_lmin[k // gram_every] = np.linalg.eigvalsh(H)[0]
        if k == steps:
            break
        if G.shape[0] > 0:
            _scaled_operand(e, X1, Xe)
        # pass 2 and the update of step k, then pass 1 of step k + 1
        if lanes == 1:
            # _lane(0)'s arithmetic, on views made once: making them and passing _lane's arguments
            # each step cost 0.15 µs of tiny's 4.4 µs, and calling _lanes 0.4 µs more
            flipsl[0] = _sweep(True, True, True, XT, W, b, a, act, act_params, use_bias, scale, rows,
                               Z0, S0, P0, e, Xe, G, ga, eta, train_w, train_b, train_a, v0, sign0)
        else:
            _lanes(threaded, True, True, True, XT, W, b, a, act, act_params, use_bias, scale, rows, Zl,
                   Sl, Pl, vl, sign0, flipsl, e, Xe, G, ga, eta, train_w, train_b, train_a)
    return -1


def gd_run_batch(X, y, W, b, a, act, act_params, use_bias, scale, output, loss_kind,
                 train_w, train_b, train_a, eta, steps, gram_every,
                 losses, move_max, move_frob, flips, preds, gram_lmin, diverged_at):
    """S independent GD runs of one problem, one per leading index, on ``numba.get_num_threads()``
    threads; diverged_at[s] gets run s's ``gd_run`` status.

    Each run is a call of ``gd_run`` (compiled ``nogil``, so the threads run at once) on its own
    slices, so run s of a batch is bit-identical to the single run from the same initial
    parameters. Python threads rather than a ``prange`` kernel: no second compilation of the
    whole GD loop as a parallel kernel. Each run's lanes run one after the other (``threaded``
    False): the runs already share the cores.
    """
    def run(s):
        diverged_at[s] = gd_run(X, y, W[s], b[s], a[s], act, act_params, use_bias, scale, output,
                                loss_kind, train_w, train_b, train_a, eta, steps, gram_every,
                                losses[s], move_max[s], move_frob[s], flips[s], preds[s],
                                gram_lmin[s], False)

    runs = W.shape[0]
    with ThreadPoolExecutor(max_workers=min(runs, numba.get_num_threads())) as pool:
        list(pool.map(run, range(runs)))  # waits for every run, re-raising the first error
