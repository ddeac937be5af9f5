"""Server-side apply and field ownership (``metadata.managedFields``).

A pure module (no Django): objects are plain dicts exactly as the Kubernetes
JSON API returns them.  It follows the API server's field manager
(``k8s.io/apimachinery/pkg/util/managedfields``) on top of
``sigs.k8s.io/structured-merge-diff``:

* :func:`apply` -- a ``PATCH`` with ``Content-Type: application/apply-patch+yaml``.
  The applied configuration is merged into the live object (associative lists
  by their ``x-kubernetes-list-map-keys``, ``set`` lists by value, atomic
  lists and atomic maps replaced whole, other maps and structs key by key);
  what the manager applied last time and leaves out now is removed unless
  another manager owns it too; a field owned by another manager whose value
  would change is a conflict (:class:`ApplyConflict`, HTTP 409) unless
  ``force`` is set, which moves the field to the applier.
* :func:`record_update` -- every other write (create, update, patch, on the
  main resource or a subresource): the writer takes every field whose value it
  set or changed, the other managers lose them.
* :func:`fields_v1` / :func:`paths_from_fields_v1` -- the ``FieldsV1``
  encoding (``f:<field>``, ``k:<json of the key fields>``, ``v:<json value>``,
  ``i:<index>``; ``.`` marks a node that is itself owned and has owned
  children).

What the API sees from kubectl (the ``fieldManager`` query parameter):

==============================  =============================================
``kubectl apply``               ``kubectl-client-side-apply`` (an Update;
                                also writes the last-applied annotation)
``kubectl apply --server-side`` ``kubectl`` (an Apply)
``kubectl create``              ``kubectl-create``
``kubectl edit``                ``kubectl-edit``
``kubectl replace``             ``kubectl-replace``
``kubectl patch``               ``kubectl-patch``
``kubectl label`` / annotate    ``kubectl-label`` / ``kubectl-annotate``
``kubectl set ...``             ``kubectl-set``
``kubectl rollout ...``         ``kubectl-rollout``
``kubectl run`` / ``expose``    ``kubectl-run`` / ``kubectl-expose``
``kubectl autoscale`` / taint   ``kubectl-autoscale`` / ``kubectl-taint``
``kubectl scale``               no fieldManager: the API server takes the
                                User-Agent up to its first ``/``, i.e.
                                ``kubectl``, with ``subresource: scale``
``kubectl cordon`` / ``drain``  no fieldManager either: ``kubectl``
==============================  =============================================

(see :data:`KUBECTL_FIELD_MANAGERS`).  ``kubectl apply --server-side`` over
an object last written by client-side apply is upgraded as the API server
does it: conflicts on fields whose live value still equals the
``kubectl.kubernetes.io/last-applied-configuration`` annotation are forced,
and the annotation is rewritten from the applied configuration.

The list semantics (``x-kubernetes-list-type``/``-list-map-keys``/
``-map-type``) are not the strategic-merge ones of :mod:`.patch_schema`
(e.g. a container's ports are keyed by ``containerPort`` *and* ``protocol``
here, ``hostIPs`` is atomic), so this module carries its own table,
``_SCHEMA``, generated from the same OpenAPI (kubernetes-validate
v1.37.0-local ``_definitions.json``) for the kinds in
``patch_schema.ROOT_TYPES``.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

from . import patch_schema

__all__ = [
    "ApplyConflict",
    "ApplyError",
    "apply",
    "record_update",
    "fields_v1",
    "paths_from_fields_v1",
    "path_string",
    "reset_fields",
    "KUBECTL_FIELD_MANAGERS",
    "LAST_APPLIED_ANNOTATION",
]

LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
BEFORE_FIRST_APPLY_MANAGER = "before-first-apply"
ANCIENT_CHANGES_MANAGER = "ancient-changes"
MAX_UPDATE_MANAGERS = 10

KUBECTL_FIELD_MANAGERS = {
    "apply": "kubectl-client-side-apply",
    "apply --server-side": "kubectl",
    "create": "kubectl-create",
    "edit": "kubectl-edit",
    "replace": "kubectl-replace",
    "patch": "kubectl-patch",
    "label": "kubectl-label",
    "annotate": "kubectl-annotate",
    "set": "kubectl-set",
    "rollout": "kubectl-rollout",
    "run": "kubectl-run",
    "expose": "kubectl-expose",
    "autoscale": "kubectl-autoscale",
    "taint": "kubectl-taint",
    "scale": "kubectl",  # User-Agent prefix; recorded with subresource "scale"
    "cordon": "kubectl",  # User-Agent prefix
}

# Fields kube-apiserver's strategies reset, so nobody owns them through this
# endpoint (GetResetFields of the main and of the status strategy).
_RESET_FIELDS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("Deployment", ""): (("status",),),
    ("Deployment", "status"): (("spec",), ("metadata", "labels")),
    ("ReplicaSet", ""): (("status",),),
    ("ReplicaSet", "status"): (("spec",),),
    ("Pod", ""): (("status",),),
    ("Pod", "status"): (("spec",), ("metadata", "deletionTimestamp"), ("metadata", "ownerReferences")),
    ("Service", ""): (("status",),),
    ("Service", "status"): (("spec",),),
    ("Node", ""): (("status",),),
    ("Node", "status"): (("spec",),),
    ("Namespace", ""): (("status",),),
    ("Namespace", "status"): (("spec",),),
}

# Paths the field manager never records (stripMetaManager; an exact
# difference, so the children of metadata stay).
_STRIPPED = frozenset(
    (("f", name),) for name in ("apiVersion", "kind", "metadata")
) | frozenset(
    (("f", "metadata"), ("f", name))
    for name in (
        "name", "namespace", "creationTimestamp", "selfLink", "uid",
        "clusterName", "generation", "managedFields", "resourceVersion",
    )
)

# Default values of list-map key fields (the OpenAPI "default" of
# ContainerPort.protocol and ServicePort.protocol), used when an item omits them.
_KEY_DEFAULTS = {"protocol": "TCP"}

# ---------------------------------------------------------------------------
# Schema: per OpenAPI type (short name), the fields that are not plain scalars.
#   ("struct", T)       a struct with declared fields (T None: scalars only)
#   ("map", V)          a granular map, values V (None: scalars)
#   ("atomic",)         replaced and owned as a whole (atomic list/map/struct)
#   ("list", keys, E)   x-kubernetes-list-type: map, items E
#   ("set",)            x-kubernetes-list-type: set
#   ("deduced",)        untyped object: maps granular, lists atomic
# Lists without a list type are atomic (or associative by their patch merge
# key, as kube-openapi's schema conversion does).  GENERATED from
# kubernetes-validate 1.37.0 (v1.37.0-local/_definitions.json), reachable
# types of patch_schema.ROOT_TYPES only.
# ---------------------------------------------------------------------------
_SCHEMA: dict[str, dict[str, tuple]] = {
    'apps.v1.Deployment': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'apps.v1.DeploymentSpec'),
        'status': ('struct', 'apps.v1.DeploymentStatus'),
    },
    'apps.v1.DeploymentSpec': {
        'selector': ('atomic',),
        'strategy': ('struct', 'apps.v1.DeploymentStrategy'),
        'template': ('struct', 'core.v1.PodTemplateSpec'),
    },
    'apps.v1.DeploymentStatus': {'conditions': ('list', ('type',), ('struct', None))},
    'apps.v1.DeploymentStrategy': {'rollingUpdate': ('struct', None)},
    'apps.v1.ReplicaSet': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'apps.v1.ReplicaSetSpec'),
        'status': ('struct', 'apps.v1.ReplicaSetStatus'),
    },
    'apps.v1.ReplicaSetSpec': {
        'selector': ('atomic',),
        'template': ('struct', 'core.v1.PodTemplateSpec'),
    },
    'apps.v1.ReplicaSetStatus': {'conditions': ('list', ('type',), ('struct', None))},
    'coordination.v1.Lease': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', None),
    },
    'core.v1.Affinity': {
        'nodeAffinity': ('struct', 'core.v1.NodeAffinity'),
        'podAffinity': ('struct', 'core.v1.PodAffinity'),
        'podAntiAffinity': ('struct', 'core.v1.PodAntiAffinity'),
    },
    'core.v1.CSIVolumeSource': {
        'nodePublishSecretRef': ('atomic',),
        'volumeAttributes': ('map', None),
    },
    'core.v1.Capabilities': {'add': ('atomic',), 'drop': ('atomic',)},
    'core.v1.CephFSVolumeSource': {'monitors': ('atomic',), 'secretRef': ('atomic',)},
    'core.v1.CinderVolumeSource': {'secretRef': ('atomic',)},
    'core.v1.ConfigMap': {
        'binaryData': ('map', None),
        'data': ('map', None),
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
    },
    'core.v1.ConfigMapVolumeSource': {'items': ('atomic',)},
    'core.v1.Container': {
        'args': ('atomic',),
        'command': ('atomic',),
        'env': ('list', ('name',), ('struct', 'core.v1.EnvVar')),
        'envFrom': ('atomic',),
        'lifecycle': ('struct', 'core.v1.Lifecycle'),
        'livenessProbe': ('struct', 'core.v1.Probe'),
        'ports': ('list', ('containerPort', 'protocol'), ('struct', None)),
        'readinessProbe': ('struct', 'core.v1.Probe'),
        'resizePolicy': ('atomic',),
        'resources': ('struct', 'core.v1.ResourceRequirements'),
        'restartPolicyRules': ('atomic',),
        'securityContext': ('struct', 'core.v1.SecurityContext'),
        'startupProbe': ('struct', 'core.v1.Probe'),
        'volumeDevices': ('list', ('devicePath',), ('struct', None)),
        'volumeMounts': ('list', ('mountPath',), ('struct', 'core.v1.VolumeMount')),
    },
    'core.v1.DownwardAPIVolumeSource': {'items': ('atomic',)},
    'core.v1.Endpoints': {'metadata': ('struct', 'meta.v1.ObjectMeta'), 'subsets': ('atomic',)},
    'core.v1.EnvVar': {'valueFrom': ('struct', 'core.v1.EnvVarSource')},
    'core.v1.EnvVarSource': {
        'configMapKeyRef': ('atomic',),
        'fieldRef': ('atomic',),
        'fileKeyRef': ('atomic',),
        'resourceFieldRef': ('atomic',),
        'secretKeyRef': ('atomic',),
    },
    'core.v1.EphemeralContainer': {
        'args': ('atomic',),
        'command': ('atomic',),
        'env': ('list', ('name',), ('struct', 'core.v1.EnvVar')),
        'envFrom': ('atomic',),
        'lifecycle': ('struct', 'core.v1.Lifecycle'),
        'livenessProbe': ('struct', 'core.v1.Probe'),
        'ports': ('list', ('containerPort', 'protocol'), ('struct', None)),
        'readinessProbe': ('struct', 'core.v1.Probe'),
        'resizePolicy': ('atomic',),
        'resources': ('struct', 'core.v1.ResourceRequirements'),
        'restartPolicyRules': ('atomic',),
        'securityContext': ('struct', 'core.v1.SecurityContext'),
        'startupProbe': ('struct', 'core.v1.Probe'),
        'volumeDevices': ('list', ('devicePath',), ('struct', None)),
        'volumeMounts': ('list', ('mountPath',), ('struct', 'core.v1.VolumeMount')),
    },
    'core.v1.EphemeralVolumeSource': {
        'volumeClaimTemplate': ('struct', 'core.v1.PersistentVolumeClaimTemplate'),
    },
    'core.v1.Event': {
        'involvedObject': ('atomic',),
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'related': ('atomic',),
        'series': ('struct', None),
        'source': ('struct', None),
    },
    'core.v1.ExecAction': {'command': ('atomic',)},
    'core.v1.FCVolumeSource': {'targetWWNs': ('atomic',), 'wwids': ('atomic',)},
    'core.v1.FlexVolumeSource': {'options': ('map', None), 'secretRef': ('atomic',)},
    'core.v1.HTTPGetAction': {'httpHeaders': ('atomic',)},
    'core.v1.HostAlias': {'hostnames': ('atomic',)},
    'core.v1.ISCSIVolumeSource': {'portals': ('atomic',), 'secretRef': ('atomic',)},
    'core.v1.Lifecycle': {
        'postStart': ('struct', 'core.v1.LifecycleHandler'),
        'preStop': ('struct', 'core.v1.LifecycleHandler'),
    },
    'core.v1.LifecycleHandler': {
        'exec': ('struct', 'core.v1.ExecAction'),
        'httpGet': ('struct', 'core.v1.HTTPGetAction'),
        'sleep': ('struct', None),
        'tcpSocket': ('struct', None),
    },
    'core.v1.LoadBalancerStatus': {'ingress': ('atomic',)},
    'core.v1.Namespace': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.NamespaceSpec'),
        'status': ('struct', 'core.v1.NamespaceStatus'),
    },
    'core.v1.NamespaceSpec': {'finalizers': ('atomic',)},
    'core.v1.NamespaceStatus': {'conditions': ('list', ('type',), ('struct', None))},
    'core.v1.Node': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.NodeSpec'),
        'status': ('struct', 'core.v1.NodeStatus'),
    },
    'core.v1.NodeAffinity': {
        'preferredDuringSchedulingIgnoredDuringExecution': ('atomic',),
        'requiredDuringSchedulingIgnoredDuringExecution': ('atomic',),
    },
    'core.v1.NodeAllocatableResourceClaimStatus': {
        'containers': ('set',),
        'mapping': ('list', ('name',), ('struct', None)),
        'overhead': ('list', ('name',), ('struct', None)),
    },
    'core.v1.NodeConfigSource': {'configMap': ('struct', None)},
    'core.v1.NodeConfigStatus': {
        'active': ('struct', 'core.v1.NodeConfigSource'),
        'assigned': ('struct', 'core.v1.NodeConfigSource'),
        'lastKnownGood': ('struct', 'core.v1.NodeConfigSource'),
    },
    'core.v1.NodeDaemonEndpoints': {'kubeletEndpoint': ('struct', None)},
    'core.v1.NodePodPreemptionPolicy': {'disableResizePreemption': ('set',)},
    'core.v1.NodeSpec': {
        'configSource': ('struct', 'core.v1.NodeConfigSource'),
        'podCIDRs': ('set',),
        'podPreemptionPolicy': ('struct', 'core.v1.NodePodPreemptionPolicy'),
        'taints': ('atomic',),
    },
    'core.v1.NodeStatus': {
        'addresses': ('list', ('type',), ('struct', None)),
        'allocatable': ('map', None),
        'capacity': ('map', None),
        'conditions': ('list', ('type',), ('struct', None)),
        'config': ('struct', 'core.v1.NodeConfigStatus'),
        'daemonEndpoints': ('struct', 'core.v1.NodeDaemonEndpoints'),
        'declaredFeatures': ('atomic',),
        'features': ('struct', None),
        'images': ('atomic',),
        'nodeInfo': ('struct', 'core.v1.NodeSystemInfo'),
        'runtimeHandlers': ('atomic',),
        'volumesAttached': ('atomic',),
        'volumesInUse': ('atomic',),
    },
    'core.v1.NodeSystemInfo': {'swap': ('struct', None)},
    'core.v1.PersistentVolumeClaimSpec': {
        'accessModes': ('atomic',),
        'dataSource': ('atomic',),
        'dataSourceRef': ('struct', None),
        'resources': ('struct', 'core.v1.VolumeResourceRequirements'),
        'selector': ('atomic',),
    },
    'core.v1.PersistentVolumeClaimTemplate': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.PersistentVolumeClaimSpec'),
    },
    'core.v1.Pod': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.PodSpec'),
        'status': ('struct', 'core.v1.PodStatus'),
    },
    'core.v1.PodAffinity': {
        'preferredDuringSchedulingIgnoredDuringExecution': ('atomic',),
        'requiredDuringSchedulingIgnoredDuringExecution': ('atomic',),
    },
    'core.v1.PodAntiAffinity': {
        'preferredDuringSchedulingIgnoredDuringExecution': ('atomic',),
        'requiredDuringSchedulingIgnoredDuringExecution': ('atomic',),
    },
    'core.v1.PodDNSConfig': {
        'nameservers': ('atomic',),
        'options': ('atomic',),
        'searches': ('atomic',),
    },
    'core.v1.PodExtendedResourceClaimStatus': {'requestMappings': ('atomic',)},
    'core.v1.PodSecurityContext': {
        'appArmorProfile': ('struct', None),
        'seLinuxOptions': ('struct', None),
        'seccompProfile': ('struct', None),
        'supplementalGroups': ('atomic',),
        'sysctls': ('atomic',),
        'windowsOptions': ('struct', None),
    },
    'core.v1.PodSpec': {
        'affinity': ('struct', 'core.v1.Affinity'),
        'containers': ('list', ('name',), ('struct', 'core.v1.Container')),
        'dnsConfig': ('struct', 'core.v1.PodDNSConfig'),
        'ephemeralContainers': ('list', ('name',), ('struct', 'core.v1.EphemeralContainer')),
        'evictionResponders': ('list', ('name',), ('atomic',)),
        'hostAliases': ('list', ('ip',), ('struct', 'core.v1.HostAlias')),
        'imagePullSecrets': ('list', ('name',), ('atomic',)),
        'initContainers': ('list', ('name',), ('struct', 'core.v1.Container')),
        'nodeSelector': ('atomic',),
        'os': ('struct', None),
        'overhead': ('map', None),
        'readinessGates': ('atomic',),
        'resourceClaims': ('list', ('name',), ('struct', None)),
        'resources': ('struct', 'core.v1.ResourceRequirements'),
        'schedulingGates': ('list', ('name',), ('struct', None)),
        'schedulingGroup': ('struct', None),
        'securityContext': ('struct', 'core.v1.PodSecurityContext'),
        'tolerations': ('atomic',),
        'topologySpreadConstraints': (
            'list',
            ('topologyKey', 'whenUnsatisfiable'),
            ('struct', 'core.v1.TopologySpreadConstraint'),
        ),
        'volumes': ('list', ('name',), ('struct', 'core.v1.Volume')),
    },
    'core.v1.PodStatus': {
        'allocatedResources': ('map', None),
        'conditions': ('list', ('type',), ('struct', None)),
        'containerStatuses': ('atomic',),
        'ephemeralContainerStatuses': ('atomic',),
        'extendedResourceClaimStatus': ('struct', 'core.v1.PodExtendedResourceClaimStatus'),
        'hostIPs': ('atomic',),
        'initContainerStatuses': ('atomic',),
        'nodeAllocatableResourceClaimStatuses': (
            'list',
            ('resourceClaimName',),
            ('struct', 'core.v1.NodeAllocatableResourceClaimStatus'),
        ),
        'podIPs': ('list', ('ip',), ('struct', None)),
        'resourceClaimStatuses': ('list', ('name',), ('struct', None)),
        'resources': ('struct', 'core.v1.ResourceRequirements'),
        'volumeHealth': ('list', ('name',), ('struct', 'core.v1.PodVolumeHealth')),
    },
    'core.v1.PodTemplateSpec': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.PodSpec'),
    },
    'core.v1.PodVolumeHealth': {
        'healthConditions': ('list', ('status', 'reason'), ('struct', None)),
    },
    'core.v1.Probe': {
        'exec': ('struct', 'core.v1.ExecAction'),
        'grpc': ('struct', None),
        'httpGet': ('struct', 'core.v1.HTTPGetAction'),
        'tcpSocket': ('struct', None),
    },
    'core.v1.ProjectedVolumeSource': {'sources': ('atomic',)},
    'core.v1.RBDVolumeSource': {'monitors': ('atomic',), 'secretRef': ('atomic',)},
    'core.v1.ResourceRequirements': {
        'claims': ('list', ('name',), ('struct', None)),
        'limits': ('map', None),
        'requests': ('map', None),
    },
    'core.v1.ScaleIOVolumeSource': {'secretRef': ('atomic',)},
    'core.v1.SecretVolumeSource': {'items': ('atomic',)},
    'core.v1.SecurityContext': {
        'appArmorProfile': ('struct', None),
        'capabilities': ('struct', 'core.v1.Capabilities'),
        'seLinuxOptions': ('struct', None),
        'seccompProfile': ('struct', None),
        'windowsOptions': ('struct', None),
    },
    'core.v1.Service': {
        'metadata': ('struct', 'meta.v1.ObjectMeta'),
        'spec': ('struct', 'core.v1.ServiceSpec'),
        'status': ('struct', 'core.v1.ServiceStatus'),
    },
    'core.v1.ServiceSpec': {
        'clusterIPs': ('atomic',),
        'externalIPs': ('atomic',),
        'ipFamilies': ('atomic',),
        'loadBalancerSourceRanges': ('atomic',),
        'ports': ('list', ('port', 'protocol'), ('struct', None)),
        'selector': ('atomic',),
        'sessionAffinityConfig': ('struct', 'core.v1.SessionAffinityConfig'),
    },
    'core.v1.ServiceStatus': {
        'conditions': ('list', ('type',), ('struct', None)),
        'loadBalancer': ('struct', 'core.v1.LoadBalancerStatus'),
    },
    'core.v1.SessionAffinityConfig': {'clientIP': ('struct', None)},
    'core.v1.StorageOSVolumeSource': {'secretRef': ('atomic',)},
    'core.v1.TopologySpreadConstraint': {
        'labelSelector': ('atomic',),
        'matchLabelKeys': ('atomic',),
    },
    'core.v1.Volume': {
        'awsElasticBlockStore': ('struct', None),
        'azureDisk': ('struct', None),
        'azureFile': ('struct', None),
        'cephfs': ('struct', 'core.v1.CephFSVolumeSource'),
        'cinder': ('struct', 'core.v1.CinderVolumeSource'),
        'configMap': ('struct', 'core.v1.ConfigMapVolumeSource'),
        'csi': ('struct', 'core.v1.CSIVolumeSource'),
        'downwardAPI': ('struct', 'core.v1.DownwardAPIVolumeSource'),
        'emptyDir': ('struct', None),
        'ephemeral': ('struct', 'core.v1.EphemeralVolumeSource'),
        'fc': ('struct', 'core.v1.FCVolumeSource'),
        'flexVolume': ('struct', 'core.v1.FlexVolumeSource'),
        'flocker': ('struct', None),
        'gcePersistentDisk': ('struct', None),
        'gitRepo': ('struct', None),
        'glusterfs': ('struct', None),
        'hostPath': ('struct', None),
        'image': ('struct', None),
        'iscsi': ('struct', 'core.v1.ISCSIVolumeSource'),
        'nfs': ('struct', None),
        'persistentVolumeClaim': ('struct', None),
        'photonPersistentDisk': ('struct', None),
        'portworxVolume': ('struct', None),
        'projected': ('struct', 'core.v1.ProjectedVolumeSource'),
        'quobyte': ('struct', None),
        'rbd': ('struct', 'core.v1.RBDVolumeSource'),
        'scaleIO': ('struct', 'core.v1.ScaleIOVolumeSource'),
        'secret': ('struct', 'core.v1.SecretVolumeSource'),
        'storageos': ('struct', 'core.v1.StorageOSVolumeSource'),
        'vsphereVolume': ('struct', None),
    },
    'core.v1.VolumeMount': {'bindMountOptions': ('set',)},
    'core.v1.VolumeResourceRequirements': {'limits': ('map', None), 'requests': ('map', None)},
    'meta.v1.ObjectMeta': {
        'annotations': ('map', None),
        'finalizers': ('set',),
        'labels': ('map', None),
        'managedFields': ('atomic',),
        'ownerReferences': ('list', ('uid',), ('atomic',)),
    },
}

# A kind this module has no schema for: typed metadata, the rest deduced.
_GENERIC_TYPE = "*generic"
_SCHEMA[_GENERIC_TYPE] = {"metadata": ("struct", "meta.v1.ObjectMeta")}

# What an empty Go object of a type serializes to, for the fields that have
# no omitempty or are non-pointer structs: the API server compares typed
# objects, which always carry these.  It decides which nodes an Update
# "added" (and so marks with "."), e.g. spec and spec.template never are.
_ZERO: dict[str, dict[str, Any]] = {
    "meta.v1.ObjectMeta": {"creationTimestamp": None},
    "apps.v1.Deployment": {"metadata": {}, "spec": {}, "status": {}},
    "apps.v1.DeploymentSpec": {"selector": None, "template": {}, "strategy": {}},
    "apps.v1.ReplicaSet": {"metadata": {}, "spec": {}, "status": {}},
    "apps.v1.ReplicaSetSpec": {"selector": None, "template": {}},
    "apps.v1.ReplicaSetStatus": {"replicas": 0},
    "core.v1.PodTemplateSpec": {"metadata": {}, "spec": {}},
    "core.v1.PodSpec": {"containers": None},
    "core.v1.Container": {"name": "", "resources": {}},
    "core.v1.Pod": {"metadata": {}, "spec": {}, "status": {}},
    "core.v1.Service": {"metadata": {}, "spec": {}, "status": {}},
    "core.v1.ServiceStatus": {"loadBalancer": {}},
    "core.v1.Namespace": {"metadata": {}, "spec": {}, "status": {}},
    "core.v1.Node": {"metadata": {}, "spec": {}, "status": {}},
    "core.v1.NodeStatus": {
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
        "nodeInfo": {
            name: ""
            for name in (
                "machineID", "systemUUID", "bootID", "kernelVersion", "osImage",
                "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion",
                "operatingSystem", "architecture",
            )
        },
    },
    "core.v1.ConfigMap": {"metadata": {}},
    "core.v1.Endpoints": {"metadata": {}},
    "core.v1.Event": {
        "metadata": {}, "involvedObject": {}, "source": {}, "firstTimestamp": None,
        "lastTimestamp": None, "eventTime": None, "reportingComponent": "", "reportingInstance": "",
    },
    "coordination.v1.Lease": {"metadata": {}, "spec": {}},
}


def _short_type(name: str) -> str:
    for prefix in ("io.k8s.api.", "io.k8s.apimachinery.pkg.apis."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


_ROOTS = {kind: _short_type(name) for kind, name in patch_schema.ROOT_TYPES.items()}

_ATOMIC = ("atomic",)
_DEDUCED = ("deduced",)
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()

Path = tuple  # tuple of path elements, see paths_from_fields_v1


def reset_fields(kind: str, subresource: str = "") -> tuple[tuple[str, ...], ...]:
    """The field paths (as tuples of names) a write to kind[/subresource] may not own."""
    return _RESET_FIELDS.get((kind, subresource or ""), ())


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class ApplyConflict(Exception):
    """An apply that would change fields other managers own (HTTP 409).

    ``conflicts`` lists ``(manager, field path)`` pairs, e.g.
    ``("kubectl-client-side-apply", ".spec.replicas")``.
    """

    def __init__(self, conflicts: list[tuple[str, str]], *, managers: list[str] | None = None,
                 sort_keys: list[str] | None = None):
        self.conflicts = [(str(m), str(p)) for m, p in conflicts]
        # How each conflict's manager is printed: '"name"', plus
        # ' with subresource "x"' and ' using apps/v1' for an Update entry.
        self._printed = list(managers) if managers is not None else [json.dumps(m) for m, _ in self.conflicts]
        self._sort_keys = list(sort_keys) if sort_keys is not None else [m for m, _ in self.conflicts]
        self.message = self._message()
        super().__init__(self.message)

    def _message(self) -> str:
        n = len(self.conflicts)
        if n == 1:
            return f"Apply failed with 1 conflict: conflict with {self._printed[0]}: {self.conflicts[0][1]}"
        groups: dict[str, tuple[str, list[str]]] = {}
        for (_, path), printed, key in zip(self.conflicts, self._printed, self._sort_keys):
            groups.setdefault(key, (printed, []))[1].append(path)
        lines = []
        for key in sorted(groups):
            printed, paths = groups[key]
            lines.append(f"conflicts with {printed}:")
            lines.extend(f"- {p}" for p in paths)
        return f"Apply failed with {n} conflicts: " + "\n".join(lines)

    def causes(self) -> list[dict]:
        return [
            {"reason": "FieldManagerConflict", "message": f"conflict with {printed}", "field": path}
            for (_, path), printed in zip(self.conflicts, self._printed)
        ]

    def status(self) -> dict:
        """The Status body of the 409 answer."""
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": "Conflict",
            "details": {"causes": self.causes()},
            "code": 409,
        }


class ApplyError(ValueError):
    """An apply request the API server refuses for another reason than conflicts.

    ``code``/``reason`` are those of the Status kube-apiserver answers with:
    400 ``BadRequest`` (wrong apiVersion or kind, managedFields in the
    configuration), 500 with reason ``""`` for an applied configuration that is
    not a valid typed object (duplicate keys in an associative list, an item
    without its key field): ``failed to create typed patch object ...``.
    """

    def __init__(self, message: str, *, code: int = 400, reason: str = "BadRequest"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason

    def status(self) -> dict:
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message}
        if self.reason:
            body["reason"] = self.reason
        body["code"] = self.code
        return body


# ---------------------------------------------------------------------------
# JSON the way Go writes it, values, path elements
# ---------------------------------------------------------------------------


def _go_float(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"unsupported value: {f!r}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        mantissa, exp = repr(f).split("e")
        sign, digits = exp[0], exp[1:].lstrip("0") or "0"
        if sign == "+" and len(digits) < 2:
            digits = digits.rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    text = format(Decimal(repr(f)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _go_json(value: Any) -> str:
    """Compact JSON as Go's encoding/json writes it: sorted keys, HTML-safe."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    if isinstance(value, dict):
        return "{" + ",".join(_go_json(str(k)) + ":" + _go_json(value[k]) for k in sorted(value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_go_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__}")


def _equal(a: Any, b: Any) -> bool:
    """Deep equality that, unlike ==, keeps booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _value_order(v: Any) -> tuple:
    # value.Compare: numbers < strings < booleans < lists < maps < null
    if isinstance(v, bool):
        return (2, int(v))
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, _go_json(v))
    if isinstance(v, dict):
        return (4, _go_json(v))
    return (5, 0)


def _value_string(v: Any) -> str:
    # value.ToString: strings quoted (%q), numbers and booleans bare
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(_value_string(x) for x in v) + "]"
    if isinstance(v, dict):
        return "".join(f"{k}={_value_string(v[k])}" for k in sorted(v))
    return str(v)


def _pe_order(pe: tuple) -> tuple:
    # PathElement.Compare: field names < keys < values < indexes
    t = pe[0]
    if t == "f":
        return (0, pe[1])
    if t == "k":
        return (1, tuple((name, _value_order(json.loads(v))) for name, v in pe[1]))
    if t == "v":
        return (2, _value_order(json.loads(pe[1])))
    return (3, pe[1])


def _pe_key(pe: tuple) -> str:
    """The FieldsV1 key of a path element."""
    t = pe[0]
    if t == "f":
        return "f:" + pe[1]
    if t == "k":
        return "k:{" + ",".join(_go_json(name) + ":" + v for name, v in pe[1]) + "}"
    if t == "v":
        return "v:" + pe[1]
    return "i:" + str(pe[1])


def _pe_parse(key: str) -> tuple:
    kind, _, rest = key.partition(":")
    if kind == "f" and _:
        return ("f", rest)
    if kind == "k":
        obj = json.loads(rest)
        if not isinstance(obj, dict):
            raise ValueError(f"invalid key path element: {key}")
        return ("k", tuple(sorted((str(n), _go_json(v)) for n, v in obj.items())))
    if kind == "v":
        return ("v", _go_json(json.loads(rest)))
    if kind == "i":
        return ("i", int(rest))
    raise ValueError(f"invalid path element: {key!r}")


def _pe_string(pe: tuple) -> str:
    t = pe[0]
    if t == "f":
        return "." + pe[1]
    if t == "k":
        return "[" + ",".join(f"{name}={_value_string(json.loads(v))}" for name, v in pe[1]) + "]"
    if t == "v":
        return "[=" + _value_string(json.loads(pe[1])) + "]"
    return f"[{pe[1]}]"


def path_string(path: Iterable[tuple]) -> str:
    """A path as Kubernetes prints it: ``.spec.template.spec.containers[name="web"].image``."""
    return "".join(_pe_string(pe) for pe in path)


# ---------------------------------------------------------------------------
# Field sets <-> FieldsV1
# ---------------------------------------------------------------------------


def _trie(paths: Iterable[Path]) -> dict:
    root: dict = {"members": set(), "children": {}}
    for path in paths:
        if not path:
            continue
        node = root
        for pe in path[:-1]:
            node = node["children"].setdefault(pe, {"members": set(), "children": {}})
        node["members"].add(path[-1])
    return root


def _emit(node: dict, include_self: bool) -> dict:
    out: dict = {}
    if include_self and (node["members"] or node["children"]):
        out["."] = {}
    for pe in sorted(node["members"] | node["children"].keys(), key=_pe_order):
        child = node["children"].get(pe)
        if child is not None:
            out[_pe_key(pe)] = _emit(child, pe in node["members"])
        else:
            out[_pe_key(pe)] = {}
    return out


def _iterate(node: dict, prefix: Path = ()) -> Iterator[Path]:
    # fieldpath.Set.Iterate: the members of a level, then each child in order
    for pe in sorted(node["members"], key=_pe_order):
        yield prefix + (pe,)
    for pe in sorted(node["children"], key=_pe_order):
        yield from _iterate(node["children"][pe], prefix + (pe,))


def _sorted_paths(paths: Iterable[Path]) -> list[Path]:
    return list(_iterate(_trie(paths)))


def paths_from_fields_v1(fields: dict | str | None) -> set[Path]:
    """The owned paths of a FieldsV1 value.

    A path is a tuple of elements: ``("f", name)`` for a field or map key,
    ``("k", ((key_field, json_value), ...))`` for an item of an associative
    list (key fields sorted by name, values as compact JSON), ``("v",
    json_value)`` for a value of a set and ``("i", index)`` for an item of an
    atomic list.  ``{"f:a": {"f:b": {}}}`` gives ``{(("f","a"),("f","b"))}``;
    with ``".": {}`` inside ``f:a``, ``(("f","a"),)`` is owned too.
    """
    if fields is None:
        return set()
    if isinstance(fields, (bytes, str)):
        fields = json.loads(fields)
    out: set[Path] = set()

    def walk(obj: dict, prefix: Path) -> None:
        if not isinstance(obj, dict):
            raise ValueError("FieldsV1 must be a JSON object")
        for key, sub in obj.items():
            if key == ".":
                if prefix:
                    out.add(prefix)
                continue
            path = prefix + (_pe_parse(key),)
            if sub:
                walk(sub, path)
            else:
                out.add(path)

    walk(fields, ())
    return out


def fields_v1(obj: Any, *, kind: str | None = None) -> dict:
    """The FieldsV1 encoding of a set of paths, or of the fields of an object.

    Given a set of paths (as :func:`paths_from_fields_v1` returns) it encodes
    them.  Given an object (a dict) it encodes the fields the object sets, as
    an Apply of that object would own them (the kind, from ``kind`` or the
    object, picks the schema); apiVersion, kind, metadata.name and the like
    are left out as the API server leaves them out.
    """
    if isinstance(obj, dict):
        root = _root_spec(kind or obj.get("kind"))
        paths = _to_field_set(obj, root, ()) - _STRIPPED
    else:
        paths = set(obj)
    return _emit(_trie(paths), False)


# ---------------------------------------------------------------------------
# Schema navigation
# ---------------------------------------------------------------------------


def _root_spec(kind: str | None) -> tuple:
    return ("struct", _ROOTS.get(kind or "", _GENERIC_TYPE))


def _child(spec: tuple | None, key: str, value: Any = _MISSING) -> tuple[tuple | None, bool]:
    """The spec of a map entry and whether it is a declared struct field."""
    kind = spec[0] if spec else None
    if kind == "struct":
        fields = _SCHEMA.get(spec[1] or "", {})
        if key in fields:
            return fields[key], True
        if isinstance(value, dict):
            return _DEDUCED, False
        if isinstance(value, list):
            return _ATOMIC, True
        if value is _MISSING:
            return _DEDUCED, True
        return None, True
    if kind == "map":
        return spec[1], False
    if isinstance(value, list):
        return _ATOMIC, False
    if isinstance(value, dict) or value is _MISSING:
        return _DEDUCED, False
    return None, False


def _shape(spec: tuple | None, *values: Any) -> str | None:
    """How a node is walked: 'map', 'assoc', 'set', or None for a leaf."""
    kind = spec[0] if spec else None
    present = [v for v in values if v is not _MISSING and v is not None]
    if kind in ("struct", "map", "deduced"):
        if present and all(isinstance(v, dict) for v in present):
            return "map"
        if not present and kind != "deduced":
            return "map"
        return None
    if kind in ("list", "set"):
        if all(isinstance(v, list) for v in present):
            return "assoc" if kind == "list" else "set"
        return None
    return None


def _zero_filled(value: Any, spec: tuple | None) -> Any:
    if isinstance(value, dict) and spec and spec[0] == "struct":
        zero = _ZERO.get(spec[1] or "")
        if zero:
            missing = {k: v for k, v in zero.items() if k not in value}
            if missing:
                return {**copy.deepcopy(missing), **value}
    return value


def _empty(v: Any) -> bool:
    return v is _MISSING or v is None or (isinstance(v, (dict, list)) and not v)


def _item_pe(spec: tuple, item: Any, index: int, errors: list | None = None, path: Path = ()) -> tuple:
    if not isinstance(item, dict):
        return ("i", index)
    fields = []
    for name in spec[1]:
        value = item.get(name)
        if value is None:
            if name in _KEY_DEFAULTS:
                value = _KEY_DEFAULTS[name]
            else:
                if errors is not None:
                    errors.append(
                        f"{path_string(path)}: element {index}: associative list with keys has an "
                        f'element that omits key field "{name}"'
                    )
                return ("i", index)
        fields.append((name, _go_json(value)))
    return ("k", tuple(sorted(fields)))


def _set_pe(item: Any) -> tuple:
    return ("v", _go_json(item))


def _index(items: Any, spec: tuple, errors: list | None = None, path: Path = ()) -> dict:
    out: dict = {}
    if not isinstance(items, list):
        return out
    for i, item in enumerate(items):
        pe = _item_pe(spec, item, i, errors, path) if spec[0] == "list" else _set_pe(item)
        if pe in out:
            if errors is not None:
                errors.append(f"{path_string(path)}: duplicate entries for key {_pe_string(pe)}")
            continue
        out[pe] = item
    return out


# ---------------------------------------------------------------------------
# The structured-merge-diff operations, on plain values
# ---------------------------------------------------------------------------


def _to_field_set(value: Any, spec: tuple | None, path: Path, out: set | None = None,
                  errors: list | None = None) -> set:
    """TypedValue.ToFieldSet: the paths an applied configuration sets."""
    if out is None:
        out = set()
    shape = _shape(spec, value)
    if value is None or shape is None:
        if path:
            out.add(path)
        return out
    if shape == "map":
        for key, sub in value.items():
            child_spec, declared = _child(spec, key, sub)
            child = path + (("f", key),)
            _to_field_set(sub, child_spec, child, out, errors)
            if sub is None or (isinstance(sub, dict) and not sub) or not declared:
                out.add(child)
    elif shape == "assoc":
        for pe, item in _index(value, spec, errors, path).items():
            child = path + (pe,)
            _to_field_set(item, spec[2], child, out, errors)
            out.add(child)
    else:
        for pe in _index(value, spec, errors, path):
            out.add(path + (pe,))
    return out


class _Comparison:
    __slots__ = ("added", "modified", "removed")

    def __init__(self) -> None:
        self.added: set[Path] = set()
        self.modified: set[Path] = set()
        self.removed: set[Path] = set()

    def exclude(self, ignored: Iterable[Path]) -> "_Comparison":
        ignored = list(ignored)
        if ignored:
            self.added = _recursive_difference(self.added, ignored)
            self.modified = _recursive_difference(self.modified, ignored)
            self.removed = _recursive_difference(self.removed, ignored)
        return self


def _compare(left: Any, right: Any, spec: tuple | None, path: Path, res: _Comparison,
             fill_left: bool = True, fill_right: bool = True) -> None:
    """TypedValue.Compare: what changes from left to right, leaves and nodes."""
    if left is _MISSING and right is _MISSING:
        return
    if fill_left:
        left = _zero_filled(left, spec)
    if fill_right:
        right = _zero_filled(right, spec)
    shape = _shape(spec, left, right)
    if shape is None or (_empty(left) and _empty(right)):
        if left is _MISSING:
            res.added.add(path)
        elif right is _MISSING:
            res.removed.add(path)
        elif not _equal(left, right):
            res.modified.add(path)
        return
    if shape == "map":
        lm = left if isinstance(left, dict) else {}
        rm = right if isinstance(right, dict) else {}
        for key in lm.keys() | rm.keys():
            lv, rv = lm.get(key, _MISSING), rm.get(key, _MISSING)
            child_spec, _ = _child(spec, key, rv if rv is not _MISSING else lv)
            _compare(lv, rv, child_spec, path + (("f", key),), res, fill_left, fill_right)
    elif shape == "assoc":
        li, ri = _index(left, spec), _index(right, spec)
        for pe in li.keys() | ri.keys():
            _compare(li.get(pe, _MISSING), ri.get(pe, _MISSING), spec[2], path + (pe,), res,
                     fill_left, fill_right)
    else:
        li, ri = _index(left, spec), _index(right, spec)
        res.added.update(path + (pe,) for pe in ri.keys() - li.keys())
        res.removed.update(path + (pe,) for pe in li.keys() - ri.keys())
    if path:
        if left is _MISSING:
            res.added.add(path)
        elif right is _MISSING:
            res.removed.add(path)


def _drop_nulls(value: Any) -> Any:
    """What a typed object serializes to: null fields are absent (omitempty)."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _merge_lists(live: list, config: list, key_of, merge_item) -> list:
    """Merge two associative lists the way structured-merge-diff orders them:
    shared items follow the configuration's order, live-only items keep their
    place among them, configuration-only items come where the configuration
    puts them."""
    lkeys = [key_of(x, i) for i, x in enumerate(live)]
    ckeys = [key_of(x, i) for i, x in enumerate(config)]
    lmap: dict = {}
    for k, x in zip(lkeys, live):
        lmap.setdefault(k, x)
    cmap: dict = {}
    for k, x in zip(ckeys, config):
        cmap.setdefault(k, x)
    shared = iter([k for k in ckeys if k in lmap])
    next_shared = next(shared, None)
    out: list = []
    emit = out.append
    merged: set = set()
    i = j = 0

    while i < len(lkeys) or j < len(ckeys):
        if i < len(lkeys) and j < len(ckeys):
            k = lkeys[i]
            if k == ckeys[j]:
                merged.add(k)
                emit(merge_item(lmap[k], cmap[k]))
                i += 1
                j += 1
                next_shared = next(shared, None)
                continue
            if k in cmap and next_shared is not None and next_shared != k:
                i += 1
                continue
        if i < len(lkeys):
            k = lkeys[i]
            if k not in cmap:
                emit(live[i])
                i += 1
                continue
            if k in merged:
                i += 1
                continue
        if j < len(ckeys):
            k = ckeys[j]
            merged.add(k)
            emit(merge_item(lmap.get(k, _MISSING), cmap[k]))
            j += 1
            if next_shared is not None and next_shared == k:
                next_shared = next(shared, None)
        elif i < len(lkeys):  # pragma: no cover - defensive, cannot loop
            i += 1
    return out


def _merge(live: Any, config: Any, spec: tuple | None) -> Any:
    """TypedValue.Merge(live, config): the configuration wins on every leaf.

    Parts of live that are kept are shared, not copied.  A null in the
    configuration stays null (the caller drops nulls once ownership is
    computed, as the conversion to a Go object does), except over a non-empty
    granular map or list, which it leaves alone.
    """
    if config is None:
        if not _empty(live) and _shape(spec, live) is not None:
            return live
        return None
    if live is _MISSING or live is None:
        return copy.deepcopy(config)
    shape = _shape(spec, live, config)
    if shape is None:
        return copy.deepcopy(config)
    if shape == "map":
        out = dict(live)
        for key, sub in config.items():
            child_spec, _ = _child(spec, key, sub if sub is not None else live.get(key, _MISSING))
            out[key] = _merge(live.get(key, _MISSING), sub, child_spec)
        return out
    if shape == "assoc":
        return _merge_lists(live, config, lambda x, i: _item_pe(spec, x, i),
                            lambda lv, cv: _merge(lv, cv, spec[2]))
    return _merge_lists(live, config, lambda x, i: _set_pe(x), lambda lv, cv: copy.deepcopy(cv))


def _remove(value: Any, spec: tuple | None, path: Path, doomed: set, prefixes: set) -> None:
    """TypedValue.RemoveItems, in place: drop the nodes at the doomed paths."""
    shape = _shape(spec, value)
    if shape == "map" and isinstance(value, dict):
        for key in list(value):
            child = path + (("f", key),)
            if child in doomed:
                del value[key]
            elif child in prefixes:
                sub = value[key]
                had = isinstance(sub, (dict, list)) and bool(sub)
                _remove(sub, _child(spec, key, sub)[0], child, doomed, prefixes)
                if had and not sub:
                    del value[key]
    elif shape == "assoc" and isinstance(value, list):
        kept = []
        for i, item in enumerate(value):
            child = path + (_item_pe(spec, item, i),)
            if child in doomed:
                continue
            if child in prefixes:
                _remove(item, spec[2], child, doomed, prefixes)
            kept.append(item)
        value[:] = kept
    elif shape == "set" and isinstance(value, list):
        value[:] = [x for x in value if path + (_set_pe(x),) not in doomed]


def _prefixes(paths: Iterable[Path]) -> set[Path]:
    return {p[:i] for p in paths for i in range(1, len(p))}


def _recursive_difference(paths: set[Path], ignored: Iterable[Path]) -> set[Path]:
    ignored = set(ignored)
    return {p for p in paths if not any(p[:i] in ignored for i in range(1, len(p) + 1))}


def _ensure_named(paths: Iterable[Path], root: tuple) -> set[Path]:
    """Set.EnsureNamedFieldsAreMembers: struct fields on the way are owned too."""
    out = set(paths)
    for path in list(out):
        spec: tuple | None = root
        for i, pe in enumerate(path[:-1]):
            if pe[0] == "f":
                if spec and spec[0] == "struct":
                    out.add(path[: i + 1])
                spec = _child(spec, pe[1])[0]
            elif pe[0] in ("k", "i") and spec and spec[0] == "list":
                spec = spec[2]
            else:
                spec = _DEDUCED
    return out


# ---------------------------------------------------------------------------
# managedFields entries
# ---------------------------------------------------------------------------


class _Entry:
    __slots__ = ("manager", "operation", "api_version", "subresource", "time", "fields")

    def __init__(self, manager: str, operation: str, api_version: str, subresource: str,
                 time: str | None, fields: set[Path]):
        self.manager = manager
        self.operation = operation
        self.api_version = api_version
        self.subresource = subresource
        self.time = time
        self.fields = fields

    @property
    def ident(self) -> tuple:
        # BuildManagerIdentifier: an applier's version is not part of its identity
        version = "" if self.operation == "Apply" else self.api_version
        return (self.manager, self.operation, version, self.subresource)

    def ident_json(self) -> str:
        manager, operation, version, subresource = self.ident
        parts = []
        for name, value in (("manager", manager), ("operation", operation),
                            ("apiVersion", version), ("subresource", subresource)):
            if value:
                parts.append(f"{_go_json(name)}:{_go_json(value)}")
        return "{" + ",".join(parts) + "}"

    def printed(self) -> str:
        text = json.dumps(self.manager, ensure_ascii=False)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource, ensure_ascii=False)}"
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text

    def encode(self) -> dict:
        out: dict = {}
        if self.manager:
            out["manager"] = self.manager
        if self.operation:
            out["operation"] = self.operation
        if self.api_version:
            out["apiVersion"] = self.api_version
        if self.time:
            out["time"] = self.time
        out["fieldsType"] = "FieldsV1"
        out["fieldsV1"] = _emit(_trie(self.fields), False)
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def _decode(entries: Any) -> dict[tuple, _Entry]:
    """decodeManagedFields; a malformed entry raises ValueError."""
    out: dict[tuple, _Entry] = {}
    for i, raw in enumerate(entries or []):
        if not isinstance(raw, dict):
            raise ValueError(f"invalid managed fields entry {i}")
        operation = raw.get("operation") or ""
        if operation not in ("Apply", "Update"):
            raise ValueError("operation must be `Apply` or `Update`")
        if not raw.get("apiVersion"):
            raise ValueError("apiVersion must not be empty")
        if raw.get("fieldsType") != "FieldsV1":
            if not raw.get("fieldsType"):
                raise ValueError(f"missing fieldsType in managed fields entry {i}")
            raise ValueError(f'invalid fieldsType "{raw.get("fieldsType")}" in managed fields entry {i}')
        entry = _Entry(str(raw.get("manager") or ""), operation, str(raw["apiVersion"]),
                       str(raw.get("subresource") or ""), raw.get("time"),
                       paths_from_fields_v1(raw.get("fieldsV1") or {}))
        out[entry.ident] = entry
    return out


