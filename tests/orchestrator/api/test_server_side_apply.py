"""Tests for orchestrator.api.server_side_apply: server-side apply and managedFields.

Run with:  python -m pytest -p no:django tests/orchestrator/api/test_server_side_apply.py -q

The expected FieldsV1 values and messages are the ones kube-apiserver writes
(structured-merge-diff's serialization; the conflict text of
k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go).
"""

import copy
import json

import pytest

from orchestrator.api import server_side_apply as ssa
from orchestrator.api.server_side_apply import ApplyConflict, ApplyError

T0 = "2024-05-01T10:00:00Z"
T1 = "2024-05-01T10:05:00Z"
T2 = "2024-05-01T10:10:00Z"
T3 = "2024-05-01T10:15:00Z"


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def deployment(replicas=3, image="nginx:1.25", labels=None, containers=None, **spec):
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels if labels is not None else {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": containers if containers is not None else [{"name": "web", "image": image}]},
            },
        },
    }
    if replicas is not None:
        obj["spec"]["replicas"] = replicas
    obj["spec"].update(spec)
    return obj


def saved(obj, rv="1"):
    """What the store would hold: server-set metadata and a status."""
    obj = copy.deepcopy(obj)
    meta = obj["metadata"]
    meta.setdefault("uid", "0b5c3b8e-0000-4000-8000-000000000001")
    meta.setdefault("creationTimestamp", T0)
    meta["resourceVersion"] = rv
    meta.setdefault("generation", 1)
    obj.setdefault("status", {"replicas": obj["spec"].get("replicas", 1)})
    return obj


def ssa_apply(live, config, manager="kubectl", force=False, now=T1, kind="Deployment", api_version="apps/v1"):
    return ssa.apply(live, config, manager=manager, force=force, kind=kind, api_version=api_version, now=now)


def entries(obj):
    managed = obj["metadata"].get("managedFields", [])
    return {(e["manager"], e["operation"], e.get("subresource", "")): e for e in managed}


def owned(obj, manager, operation="Apply", subresource=""):
    entry = entries(obj).get((manager, operation, subresource))
    return set() if entry is None else {ssa.path_string(p) for p in ssa.paths_from_fields_v1(entry["fieldsV1"])}


def updated(old, new, manager, now=T2, subresource="", api_version="apps/v1"):
    """A non-apply write: new gets the managedFields record_update computes."""
    new = copy.deepcopy(new)
    if old is not None:
        new["metadata"]["managedFields"] = copy.deepcopy(old["metadata"].get("managedFields") or [])
    new["metadata"]["managedFields"] = ssa.record_update(
        old, new, manager=manager, api_version=api_version, now=now, subresource=subresource
    )
    if not new["metadata"]["managedFields"]:
        del new["metadata"]["managedFields"]
    return new


APPLIED_DEPLOYMENT_FIELDS = (
    '{"f:metadata":{"f:labels":{"f:app":{}}},'
    '"f:spec":{"f:replicas":{},"f:selector":{},'
    '"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},'
    '"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}'
)


# --- create and re-apply -----------------------------------------------------


def test_create_by_apply():
    config = deployment()
    obj = ssa_apply(None, config)
    managed = obj["metadata"].pop("managedFields")
    assert obj == config
    assert len(managed) == 1
    entry = managed[0]
    assert list(entry) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]
    assert entry["manager"] == "kubectl"
    assert entry["operation"] == "Apply"
    assert entry["apiVersion"] == "apps/v1"
    assert entry["time"] == T1
    assert entry["fieldsType"] == "FieldsV1"
    # selector is an atomic struct; labels are a declared field (no "."); the
    # container item is owned itself and has owned children (".").
    assert compact(entry["fieldsV1"]) == APPLIED_DEPLOYMENT_FIELDS


def test_apply_does_not_modify_its_arguments():
    config = deployment()
    live = saved(ssa_apply(None, config))
    before = (copy.deepcopy(live), copy.deepcopy(config))
    ssa_apply(live, deployment(replicas=5, labels={"tier": "x"}), now=T2)
    assert (live, config) == before


