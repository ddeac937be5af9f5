"""Who may do what: the identities of a request and what each may do to a cluster.

Three kinds of callers, as kube-apiserver's authenticators see them:

- a **learner**: the browser's learner cookie (orchestrator/learners.py), or the same token sent
  as `Authorization: Bearer TOKEN` (it is the token in the learner's kubeconfig). A learner may
  read every cluster, create clusters (they become theirs) and change only their own clusters.
- a **teacher**: a Django staff user (`python manage.py teacher NAME`), logged in to the pages
  (a session) or sending its teacher token (`teacher.<id>.<mac>`; changing the password or taking
  staff away revokes it). A teacher may do everything, to every cluster.
- **anonymous** (`system:anonymous`): no credentials. Allowed to do everything, but only from
  this machine (the client's address is loopback), only while the server listens on loopback
  (`configure(anonymous=False)` at start-up otherwise) and unless PLAYGROUND_ANONYMOUS=false.
  Elsewhere an API request without credentials is answered 401 Unauthorized.

A token that is neither a learner's nor a valid teacher's is answered 401 everywhere, as
kube-apiserver answers a bad token even where anonymous requests are allowed. Refusals are
Kubernetes Status objects with kube-apiserver's wording (`pods "web" is forbidden: User "..."
cannot delete resource "pods" in API group "" in the namespace "default"`).

`refusal(request)` is the whole decision; `quick_refusal(request)` decides without the database
when it can (the common cases), so the async path costs nothing extra. Pages (HTML) are open to
anyone; what they show is read from the same APIs.
"""
from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from orchestrator.store.errors import Forbidden, StoreError

from .routing import route

