"""The middleware that applies orchestrator/api/auth.py to every request (thin: the rules are there).

Async on the server (no thread hop unless the database must be asked: a teacher's token or
session, or whose cluster a learner wants to change), sync under the test client. A refusal is
answered with its Status object; a page visited without a learner cookie gets one, so that its
own requests to the APIs speak for a learner.
"""
from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpResponse, JsonResponse

from orchestrator import learners

from . import auth

PAGES = ("/", "/teacher/")


def _refused(error) -> HttpResponse:
    body = error.status()
    return JsonResponse(body, status=body["code"])


def _with_learner_cookie(request, response: HttpResponse) -> HttpResponse:
    """A page seen by a browser without a learner token gives it one (the landing page does so itself)."""
    if (request.method == "GET" and learners.COOKIE not in response.cookies and not learners.learner_token(request)
            and (request.path in PAGES or request.path.endswith("/playground/")) and response.status_code == 200):
        learners.remember_learner(response, learners.new_learner_token())
    return response


class AccessMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        error = auth.refusal(request)
        if error is not None:
            return _refused(error)
        return _with_learner_cookie(request, self.get_response(request))

    async def __acall__(self, request):
        error = auth.quick_refusal(request)
        if error is auth.NEEDS_DATABASE:
            error = await sync_to_async(auth.refusal, thread_sensitive=False)(request)
        if error is not None:
            return _refused(error)
        return _with_learner_cookie(request, await self.get_response(request))