def test_reapply_with_a_field_removed_removes_it():
    live = saved(ssa_apply(None, deployment(labels={"app": "web", "tier": "frontend"}, minReadySeconds=5)))
    obj = ssa_apply(live, deployment(labels={"app": "web"}), now=T2)
    assert obj["metadata"]["labels"] == {"app": "web"}
    assert "minReadySeconds" not in obj["spec"]
    # fields the manager never owned stay (status, server-set metadata)
    assert obj["status"] == live["status"]
    assert obj["metadata"]["uid"] == live["metadata"]["uid"]
    assert owned(obj, "kubectl") == {
        ".metadata.labels.app", ".spec.replicas", ".spec.selector",
        ".spec.template.metadata.labels.app",
        '.spec.template.spec.containers[name="web"]',
        '.spec.template.spec.containers[name="web"].image',
        '.spec.template.spec.containers[name="web"].name',
    }
    assert entries(obj)[("kubectl", "Apply", "")]["time"] == T2


def test_reapply_without_a_container_removes_it():
    two = [{"name": "web", "image": "nginx"}, {"name": "log", "image": "busybox"}]
    live = saved(ssa_apply(None, deployment(containers=two)))
    obj = ssa_apply(live, deployment(containers=[{"name": "web", "image": "nginx"}]), now=T2)
    assert obj["spec"]["template"]["spec"]["containers"] == [{"name": "web", "image": "nginx"}]


def test_a_removed_field_another_manager_also_owns_stays():
    live = saved(ssa_apply(None, deployment(labels={"app": "web", "team": "a"}), manager="ci"))
    live = saved(ssa_apply(live, deployment(labels={"app": "web", "team": "a"}), manager="other", now=T2))
    assert ".metadata.labels.team" in owned(live, "ci") & owned(live, "other")
    obj = ssa_apply(live, deployment(labels={"app": "web"}), manager="ci", now=T3)
    assert obj["metadata"]["labels"] == {"app": "web", "team": "a"}
    assert ".metadata.labels.team" not in owned(obj, "ci")
    assert ".metadata.labels.team" in owned(obj, "other")


def test_a_removed_field_owned_by_an_updater_stays():
    live = saved(ssa_apply(None, deployment(labels={"app": "web", "env": "dev"})))
    # kubectl label env=prod --overwrite: kubectl-label takes .metadata.labels.env
    labelled = copy.deepcopy(live)
    labelled["metadata"]["labels"]["env"] = "prod"
    live = saved(updated(live, labelled, "kubectl-label", api_version="apps/v1"), rv="2")
    assert ".metadata.labels.env" not in owned(live, "kubectl")
    obj = ssa_apply(live, deployment(labels={"app": "web"}), now=T3)
    assert obj["metadata"]["labels"] == {"app": "web", "env": "prod"}


def test_status_in_the_configuration_is_not_applied():
    config = deployment()
    config["status"] = {"replicas": 99}
    live = saved(ssa_apply(None, deployment()))
    obj = ssa_apply(live, config, now=T2)
    assert obj["status"] == live["status"]
    assert not any(p.startswith(".status") for p in owned(obj, "kubectl"))


def test_noop_apply_keeps_the_time():
    live = saved(ssa_apply(None, deployment(), now=T1))
    obj = ssa_apply(live, deployment(), now=T3)
    assert entries(obj)[("kubectl", "Apply", "")]["time"] == T1
    assert obj == live


# --- conflicts ---------------------------------------------------------------


def test_conflicting_value_from_a_second_applier():
    live = saved(ssa_apply(None, deployment(replicas=3), manager="team-a"))
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(replicas=5), manager="team-b", now=T2)
    exc = info.value
    assert exc.conflicts == [("team-a", ".spec.replicas")]
    assert str(exc) == 'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas'
    assert exc.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas',
        "reason": "Conflict",
        "details": {
            "causes": [
                {"reason": "FieldManagerConflict", "message": 'conflict with "team-a"', "field": ".spec.replicas"}
            ]
        },
        "code": 409,
    }


