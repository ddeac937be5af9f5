from django.db import models


class Revision(models.Model):
    """One write in a cluster's history: the log every watch reads (the etcd of the playground)."""

    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE, related_name="log")
    revision = models.BigIntegerField()
    kind = models.CharField(max_length=32)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=36)
    owner_uid = models.CharField(max_length=36, blank=True, default="")
    event_type = models.CharField(max_length=8)
    object = models.JSONField()
    # When the write happened, in the cluster's simulated time and on the wall clock
    # (seconds since the epoch), and who made it: the component or the client's field manager.
    sim_time = models.FloatField(default=0.0)
    wall_time = models.FloatField(default=0.0)
    actor = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "revision"], name="revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.revision} {self.event_type} {self.kind} {self.namespace}/{self.name}"
