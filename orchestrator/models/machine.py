from django.db import models


class Machine(models.Model):
    """The simulated computer a node runs on: power switch, size, container runtime.

    This is not a Kubernetes object: the control plane never reads it. It knows the
    node only through what the machine's kubelet writes to the API (Node, Lease, pod status).
    """

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE)
    name = models.CharField(max_length=253)
    role = models.CharField(max_length=16, default="worker")  # worker | control-plane
    runtime = models.CharField(max_length=16, default="containerd")  # docker | containerd | cri-o
    cpu_m = models.BigIntegerField(default=4000)
    memory = models.BigIntegerField(default=8 * 1024**3)
    max_pods = models.IntegerField(default=110)
    powered = models.BooleanField(default=True)
    # Simulated time the machine last booted; the kubelet re-registers after it.
    booted_at = models.FloatField(default=0.0)
    index = models.IntegerField(default=0)  # gives the node IP and the pod CIDR
    images = models.JSONField(default=list, blank=True)  # image cache of the runtime

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="machine_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Sandbox(models.Model):
    """A pod's containers as the node's container runtime holds them.

    Lives and dies with the machine: powering a machine off removes its sandboxes, as
    a real power cut kills the containers. `next_at` (simulated seconds) is when the
    kubelet next has something to do for the pod.
    """

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE)
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE)
    pod_uid = models.CharField(max_length=36)
    namespace = models.CharField(max_length=63)
    name = models.CharField(max_length=253)
    pod_ip = models.CharField(max_length=45, blank=True, default="")
    next_at = models.FloatField(null=True, blank=True, db_index=True)
    state = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["machine", "pod_uid"], name="sandbox_unique_pod")
        ]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}@{self.machine_id}"


class SchedulingRecord(models.Model):
    """The scheduler's last attempt for a pod: every node's filter verdict or score.

    Not a Kubernetes object; it is what the UI shows to explain where a pod landed or
    why it is Pending.
    """

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE)
    pod_uid = models.CharField(max_length=36, unique=True)
    namespace = models.CharField(max_length=63)
    name = models.CharField(max_length=253)
    node_name = models.CharField(max_length=253, blank=True, default="")
    message = models.TextField(blank=True, default="")
    nodes = models.JSONField(default=list)
    attempted_at = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name} -> {self.node_name or 'Pending'}"
