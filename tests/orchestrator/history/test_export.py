"""Export a cluster as YAML and import it into a new one: equal clusters; bad imports refused whole."""
from __future__ import annotations

import re

import pytest
import yaml

from orchestrator import manifests
from orchestrator.history import export
from orchestrator.controlplane import clock
from orchestrator.models import Cluster, Machine, Node, Revision
from orchestrator.nodes.machines import machine_add, machine_power
from orchestrator.store import errors
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods
from tests.sim import Simulation

LESSON = """
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team-a
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: team-a
  annotations:
    team: a
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx:1.25
        resources:
          requests: {cpu: 100m}
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: team-a
spec:
  selector: {app: api}
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: shell
    image: busybox:1.36
"""


def names(documents) -> list[tuple]:
    return [(d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]) for d in documents]


def without_cluster_name(documents) -> list[dict]:
    head, *rest = documents
    return [{**head, "metadata": {}}, *rest]


@pytest.fixture
def lesson(cluster, sim):
    """The demo cluster with a bigger fourth worker, a namespace of objects and a standalone pod, all running."""
    machine_add(cluster=cluster, name="worker-4", runtime="cri-o", cpu_m=4000, memory=8 * 1024**3, max_pods=50)
    sim.run_until(lambda: nodes_ready(cluster, 5), within=10, what="five Ready nodes")
    manifests.apply_manifest(cluster=cluster, text=LESSON)
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3 and len(running_pods(cluster, "api")) == 2,
                  within=30, what="the lesson's pods running")
    return cluster


def test_export_holds_the_machines_and_the_users_objects_without_server_fields(lesson):
    documents = list(yaml.safe_load_all(export.export_yaml(lesson)))
    head = documents[0]
    assert head["apiVersion"] == "playground/v1" and head["kind"] == "PlaygroundCluster"
    assert head["metadata"] == {"name": "demo"}
    assert head["spec"]["profile"] == "classroom"
    assert head["spec"]["clockSpeed"] == 1.0
    assert head["spec"]["machines"][-1] == {"name": "worker-4", "role": "worker", "runtime": "cri-o", "cpu": "4", "memory": "8Gi", "pods": 50,
                                            "powered": True}
    assert [m["name"] for m in head["spec"]["machines"]] == ["control-plane", "worker-1", "worker-2", "worker-3", "worker-4"]
    assert names(documents[1:]) == [
        ("Namespace", "", "team-a"),
        ("ConfigMap", "team-a", "settings"),
        ("Service", "team-a", "api"),
        ("Deployment", "default", "web"),
        ("Deployment", "team-a", "api"),
        ("Pod", "default", "debug"),
    ]
    for doc in documents[1:]:
        meta = doc["metadata"]
        assert not {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "ownerReferences"} & set(meta), doc
        assert "status" not in doc
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in documents[1:]}
    assert "clusterIP" not in by_name[("Service", "api")]["spec"]
    assert "nodeName" not in by_name[("Pod", "debug")]["spec"]
    assert by_name[("Deployment", "api")]["metadata"]["annotations"] == {"team": "a"}
    assert by_name[("ConfigMap", "settings")]["data"] == {"greeting": "hello"}


def test_export_then_import_gives_an_equal_cluster(lesson):
    text = export.export_yaml(lesson)
    copy, applied = export.import_cluster(text=text, name="copy")
    assert [a["action"] for a in applied] == ["created"] * 6
    assert Cluster.objects.get(name="copy").profile == "classroom"
    assert [(m.name, m.runtime, m.cpu_m, m.max_pods) for m in Machine.objects.filter(cluster=copy)] == [
        (m.name, m.runtime, m.cpu_m, m.max_pods) for m in Machine.objects.filter(cluster=lesson)]

    sim = Simulation(copy)
    sim.run_until(lambda: len(running_pods(copy, "web")) == 3 and len(running_pods(copy, "api")) == 2
                  and Revision.objects.filter(cluster=copy, kind="Pod", name="debug").exists(),
                  within=30, what="the copy's pods running")
    again = list(yaml.safe_load_all(export.export_yaml(copy)))
    assert again[0]["metadata"] == {"name": "copy"}
    assert without_cluster_name(again) == without_cluster_name(list(yaml.safe_load_all(text)))
    # The clusters are independent: the copy's pods are its own.
    assert not {p.uid for p in live_pods(copy, "web")} & {p.uid for p in live_pods(lesson, "web")}


def test_a_machine_switched_off_and_the_clock_speed_come_across(lesson):
    machine_power(machine=Machine.objects.get(cluster=lesson, name="worker-2"), on=False)
    clock.clock_set(cluster=lesson, speed=5)
    head = next(yaml.safe_load_all(export.export_yaml(lesson)))
    assert head["spec"]["clockSpeed"] == 5.0
    assert [(m["name"], m["powered"]) for m in head["spec"]["machines"]][1:3] == [("worker-1", True), ("worker-2", False)]

    copy, _ = export.import_cluster(text=export.export_yaml(lesson), name="copy")
    assert copy.clock_speed == 5.0
    assert {m.name: m.powered for m in Machine.objects.filter(cluster=copy)} == {
        "control-plane": True, "worker-1": True, "worker-2": False, "worker-3": True, "worker-4": True}
    # A machine that is off never booted in the copy: its kubelet has registered no Node.
    sim = Simulation(copy)
    sim.run_until(lambda: nodes_ready(copy, 4), within=10, what="the four powered machines' nodes Ready")
    assert not Node.objects.filter(cluster=copy, name="worker-2").exists()


