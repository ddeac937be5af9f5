import pytest

from orchestrator.controlplane.clusters import cluster_create
from tests.sim import Simulation


@pytest.fixture
def cluster(db):
    """A new `demo` cluster: control plane, three workers, classroom timing."""
    return cluster_create(name="demo", profile="classroom")


@pytest.fixture
def sim(cluster):
    """The cluster's components, driven step by step on a paused clock."""
    return Simulation(cluster)
