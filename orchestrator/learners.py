"""Learners: a browser's random token, kept in a cookie, says which clusters are its own.

Learners have no accounts. The landing page gives each browser a token on its first visit; a
cluster created from that browser records it as `Cluster.owner`, and only a request carrying the
same token (the cookie, or the bearer token of the learner's kubeconfig) may change or remove it
(orchestrator/api/auth.py says who may do what). The token is HttpOnly (page scripts
never see it) and SameSite=Lax (other sites cannot remove a cluster on the learner's behalf).
"""
from __future__ import annotations

import re
import secrets

from django.http import HttpRequest, HttpResponse

COOKIE = "playground_learner"
MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def learner_token(request: HttpRequest) -> str:
    """Return the request's learner token, or "" when it has none (or a malformed one): a learner's
    bearer token (`Authorization: Bearer TOKEN`, the token of their kubeconfig) first, else the cookie's."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and _TOKEN.fullmatch(value.strip()):
        return value.strip()
    token = request.COOKIES.get(COOKIE, "")
    return token if _TOKEN.fullmatch(token) else ""


def new_learner_token() -> str:
    return secrets.token_urlsafe(32)


def remember_learner(response: HttpResponse, token: str) -> HttpResponse:
    """Keep `token` in the browser for the next visits and requests."""
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, httponly=True, samesite="Lax")
    return response


def landing(*, learner: str, base_url: str, clusters: list[dict], yours: set[str]) -> dict:
    """What the landing page offers a learner: the demo cluster, the lessons (one click each, in
    the learner's own cluster when they have one, else in the demo), and the two kubectl lines
    for that cluster at the address the page was served from."""
    from orchestrator.scenarios.loader import load_all

    names = [c["name"] for c in clusters]
    demo = "demo" if "demo" in names else (names[0] if names else None)
    own = sorted(n for n in names if n in yours)
    target = own[0] if own else demo
    base = base_url.rstrip("/")
    curl = f"curl -o kubeconfig {base}/clusters/{target}/playground/kubeconfig"
    if base.startswith("https:"):
        # Served to a class: the download speaks for this learner with their token; -k because the
        # playground's own authority is not yet known to curl (the kubeconfig carries it from then on).
        curl = f"curl -k -H 'Authorization: Bearer {learner}' -o kubeconfig {base}/clusters/{target}/playground/kubeconfig"
    return {
        "demo": demo,
        "lesson_cluster": target,
        "lessons": [s.summary_dict() for s in load_all().scenarios],
        "kubectl": None if target is None else {
            "cluster": target,
            "curl": curl,
            "get": "KUBECONFIG=$PWD/kubeconfig kubectl get nodes",
            "manage": f"python manage.py kubeconfig {target} --server {base} > kubeconfig",
        },
    }
