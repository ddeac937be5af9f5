import pytest

from orchestrator.controllers.base import Context
from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.store.services import Batch


@pytest.fixture
def sync(cluster):
    """Run one controller's sync for one key in its own batch, as the manager does."""
    memories: dict = {}

    def run(controller, key, *, now=None):
        with Batch(cluster, component=controller.component) as batch:
            batch.lock()
            ctx = Context(
                cluster=cluster,
                now=clock.sim_seconds(cluster) if now is None else now,
                profile=profile_for(cluster.profile),
                batch=batch,
                memory=memories.setdefault(controller.name, {}),
            )
            return controller.sync(ctx, key)

    return run