ANONYMOUS_ENV = "PLAYGROUND_ANONYMOUS"
TEACHER_SALT = "orchestrator.api.auth.teacher-token"
READ_VERBS = frozenset({"get", "list", "watch"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LEARNER = re.compile(r"[A-Za-z0-9_-]{32,64}")
_TEACHER = re.compile(r"teacher\.([0-9]{1,18})\.([0-9a-f]{40})")
_CLUSTER_PATH = re.compile(r"^/clusters/(?:(?P<cluster>[^/]+)/(?P<rest>.*))?$")


class Unauthorized(StoreError):
    code = 401
    reason = "Unauthorized"


# ------------------------------------------------------------------ who is asking
@dataclass(frozen=True)
class Identity:
    kind: str  # "anonymous" | "learner" | "teacher"
    name: str  # the user name refusals speak of
    token: str = ""  # the learner's token, or the teacher's bearer token

    @property
    def is_teacher(self) -> bool:
        return self.kind == "teacher"


ANONYMOUS = Identity("anonymous", "system:anonymous")


def learner_identity(token: str) -> Identity:
    return Identity("learner", learner_name(token), token)


def learner_name(token: str) -> str:
    """The user name of a learner: never the token itself (refusals are shown to others)."""
    return "learner-" + hashlib.sha256(token.encode()).hexdigest()[:8]


def is_learner_token(token: str) -> bool:
    return bool(_LEARNER.fullmatch(token or ""))


def _teacher_mac(user) -> str:
    value = f"{user.pk}|{user.password}|{user.is_staff}|{user.is_active}"
    return salted_hmac(TEACHER_SALT, value, algorithm="sha256").hexdigest()[:40]


def teacher_token(user) -> str:
    """The bearer token of a teacher (a staff user): valid until the password or staff changes."""
    return f"teacher.{user.pk}.{_teacher_mac(user)}"


def teacher_from_token(token: str) -> Identity | None:
    """The teacher whose token this is, else None (reads the user table)."""
    match = _TEACHER.fullmatch(token)
    if not match:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=int(match.group(1))).first()
    if user is None or not (user.is_active and user.is_staff) or not constant_time_compare(_teacher_mac(user), match.group(2)):
        return None
    return Identity("teacher", user.get_username(), token)


def bearer_token(request) -> str | None:
    """The request's bearer token; None without an Authorization header. Any other scheme, or
    an empty token, is a bad credential (401)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Unauthorized")
    return token.strip()


def _cookie_learner(request) -> str:
    from orchestrator.learners import COOKIE

    token = request.COOKIES.get(COOKIE, "")
    return token if is_learner_token(token) else ""


def _session_teacher(request) -> Identity | None:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff:
        return Identity("teacher", user.get_username())
    return None


def identify(request) -> Identity:
    """Who sent `request` (may read the database): a bearer token first, then a teacher's
    session, then the learner cookie, else anonymous. A bad bearer token raises Unauthorized."""
    token = bearer_token(request)
    if token is not None:
        if is_learner_token(token):
            return learner_identity(token)
        teacher = teacher_from_token(token)
        if teacher is None:
            raise Unauthorized("Unauthorized")
        return teacher
    teacher = _session_teacher(request)
    if teacher is not None:
        return teacher
    cookie = _cookie_learner(request)
    return learner_identity(cookie) if cookie else ANONYMOUS


# ------------------------------------------------------------------ where anonymous may act
_server_anonymous = True  # False once the server listens beyond loopback


def configure(*, listens_on_loopback_only: bool) -> None:
    """Called by `manage.py playground` before serving: listening beyond loopback turns
    anonymous access off for the whole process."""
    global _server_anonymous
    _server_anonymous = bool(listens_on_loopback_only)


def anonymous_setting() -> bool:
    """PLAYGROUND_ANONYMOUS (default true): whether anonymous access is allowed on loopback."""
    value = os.environ.get(ANONYMOUS_ENV, "true").strip().lower()
    return value not in {"0", "false", "no", "off"}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def anonymous_allowed(request) -> bool:
    """Anonymous requests may do everything only from this machine, on a loopback-only server."""
    return _server_anonymous and anonymous_setting() and is_loopback(request.META.get("REMOTE_ADDR"))


def anonymous_mode() -> str:
    """How anonymous requests are treated, in words (for the start-up message and the docs)."""
    if _server_anonymous and anonymous_setting():
        return "anonymous access allowed (loopback: only this machine can connect)"
    return "anonymous access off: every request needs a learner's or a teacher's token"


# ------------------------------------------------------------------ what is asked
@dataclass(frozen=True)
class Action:
    """One request as the authorizer sees it."""

    api: str  # "kube" (the Kubernetes API of a cluster) or "control" (the playground's)
    verb: str  # kube: get, list, watch, create, update, patch, delete, deletecollection (lower-case
    # method on a non-resource path); control: read, create (a cluster), change, remove
    cluster: str = ""
    resource: str = ""  # plural, e.g. "pods"; "" on a non-resource path
    subresource: str = ""
    group: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""  # a non-resource path, from the cluster's root: "/apis"

    @property
    def reads(self) -> bool:
        return self.verb in READ_VERBS or self.verb in ("read", "head", "options")


def action_for(method: str, path: str, params) -> Action | None:
    """The Action of a request to `path`, or None when it is not guarded (pages, static, admin)."""
    safe = method in SAFE_METHODS
    if path == "/clusters/import":  # a new cluster from an export
        return Action("control", "read" if safe else "create")
    match = _CLUSTER_PATH.match(path)
    if not match:
        return None
    cluster, rest = match.group("cluster"), match.group("rest")
    if cluster is None:  # /clusters/: list, or create one
        return Action("control", "read" if safe else "create")
    if rest == "":  # /clusters/C/: the API's root paths, or remove the cluster
        return Action("control", "read" if safe else "remove", cluster)
    if rest == "playground/":  # the cluster's page: open to anyone
        return None
    if rest.startswith("playground/"):
        return Action("control", "read" if safe else "change", cluster)
    return _kube_action(method, cluster, rest, params)


def _kube_action(method: str, cluster: str, rest: str, params) -> Action:
    r = route(rest)
    if r is None or r.target not in ("object", "collection"):
        return Action("kube", method.lower(), cluster, path="/" + rest.strip("/"))
    watching = str(params.get("watch", "")).lower() in ("1", "true")
    if r.target == "collection":
        verb = {"GET": "watch" if watching else "list", "HEAD": "list", "POST": "create",
                "DELETE": "deletecollection", "PUT": "update", "PATCH": "patch"}.get(method, method.lower())
    elif r.subresource in ("eviction", "binding") and method == "POST":
        verb = "create"
    else:
        verb = {"GET": "watch" if watching else "get", "HEAD": "get", "PUT": "update", "PATCH": "patch",
                "DELETE": "delete", "POST": "create"}.get(method, method.lower())
    resource = r.resource
    namespace = r.namespace or (r.name if resource.plural == "namespaces" else "")
    return Action("kube", verb, cluster, resource.plural, r.subresource, resource.group, namespace, r.name)


# ------------------------------------------------------------------ the decision
def forbidden_message(user: str, action: Action) -> str:
    """kube-apiserver's words for a refused request (responsewriters.forbiddenMessage)."""
    if not action.resource:
        return f'forbidden: User "{user}" cannot {action.verb} path "{action.path}"'
    resource = f"{action.resource}/{action.subresource}" if action.subresource else action.resource
    qualified = f"{action.resource}.{action.group}" if action.group else action.resource
    subject = f'{qualified} "{action.name}"' if action.name else qualified
    scope = f'in the namespace "{action.namespace}"' if action.namespace else "at the cluster scope"
    return f'{subject} is forbidden: User "{user}" cannot {action.verb} resource "{resource}" in API group "{action.group}" {scope}'


def _forbidden(identity: Identity, action: Action, owner: str) -> Forbidden:
    if action.api == "kube":
        return Forbidden(forbidden_message(identity.name, action), kind=action.resource, name=action.name, group=action.group)
    whose = "belongs to another learner" if owner else "belongs to no learner"
    what = "remove" if action.verb == "remove" else "change"
    return Forbidden(
        f'clusters "{action.cluster}" is forbidden: User "{identity.name}" cannot {what} cluster "{action.cluster}": '
        f"it {whose}; only {'its learner or ' if owner else ''}a teacher may {what} it, anyone may watch it",
        kind="clusters", name=action.cluster)


def _unauthenticated(action: Action) -> Unauthorized:
    if action.api == "kube":
        return Unauthorized("Unauthorized")
    return Unauthorized("Unauthorized: send your token (Authorization: Bearer TOKEN, the token of your kubeconfig), "
                        "or open the playground's page in a browser first")


def _owner(cluster: str) -> str | None:
    """The owner of `cluster` ("" for none), or None when there is no such cluster."""
    from orchestrator.models import Cluster

    row = Cluster.objects.filter(name=cluster).values_list("owner", flat=True).first()
    return row


def decide(identity: Identity, action: Action, *, anonymous_ok: bool, owner: str | None = None) -> StoreError | None:
    """None when `identity` may do `action`, else the refusal. `owner` is the cluster's owner for
    changes ("" none, None: no such cluster, left to the view's 404)."""
    if anonymous_ok or identity.is_teacher:
        return None
    if identity.kind == "anonymous":
        return _unauthenticated(action)
    if action.reads or action.verb == "create" and action.api == "control":
        return None
    if owner is None or (owner and owner == identity.token):
        return None
    return _forbidden(identity, action, owner)


NEEDS_DATABASE = object()


def quick_refusal(request):
    """`refusal(request)` when it can be decided without the database, else NEEDS_DATABASE."""
    if "HTTP_AUTHORIZATION" not in request.META and anonymous_allowed(request):
        return None  # the loopback default: anyone may do anything, nothing to look at
    action = action_for(request.method, request.path, request.GET)
    if action is None:
        return None
    try:
        token = bearer_token(request)
    except Unauthorized as error:
        return error
    if token is not None and not is_learner_token(token):
        return NEEDS_DATABASE  # a teacher's token: checked against the user table
    if anonymous_allowed(request):
        return None
    if token is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
        return NEEDS_DATABASE  # perhaps a teacher's session
    learner = token or _cookie_learner(request)
    identity = learner_identity(learner) if learner else ANONYMOUS
    if identity.kind == "anonymous" or action.reads or action.api == "control" and action.verb == "create":
        return decide(identity, action, anonymous_ok=False)
    return NEEDS_DATABASE  # a learner's change: whose cluster is it?


def refusal(request) -> StoreError | None:
    """None when the request may go on, else the Unauthorized or Forbidden to answer with."""
    if "HTTP_AUTHORIZATION" not in request.META and anonymous_allowed(request):
        return None
    action = action_for(request.method, request.path, request.GET)
    if action is None:
        return None
    try:
        identity = identify(request)
    except Unauthorized as error:
        return error
    anonymous_ok = anonymous_allowed(request)
    owner = None
    if not (anonymous_ok or identity.is_teacher or action.reads) and identity.kind == "learner" and action.cluster:
        owner = _owner(action.cluster)
    return decide(identity, action, anonymous_ok=anonymous_ok, owner=owner)


def is_teacher(request) -> bool:
    """Whether the request comes from a teacher (a staff session or a teacher's token)."""
    try:
        return identify(request).is_teacher
    except Unauthorized:
        return False


def credentials(request) -> str:
    """The bearer token a kubeconfig made for this request should carry: the caller's own
    (a learner's token or cookie, a teacher's token or session), "" for anonymous."""
    try:
        identity = identify(request)
    except Unauthorized:
        return ""
    if identity.is_teacher and not identity.token:
        return teacher_token(request.user)
    return identity.token