def test_the_name_comes_from_the_document_when_none_is_given(lesson):
    text = export.export_yaml(lesson).replace("name: demo", "name: from-doc", 1)
    cluster, _ = export.import_cluster(text=text)
    assert cluster.name == "from-doc"


def test_a_plain_manifest_imports_into_a_cluster_with_the_default_machines(db):
    cluster, applied = export.import_cluster(text=LESSON, name="plain")
    assert [m.name for m in Machine.objects.filter(cluster=cluster)] == ["control-plane", "worker-1", "worker-2", "worker-3"]
    assert len(applied) == 5


BAD = {
    "bad YAML": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n", 422, 3, ""),
    "unknown kind": (LESSON + "---\napiVersion: v1\nkind: Gadget\nmetadata:\n  name: g\n", 422, "kind: Gadget", "kind"),
    "invalid object": (LESSON.replace("replicas: 2", "replicas: -2"), 422, "replicas: -2", "spec.replicas"),
    "unknown machine field": (
        "apiVersion: playground/v1\nkind: PlaygroundCluster\nmetadata:\n  name: x1\nspec:\n  machines:\n"
        "  - name: w1\n    gpus: 2\n---\n" + LESSON, 422, 8, "spec.machines[0].gpus"),
    "bad machine runtime": (
        "apiVersion: playground/v1\nkind: PlaygroundCluster\nmetadata:\n  name: x2\nspec:\n  machines:\n"
        "  - name: w1\n    runtime: rkt\n", 422, 8, "spec.machines[0].runtime"),
    "bad machine memory": (
        "apiVersion: playground/v1\nkind: PlaygroundCluster\nspec:\n  machines:\n  - name: w1\n    memory: lots\n", 422, 6,
        "spec.machines[0].memory"),
    "duplicate machine": (
        "apiVersion: playground/v1\nkind: PlaygroundCluster\nspec:\n  machines:\n  - name: w1\n  - name: w1\n", 409, 6,
        "spec.machines[1].name"),
    "bad clock speed": ("apiVersion: playground/v1\nkind: PlaygroundCluster\nspec:\n  clockSpeed: 0\n", 422, 4, "spec.clockSpeed"),
    "bad machine power": (
        "apiVersion: playground/v1\nkind: PlaygroundCluster\nspec:\n  machines:\n  - name: w1\n    powered: maybe\n", 422, 6,
        "spec.machines[0].powered"),
    "unknown profile": ("apiVersion: playground/v1\nkind: PlaygroundCluster\nspec:\n  profile: turbo\n", 422, 4, "spec.profile"),
    "wrong apiVersion": ("apiVersion: v2\nkind: PlaygroundCluster\n", 422, 1, "apiVersion"),
    "cluster document not first": (LESSON + "---\napiVersion: playground/v1\nkind: PlaygroundCluster\n", 422, "kind: PlaygroundCluster", "kind"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_import_is_refused_with_its_line_and_field_and_leaves_nothing(db, case):
    text, code, line, field = BAD[case]
    if isinstance(line, str):  # the line that holds this text
        line = next(i for i, text_line in enumerate(text.splitlines(), 1) if line in text_line)
    before = (Cluster.objects.count(), Machine.objects.count(), Revision.objects.count())
    with pytest.raises(errors.StoreError) as refused:
        export.import_cluster(text=text, name=None if "PlaygroundCluster" in text and "name: x" in text else "new")
    status = refused.value.status()
    assert status["code"] == code, status
    cause = status["details"]["causes"][0]
    assert (cause["line"], cause["field"]) == (line, field), status
    assert re.match(r"(YAML error on )?line \d+: ", status["message"]), status["message"]
    assert (Cluster.objects.count(), Machine.objects.count(), Revision.objects.count()) == before


def test_an_import_into_a_taken_name_is_refused_and_the_existing_cluster_is_untouched(lesson):
    revision = Cluster.objects.get(pk=lesson.pk).revision
    with pytest.raises(errors.AlreadyExists) as taken:
        export.import_cluster(text=export.export_yaml(lesson))
    status = taken.value.status()
    assert status["code"] == 409
    assert status["details"]["causes"][0]["field"] == "metadata.name"
    assert status["details"]["causes"][0]["line"] == 5
    assert 'cluster "demo" already exists' in status["message"]
    assert Cluster.objects.get(pk=lesson.pk).revision == revision
    assert Cluster.objects.count() == 1


def test_an_import_without_any_name_is_refused(db):
    with pytest.raises(errors.Invalid, match="needs a name"):
        export.import_cluster(text=LESSON)
    assert not Cluster.objects.exists()
