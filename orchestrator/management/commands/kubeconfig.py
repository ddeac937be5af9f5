"""Print a kubeconfig for one cluster of the playground."""
from __future__ import annotations

from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError

from orchestrator.api.kubeconfig import DEFAULT_SERVER, SERVER_ENV, kubeconfig, server_url
from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import StoreError


class Command(BaseCommand):
    help = (
        "Print a kubeconfig for CLUSTER: save it and run `KUBECONFIG=file kubectl get nodes`. "
        f"The server address is --server, else ${SERVER_ENV}, else {DEFAULT_SERVER} "
        "(the default of `manage.py playground`; pass --server when it runs elsewhere)."
    )

    def add_arguments(self, parser):
        parser.add_argument("cluster")
        parser.add_argument("--server", default=None, metavar="URL",
                            help=f"the playground's base URL, e.g. http://127.0.0.1:8080 (default: ${SERVER_ENV} or {DEFAULT_SERVER})")

    def handle(self, *args, cluster: str, server: str | None, **options):
        url, guessed = server_url(server)
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise CommandError(f'--server must be a URL such as http://127.0.0.1:8080, not "{url}"')
        try:
            cluster_get(cluster)
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        if guessed:
            self.stderr.write(f"kubeconfig: assuming the playground at {url}; if it runs elsewhere pass "
                              f"--server http://HOST:PORT (the address `manage.py playground` printed) or set ${SERVER_ENV}.")
        self.stdout.write(kubeconfig(cluster, url), ending="")
