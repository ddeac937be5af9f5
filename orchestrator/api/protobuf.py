"""Decode Kubernetes protobuf request bodies into the dicts the JSON API accepts.

kubectl 1.32 and newer sends typed creates (``kubectl create deployment|namespace|
service|configmap ...``) and some deletes (``kubectl drain``) as
``application/vnd.kubernetes.protobuf``.  Such a body is the 4-byte magic
``k8s\\x00`` followed by a ``runtime.Unknown`` envelope whose ``raw`` field holds
the object as a proto2 message.  :func:`decode` turns it into the same dict that
Go's JSON encoding of the object would give, ``apiVersion`` and ``kind``
included, so the rest of the API never sees the difference.

The message layouts live in :data:`FIELDS` as plain data: message name ->
{field number: (JSON name, type, repeated)}.  Type tokens:

* ``string``, ``bytes``, ``bool``, ``int32``, ``int64``: scalars.  Go's gogo
  marshaller writes every non-pointer scalar even when it is zero, so a zero
  value is dropped (JSON ``omitempty``) unless the token ends in ``!``, which
  marks a Go pointer field (``replicas: 0`` and ``gracePeriodSeconds: 0`` mean
  something) or a JSON field without ``omitempty``.
* ``map:string``, ``map:bytes``, ``map:Quantity``: proto maps, i.e. repeated
  entry messages with key = 1 and value = 2.
* ``Time``, ``MicroTime``, ``Quantity``, ``IntOrString``, ``FieldsV1``,
  ``RawExtension``: apimachinery types with their own JSON form.
* any other token names a message in :data:`FIELDS`.  A present message is
  kept even when empty (``"resources": {}``), as Go's JSON encoding does.

A JSON name of ``""`` marks a Go embedded struct (``json:",inline"``): its
fields are merged into the parent object.  Field numbers missing from a table
are skipped, as the Go decoder skips unknown fields.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
from collections.abc import Iterator
from typing import Any

__all__ = [
    "CONTENT_TYPE",
    "FIELDS",
    "KINDS",
    "MAGIC",
    "ProtobufError",
    "decode",
    "decode_message",
    "message_for",
]

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"

# Wire types of the protobuf encoding.
VARINT, FIXED64, LENGTH_DELIMITED, START_GROUP, END_GROUP, FIXED32 = 0, 1, 2, 3, 4, 5

REP = True
ONE = False

Field = tuple[str, str, bool]


class ProtobufError(ValueError):
    """A body that is not a Kubernetes protobuf object this server can read."""


# -- message tables --------------------------------------------------------------

_META: dict[str, dict[int, Field]] = {
    "ObjectMeta": {
        1: ("name", "string", ONE),
        2: ("generateName", "string", ONE),
        3: ("namespace", "string", ONE),
        4: ("selfLink", "string", ONE),
        5: ("uid", "string", ONE),
        6: ("resourceVersion", "string", ONE),
        7: ("generation", "int64", ONE),
        8: ("creationTimestamp", "Time", ONE),
        9: ("deletionTimestamp", "Time", ONE),
        10: ("deletionGracePeriodSeconds", "int64!", ONE),
        11: ("labels", "map:string", ONE),
        12: ("annotations", "map:string", ONE),
        13: ("ownerReferences", "OwnerReference", REP),
        14: ("finalizers", "string", REP),
        17: ("managedFields", "ManagedFieldsEntry", REP),
    },
    "OwnerReference": {
        5: ("apiVersion", "string!", ONE),
        1: ("kind", "string!", ONE),
        3: ("name", "string!", ONE),
        4: ("uid", "string!", ONE),
        6: ("controller", "bool!", ONE),
        7: ("blockOwnerDeletion", "bool!", ONE),
    },
    "ManagedFieldsEntry": {
        1: ("manager", "string", ONE),
        2: ("operation", "string", ONE),
        3: ("apiVersion", "string", ONE),
        4: ("time", "Time", ONE),
        6: ("fieldsType", "string", ONE),
        7: ("fieldsV1", "FieldsV1", ONE),
        8: ("subresource", "string", ONE),
    },
    "LabelSelector": {
        1: ("matchLabels", "map:string", ONE),
        2: ("matchExpressions", "LabelSelectorRequirement", REP),
    },
    "LabelSelectorRequirement": {
        1: ("key", "string!", ONE),
        2: ("operator", "string!", ONE),
        3: ("values", "string", REP),
    },
    "Condition": {
        1: ("type", "string!", ONE),
        2: ("status", "string!", ONE),
        3: ("observedGeneration", "int64", ONE),
        4: ("lastTransitionTime", "Time", ONE),
        5: ("reason", "string!", ONE),
        6: ("message", "string!", ONE),
    },
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int64!", ONE),
        2: ("preconditions", "Preconditions", ONE),
        3: ("orphanDependents", "bool!", ONE),
        4: ("propagationPolicy", "string!", ONE),
        5: ("dryRun", "string", REP),
        6: ("ignoreStoreReadErrorWithClusterBreakingPotential", "bool!", ONE),
    },
    "Preconditions": {
        1: ("uid", "string!", ONE),
        2: ("resourceVersion", "string!", ONE),
    },
}

_APPS: dict[str, dict[int, Field]] = {
    "Deployment": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "DeploymentSpec", ONE),
        3: ("status", "DeploymentStatus", ONE),
    },
    "DeploymentSpec": {
        1: ("replicas", "int32!", ONE),
        2: ("selector", "LabelSelector", ONE),
        3: ("template", "PodTemplateSpec", ONE),
        4: ("strategy", "DeploymentStrategy", ONE),
        5: ("minReadySeconds", "int32", ONE),
        6: ("revisionHistoryLimit", "int32!", ONE),
        7: ("paused", "bool", ONE),
        9: ("progressDeadlineSeconds", "int32!", ONE),
        10: ("podReplacementPolicy", "string!", ONE),
    },
    "DeploymentStrategy": {
        1: ("type", "string", ONE),
        2: ("rollingUpdate", "RollingUpdateDeployment", ONE),
    },
    "RollingUpdateDeployment": {
        1: ("maxUnavailable", "IntOrString", ONE),
        2: ("maxSurge", "IntOrString", ONE),
    },
    "DeploymentStatus": {
        1: ("observedGeneration", "int64", ONE),
        2: ("replicas", "int32", ONE),
        3: ("updatedReplicas", "int32", ONE),
        7: ("readyReplicas", "int32", ONE),
        4: ("availableReplicas", "int32", ONE),
        5: ("unavailableReplicas", "int32", ONE),
        9: ("terminatingReplicas", "int32!", ONE),
        6: ("conditions", "DeploymentCondition", REP),
        8: ("collisionCount", "int32!", ONE),
    },
    "DeploymentCondition": {
        1: ("type", "string!", ONE),
        2: ("status", "string!", ONE),
        6: ("lastUpdateTime", "Time", ONE),
        7: ("lastTransitionTime", "Time", ONE),
        4: ("reason", "string", ONE),
        5: ("message", "string", ONE),
    },
    "ReplicaSet": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "ReplicaSetSpec", ONE),
        3: ("status", "ReplicaSetStatus", ONE),
    },
    "ReplicaSetSpec": {
        1: ("replicas", "int32!", ONE),
        4: ("minReadySeconds", "int32", ONE),
        2: ("selector", "LabelSelector", ONE),
        3: ("template", "PodTemplateSpec", ONE),
    },
    "ReplicaSetStatus": {
        1: ("replicas", "int32!", ONE),
        2: ("fullyLabeledReplicas", "int32", ONE),
        4: ("readyReplicas", "int32", ONE),
        5: ("availableReplicas", "int32", ONE),
        7: ("terminatingReplicas", "int32!", ONE),
        3: ("observedGeneration", "int64", ONE),
        6: ("conditions", "ReplicaSetCondition", REP),
    },
    "ReplicaSetCondition": {
        1: ("type", "string!", ONE),
        2: ("status", "string!", ONE),
        3: ("lastTransitionTime", "Time", ONE),
        4: ("reason", "string", ONE),
        5: ("message", "string", ONE),
    },
}

_OTHER_GROUPS: dict[str, dict[int, Field]] = {
    # coordination.k8s.io/v1: every LeaseSpec field is a Go pointer.
    "Lease": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "LeaseSpec", ONE),
    },
    "LeaseSpec": {
        1: ("holderIdentity", "string!", ONE),
        2: ("leaseDurationSeconds", "int32!", ONE),
        3: ("acquireTime", "MicroTime", ONE),
        4: ("renewTime", "MicroTime", ONE),
        5: ("leaseTransitions", "int32!", ONE),
        6: ("strategy", "string!", ONE),
        7: ("preferredHolder", "string!", ONE),
    },
    # events.k8s.io/v1, prefixed because core/v1 has messages of the same names.
    "events.v1.Event": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("eventTime", "MicroTime", ONE),
        3: ("series", "events.v1.EventSeries", ONE),
        4: ("reportingController", "string", ONE),
        5: ("reportingInstance", "string", ONE),
        6: ("action", "string", ONE),
        7: ("reason", "string", ONE),
        8: ("regarding", "ObjectReference", ONE),
        9: ("related", "ObjectReference", ONE),
        10: ("note", "string", ONE),
        11: ("type", "string", ONE),
        12: ("deprecatedSource", "EventSource", ONE),
        13: ("deprecatedFirstTimestamp", "Time", ONE),
        14: ("deprecatedLastTimestamp", "Time", ONE),
        15: ("deprecatedCount", "int32", ONE),
    },
    "events.v1.EventSeries": {
        1: ("count", "int32!", ONE),
        2: ("lastObservedTime", "MicroTime", ONE),
    },
    # policy/v1
    "Eviction": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("deleteOptions", "DeleteOptions", ONE),
    },
    # autoscaling/v1
    "Scale": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "ScaleSpec", ONE),
        3: ("status", "ScaleStatus", ONE),
    },
    "ScaleSpec": {
        1: ("replicas", "int32", ONE),
    },
    "ScaleStatus": {
        1: ("replicas", "int32!", ONE),
        2: ("selector", "string", ONE),
    },
}

_CORE_OBJECTS: dict[str, dict[int, Field]] = {
    "Namespace": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "NamespaceSpec", ONE),
        3: ("status", "NamespaceStatus", ONE),
    },
    "NamespaceSpec": {
        1: ("finalizers", "string", REP),
    },
    "NamespaceStatus": {
        1: ("phase", "string", ONE),
        2: ("conditions", "NamespaceCondition", REP),
    },
    "NamespaceCondition": {
        1: ("type", "string!", ONE),
        2: ("status", "string!", ONE),
        4: ("lastTransitionTime", "Time", ONE),
        5: ("reason", "string", ONE),
        6: ("message", "string", ONE),
    },
    "ConfigMap": {
        1: ("metadata", "ObjectMeta", ONE),
        4: ("immutable", "bool!", ONE),
        2: ("data", "map:string", ONE),
        3: ("binaryData", "map:bytes", ONE),
    },
    "Binding": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("target", "ObjectReference", ONE),
    },
    "ObjectReference": {
        1: ("kind", "string", ONE),
        2: ("namespace", "string", ONE),
        3: ("name", "string", ONE),
        4: ("uid", "string", ONE),
        5: ("apiVersion", "string", ONE),
        6: ("resourceVersion", "string", ONE),
        7: ("fieldPath", "string", ONE),
    },
    "Event": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("involvedObject", "ObjectReference", ONE),
        3: ("reason", "string", ONE),
        4: ("message", "string", ONE),
        5: ("source", "EventSource", ONE),
        6: ("firstTimestamp", "Time", ONE),
        7: ("lastTimestamp", "Time", ONE),
        8: ("count", "int32", ONE),
        9: ("type", "string", ONE),
        10: ("eventTime", "MicroTime", ONE),
        11: ("series", "EventSeries", ONE),
        12: ("action", "string", ONE),
        13: ("related", "ObjectReference", ONE),
        # Go tags these two without omitempty, so "" shows up in the JSON.
        14: ("reportingComponent", "string!", ONE),
        15: ("reportingInstance", "string!", ONE),
    },
    "EventSeries": {
        1: ("count", "int32", ONE),
        2: ("lastObservedTime", "MicroTime", ONE),
    },
    "EventSource": {
        1: ("component", "string", ONE),
        2: ("host", "string", ONE),
    },
    "Endpoints": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("subsets", "EndpointSubset", REP),
    },
    "EndpointSubset": {
        1: ("addresses", "EndpointAddress", REP),
        2: ("notReadyAddresses", "EndpointAddress", REP),
        3: ("ports", "EndpointPort", REP),
    },
    "EndpointAddress": {
        1: ("ip", "string!", ONE),
        3: ("hostname", "string", ONE),
        4: ("nodeName", "string!", ONE),
        2: ("targetRef", "ObjectReference", ONE),
    },
    "EndpointPort": {
        1: ("name", "string", ONE),
        2: ("port", "int32!", ONE),
        3: ("protocol", "string", ONE),
        4: ("appProtocol", "string!", ONE),
    },
    "Service": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "ServiceSpec", ONE),
        3: ("status", "ServiceStatus", ONE),
    },
    "ServiceSpec": {
        1: ("ports", "ServicePort", REP),
        2: ("selector", "map:string", ONE),
        3: ("clusterIP", "string", ONE),
        18: ("clusterIPs", "string", REP),
        4: ("type", "string", ONE),
        5: ("externalIPs", "string", REP),
        7: ("sessionAffinity", "string", ONE),
        8: ("loadBalancerIP", "string", ONE),
        9: ("loadBalancerSourceRanges", "string", REP),
        10: ("externalName", "string", ONE),
        11: ("externalTrafficPolicy", "string", ONE),
        12: ("healthCheckNodePort", "int32", ONE),
        13: ("publishNotReadyAddresses", "bool", ONE),
        14: ("sessionAffinityConfig", "SessionAffinityConfig", ONE),
        19: ("ipFamilies", "string", REP),
        17: ("ipFamilyPolicy", "string!", ONE),
        20: ("allocateLoadBalancerNodePorts", "bool!", ONE),
        21: ("loadBalancerClass", "string!", ONE),
        22: ("internalTrafficPolicy", "string!", ONE),
        23: ("trafficDistribution", "string!", ONE),
    },
    "ServicePort": {
        1: ("name", "string", ONE),
        2: ("protocol", "string", ONE),
        6: ("appProtocol", "string!", ONE),
        3: ("port", "int32!", ONE),
        4: ("targetPort", "IntOrString", ONE),
        5: ("nodePort", "int32", ONE),
    },
    "ServiceStatus": {
        1: ("loadBalancer", "LoadBalancerStatus", ONE),
        2: ("conditions", "Condition", REP),
    },
    "SessionAffinityConfig": {
        1: ("clientIP", "ClientIPConfig", ONE),
    },
    "ClientIPConfig": {
        1: ("timeoutSeconds", "int32!", ONE),
    },
    "LoadBalancerStatus": {
        1: ("ingress", "LoadBalancerIngress", REP),
    },
    "LoadBalancerIngress": {
        1: ("ip", "string", ONE),
        2: ("hostname", "string", ONE),
        3: ("ipMode", "string!", ONE),
        4: ("ports", "PortStatus", REP),
    },
    "PortStatus": {
        1: ("port", "int32!", ONE),
        2: ("protocol", "string!", ONE),
        3: ("error", "string!", ONE),
    },
}

_CORE_NODE: dict[str, dict[int, Field]] = {
    "Node": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "NodeSpec", ONE),
        3: ("status", "NodeStatus", ONE),
    },
    "NodeSpec": {
        1: ("podCIDR", "string", ONE),
        7: ("podCIDRs", "string", REP),
        3: ("providerID", "string", ONE),
        4: ("unschedulable", "bool", ONE),
        5: ("taints", "Taint", REP),
        6: ("configSource", "NodeConfigSource", ONE),
        2: ("externalID", "string", ONE),
    },
    "Taint": {
        1: ("key", "string!", ONE),
        2: ("value", "string", ONE),
        3: ("effect", "string!", ONE),
        4: ("timeAdded", "Time", ONE),
    },
    "NodeConfigSource": {
        2: ("configMap", "ConfigMapNodeConfigSource", ONE),
    },
    "ConfigMapNodeConfigSource": {
        1: ("namespace", "string!", ONE),
        2: ("name", "string!", ONE),
        3: ("uid", "string", ONE),
        4: ("resourceVersion", "string", ONE),
        5: ("kubeletConfigKey", "string!", ONE),
    },
    "NodeStatus": {
        1: ("capacity", "map:Quantity", ONE),
        2: ("allocatable", "map:Quantity", ONE),
        3: ("phase", "string", ONE),
        4: ("conditions", "NodeCondition", REP),
        5: ("addresses", "NodeAddress", REP),
        6: ("daemonEndpoints", "NodeDaemonEndpoints", ONE),
        7: ("nodeInfo", "NodeSystemInfo", ONE),
        8: ("images", "ContainerImage", REP),
        9: ("volumesInUse", "string", REP),
        10: ("volumesAttached", "AttachedVolume", REP),
        11: ("config", "NodeConfigStatus", ONE),
        12: ("runtimeHandlers", "NodeRuntimeHandler", REP),
        13: ("features", "NodeFeatures", ONE),
        14: ("declaredFeatures", "string", REP),
    },
    "NodeCondition": {
        1: ("type", "string!", ONE),
        2: ("status", "string!", ONE),
        3: ("lastHeartbeatTime", "Time", ONE),
        4: ("lastTransitionTime", "Time", ONE),
        5: ("reason", "string", ONE),
        6: ("message", "string", ONE),
    },
    "NodeAddress": {
        1: ("type", "string!", ONE),
        2: ("address", "string!", ONE),
    },
    "NodeDaemonEndpoints": {
        1: ("kubeletEndpoint", "DaemonEndpoint", ONE),
    },
    "DaemonEndpoint": {
        1: ("Port", "int32!", ONE),
    },
    "NodeSystemInfo": {
        1: ("machineID", "string!", ONE),
        2: ("systemUUID", "string!", ONE),
        3: ("bootID", "string!", ONE),
        4: ("kernelVersion", "string!", ONE),
        5: ("osImage", "string!", ONE),
        6: ("containerRuntimeVersion", "string!", ONE),
        7: ("kubeletVersion", "string!", ONE),
        8: ("kubeProxyVersion", "string!", ONE),
        9: ("operatingSystem", "string!", ONE),
        10: ("architecture", "string!", ONE),
        11: ("swap", "NodeSwapStatus", ONE),
    },
    "NodeSwapStatus": {
        1: ("capacity", "int64!", ONE),
    },
    "ContainerImage": {
        1: ("names", "string", REP),
        2: ("sizeBytes", "int64", ONE),
    },
    "AttachedVolume": {
        1: ("name", "string!", ONE),
        2: ("devicePath", "string!", ONE),
    },
    "NodeConfigStatus": {
        1: ("assigned", "NodeConfigSource", ONE),
        2: ("active", "NodeConfigSource", ONE),
        3: ("lastKnownGood", "NodeConfigSource", ONE),
        4: ("error", "string", ONE),
    },
    "NodeRuntimeHandler": {
        1: ("name", "string!", ONE),
        2: ("features", "NodeRuntimeHandlerFeatures", ONE),
    },
    "NodeRuntimeHandlerFeatures": {
        1: ("recursiveReadOnlyMounts", "bool!", ONE),
        2: ("userNamespaces", "bool!", ONE),
    },
    "NodeFeatures": {
        1: ("supplementalGroupsPolicy", "bool!", ONE),
        2: ("containerUlimits", "bool!", ONE),
    },
}

_CONTAINER: dict[int, Field] = {
    1: ("name", "string!", ONE),
    2: ("image", "string", ONE),
    3: ("command", "string", REP),
    4: ("args", "string", REP),
    5: ("workingDir", "string", ONE),
    6: ("ports", "ContainerPort", REP),
    19: ("envFrom", "EnvFromSource", REP),
    7: ("env", "EnvVar", REP),
    8: ("resources", "ResourceRequirements", ONE),
    23: ("resizePolicy", "ContainerResizePolicy", REP),
    24: ("restartPolicy", "string!", ONE),
    25: ("restartPolicyRules", "ContainerRestartRule", REP),
    9: ("volumeMounts", "VolumeMount", REP),
    21: ("volumeDevices", "VolumeDevice", REP),
    10: ("livenessProbe", "Probe", ONE),
    11: ("readinessProbe", "Probe", ONE),
    22: ("startupProbe", "Probe", ONE),
    12: ("lifecycle", "Lifecycle", ONE),
    13: ("terminationMessagePath", "string", ONE),
    20: ("terminationMessagePolicy", "string", ONE),
    14: ("imagePullPolicy", "string", ONE),
    15: ("securityContext", "SecurityContext", ONE),
    16: ("stdin", "bool", ONE),
    17: ("stdinOnce", "bool", ONE),
    18: ("tty", "bool", ONE),
}

_CORE_POD: dict[str, dict[int, Field]] = {
    "Pod": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "PodSpec", ONE),
        3: ("status", "PodStatus", ONE),
    },
    "PodTemplateSpec": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "PodSpec", ONE),
    },
    "PodSpec": {
        1: ("volumes", "Volume", REP),
        20: ("initContainers", "Container", REP),
        2: ("containers", "Container", REP),
        34: ("ephemeralContainers", "EphemeralContainer", REP),
        3: ("restartPolicy", "string", ONE),
        4: ("terminationGracePeriodSeconds", "int64!", ONE),
        5: ("activeDeadlineSeconds", "int64!", ONE),
        6: ("dnsPolicy", "string", ONE),
        7: ("nodeSelector", "map:string", ONE),
        8: ("serviceAccountName", "string", ONE),
        9: ("serviceAccount", "string", ONE),
        21: ("automountServiceAccountToken", "bool!", ONE),
        10: ("nodeName", "string", ONE),
        11: ("hostNetwork", "bool", ONE),
        12: ("hostPID", "bool", ONE),
        13: ("hostIPC", "bool", ONE),
        27: ("shareProcessNamespace", "bool!", ONE),
        14: ("securityContext", "PodSecurityContext", ONE),
        15: ("imagePullSecrets", "LocalObjectReference", REP),
        16: ("hostname", "string", ONE),
        17: ("subdomain", "string", ONE),
        18: ("affinity", "Affinity", ONE),
        19: ("schedulerName", "string", ONE),
        22: ("tolerations", "Toleration", REP),
        23: ("hostAliases", "HostAlias", REP),
        24: ("priorityClassName", "string", ONE),
        25: ("priority", "int32!", ONE),
        26: ("dnsConfig", "PodDNSConfig", ONE),
        28: ("readinessGates", "PodReadinessGate", REP),
        29: ("runtimeClassName", "string!", ONE),
        30: ("enableServiceLinks", "bool!", ONE),
        31: ("preemptionPolicy", "string!", ONE),
        32: ("overhead", "map:Quantity", ONE),
        33: ("topologySpreadConstraints", "TopologySpreadConstraint", REP),
        35: ("setHostnameAsFQDN", "bool!", ONE),
        36: ("os", "PodOS", ONE),
        37: ("hostUsers", "bool!", ONE),
        38: ("schedulingGates", "PodSchedulingGate", REP),
        39: ("resourceClaims", "PodResourceClaim", REP),
        40: ("resources", "ResourceRequirements", ONE),
        41: ("hostnameOverride", "string!", ONE),
        42: ("workloadRef", "WorkloadReference", ONE),
    },
    "WorkloadReference": {
        1: ("name", "string!", ONE),
        2: ("podGroup", "string!", ONE),
        3: ("podGroupReplicaKey", "string", ONE),
    },
    "Container": _CONTAINER,
    # The Go type embeds EphemeralContainerCommon, a field-for-field copy of Container.
    "EphemeralContainerCommon": _CONTAINER,
    "EphemeralContainer": {
        1: ("", "EphemeralContainerCommon", ONE),
        2: ("targetContainerName", "string", ONE),
    },
    "ContainerPort": {
        1: ("name", "string", ONE),
        2: ("hostPort", "int32", ONE),
        3: ("containerPort", "int32!", ONE),
        4: ("protocol", "string", ONE),
        5: ("hostIP", "string", ONE),
    },
    "ContainerResizePolicy": {
        1: ("resourceName", "string!", ONE),
        2: ("restartPolicy", "string!", ONE),
    },
    "ContainerRestartRule": {
        1: ("action", "string", ONE),
        2: ("exitCodes", "ContainerRestartRuleOnExitCodes", ONE),
    },
    "ContainerRestartRuleOnExitCodes": {
        1: ("operator", "string", ONE),
        2: ("values", "int32", REP),
    },
    "EnvFromSource": {
        1: ("prefix", "string", ONE),
        2: ("configMapRef", "ConfigMapEnvSource", ONE),
        3: ("secretRef", "SecretEnvSource", ONE),
    },
    "ConfigMapEnvSource": {
        1: ("", "LocalObjectReference", ONE),
        2: ("optional", "bool!", ONE),
    },
    "SecretEnvSource": {
        1: ("", "LocalObjectReference", ONE),
        2: ("optional", "bool!", ONE),
    },
    "EnvVar": {
        1: ("name", "string!", ONE),
        2: ("value", "string", ONE),
        3: ("valueFrom", "EnvVarSource", ONE),
    },
    "EnvVarSource": {
        1: ("fieldRef", "ObjectFieldSelector", ONE),
        2: ("resourceFieldRef", "ResourceFieldSelector", ONE),
        3: ("configMapKeyRef", "ConfigMapKeySelector", ONE),
        4: ("secretKeyRef", "SecretKeySelector", ONE),
        5: ("fileKeyRef", "FileKeySelector", ONE),
    },
    "ObjectFieldSelector": {
        1: ("apiVersion", "string", ONE),
        2: ("fieldPath", "string!", ONE),
    },
    "ResourceFieldSelector": {
        1: ("containerName", "string", ONE),
        2: ("resource", "string!", ONE),
        3: ("divisor", "Quantity", ONE),
    },
    "ConfigMapKeySelector": {
        1: ("", "LocalObjectReference", ONE),
        2: ("key", "string!", ONE),
        3: ("optional", "bool!", ONE),
    },
    "SecretKeySelector": {
        1: ("", "LocalObjectReference", ONE),
        2: ("key", "string!", ONE),
        3: ("optional", "bool!", ONE),
    },
    "FileKeySelector": {
        1: ("volumeName", "string!", ONE),
        2: ("path", "string!", ONE),
        3: ("key", "string!", ONE),
        4: ("optional", "bool!", ONE),
    },
    "LocalObjectReference": {
        1: ("name", "string", ONE),
    },
    "ResourceRequirements": {
        1: ("limits", "map:Quantity", ONE),
        2: ("requests", "map:Quantity", ONE),
        3: ("claims", "ResourceClaim", REP),
    },
    "ResourceClaim": {
        1: ("name", "string!", ONE),
        2: ("request", "string", ONE),
    },
    "VolumeMount": {
        1: ("name", "string!", ONE),
        2: ("readOnly", "bool", ONE),
        7: ("recursiveReadOnly", "string!", ONE),
        3: ("mountPath", "string!", ONE),
        4: ("subPath", "string", ONE),
        5: ("mountPropagation", "string!", ONE),
        6: ("subPathExpr", "string", ONE),
    },
    "VolumeDevice": {
        1: ("name", "string!", ONE),
        2: ("devicePath", "string!", ONE),
    },
    "Probe": {
        # Go keeps the historic proto name "handler" for the embedded ProbeHandler.
        1: ("", "ProbeHandler", ONE),
        2: ("initialDelaySeconds", "int32", ONE),
        3: ("timeoutSeconds", "int32", ONE),
        4: ("periodSeconds", "int32", ONE),
        5: ("successThreshold", "int32", ONE),
        6: ("failureThreshold", "int32", ONE),
        7: ("terminationGracePeriodSeconds", "int64!", ONE),
    },
    "ProbeHandler": {
        1: ("exec", "ExecAction", ONE),
        2: ("httpGet", "HTTPGetAction", ONE),
        3: ("tcpSocket", "TCPSocketAction", ONE),
        4: ("grpc", "GRPCAction", ONE),
    },
    "ExecAction": {
        1: ("command", "string", REP),
    },
    "HTTPGetAction": {
        1: ("path", "string", ONE),
        2: ("port", "IntOrString", ONE),
        3: ("host", "string", ONE),
        4: ("scheme", "string", ONE),
        5: ("httpHeaders", "HTTPHeader", REP),
    },
    "HTTPHeader": {
        1: ("name", "string!", ONE),
        2: ("value", "string!", ONE),
    },
    "TCPSocketAction": {
        1: ("port", "IntOrString", ONE),
        2: ("host", "string", ONE),
    },
    "GRPCAction": {
        1: ("port", "int32!", ONE),
        2: ("service", "string!", ONE),
    },
    "Lifecycle": {
        1: ("postStart", "LifecycleHandler", ONE),
        2: ("preStop", "LifecycleHandler", ONE),
        3: ("stopSignal", "string!", ONE),
    },
    "LifecycleHandler": {
        1: ("exec", "ExecAction", ONE),
        2: ("httpGet", "HTTPGetAction", ONE),
        3: ("tcpSocket", "TCPSocketAction", ONE),
        4: ("sleep", "SleepAction", ONE),
    },
    "SleepAction": {
        1: ("seconds", "int64!", ONE),
    },
    "SecurityContext": {
        1: ("capabilities", "Capabilities", ONE),
        2: ("privileged", "bool!", ONE),
        3: ("seLinuxOptions", "SELinuxOptions", ONE),
        10: ("windowsOptions", "WindowsSecurityContextOptions", ONE),
        4: ("runAsUser", "int64!", ONE),
        8: ("runAsGroup", "int64!", ONE),
        5: ("runAsNonRoot", "bool!", ONE),
        6: ("readOnlyRootFilesystem", "bool!", ONE),
        7: ("allowPrivilegeEscalation", "bool!", ONE),
        9: ("procMount", "string!", ONE),
        11: ("seccompProfile", "SeccompProfile", ONE),
        12: ("appArmorProfile", "AppArmorProfile", ONE),
        13: ("ulimits", "Ulimit", REP),
    },
    "Ulimit": {
        1: ("name", "string!", ONE),
        2: ("hard", "int64!", ONE),
        3: ("soft", "int64!", ONE),
    },
    "Capabilities": {
        1: ("add", "string", REP),
        2: ("drop", "string", REP),
    },
    "SELinuxOptions": {
        1: ("user", "string", ONE),
        2: ("role", "string", ONE),
        3: ("type", "string", ONE),
        4: ("level", "string", ONE),
    },
    "WindowsSecurityContextOptions": {
        1: ("gmsaCredentialSpecName", "string!", ONE),
        2: ("gmsaCredentialSpec", "string!", ONE),
        3: ("runAsUserName", "string!", ONE),
        4: ("hostProcess", "bool!", ONE),
    },
    "SeccompProfile": {
        1: ("type", "string!", ONE),
        2: ("localhostProfile", "string!", ONE),
    },
    "AppArmorProfile": {
        1: ("type", "string!", ONE),
        2: ("localhostProfile", "string!", ONE),
    },
    "PodSecurityContext": {
        1: ("seLinuxOptions", "SELinuxOptions", ONE),
        8: ("windowsOptions", "WindowsSecurityContextOptions", ONE),
        2: ("runAsUser", "int64!", ONE),
        6: ("runAsGroup", "int64!", ONE),
        3: ("runAsNonRoot", "bool!", ONE),
        4: ("supplementalGroups", "int64", REP),
        12: ("supplementalGroupsPolicy", "string!", ONE),
        5: ("fsGroup", "int64!", ONE),
        7: ("sysctls", "Sysctl", REP),
        9: ("fsGroupChangePolicy", "string!", ONE),
        10: ("seccompProfile", "SeccompProfile", ONE),
        11: ("appArmorProfile", "AppArmorProfile", ONE),
        13: ("seLinuxChangePolicy", "string!", ONE),
    },
    "Sysctl": {
        1: ("name", "string!", ONE),
        2: ("value", "string!", ONE),
    },
    "Affinity": {
        1: ("nodeAffinity", "NodeAffinity", ONE),
        2: ("podAffinity", "PodAffinity", ONE),
        3: ("podAntiAffinity", "PodAntiAffinity", ONE),
    },
    "NodeAffinity": {
        1: ("requiredDuringSchedulingIgnoredDuringExecution", "NodeSelector", ONE),
        2: ("preferredDuringSchedulingIgnoredDuringExecution", "PreferredSchedulingTerm", REP),
    },
    "NodeSelector": {
        1: ("nodeSelectorTerms", "NodeSelectorTerm", REP),
    },
    "NodeSelectorTerm": {
        1: ("matchExpressions", "NodeSelectorRequirement", REP),
        2: ("matchFields", "NodeSelectorRequirement", REP),
    },
    "NodeSelectorRequirement": {
        1: ("key", "string!", ONE),
        2: ("operator", "string!", ONE),
        3: ("values", "string", REP),
    },
    "PreferredSchedulingTerm": {
        1: ("weight", "int32!", ONE),
        2: ("preference", "NodeSelectorTerm", ONE),
    },
    "PodAffinity": {
        1: ("requiredDuringSchedulingIgnoredDuringExecution", "PodAffinityTerm", REP),
        2: ("preferredDuringSchedulingIgnoredDuringExecution", "WeightedPodAffinityTerm", REP),
    },
    "PodAntiAffinity": {
        1: ("requiredDuringSchedulingIgnoredDuringExecution", "PodAffinityTerm", REP),
        2: ("preferredDuringSchedulingIgnoredDuringExecution", "WeightedPodAffinityTerm", REP),
    },
    "PodAffinityTerm": {
        1: ("labelSelector", "LabelSelector", ONE),
        2: ("namespaces", "string", REP),
        3: ("topologyKey", "string!", ONE),
        4: ("namespaceSelector", "LabelSelector", ONE),
        5: ("matchLabelKeys", "string", REP),
        6: ("mismatchLabelKeys", "string", REP),
    },
    "WeightedPodAffinityTerm": {
        1: ("weight", "int32!", ONE),
        2: ("podAffinityTerm", "PodAffinityTerm", ONE),
    },
    "Toleration": {
        1: ("key", "string", ONE),
        2: ("operator", "string", ONE),
        3: ("value", "string", ONE),
        4: ("effect", "string", ONE),
        5: ("tolerationSeconds", "int64!", ONE),
    },
    "TopologySpreadConstraint": {
        1: ("maxSkew", "int32!", ONE),
        2: ("topologyKey", "string!", ONE),
        3: ("whenUnsatisfiable", "string!", ONE),
        4: ("labelSelector", "LabelSelector", ONE),
        5: ("minDomains", "int32!", ONE),
        6: ("nodeAffinityPolicy", "string!", ONE),
        7: ("nodeTaintsPolicy", "string!", ONE),
        8: ("matchLabelKeys", "string", REP),
    },
    "HostAlias": {
        1: ("ip", "string!", ONE),
        2: ("hostnames", "string", REP),
    },
    "PodDNSConfig": {
        1: ("nameservers", "string", REP),
        2: ("searches", "string", REP),
        3: ("options", "PodDNSConfigOption", REP),
    },
    "PodDNSConfigOption": {
        1: ("name", "string", ONE),
        2: ("value", "string!", ONE),
    },
    "PodReadinessGate": {
        1: ("conditionType", "string!", ONE),
    },
    "PodOS": {
        1: ("name", "string!", ONE),
    },
    "PodSchedulingGate": {
        1: ("name", "string!", ONE),
    },
    "PodResourceClaim": {
        1: ("name", "string!", ONE),
        3: ("resourceClaimName", "string!", ONE),
        4: ("resourceClaimTemplateName", "string!", ONE),
    },
    # -- pod status --
    "PodStatus": {
        17: ("observedGeneration", "int64", ONE),
        1: ("phase", "string", ONE),
        2: ("conditions", "PodCondition", REP),
        3: ("message", "string", ONE),
        4: ("reason", "string", ONE),
        11: ("nominatedNodeName", "string", ONE),
        5: ("hostIP", "string", ONE),
        16: ("hostIPs", "HostIP", REP),
        6: ("podIP", "string", ONE),
        12: ("podIPs", "PodIP", REP),
        7: ("startTime", "Time", ONE),
        10: ("initContainerStatuses", "ContainerStatus", REP),
        8: ("containerStatuses", "ContainerStatus", REP),
        9: ("qosClass", "string", ONE),
        13: ("ephemeralContainerStatuses", "ContainerStatus", REP),
        14: ("resize", "string", ONE),
        15: ("resourceClaimStatuses", "PodResourceClaimStatus", REP),
        18: ("extendedResourceClaimStatus", "PodExtendedResourceClaimStatus", ONE),
        19: ("allocatedResources", "map:Quantity", ONE),
        20: ("resources", "ResourceRequirements", ONE),
    },
    "PodCondition": {
        1: ("type", "string!", ONE),
        7: ("observedGeneration", "int64", ONE),
        2: ("status", "string!", ONE),
        3: ("lastProbeTime", "Time", ONE),
        4: ("lastTransitionTime", "Time", ONE),
        5: ("reason", "string", ONE),
        6: ("message", "string", ONE),
    },
    "HostIP": {
        1: ("ip", "string!", ONE),
    },
    "PodIP": {
        1: ("ip", "string!", ONE),
    },
    "ContainerStatus": {
        1: ("name", "string!", ONE),
        2: ("state", "ContainerState", ONE),
        3: ("lastState", "ContainerState", ONE),
        4: ("ready", "bool!", ONE),
        5: ("restartCount", "int32!", ONE),
        6: ("image", "string!", ONE),
        7: ("imageID", "string!", ONE),
        8: ("containerID", "string", ONE),
        9: ("started", "bool!", ONE),
        10: ("allocatedResources", "map:Quantity", ONE),
        11: ("resources", "ResourceRequirements", ONE),
        12: ("volumeMounts", "VolumeMountStatus", REP),
        13: ("user", "ContainerUser", ONE),
        14: ("allocatedResourcesStatus", "ResourceStatus", REP),
        15: ("stopSignal", "string!", ONE),
    },
    "ContainerState": {
        1: ("waiting", "ContainerStateWaiting", ONE),
        2: ("running", "ContainerStateRunning", ONE),
        3: ("terminated", "ContainerStateTerminated", ONE),
    },
    "ContainerStateWaiting": {
        1: ("reason", "string", ONE),
        2: ("message", "string", ONE),
    },
    "ContainerStateRunning": {
        1: ("startedAt", "Time", ONE),
    },
    "ContainerStateTerminated": {
        1: ("exitCode", "int32!", ONE),
        2: ("signal", "int32", ONE),
        3: ("reason", "string", ONE),
        4: ("message", "string", ONE),
        5: ("startedAt", "Time", ONE),
        6: ("finishedAt", "Time", ONE),
        7: ("containerID", "string", ONE),
    },
    "ContainerUser": {
        1: ("linux", "LinuxContainerUser", ONE),
    },
    "LinuxContainerUser": {
        1: ("uid", "int64!", ONE),
        2: ("gid", "int64!", ONE),
        3: ("supplementalGroups", "int64", REP),
    },
    "VolumeMountStatus": {
        1: ("name", "string!", ONE),
        2: ("mountPath", "string!", ONE),
        3: ("readOnly", "bool", ONE),
        4: ("recursiveReadOnly", "string!", ONE),
        5: ("", "VolumeStatus", ONE),
    },
    "VolumeStatus": {
        1: ("image", "ImageVolumeStatus", ONE),
    },
    "ImageVolumeStatus": {
        1: ("imageRef", "string!", ONE),
    },
    "ResourceStatus": {
        1: ("name", "string!", ONE),
        2: ("resources", "ResourceHealth", REP),
    },
    "ResourceHealth": {
        1: ("resourceID", "string!", ONE),
        2: ("health", "string", ONE),
        6: ("message", "string!", ONE),
    },
    "PodResourceClaimStatus": {
        1: ("name", "string!", ONE),
        2: ("resourceClaimName", "string!", ONE),
    },
    "PodExtendedResourceClaimStatus": {
        1: ("requestMappings", "ContainerExtendedResourceRequest", REP),
        2: ("resourceClaimName", "string!", ONE),
    },
    "ContainerExtendedResourceRequest": {
        1: ("containerName", "string!", ONE),
        2: ("resourceName", "string!", ONE),
        3: ("requestName", "string!", ONE),
    },
}

_CORE_VOLUMES: dict[str, dict[int, Field]] = {
    "Volume": {
        1: ("name", "string!", ONE),
        2: ("", "VolumeSource", ONE),
    },
    "VolumeSource": {
        1: ("hostPath", "HostPathVolumeSource", ONE),
        2: ("emptyDir", "EmptyDirVolumeSource", ONE),
        3: ("gcePersistentDisk", "GCEPersistentDiskVolumeSource", ONE),
        4: ("awsElasticBlockStore", "AWSElasticBlockStoreVolumeSource", ONE),
        5: ("gitRepo", "GitRepoVolumeSource", ONE),
        6: ("secret", "SecretVolumeSource", ONE),
        7: ("nfs", "NFSVolumeSource", ONE),
        8: ("iscsi", "ISCSIVolumeSource", ONE),
        9: ("glusterfs", "GlusterfsVolumeSource", ONE),
        10: ("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource", ONE),
        11: ("rbd", "RBDVolumeSource", ONE),
        12: ("flexVolume", "FlexVolumeSource", ONE),
        13: ("cinder", "CinderVolumeSource", ONE),
        14: ("cephfs", "CephFSVolumeSource", ONE),
        15: ("flocker", "FlockerVolumeSource", ONE),
        16: ("downwardAPI", "DownwardAPIVolumeSource", ONE),
        17: ("fc", "FCVolumeSource", ONE),
        18: ("azureFile", "AzureFileVolumeSource", ONE),
        19: ("configMap", "ConfigMapVolumeSource", ONE),
        20: ("vsphereVolume", "VsphereVirtualDiskVolumeSource", ONE),
        21: ("quobyte", "QuobyteVolumeSource", ONE),
        22: ("azureDisk", "AzureDiskVolumeSource", ONE),
        23: ("photonPersistentDisk", "PhotonPersistentDiskVolumeSource", ONE),
        26: ("projected", "ProjectedVolumeSource", ONE),
        24: ("portworxVolume", "PortworxVolumeSource", ONE),
        25: ("scaleIO", "ScaleIOVolumeSource", ONE),
        27: ("storageos", "StorageOSVolumeSource", ONE),
        28: ("csi", "CSIVolumeSource", ONE),
        29: ("ephemeral", "EphemeralVolumeSource", ONE),
        30: ("image", "ImageVolumeSource", ONE),
    },
    "HostPathVolumeSource": {
        1: ("path", "string!", ONE),
        2: ("type", "string!", ONE),
    },
    "EmptyDirVolumeSource": {
        1: ("medium", "string", ONE),
        2: ("sizeLimit", "Quantity", ONE),
    },
    "GCEPersistentDiskVolumeSource": {
        1: ("pdName", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("partition", "int32", ONE),
        4: ("readOnly", "bool", ONE),
    },
    "AWSElasticBlockStoreVolumeSource": {
        1: ("volumeID", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("partition", "int32", ONE),
        4: ("readOnly", "bool", ONE),
    },
    "GitRepoVolumeSource": {
        1: ("repository", "string!", ONE),
        2: ("revision", "string", ONE),
        3: ("directory", "string", ONE),
    },
    "SecretVolumeSource": {
        1: ("secretName", "string", ONE),
        2: ("items", "KeyToPath", REP),
        3: ("defaultMode", "int32!", ONE),
        4: ("optional", "bool!", ONE),
    },
    "KeyToPath": {
        1: ("key", "string!", ONE),
        2: ("path", "string!", ONE),
        3: ("mode", "int32!", ONE),
    },
    "NFSVolumeSource": {
        1: ("server", "string!", ONE),
        2: ("path", "string!", ONE),
        3: ("readOnly", "bool", ONE),
    },
    "ISCSIVolumeSource": {
        1: ("targetPortal", "string!", ONE),
        2: ("iqn", "string!", ONE),
        3: ("lun", "int32!", ONE),
        4: ("iscsiInterface", "string", ONE),
        5: ("fsType", "string", ONE),
        6: ("readOnly", "bool", ONE),
        7: ("portals", "string", REP),
        8: ("chapAuthDiscovery", "bool", ONE),
        11: ("chapAuthSession", "bool", ONE),
        10: ("secretRef", "LocalObjectReference", ONE),
        12: ("initiatorName", "string!", ONE),
    },
    "GlusterfsVolumeSource": {
        1: ("endpoints", "string!", ONE),
        2: ("path", "string!", ONE),
        3: ("readOnly", "bool", ONE),
    },
    "PersistentVolumeClaimVolumeSource": {
        1: ("claimName", "string!", ONE),
        2: ("readOnly", "bool", ONE),
    },
    "RBDVolumeSource": {
        1: ("monitors", "string", REP),
        2: ("image", "string!", ONE),
        3: ("fsType", "string", ONE),
        4: ("pool", "string", ONE),
        5: ("user", "string", ONE),
        6: ("keyring", "string", ONE),
        7: ("secretRef", "LocalObjectReference", ONE),
        8: ("readOnly", "bool", ONE),
    },
    "FlexVolumeSource": {
        1: ("driver", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("secretRef", "LocalObjectReference", ONE),
        4: ("readOnly", "bool", ONE),
        5: ("options", "map:string", ONE),
    },
    "CinderVolumeSource": {
        1: ("volumeID", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("readOnly", "bool", ONE),
        4: ("secretRef", "LocalObjectReference", ONE),
    },
    "CephFSVolumeSource": {
        1: ("monitors", "string", REP),
        2: ("path", "string", ONE),
        3: ("user", "string", ONE),
        4: ("secretFile", "string", ONE),
        5: ("secretRef", "LocalObjectReference", ONE),
        6: ("readOnly", "bool", ONE),
    },
    "FlockerVolumeSource": {
        1: ("datasetName", "string", ONE),
        2: ("datasetUUID", "string", ONE),
    },
    "DownwardAPIVolumeSource": {
        1: ("items", "DownwardAPIVolumeFile", REP),
        2: ("defaultMode", "int32!", ONE),
    },
    "DownwardAPIVolumeFile": {
        1: ("path", "string!", ONE),
        2: ("fieldRef", "ObjectFieldSelector", ONE),
        3: ("resourceFieldRef", "ResourceFieldSelector", ONE),
        4: ("mode", "int32!", ONE),
    },
    "FCVolumeSource": {
        1: ("targetWWNs", "string", REP),
        2: ("lun", "int32!", ONE),
        3: ("fsType", "string", ONE),
        4: ("readOnly", "bool", ONE),
        5: ("wwids", "string", REP),
    },
    "AzureFileVolumeSource": {
        1: ("secretName", "string!", ONE),
        2: ("shareName", "string!", ONE),
        3: ("readOnly", "bool", ONE),
    },
    "ConfigMapVolumeSource": {
        1: ("", "LocalObjectReference", ONE),
        2: ("items", "KeyToPath", REP),
        3: ("defaultMode", "int32!", ONE),
        4: ("optional", "bool!", ONE),
    },
    "VsphereVirtualDiskVolumeSource": {
        1: ("volumePath", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("storagePolicyName", "string", ONE),
        4: ("storagePolicyID", "string", ONE),
    },
    "QuobyteVolumeSource": {
        1: ("registry", "string!", ONE),
        2: ("volume", "string!", ONE),
        3: ("readOnly", "bool", ONE),
        4: ("user", "string", ONE),
        5: ("group", "string", ONE),
        6: ("tenant", "string", ONE),
    },
    "AzureDiskVolumeSource": {
        1: ("diskName", "string!", ONE),
        2: ("diskURI", "string!", ONE),
        3: ("cachingMode", "string!", ONE),
        4: ("fsType", "string!", ONE),
        5: ("readOnly", "bool!", ONE),
        6: ("kind", "string!", ONE),
    },
    "PhotonPersistentDiskVolumeSource": {
        1: ("pdID", "string!", ONE),
        2: ("fsType", "string", ONE),
    },
    "ProjectedVolumeSource": {
        1: ("sources", "VolumeProjection", REP),
        2: ("defaultMode", "int32!", ONE),
    },
    "VolumeProjection": {
        1: ("secret", "SecretProjection", ONE),
        2: ("downwardAPI", "DownwardAPIProjection", ONE),
        3: ("configMap", "ConfigMapProjection", ONE),
        4: ("serviceAccountToken", "ServiceAccountTokenProjection", ONE),
        5: ("clusterTrustBundle", "ClusterTrustBundleProjection", ONE),
        6: ("podCertificate", "PodCertificateProjection", ONE),
    },
    "SecretProjection": {
        1: ("", "LocalObjectReference", ONE),
        2: ("items", "KeyToPath", REP),
        4: ("optional", "bool!", ONE),
    },
    "ConfigMapProjection": {
        1: ("", "LocalObjectReference", ONE),
        2: ("items", "KeyToPath", REP),
        4: ("optional", "bool!", ONE),
    },
    "DownwardAPIProjection": {
        1: ("items", "DownwardAPIVolumeFile", REP),
    },
    "ServiceAccountTokenProjection": {
        1: ("audience", "string", ONE),
        2: ("expirationSeconds", "int64!", ONE),
        3: ("path", "string!", ONE),
    },
    "ClusterTrustBundleProjection": {
        1: ("name", "string!", ONE),
        2: ("signerName", "string!", ONE),
        3: ("labelSelector", "LabelSelector", ONE),
        5: ("optional", "bool!", ONE),
        4: ("path", "string!", ONE),
    },
    "PodCertificateProjection": {
        1: ("signerName", "string!", ONE),
        2: ("keyType", "string!", ONE),
        3: ("maxExpirationSeconds", "int32!", ONE),
        4: ("credentialBundlePath", "string", ONE),
        5: ("keyPath", "string", ONE),
        6: ("certificateChainPath", "string", ONE),
        7: ("userAnnotations", "map:string", ONE),
    },
    "PortworxVolumeSource": {
        1: ("volumeID", "string!", ONE),
        2: ("fsType", "string", ONE),
        3: ("readOnly", "bool", ONE),
    },
    "ScaleIOVolumeSource": {
        1: ("gateway", "string!", ONE),
        2: ("system", "string!", ONE),
        3: ("secretRef", "LocalObjectReference", ONE),
        4: ("sslEnabled", "bool", ONE),
        5: ("protectionDomain", "string", ONE),
        6: ("storagePool", "string", ONE),
        7: ("storageMode", "string", ONE),
        8: ("volumeName", "string", ONE),
        9: ("fsType", "string", ONE),
        10: ("readOnly", "bool", ONE),
    },
    "StorageOSVolumeSource": {
        1: ("volumeName", "string", ONE),
        2: ("volumeNamespace", "string", ONE),
        3: ("fsType", "string", ONE),
        4: ("readOnly", "bool", ONE),
        5: ("secretRef", "LocalObjectReference", ONE),
    },
    "CSIVolumeSource": {
        1: ("driver", "string!", ONE),
        2: ("readOnly", "bool!", ONE),
        3: ("fsType", "string!", ONE),
        4: ("volumeAttributes", "map:string", ONE),
        5: ("nodePublishSecretRef", "LocalObjectReference", ONE),
    },
    "EphemeralVolumeSource": {
        1: ("volumeClaimTemplate", "PersistentVolumeClaimTemplate", ONE),
    },
    "PersistentVolumeClaimTemplate": {
        1: ("metadata", "ObjectMeta", ONE),
        2: ("spec", "PersistentVolumeClaimSpec", ONE),
    },
    "PersistentVolumeClaimSpec": {
        1: ("accessModes", "string", REP),
        4: ("selector", "LabelSelector", ONE),
        2: ("resources", "VolumeResourceRequirements", ONE),
        3: ("volumeName", "string", ONE),
        5: ("storageClassName", "string!", ONE),
        6: ("volumeMode", "string!", ONE),
        7: ("dataSource", "TypedLocalObjectReference", ONE),
        8: ("dataSourceRef", "TypedObjectReference", ONE),
        9: ("volumeAttributesClassName", "string!", ONE),
    },
    "VolumeResourceRequirements": {
        1: ("limits", "map:Quantity", ONE),
        2: ("requests", "map:Quantity", ONE),
    },
    "TypedLocalObjectReference": {
        1: ("apiGroup", "string!", ONE),
        2: ("kind", "string!", ONE),
        3: ("name", "string!", ONE),
    },
    "TypedObjectReference": {
        1: ("apiGroup", "string!", ONE),
        2: ("kind", "string!", ONE),
        3: ("name", "string!", ONE),
        4: ("namespace", "string!", ONE),
    },
    "ImageVolumeSource": {
        1: ("reference", "string", ONE),
        2: ("pullPolicy", "string", ONE),
    },
}

FIELDS: dict[str, dict[int, Field]] = {
    **_META,
    **_APPS,
    **_OTHER_GROUPS,
    **_CORE_OBJECTS,
    **_CORE_NODE,
    **_CORE_POD,
    **_CORE_VOLUMES,
}

# (apiVersion, kind) -> top-level message.  DeleteOptions is registered in every
# group version, so it is looked up by kind alone (see message_for).
KINDS: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "Namespace",
    ("v1", "Node"): "Node",
    ("v1", "Pod"): "Pod",
    ("v1", "Service"): "Service",
    ("v1", "Endpoints"): "Endpoints",
    ("v1", "Event"): "Event",
    ("v1", "ConfigMap"): "ConfigMap",
    ("v1", "Binding"): "Binding",
    ("apps/v1", "Deployment"): "Deployment",
    ("apps/v1", "ReplicaSet"): "ReplicaSet",
    ("coordination.k8s.io/v1", "Lease"): "Lease",
    ("events.k8s.io/v1", "Event"): "events.v1.Event",
    ("policy/v1", "Eviction"): "Eviction",
    ("autoscaling/v1", "Scale"): "Scale",
    ("meta.k8s.io/v1", "DeleteOptions"): "DeleteOptions",
}

_SCALARS = frozenset({"string", "bytes", "bool", "int32", "int64"})
# Zero values in their JSON form (bytes are compared after base64 encoding).
_ZERO: dict[str, Any] = {"string": "", "bytes": "", "bool": False, "int32": 0, "int64": 0}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


# -- wire format -------------------------------------------------------------------


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Read a base-128 varint at pos; return (value, next position)."""
    value = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("truncated protobuf data: varint runs past the end")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            # A 10-byte varint may carry junk above bit 64; Go drops it too.
            return value & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
        if shift >= 70:
            raise ProtobufError("malformed protobuf data: varint longer than 10 bytes")


