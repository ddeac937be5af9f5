"""Simulated requests through Service web, routed by each node's kube-proxy, end to end on tests/sim.py."""
from __future__ import annotations

import math
import re

from orchestrator.controlplane.clusters import component_set
from orchestrator.kubelet.kubelet import LOG_LINES
from orchestrator.models import Deployment, Machine, TrafficSample
from orchestrator.nodes.machines import machine_power
from orchestrator.scenarios.actions import ACTIONS
from orchestrator.scenarios.conditions import CONDITIONS
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import object_update
from orchestrator.traffic.config import traffic_set
from orchestrator.traffic.generator import HISTORY_SECONDS
from orchestrator.traffic.stats import traffic_stats
from tests.e2e.helpers import running_pods

from .conftest import ready_addresses, settle

WORKER_IPS = {"172.18.0.3", "172.18.0.4", "172.18.0.5"}  # worker-1..3 (control-plane is .2)
ACCESS = re.compile(r'^(?P<ip>[\d.]+) - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET / HTTP/1.1" 200 615 "-" "[^"]+"$')


def pod_log(client, name: str) -> list[str]:
    response = client.get(f"/clusters/demo/api/v1/namespaces/default/pods/{name}/log")
    assert response.status_code == 200, response.content
    return response.content.decode().splitlines()


def scale(cluster, replicas: int) -> None:
    obj = to_dict(KINDS["Deployment"], Deployment.objects.get(cluster=cluster, name="web"))
    obj["spec"]["replicas"] = replicas
    object_update(cluster=cluster, kind="Deployment", obj=obj)


def test_every_request_succeeds_and_spreads_over_every_pod(web, sim):
    traffic_set(cluster=web, service="default/web", rate=20)
    settle(sim, 6)
    stats = traffic_stats(cluster=web, seconds=5)
    assert stats["service"] == "default/web" and stats["on"] is True
    assert [s["ok"] for s in stats["series"]] == [20] * 5
    assert [s["failed"] for s in stats["series"]] == [0] * 5
    assert stats["successRate"] == 1.0
    pods = {f"default/{p.name}": p.node_name for p in running_pods(web, "web")}
    assert set(stats["pods"]) == set(pods)
    assert {key: entry["node"] for key, entry in stats["pods"].items()} == pods
    assert sum(entry["ok"] for entry in stats["pods"].values()) == 100
    assert all(entry["failed"] == 0 for entry in stats["pods"].values())


def test_a_dead_worker_fails_its_share_until_endpoints_drop_it_and_replacements_serve(web, sim):
    traffic_set(cluster=web, service="default/web", rate=30)
    settle(sim, 3)
    victim = "worker-2"
    doomed = {f"default/{p.name}" for p in running_pods(web, "web") if p.node_name == victim}
    assert len(doomed) == 2
    machine_power(machine=Machine.objects.get(cluster=web, name=victim), on=False)
    off_at = math.floor(sim.now())

    sim.run_until(lambda: not any(a["nodeName"] == victim for a in ready_addresses(web)), within=15,
                  what="endpoints drop the dead node's pods")
    dip = TrafficSample.objects.filter(cluster=web, t__gt=off_at)
    assert all(s.ok + s.failed == 30 for s in dip), "the clients on the other workers keep sending"
    failed = sum(s.failed for s in dip)
    assert failed > 0
    assert {reason for s in dip for reason in s.reasons} == {"timeout"}
    during = traffic_stats(cluster=web, seconds=int(sim.now()) - off_at)
    assert during["successRate"] < 1.0
    failing_pods = {key for key, entry in during["pods"].items() if entry["failed"]}
    assert failing_pods == doomed
    assert all(during["pods"][key]["reasons"] == {"timeout": during["pods"][key]["failed"]} for key in doomed)

    sim.run_until(lambda: len(running_pods(web, "web")) == 6 and len(ready_addresses(web)) == 6, within=40,
                  what="replacements Ready and listed")
    assert not any(a["nodeName"] == victim for a in ready_addresses(web))
    settle(sim, 3)
    after = traffic_stats(cluster=web, seconds=3)
    assert [(s["ok"], s["failed"]) for s in after["series"]] == [(30, 0)] * 3
    assert after["successRate"] == 1.0
    assert not set(after["pods"]) & doomed


