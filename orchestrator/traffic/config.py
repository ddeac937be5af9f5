"""The traffic switch of a cluster: which Service gets requests, on which port, how many a second.

The settings live in `Cluster.traffic` ({"service": "ns/name", "port": 80, "rate": 20}; {} when
off) so every process sees them; the node agents' process sends the requests (generator.py).
"""
from __future__ import annotations

import json

from orchestrator.models import Cluster, Service
from orchestrator.store import notify
from orchestrator.store.errors import BadRequest, FieldErrors
from orchestrator.store.kinds import KINDS
from orchestrator.store.services import not_found

MAX_RATE = 1000  # requests per simulated second
FIELDS = ("service", "port", "rate", "on")


def traffic_get(cluster: Cluster) -> dict:
    """The switch as the API shows it: {"on", "service", "port", "rate"}."""
    config = cluster.traffic or {}
    return {"on": bool(config), "service": config.get("service"), "port": config.get("port"), "rate": config.get("rate")}


def _shown(value) -> str:
    return json.dumps(value)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def traffic_set(*, cluster: Cluster, service=None, rate=None, port=None, on=True) -> dict:
    """Switch the stream to `service` ("namespace/name" or "name" in default) at `rate` requests a
    second on `port` (default: the Service's first port), or off. Bad settings change nothing:
    422 naming each bad field, 404 for an unknown Service, 400 for a Service kube-proxy does not
    route (headless, ExternalName) or whose endpoints no selector keeps."""
    errs = FieldErrors()
    if not isinstance(on, bool):
        errs.add("on", f"Invalid value: {_shown(on)}: must be true or false")
    if on is False:
        errs.raise_if_any("Traffic", cluster.name)
        return _save(cluster, {})
    if service is None or service == "":
        errs.required("service")
    elif not isinstance(service, str) or service.count("/") > 1 or not all(service.split("/")):
        errs.add("service", f'Invalid value: {_shown(service)}: must be "namespace/name" or "name"')
    if rate is None:
        errs.required("rate")
    elif not _whole(rate) or not 1 <= rate <= MAX_RATE:
        errs.add("rate", f"Invalid value: {_shown(rate)}: must be a whole number of requests a second from 1 to {MAX_RATE}")
    if port is not None and not _whole(port):
        errs.add("port", f"Invalid value: {_shown(port)}: must be a port number")
    errs.raise_if_any("Traffic", cluster.name)

    namespace, name = service.split("/") if "/" in service else ("default", service)
    row = Service.objects.filter(cluster=cluster, namespace=namespace, name=name).first()
    if row is None:
        raise not_found(KINDS["Service"], name)
    key = f"{namespace}/{name}"
    if row.spec.get("type") == "ExternalName":
        raise BadRequest(f"service {key} is of type ExternalName: it is a DNS alias, kube-proxy does not route it")
    if row.spec.get("clusterIP") in (None, "", "None"):
        raise BadRequest(f"service {key} is headless (clusterIP None): kube-proxy does not route it, clients reach its pods directly")
    if not row.spec.get("selector"):
        raise BadRequest(f"service {key} has no selector: its Endpoints are kept by hand, not by pods the playground runs")
    ports = [int(p.get("port", 0)) for p in row.spec.get("ports") or []]
    if port is None:
        port = ports[0]
    elif port not in ports:
        errs.add("port", f"Invalid value: {port}: service {key} has no port {port} (ports: {', '.join(map(str, ports))})")
        errs.raise_if_any("Traffic", cluster.name)
    return _save(cluster, {"service": key, "port": port, "rate": rate})


def _save(cluster: Cluster, config: dict) -> dict:
    Cluster.objects.filter(pk=cluster.pk).update(traffic=config)
    cluster.traffic = config
    notify.cluster_changed(cluster.pk)
    return traffic_get(cluster)
