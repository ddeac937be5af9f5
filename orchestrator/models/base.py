import uuid

from django.db import models


class KubeObject(models.Model):
    """Metadata every Kubernetes object carries, plus its body as the API returns it.

    The metadata Kubernetes filters and sorts on are columns; the rest of the object
    (spec, status, and any other top-level fields such as a ConfigMap's data) is JSON.
    """

    cluster = models.ForeignKey("orchestrator.Cluster", on_delete=models.CASCADE)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    resource_version = models.BigIntegerField(default=0)
    generation = models.BigIntegerField(default=1)
    creation_timestamp = models.DateTimeField()
    deletion_timestamp = models.DateTimeField(null=True, blank=True)
    deletion_grace_period_seconds = models.BigIntegerField(null=True, blank=True)
    labels = models.JSONField(default=dict, blank=True)
    annotations = models.JSONField(default=dict, blank=True)
    owner_references = models.JSONField(default=list, blank=True)
    finalizers = models.JSONField(default=list, blank=True)
    # uid of the controller ownerReference ("" when none): what controllers look up by.
    owner_uid = models.CharField(max_length=36, blank=True, default="", db_index=True)
    # Other metadata kept verbatim (generateName, managedFields).
    metadata_extra = models.JSONField(default=dict, blank=True)
    spec = models.JSONField(default=dict, blank=True)
    status = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "namespace", "name"], name="%(class)s_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name
