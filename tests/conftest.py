import glob
import os

import pytest

from orchestrator.controlplane.clusters import cluster_create
from tests.sim import Simulation


@pytest.fixture
def cluster(db):
    """A new `demo` cluster: control plane, three workers, classroom timing."""
    return cluster_create(name="demo", profile="classroom")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One real playground process for the tests that need one (kubectl, the client, browsers,
    learners); each test makes its own cluster in it."""
    from tests.live import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("playground")).start()
    yield live
    live.stop()


@pytest.fixture
def sim(cluster):
    """The cluster's components, driven step by step on a paused clock."""
    return Simulation(cluster)


def pytest_sessionfinish(session, exitstatus):
    """Remove the test database's WAL files that SQLite leaves beside it."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for path in glob.glob(f"{name}*"):
            os.remove(path)
