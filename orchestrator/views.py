from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orchestrator import selectors


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "orchestrator/index.html", {"clusters": selectors.overview()})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
