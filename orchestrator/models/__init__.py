"""The store's tables: one model per Kubernetes kind, the revision log, and the
simulated machines the nodes run on."""
from .base import KubeObject
from .cluster import Cluster
from .kinds import (
    ConfigMap,
    Deployment,
    Endpoints,
    Event,
    Lease,
    Namespace,
    Node,
    Pod,
    ReplicaSet,
    Service,
)
from .machine import Machine, Sandbox, SchedulingRecord
from .revision import Revision
from .traffic import TrafficSample

__all__ = [
    "Cluster",
    "ConfigMap",
    "Deployment",
    "Endpoints",
    "Event",
    "KubeObject",
    "Lease",
    "Machine",
    "Namespace",
    "Node",
    "Pod",
    "ReplicaSet",
    "Revision",
    "Sandbox",
    "SchedulingRecord",
    "Service",
    "TrafficSample",
]
