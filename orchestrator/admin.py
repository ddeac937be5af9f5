from django.contrib import admin

from orchestrator import models


class KubeObjectAdmin(admin.ModelAdmin):
    list_display = ("name", "namespace", "cluster", "resource_version", "creation_timestamp", "deletion_timestamp")
    list_filter = ("cluster", "namespace")
    search_fields = ("name", "namespace", "uid")
    readonly_fields = ("uid", "resource_version", "generation", "creation_timestamp")


for model in (models.Namespace, models.Deployment, models.ReplicaSet, models.Service, models.Endpoints, models.ConfigMap, models.Lease):
    admin.site.register(model, KubeObjectAdmin)


@admin.register(models.Pod)
class PodAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "node_name", "phase", "resource_version", "deletion_timestamp")
    list_filter = ("cluster", "namespace", "phase")


@admin.register(models.Node)
class NodeAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "ready", "unschedulable", "resource_version")
    list_filter = ("cluster", "ready")


@admin.register(models.Event)
class EventAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "reason", "involved_kind", "involved_name")
    list_filter = ("cluster", "reason")


@admin.register(models.Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "profile", "revision", "compacted_revision", "clock_speed", "clock_paused")


@admin.register(models.Machine)
class MachineAdmin(admin.ModelAdmin):
    list_display = ("name", "cluster", "role", "runtime", "powered", "cpu_m", "memory")
    list_filter = ("cluster", "powered", "runtime")


@admin.register(models.Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("revision", "cluster", "event_type", "kind", "namespace", "name")
    list_filter = ("cluster", "kind", "event_type")