def _seconds(time: str | None) -> float:
    if not time:
        return 0
    try:
        return datetime.fromisoformat(str(time).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0


def _cap_update_managers(managers: dict[tuple, _Entry]) -> None:
    """capManagersManager: at most 10 Update entries, the oldest merged into
    "ancient-changes" (one per API version)."""
    updaters = [e for e in managers.values() if e.operation != "Apply"]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return
    updaters.sort(key=lambda e: (int(_seconds(e.time)), e.ident_json()))
    count = len(updaters)
    first_of_version: dict[str, _Entry] = {}
    for entry in updaters:
        if count <= MAX_UPDATE_MANAGERS:
            break
        version = entry.api_version
        bucket_key = (ANCIENT_CHANGES_MANAGER, "Update", version, "")
        if version in first_of_version:
            bucket = managers.get(bucket_key)
            if bucket is None:
                first = first_of_version[version]
                managers.pop(first.ident, None)
                bucket = _Entry(ANCIENT_CHANGES_MANAGER, "Update", version, "", first.time, first.fields)
                managers[bucket_key] = bucket
            bucket.fields = bucket.fields | entry.fields
            bucket.time = entry.time
            managers.pop(entry.ident, None)
            count -= 1
        else:
            first_of_version[version] = entry


def _encode(managers: dict[tuple, _Entry]) -> list[dict]:
    entries = [e for e in managers.values() if e.fields]
    entries.sort(key=lambda e: (e.operation, int(_seconds(e.time)), e.manager, e.api_version, e.subresource))
    return [e.encode() for e in entries]


def _strip_managed_fields(obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
    return obj


def _is_reset(managed: Any) -> bool:
    # isResetManagedFields: [] or [{}] clears the managed fields
    return isinstance(managed, list) and (not managed or (len(managed) == 1 and managed[0] == {}))


def _update(managers: dict[tuple, _Entry], old: Any, new: dict, root: tuple, ignored: tuple,
            manager: str, api_version: str, now: str, subresource: str) -> None:
    """The Update workflow: the writer takes what it changed, in place."""
    res = _Comparison()
    _compare(old, new, root, (), res)
    res.exclude(ignored)
    taken = res.modified | res.added
    for entry in managers.values():
        entry.fields = entry.fields - taken - res.removed
    mine = _recursive_difference(taken - res.removed, ignored) - _STRIPPED
    for key in [k for k, e in managers.items() if not e.fields]:
        del managers[key]
    if not mine:
        return
    entry = _Entry(manager, "Update", api_version, subresource, now, mine)
    previous = managers.get(entry.ident)
    if previous is not None:
        entry.fields = entry.fields | previous.fields
    managers[entry.ident] = entry


# ---------------------------------------------------------------------------
# Public operations
# ---------------------------------------------------------------------------


def record_update(old: dict | None, new: dict, *, manager: str, api_version: str, now: str,
                  subresource: str = "", kind: str | None = None) -> list[dict]:
    """The managedFields of ``new`` after a create/update/patch by ``manager``.

    ``old`` is the stored object (None on create), ``new`` the object about to
    be stored.  The manager's ``Update`` entry (``subresource`` set for a
    subresource write) gets every field whose value the write set or changed,
    with ``time: now``; other managers lose those fields and the fields the
    write removed.  A write that changes nothing the manager could own leaves
    the entries as they were.  Status (main resource) or spec (status
    subresource) are never recorded, per the kind's reset fields; neither are
    apiVersion, kind, metadata.name, uid, resourceVersion and the like.

    The entries come from ``new`` when it carries valid, non-empty
    managedFields on the main resource (so a client may rewrite them;
    ``[]`` or ``[{}]`` clears them), else from ``old``.
    """
    kind = kind or new.get("kind") or (old or {}).get("kind")
    root = _root_spec(kind)
    ignored = tuple(tuple(("f", name) for name in p) for p in reset_fields(kind or "", subresource))
    old_meta = (old or {}).get("metadata") or {}
    new_managed = (new.get("metadata") or {}).get("managedFields")
    managers: dict[tuple, _Entry] = {}
    if not subresource and _is_reset(new_managed):
        managers = {}
    else:
        decoded = None
        if not subresource and new_managed:
            try:
                decoded = _decode(new_managed)
            except ValueError:
                decoded = None
        if not decoded:
            try:
                decoded = _decode(old_meta.get("managedFields"))
            except ValueError:
                decoded = {}
        managers = decoded
    old_obj = _strip_managed_fields(old) if old is not None else {}
    _update(managers, old_obj, _strip_managed_fields(new), root, ignored, manager, api_version, now,
            subresource)
    _cap_update_managers(managers)
    return _encode(managers)


def _typed_patch_error(config: dict, kind: str, api_version: str, errors: list[str]) -> ApplyError:
    meta = config.get("metadata") or {}
    group, _, version = api_version.rpartition("/")
    where = f"({meta.get('namespace') or ''}/{meta.get('name') or ''}; {group}/{version}, Kind={kind})"
    detail = errors[0] if len(errors) == 1 else "errors:\n  " + "\n  ".join(errors)
    return ApplyError(f"failed to create typed patch object {where}: {detail}", code=500, reason="")


def _allowed_from_last_applied(live: dict, root: tuple) -> set[Path] | None:
    """lastAppliedManager: the fields client-side apply set and nobody changed since."""
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    text = annotations.get(LAST_APPLIED_ANNOTATION) if isinstance(annotations, dict) else None
    if not text:
        return None
    try:
        last = json.loads(text)
    except ValueError:
        return None
    if not isinstance(last, dict):
        return None
    fields = _to_field_set(last, root, ())
    res = _Comparison()
    _compare(last, live, root, (), res, fill_left=False)
    return fields - res.modified - res.added - res.removed


def _last_applied_value(config: dict) -> str:
    obj = copy.deepcopy(config)
    annotations = (obj.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED_ANNOTATION, None)
    return _go_json(obj) + "\n"


def _apply_once(live: dict | None, config: dict, managers: dict[tuple, _Entry], root: tuple,
                ignored: tuple, manager: str, api_version: str, subresource: str, force: bool,
                errors: list) -> tuple[dict, dict[tuple, _Entry], list]:
    managers = {k: _Entry(e.manager, e.operation, e.api_version, e.subresource, e.time, set(e.fields))
                for k, e in managers.items()}
    base = live if live is not None else {}
    # _merge shares the parts of live it keeps; the copy makes merged its own
    merged = copy.deepcopy(_merge(base, config, root))
    if not isinstance(merged, dict):
        merged = {}
    applied = _recursive_difference(_to_field_set(config, root, (), None, errors), ignored)
    me = _Entry(manager, "Apply", api_version, subresource, None, applied)
    last = managers.get(me.ident)
    managers[me.ident] = me
    if last is not None and last.fields:
        owned: set[Path] = set()
        for entry in managers.values():
            owned |= entry.fields
        owned = _ensure_named(owned, root)
        doomed = {p for p in _ensure_named(last.fields, root) if p not in owned}
        if doomed:
            _remove(merged, root, (), doomed, _prefixes(doomed))
    res = _Comparison()
    _compare(base, merged, root, (), res)
    res.exclude(ignored)
    changed = res.modified | res.added
    conflicts: list = []
    for key, entry in managers.items():
        if key == me.ident:
            continue
        clash = entry.fields & changed
        if clash:
            conflicts.append((entry, clash))
    merged = _drop_nulls(merged)
    if conflicts and not force:
        return merged, managers, conflicts
    for entry in managers.values():
        if entry is not me:
            entry.fields = entry.fields - changed - res.removed
    me.fields = me.fields - _STRIPPED
    for key in [k for k, e in managers.items() if not e.fields]:
        del managers[key]
    return merged, managers, []


def apply(live: dict | None, config: dict, *, manager: str, force: bool, kind: str, api_version: str,
          now: str, subresource: str = "") -> dict:
    """Server-side apply ``config`` by ``manager``; return the object to store.

    ``live`` is the stored object (None when the apply creates it), ``config``
    the applied configuration (a partial object with apiVersion and kind).
    The result still has to be defaulted, validated and saved by the caller;
    its metadata.managedFields are final: an ``Apply`` entry for ``manager``
    (``operation: Apply``, ``apiVersion``, ``time: now``, ``fieldsType:
    FieldsV1``), fields taken from others on ``force``, empty entries dropped.
    An apply that changes nothing keeps the manager's previous time.

    Raises :class:`ApplyConflict` for conflicts and :class:`ApplyError` for a
    configuration the API server rejects.
    """
    if not isinstance(config, dict):
        raise ApplyError("error decoding YAML: the applied configuration must be an object")
    group, _, version = api_version.rpartition("/")
    cfg_version = config.get("apiVersion") or ""
    cfg_kind = config.get("kind") or ""
    if cfg_version != api_version:
        raise ApplyError(
            f"Incorrect version specified in apply patch. Specified patch version: {cfg_version}, "
            f"expected: {api_version}"
        )
    if cfg_kind != kind:
        raise ApplyError(f"invalid object type: {group}/{version}, Kind={cfg_kind}")
    meta = config.get("metadata")
    if isinstance(meta, dict) and meta.get("managedFields") is not None:
        raise ApplyError("metadata.managedFields must be nil")

    root = _root_spec(kind)
    ignored = tuple(tuple(("f", name) for name in p) for p in reset_fields(kind, subresource))
    live_obj = _strip_managed_fields(live) if live is not None else None
    try:
        managers = _decode(((live or {}).get("metadata") or {}).get("managedFields")) if live else {}
    except ValueError as exc:
        raise ApplyError(f"failed to decode managed fields: {exc}", code=500, reason="") from exc
    if live_obj is not None and not managers:
        # skipNonAppliedManager: what the object holds belongs to "before-first-apply"
        _update(managers, {}, live_obj, root, ignored, BEFORE_FIRST_APPLY_MANAGER, api_version, now,
                subresource)

    # The reset fields of the applied configuration are what the strategy
    # would put back (status from the live object, spec for a status apply).
    cfg = copy.deepcopy(config)
    doomed = {p for p in ignored}
    _remove(cfg, root, (), doomed, _prefixes(doomed))

    errors: list[str] = []
    merged, result, conflicts = _apply_once(live_obj, cfg, managers, root, ignored, manager, api_version,
                                            subresource, force, errors)
    if errors:
        raise _typed_patch_error(config, kind, api_version, errors)
    if conflicts and manager == "kubectl" and live_obj is not None:
        allowed = _allowed_from_last_applied(live_obj, root)
        if allowed is not None:
            remaining = [(e, clash - allowed) for e, clash in conflicts if clash - allowed]
            if not remaining:
                merged, result, conflicts = _apply_once(live_obj, cfg, managers, root, ignored, manager,
                                                        api_version, subresource, True, [])
            else:
                conflicts = remaining
    if conflicts:
        items = []
        for entry, clash in conflicts:
            for path in _sorted_paths(clash):
                items.append((entry, path))
        items.sort(key=lambda item: item[0].ident_json())
        raise ApplyConflict(
            [(e.manager, path_string(p)) for e, p in items],
            managers=[e.printed() for e, _ in items],
            sort_keys=[e.ident_json() for e, _ in items],
        )

    me_key = (manager, "Apply", "", subresource)
    mine = result.get(me_key)
    if mine is not None:
        previous = managers.get(me_key)
        unchanged = live_obj is not None and _equal(merged, _drop_nulls(live_obj))
        mine.time = previous.time if (unchanged and previous is not None and previous.time) else now

    # lastAppliedUpdater: kubectl's server-side apply keeps the client-side
    # annotation, when there is one, in step with what it applied.
    annotations = (merged.get("metadata") or {}).get("annotations")
    if manager == "kubectl" and isinstance(annotations, dict) and LAST_APPLIED_ANNOTATION in annotations:
        annotations[LAST_APPLIED_ANNOTATION] = _last_applied_value(config)

    _cap_update_managers(result)
    encoded = _encode(result)
    meta = merged.setdefault("metadata", {})
    if encoded:
        meta["managedFields"] = encoded
    else:
        meta.pop("managedFields", None)
    return merged
