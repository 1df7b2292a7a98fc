"""Many independently seeded searches of one claim at once: local processes or a Dask cluster.

``search_shards`` runs K searches (``checks.search.search`` with shard = 0…K−1, so each draws its
own examples), each in a process of its own or as a task on the Dask scheduler that sweeps use
(``checks.sweep``), then merges them: the tightest instance over all shards, the rejections
summed, and every shard's candidate confirmed on fresh seeds here (``checks.engine.confirm``).
Confirmed counterexamples go into the store. A shard that dies (its process killed, its task lost)
is reported as an error and loses only itself: every local shard has a process pool of its own,
and every Dask shard is a task of its own.
"""

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
import multiprocessing

import numba

from checks import engine, search, sweep
from checks.runs import _finite_or_str
from checks.theorem import Instance, get, load_module


def run_shard(theorem_id, mode, profile, seed, shard, modules=()):
    """Worker entry point: one search of a registered claim, as a plain dict (picklable).

    ``modules`` are the user's claim modules to import first (a worker starts with the library
    only). A shard runs on one numba thread: the shards already share the cores (see
    ``checks.sweep._run_cell``); the bits do not depend on it.
    """
    for name in modules:
        load_module(name)
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        result = search.search(get(theorem_id), mode=mode, profile=engine.get_profile(profile),
                               seed=seed, shard=shard)
    finally:
        numba.set_num_threads(before)
    return result.to_dict()


@dataclass(eq=False)
class ShardedSearch:
    """The merged result of K shards."""

    theorem_id: str
    mode: str
    profile: str
    seed: int
    shards: list = field(default_factory=list)       # each shard's SearchResult dict
    errors: list = field(default_factory=list)       # (shard, message) of shards that died
    confirmed: list = field(default_factory=list)    # verdict-like counterexample dicts
    unconfirmed: list = field(default_factory=list)  # candidates fresh seeds did not confirm
    saved: int = 0

    @property
    def tightest(self):
        found = [s["tightest"] for s in self.shards if s.get("tightest")]
        return max(found, key=lambda t: t["score"]) if found else None

    def to_dict(self):
        return dict(theorem=self.theorem_id, mode=self.mode, profile=self.profile,
                    seed=self.seed, shards=self.shards,
                    errors=[dict(shard=k, error=e) for k, e in self.errors],
                    examples=sum(s["examples"] for s in self.shards),
                    rejected=sum(sum(s["rejected"].values()) for s in self.shards),
                    tightest=self.tightest, confirmed=self.confirmed,
                    unconfirmed=self.unconfirmed, saved=self.saved)


def _local(theorem_id, mode, profile, seed, shards, work=run_shard, modules=()):
    """Each shard in a spawn process pool of its own (numba's threading layer is not fork-safe),
    all K running at once; a dead process breaks its own pool only. ``work`` is the shard's
    entry point (``run_shard``; tests pass one that dies)."""
    context = multiprocessing.get_context("spawn")
    pools = [ProcessPoolExecutor(max_workers=1, mp_context=context) for _ in range(shards)]
    try:
        futures = [pool.submit(work, theorem_id, mode, profile, seed, k, modules)
                   for k, pool in enumerate(pools)]
        for k, future in enumerate(futures):
            try:
                yield k, future.result(), None
            except Exception as exc:  # the shard raised, or its process died
                yield k, None, f"{type(exc).__name__}: {exc}"
    finally:
        for pool in pools:
            pool.shutdown(cancel_futures=True)


def _dask(theorem_id, mode, profile, seed, shards, address, modules=()):
    distributed = sweep._import_distributed()
    try:
        client = distributed.Client(address, timeout=sweep.CONNECT_TIMEOUT)
    except (OSError, ValueError) as exc:
        raise sweep.SchedulerError(f"cannot reach the Dask scheduler at {address!r}: "
                                   f"{exc}") from exc
    with client:
        # pure=False: a shard is run, never answered from a result held for another client.
        futures = [client.submit(run_shard, theorem_id, mode, profile, seed, k, modules,
                                 pure=False)
                   for k in range(shards)]
        for k, future in enumerate(futures):
            try:
                yield k, future.result(), None
            except Exception as exc:  # an exception in the task, or KilledWorker
                yield k, None, f"{type(exc).__name__}: {exc}"


def search_shards(theorem, *, mode, profile, seed=0, shards=2, scheduler=None, store=None,
                  modules=()):
    """Run ``shards`` searches of ``theorem`` (a registered claim) at once and merge them.

    Candidates are confirmed here on fresh seeds; confirmed ones are saved to ``store`` (the
    counterexample store, ``checks.search.STORE`` by default); ``modules`` are imported in each
    worker first (a user's claims). Raises ValueError when the claim
    declares nothing to search, ``sweep.SchedulerError`` when the scheduler cannot be used.
    """
    if not search.searchable(theorem):
        raise ValueError(f"{theorem.id} declares no search space: "
                         f"{getattr(theorem, 'unsearched', '') or 'no reason given'}")
    profile = engine.get_profile(profile)
    get(theorem.id)  # workers look the claim up by id: it must be registered
    merged = ShardedSearch(theorem.id, mode, profile.name, seed)
    runs = (_dask(theorem.id, mode, profile.name, seed, shards, scheduler, tuple(modules))
            if scheduler else _local(theorem.id, mode, profile.name, seed, shards,
                                     modules=tuple(modules)))
    for k, result, error in runs:
        if error is not None:
            merged.errors.append((k, error))
            continue
        merged.shards.append(result)
        if result["candidate"] is None:
            continue
        instance = Instance.from_dict(result["candidate"])
        fresh, judgement = engine.confirm(theorem, instance, mode, profile)
        if judgement.state != "REFUTED":
            merged.unconfirmed.append(dict(shard=k, describe=instance.describe(),
                                           state=judgement.state))
            continue
        verdict = engine.Verdict(theorem.id, engine.VIOLATED, mode, profile.name, "", {}, {},
                                 theorem.delta_value, seed=seed)
        w = fresh.worst
        verdict.counterexample = dict(instance=instance.to_dict(),
                                      describe=instance.describe(), step=w.step,
                                      observed=_finite_or_str(w.observed),
                                      bound=_finite_or_str(w.bound), note=w.note,
                                      found_by=f"search (shard {k})",
                                      failure_rate=[judgement.low, judgement.high])
        merged.confirmed.append(dict(shard=k, describe=instance.describe(),
                                     failure_rate=[judgement.low, judgement.high]))
        merged.saved += search.save_counterexample(verdict, store)
    return merged
