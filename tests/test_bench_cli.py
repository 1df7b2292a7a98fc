"""``gdproofs bench`` (``checks.bench``): the implementations agree, a wrong one is caught, the
result has its documented keys, missing peers are reported, and the command's glue.

Speed is measured by the benchmark, never asserted here: the timings below run in quick mode only
to check that every stage runs. The full benchmark is ``gdproofs bench``.
"""

import json
import sys

import numpy as np
from numpy.testing import assert_allclose
import pytest

from checks import bench
from checks import report
from checks.cli import main

RESULT_KEYS = {"machine", "quick", "roof", "problem", "pair_floor", "sizes", "batched", "scaling",
               "cold_start", "targets", "mismatches", "correct"}
SIZE_KEYS = {"shape", "eta", "flops_per_step", "implementations", "best_peer",
             "speedup_vs_best_peer", "speedup_vs", "fraction_of_roof", "products", "ceiling",
             "activations", "losses"}
TIMING_KEYS = {"step_time", "steps_per_s", "gflops", "k", "repeats"}


@pytest.fixture(scope="module")
def quick_result():
    """One quick benchmark of gdproofs alone on tiny, shared by the tests that read a result."""
    return bench.run_bench(sizes=["tiny"], peers=False, quick=True)


def _bias_gradient_off(problem, activation="relu", loss="squared"):
    """The numpy reference with ∂L/∂b 1% too large: a plausible, small bug."""
    X, y, eta = problem.X, problem.y, problem.eta
    sa = problem.scale * problem.params.a

    def run(k):
        W, b = problem.params.W.copy(), problem.params.b.copy()
        losses = np.empty(k + 1)
        for step in range(k + 1):
            Z = X @ W.T + b
            r = np.maximum(Z, 0.0) @ sa - y
            losses[step] = 0.5 * (r @ r)
            if step < k:
                T = (Z >= 0.0) * r[:, None] * sa
                W -= eta * (T.T @ X)
                b -= eta * 1.01 * T.sum(axis=0)
        return losses

    return run


