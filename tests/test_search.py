"""The search over declared spaces (checks.space, checks.search, checks.shards) and what verdicts
say about it: rejections, tightest instances, search-only refutations, skipped instances, NaN
evidence, robustness to the base seed."""

from dataclasses import replace
import json
import math
import os

from hypothesis import HealthCheck, given, settings
import numpy as np
import pytest

from checks import cli, engine, search, shards, space
from checks.engine import Profile
from checks.study import Finding, Study
from checks.theorem import DataSpec, Evidence, all_theorems, get, planted_variants
from theorems import du2019

SMALL = Profile("ci", seeds=8, confirm_seeds=32, search_examples=12, budget=1e9)
SEARCH_ONLY = ("du2019.gd_linear_rate:mean_eigenvalue", "safran_lee2022.gradient_norm_bound:sqrt_n")


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    """No stored counterexample: a refutation must come from the check itself."""
    monkeypatch.setattr(search, "STORE", tmp_path / "counterexamples.json")
    return tmp_path / "counterexamples.json"


# ---------------------------------------------------------------------------------------------
# Spaces


@pytest.mark.parametrize("change, match", [
    (dict(n=(0, 3)), "n and d"),
    (dict(d=(4, 2)), "n and d"),
    (dict(families=()), "family"),
    (dict(labels=("laplace",)), "labels"),
    (dict(width=(0.5, 2.0)), "width"),
    (dict(step=(0.5, 1.5)), "step"),
    (dict(seeds=0), "seeds"),
])
def test_a_space_names_what_is_wrong(change, match):
    with pytest.raises(ValueError, match=match):
        replace(du2019.SPACE, **change)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(du2019.SPACE.strategy(du2019.gd_linear_rate, "relaxed"))
