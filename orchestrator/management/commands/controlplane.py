"""Run the control plane (kube-scheduler, kube-controller-manager, etcd compaction) without the web server."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from orchestrator import launcher

from ._components import run_until_interrupted


class Command(BaseCommand):
    help = (
        "Run kube-scheduler, kube-controller-manager and etcd's compactor for every cluster (or those "
        "named). Several copies may run: each component acts only while it holds its leader Lease."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", action="append", help="serve only this cluster (repeatable)")

    def handle(self, *args, cluster=None, **options):
        run_until_interrupted(launcher.control_plane_runners(cluster), self.stdout)
