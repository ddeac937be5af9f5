"""Create, reset and remove clusters; start and stop their control-plane components."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from orchestrator.models import Cluster, Machine
from orchestrator.models.cluster import COMPONENTS
from orchestrator.store import notify, quotas
from orchestrator.store.errors import AlreadyExists, BadRequest, FieldErrors, Forbidden, NotFound
from orchestrator.store.services import Batch, playground_event
from orchestrator.store.validation import dns1123_label_errors

from orchestrator.nodes.machines import machine_add

from . import clock
from .profiles import PROFILES

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# The demo cluster: a control-plane node and three workers, each on its own runtime.
DEFAULT_MACHINES = (
    ("control-plane", "control-plane", "containerd"),
    ("worker-1", "worker", "docker"),
    ("worker-2", "worker", "containerd"),
    ("worker-3", "worker", "cri-o"),
)


def cluster_get(name: str) -> Cluster:
    cluster = Cluster.objects.filter(name=name).first()
    if cluster is None:
        raise NotFound(f'cluster "{name}" not found', kind="clusters", name=name)
    return cluster


def cluster_create(*, name: str, profile: str | None = None, machines=DEFAULT_MACHINES, owner: str = "") -> Cluster:
    """Create a cluster with its system namespaces, the `kubernetes` Service and its machines.

    `owner` is the learner token of the browser that asked (see orchestrator/learners.py);
    empty for clusters made by scripts or the shell, which anyone may remove.
    """
    errs = FieldErrors()
    for message in dns1123_label_errors(name or ""):
        errs.add("name", f'Invalid value: "{name}": {message}')
    profile = profile or settings.PLAYGROUND_DEFAULT_PROFILE
    if profile not in PROFILES:
        errs.add("profile", f'Unsupported value: "{profile}": supported values: {", ".join(sorted(PROFILES))}', "FieldValueNotSupported")
    errs.raise_if_any("Cluster", name)
    with transaction.atomic():
        if Cluster.objects.filter(name=name).exists():
            raise AlreadyExists(f'cluster "{name}" already exists', kind="clusters", name=name)
        quotas.check_clusters(name)
        cluster = Cluster(name=name, profile=profile, owner=owner)
        clock.clock_start(cluster)
        cluster.save()
        with Batch(cluster, component="kube-apiserver") as batch:
            for namespace in SYSTEM_NAMESPACES:
                batch.create("Namespace", {"metadata": {"name": namespace}})
            batch.create("Service", {
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
            })
            batch.create("Endpoints", {
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
            })
        for name_, role, runtime in machines:
            machine_add(cluster=cluster, name=name_, role=role, runtime=runtime)
    return cluster


def cluster_delete(*, cluster: Cluster, learner: str | None = None) -> None:
    """Remove the cluster with everything in it.

    A learner (`learner` is the token of the request, "" when it carries none) may remove a
    cluster that has no owner or that is their own; the shell (`learner` None) may remove any.
    """
    if learner is not None and cluster.owner and cluster.owner != learner:
        raise Forbidden(f'cluster "{cluster.name}" belongs to another learner', kind="clusters", name=cluster.name)
    cluster.delete()


def cluster_reset(*, cluster: Cluster) -> Cluster:
    """Throw the cluster away and create it again as new, with the same name, profile and owner."""
    name, profile, owner = cluster.name, cluster.profile, cluster.owner
    with transaction.atomic():
        cluster.delete()
        return cluster_create(name=name, profile=profile, owner=owner)


def component_set(*, cluster: Cluster, component: str, running: bool) -> Cluster:
    """Start or stop a control-plane component of the cluster."""
    if component not in COMPONENTS:
        raise BadRequest(f'unknown component "{component}": expected one of {", ".join(COMPONENTS)}')
    was_running = cluster.component_running(component)
    if was_running and not running:  # said while the API can still write it
        _component_event(cluster, component, running)
    with transaction.atomic():
        row = Cluster.objects.select_for_update().get(pk=cluster.pk)
        row.components = {**row.components, component: bool(running)}
        row.save(update_fields=["components"])
    cluster.components = row.components
    notify.cluster_changed(cluster.pk)
    if running and not was_running:
        _component_event(cluster, component, running)
    return cluster


def _component_event(cluster: Cluster, component: str, running: bool) -> None:
    node = Machine.objects.filter(cluster=cluster, role="control-plane").values_list("name", flat=True).first()
    if node:
        if running:
            playground_event(cluster, node=node, reason="ComponentStarted", message=f"{component} was started on {node}")
        else:
            playground_event(cluster, node=node, reason="ComponentStopped", type="Warning", message=f"{component} was stopped on {node}")


def profile_set(*, cluster: Cluster, profile: str) -> Cluster:
    if profile not in PROFILES:
        raise BadRequest(f'unknown timing profile "{profile}": expected one of {", ".join(sorted(PROFILES))}')
    Cluster.objects.filter(pk=cluster.pk).update(profile=profile)
    cluster.profile = profile
    notify.cluster_changed(cluster.pk)
    return cluster


def ensure_demo_cluster() -> Cluster:
    """Return the `demo` cluster, creating it on a first start."""
    return Cluster.objects.filter(name="demo").first() or cluster_create(name="demo")