def _iter_fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Yield (field number, wire type, value) for each field of one message.

    The value is an int for varints and fixed-width fields, and the payload
    bytes for length-delimited fields.
    """
    pos = 0
    end = len(data)
    while pos < end:
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("malformed protobuf data: field number 0")
        if wire == VARINT:
            value, pos = _read_varint(data, pos)
            yield number, wire, value
        elif wire == LENGTH_DELIMITED:
            length, pos = _read_varint(data, pos)
            if length > end - pos:
                raise ProtobufError(
                    f"truncated protobuf data: field {number} wants {length} bytes, "
                    f"{end - pos} left"
                )
            yield number, wire, data[pos : pos + length]
            pos += length
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            if size > end - pos:
                raise ProtobufError(f"truncated protobuf data: field {number} is cut short")
            yield number, wire, int.from_bytes(data[pos : pos + size], "little")
            pos += size
        elif wire in (START_GROUP, END_GROUP):
            # Groups are deprecated proto2 syntax that Kubernetes never emits.
            raise ProtobufError(f"unsupported protobuf data: wire type {wire} (group) in field {number}")
        else:
            raise ProtobufError(f"malformed protobuf data: wire type {wire} in field {number}")


def _signed(value: int, bits: int) -> int:
    """Reinterpret an unsigned varint as a two's-complement integer of the given width."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _scalar(type_: str, wire: int, value: int | bytes, where: str) -> Any:
    """Convert one wire value to the Python value of a scalar type."""
    if type_ in ("string", "bytes"):
        if wire != LENGTH_DELIMITED:
            raise ProtobufError(f"malformed protobuf data: {where} has wire type {wire}")
        assert isinstance(value, bytes)
        if type_ == "bytes":
            return value
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtobufError(f"invalid UTF-8 in string field {where}") from None
    if wire != VARINT:
        raise ProtobufError(f"malformed protobuf data: {where} has wire type {wire}")
    assert isinstance(value, int)
    if type_ == "bool":
        return value != 0
    return _signed(value, 32 if type_ == "int32" else 64)


