"""Holding numba's BLAS to one thread: nested and concurrent blocks, and giving the count back."""

import threading

import pytest

from checks import blas

pytestmark = pytest.mark.skipif(not blas.controllable(),
                                reason="this BLAS exports no thread-count setter")


@pytest.fixture(autouse=True)
def two_blas_threads():
    """Start each test at two BLAS threads, so that holding it at one is visible (a machine or
    an OPENBLAS_NUM_THREADS=1 that already has one would make every assertion trivial)."""
    setter, getter = blas._setters
    before = getter()
    setter(2)
    if getter() != 2:
        setter(before)
        pytest.skip("this BLAS cannot run two threads here")
    yield
    setter(before)


def test_one_thread_inside_and_the_count_restored():
    before = blas.threads()
    assert before == 2
    with blas.single_threaded():
        assert blas.threads() == 1
        with blas.single_threaded():
            assert blas.threads() == 1
        assert blas.threads() == 1  # the inner block's exit must not give the threads back yet
    assert blas.threads() == before


def test_restored_after_an_error():
    before = blas.threads()
    with pytest.raises(RuntimeError, match="inside"):
        with blas.single_threaded():
            raise RuntimeError("inside")
    assert blas.threads() == before


def test_concurrent_blocks_hold_until_the_last_leaves():
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
