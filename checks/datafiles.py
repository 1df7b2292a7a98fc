"""A user's data on disk: .npy, .npz and .csv files read into float64 arrays, with clear errors.

``load(path, what)`` reads one array (an .npz archive must hold exactly one, or name it with
``path.npz:key``); it refuses what a theorem cannot use (missing, unreadable, non-numeric, NaN or
infinite entries) with a ValueError naming the file and what was expected. A record names such
data by path and content hash (``checks.theorem.content_hash``), so a result can be reproduced and
a changed file is noticed.
"""

from pathlib import Path

import numpy as np

SUFFIXES = (".npy", ".npz", ".csv")


def load(path, what="data"):
    """The float64 array in ``path`` (.npy, .npz or .csv; ``archive.npz:key`` picks one array of an
    archive). Raises ValueError, naming ``what`` and the file, for anything unusable."""
    text = str(path)
    key = None
    if ".npz:" in text:
        text, key = text.split(".npz:", 1)
        text += ".npz"
    file = Path(text)
    if file.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{what} file {text!r} must end in .npy, .npz or .csv")
    if not file.exists():
        raise ValueError(f"{what} file {text!r} does not exist")
    if file.is_dir():
        raise ValueError(f"{what} file {text!r} is a directory")
    try:
        if file.suffix.lower() == ".csv":
            array = np.loadtxt(file, delimiter=",", dtype=np.float64, ndmin=1)
        else:
            array = _numpy(file, key, what)
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"{what} file {text!r} is not a readable numeric array: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") \
            from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{what} file {text!r} holds {array.dtype} values, not numbers")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(f"{what} file {text!r} has {int(np.sum(~np.isfinite(array)))} NaN or "
                         f"infinite entries")
    return array


def _numpy(file, key, what):
    loaded = np.load(file, allow_pickle=False)
    if isinstance(loaded, np.ndarray):
        return loaded
    with loaded:
        names = list(loaded.files)
        if key is None:
            if len(names) != 1:
                raise ValueError(f"the archive holds {len(names)} arrays ({', '.join(names)}); "
                                 f"name one as FILE.npz:KEY")
            key = names[0]
        if key not in names:
            raise ValueError(f"the archive has no array {key!r} (it has {', '.join(names)})")
        return loaded[key]
