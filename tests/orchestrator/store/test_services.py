import pytest

from orchestrator.models import Cluster, ConfigMap, Deployment, Pod, Revision
from orchestrator.store import errors, services
from orchestrator.store.selectors import object_get
from tests.e2e.helpers import deployment


def revisions(cluster):
    return Revision.objects.filter(cluster=cluster).count()


def test_every_write_takes_the_next_cluster_revision_as_its_resource_version(cluster):
    start = Cluster.objects.get(pk=cluster.pk).revision
    first = services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "a", "namespace": "default"}, "data": {"k": "v"}})
    second = services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "b", "namespace": "default"}})
    assert int(first["metadata"]["resourceVersion"]) == start + 1
    assert int(second["metadata"]["resourceVersion"]) == start + 2
    entry = Revision.objects.get(cluster=cluster, revision=start + 1)
    assert (entry.event_type, entry.kind, entry.name, entry.object["data"]) == ("ADDED", "ConfigMap", "a", {"k": "v"})


def test_a_batch_commits_all_its_writes_in_one_go_or_none(cluster):
    before = revisions(cluster)
    with pytest.raises(errors.AlreadyExists):
        with services.Batch(cluster) as batch:
            batch.create("ConfigMap", {"metadata": {"name": "x", "namespace": "default"}})
            batch.create("ConfigMap", {"metadata": {"name": "x", "namespace": "default"}})
    assert revisions(cluster) == before
    assert not ConfigMap.objects.filter(cluster=cluster, name="x").exists()


def test_update_with_a_stale_resource_version_is_a_conflict_and_changes_nothing(cluster):
    created = services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}})
    fresh = dict(created, data={"a": "2"})
    services.object_update(cluster=cluster, kind="ConfigMap", obj=fresh)
    stale = dict(created, data={"a": "3"})
    before = revisions(cluster)
    with pytest.raises(errors.Conflict) as failure:
        services.object_update(cluster=cluster, kind="ConfigMap", obj=stale)
    assert failure.value.status()["code"] == 409
    assert "the object has been modified" in failure.value.message
    assert revisions(cluster) == before
    assert object_get(cluster=cluster, kind="ConfigMap", namespace="default", name="cfg")["data"] == {"a": "2"}


def test_an_update_that_changes_nothing_keeps_the_resource_version(cluster):
    created = services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}})
    again = services.object_update(cluster=cluster, kind="ConfigMap", obj=created)
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


@pytest.mark.parametrize(
    "kind, obj, field",
    [
        ("ConfigMap", {"metadata": {"name": "Bad_Name", "namespace": "default"}}, "metadata.name"),
        ("ConfigMap", {"metadata": {"name": "x" * 254, "namespace": "default"}}, "metadata.name"),
        ("Namespace", {"metadata": {"name": "has.dot"}}, "metadata.name"),
        ("Service", {"metadata": {"name": "1abc", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}, "metadata.name"),
        ("ConfigMap", {"metadata": {"name": "ok", "namespace": "default", "labels": {"-bad": "v"}}}, "metadata.labels"),
        ("ConfigMap", {"metadata": {"name": "ok", "namespace": "default", "labels": {"app": "not valid!"}}}, "metadata.labels"),
        ("ConfigMap", {"metadata": {"name": "ok", "namespace": "default", "labels": {"app": "v" * 64}}}, "metadata.labels"),
        ("Deployment", deployment(replicas=-1), "spec.replicas"),
        ("Deployment", {**deployment(), "spec": {**deployment()["spec"], "selector": {"matchLabels": {"app": "other"}}}}, "spec.template.metadata.labels"),
        ("Pod", {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": []}}, "spec.containers"),
        ("Pod", {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c"}]}}, "spec.containers[0].image"),
        ("Pod", {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "lots"}}}]}}, "spec.containers[0].resources.requests[cpu]"),
        ("Service", {"metadata": {"name": "svc", "namespace": "default"}, "spec": {"ports": [{"port": 70000}]}}, "spec.ports[0].port"),
    ],
    ids=["uppercase-name", "name-too-long", "namespace-with-dot", "service-name-starts-with-digit", "label-key", "label-value",
         "label-value-too-long", "negative-replicas", "selector-mismatch", "no-containers", "no-image", "bad-quantity", "port-range"],
)
def test_invalid_objects_are_refused_with_field_causes_and_change_nothing(cluster, kind, obj, field):
    before = revisions(cluster)
    with pytest.raises(errors.Invalid) as failure:
        services.object_create(cluster=cluster, kind=kind, obj=obj)
    status = failure.value.status()
    assert status["code"] == 422 and status["reason"] == "Invalid"
    assert field in [cause["field"] for cause in status["details"]["causes"]]
    assert revisions(cluster) == before


