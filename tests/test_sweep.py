"""Sweeps: grid parsing, the resumable store, parallel = serial = Dask, survival of a SIGKILL,
and cells that raise."""

from dataclasses import replace
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checks import cli, sweep
from checks.progress import Progress
from checks.theorem import DataSpec, Instance, get

THEOREM = "du2019.gd_linear_rate"
BASE = Instance(DataSpec("separated_sphere", 6, 4, 0, (("min_angle", 0.6),)), m=16, eta=0.05,
                steps=60, seeds=(0, 1, 2))
GRID = {"m": [4, 16, 64], "eta": [0.05, 0.5, 8.0]}
ROOT = Path(__file__).resolve().parent.parent
# A width whose parameter matrix (2^50 × d floats) no machine can allocate: the cell raises
# MemoryError at once, on every path, without touching memory.
HUGE = 2 ** 50


@pytest.mark.parametrize("text, name, values", [
    ("m=2^2..2^4", "m", [4, 8, 16]),
    ("eta=0.1,0.2", "eta", [0.1, 0.2]),
    ("eta=1e-2..1:3", "eta", [0.01, 0.1, 1.0]),
])
def test_parse_grid(text, name, values):
    got_name, got = sweep.parse_grid(text)
    assert got_name == name
    assert got == pytest.approx(values, rel=1e-12)


@pytest.mark.parametrize("text", ["width=2^2..2^4", "m=0,4", "eta=-1", "m=1.5", "eta=a,b"])
def test_parse_grid_rejects(text):
    with pytest.raises(ValueError, match="grid"):
        sweep.parse_grid(text)


def _intact_lines(path):
    return list(sweep.load_store(path).values())


def test_finished_cells_are_skipped_and_a_truncated_cell_recomputed(tmp_path, monkeypatch):
    store = tmp_path / "s.jsonl"
    first = sweep.sweep(get(THEOREM), BASE, GRID, store=store)
    assert len(first) == 9 and len(_intact_lines(store)) == 9
    # η = 8 is far past 2/λ_max(H∞) ≈ 1.6: every seed blows up the envelope.
    assert all(r["failures"] == r["trials"] for r in first if r["eta"] == 8.0)

    def refuse(*args):
        raise AssertionError("a finished cell was recomputed")
    monkeypatch.setattr(sweep, "_cell_record", refuse)
    assert sweep.sweep(get(THEOREM), BASE, GRID, store=store) == first
    monkeypatch.undo()

    lines = store.read_text().splitlines(keepends=True)
    store.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # a torn write
    again = sweep.sweep(get(THEOREM), BASE, GRID, store=store)
    assert again == first
    assert len(_intact_lines(store)) == 9


def test_a_corrupted_line_is_not_read_as_data(tmp_path):
    store = tmp_path / "s.jsonl"
    sweep.sweep(get(THEOREM), BASE, {"m": [16], "eta": [0.05]}, store=store)
    record = json.loads(store.read_text())
    record["failures"] += 1                       # content changed, checksum not
    store.write_text(json.dumps(record) + "\n")
    assert sweep.load_store(store) == {}


def test_parallel_equals_serial(tmp_path):
    serial = sweep.sweep(get(THEOREM), BASE, GRID, store=tmp_path / "a.jsonl")
    parallel = sweep.sweep(get(THEOREM), BASE, GRID, store=tmp_path / "b.jsonl", workers=2)
    assert parallel == serial


def test_sweep_killed_part_way_completes_every_cell_exactly_once(tmp_path):
    store = tmp_path / "killed.jsonl"
    grid = {"m": [256, 512, 1024, 2048], "eta": [0.05, 0.1, 0.2]}
    base = Instance(BASE.data, m=16, eta=0.05, steps=600, seeds=tuple(range(8)))
    script = (
        "from checks import sweep; from checks.theorem import get, Instance; import json, sys; "
        f"base = Instance.from_dict(json.loads({json.dumps(json.dumps(base.to_dict()))})); "
        f"sweep.sweep(get({THEOREM!r}), base, {grid!r}, store={str(store)!r})")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_intact_lines(store)) < 2:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(_intact_lines(store))
    assert 2 <= written < 12, "the kill must land part-way through the sweep"
    records = sweep.sweep(get(THEOREM), base, grid, store=store)
    assert len(records) == 12
    keys = [json.loads(line)["key"] for line in store.read_text().splitlines()
            if line.strip().endswith("}")]
    assert sorted(keys) == sorted(set(keys)) and len(set(keys)) == 12


def test_cell_keys_carry_the_package_version():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{sweep.VERSION}"' in text


def test_a_cell_that_raises_is_recorded_and_retried_on_the_next_run(tmp_path, monkeypatch):
    store = tmp_path / "s.jsonl"
    grid = {"m": [16, HUGE], "eta": [0.05]}
    small, huge = sweep.sweep(get(THEOREM), BASE, grid, store=store)
    assert sweep.finished(small) and small["trials"] == 3
    assert not sweep.finished(huge) and huge["error"].startswith("MemoryError")
    assert (huge["m"], huge["eta"]) == (HUGE, 0.05)
    assert sweep.load_store(store)[huge["key"]] == huge

    def succeed(theorem, instance):
        assert instance.m == HUGE, "a finished cell was recomputed"
        return dict(m=instance.m, eta=instance.eta, steps=instance.steps, failures=0, trials=3,
                    diverged=0, worst_score=-1.0)
    monkeypatch.setattr(sweep, "_cell_record", succeed)
    again = sweep.sweep(get(THEOREM), BASE, grid, store=store)
    assert again[0] == small and sweep.finished(again[1])
    assert sweep.load_store(store)[huge["key"]] == again[1]   # the last line of a key wins


