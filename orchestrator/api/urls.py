from django.urls import path

from orchestrator import views as page_views

from . import control, presenter, views

urlpatterns = [
    path("clusters/", control.cluster_collection, name="clusters"),
    path("clusters/<str:cluster>/", control.cluster_detail, name="cluster"),
    path("clusters/<str:cluster>/playground/state", control.cluster_state, name="cluster-state"),
    path("clusters/<str:cluster>/playground/nodes", control.nodes, name="nodes"),
    path("clusters/<str:cluster>/playground/nodes/<str:node>/power", control.node_power, name="node-power"),
    path("clusters/<str:cluster>/playground/components", control.components, name="components"),
    path("clusters/<str:cluster>/playground/components/<str:component>/power", control.component_power, name="component-power"),
    path("clusters/<str:cluster>/playground/clock", control.clock_view, name="clock"),
    path("clusters/<str:cluster>/playground/kubeconfig", control.kubeconfig_view, name="kubeconfig"),
    path("clusters/<str:cluster>/playground/nodes/<str:node>/drain", control.node_drain, name="node-drain"),
    path("clusters/<str:cluster>/playground/apply", control.apply, name="apply"),
    path("clusters/<str:cluster>/playground/objects/<str:kind>/<str:namespace>/<str:name>", control.object_details, name="object-details"),
    path("clusters/<str:cluster>/playground/reset", control.reset, name="reset"),
    path("clusters/<str:cluster>/playground/stepping", presenter.stepping_view, name="stepping"),
    path("clusters/<str:cluster>/playground/stepping/step", presenter.step_view, name="stepping-step"),
    path("clusters/<str:cluster>/playground/", page_views.cluster_page, name="cluster-page"),
    path("clusters/<str:cluster>/<path:path>", views.kube_api, name="kube-api"),
]
