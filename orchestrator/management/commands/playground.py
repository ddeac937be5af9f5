"""Start the whole playground in one process: web server, control plane and node agents."""
from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orchestrator import launcher
from orchestrator.api import auth
from orchestrator.api import tls as tls_module
from orchestrator.controlplane.clusters import ensure_demo_cluster


WEBSOCKET_MAX = 64 * 1024 * 1024
TLS_ENV = "PLAYGROUND_TLS"


def serve_tls(host: str, choice: str | None) -> bool:
    """Whether to serve HTTPS: --tls/--no-tls, else $PLAYGROUND_TLS (auto, on, off), where auto is
    HTTPS unless the server listens on loopback only. Plain HTTP beyond loopback is refused."""
    value = (choice or os.environ.get(TLS_ENV) or "auto").strip().lower()
    if value not in ("auto", "on", "off", "true", "false", "1", "0", "yes", "no"):
        raise CommandError(f"{TLS_ENV} must be auto, on or off, not {value!r}")
    loopback = auth.is_loopback(host)
    tls_on = not loopback if value == "auto" else value in ("on", "true", "1", "yes")
    if not tls_on and not loopback:
        raise CommandError(f"plain HTTP is served only on loopback (127.0.0.1, ::1, localhost), not on {host}: "
                           "anyone on the network could read the tokens. Drop --no-tls (HTTPS with the playground's "
                           f"own certificate authority) or listen on 127.0.0.1.")
    return tls_on


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
        parser.add_argument("--tls", dest="tls", action="store_const", const="on", default=None,
                            help=f"serve HTTPS even on loopback (default: ${TLS_ENV}, else HTTPS unless on loopback)")
        parser.add_argument("--no-tls", dest="tls", action="store_const", const="off",
                            help="serve plain HTTP (only on loopback)")

    def handle(self, *args, host: str, port: int, no_components: bool, tls: str | None = None, **options):
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from playground.asgi import application

        https = serve_tls(host, tls)
        loopback = auth.is_loopback(host)
        auth.configure(listens_on_loopback_only=loopback)
        if https:
            files = tls_module.ensure_server_certificate(host)
            endpoints = [tls_module.endpoint(host, port, files)]
        else:
            endpoints = build_endpoint_description_strings(host=host, port=port)
        call_command("migrate", interactive=False, verbosity=0)
        cluster = ensure_demo_cluster()
        # On SQLite this process is the only one that runs components: no leader election.
        # On a shared database other control planes may run beside it, so it elects.
        elect = connection.vendor != "sqlite"
        runners = [] if no_components else launcher.control_plane_runners(elect=elect) + launcher.node_runners(elect=elect)
        launcher.start(runners)
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Kubernetes Playground: {'https' if https else 'http'}://{shown}:{port}/  (cluster '{cluster.name}')")
        if host in ("0.0.0.0", "::", ""):
            others = [a for a in tls_module.subject_names() if a not in ("localhost", "127.0.0.1", "::1")
                      and not (host == "0.0.0.0" and ":" in a)]  # 0.0.0.0 listens on IPv4 only
            shown_others = ", ".join(f"{'https' if https else 'http'}://{f'[{a}]' if ':' in a else a}:{port}/" for a in others)
            if shown_others:
                self.stdout.write(f"Learners connect to {shown_others}")
        if https:
            self.stdout.write(f"HTTPS with the playground's own certificate authority ({files.ca}); kubeconfigs carry it "
                              "and a token.")
        else:
            self.stdout.write("Plain HTTP on loopback: only this machine can connect. Serve a class with --host 0.0.0.0 "
                              "(HTTPS and tokens).")
        mode = auth.anonymous_mode()
        self.stdout.write(mode[0].upper() + mode[1:] + ".")
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            Server(
                application=application,
                endpoints=endpoints,
                signal_handlers=True,
                verbosity=0,
                # A big cluster's snapshot for the live view is several MB; Daphne's default is 1 MiB.
                websocket_max_message_size=WEBSOCKET_MAX,
                websocket_max_frame_size=WEBSOCKET_MAX,
            ).run()
        finally:
            self.stdout.write("stopping components...")
            launcher.stop(runners)
