"""Run the node agents (kubelet, kube-proxy) of every powered machine without the web server."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from orchestrator import launcher

from ._components import run_until_interrupted


class Command(BaseCommand):
    help = (
        "Run the kubelet and kube-proxy of every powered machine of every cluster (or those named). "
        "Several copies may run: one at a time serves a cluster, by leader Lease."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", action="append", help="serve only this cluster (repeatable)")

    def handle(self, *args, cluster=None, **options):
        run_until_interrupted(launcher.node_runners(cluster), self.stdout)
