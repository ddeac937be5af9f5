from django.urls import path

from orchestrator import views as page_views

from . import control, history, presenter, scenarios, timeline, traffic, views

urlpatterns = [
    path("clusters/", control.cluster_collection, name="clusters"),
    path("clusters/import", history.import_view, name="cluster-import"),
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
    path("clusters/<str:cluster>/playground/traffic", traffic.traffic, name="traffic"),
    path("clusters/<str:cluster>/playground/traffic/stats", traffic.traffic_stats_view, name="traffic-stats"),
    path("clusters/<str:cluster>/playground/incidents", timeline.incidents, name="incidents"),
    path("clusters/<str:cluster>/playground/incidents/<str:revision>", timeline.incident, name="incident"),
    path("clusters/<str:cluster>/playground/history", history.history_range, name="history"),
    path("clusters/<str:cluster>/playground/history/<str:revision>", history.history_at, name="history-at"),
    path("clusters/<str:cluster>/playground/history/<str:start>/<str:end>", history.history_between, name="history-between"),
    path("clusters/<str:cluster>/playground/export", history.export_view, name="export"),
    path("clusters/<str:cluster>/playground/scenarios", scenarios.scenario_list, name="scenarios"),
    path("clusters/<str:cluster>/playground/scenario", scenarios.scenario, name="scenario"),
    path("clusters/<str:cluster>/playground/scenario/action", scenarios.scenario_action, name="scenario-action"),
    path("clusters/<str:cluster>/playground/scenario/next", scenarios.scenario_next, name="scenario-next"),
    path("clusters/<str:cluster>/playground/", page_views.cluster_page, name="cluster-page"),
    path("clusters/<str:cluster>/<path:path>", views.kube_api, name="kube-api"),
]
