"""The README's user-defined theorem example runs and its claim holds."""

import re
from pathlib import Path

from checks import engine

README = Path(__file__).resolve().parent.parent / "README.md"


def _example_block(marker="mine.outer_descent"):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if marker in b)


def test_readme_theorem_example_holds(capsys):
    namespace = {}
    exec(compile(_example_block(), "README.md", "exec"), namespace)
    assert namespace["verdict"].state == engine.HOLDS
    assert capsys.readouterr().out.startswith("HOLDS")


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