def test_negative_replicas_on_update_are_refused(cluster):
    created = services.object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=2))
    created["spec"]["replicas"] = -3
    with pytest.raises(errors.Invalid):
        services.object_update(cluster=cluster, kind="Deployment", obj=created)
    assert Deployment.objects.get(cluster=cluster, name="web").spec["replicas"] == 2


def test_creating_in_a_missing_or_terminating_namespace_is_refused(cluster):
    with pytest.raises(errors.NotFound) as missing:
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "c", "namespace": "nope"}})
    assert missing.value.message == 'namespaces "nope" not found'
    services.object_create(cluster=cluster, kind="Namespace", obj={"metadata": {"name": "team-a"}})
    services.object_delete(cluster=cluster, kind="Namespace", namespace="", name="team-a")
    with pytest.raises(errors.Forbidden) as forbidden:
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "c", "namespace": "team-a"}})
    assert forbidden.value.code == 403
    assert "because it is being terminated" in forbidden.value.message


def test_duplicate_names_are_already_exists(cluster):
    services.object_create(cluster=cluster, kind="Deployment", obj=deployment())
    with pytest.raises(errors.AlreadyExists) as failure:
        services.object_create(cluster=cluster, kind="Deployment", obj=deployment())
    assert failure.value.message == 'deployments.apps "web" already exists'


def test_server_side_defaults_are_filled_in(cluster):
    d = services.object_create(cluster=cluster, kind="Deployment", obj=deployment())
    assert d["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert (d["spec"]["revisionHistoryLimit"], d["spec"]["progressDeadlineSeconds"]) == (10, 600)
    pod_spec = d["spec"]["template"]["spec"]
    assert (pod_spec["restartPolicy"], pod_spec["dnsPolicy"], pod_spec["terminationGracePeriodSeconds"]) == ("Always", "ClusterFirst", 30)
    assert pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    latest = services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    assert latest["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert latest["status"]["phase"] == "Pending"


def test_a_bound_pod_is_deleted_gracefully_and_an_unbound_one_at_once(cluster):
    spec = {"containers": [{"name": "c", "image": "nginx:1"}]}
    services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "loose", "namespace": "default"}, "spec": spec})
    services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "bound", "namespace": "default"}, "spec": {**spec, "nodeName": "worker-1"}})
    gone = services.object_delete(cluster=cluster, kind="Pod", namespace="default", name="loose")
    assert not Pod.objects.filter(cluster=cluster, name="loose").exists()
    assert gone["metadata"]["name"] == "loose"
    marked = services.object_delete(cluster=cluster, kind="Pod", namespace="default", name="bound")
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 30
    assert Pod.objects.get(cluster=cluster, name="bound").deletion_timestamp is not None


def test_pod_spec_is_immutable_except_images(cluster):
    pod = services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}})
    pod["spec"]["containers"][0]["image"] = "nginx:2"
    pod = services.object_update(cluster=cluster, kind="Pod", obj=pod)
    assert pod["spec"]["containers"][0]["image"] == "nginx:2"
    pod["spec"]["restartPolicy"] = "Never"
    with pytest.raises(errors.Invalid) as failure:
        services.object_update(cluster=cluster, kind="Pod", obj=pod)
    assert "pod updates may not change fields" in failure.value.message


def test_generation_moves_with_spec_not_with_metadata(cluster):
    d = services.object_create(cluster=cluster, kind="Deployment", obj=deployment())
    assert d["metadata"]["generation"] == 1
    d["metadata"]["labels"] = {"team": "a"}
    d = services.object_update(cluster=cluster, kind="Deployment", obj=d)
    assert d["metadata"]["generation"] == 1
    d["spec"]["replicas"] = 9
    d = services.object_update(cluster=cluster, kind="Deployment", obj=d)
    assert d["metadata"]["generation"] == 2


def test_finalizers_hold_an_object_until_they_are_removed(cluster):
    cm = services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "held", "namespace": "default", "finalizers": ["example.com/hold"]}})
    marked = services.object_delete(cluster=cluster, kind="ConfigMap", namespace="default", name="held")
    assert marked["metadata"]["deletionTimestamp"]
    marked["metadata"]["finalizers"] = []
    services.object_update(cluster=cluster, kind="ConfigMap", obj=marked)
    assert not ConfigMap.objects.filter(cluster=cluster, name="held").exists()
    assert Revision.objects.filter(cluster=cluster, name="held").last().event_type == "DELETED"
    assert cm["metadata"]["uid"] == Revision.objects.filter(cluster=cluster, name="held").last().uid


def test_the_kubeconfig_command_prints_a_working_config(cluster):
    import io

    import yaml
    from django.core.management import call_command

    out = io.StringIO()
    call_command("kubeconfig", "demo", "--server", "http://10.1.2.3:8000", stdout=out)
    config = yaml.safe_load(out.getvalue())
    assert config["clusters"][0]["cluster"]["server"] == "http://10.1.2.3:8000/clusters/demo"
    assert config["current-context"] == "playground-demo"
