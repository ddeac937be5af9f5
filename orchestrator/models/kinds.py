from django.db import models

from .base import KubeObject


class Namespace(KubeObject):
    class Meta(KubeObject.Meta):
        pass


class Node(KubeObject):
    # Ready condition status as the node lifecycle controller and the scheduler read it.
    ready = models.CharField(max_length=8, default="Unknown", db_index=True)
    unschedulable = models.BooleanField(default=False)

    class Meta(KubeObject.Meta):
        pass


class Pod(KubeObject):
    node_name = models.CharField(max_length=253, blank=True, default="", db_index=True)
    phase = models.CharField(max_length=16, default="Pending", db_index=True)
    # Effective requests (see quantity.pod_requests): the scheduler sums them per node.
    cpu_request_m = models.BigIntegerField(default=0)
    memory_request = models.BigIntegerField(default=0)

    class Meta(KubeObject.Meta):
        indexes = [models.Index(fields=["cluster", "node_name", "phase"])]


class Deployment(KubeObject):
    class Meta(KubeObject.Meta):
        pass


class ReplicaSet(KubeObject):
    class Meta(KubeObject.Meta):
        pass


class Service(KubeObject):
    class Meta(KubeObject.Meta):
        pass


class Endpoints(KubeObject):
    class Meta(KubeObject.Meta):
        verbose_name_plural = "endpoints"


class Event(KubeObject):
    involved_kind = models.CharField(max_length=64, blank=True, default="")
    involved_name = models.CharField(max_length=253, blank=True, default="")
    involved_uid = models.CharField(max_length=36, blank=True, default="", db_index=True)
    reason = models.CharField(max_length=128, blank=True, default="")

    class Meta(KubeObject.Meta):
        pass


class Lease(KubeObject):
    class Meta(KubeObject.Meta):
        pass


class ConfigMap(KubeObject):
    class Meta(KubeObject.Meta):
        pass
