from django.db import models

COMPONENTS = ("etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager")


def _all_running() -> dict:
    return {name: True for name in COMPONENTS}


class Cluster(models.Model):
    """One simulated Kubernetes cluster: its revision counter, clock and component switches."""

    name = models.CharField(max_length=63, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    # Last revision handed out; every write in the cluster takes the next one.
    revision = models.BigIntegerField(default=0)
    # Revisions at or below this were compacted away: watching from them is 410 Gone.
    compacted_revision = models.BigIntegerField(default=0)
    profile = models.CharField(max_length=32, default="classroom")
    # Simulated clock: sim_now = sim_anchor + (wall_now - wall_anchor) * speed, frozen when paused.
    clock_speed = models.FloatField(default=1.0)
    clock_paused = models.BooleanField(default=False)
    clock_sim_anchor = models.FloatField(default=0.0)
    clock_wall_anchor = models.FloatField(default=0.0)
    components = models.JSONField(default=_all_running)
    # Presenter controls: while `stepping`, the components wait and each granted step
    # lets one component pass write (see controlplane/stepping.py); `steps_taken` counts
    # the passes that wrote since the cluster was held.
    stepping = models.BooleanField(default=False)
    step_allowance = models.IntegerField(default=0)
    steps_taken = models.IntegerField(default=0)
    # The guided scenario running in this cluster, if any (see orchestrator/scenarios/).
    scenario = models.JSONField(default=dict, blank=True)
    # The simulated request stream to a Service, if switched on (see orchestrator/traffic/).
    traffic = models.JSONField(default=dict, blank=True)
    # Who created the cluster from the landing page (a browser's learner token); empty: anyone may remove it.
    owner = models.CharField(max_length=64, blank=True, default="")
    # Counters for addresses handed out (service cluster IPs, node pod CIDRs).
    allocations = models.JSONField(default=dict)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def component_running(self, name: str) -> bool:
        return bool(self.components.get(name, True))
