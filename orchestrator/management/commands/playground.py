"""Start the whole playground in one process: web server, control plane and node agents."""
from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from orchestrator import launcher
from orchestrator.controlplane.clusters import ensure_demo_cluster


WEBSOCKET_MAX = 64 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Migrate the database, create the `demo` cluster when there is none, and serve the web UI, "
        "the Kubernetes API, the control plane (kube-scheduler, kube-controller-manager) and the node "
        "agents (kubelet, kube-proxy) in this one process. Ctrl-C stops it; starting it again resumes "
        "the same clusters."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument("--no-components", action="store_true", help="serve the web only (components run elsewhere)")

    def handle(self, *args, host: str, port: int, no_components: bool, **options):
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from playground.asgi import application

        call_command("migrate", interactive=False, verbosity=0)
        cluster = ensure_demo_cluster()
        # On SQLite this process is the only one that runs components: no leader election.
        # On a shared database other control planes may run beside it, so it elects.
        elect = connection.vendor != "sqlite"
        runners = [] if no_components else launcher.control_plane_runners(elect=elect) + launcher.node_runners(elect=elect)
        launcher.start(runners)
        self.stdout.write(f"Kubernetes Playground: http://{host}:{port}/  (cluster '{cluster.name}')")
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            Server(
                application=application,
                endpoints=build_endpoint_description_strings(host=host, port=port),
                signal_handlers=True,
                verbosity=0,
                # A big cluster's snapshot for the live view is several MB; Daphne's default is 1 MiB.
                websocket_max_message_size=WEBSOCKET_MAX,
                websocket_max_frame_size=WEBSOCKET_MAX,
            ).run()
        finally:
            self.stdout.write("stopping components...")
            launcher.stop(runners)
