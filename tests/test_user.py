"""A user's data and claims: data sources (registered generators, references, files, label laws),
``check --data``, ``--module`` / ``--only-module``, the entry-point group, and the pytest plugin
on a throwaway package outside the repository."""

import json
import os
from pathlib import Path
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from checks import cli, data, datafiles
from checks.theorem import DataSpec, Instance, content_hash, file_spec

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Data and labels from anywhere


def _ring(n, d, *, seed, radius=1.0):
    rng = np.random.default_rng(seed)
    return radius * data.normalize_rows(rng.standard_normal((n, d)))


def _threshold_labels(X, *, level=0.0):
    return np.where(X[:, 0] > level, 1.0, -1.0)


def test_a_registered_generator_and_a_reference_give_the_same_data(monkeypatch):
    monkeypatch.setitem(data._GENERATORS, "test.ring", _ring)
    named = DataSpec("test.ring", n=5, d=3, seed=2, options=(("radius", 2.0),))
    referenced = DataSpec("tests.test_user:_ring", n=5, d=3, seed=2, options=(("radius", 2.0),))
    np.testing.assert_array_equal(named.inputs(), referenced.inputs())
    assert np.allclose(np.linalg.norm(named.inputs(), axis=1), 2.0, rtol=1e-15)
    assert Instance.from_dict(json.loads(json.dumps(
        Instance(named, 4, 0.1, 3, (0,)).to_dict()))).data == named


@pytest.mark.parametrize("labels, options, expected", [
    ("function", (("target", "tests.test_user:_threshold_labels"), ("level", 0.0)), None),
    ("function", (("target", "ball_indicator"), ("radius", 0.5)), np.zeros(6)),
    ("teacher", (("width", 8), ("activation", "erf")), None),
])
def test_label_laws(labels, options, expected):
    spec = DataSpec("sphere", n=6, d=3, seed=1, labels=labels, label_options=options)
    X, y = spec.arrays()
    assert y.shape == (6,) and np.all(np.isfinite(y))
    if labels == "teacher":
        assert np.max(np.abs(y)) == 1.0            # scaled to the bounded-label hypothesis
    elif expected is not None:
        np.testing.assert_array_equal(y, expected)  # unit inputs lie outside radius 0.5
    else:
        np.testing.assert_array_equal(y, np.where(X[:, 0] > 0.0, 1.0, -1.0))
    assert DataSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


