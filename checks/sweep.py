"""Parameter sweeps (phase diagrams) with a store that survives interruption.

A sweep checks a theorem's conclusion on every cell of a grid (width × step size by default),
ignoring the hypotheses, so that a phase diagram shows where the conclusion holds and where the
theorem's bounds sit. Each finished cell is appended as one JSON line to a store under
``reports/sweeps/``, keyed by a hash of the theorem id, the instance and the code version (the
package version and a hash of the source that computes a cell), with a checksum of its own
content. Re-running the same sweep skips finished cells; a line that is
truncated or whose checksum does not match (a crash mid-write) is ignored and its cell recomputed.

Cells run in this process, in local worker processes (``workers``) or as tasks on an existing Dask
distributed cluster (``scheduler``, the optional extra ``distributed``); all three run the same
function, and GD runs are bit-reproducible, so the records do not depend on where they ran. Only
the calling process writes the store. A cell whose computation raised (an exception, a worker
process that died) is stored as an error record (its ``error`` field says what happened) instead of
stopping the sweep; error cells are not finished, so the next run of the sweep retries them. A
diverged GD run is not an error: it is a failed seed, counted in the cell's ``diverged``.
"""

from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
from pathlib import Path
import re

import numba
import numpy as np

from checks.progress import Progress

STORE_DIR = Path(__file__).resolve().parent.parent / "reports" / "sweeps"
# Part of every cell's key, so a new release never reuses cells computed by older code: keep it
# equal to pyproject.toml's version (tests/test_sweep.py checks that).
VERSION = "0.1.0"
# How long to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = "20s"
# The Dask scheduler address `gdproofs sweep` uses when --scheduler is not given.
SCHEDULER_ENV = "GDPROOFS_SCHEDULER"


class SchedulerError(Exception):
    """A Dask scheduler was asked for but cannot be used (dask missing, address unreachable)."""


def parse_grid(text):
    """"m=2^4..2^12" (powers of two), "eta=0.01,0.02" (a list) or "eta=1e-3..1e-1:5" (5
    log-spaced values) → (name, values)."""
    match = re.fullmatch(r"\s*(m|eta)\s*=\s*(.+)", text)
    if not match:
        raise ValueError(f"grid must look like 'm=2^4..2^12' or 'eta=0.01,0.1', got {text!r}")
    name, spec = match.groups()
    power = re.fullmatch(r"2\^(\d+)\.\.2\^(\d+)", spec.strip())
    logspace = re.fullmatch(r"([^.:]+(?:\.[^.:]+)?)\.\.([^:]+):(\d+)", spec.strip())
    try:
        if power:
            lo, hi = int(power.group(1)), int(power.group(2))
            values = [2.0 ** j for j in range(lo, hi + 1)]
        elif logspace:
            lo, hi, count = float(logspace.group(1)), float(logspace.group(2)), \
                int(logspace.group(3))
            values = list(np.geomspace(lo, hi, count))
        else:
            values = [float(v) for v in spec.split(",")]
    except ValueError as exc:
        raise ValueError(f"grid {text!r}: {exc}") from exc
    if not values or not all(np.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"grid {text!r} must list positive finite values")
    if name == "m":
        if any(v != int(v) for v in values):
            raise ValueError(f"grid {text!r}: widths must be whole numbers")
        values = [int(v) for v in values]
    return name, values


# The modules a cell's numbers can depend on (not the command line, report or store code).
CELL_MODULES = ("data", "engine", "features", "flow", "kernels", "network", "ntk", "order",
                "quadrature", "stats", "study", "theorem", "training")


@functools.lru_cache(maxsize=None)
def code_version(theorem_id):
    """:data:`VERSION` plus a hash of the source of :data:`CELL_MODULES` and of the theorem's own
    module (``theorems/<paper>.py`` for "paper.name"): a cell computed by other code (an edited
    kernel, a changed envelope) never has the same key, so a store is never read as data that the
    current code would not reproduce."""
    root = Path(__file__).resolve().parent.parent
    paths = [root / "checks" / f"{name}.py" for name in CELL_MODULES]
    paths.append(root / "theorems" / f"{theorem_id.split('.')[0]}.py")
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"{VERSION}+{digest.hexdigest()[:12]}"


