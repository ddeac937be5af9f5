from collections import Counter

from orchestrator.models import Machine, Node, Pod
from orchestrator.nodes.machines import machine_power
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods


def test_deployment_of_six_spreads_over_three_workers_and_runs(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=6)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what="6 running pods")
    spread = Counter(p.node_name for p in running_pods(cluster, "web"))
    assert spread == {"worker-1": 2, "worker-2": 2, "worker-3": 2}