def test_same_value_is_shared_not_a_conflict():
    live = saved(ssa_apply(None, deployment(replicas=3), manager="team-a"))
    obj = ssa_apply(live, deployment(replicas=3), manager="team-b", now=T2)
    assert ".spec.replicas" in owned(obj, "team-a") & owned(obj, "team-b")


def test_conflict_with_an_update_manager_names_its_version():
    # kubectl apply (client-side) created it: an Update by kubectl-client-side-apply
    created = saved(updated(None, deployment(replicas=3), "kubectl-client-side-apply", now=T0))
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(created, deployment(replicas=5), manager="kubectl", now=T1)
    assert str(info.value) == (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'
    )
    assert info.value.status()["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "kubectl-client-side-apply" using apps/v1',
            "field": ".spec.replicas",
        }
    ]


def test_several_conflicts_are_grouped_by_manager():
    live = saved(ssa_apply(None, deployment(replicas=3, image="nginx:1.25"), manager="team-a"))
    edited = copy.deepcopy(live)
    edited["metadata"]["labels"]["app"] = "frontend"
    live = saved(updated(live, edited, "kubectl-edit"), rv="2")
    config = deployment(replicas=5, image="nginx:1.27", labels={"app": "web2"})
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, config, manager="team-b", now=T3)
    assert str(info.value) == (
        "Apply failed with 3 conflicts: "
        'conflicts with "kubectl-edit" using apps/v1:\n'
        "- .metadata.labels.app\n"
        'conflicts with "team-a":\n'
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="web"].image'
    )
    assert info.value.conflicts == [
        ("kubectl-edit", ".metadata.labels.app"),
        ("team-a", ".spec.replicas"),
        ("team-a", '.spec.template.spec.containers[name="web"].image'),
    ]
    assert [c["message"] for c in info.value.status()["details"]["causes"]] == [
        'conflict with "kubectl-edit" using apps/v1',
        'conflict with "team-a"',
        'conflict with "team-a"',
    ]


def test_force_takes_ownership():
    live = saved(ssa_apply(None, deployment(replicas=3), manager="team-a"))
    obj = ssa_apply(live, deployment(replicas=5), manager="team-b", force=True, now=T2)
    assert obj["spec"]["replicas"] == 5
    assert ".spec.replicas" in owned(obj, "team-b")
    assert ".spec.replicas" not in owned(obj, "team-a")
    # team-a keeps what was not in conflict
    assert '.spec.template.spec.containers[name="web"].image' in owned(obj, "team-a")


def test_null_in_the_configuration_clears_the_field_and_can_conflict():
    live = saved(ssa_apply(None, deployment(replicas=3), manager="team-a"))
    config = deployment(replicas=None)
    config["spec"]["replicas"] = None
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, config, manager="team-b", now=T2)
    assert info.value.conflicts == [("team-a", ".spec.replicas")]
    obj = ssa_apply(live, config, manager="team-b", force=True, now=T2)
    assert "replicas" not in obj["spec"]
    assert ".spec.replicas" in owned(obj, "team-b")


def test_force_drops_an_entry_left_empty():
    live = saved(ssa_apply(None, {"apiVersion": "apps/v1", "kind": "Deployment",
                                   "metadata": {"name": "web"}, "spec": {"replicas": 2}}, manager="scaler"))
    live["spec"].update(deployment()["spec"] | {"replicas": 2})
    obj = ssa_apply(live, deployment(replicas=4), manager="kubectl", force=True, now=T2)
    assert ("scaler", "Apply", "") not in entries(obj)


