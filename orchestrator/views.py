from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orchestrator.controlplane.clusters import cluster_get
from orchestrator.controlplane.profiles import PROFILES
from orchestrator.learners import landing, learner_token, new_learner_token, remember_learner
from orchestrator.live.overview import clusters_overview
from orchestrator.models import Cluster
from orchestrator.store.errors import StoreError


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The landing page: what the playground is, the demo cluster, the lessons, the kubectl lines, every
    cluster with its links, a form to create one's own, removal of one's own.

    A browser without a learner token gets one here, so the cluster it creates next is its own.
    """
    token = learner_token(request)
    learner = token or new_learner_token()
    yours = set(Cluster.objects.filter(owner=learner).values_list("name", flat=True))
    clusters = [{**summary, "yours": summary["name"] in yours} for summary in clusters_overview()]
    response = render(request, "orchestrator/index.html", {
        "clusters": clusters, "profiles": sorted(PROFILES), "default_profile": settings.PLAYGROUND_DEFAULT_PROFILE,
        **landing(learner=learner, base_url=request.build_absolute_uri("/"), clusters=clusters, yours=yours),
    })
    return response if token else remember_learner(response, learner)


@require_GET
def teacher(request: HttpRequest) -> HttpResponse:
    """The teacher's overview: every cluster as a live thumbnail (kept current by static/js/overview.js)."""
    return render(request, "orchestrator/teacher.html", {"clusters": clusters_overview()})


@require_GET
def teacher_overview(request: HttpRequest) -> HttpResponse:
    """GET /teacher/overview.json: {"clusters": [summary, ...]} as orchestrator/live/overview.py builds them."""
    response = JsonResponse({"clusters": clusters_overview()})
    response["Cache-Control"] = "no-store"
    return response


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