@pytest.mark.parametrize("call, error, match", [
    (lambda: data.register("sphere", _ring), ValueError, "taken"),
    (lambda: data.register("x", 3), TypeError, "callable"),
    (lambda: data.generator("nosuch"), ValueError, "data kind must name"),
    (lambda: data.generator("random_labels"), ValueError, "data kind must name"),
    (lambda: data.generator("nosuch.module:fn"), ValueError, "cannot be imported"),
    (lambda: data.label_function("sphere"), ValueError, "label function must be"),
    (lambda: DataSpec("sphere", 3, 2, 0, labels="function").arrays(), ValueError, "target"),
])
def test_bad_sources_name_what_is_wrong(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_files_of_every_format_read_alike_and_are_named_by_content(tmp_path):
    X = data.sphere(5, 3, seed=0)
    np.save(tmp_path / "X.npy", X)
    np.savez(tmp_path / "both.npz", X=X, y=np.ones(5))
    np.savetxt(tmp_path / "X.csv", X, delimiter=",", fmt="%.17g")
    for name in ("X.npy", "both.npz:X", "X.csv"):
        np.testing.assert_array_equal(datafiles.load(tmp_path / name), X)
    spec = file_spec(tmp_path / "X.npy")
    assert dict(spec.options)["sha256"] == content_hash(X) and spec.describe().startswith("file(")
    np.save(tmp_path / "X.npy", X + 1.0)            # the file changed after it was recorded
    with pytest.raises(ValueError, match="changed since it was recorded"):
        spec.inputs()


# ---------------------------------------------------------------------------------------------
# check --data


@pytest.fixture
def user_data(tmp_path):
    X = data.separated_sphere(6, 4, min_angle=0.6, seed=5)
    y = data.random_labels(6, seed=3)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    return tmp_path, X, y


def test_check_on_a_users_data_names_the_data(user_data, capsys):
    root, X, y = user_data
    status = cli.main(["check", "du2019.gd_linear_rate", "--data", str(root / "X.npy"),
                       "--labels", str(root / "y.npy"), "--out", str(root / "out"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["state"] == "HOLDS"
    assert out["data"]["file"] == str(root / "X.npy")
    assert out["data"]["sha256"] == content_hash(X) and out["data"]["labels_sha256"] == \
        content_hash(y)
    assert out["theorem"] == f"du2019.gd_linear_rate@{content_hash(X)}"
    (instance,) = out["instances"]
    assert instance["margins"]["width"] >= 1 and instance["margins"]["step"] >= 1
    assert Path(out["page"]).exists() and not (root / "out" / "README.md").exists()


def test_search_on_a_users_data_keeps_the_data(user_data, capsys):
    root, X, _ = user_data
    status = cli.main(["check", "du2019.gd_linear_rate", "--data", str(root / "X.npy"),
                       "--search", "--out", str(root / "out"), "--json"])
    found = json.loads(capsys.readouterr().out)["search"]
    assert status == 0 and found["ran"] > 0
    assert content_hash(X) in found["tightest"]["describe"]


@pytest.mark.parametrize("make, args, match", [
    (None, ["--data", "{root}/missing.npy"], "does not exist"),
    (lambda r: (r / "bad.csv").write_text("1,a\n2,3\n"), ["--data", "{root}/bad.csv"],
     "not a readable numeric array"),
    (lambda r: np.save(r / "nan.npy", np.array([[1.0, np.nan]])), ["--data", "{root}/nan.npy"],
     "NaN"),
    (lambda r: np.save(r / "flat.npy", np.ones(3)), ["--data", "{root}/flat.npy"],
     "must hold an \\(n, d\\) array"),
    (None, ["--data", "{root}/X.npy", "--labels", "{root}/X.npy"], "must hold 6 labels"),
    (lambda r: np.savez(r / "two.npz", a=np.ones((2, 2)), b=np.ones(2)),
     ["--data", "{root}/two.npz"], "name one as FILE.npz:KEY"),
    (None, ["--labels", "{root}/y.npy"], "--labels needs --data"),
])
def test_bad_data_exits_2_and_writes_nothing(user_data, make, args, match, capsys):
    root = user_data[0]
    if make is not None:
        make(root)
    before = sorted(root.rglob("*"))
    status = cli.main(["check", "du2019.gd_linear_rate", "--out", str(root / "out")]
                      + [a.format(root=root) for a in args])
    captured = capsys.readouterr()
    assert status == 2 and not captured.out
    assert len(captured.err.strip().splitlines()) == 1
    assert __import__("re").search(match, captured.err), captured.err
    assert sorted(root.rglob("*")) == before


# ---------------------------------------------------------------------------------------------
# A package of one's own (in a subprocess: its claims must not stay in this session's registry)

CLAIMS = textwrap.dedent('''
    import numpy as np
    from checks.network import Network
    from checks.space import Family, SearchSpace
    from checks.theorem import (Citation, Conclusion, Constant, DataSpec, Evidence, Hypothesis,
                                Instance, Problem, Theorem, register)

    def monotone(outcome, c):
        losses = outcome.run.losses
        rise = np.max(np.diff(losses) / losses[:-1])
        k = int(np.argmax(np.diff(losses))) + 1
        return Evidence(holds=rise <= 1e-12, score=float(rise - 1e-12), step=k,
                        observed=float(losses[k]), bound=float(losses[k - 1]))

    def at(theorem, spec, seeds, fraction=1.0):
        eta = fraction * theorem.constants_for(Problem(*spec.arrays()))["step_bound"]
        return Instance(spec, m=128, eta=eta, steps=100, seeds=seeds)

    def descent(name, factor):
        return Theorem(
            id=name, title="descent", citation=Citation("N", 2004, "t", "", "2.1.14"),
            fidelity="paraphrased", statement=f"eta <= {factor}/n => monotone",
            network=Network(activation="sigmoid", train=("a",)),
            constants=(Constant("step_bound", f"{factor}/n", "", lambda p, c: factor / p.n),),
            hypotheses=(Hypothesis("step", "eta <= bound", "",
                                   lambda p, c, r: r * c["step_bound"] / p.eta, kind="step"),),
            conclusion=Conclusion("monotone", "L(k+1) <= L(k)", "", monotone),
            instances=lambda t, mode, profile, seed: [at(
                t, DataSpec("sphere", n=12, d=3, seed=seed, labels="teacher"),
                tuple(range(profile.seeds)))],
            space=SearchSpace(n=(2, 16), d=(2, 4), families=(Family("sphere"),),
                              labels=("teacher", "sign"), width=None, step=(0.1, 1.0),
                              instance=lambda t, mode, draw: at(t, draw.spec, draw.seeds,
                                                                draw.step)))
''')


@pytest.fixture
def package(tmp_path):
    """A throwaway package outside the repository: one true claim (η ≤ 1/n) with a planted
    false variant, and one false claim registered as true (η ≤ 8/n)."""
    pkg = tmp_path / "userpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "common.py").write_text(CLAIMS)
    (pkg / "true_claims.py").write_text(textwrap.dedent('''
        from checks.theorem import register
        from userpkg.common import descent
        true = descent("userpkg.descent", 1)
        register(true, variants=(true.variant("eight", planted=True,
                                              constants=descent("x", 8).constants),))
    '''))
    (pkg / "false_claims.py").write_text(textwrap.dedent('''
        from checks.theorem import register
        from userpkg.common import descent
        register(descent("userpkg.too_large_step", 8))
    '''))
    return tmp_path


def _run(argv, cwd, env=None):
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(cwd), **(env or {})})
    return done.returncode, done.stdout, done.stderr


def _gdproofs(args, cwd):
    return _run([sys.executable, "-m", "checks.cli"] + args, cwd)


def test_modules_are_listed_checked_and_run_alone(package):
    status, out, _ = _gdproofs(["list", "--json", "--only-module", "userpkg.true_claims"],
                               package)
    assert status == 0 and [r["id"] for r in json.loads(out)] == ["userpkg.descent"]
    status, out, _ = _gdproofs(["check", "userpkg.too_large_step", "--module",
                                "userpkg.false_claims"], package)
    assert status == 1 and "VIOLATED" in out
    status, out, _ = _gdproofs(["run", "--only-module", "userpkg.true_claims", "--out", "rep",
                                "--write-baseline"], package)
    assert status == 0 and "userpkg.descent: literal HOLDS, relaxed HOLDS, planted refuted 1/1" \
        in out
    pages = sorted(p.name for p in (package / "rep").glob("*.md"))
    assert pages == ["README.md", "userpkg.descent.md"]
    baseline = json.loads((package / "rep" / "baseline.json").read_text())
    assert list(baseline["theorems"]) == ["userpkg.descent"]
    status, _, err = _gdproofs(["list", "--module", "userpkg.nosuch"], package)
    assert status == 2 and "cannot be imported" in err


def test_an_entry_point_registers_an_installed_packages_claims(package):
    # A stand-in for an installed package's entry point in the group gdproofs.theorems.
    script = textwrap.dedent('''
        import importlib.metadata, json
        ep = importlib.metadata.EntryPoint("userpkg", "userpkg.true_claims", "gdproofs.theorems")
        importlib.metadata.entry_points = lambda group=None: [ep] if group == ep.group else []
        from checks.theorem import all_theorems
        print(json.dumps([t.id for t in all_theorems()]))
    ''')
    status, out, err = _run([sys.executable, "-c", script], package)
    assert status == 0, err
    assert "userpkg.descent" in json.loads(out) and "du2019.gd_linear_rate" in json.loads(out)


def test_pytest_plugin_passes_the_true_claim_and_fails_the_false_one(package):
    status, out, _ = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "-rA", "--gdproofs", "userpkg.true_claims", "--gdproofs",
                           "userpkg.false_claims"], package)
    assert status == 1, out
    assert "PASSED ::userpkg.descent[relaxed]" in out
    assert "PASSED ::userpkg.descent:eight[planted]" in out
    assert "FAILED ::userpkg.too_large_step[relaxed]" in out
    # The message carries the reason, the counterexample with its seed, and the replay command.
    assert "relaxed claim does not HOLD: VIOLATED" in out
    assert "counterexample: sphere(n=12, d=3" in out and "; seed " in out
    assert ("replay: gdproofs check userpkg.too_large_step --mode relaxed --profile ci --seed 0 "
            "--module userpkg.true_claims --module userpkg.false_claims") in out
    assert "3 passed" in out and "2 failed" in out


def test_pytest_plugin_compares_with_a_baseline(package):
    assert _gdproofs(["run", "--only-module", "userpkg.true_claims", "--out", "rep",
                      "--write-baseline"], package)[0] == 0
    status, out, _ = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--gdproofs", "userpkg.true_claims", "--gdproofs-baseline",
                           "rep/baseline.json"], package)
    assert status == 0 and "4 passed" in out, out
    path = package / "rep" / "baseline.json"
    baseline = json.loads(path.read_text())
    baseline["theorems"]["userpkg.descent"]["states"]["relaxed"]["value"] = "VIOLATED"
    path.write_text(json.dumps(baseline))
    status, out, _ = _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--gdproofs", "userpkg.true_claims", "--gdproofs-baseline",
                           "rep/baseline.json"], package)
    assert status == 1 and "regressions against the baseline" in out, out