def test_scale_subresource_owner_makes_a_different_replicas_conflict():
    live = saved(ssa_apply(None, deployment(replicas=2), now=T1))
    # kubectl scale --replicas=5 sends no fieldManager: the API server records
    # the User-Agent prefix "kubectl", as an Update of the scale subresource.
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 5
    live = saved(updated(live, scaled, "kubectl", subresource="scale"), rv="2")
    assert owned(live, "kubectl", "Update", "scale") == {".spec.replicas"}
    assert ".spec.replicas" not in owned(live, "kubectl")
    assert entries(live)[("kubectl", "Update", "scale")]["subresource"] == "scale"

    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(replicas=2), now=T3)
    assert str(info.value) == (
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas'
    )
    # the value the scale set: no conflict, shared
    same = ssa_apply(live, deployment(replicas=5), now=T3)
    assert ".spec.replicas" in owned(same, "kubectl") & owned(same, "kubectl", "Update", "scale")
    # leaving replicas out keeps the scaled value
    without = ssa_apply(live, deployment(replicas=None), now=T3)
    assert without["spec"]["replicas"] == 5


def test_kubectl_scale_named_manager_conflict():
    live = saved(ssa_apply(None, deployment(replicas=2), now=T1))
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 7
    live = saved(updated(live, scaled, "kubectl-scale"), rv="2")
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(replicas=3), now=T3)
    assert info.value.conflicts == [("kubectl-scale", ".spec.replicas")]
    assert str(info.value).endswith('conflict with "kubectl-scale" using apps/v1: .spec.replicas')


def test_update_takes_a_field_from_the_applier():
    live = saved(ssa_apply(None, deployment(image="nginx:1.25")))
    edited = copy.deepcopy(live)
    edited["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
    live = saved(updated(live, edited, "kubectl-set"), rv="2")
    assert owned(live, "kubectl-set", "Update") == {'.spec.template.spec.containers[name="web"].image'}
    assert '.spec.template.spec.containers[name="web"].image' not in owned(live, "kubectl")
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(image="nginx:1.25"), now=T3)
    assert info.value.conflicts == [("kubectl-set", '.spec.template.spec.containers[name="web"].image')]


def test_client_side_apply_upgrade_forces_fields_unchanged_since():
    # kubectl apply (client-side) left its annotation; kubectl apply --server-side
    # may take over what that annotation still describes.
    config = deployment(replicas=3)
    created = copy.deepcopy(config)
    created["metadata"]["annotations"] = {
        ssa.LAST_APPLIED_ANNOTATION: json.dumps(config, separators=(",", ":")) + "\n"
    }
    live = saved(updated(None, created, "kubectl-client-side-apply", now=T0))
    obj = ssa_apply(live, deployment(replicas=4), manager="kubectl", now=T1)
    assert obj["spec"]["replicas"] == 4
    assert ".spec.replicas" in owned(obj, "kubectl")
    assert ".spec.replicas" not in owned(obj, "kubectl-client-side-apply", "Update")
    # the annotation now holds what was applied (Go JSON: sorted keys, newline)
    annotation = obj["metadata"]["annotations"][ssa.LAST_APPLIED_ANNOTATION]
    assert annotation.endswith("\n")
    assert json.loads(annotation) == deployment(replicas=4)
    assert annotation.startswith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":')
    # another manager gets no such allowance
    with pytest.raises(ApplyConflict):
        ssa_apply(live, deployment(replicas=4), manager="argocd", now=T1)


def test_client_side_apply_upgrade_keeps_conflicts_on_fields_changed_since():
    config = deployment(replicas=3)
    created = copy.deepcopy(config)
    created["metadata"]["annotations"] = {ssa.LAST_APPLIED_ANNOTATION: json.dumps(config)}
    live = saved(updated(None, created, "kubectl-client-side-apply", now=T0))
    edited = copy.deepcopy(live)
    edited["spec"]["replicas"] = 6  # kubectl edit, after the client-side apply
    live = saved(updated(live, edited, "kubectl-client-side-apply", now=T1), rv="2")
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(replicas=4), manager="kubectl", now=T2)
    assert info.value.conflicts == [("kubectl-client-side-apply", ".spec.replicas")]


