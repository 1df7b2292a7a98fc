"""The BLAS that numba's ``np.dot`` calls, and holding it to one thread while the kernels thread.

numba's ``np.dot`` calls the BLAS behind ``scipy.linalg.cython_blas`` (on a pip install, the
OpenBLAS in ``scipy.libs``; numpy has its own copy, which this module leaves alone). The GD kernel
runs its two halves of the neurons on two numba threads, each with single-threaded products
(``checks.kernels.gd_run``); if that BLAS kept its own threads too, three or more threads would
busy-wait on two cores: a prototype of the lanes took 19 ms per "medium" step so, against 4 ms
with the BLAS held to one thread (and 5.5 ms without lanes).

``single_threaded()`` holds the thread count at one for its ``with`` block, across nested and
concurrent blocks, and restores the count it found when the last one leaves (a change made by
other code meanwhile is overwritten). The count is process-wide: other threads' scipy BLAS calls
during the block run single-threaded too. ``controllable()`` is False when the library does not
export OpenBLAS's thread setters (MKL, Accelerate, a custom build) or cannot be found (Windows);
the kernels then run their halves one after the other with the BLAS's own threads.
"""

import ctypes
import ctypes.util
import os
import threading
from contextlib import contextmanager

# (setter, getter) names under which OpenBLAS builds export them: scipy's wheels prefix theirs
_SETTERS = (("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
            ("openblas_set_num_threads", "openblas_get_num_threads"))

_lock = threading.Lock()
_holders = 0
_saved = None


def _library_path():
    """Path of the shared library holding scipy.linalg.cython_blas's dgemm, or None."""
    try:
        from scipy.linalg import cython_blas
        capsule = cython_blas.__pyx_capi__["dgemm"]
    except (ImportError, AttributeError, KeyError):
        return None
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    address = get_pointer(capsule, get_name(capsule))

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    if os.name != "posix":  # no dladdr (Windows): the BLAS is left to its own threads
        return None
    try:
        dladdr = ctypes.CDLL(ctypes.util.find_library("dl") or None).dladdr
    except (OSError, AttributeError, TypeError):
        return None
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
    info = DlInfo()
    if not dladdr(address, ctypes.byref(info)) or not info.dli_fname:
        return None
    # scipy's extension module itself: dlsym on its handle also searches the BLAS it links
    return info.dli_fname.decode()


def _find_setters():
    """(set, get) ctypes functions of numba's BLAS thread count, or None."""
    path = _library_path()
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
    except OSError:
        return None
    for set_name, get_name in _SETTERS:
        setter, getter = getattr(library, set_name, None), getattr(library, get_name, None)
        if setter is not None and getter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            return setter, getter
    return None


_setters = _find_setters()


def controllable():
    """Whether numba's BLAS thread count can be set (an OpenBLAS that exports its setters)."""
    return _setters is not None


def threads():
    """The thread count of numba's BLAS now, or None when it cannot be read."""
    return _setters[1]() if _setters is not None else None


@contextmanager
def single_threaded():
    """Hold numba's BLAS to one thread inside the block (nothing happens if not controllable)."""
    global _holders, _saved
    if _setters is None:
        yield
        return
    setter, getter = _setters
    with _lock:
        if _holders == 0:
            _saved = getter()
            setter(1)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                setter(_saved)
