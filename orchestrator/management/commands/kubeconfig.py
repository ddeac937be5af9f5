"""Print a kubeconfig for one cluster of the playground."""
from __future__ import annotations

import secrets
from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orchestrator.api import tls
from orchestrator.api.auth import is_learner_token, teacher_from_token, teacher_token
from orchestrator.api.kubeconfig import DEFAULT_SERVER, SERVER_ENV, kubeconfig, server_url
from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import StoreError


class Command(BaseCommand):
    help = (
        "Print a kubeconfig for CLUSTER: save it and run `KUBECONFIG=file kubectl get nodes`. "
        f"The server address is --server, else ${SERVER_ENV}, else {DEFAULT_SERVER} "
        "(the default of `manage.py playground`; pass --server when it runs elsewhere). "
        "Its token is --token, else the teacher's with --teacher NAME, else the token of the learner "
        "whose cluster it is; an https server's kubeconfig carries the playground's certificate authority."
    )

    def add_arguments(self, parser):
        parser.add_argument("cluster")
        parser.add_argument("--server", default=None, metavar="URL",
                            help=f"the playground's base URL, e.g. http://127.0.0.1:8080 (default: ${SERVER_ENV} or {DEFAULT_SERVER})")
        parser.add_argument("--teacher", default=None, metavar="NAME", help="carry the token of teacher NAME (`manage.py teacher`)")
        parser.add_argument("--token", default=None, help="carry this bearer token (a learner's or a teacher's)")

    def handle(self, *args, cluster: str, server: str | None, teacher: str | None, token: str | None, **options):
        url, guessed = server_url(server)
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise CommandError(f'--server must be a URL such as http://127.0.0.1:8080, not "{url}"')
        try:
            found = cluster_get(cluster)
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        if guessed:
            self.stderr.write(f"kubeconfig: assuming the playground at {url}; if it runs elsewhere pass "
                              f"--server http://HOST:PORT (the address `manage.py playground` printed) or set ${SERVER_ENV}.")
        ca = None
        if parsed.scheme == "https":
            ca = tls.ca_pem()
            if ca is None:
                raise CommandError(f"there is no certificate authority yet in {tls.tls_dir()}: start the playground "
                                   "with HTTPS once (`manage.py playground --tls`, or on a non-loopback --host)")
        self.stdout.write(kubeconfig(cluster, url, token=self._token(found, token, teacher, https=ca is not None), ca_pem=ca), ending="")

    def _token(self, cluster, token: str | None, teacher: str | None, https: bool) -> str:
        if token is not None:
            if not (is_learner_token(token) or teacher_from_token(token)):
                raise CommandError("--token must be a learner's token (32 to 64 letters, digits, - and _) or a teacher's valid token")
            return token
        if teacher is not None:
            users = get_user_model()
            user = users.objects.filter(**{users.USERNAME_FIELD: teacher}).first()
            if user is None or not (user.is_staff and user.is_active):
                raise CommandError(f'"{teacher}" is not a teacher: make one with `python manage.py teacher {teacher}`')
            return teacher_token(user)
        if cluster.owner:
            return cluster.owner
        if https:
            self.stderr.write(f'kubeconfig: cluster "{cluster.name}" belongs to no learner: this kubeconfig carries a new '
                              "learner's token, which reads every cluster and changes none of them; pass --teacher NAME "
                              "to change it.")
            return secrets.token_urlsafe(32)
        return ""