def test_object_without_managed_fields_belongs_to_before_first_apply():
    live = saved(deployment(replicas=3))
    with pytest.raises(ApplyConflict) as info:
        ssa_apply(live, deployment(replicas=4), manager="ci", now=T1)
    assert str(info.value) == (
        'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas'
    )
    obj = ssa_apply(live, deployment(replicas=3), manager="ci", now=T1)
    assert [e["manager"] for e in obj["metadata"]["managedFields"]] == ["ci", "before-first-apply"]


# --- merging -----------------------------------------------------------------


def test_containers_are_merged_by_name():
    live = saved(ssa_apply(None, deployment(image="nginx:1.25")))
    # kubectl-patch adds a sidecar and a resource limit to the applied container
    patched = copy.deepcopy(live)
    containers = patched["spec"]["template"]["spec"]["containers"]
    containers[0]["resources"] = {"limits": {"cpu": "500m"}}
    containers.append({"name": "log", "image": "busybox"})
    live = saved(updated(live, patched, "kubectl-patch"), rv="2")
    assert owned(live, "kubectl-patch", "Update") == {
        '.spec.template.spec.containers[name="web"].resources.limits',
        '.spec.template.spec.containers[name="web"].resources.limits.cpu',
        '.spec.template.spec.containers[name="log"]',
        '.spec.template.spec.containers[name="log"].image',
        '.spec.template.spec.containers[name="log"].name',
        '.spec.template.spec.containers[name="log"].resources',
    }
    obj = ssa_apply(live, deployment(image="nginx:1.27"), now=T3)
    assert obj["spec"]["template"]["spec"]["containers"] == [
        {"name": "web", "image": "nginx:1.27", "resources": {"limits": {"cpu": "500m"}}},
        {"name": "log", "image": "busybox"},
    ]


def test_list_order_follows_the_configuration_with_live_items_in_place():
    containers = [{"name": n, "image": "x"} for n in ("a", "b")]
    live = saved(ssa_apply(None, deployment(containers=containers)))
    patched = copy.deepcopy(live)
    patched["spec"]["template"]["spec"]["containers"].insert(1, {"name": "other", "image": "y"})
    live = saved(updated(live, patched, "kubectl-patch"), rv="2")
    config = deployment(containers=[{"name": n, "image": "x"} for n in ("b", "a", "c")])
    obj = ssa_apply(live, config, now=T3)
    # structured-merge-diff's interleaving: live [a, other, b] with applied
    # [b, a, c] gives shared items in the applied order, "other" kept before
    # the first shared item it preceded that is merged, new items last.
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["other", "b", "a", "c"]


def test_labels_map_is_merged_key_by_key():
    live = saved(ssa_apply(None, deployment(labels={"app": "web"})))
    labelled = copy.deepcopy(live)
    labelled["metadata"]["labels"]["owner"] = "team-x"
    live = saved(updated(live, labelled, "kubectl-label"), rv="2")
    assert owned(live, "kubectl-label", "Update") == {".metadata.labels.owner"}
    obj = ssa_apply(live, deployment(labels={"app": "web", "tier": "front"}), now=T3)
    assert obj["metadata"]["labels"] == {"app": "web", "owner": "team-x", "tier": "front"}