def test_a_cell_that_raises_in_a_worker_process_is_recorded(tmp_path):
    records = sweep.sweep(get(THEOREM), BASE, {"m": [16, HUGE], "eta": [0.05]},
                          store=tmp_path / "s.jsonl", workers=2)
    assert [sweep.finished(r) for r in records] == [True, False]
    assert records[1]["error"].startswith("MemoryError")


def test_cli_sweep_reports_error_cells_with_status_1(tmp_path, capsys):
    argv = ["sweep", THEOREM, "--grid", f"m=16,{HUGE}", "--grid", "eta=0.05", "--seeds", "2",
            "--steps", "40", "--out", str(tmp_path)]
    assert cli.main(argv) == 1
    out = capsys.readouterr().out
    assert "error: MemoryError" in out and "1 of 2 cells ended in an error" in out
    assert (tmp_path / "figures" / f"{THEOREM}.phase.png").exists()
    assert cli.main(argv + ["--json"]) == 1
    cells = json.loads(capsys.readouterr().out)["cells"]
    assert [sweep.finished(c) for c in cells] == [True, False]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_scheduler_without_dask_is_a_clear_input_error(how, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)   # makes `import distributed` fail
    argv = ["sweep", THEOREM, "--grid", "m=16", "--grid", "eta=0.05", "--out", str(tmp_path / "r")]
    if how == "option":
        argv += ["--scheduler", "tcp://127.0.0.1:8786"]
    else:
        monkeypatch.setenv(sweep.SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "--scheduler tcp://127.0.0.1:8786" in err and 'pip install -e ".[distributed]"' in err
    assert err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_workers_and_a_scheduler_do_not_mix(tmp_path, capsys):
    argv = ["sweep", THEOREM, "--grid", "m=16", "--grid", "eta=0.05", "--workers", "2",
            "--scheduler", "tcp://127.0.0.1:8786", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 2
    assert "--workers" in capsys.readouterr().err


def test_progress_counts_resumed_cells_as_done_but_not_in_the_rate(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    clock = iter([0.0, 10.0])
    monkeypatch.setattr("checks.progress.time.perf_counter", lambda: next(clock))
    stream = Terminal()
    bar = Progress(10, "sweep", delay=0.0, stream=stream, start=6)
    bar.advance()              # 1 cell in 10 s: the 3 left take 30 s (not 3 × 10/7)
    assert stream.getvalue().endswith(" 7/10 10s elapsed, ~30s left ")



def test_dask_sweep_equals_the_local_sweep(dask_cluster, tmp_path):
    local = sweep.sweep(get(THEOREM), BASE, GRID, store=tmp_path / "local.jsonl")
    dask = sweep.sweep(get(THEOREM), BASE, GRID, store=tmp_path / "dask.jsonl",
                       scheduler=dask_cluster.scheduler_address)
    assert dask == local
    # Bit for bit, as stored: same lines (up to completion order), checksums included.
    assert sorted((tmp_path / "dask.jsonl").read_text().splitlines()) == \
        sorted((tmp_path / "local.jsonl").read_text().splitlines())


def test_a_task_that_raises_on_dask_is_recorded_and_the_sweep_goes_on(dask_cluster, tmp_path):
    store = tmp_path / "s.jsonl"
    grid = {"m": [16, HUGE], "eta": [0.05, 0.5]}
    records = sweep.sweep(get(THEOREM), BASE, grid, store=store,
                          scheduler=dask_cluster.scheduler_address)
    assert [(r["m"], sweep.finished(r)) for r in records] == [(16, True), (HUGE, False)] * 2
    assert all(r["error"].startswith("MemoryError") for r in records[1::2])
    assert records[::2] == sweep.sweep(get(THEOREM), BASE, {"m": [16], "eta": [0.05, 0.5]},
                                       store=tmp_path / "local.jsonl")
    # An unregistered theorem cannot be looked up on a worker: an error cell, not a crash.
    stranger = replace(get(THEOREM), id="nobody.unregistered")
    (cell,) = sweep.sweep(stranger, BASE, {"m": [16], "eta": [0.05]}, store=store,
                          scheduler=dask_cluster.scheduler_address)
    assert "nobody.unregistered" in cell["error"]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT", "0.5s")
    with pytest.raises(sweep.SchedulerError, match="cannot reach the Dask scheduler"):
        sweep.sweep(get(THEOREM), BASE, {"m": [16], "eta": [0.05]}, store=tmp_path / "s.jsonl",
                    scheduler="tcp://127.0.0.1:9")


@pytest.fixture
def fresh_code_version():
    sweep.code_version.cache_clear()
    yield
    sweep.code_version.cache_clear()


def test_a_cell_key_changes_with_the_code_that_computes_it(fresh_code_version, monkeypatch):
    """Cells computed by other code are never read back: the key hashes the source."""
    before = sweep.code_version("du2019.gd_linear_rate")
    assert before.startswith(sweep.VERSION + "+")
    assert sweep.code_version("jentzen2021.linear_rate_v1") != before   # another theorem module
    monkeypatch.setattr(sweep, "CELL_MODULES", sweep.CELL_MODULES[1:])  # as if a module changed
    sweep.code_version.cache_clear()
    assert sweep.code_version("du2019.gd_linear_rate") != before