def _packed(type_: str, payload: bytes, where: str) -> list[Any]:
    """Decode a packed repeated varint field (proto3 style, accepted for leniency)."""
    if type_ not in ("bool", "int32", "int64"):
        raise ProtobufError(f"malformed protobuf data: {where} is not a packable type")
    values = []
    pos = 0
    while pos < len(payload):
        raw, pos = _read_varint(payload, pos)
        values.append(_scalar(type_, VARINT, raw, where))
    return values


# -- apimachinery special types --------------------------------------------------------


def _format_time(payload: bytes, micro: bool, where: str) -> str | None:
    """Render a Time/MicroTime message as Go's JSON does (RFC 3339, UTC).

    An empty message is Go's zero time, which marshals to JSON null.
    """
    if not payload:
        return None
    seconds = nanos = 0
    for number, wire, value in _iter_fields(payload):
        if number == 1:
            seconds = _scalar("int64", wire, value, f"{where}.seconds")
        elif number == 2:
            nanos = _scalar("int32", wire, value, f"{where}.nanos")
    try:
        moment = _EPOCH + _dt.timedelta(seconds=seconds, microseconds=nanos // 1000)
    except OverflowError:
        raise ProtobufError(f"time out of range in {where}: {seconds}s") from None
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    # metav1.Time is second precision on the wire to JSON; MicroTime keeps 6 digits.
    if micro:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def _quantity(payload: bytes, where: str) -> str:
    """Return the string of a resource.Quantity message (field 1); zero is "0"."""
    text = ""
    for number, wire, value in _iter_fields(payload):
        if number == 1:
            text = _scalar("string", wire, value, f"{where}.string")
    return text or "0"


def _int_or_string(payload: bytes, where: str) -> int | str:
    """Return an intstr.IntOrString (type = 1, intVal = 2, strVal = 3) as int or str."""
    kind, int_val, str_val = 0, 0, ""
    for number, wire, value in _iter_fields(payload):
        if number == 1:
            kind = _scalar("int64", wire, value, f"{where}.type")
        elif number == 2:
            int_val = _scalar("int32", wire, value, f"{where}.intVal")
        elif number == 3:
            str_val = _scalar("string", wire, value, f"{where}.strVal")
    return str_val if kind == 1 else int_val


def _raw_field(payload: bytes, where: str) -> bytes:
    """Return field 1 (bytes) of a FieldsV1 or RawExtension message."""
    raw = b""
    for number, wire, value in _iter_fields(payload):
        if number == 1:
            raw = _scalar("bytes", wire, value, f"{where}.raw")
    return raw


def _embedded_json(raw: bytes, where: str) -> Any:
    """Parse raw JSON carried in FieldsV1/RawExtension; empty raw is JSON null."""
    if not raw:
        return None
    from . import parsing

    try:
        return parsing.load_json(raw)  # within the nesting limit of every other body
    except parsing.InputLimitError as exc:
        raise ProtobufError(f"invalid JSON in {where}: {exc}") from None
    except ValueError:
        raise ProtobufError(f"invalid JSON in {where}") from None


def _raw_extension(payload: bytes, where: str) -> Any:
    """Return a runtime.RawExtension's object: nested protobuf, else its JSON."""
    raw = _raw_field(payload, where)
    if raw.startswith(MAGIC):
        return decode(raw)
    return _embedded_json(raw, where)


def _special(type_: str, payload: bytes, where: str) -> Any:
    """Decode the apimachinery types whose JSON form is not an object of fields."""
    if type_ == "Time":
        return _format_time(payload, micro=False, where=where)
    if type_ == "MicroTime":
        return _format_time(payload, micro=True, where=where)
    if type_ == "Quantity":
        return _quantity(payload, where)
    if type_ == "IntOrString":
        return _int_or_string(payload, where)
    if type_ == "FieldsV1":
        return _embedded_json(_raw_field(payload, where), where)
    return _raw_extension(payload, where)


_SPECIALS = frozenset({"Time", "MicroTime", "Quantity", "IntOrString", "FieldsV1", "RawExtension"})


# -- messages ------------------------------------------------------------------------


def _map_entry(value_type: str, payload: bytes, where: str) -> tuple[str, Any]:
    """Decode one map entry message (key = 1, value = 2) into (key, JSON value)."""
    key = ""
    value: Any = None
    for number, wire, raw in _iter_fields(payload):
        if number == 1:
            key = _scalar("string", wire, raw, f"{where} key")
        elif number == 2:
            value = _field_value(value_type, wire, raw, f"{where}[{key!r}]")
    if value is None:
        # An entry without a value carries the type's zero value.
        value = {"string": "", "bytes": "", "Quantity": "0"}[value_type]
    return key, value


def _field_value(type_: str, wire: int, raw: int | bytes, where: str) -> Any:
    """Decode one non-repeated occurrence of a field into its JSON value."""
    if type_ in _SCALARS:
        value = _scalar(type_, wire, raw, where)
        # Go's JSON encoding renders []byte as standard base64.
        return base64.b64encode(value).decode("ascii") if type_ == "bytes" else value
    if wire != LENGTH_DELIMITED:
        raise ProtobufError(f"malformed protobuf data: {where} has wire type {wire}")
    assert isinstance(raw, bytes)
    if type_ in _SPECIALS:
        return _special(type_, raw, where)
    return decode_message(type_, raw, where)


def decode_message(name: str, data: bytes, where: str | None = None) -> dict[str, Any]:
    """Decode the protobuf message ``name`` (a key of FIELDS) into a JSON-shaped dict.

    ``where`` names the field path in error messages; it defaults to ``name``.
    """
    table = FIELDS.get(name)
    if table is None:
        raise ProtobufError(f"no protobuf message type named {name}")
    path = where or name
    out: dict[str, Any] = {}
    for number, wire, raw in _iter_fields(data):
        spec = table.get(number)
        if spec is None:
            continue
        json_name, token, repeated = spec
        type_ = token.rstrip("!")
        keep_zero = token.endswith("!")
        where_here = f"{path}.{json_name or type_}"

        if type_.startswith("map:"):
            if wire != LENGTH_DELIMITED:
                raise ProtobufError(f"malformed protobuf data: {where_here} has wire type {wire}")
            assert isinstance(raw, bytes)
            key, value = _map_entry(type_[4:], raw, where_here)
            out.setdefault(json_name, {})[key] = value
        elif repeated:
            items = out.setdefault(json_name, [])
            if type_ in ("bool", "int32", "int64") and wire == LENGTH_DELIMITED:
                assert isinstance(raw, bytes)
                items.extend(_packed(type_, raw, where_here))
            else:
                items.append(_field_value(type_, wire, raw, where_here))
        elif not json_name:
            # Embedded Go struct: its fields sit beside the parent's in JSON.
            out.update(_field_value(type_, wire, raw, where_here))
        else:
            value = _field_value(type_, wire, raw, where_here)
            if type_ in _SCALARS and not keep_zero and value == _ZERO[type_]:
                # A later zero overrides an earlier value, and omitempty hides it.
                out.pop(json_name, None)
            elif isinstance(value, dict) and isinstance(out.get(json_name), dict):
                # Protobuf merges repeated occurrences of a singular message.
                out[json_name].update(value)
            else:
                out[json_name] = value
    return out


# -- envelope ----------------------------------------------------------------------------


def message_for(api_version: str, kind: str) -> str:
    """Return the FIELDS message that holds ``kind`` of ``api_version``.

    Raise ProtobufError naming the kind when this server does not serve it.
    """
    if kind == "DeleteOptions":
        return "DeleteOptions"
    message = KINDS.get((api_version, kind))
    if message is None:
        raise ProtobufError(f"unsupported protobuf kind {api_version}, Kind={kind}")
    return message


def _unknown(data: bytes) -> tuple[str, str, bytes, str, str]:
    """Parse a runtime.Unknown: (apiVersion, kind, raw, contentEncoding, contentType)."""
    api_version = kind = encoding = content_type = ""
    raw = b""
    for number, wire, value in _iter_fields(data):
        if number == 1:
            if wire != LENGTH_DELIMITED:
                raise ProtobufError("malformed protobuf envelope: typeMeta is not a message")
            assert isinstance(value, bytes)
            for sub, sub_wire, sub_value in _iter_fields(value):
                if sub == 1:
                    api_version = _scalar("string", sub_wire, sub_value, "typeMeta.apiVersion")
                elif sub == 2:
                    kind = _scalar("string", sub_wire, sub_value, "typeMeta.kind")
        elif number == 2:
            raw = _scalar("bytes", wire, value, "raw")
        elif number == 3:
            encoding = _scalar("string", wire, value, "contentEncoding")
        elif number == 4:
            content_type = _scalar("string", wire, value, "contentType")
    return api_version, kind, raw, encoding, content_type


def decode(body: bytes) -> dict[str, Any]:
    """Decode a ``application/vnd.kubernetes.protobuf`` body into a JSON-shaped dict.

    The result carries ``apiVersion`` and ``kind`` from the envelope and every
    field the message sets, named and shaped as in the JSON API.  Raise
    ProtobufError for a body without the ``k8s\\x00`` magic, truncated or
    malformed data, or a kind this server does not serve.
    """
    if not body.startswith(MAGIC):
        raise ProtobufError("not a Kubernetes protobuf body: missing the k8s\\x00 magic prefix")
    api_version, kind, raw, encoding, content_type = _unknown(body[len(MAGIC) :])
    if not kind:
        raise ProtobufError("protobuf envelope has no kind")
    if encoding:
        raise ProtobufError(f"unsupported protobuf content encoding {encoding!r}")
    if content_type.split(";")[0].strip() == "application/json":
        # runtime.Unknown may wrap JSON; the type still comes from the envelope.
        obj = _embedded_json(raw, f"{kind} raw")
        if not isinstance(obj, dict):
            raise ProtobufError(f"protobuf envelope for {kind} wraps JSON that is not an object")
        return {"apiVersion": api_version, "kind": kind, **obj}
    if content_type and content_type != CONTENT_TYPE:
        raise ProtobufError(f"unsupported content type {content_type!r} inside protobuf envelope")
    message = message_for(api_version, kind)
    return {"apiVersion": api_version, "kind": kind, **decode_message(message, raw, kind)}