def test_atomic_fields_are_replaced_whole():
    tolerations = [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}]
    config = deployment()
    config["spec"]["template"]["spec"]["tolerations"] = tolerations
    config["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "ssd", "zone": "1"}
    live = saved(ssa_apply(None, config))
    config2 = deployment()
    config2["spec"]["template"]["spec"]["tolerations"] = [{"key": "c", "operator": "Exists"}]
    config2["spec"]["template"]["spec"]["nodeSelector"] = {"zone": "2"}
    config2["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
    obj = ssa_apply(live, config2, now=T2)
    pod = obj["spec"]["template"]["spec"]
    assert pod["tolerations"] == [{"key": "c", "operator": "Exists"}]
    assert pod["nodeSelector"] == {"zone": "2"}
    assert obj["spec"]["selector"] == {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
    fields = entries(obj)[("kubectl", "Apply", "")]["fieldsV1"]["f:spec"]
    assert fields["f:selector"] == {}
    assert fields["f:template"]["f:spec"]["f:tolerations"] == {}
    assert fields["f:template"]["f:spec"]["f:nodeSelector"] == {}


def test_ports_are_keyed_by_port_and_defaulted_protocol():
    ports = [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]
    containers = [{"name": "web", "image": "nginx", "ports": ports}]
    obj = ssa_apply(None, deployment(containers=containers))
    pod = entries(obj)[("kubectl", "Apply", "")]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]
    web = pod["f:containers"]['k:{"name":"web"}']
    # keys sorted as structured-merge-diff sorts them: numbers numerically
    assert list(web["f:ports"]) == [
        'k:{"containerPort":53,"protocol":"UDP"}',
        'k:{"containerPort":80,"protocol":"TCP"}',
    ]
    assert web["f:ports"]['k:{"containerPort":80,"protocol":"TCP"}'] == {".": {}, "f:containerPort": {}}
    # a live item with the defaulted protocol is the same item
    live = saved(obj)
    live["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"] = "TCP"
    again = ssa_apply(live, deployment(containers=containers), now=T2)
    assert again["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}
    ]


def test_finalizers_are_a_set():
    config = deployment()
    config["metadata"]["finalizers"] = ["example.com/a"]
    live = saved(ssa_apply(None, config, manager="one"))
    config2 = deployment()
    config2["metadata"]["finalizers"] = ["example.com/b"]
    obj = ssa_apply(live, config2, manager="two", now=T2)
    assert obj["metadata"]["finalizers"] == ["example.com/a", "example.com/b"]
    fields = entries(obj)[("two", "Apply", "")]["fieldsV1"]["f:metadata"]
    assert fields["f:finalizers"] == {'v:"example.com/b"': {}}


# --- record_update -----------------------------------------------------------


def test_record_update_on_create():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }
    managed = ssa.record_update(None, pod, manager="kubectl-create", api_version="v1", now=T0)
    assert managed == [
        {
            "manager": "kubectl-create",
            "operation": "Update",
            "apiVersion": "v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:containers": {'k:{"name":"web"}': {
                    ".": {}, "f:image": {}, "f:name": {}, "f:resources": {},
                }}},
            },
        }
    ]
    # an Update owns the nodes it added ("."), an Apply of the same object does not
    applied = ssa.apply(None, pod, manager="kubectl", force=False, kind="Pod", api_version="v1", now=T0)
    assert compact(applied["metadata"]["managedFields"][0]["fieldsV1"]) == (
        '{"f:metadata":{"f:labels":{"f:app":{}}},'
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}'
    )


def test_record_update_matches_kubectl_create_deployment():
    # `kubectl create deployment nginx --image=nginx`: the defaulted object the
    # API server stores, and the entry it records (kube-apiserver 1.3x).
    dep = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}, "generation": 1,
                     "uid": "u", "resourceVersion": "5", "creationTimestamp": T0},
        "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [{
                        "name": "nginx", "image": "nginx", "resources": {},
                        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                        "imagePullPolicy": "Always",
                    }],
                    "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                    "securityContext": {}, "schedulerName": "default-scheduler",
                },
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
        },
        "status": {},
    }
    managed = ssa.record_update(None, dep, manager="kubectl-create", api_version="apps/v1", now=T0)
    assert compact(managed[0]["fieldsV1"]) == (
        '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},'
        '"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},'
        '"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},'
        '"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},'
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},'
        '"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},'
        '"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},'
        '"f:terminationGracePeriodSeconds":{}}}}}'
    )