def test_a_rebooted_worker_refuses_connections_until_its_containers_run_again(web, sim):
    traffic_set(cluster=web, service="default/web", rate=30)
    settle(sim, 2)
    victim = Machine.objects.get(cluster=web, name="worker-3")
    machine_power(machine=victim, on=False)
    machine_power(machine=Machine.objects.get(pk=victim.pk), on=True)
    now = sim.now()
    sim.advance(math.floor(now) + 1.01 - now)  # into the next second: one sample, taken right after the boot
    sim.step()
    sample = TrafficSample.objects.filter(cluster=web).latest("t")
    assert sample.reasons.get("refused", 0) > 0, sample.reasons
    assert sample.ok + sample.failed == 30
    sim.run_until(lambda: len(running_pods(web, "web")) == 6 and len(ready_addresses(web)) == 6, within=30, what="pods ready again")
    settle(sim, 2)
    assert traffic_stats(cluster=web, seconds=2)["successRate"] == 1.0


def test_served_requests_appear_in_the_serving_pods_logs(web, sim, client):
    traffic_set(cluster=web, service="default/web", rate=6)
    settle(sim, 5)
    stats = traffic_stats(cluster=web, seconds=HISTORY_SECONDS)
    assert sum(entry["ok"] for entry in stats["pods"].values()) == sum(s["ok"] for s in stats["series"]) > 0
    for pod in running_pods(web, "web"):
        lines = [line for line in pod_log(client, pod.name) if '"GET / ' in line]
        assert all(ACCESS.match(line) for line in lines), lines
        assert {ACCESS.match(line)["ip"] for line in lines} <= WORKER_IPS
        assert len(lines) == stats["pods"].get(f"default/{pod.name}", {}).get("ok", 0)


