"""The figures of the speed issue (#11), their targets, and the sizes the scenarios run at."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is, and how long each of its steps may take (seconds)."""
    # thousand: N nodes idle, then pending pods bound, then the big cluster
    big_nodes: int = 1000
    bind_pods: int = 10_000
    big_pods: int = 30_000
    # scale: nodes added to demo, a Deployment on them, the topology page
    scale_nodes: int = 100
    scale_replicas: int = 3000
    fps_seconds: float = 10
    # demo, learners, pages, kill-node
    idle_window: float = 30
    settle: float = 10
    gets: int = 500
    learners: int = 30
    learner_writes: int = 60
    pages: int = 200
    page_writes: int = 20
    kill_pods: int = 300
    kubectl_runs: int = 3
    # time limits of the slow steps (the whole bench stays under about 45 minutes when every one is hit)
    add_limit: float = 240
    ready_limit: float = 120
    create_limit: float = 180
    bind_limit: float = 180
    running_limit: float = 240
    write_limit: float = 10  # one write's wait for its frame
    writes_limit: float = 120  # all the writes of a latency figure

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Sizes()
QUICK = Sizes(big_nodes=20, bind_pods=200, big_pods=400, scale_nodes=10, scale_replicas=100, fps_seconds=3,
              idle_window=5, settle=3, gets=50, learners=3, learner_writes=6, pages=3, page_writes=3, kill_pods=20,
              kubectl_runs=1, add_limit=60, ready_limit=60, create_limit=60, bind_limit=60, running_limit=90, write_limit=10, writes_limit=30)


def sizes_for(quick: bool, nodes: int | None = None) -> Sizes:
    """The preset, with `--nodes N` scaling the thousand scenario: N nodes, 10 pending pods per
    node bound, 30 pods per node in the big cluster."""
    base = QUICK if quick else FULL
    if nodes:
        base = replace(base, big_nodes=nodes, bind_pods=10 * nodes, big_pods=30 * nodes)
    return base


@dataclass(frozen=True)
class Figure:
    key: str
    scenario: str
    label: str  # formatted with the Sizes
    unit: str
    target: str
    higher_is_better: bool = False

    def title(self, sizes: Sizes) -> str:
        return self.label.format(**{k: f"{v:,}" if isinstance(v, int) else v for k, v in sizes.as_dict().items()})


FIGURES: list[Figure] = [
    Figure("bind-rate", "thousand", "{bind_pods} pending pods bound on {big_nodes} nodes", "pods/s", ">= 2,000", True),
    Figure("replicas-running", "scale", "{scale_replicas} replicas on {scale_nodes} nodes, apply -> all Running (images present)", "s", "< 10"),
    Figure("demo-idle-cpu", "demo", "demo cluster idle, CPU", "% core", "< 3"),
    Figure("learners-idle-cpu", "learners", "{learners} idle learner clusters, CPU", "% core", "< 10"),
    Figure("nodes-idle-cpu", "thousand", "{big_nodes} nodes Ready, idle, CPU", "% core", "< 30"),
    Figure("nodes-idle-rss", "thousand", "{big_nodes} nodes Ready, idle, memory (RSS)", "MB", "< 1,500"),
    Figure("nodes-idle-late", "thousand", "{big_nodes} nodes idle: late heartbeats (NotReady nodes + events)", "count", "0"),
    Figure("big-not-ready", "thousand", "{big_nodes} nodes + {big_pods} pods: nodes not Ready", "count", "0"),
    Figure("big-rss", "thousand", "{big_nodes} nodes + {big_pods} pods, memory (RSS)", "MB", "< 1,500"),
    Figure("live-learners-median", "learners", "API write -> every open page, {learners} learners x 1 page, median", "ms", "< 50"),
    Figure("live-learners-p95", "learners", "API write -> every open page, {learners} learners x 1 page, p95", "ms", "< 150"),
    Figure("live-pages-p95", "pages", "API write -> every open page, {pages} pages on one cluster, p95", "ms", "< 250"),
    Figure("kubectl-get-pods", "thousand", "kubectl get pods -A, {big_pods} pods", "s", "< 2"),
    Figure("kubectl-get-pods-whole", "thousand", "kubectl get pods -A --chunk-size=0 (one request), {big_pods} pods", "s", "< 2"),
    Figure("get-object", "demo", "single-object GET, median", "ms", "< 5"),
    Figure("kill-node-beyond", "kill-node", "kill a node holding {kill_pods} pods -> all Ready elsewhere, beyond the delays", "s", "< 1"),
    Figure("topology-fps", "scale", "topology page, {scale_replicas} pods churning", "fps", ">= 30", True),
    Figure("add-nodes", "scale", "adding {scale_nodes} nodes through the control API", "s", "< 2"),
]
BY_KEY = {f.key: f for f in FIGURES}