def test_record_update_ignores_status_and_server_metadata():
    live = saved(ssa_apply(None, deployment()))
    new = copy.deepcopy(live)
    new["status"] = {"replicas": 3, "readyReplicas": 3}
    new["metadata"]["resourceVersion"] = "9"
    new["metadata"]["generation"] = 2
    assert ssa.record_update(live, new, manager="kubectl-edit", api_version="apps/v1", now=T2) == \
        live["metadata"]["managedFields"]


def test_record_update_of_the_status_subresource():
    live = saved(ssa_apply(None, deployment()))
    new = copy.deepcopy(live)
    new["status"] = {"replicas": 3, "readyReplicas": 2, "conditions": [{"type": "Available", "status": "True"}]}
    new["spec"]["replicas"] = 10  # reset by the status strategy, never owned here
    new["metadata"]["managedFields"] = [{"manager": "intruder", "operation": "Update", "apiVersion": "apps/v1",
                                         "fieldsType": "FieldsV1", "fieldsV1": {}}]
    managed = ssa.record_update(live, new, manager="kube-controller-manager", api_version="apps/v1", now=T2,
                                subresource="status")
    by = {(e["manager"], e.get("subresource", "")): e for e in managed}
    assert set(by) == {("kubectl", ""), ("kube-controller-manager", "status")}
    status_entry = by[("kube-controller-manager", "status")]
    assert list(status_entry) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]
    assert status_entry["fieldsV1"] == {
        "f:status": {
            "f:conditions": {".": {}, 'k:{"type":"Available"}': {".": {}, "f:status": {}, "f:type": {}}},
            "f:readyReplicas": {},
        }
    }
    assert by[("kubectl", "")] == live["metadata"]["managedFields"][0]


def test_record_update_merges_into_the_managers_entry_and_orders_entries():
    live = saved(ssa_apply(None, deployment(), now=T1))
    a = copy.deepcopy(live)
    a["metadata"]["labels"]["x"] = "1"
    live = saved(updated(live, a, "kubectl-edit", now=T3), rv="2")
    b = copy.deepcopy(live)
    b["metadata"]["labels"]["y"] = "2"
    live = saved(updated(live, b, "kubectl-label", now=T2), rv="3")
    c = copy.deepcopy(live)
    c["metadata"]["labels"]["z"] = "3"
    live = saved(updated(live, c, "kubectl-edit", now=T3), rv="4")
    managed = live["metadata"]["managedFields"]
    # Apply entries first, then Updates by time, then by manager
    assert [(e["manager"], e["operation"]) for e in managed] == [
        ("kubectl", "Apply"), ("kubectl-label", "Update"), ("kubectl-edit", "Update")
    ]
    assert owned(live, "kubectl-edit", "Update") == {".metadata.labels.x", ".metadata.labels.z"}


def test_removing_a_field_takes_it_from_its_owner():
    live = saved(ssa_apply(None, deployment(labels={"app": "web", "tier": "a"})))
    new = copy.deepcopy(live)
    del new["metadata"]["labels"]["tier"]
    live = saved(updated(live, new, "kubectl-label"), rv="2")
    assert ".metadata.labels.tier" not in owned(live, "kubectl")
    assert ("kubectl-label", "Update", "") not in entries(live)


def test_managed_fields_can_be_reset():
    live = saved(ssa_apply(None, deployment()))
    new = copy.deepcopy(live)
    new["metadata"]["managedFields"] = [{}]
    assert ssa.record_update(live, new, manager="kubectl-edit", api_version="apps/v1", now=T2) == []


def test_update_managers_are_capped_at_ten():
    live = saved(ssa_apply(None, deployment()))
    for i in range(11):
        new = copy.deepcopy(live)
        new["metadata"]["labels"][f"l{i}"] = "v"
        live = saved(updated(live, new, f"writer-{i:02d}", now=f"2024-05-01T11:{i:02d}:00Z"), rv=str(i + 2))
    managers = [e["manager"] for e in live["metadata"]["managedFields"]]
    assert len(managers) == 11  # one Apply, ten Updates
    assert "writer-00" not in managers and "writer-01" not in managers
    ancient = entries(live)[("ancient-changes", "Update", "")]
    assert ancient["time"] == "2024-05-01T11:01:00Z"
    assert owned(live, "ancient-changes", "Update") == {".metadata.labels.l0", ".metadata.labels.l1"}