def _diverges(problem, activation="relu", loss="squared"):
    """A runner whose loss becomes NaN: a trajectory that can never agree."""
    reference = bench.make_numpy(problem, activation, loss)

    def run(k):
        losses = reference(k)
        losses[k // 2:] = np.nan
        return losses

    return run


@pytest.mark.parametrize("activation, loss", [("relu", "squared"), ("sigmoid", "squared"),
                                              ("softplus", "squared"), ("relu", "logistic")])
@pytest.mark.parametrize("size", ["tiny", "small"])
def test_numpy_reference_agrees_with_gdproofs(size, activation, loss):
    # The two sum in different orders (BLAS blocking against numba's loops over r, i, k), so
    # each step's loss differs by rounding, ~n·eps ≈ 1e-15 relative, and the contracting GD
    # steps do not amplify it much over 20 steps (measured ≤ 4e-15). rtol 1e-9
    # (bench.CHECK_RTOL) leaves a wide margin for other BLAS builds, while a wrong gradient term
    # moves the trajectory by 1e-5 or more (test_wrong_implementation_is_caught).
    problem = bench.Problem(*bench.SIZES[size])
    reference = bench.make_gdproofs(problem, activation, loss)(bench.CHECK_STEPS)
    losses = bench.make_numpy(problem, activation, loss)(bench.CHECK_STEPS)
    assert_allclose(losses, reference, rtol=bench.CHECK_RTOL, atol=0)
    # GD makes progress: the check compares a moving loss, by far more than CHECK_RTOL
    assert reference[-1] < reference[0] * (1 - 1e3 * bench.CHECK_RTOL)
    check = bench.check_correctness(bench.make_numpy(problem, activation, loss), reference)
    assert check["agree"] and check["max_rel_err"] <= bench.CHECK_RTOL


# torch.compile is left out: its compilation takes tens of seconds per shape and activation, and
# it runs the same hand gradient as the "hand, inference_mode" form checked here.
@pytest.mark.parametrize("activation, loss", [("relu", "squared"), ("sigmoid", "squared"),
                                              ("softplus", "squared"), ("relu", "logistic")])
@pytest.mark.parametrize("peer, form", [(peer, form) for peer in ("torch", "jax")
                                        for form in bench.PEER_FORMS[peer]
                                        if form not in bench.SLOW_TO_BUILD])
def test_installed_peer_agrees_with_gdproofs(peer, form, activation, loss):
    pytest.importorskip(peer)
    problem = bench.Problem(*bench.SIZES["tiny"])
    reference = bench.make_gdproofs(problem, activation, loss)(bench.CHECK_STEPS)
    check = bench.check_correctness(bench.PEER_FORMS[peer][form](problem, activation, loss),
                                    reference)
    assert check["agree"], check


@pytest.mark.parametrize("make", [_bias_gradient_off, _diverges])
def test_wrong_implementation_is_caught(make):
    problem = bench.Problem(*bench.SIZES["tiny"])
    reference = bench.make_gdproofs(problem)(bench.CHECK_STEPS)
    check = bench.check_correctness(make(problem), reference)
    assert not check["agree"]
    if make is _bias_gradient_off:
        # The 1% bias error shows at far above the tolerance: the check is not marginal.
        assert check["max_rel_err"] > 1e3 * bench.CHECK_RTOL


def test_mismatch_is_reported_and_not_timed(monkeypatch):
    monkeypatch.setitem(bench.PEER_FORMS, "numpy", {"hand, preallocated": _bias_gradient_off})
    row = bench._measure_size("tiny", ["gdproofs", "numpy"], roof_gflops=1.0, target=0.005,
                              repeats=1, quick=True)
    numpy_row = row["implementations"]["numpy"]
    assert numpy_row["status"] == "mismatch"
    assert "not timed" in numpy_row["note"]
    assert not TIMING_KEYS & set(numpy_row)
    assert not TIMING_KEYS & set(numpy_row["forms"]["hand, preallocated"])
    assert row["implementations"]["gdproofs"]["status"] == "ok"
    # Without a correct peer there is nothing to compare speed with.
    assert row["best_peer"] is None and row["speedup_vs_best_peer"] is None


def test_missing_peers_say_not_installed(monkeypatch):
    # None in sys.modules makes ``import torch`` raise ImportError, as on a machine without it.
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "jax", None)
    assert bench.available("torch") is None and bench.available("jax") is None
    row = bench._measure_size("small", ["gdproofs", "torch", "jax"], roof_gflops=1.0,
                              target=0.005, repeats=1, quick=True)
    for peer in ("torch", "jax"):
        assert row["implementations"][peer]["status"] == "not installed"
        assert "skipped" in row["implementations"][peer]["note"]
    assert row["speedup_vs_best_peer"] is None
    result = dict(sizes={"small": row}, roof=dict(matmul_gflops=1.0),
                  batched=dict(seeds=16, speedup=2.0), cold_start=dict(note="skipped"))
    targets = {t["name"]: t for t in bench.evaluate_targets(result)}
    ahead = targets["small: gdproofs ahead of jax"]
    assert ahead["met"] is None and "not installed" in ahead["detail"]


