"""pytest configuration: hypothesis profiles for the property tests.

Hypothesis loads its own "ci" profile when a CI variable is set (database=None, derandomize=True);
we register ours on purpose on top of it and pick one with GDPROOFS_PROFILE (default "ci"), or
with hypothesis's own ``--hypothesis-profile`` option.
"""

import os

from hypothesis import HealthCheck, settings
import pytest

settings.register_profile("ci", max_examples=20, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("GDPROOFS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster of two single-threaded worker processes (skipped without dask)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster
