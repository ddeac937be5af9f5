"""What a scenario step's "Do it" performs: the same operations a learner does by click or
with kubectl, done through the playground's own services (power switch, component switch,
Batch writes, drain, manifests). Each returns a sentence saying what was done.
"""
from __future__ import annotations

from orchestrator import manifests, operations, quantity
from orchestrator.api.selectors import labels_match, parse_label_selector
from orchestrator.controllers.deployment import revision_of, strip_hash
from orchestrator.controlplane import clock, clusters
from orchestrator.models import Cluster, Pod, ReplicaSet
from orchestrator.models.cluster import COMPONENTS
from orchestrator.nodes import machines
from orchestrator.store import services
from orchestrator.store.errors import BadRequest
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import Batch
from orchestrator.traffic import config as traffic

from .params import Kind, Param, parse_taint, selector_problem, taint_problem, taint_text

WRITER = "playground-ui"  # the scenario acts as the page's buttons do


def _power(on: bool):
    def run(cluster: Cluster, p: dict) -> str:
        machines.machine_power(machine=machines.machine_get(cluster=cluster, name=p["node"]), on=on)
        return f"{p['node']} powered {'on' if on else 'off'}"
    return run


def _component(running: bool):
    def run(cluster: Cluster, p: dict) -> str:
        clusters.component_set(cluster=cluster, component=p["component"], running=running)
        return f"{p['component']} {'started' if running else 'stopped'}"
    return run


def _edit(cluster: Cluster, kind: str, namespace: str, name: str, change) -> dict:
    """Read an object, let `change(obj)` edit it, write it back in one batch."""
    with Batch(cluster, component=WRITER) as batch:
        row = batch.row(kind, namespace, name)
        if row is None:
            raise services.not_found(KINDS[kind], name)
        obj = to_dict(KINDS[kind], row)
        change(obj)
        return batch.update(kind, obj)


def _cordon(unschedulable: bool):
    def run(cluster: Cluster, p: dict) -> str:
        def change(node):
            node["spec"]["unschedulable"] = unschedulable
            if not unschedulable:
                node["spec"].pop("unschedulable")
        _edit(cluster, "Node", "", p["node"], change)
        return f"node/{p['node']} {'cordoned' if unschedulable else 'uncordoned'}"
    return run


def _drain(cluster: Cluster, p: dict) -> str:
    evicted = operations.node_drain(cluster=cluster, node=p["node"])
    return f"node/{p['node']} drained: {len(evicted)} pods evicted"


def _taint(cluster: Cluster, p: dict) -> str:
    wanted = parse_taint(p["taint"])

    def change(node):
        kept = [t for t in node["spec"].get("taints") or [] if not (t.get("key") == wanted["key"] and t.get("effect") == wanted.get("effect", t.get("effect")))]
        node["spec"]["taints"] = kept if p["remove"] else [*kept, wanted]
    _edit(cluster, "Node", "", p["node"], change)
    return f"node/{p['node']} {'untainted' if p['remove'] else 'tainted'} {taint_text(wanted)}"


def _scale(cluster: Cluster, p: dict) -> str:
    _edit(cluster, "Deployment", p["namespace"], p["deployment"], lambda d: d["spec"].update(replicas=p["replicas"]))
    return f"deployment.apps/{p['deployment']} scaled to {p['replicas']}"


def _set_image(cluster: Cluster, p: dict) -> str:
    def change(d):
        containers = d["spec"]["template"]["spec"]["containers"]
        container = next((c for c in containers if c["name"] == p.get("container")), None) if p.get("container") else containers[0]
        if container is None:
            raise BadRequest(f'unable to find container named "{p["container"]}"')
        container["image"] = p["image"]
    _edit(cluster, "Deployment", p["namespace"], p["deployment"], change)
    return f"deployment.apps/{p['deployment']} image updated to {p['image']}"


def _rollout_undo(cluster: Cluster, p: dict) -> str:
    """Put the previous revision's pod template back, as `kubectl rollout undo` does."""
    def change(d):
        owned = ReplicaSet.objects.filter(cluster=cluster, namespace=p["namespace"], owner_uid=d["metadata"]["uid"])
        revisions = sorted(owned, key=revision_of, reverse=True)
        if len(revisions) < 2:
            raise BadRequest(f'no rollout history found for deployment "{p["deployment"]}"')
        d["spec"]["template"] = strip_hash(revisions[1].spec["template"])
    _edit(cluster, "Deployment", p["namespace"], p["deployment"], change)
    return f"deployment.apps/{p['deployment']} rolled back"


def _delete_pods(cluster: Cluster, p: dict) -> str:
    requirements = parse_label_selector(p["selector"])
    rows = Pod.objects.filter(cluster=cluster, namespace=p["namespace"], deletion_timestamp__isnull=True).order_by("name")
    if p.get("node"):
        rows = rows.filter(node_name=p["node"])
    doomed = [pod.name for pod in rows if labels_match(requirements, pod.labels)][:p.get("count")]
    if not doomed:
        raise BadRequest(f'no pods of {p["selector"]} in namespace "{p["namespace"]}" to delete')
    with Batch(cluster, component=WRITER) as batch:
        for name in doomed:
            batch.delete("Pod", p["namespace"], name)
    return "deleted " + ", ".join(f"pod/{name}" for name in doomed)


def _delete_namespace(cluster: Cluster, p: dict) -> str:
    services.object_delete(cluster=cluster, kind="Namespace", namespace="", name=p["namespace"])
    return f'namespace "{p["namespace"]}" deleted'


def _apply(cluster: Cluster, p: dict) -> str:
    applied = manifests.apply_manifest(cluster=cluster, text=p["yaml"])
    return ", ".join(f"{a['kind'].lower()}/{a['name']} {a['action']}" for a in applied)


def _advance_clock(cluster: Cluster, p: dict) -> str:
    cluster.refresh_from_db()
    clock.clock_set(cluster=cluster, advance=float(p["seconds"]))
    return f"the simulated clock jumped {p['seconds']:g} s ahead"


def _add_node(cluster: Cluster, p: dict) -> str:
    machines.machine_add(cluster=cluster, name=p["name"], runtime=p["runtime"], cpu_m=quantity.parse_cpu_millis(p["cpu"]),
                         memory=quantity.parse_memory_bytes(p["memory"]))
    return f"machine {p['name']} added ({p['cpu']} CPU, {p['memory']}); its kubelet registers the node"


def _traffic(cluster: Cluster, p: dict) -> str:
    if p["stop"]:
        traffic.traffic_set(cluster=cluster, on=False)
        return "traffic switched off"
    config = traffic.traffic_set(cluster=cluster, service=f"{p['namespace']}/{p['service']}", rate=p["rate"], port=p.get("port"))
    return f"clients send {config['rate']} requests a second to {config['service']} port {config['port']}"


def _describe_traffic(p: dict) -> str:
    return "Switch the traffic off" if p["stop"] else f"Send {p['rate']} requests a second to {p['service']}"


def _quantity_problem(parse):
    def check(value) -> str | None:
        try:
            parse(value)
        except (ValueError, ArithmeticError) as error:
            return f'is not a quantity ("{value}"): {error}'
        return None
    return check


def _rate_problem(value) -> str | None:
    return None if 1 <= value <= traffic.MAX_RATE else f"must be from 1 to {traffic.MAX_RATE} requests a second, not {value}"


NODE = Param("node", str, required=True)
DEPLOYMENT = Param("deployment", str, required=True)
NAMESPACE = Param("namespace", str, default="default")
COMPONENT = Param("component", str, required=True, choices=COMPONENTS)

ACTIONS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("power_off", (NODE,), lambda p: f"Power off {p['node']}", _power(False), scalar="node"),
    Kind("power_on", (NODE,), lambda p: f"Power on {p['node']}", _power(True), scalar="node"),
    Kind("stop", (COMPONENT,), lambda p: f"Stop {p['component']}", _component(False), scalar="component"),
    Kind("start", (COMPONENT,), lambda p: f"Start {p['component']}", _component(True), scalar="component"),
    Kind("cordon", (NODE,), lambda p: f"Cordon {p['node']}", _cordon(True), scalar="node"),
    Kind("uncordon", (NODE,), lambda p: f"Uncordon {p['node']}", _cordon(False), scalar="node"),
    Kind("drain", (NODE,), lambda p: f"Drain {p['node']}", _drain, scalar="node"),
    Kind("taint", (NODE, Param("taint", str, required=True, check=taint_problem), Param("remove", bool, default=False)),
         lambda p: f"{'Remove the taint' if p['remove'] else 'Taint'} {p['node']} {'' if p['remove'] else 'with '}{p['taint']}".replace("  ", " "), _taint),
    Kind("scale", (DEPLOYMENT, NAMESPACE, Param("replicas", int, required=True)),
         lambda p: f"Scale {p['deployment']} to {p['replicas']}", _scale),
    Kind("set_image", (DEPLOYMENT, NAMESPACE, Param("image", str, required=True), Param("container", str)),
         lambda p: f"Set {p['deployment']}'s image to {p['image']}", _set_image),
    Kind("rollout_undo", (DEPLOYMENT, NAMESPACE), lambda p: f"Roll {p['deployment']} back", _rollout_undo, scalar="deployment"),
    Kind("delete_pods", (Param("selector", str, required=True, check=selector_problem), NAMESPACE, Param("node", str), Param("count", int)),
         lambda p: f"Delete {'pods' if p.get('count') != 1 else 'a pod'} of {p['selector']}" + (f" on {p['node']}" if p.get("node") else ""), _delete_pods),
    Kind("delete_namespace", (Param("namespace", str, required=True),), lambda p: f"Delete namespace {p['namespace']}", _delete_namespace, scalar="namespace"),
    Kind("apply", (Param("yaml", str, required=True),), lambda p: "Apply the YAML", _apply, scalar="yaml"),
    Kind("advance_clock", (Param("seconds", float, required=True),), lambda p: f"Advance the clock {p['seconds']:g} s", _advance_clock, scalar="seconds"),
    Kind("traffic", (Param("service", str, required=True), NAMESPACE, Param("rate", int, default=20, check=_rate_problem),
                     Param("port", int), Param("stop", bool, default=False)),
         _describe_traffic, _traffic, scalar="service"),
    Kind("add_node", (Param("name", str, required=True), Param("cpu", (str, int, float), default="2", check=_quantity_problem(quantity.parse_cpu_millis)),
                      Param("memory", (str, int), default="4Gi", check=_quantity_problem(quantity.parse_memory_bytes)),
                      Param("runtime", str, default="containerd", choices=machines.RUNTIMES)),
         lambda p: f"Add node {p['name']}", _add_node),
)}