def test_drawn_instances_meet_the_data_hypotheses_or_say_why_not(drawn):
    """Valid by construction: every Instance the strategy builds has unit inputs, no two parallel
    and bounded labels; whatever cannot be built is a Rejected with its reason."""
    if isinstance(drawn, space.Rejected):
        assert drawn.reason and drawn.detail
        return
    X, y = drawn.data.arrays()
    assert np.allclose(np.linalg.norm(X, axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.max(np.abs(y)) <= 1.0
    assert ntk_lambda0(X) > du2019.LAMBDA0_FLOOR
    assert drawn.m >= 1 and drawn.eta > 0 and drawn.steps >= 1 and len(drawn.seeds) == 4


def ntk_lambda0(X):
    from checks import ntk
    return ntk.lambda0(X)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(space.SearchSpace(n=(3, 8), d=(2, 5), labels=("sign",), instance=lambda t, m, d: d,
                         families=(space.Family("points", floats=(("base_angle", 0.2, 0.8),)),)
                         ).strategy(None, "relaxed"))
def test_raw_points_keep_half_the_base_separation(drawn):
    """Hypothesis's raw point sets move each row by at most a quarter of the base angle, so any
    two rows stay at least half the base angle from parallel, shrunk or not."""
    if isinstance(drawn, space.Rejected):
        assert "base configuration" in drawn.reason
        return
    X = np.array(drawn.spec.points)
    cos = np.abs(X @ X.T)
    np.fill_diagonal(cos, 0.0)
    # The smallest base angle is 0.2 rad: rows stay ≥ 0.1 rad from parallel (1e-12: rounding).
    assert np.arccos(min(cos.max(), 1.0)) >= 0.1 - 1e-12


def test_explicit_data_round_trip_and_are_named_by_content():
    spec = DataSpec("points", n=2, d=2, seed=0, points=((1.0, 0.0), (0.0, 1.0)),
                    labels="explicit", values=(0.5, -0.25))
    again = DataSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    X, y = again.arrays()
    np.testing.assert_array_equal(X, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(y, [0.5, -0.25])
    assert "sha256=" in spec.describe() and spec.to_dict()["sha256"]


@pytest.mark.parametrize("bad, match", [
    (dict(kind="points", points=((1.0, 0.0),)), "points must have shape"),
    (dict(labels="explicit", values=(1.0,)), "explicit labels need"),
    (dict(labels="laplace"), "labels must be one of"),
])
def test_bad_data_specs_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        DataSpec(**{**dict(kind="sphere", n=2, d=2, seed=0), **bad})


# ---------------------------------------------------------------------------------------------
# The search


def test_a_search_is_reproducible_and_shards_differ():
    theorem = get("safran_lee2022.gradient_norm_bound")
    first = search.search(theorem, mode="relaxed", profile=SMALL).to_dict()
    again = search.search(theorem, mode="relaxed", profile=SMALL).to_dict()
    other = search.search(theorem, mode="relaxed", profile=SMALL, shard=1).to_dict()
    for d in (first, again, other):
        d.pop("elapsed")
    assert first == again
    assert other["tightest"] != first["tightest"]


def _drawn_sizes(monkeypatch=None, constants=None):
    """The sizes a 40-example search of a toy study draws, in order; with ``constants``, as if
    modules whose source holds those numbers had been imported (hypothesis harvests them)."""
    if constants is not None:
        from hypothesis.internal.conjecture import providers

        monkeypatch.setattr(providers, "_get_local_constants",
                            lambda: providers.Constants(integers=set(constants)))
        providers.CONSTANTS_CACHE.cache.clear()
    drawn = []

    def measure(study, mode, profile, seed):
        drawn.append(study.options["size"])
        return Finding(engine.HOLDS, "toy", dict(size=study.options["size"]))

    toy = Study(id="toy.draws", title="t", citation=du2019.cite(""), fidelity="stated",
                statement="s", measure=measure, modes=("relaxed",), options=dict(size=0),
                space=space.StudySpace(parameters=(("size", 0, 10 ** 6),),
                                       options=lambda p: dict(size=p["size"]),
                                       score=lambda f, p: -1.0, examples=(("ci", 40),)))
    search.search(toy, mode="relaxed", profile=engine.get_profile("ci"))
    return drawn


def test_a_search_draws_the_same_examples_whatever_modules_are_loaded(monkeypatch):
    """hypothesis draws constants harvested from the loaded modules' source: without
    ``search.reproducible_draws`` a search's examples would depend on the process's imports."""
    plain = _drawn_sizes()
    assert _drawn_sizes(monkeypatch, constants=range(123_450, 123_500)) == plain
    assert len(set(plain)) > 20  # the toy search does draw many different sizes


def test_rejections_are_counted_with_their_reasons():
    found = search.search(get("du2019.gd_linear_rate"), mode="literal", profile=SMALL)
    # Literal widths (≈ n⁶/λ₀⁴δ³) are out of every budget: nothing runs, and the search says so.
    assert found.ran == 0 and found.rejections == found.examples > 0
    assert any("budget" in why for why in found.rejected)
    assert all(found.rejection_detail[why] for why in found.rejected)


def test_a_claim_without_a_space_cannot_be_searched():
    study = get("safran_lee2022.clip_ablation")
    with pytest.raises(ValueError, match="declares no search space: an illustration"):
        search.search(study, mode="relaxed", profile=SMALL)
    with pytest.raises(ValueError, match="declares no search space"):
        engine.check(study, mode="relaxed", do_search=True)


@pytest.mark.parametrize("variant_id", SEARCH_ONLY)
def test_planted_variants_only_the_search_refutes(variant_id, empty_store):
    """Each holds on its fixed instances and is refuted by the ci search alone: one false only
    for nearly parallel inputs with opposite labels, one false only above some n."""
    variant = get(variant_id)
    without = engine.check(variant, mode="relaxed", profile="ci")
    assert without.state == engine.HOLDS, without.reason
    verdict = engine.check(variant, mode="relaxed", profile="ci", do_search=True)
    assert verdict.state == engine.VIOLATED, verdict.reason
    assert verdict.counterexample["found_by"] == "search"
    assert verdict.confirmation.state == "REFUTED"


@pytest.mark.parametrize("theorem_id", ["du2019.gd_linear_rate", "arora2019.trajectory",
                                        "safran_lee2022.gradient_norm_bound"])
def test_the_search_finds_an_instance_tighter_than_every_fixed_one(theorem_id, empty_store):
    verdict = engine.check(get(theorem_id), mode="relaxed", profile="ci", do_search=True)
    assert verdict.state == engine.HOLDS
    assert search.tighter_than_fixed(verdict), (verdict.tightest, verdict.search.tightest)
    assert "worst margin found by search" in verdict.reason


def test_every_per_seed_theorem_declares_a_space_and_every_claim_says_why_not():
    for t in all_theorems():
        if isinstance(t, Study):
            assert search.searchable(t) or t.unsearched, t.id
        else:
            assert t.space is not None, t.id
            for v in planted_variants(t.id):
                assert search.searchable(v), v.id


# ---------------------------------------------------------------------------------------------
# Honest verdicts


def test_an_instance_out_of_the_budget_is_named_with_its_work():
    verdict = engine.check(get("du2019.gd_linear_rate"), mode="relaxed", profile="ci")
    assert verdict.state == engine.HOLDS
    assert "over 1 of 2 instances" in verdict.reason
    assert "out of the ci budget (work" in verdict.reason
    assert verdict.skipped and verdict.skipped[0]["work"] > verdict.skipped[0]["budget"]


def _nan_conclusion(outcome, c):
    return Evidence(holds=True, score=math.nan, step=0, observed=math.nan, bound=1.0)


def test_nan_evidence_never_holds():
    theorem = get("du2019.gram_concentration_at_init")
    bad = theorem.variant("nan", conclusion=replace(theorem.conclusion,
                                                    evaluate=_nan_conclusion))
    verdict = engine.check(bad, mode="relaxed", profile=SMALL)
    assert verdict.state == engine.INCONCLUSIVE
    assert "NaN score" in verdict.reason and "init_concentration" in verdict.reason


@pytest.mark.parametrize("seed", [2])
def test_an_unlucky_base_seed_redraws_its_data_within_the_budget(seed):
    """At base seed 2 every draw of Du et al.'s first data set has a smaller λ₀: the relaxed
    width bound leaves the budget, and the check redraws the data instead of going VACUOUS."""
    verdict = engine.check(get("du2019.gd_linear_rate"), mode="relaxed", profile="ci",
                           seed=seed)
    assert verdict.state == engine.HOLDS, verdict.reason
    (run,) = [r for r in verdict.results if r.admissible]
    assert "data redrawn" in run.instance.note and run.instance.work <= 1e10


# ---------------------------------------------------------------------------------------------
# Studies


def _toy_measure(study, mode, profile, seed):
    """VIOLATED when the drawn size exceeds 30: a claim false only above some size."""
    size = study.options.get("size", 10)
    return Finding(engine.VIOLATED if size > 30 else engine.HOLDS, f"size {size}",
                   dict(size=size))


TOY = Study(id="toy.sizes", title="toy", citation=None, fidelity="stated",
            statement="holds for every size", measure=_toy_measure, modes=("relaxed",),
            space=space.StudySpace(parameters=(("size", 1, 40),),
                                   options=lambda p: dict(size=p["size"]),
                                   score=lambda f, p: math.log(f.values["size"] / 30.0),
                                   examples=(("ci", 20),)))


def test_a_study_search_drives_the_whole_measurement():
    verdict = engine.check(TOY, mode="relaxed", profile="ci", do_search=True)
    assert verdict.state == engine.VIOLATED
    assert verdict.counterexample["found_by"] == "search"
    assert verdict.counterexample["params"]["size"] > 30
    assert engine.check(TOY, mode="relaxed", profile="ci").state == engine.HOLDS


def test_a_searched_library_study_reports_its_search():
    verdict = engine.check(get("safran_lee2022.sum_of_spheres_norm_density"), mode="literal",
                           profile="ci", do_search=True)
    assert verdict.state == engine.HOLDS, verdict.reason
    assert verdict.search.examples == 3 and "search (ci" in verdict.reason


# ---------------------------------------------------------------------------------------------
# Shards and the command line


def test_sharded_search_merges_into_the_store(tmp_path):
    store = tmp_path / "counterexamples.json"
    merged = shards.search_shards(get("safran_lee2022.gradient_norm_bound:sqrt_n"),
                                  mode="relaxed", profile=SMALL, shards=2, store=store)
    assert len(merged.shards) == 2 and not merged.errors
    assert merged.confirmed and merged.saved == len(json.loads(store.read_text()))
    # The stored counterexample is replayed by the next check, which then needs no search.
    entries = json.loads(store.read_text())
    assert all(e["theorem"].endswith(":sqrt_n") and e["mode"] == "relaxed" for e in entries)


def test_a_dead_shard_loses_only_itself():
    runs = list(shards._local("safran_lee2022.gradient_norm_bound", "relaxed", "ci", 0, 2,
                              work=_die_on_shard_one))
    assert [(k, error is None) for k, _, error in sorted(runs, key=lambda r: r[0])] == \
        [(0, True), (1, False)]


def _die_on_shard_one(theorem_id, mode, profile, seed, shard, modules):
    if shard == 1:
        os._exit(3)   # the process dies as if killed
    return dict(shard=shard)



def test_sharded_search_on_dask_equals_local(dask_cluster, tmp_path):
    theorem = get("safran_lee2022.gradient_norm_bound")
    local = shards.search_shards(theorem, mode="relaxed", profile="ci", shards=2,
                                 store=tmp_path / "a.json")
    remote = shards.search_shards(theorem, mode="relaxed", profile="ci", shards=2,
                                  scheduler=dask_cluster.scheduler_address,
                                  store=tmp_path / "b.json")
    strip = [{k: v for k, v in s.items() if k != "elapsed"} for s in local.shards]
    assert strip == [{k: v for k, v in s.items() if k != "elapsed"} for s in remote.shards]


def _cli(args, capsys):
    status = cli.main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_search_on_a_claim_without_a_space_exits_2(capsys):
    status, out, err = _cli(["check", "safran_lee2022.clip_ablation", "--search"], capsys)
    assert status == 2 and not out
    assert "declares no search space: an illustration" in err


def test_check_search_json_reports_examples_rejections_and_the_tightest(capsys):
    status, out, _ = _cli(["check", "safran_lee2022.gradient_norm_bound", "--search", "--json"],
                          capsys)
    found = json.loads(out)["search"]
    assert status == 0
    assert found["examples"] == found["ran"] + sum(found["rejected"].values())
    assert found["tightest"]["describe"] and 0 < found["tightest"]["ratio"] <= 1


def test_list_json_shows_every_space_or_why_none(capsys):
    status, out, _ = _cli(["list", "--json"], capsys)
    rows = json.loads(out)
    assert status == 0
    for row in rows:
        assert (row["space"] is not None) == row["searchable"] or row["kind"] == "study"
        assert row["searchable"] or row["unsearched"]
        if row["kind"] == "theorem":
            assert row["space"]["families"] and row["space"]["labels"]


@pytest.mark.parametrize("command", [["run"], ["search", "safran_lee2022.gradient_norm_bound"]])
def test_an_unwritable_out_is_refused_before_any_work(command, capsys):
    status, out, err = _cli(command + ["--out", "/proc/gdproofs-report"], capsys)
    assert status == 2 and "not writable" in err and not out


def test_search_command_confirms_and_stores(tmp_path, capsys):
    status, out, _ = _cli(["search", "safran_lee2022.gradient_norm_bound:sqrt_n", "--shards", "2",
                           "--out", str(tmp_path), "--json"], capsys)
    merged = json.loads(out)
    assert status == 1                       # a confirmed counterexample: the claim is VIOLATED
    assert len(merged["shards"]) == 2 and merged["confirmed"] and not merged["errors"]
    stored = json.loads((tmp_path / "counterexamples.json").read_text())
    assert len(stored) == merged["saved"] > 0