def test_a_busy_pod_logs_one_summary_line_a_second_and_its_log_stays_capped(web, sim, client):
    scale(web, 1)
    sim.run_until(lambda: len(running_pods(web, "web")) == 1 and len(ready_addresses(web)) == 1, within=20, what="one pod left")
    traffic_set(cluster=web, service="default/web", rate=600)
    settle(sim, 4)
    pod = running_pods(web, "web")[0]
    summaries = [line for line in pod_log(client, pod.name) if "requests" in line]
    assert len(summaries) >= 3
    assert all(re.search(r'600 requests "GET / HTTP/1\.1" 200 in 1s from 172\.18\.0\.3 \(200\), 172\.18\.0\.4 \(200\), 172\.18\.0\.5 \(200\)', line) for line in summaries), summaries

    traffic_set(cluster=web, service="default/web", rate=10)  # ten lines a second, one per request
    settle(sim, LOG_LINES // 10 + 3)
    lines = pod_log(client, pod.name)
    assert len(lines) == LOG_LINES
    assert all(ACCESS.match(line) for line in lines), "the oldest lines (startup, summaries) were dropped"


def test_requests_fail_when_the_service_has_no_ready_endpoints(web, sim):
    scale(web, 0)
    sim.run_until(lambda: not ready_addresses(web), within=20, what="no endpoints")
    traffic_set(cluster=web, service="default/web", rate=10)
    settle(sim, 3)
    stats = traffic_stats(cluster=web, seconds=2)
    assert [(s["ok"], s["failed"], s["reasons"]) for s in stats["series"]] == [(0, 10, {"no endpoints": 10})] * 2
    assert stats["pods"] == {} and stats["successRate"] == 0.0


def test_switching_off_stops_the_stream_and_keeps_the_history(web, sim):
    traffic_set(cluster=web, service="default/web", rate=5)
    settle(sim, 3)
    count = TrafficSample.objects.filter(cluster=web).count()
    assert count >= 2
    traffic_set(cluster=web, service="default/web", rate=5, on=False)
    web.refresh_from_db()
    assert web.traffic == {}
    settle(sim, 3)
    assert TrafficSample.objects.filter(cluster=web).count() == count
    stats = traffic_stats(cluster=web, seconds=60)
    assert stats["on"] is False and stats["service"] == "default/web" and len(stats["series"]) == count


def test_history_is_pruned_to_the_last_minutes(web, sim):
    traffic_set(cluster=web, service="default/web", rate=5)
    settle(sim, 3)
    first = TrafficSample.objects.filter(cluster=web).earliest("t").t
    sim.advance(HISTORY_SECONDS + 100)  # a jump: the seconds in between are sampled at once, the oldest dropped
    sim.step()
    now = math.floor(sim.now())
    samples = TrafficSample.objects.filter(cluster=web)
    assert samples.count() == HISTORY_SECONDS
    assert samples.earliest("t").t == now - HISTORY_SECONDS + 1 > first
    assert samples.latest("t").t == now


def test_running_pods_keep_serving_while_the_api_server_is_down_on_the_rules_kube_proxy_had(web, sim):
    """The data plane does not need the control plane: kube-proxy's rules stay on each node and the
    containers keep running, so requests are served; what the stale rules still list fails."""
    traffic_set(cluster=web, service="default/web", rate=30)
    settle(sim, 2)
    component_set(cluster=web, component="kube-apiserver", running=False)
    down_at = math.floor(sim.now())
    settle(sim, 3)
    down = traffic_stats(cluster=web, seconds=3)
    assert [(s["t"] > down_at, s["ok"], s["failed"]) for s in down["series"]] == [(True, 30, 0)] * 3

    # A worker dies while nobody can update Endpoints: the other nodes' rules still send it requests.
    machine_power(machine=Machine.objects.get(cluster=web, name="worker-2"), on=False)
    dead_at = math.floor(sim.now())
    settle(sim, 30)
    assert any(a["nodeName"] == "worker-2" for a in ready_addresses(web)), "Endpoints cannot change without the API"
    stale = TrafficSample.objects.filter(cluster=web, t__gt=dead_at + 1)
    assert len(stale) >= 29 and all(s.ok + s.failed == 30 and s.reasons.get("timeout", 0) > 0 for s in stale)

    component_set(cluster=web, component="kube-apiserver", running=True)
    sim.run_until(lambda: len(running_pods(web, "web")) == 6 and not any(a["nodeName"] == "worker-2" for a in ready_addresses(web))
                  and len(ready_addresses(web)) == 6, within=60, what="the control plane back: replacements Ready and listed")
    settle(sim, 3)
    assert traffic_stats(cluster=web, seconds=3)["successRate"] == 1.0


def test_lessons_switch_the_traffic_and_check_what_the_clients_see(web, sim):
    switch, check = ACTIONS["traffic"], CONDITIONS["traffic"]
    steady = {"seconds": 3, "min_success": 1.0}
    assert check.run(web, steady) == (False, "the traffic is off")
    on = {"service": "web", "namespace": "default", "rate": 20, "stop": False}
    assert switch.describe(on) == "Send 20 requests a second to web"
    assert switch.run(web, on) == "clients send 20 requests a second to default/web port 80"
    assert check.run(web, steady) == (False, "no requests sent yet")
    settle(sim, 3)
    assert check.run(web, steady) == (True, "100% of 60 requests succeeded")

    machine_power(machine=Machine.objects.get(cluster=web, name="worker-2"), on=False)
    settle(sim, 3)
    ok, detail = check.run(web, steady)
    assert not ok and re.fullmatch(r"[\d.]+% of 60 requests succeeded \(\d+ timeout\)", detail), detail
    assert check.run(web, {"seconds": 3, "max_success": 0.95})[0]
    assert check.describe({"seconds": 3, "max_success": 0.95}) == "at most 95% of the requests of the last 3 seconds succeed"

    assert switch.run(web, {**on, "stop": True}) == "traffic switched off"
    assert check.run(web, steady) == (False, "the traffic is off")
