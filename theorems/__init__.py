"""gdproofs theorem statements, one module per paper.

Importing a module registers its theorems (``checks.theorem.register``); ``load_all`` imports the
whole library.
"""

import importlib

LIBRARY = ("theorems.du2019", "theorems.jentzen2021", "theorems.arora2019", "theorems.welper2024",
           "theorems.safran_lee2022", "theorems.frei2022",
           "theorems.reproductions")


def load_all():
    for name in LIBRARY:
        importlib.import_module(name)