def test_run_bench_quick_has_documented_keys(quick_result, tmp_path):
    r = quick_result
    assert set(r) == RESULT_KEYS
    assert r["correct"] is True and r["mismatches"] == [] and r["quick"] is True
    assert set(r["sizes"]) == {"tiny"}
    tiny = r["sizes"]["tiny"]
    assert set(tiny) == SIZE_KEYS
    assert tiny["shape"] == list(bench.SIZES["tiny"])
    assert tiny["flops_per_step"] == 4 * 16 * 4 * 256
    assert set(tiny["implementations"]) == {"gdproofs"}
    ours = tiny["implementations"]["gdproofs"]
    assert ours["status"] == "ok" and TIMING_KEYS <= set(ours)
    assert ours["check"]["max_rel_err"] == 0.0  # gdproofs is bit-reproducible
    products = tiny["products"]
    assert set(products) == {"step_time", "products_time", "step_over_products", "k",
                             "products_k"}
    assert products["step_time"] > 0 and products["products_time"] > 0
    assert products["step_over_products"] == products["step_time"] / products["products_time"]
    assert tiny["ceiling"] is None  # no peer to gain on
    assert set(tiny["activations"]) == {"sigmoid", "softplus"}
    for entry in tiny["activations"].values():
        assert entry["implementations"]["gdproofs"]["status"] == "ok"
        assert 0 < entry["floor"]["fraction_reached"]
    assert set(r["pair_floor"]) == {"sigmoid", "softplus"}
    logistic = tiny["losses"]["logistic"]
    assert logistic["implementations"]["gdproofs"]["status"] == "ok"
    assert logistic["relative_to_squared"] > 0
    assert set(r["roof"]) == {"matmul_n", "matmul_gflops", "matmul_median_gflops",
                              "matmul_spread", "matmul_repeats", "readings", "gd_shaped"}
    assert len(r["roof"]["readings"]) == 2  # read at the start and again at the end
    assert r["roof"]["matmul_gflops"] == max(x["best"] for x in r["roof"]["readings"])
    assert r["machine"]["cpu_model"]
    # what numba compiles for ("znver4", "skylake-avx512"), which a VM's model name may not say
    assert r["machine"]["cpu_arch"] and r["machine"]["cpu_arch"] != "generic"
    if sys.platform.startswith("linux"):
        assert " family " in r["machine"]["cpu_id"] and " model " in r["machine"]["cpu_id"]
    assert set(r["roof"]["gd_shaped"]) == {"tiny"}
    assert set(r["scaling"]) == {"n", "d", "m", "threads", "single_threads"}
    for key in ("threads", "single_threads"):
        assert [p["threads"] for p in r["scaling"][key]] == \
            list(range(1, len(r["scaling"][key]) + 1))
    assert all(p["step_time"] > 0 for p in r["scaling"]["single_threads"])
    assert r["batched"]["seeds"] == bench.BATCH_SEEDS
    assert "note" in r["cold_start"]
    names = [t["name"] for t in r["targets"]]
    assert any(name.startswith("tiny: gdproofs") for name in names)
    assert all(t["met"] in (True, False, None) for t in r["targets"])
    # JSON-able as the command prints it.
    assert json.loads(report.dumps(r))["sizes"]["tiny"]["shape"] == [16, 4, 256]
    table = bench.format_table(r)
    assert table.startswith("| size (n, d, m) | gdproofs | numpy | torch | jax | roof | ratios |")
    assert "| tiny (16, 4, 256) |" in table
    path = tmp_path / "scaling.png"
    bench.plot_scaling(r, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("sizes", [["huge"], "tiny", [], [3]])
def test_run_bench_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must"):
        bench.run_bench(sizes=sizes, quick=True)


def _cli(argv, capsys):
    status = main(["bench", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_command_prints_json_and_writes_the_figure(quick_result, monkeypatch, capsys, tmp_path):
    calls = []
    monkeypatch.setattr(bench, "run_bench", lambda **kw: calls.append(kw) or dict(quick_result))
    figure = tmp_path / "figs" / "scaling.png"
    status, out, _ = _cli(["--size", "tiny", "--size", "tiny", "--quick", "--no-peers", "--json",
                           "--figure", str(figure)], capsys)
    assert status == 0
    assert calls[0]["sizes"] == ["tiny", "tiny"] and calls[0]["peers"] is False
    assert calls[0]["quick"] is True
    payload = json.loads(out)
    assert payload["correct"] is True and payload["figure"] == str(figure)
    assert figure.read_bytes()[:4] == b"\x89PNG"
    assert not list(figure.parent.glob(".tmp-bench-*"))


def test_command_exits_1_on_a_mismatch(quick_result, monkeypatch, capsys):
    broken = dict(quick_result, correct=False, mismatches=["tiny/numpy"])
    monkeypatch.setattr(bench, "run_bench", lambda **kw: broken)
    status, out, _ = _cli(["--size", "tiny"], capsys)
    assert status == 1
    assert "CORRECTNESS MISMATCH (not timed): tiny/numpy" in out


@pytest.mark.parametrize("argv, message", [
    (["--size", "huge"], "--size"),
    (["--figure", "scaling.svg"], "--figure must name a .png file"),
    (["--quick", "--repeats", "3"], "unrecognized arguments"),
])
def test_command_bad_input_exits_2(argv, message, capsys, monkeypatch):
    monkeypatch.setattr(bench, "run_bench", lambda **kw: pytest.fail("ran with bad input"))
    status, out, err = _cli(argv, capsys)
    assert status == 2 and out == ""
    assert err.startswith("gdproofs: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_command_figure_that_is_a_directory_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "run_bench", lambda **kw: pytest.fail("ran with bad input"))
    (tmp_path / "dir.png").mkdir()
    status, _, err = _cli(["--figure", str(tmp_path / "dir.png")], capsys)
    assert status == 2 and "is a directory" in err


def test_targets_without_peers_say_jax_was_not_requested():
    """--no-peers at a size with a roof target: the jax comparison is reported as not measured."""
    result = bench.run_bench(sizes=["small"], peers=False, quick=True)
    (ahead,) = [t for t in bench.evaluate_targets(result)
                if t["name"] == "small: gdproofs ahead of jax"]
    assert ahead["met"] is None and "not requested" in ahead["detail"]


def _fake_clock(setup, step):
    """A stand-in for ``bench._clock``: a call of k steps takes setup + k·step seconds."""
    return lambda runner, k: setup + k * step


def test_time_steps_idles_before_every_timed_call(monkeypatch):
    sleeps = []
    monkeypatch.setattr(bench.time, "sleep", sleeps.append)
    monkeypatch.setattr(bench, "_clock", _fake_clock(0.01, 0.001))
    runners = {"a": lambda k: np.zeros(k + 1), "b": lambda k: np.zeros(k + 1)}
    bench.time_steps(runners, target=0.5, repeats=3, settle=0.5)
    # 3 rounds of 2 runners, each a call of k steps and one of none; calibration is not timed,
    # so no pause
    assert sleeps == [0.5] * 12
    sleeps.clear()
    (_, k, call), _ = bench.time_steps(runners, target=0.5, repeats=1, settle=0.5).values()
    assert sleeps == [0.5] * 2 and call is None  # one repeat (quick mode): no call of none


@pytest.mark.parametrize("setup", [0.0, 0.05, 0.3])
def test_time_steps_reads_the_marginal_step_not_the_setup(monkeypatch, setup):
    # k comes out of calibration (about target / (setup + step)), different for each setup; the
    # step time must not depend on it, nor on the setup
    monkeypatch.setattr(bench, "_clock", _fake_clock(setup, 0.002))
    (seconds, k, call) = bench.time_steps({"a": lambda k: None}, target=0.1, repeats=2)["a"]
    assert_allclose([seconds, call], [0.002, setup], rtol=1e-9, atol=1e-12)  # rounding only
    assert k >= bench.MIN_TIMED_STEPS


def test_time_steps_times_at_least_min_timed_steps_unless_quick(monkeypatch):
    # a step of 0.1 s against a target of 0.3 s a call: 3 steps, raised to MIN_TIMED_STEPS
    monkeypatch.setattr(bench, "_clock", _fake_clock(0.0, 0.1))
    (_, k, _), = bench.time_steps({"a": lambda k: None}, target=0.3, repeats=2).values()
    assert k == bench.MIN_TIMED_STEPS > 3
    (_, k, _), = bench.time_steps({"a": lambda k: None}, target=0.3, repeats=1).values()
    assert k == 3


def test_time_steps_refuses_a_step_hidden_in_noise(monkeypatch):
    monkeypatch.setattr(bench, "_clock", lambda runner, k: 0.01)  # k steps cost what none do
    with pytest.raises(RuntimeError, match="a: its best call of .* no slower than"):
        bench.time_steps({"a": lambda k: None}, target=0.1, repeats=2)


def test_full_mode_settles_every_timing_and_records_it(monkeypatch):
    """Every timing of a full run (each size's comparisons, batched seeds, scaling, threads)
    idles ``SETTLE_SECONDS`` first, as ``problem.settle_seconds`` says; quick mode none. The
    timings themselves are shortened and the roof and cold start stubbed: the settle is what is
    checked, not the speed."""
    settles = []
    timed = bench.time_steps

    def recording(runners, **options):
        settles.append(options["settle"])
        return timed(runners, **dict(options, settle=0.0))

    monkeypatch.setattr(bench, "time_steps", recording)
    monkeypatch.setattr(bench, "TARGET_SECONDS", 0.002)
    monkeypatch.setattr(bench, "REPEATS", 1)
    monkeypatch.setattr(bench, "_matmul_roof", lambda A, B, quick: (100.0, 100.0, 1))
    monkeypatch.setattr(bench, "cold_start", lambda: dict(note="stubbed"))
    result = bench.run_bench(sizes=["tiny"], peers=False, quick=False)
    # tiny's ReLU comparison and its BLAS products; sigmoid, softplus and logistic comparisons;
    # batched; scaling in n, d, m; threads
    assert settles == [bench.SETTLE_SECONDS] * 10
    assert result["problem"]["settle_seconds"] == bench.SETTLE_SECONDS
    settles.clear()
    quick = bench.run_bench(sizes=["tiny"], peers=False, quick=True)
    assert settles and set(settles) == {0.0}
    assert quick["problem"]["settle_seconds"] == 0.0


def test_a_failing_cold_start_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(bench, "COLD_START_CODE", "raise SystemExit('boom')")
    cold = bench.cold_start()
    assert cold["warm_cache_s"] is None and "boom" in cold["note"]


def test_a_fraction_of_roof_above_one_is_a_measurement_error(quick_result):
    """A step faster than the machine's matmul means the roof was read too low: the target is not
    evaluated and says so, and the table says so instead of printing the fraction as a result."""
    result = json.loads(report.dumps(quick_result))
    result["sizes"]["small"] = dict(result["sizes"]["tiny"], fraction_of_roof=1.3)
    result["roof"]["gd_shaped"]["small"] = 1.0
    targets = {t["name"]: t for t in bench.evaluate_targets(result)}
    roof_target = targets["small: gdproofs >= 40% of roof"]
    assert roof_target["met"] is None and "MEASUREMENT ERROR" in roof_target["detail"]
    assert "130.0% of roof: MEASUREMENT ERROR" in bench.format_table(result)


def test_a_step_under_its_floor_is_reported_as_noise(quick_result):
    """The floor is ReLU's measured step plus the pairs' evaluation: a smooth step below it means
    one of those readings was off, which the table says instead of printing the share as a
    result."""
    result = json.loads(report.dumps(quick_result))
    entry = result["sizes"]["tiny"]["activations"]["sigmoid"]
    entry["floor"] = dict(entry["floor"], fraction_reached=1.14)
    table = bench.format_table(result)
    assert "114%: MEASUREMENT NOISE" in table
    entry["floor"]["fraction_reached"] = 0.84
    assert "| 84% |" in bench.format_table(result)


def test_smooth_targets_compare_with_the_peers_same_activation(quick_result):
    result = json.loads(report.dumps(quick_result))
    entry = result["sizes"]["tiny"]["activations"]["sigmoid"]
    entry.update(best_peer="jax", speedup_vs_best_peer=1.4)
    targets = {t["name"]: t for t in bench.evaluate_targets(result)}
    sigmoid = targets["tiny: sigmoid >= 1.5x the best peer's sigmoid"]
    assert sigmoid["met"] is False and sigmoid["detail"] == "1.40x jax"
    # Without peers (--no-peers) the comparison is not evaluated, never passed.
    softplus = targets["tiny: softplus >= 1.5x the best peer's softplus"]
    assert softplus["met"] is None and softplus["detail"] == "no peer measured"


def _timed_matmuls(monkeypatch, durations):
    """Make each timed A @ B in ``bench._matmul_roof`` take the next of ``durations`` seconds."""
    durations = iter(durations)
    clock = [0.0, False]

    def perf_counter():
        # called twice per repeat: at the start, then at the end (one duration later)
        clock[1] = not clock[1]
        if not clock[1]:
            clock[0] += next(durations)
        return clock[0]

    monkeypatch.setattr(bench.time, "perf_counter", perf_counter)


@pytest.mark.parametrize("durations, repeats", [
    # flat readings stop at the minimum number of repeats
    ([1.0] * 100, bench.ROOF_MIN_REPEATS),
    # readings rising 2% a repeat for 20 repeats, then flat: PATIENCE repeats after the last rise
    ([0.98 ** k for k in range(20)] + [0.98 ** 19] * 100, 20 + bench.ROOF_PATIENCE),
    # readings that never settle stop at the cap
    ([0.98 ** k for k in range(200)], bench.ROOF_MAX_REPEATS),
])
def test_the_roof_repeats_until_stable(monkeypatch, durations, repeats):
    _timed_matmuls(monkeypatch, durations)
    A = np.ones((4, 4))
    best, median, count = bench._matmul_roof(A, A, quick=False)
    assert count == repeats
    assert best == pytest.approx(2 * bench.ROOF_N ** 3 / min(durations[:repeats]) / 1e9)
    assert median <= best


@pytest.mark.parametrize("kept", [True, False])
@pytest.mark.parametrize("threaded", [True, False])
def test_the_products_floor_makes_the_steps_two_products_in_its_blocks(kept, threaded):
    """``_lane_products``' sweep on 2 lanes of 5 neurons in blocks of 2: pass 2's G_blk = D_blk Xe
    from the block's rows of the workspace, then pass 1's Z_blk = W_blk Xᵀ into them. With the
    lane's rows kept, D is the workspace as it was; with one block's rows re-used, a block's D
    is the previous block's W Xᵀ (the first block's, the workspace as it was)."""
    rng = np.random.default_rng(3)
    m, n, d, rows, lanes = 10, 3, 2, 2, 2
    W, XT, Xe = rng.standard_normal((m, d)), rng.standard_normal((d, n)), \
        rng.standard_normal((n, d + 1))
    Zl = rng.standard_normal((lanes, 5 if kept else rows, n))
    Z0 = Zl.copy()
    sweeps = bench._products_threaded if threaded else bench._products_sequential
    G = sweeps(XT, W, Xe, Zl, rows, 1)
    for p in range(lanes):
        lo = 5 * p
        D = Z0[p].copy()
        for r0 in range(lo, lo + 5, rows):
            nb = min(rows, lo + 5 - r0)
            z0 = r0 - lo if kept else 0
            # sums of 2-3 products of standard normals: rtol for the BLAS's own summation order,
            # atol for an entry that cancels to near 0
            assert_allclose(G[r0:r0 + nb], D[z0:z0 + nb] @ Xe, rtol=1e-13, atol=1e-14)
            D[z0:z0 + nb] = W[r0:r0 + nb] @ XT
        assert_allclose(Zl[p], D, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("threadable", [True, False])
def test_the_products_floor_threads_as_the_step_does(monkeypatch, threadable):
    """Threaded only for several lanes where ``gradient_descent`` threads them: one lane runs
    ``_sweep`` directly in ``gd_run``, with no parallel region to launch."""
    monkeypatch.setattr(bench, "_lanes_threaded", lambda: threadable)
    assert bench._products_sweeps(1) is bench._products_sequential
    assert bench._products_sweeps(2) is (bench._products_threaded if threadable else
                                         bench._products_sequential)


def test_the_products_floor_refuses_a_network_it_does_not_mirror(monkeypatch):
    """The products runner mirrors a ReLU step with a not trained (signs kept, pass 2 on W and
    b): for another benchmark network it says so instead of timing other products."""
    monkeypatch.setattr(bench, "NET", bench.Network(activation="sigmoid", bias=True,
                                                    train=("W", "b")))
    with pytest.raises(ValueError, match="activation 'sigmoid'"):
        bench.make_products(bench.Problem(*bench.SIZES["tiny"]))


def test_a_sizes_ceiling_is_its_peer_ratio_times_step_over_products():
    """With a peer timed, the ceiling combines the two ratios, each from its own rounds."""
    row = bench._measure_size("tiny", ["gdproofs", "numpy"], 100.0, bench.QUICK_TARGET_SECONDS,
                              bench.QUICK_REPEATS, quick=True)
    assert row["best_peer"] == "numpy"
    assert_allclose(row["ceiling"], row["speedup_vs_best_peer"]
                    * row["products"]["step_over_products"], rtol=1e-15)


@pytest.mark.parametrize("size", ["tiny", "wide"])
def test_tiny_and_wide_targets_name_their_ceiling(quick_result, size):
    """A size with a peer reports the speedup a step costing only its BLAS products would have,
    beside the one measured."""
    row = dict(quick_result["sizes"]["tiny"], speedup_vs_best_peer=1.9, best_peer="jax",
               ceiling=2.1)
    roof = dict(quick_result["roof"], gd_shaped={size: 10.0})
    result = dict(quick_result, sizes={size: row}, roof=roof)
    (target,) = [t for t in bench.evaluate_targets(result)
                 if t["name"].startswith(f"{size}: gdproofs >=")]
    assert target["met"] is False
    assert target["detail"] == "1.90x jax (ceiling 2.10x: a step of its BLAS products alone)"
    assert "(ceiling 2.10x)" in bench.format_table(result)
