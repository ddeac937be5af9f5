"""Print a kubeconfig for one cluster of the playground."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from orchestrator.api.kubeconfig import kubeconfig
from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import StoreError


class Command(BaseCommand):
    help = "Print a kubeconfig for CLUSTER: save it and run `KUBECONFIG=file kubectl get nodes`."

    def add_arguments(self, parser):
        parser.add_argument("cluster")
        parser.add_argument("--server", default="http://127.0.0.1:8000", help="the playground's base URL (default http://127.0.0.1:8000)")

    def handle(self, *args, cluster: str, server: str, **options):
        try:
            cluster_get(cluster)
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(kubeconfig(cluster, server), ending="")