# --- FieldsV1 ------------------------------------------------------------------


def test_fields_v1_encoding_roundtrip():
    text = (
        '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},'
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}'
    )
    paths = ssa.paths_from_fields_v1(json.loads(text))
    assert paths == {
        (("f", "metadata"), ("f", "labels")),
        (("f", "metadata"), ("f", "labels"), ("f", "app")),
        (("f", "spec"), ("f", "containers"), ("k", (("name", '"web"'),))),
        (("f", "spec"), ("f", "containers"), ("k", (("name", '"web"'),)), ("f", "image")),
        (("f", "spec"), ("f", "containers"), ("k", (("name", '"web"'),)), ("f", "name")),
    }
    assert compact(ssa.fields_v1(paths)) == text
    assert ssa.paths_from_fields_v1(text) == paths


def test_fields_v1_key_value_and_ordering():
    paths = {
        (("f", "spec"), ("f", "ports"), ("k", (("port", "443"), ("protocol", '"TCP"'))), ("f", "port")),
        (("f", "spec"), ("f", "ports"), ("k", (("port", "80"), ("protocol", '"TCP"')))),
        (("f", "metadata"), ("f", "finalizers"), ("v", '"b"')),
        (("f", "metadata"), ("f", "finalizers"), ("v", '"a"')),
        (("f", "spec"), ("f", "b")),
        (("f", "spec"), ("f", "a")),
    }
    assert compact(ssa.fields_v1(paths)) == (
        '{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}}},'
        '"f:spec":{"f:a":{},"f:b":{},"f:ports":{'
        '"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{},'
        '"k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{"f:port":{}}}}}'
    )
    assert ssa.path_string(
        (("f", "spec"), ("f", "ports"), ("k", (("port", "443"), ("protocol", '"TCP"'))), ("f", "port"))
    ) == '.spec.ports[port=443,protocol="TCP"].port'
    assert ssa.path_string((("f", "metadata"), ("f", "finalizers"), ("v", '"a"'))) == '.metadata.finalizers[="a"]'


def test_fields_v1_of_an_object():
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "annotations": {"a": "b"}},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
    }
    assert ssa.fields_v1(service) == {
        "f:metadata": {"f:annotations": {"f:a": {}}},
        "f:spec": {
            "f:ports": {'k:{"port":80,"protocol":"TCP"}': {".": {}, "f:port": {}, "f:targetPort": {}}},
            "f:selector": {},
        },
    }


# --- rejected configurations ---------------------------------------------------


def test_managed_fields_in_the_configuration_are_rejected():
    config = deployment()
    config["metadata"]["managedFields"] = []
    with pytest.raises(ApplyError) as info:
        ssa_apply(None, config)
    assert info.value.code == 400
    assert info.value.message == "metadata.managedFields must be nil"
    assert info.value.status()["reason"] == "BadRequest"


def test_wrong_version_is_rejected():
    config = deployment()
    config["apiVersion"] = "apps/v1beta1"
    with pytest.raises(ApplyError) as info:
        ssa_apply(None, config)
    assert str(info.value) == (
        "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1"
    )


def test_duplicate_keys_are_rejected():
    containers = [{"name": "c", "image": "x", "env": [{"name": "FOO", "value": "1"}, {"name": "FOO", "value": "2"}]}]
    with pytest.raises(ApplyError) as info:
        ssa_apply(None, deployment(containers=containers))
    assert info.value.code == 500
    assert str(info.value) == (
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
        '.spec.template.spec.containers[name="c"].env: duplicate entries for key [name="FOO"]'
    )
