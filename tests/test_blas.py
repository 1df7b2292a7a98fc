"""Holding numba's BLAS to one thread: nested and concurrent blocks, and giving the count back."""

import os
import threading

import pytest
import scipy

from checks import blas

# scipy's own record of the BLAS it was built against ("scipy-openblas" for the pip wheels)
SCIPY_BLAS = scipy.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
held = pytest.mark.skipif(not blas.controllable(),
                          reason=f"scipy's BLAS ({SCIPY_BLAS}) exports no thread-count setter")


@pytest.mark.skipif(os.name != "posix" or "openblas" not in SCIPY_BLAS.lower(),
                    reason=f"the lookup needs dladdr and an OpenBLAS (scipy has {SCIPY_BLAS})")
def test_scipys_openblas_is_found():
    # where the lookup should work it must, or every test below would skip in silence
    assert blas.controllable()
    assert blas.threads() >= 1


@pytest.fixture
def two_blas_threads():
    """Start a test at two BLAS threads, so that holding it at one is visible (a machine or an
    OPENBLAS_NUM_THREADS=1 that already has one would make every assertion trivial). OpenBLAS
    takes any count up to its build's MAX_THREADS, whatever the cores."""
    setter, getter = blas._setters
    before = getter()
    setter(2)
    assert getter() == 2
    yield
    setter(before)


@held
def test_one_thread_inside_and_the_count_restored(two_blas_threads):
    before = blas.threads()
    assert before == 2
    with blas.single_threaded():
        assert blas.threads() == 1
        with blas.single_threaded():
            assert blas.threads() == 1
        assert blas.threads() == 1  # the inner block's exit must not give the threads back yet
    assert blas.threads() == before


@held
def test_restored_after_an_error(two_blas_threads):
    before = blas.threads()
    with pytest.raises(RuntimeError, match="inside"):
        with blas.single_threaded():
            raise RuntimeError("inside")
    assert blas.threads() == before


@held
def test_concurrent_blocks_hold_until_the_last_leaves(two_blas_threads):
    before = blas.threads()
    entered, release = threading.Barrier(2), threading.Event()
    seen = []

    def hold():
        with blas.single_threaded():
            entered.wait()
            release.wait()
            seen.append(blas.threads())

    other = threading.Thread(target=hold)
    other.start()
    with blas.single_threaded():
        entered.wait()
    # this thread has left its block; the other still holds one
    seen.append(blas.threads())
    release.set()
    other.join()
    assert seen == [1, 1]
    assert blas.threads() == before