def cell_key(theorem_id, instance):
    blob = json.dumps(dict(theorem=theorem_id, instance=instance.to_dict(),
                           version=code_version(theorem_id)), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def _checksum(record):
    body = {k: v for k, v in record.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def load_store(path):
    """{key: record} of the store's intact lines (truncated or corrupted lines are skipped).

    A key written more than once (an error cell retried later) maps to its last record.
    """
    path = Path(path)
    records = {}
    if not path.exists():
        return records
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("checksum") == _checksum(record):
                record.pop("checksum")
                records[record["key"]] = record
    return records


def finished(record):
    """Whether a stored cell is final (an error cell is not: a re-run retries it)."""
    return record is not None and "error" not in record


def _append(path, record):
    """Append one record as a line; a torn last line (a crash mid-write) is ended first, so the
    new record starts a line of its own."""
    record = dict(record, checksum=_checksum(record))
    torn = False
    if os.path.exists(path) and os.path.getsize(path) > 0:
        with open(path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            torn = fh.read(1) != b"\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(("\n" if torn else "") + json.dumps(record, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _cell_record(theorem, instance):
    from checks.runs import run_instance

    result = run_instance(theorem, instance, "relaxed", check_hypotheses=False)
    return dict(m=instance.m, eta=instance.eta, steps=instance.steps,
                failures=result.failures, trials=len(result.evidence),
                diverged=sum(e.diverged for e in result.evidence),
                worst_score=float(min(result.worst.score, 1e300)))


def _run_cell(theorem_id, instance_dict, version):
    """Worker entry point: registered theorems only (a worker process looks the id up).

    ``version`` is the caller's :func:`code_version`: a Dask worker may run another installed copy
    of the package, whose results must not be stored under this version's keys.

    A cell runs on one numba thread: the workers already share the cores (one worker per core),
    so a cell's batch of seeds runs one seed after another (``gradient_descent_batch`` uses
    numba's thread count for its seeds), and a single run at a two-lane size runs its lanes one
    after the other rather than spinning two OpenMP threads against the other workers'. The bits
    do not depend on it (``checks.training``). The README's T1 sweep (99 cells, 2 workers) took
    27.3 s so and 26.6 s without it: its batches are small, and the rule is a guard.
    """
    from checks.theorem import Instance, get

    if version != code_version(theorem_id):
        raise RuntimeError(f"worker runs gdproofs {code_version(theorem_id)}, the sweep was "
                           f"started by {version}")
    before = numba.get_num_threads()  # thread-local: a Dask worker thread's own count
    numba.set_num_threads(1)
    try:
        return _cell_record(get(theorem_id), Instance.from_dict(instance_dict))
    finally:
        numba.set_num_threads(before)


def _error_record(instance, exc):
    return dict(m=instance.m, eta=instance.eta, steps=instance.steps,
                error=f"{type(exc).__name__}: {exc}")


def _serial(theorem, todo):
    for key, inst in todo:
        try:
            yield key, _cell_record(theorem, inst)
        except Exception as exc:  # recorded in the cell; the sweep goes on
            yield key, _error_record(inst, exc)


def _processes(theorem, todo, workers):
    # spawn, not fork: numba's OpenMP threading layer is not fork-safe once used.
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        version = code_version(theorem.id)
        futures = {pool.submit(_run_cell, theorem.id, inst.to_dict(), version): (key, inst)
                   for key, inst in todo}
        for future in as_completed(futures):
            key, inst = futures[future]
            try:
                yield key, future.result()
            # A dead worker process breaks the whole pool: every cell not yet done then gets
            # an error record (BrokenProcessPool), retried by the next run.
            except Exception as exc:
                yield key, _error_record(inst, exc)


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise SchedulerError("a Dask scheduler needs dask.distributed, which is not installed: "
                             "pip install -e \".[distributed]\"") from exc
    return distributed


def _dask(theorem, todo, address):
    distributed = _import_distributed()
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError) as exc:  # refused, timed out, or a malformed address
        raise SchedulerError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from exc
    with client:
        # pure=False: a retried cell must run again, not be answered from a result (or an
        # error) the cluster still holds under the same task key for another client.
        futures = {client.submit(_run_cell, theorem.id, inst.to_dict(),
                                     code_version(theorem.id), pure=False):
                   (key, inst) for key, inst in todo}
        for future in distributed.as_completed(futures):
            # pop: once stored, the result need not stay in the cluster's memory.
            key, inst = futures.pop(future)
            try:
                yield key, future.result()
            except Exception as exc:  # an exception in the task, or KilledWorker after retries
                yield key, _error_record(inst, exc)


def sweep(theorem, base, grid, *, store=None, workers=1, scheduler=None, progress=False):
    """Check ``theorem`` on every cell of ``grid`` ({"m": [...], "eta": [...]}) around ``base``.

    Parameters
    ----------
    theorem : Theorem
        What to check; ``workers > 1`` and ``scheduler`` need a registered theorem (workers look
        it up by id).
    base : Instance
        The instance each cell varies (data, seeds, steps).
    grid : dict
        Values of each varied field, e.g. ``{"m": [16, 64], "eta": [0.01, 0.1]}``.
    store : path-like, optional
        The JSON-lines store; default ``reports/sweeps/ID.jsonl``.
    workers : int
        Local worker processes (1: run in this process). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://127.0.0.1:8786"``: the cells run as
        tasks on its workers, which need this package (same version) importable.
    progress : bool
        Draw cells done/total and the time left on standard error (a terminal only).

    Returns
    -------
    list of dict
        The records of all cells (finished earlier or now, or error records), in grid order.

    Raises
    ------
    SchedulerError
        ``scheduler`` is given but dask.distributed is not installed or the address is unreachable.

    Notes
    -----
    Finished cells in the store are not recomputed; each new cell is written as soon as it
    finishes, so an interrupted sweep loses only the cells in flight. Error cells are recomputed.
    """
    if scheduler is not None:
        _import_distributed()  # fail before anything is written
    store = Path(store) if store is not None else STORE_DIR / f"{theorem.id}.jsonl"
    store.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(grid)
    cells = []
    for values in itertools.product(*(grid[n] for n in names)):
        instance = replace(base, **dict(zip(names, values)))
        cells.append((cell_key(theorem.id, instance), instance))
    done = load_store(store)
    todo = [(k, inst) for k, inst in cells if not finished(done.get(k))]
    bar = Progress(len(cells), f"sweep {theorem.id}", enabled=progress,
                   start=len(cells) - len(todo))
    if not todo:
        outcomes = iter(())
    elif scheduler is not None:
        outcomes = _dask(theorem, todo, scheduler)
    elif workers > 1:
        outcomes = _processes(theorem, todo, workers)
    else:
        outcomes = _serial(theorem, todo)
    for key, record in outcomes:
        done[key] = dict(key=key, theorem=theorem.id, **record)
        _append(store, done[key])
        bar.advance()
    bar.close()
    return [done[k] for k, _ in cells]
