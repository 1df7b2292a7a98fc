"""The README's examples run: the user-defined theorem and study hold, and the package of one's own
is checked from the command line and by pytest."""

import os
from pathlib import Path
import re
import subprocess
import sys

import numpy as np

from checks import engine

README = Path(__file__).resolve().parent.parent / "README.md"


def _example_block(marker="mine.outer_descent"):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if marker in b)


def test_readme_public_api_example_runs():
    """The Public API block: every call runs, and the results are what the comments say."""
    namespace = {}
    exec(compile(_example_block("gradient_descent_seeds"), "README.md", "exec"), namespace)
    run, fit, test, sample = (namespace[k] for k in ("run", "fit", "test", "sample"))
    assert not run.diverged and run.losses[-1] < run.losses[0]
    assert namespace["lam0"] > 0 and namespace["H_inf"].shape == (8, 8)
    # Frei et al.'s network fits every label, the flipped one too, and errs at about the noise
    # rate on fresh draws (the interval is the 99% Clopper–Pearson one of 4000 draws).
    y_f = sample.y * namespace["forward"](namespace["frei"], fit.params, sample.X)
    assert np.all(y_f > 0) and sample.flipped.sum() == 1
    assert test.low <= 0.1 + 0.02 and test.high >= 0.1 - 0.02


def test_readme_theorem_example_holds_and_is_searched(capsys):
    namespace = {}
    exec(compile(_example_block(), "README.md", "exec"), namespace)
    verdict = namespace["verdict"]
    assert verdict.state == engine.HOLDS
    assert capsys.readouterr().out.startswith("HOLDS")
    # The declared space was searched: examples ran, none failed.
    assert verdict.search.ran > 0 and verdict.search.candidate is None
    assert verdict.search.examples == verdict.search.ran + verdict.search.rejections


def test_readme_theorem_search_refutes_a_step_bound_too_large():
    """The same space with η up to 20/n: the search finds an instance where the loss rises."""
    namespace = {}
    exec(compile(_example_block().replace("eta=draw.step / draw.spec.n",
                                          "eta=20 * draw.step / draw.spec.n"),
                 "README.md", "exec"), namespace)
    theorem = namespace["descent"].variant("big_step", ablation="step")
    verdict = engine.check(theorem, mode="ablation", profile="ci", do_search=True)
    assert verdict.state == engine.VIOLATED, verdict.reason
    assert verdict.counterexample["found_by"] == "search"


def test_readme_example_planted_step_is_refuted():
    """The same statement with η far above 1/n: the descent lemma no longer applies."""
    namespace = {}
    exec(compile(_example_block().replace("eta=0.1", "eta=50.0"), "README.md", "exec"), namespace)
    theorem = namespace["descent"].variant("big_step", ablation="step")
    assert engine.check(theorem, mode="ablation", profile="ci").state == engine.VIOLATED


def test_readme_study_example_holds_and_its_planted_order_is_refuted(capsys):
    namespace = {}
    exec(compile(_example_block("mine.gram_order"), "README.md", "exec"), namespace)
    assert namespace["verdict"].state == engine.HOLDS
    assert capsys.readouterr().out.startswith("HOLDS")
    assert engine.check(namespace["planted"], mode="relaxed").state == engine.VIOLATED


def _package(tmp_path):
    """The README's package of one's own, written to a fresh directory."""
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "claims.py").write_text(_example_block("mypkg.outer_descent"))
    commands = re.search(r"From the directory that holds `mypkg/`:\n\n```bash\n(.*?)```",
                         README.read_text(), flags=re.S).group(1)
    return [line.split("#")[0].split() for line in commands.strip().splitlines()]


def test_readme_package_of_ones_own_is_checked_by_the_cli_and_by_pytest(tmp_path):
    check, run, pytest_run = _package(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for argv, expected in ((check, "HOLDS"), (run, "planted refuted 1/1"),
                           (pytest_run + ["-p", "no:cacheprovider"], "3 passed")):
        if argv[0] == "gdproofs":
            argv = [sys.executable, "-m", "checks.cli"] + argv[1:]
        elif argv[0] == "python3":
            argv = [sys.executable] + argv[1:]
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert expected in done.stdout, done.stdout
    assert (tmp_path / "my-report" / "mypkg.outer_descent.md").exists()
