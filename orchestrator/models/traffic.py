from django.db import models


class TrafficSample(models.Model):
    """One simulated second of the request stream to a Service (see orchestrator/traffic/).

    Not a Kubernetes object: it is what the traffic chart draws. `t` is the simulated
    second (since the epoch) the sample ends at; `reasons` counts the failed requests by
    cause; `pods` holds, per serving pod ("namespace/name"), its ok and failed counts and
    failure causes. Only the last minutes are kept (pruned as new samples come).
    """

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE)
    service = models.CharField(max_length=317)  # namespace/name
    t = models.BigIntegerField()
    ok = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    reasons = models.JSONField(default=dict)
    pods = models.JSONField(default=dict)

    class Meta:
        ordering = ["t"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "t"], name="traffic_sample_unique_second")
        ]

    def __str__(self) -> str:
        return f"{self.service}@{self.t}: {self.ok} ok, {self.failed} failed"
