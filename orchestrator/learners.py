"""Learners: a browser's random token, kept in a cookie, says which clusters are its own.

There are no accounts in the playground. The landing page gives each browser a token on its
first visit; a cluster created from that browser records it as `Cluster.owner`, and only a
request carrying the same token may remove the cluster. The token is HttpOnly (page scripts
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
    """Return the request's learner token, or "" when it has none (or a malformed one)."""
    token = request.COOKIES.get(COOKIE, "")
    return token if _TOKEN.fullmatch(token) else ""


def new_learner_token() -> str:
    return secrets.token_urlsafe(32)


def remember_learner(response: HttpResponse, token: str) -> HttpResponse:
    """Keep `token` in the browser for the next visits and requests."""
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, httponly=True, samesite="Lax")
    return response
