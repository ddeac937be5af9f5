from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orchestrator import selectors
from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import StoreError


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "orchestrator/index.html", {"clusters": selectors.overview()})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def cluster_page(request: HttpRequest, cluster: str) -> HttpResponse:
    """The live, visual view of one cluster."""
    try:
        c = cluster_get(cluster)
    except StoreError as error:
        return render(request, "orchestrator/missing.html", {"message": error.message}, status=error.code)
    return render(request, "orchestrator/cluster.html", {"cluster": c, "ws_path": f"/ws/clusters/{c.name}/"})
