"""The power switch and the size of each simulated machine."""
from __future__ import annotations

from django.db import transaction

from orchestrator.controlplane import clock
from orchestrator.models import Cluster, Machine, Sandbox
from orchestrator.store import notify
from orchestrator.store.errors import AlreadyExists, FieldErrors, NotFound
from orchestrator.store.services import client_write, playground_event
from orchestrator.store.validation import dns1123_subdomain_errors

RUNTIMES = ("docker", "containerd", "cri-o")
WORKER_CPU_M = 2000
WORKER_MEMORY = 4 * 1024**3
ROLES = ("worker", "control-plane")


def validate_machine(*, cluster: Cluster, name: str, role: str, runtime: str, cpu_m: int, memory: int, max_pods: int) -> None:
    errs = FieldErrors()
    for message in dns1123_subdomain_errors(name or ""):
        errs.add("name", f'Invalid value: "{name}": {message}')
    if runtime not in RUNTIMES:
        errs.add("runtime", f'Unsupported value: "{runtime}": supported values: {", ".join(RUNTIMES)}', "FieldValueNotSupported")
    if role not in ROLES:
        errs.add("role", f'Unsupported value: "{role}": supported values: {", ".join(ROLES)}', "FieldValueNotSupported")
    if not isinstance(cpu_m, int) or cpu_m < 100:
        errs.add("cpu", f"Invalid value: {cpu_m}: must be at least 100m")
    if not isinstance(memory, int) or memory < 128 * 1024**2:
        errs.add("memory", f"Invalid value: {memory}: must be at least 128Mi")
    if not isinstance(max_pods, int) or not 1 <= max_pods <= 1000:
        errs.add("pods", f"Invalid value: {max_pods}: must be between 1 and 1000")
    errs.raise_if_any("Machine", name)
    if Machine.objects.filter(cluster=cluster, name=name).exists():
        raise AlreadyExists(f'machine "{name}" already exists', kind="machines", name=name)


def machine_add(*, cluster: Cluster, name: str, role: str = "worker", runtime: str = "containerd", cpu_m: int = WORKER_CPU_M, memory: int = WORKER_MEMORY, max_pods: int = 110, powered: bool = True) -> Machine:
    """Add a machine; switched on (the default), its kubelet registers the Node on its next pass."""
    with client_write():
        validate_machine(cluster=cluster, name=name, role=role, runtime=runtime, cpu_m=cpu_m, memory=memory, max_pods=max_pods)
        top = Machine.objects.filter(cluster=cluster).order_by("-index").values_list("index", flat=True).first()
        index = 0 if top is None else top + 1
        machine = Machine.objects.create(
            cluster=cluster, name=name, role=role, runtime=runtime, cpu_m=cpu_m, memory=memory, max_pods=max_pods,
            index=index, powered=powered, booted_at=clock.sim_seconds(cluster),
        )
    transaction.on_commit(lambda: notify.cluster_changed(cluster.pk, kinds=[notify.MACHINES]))
    return machine


def machine_get(*, cluster: Cluster, name: str) -> Machine:
    machine = Machine.objects.filter(cluster=cluster, name=name).first()
    if machine is None:
        raise NotFound(f'machine "{name}" not found', kind="machines", name=name)
    return machine


def machine_power(*, machine: Machine, on: bool) -> Machine:
    """Switch a machine on or off. Off kills its kubelet, kube-proxy and containers at
    once and tells the control plane nothing; on boots it, and its kubelet re-registers."""
    with client_write():
        return _power(machine, on)


def _power(machine: Machine, on: bool) -> Machine:
    if machine.powered == on:
        return machine
    machine.powered = on
    if on:
        machine.booted_at = clock.sim_seconds(machine.cluster)
    else:
        Sandbox.objects.filter(machine=machine).delete()
    machine.save(update_fields=["powered", "booted_at"])
    transaction.on_commit(lambda: notify.cluster_changed(machine.cluster_id, kinds=[notify.MACHINES]))
    if on:
        playground_event(machine.cluster, node=machine.name, reason="MachinePoweredOn", message=f"Machine {machine.name} was switched on: its kubelet starts and registers again")
    else:
        playground_event(machine.cluster, node=machine.name, reason="MachinePoweredOff", type="Warning",
                         message=f"Machine {machine.name} lost power: its kubelet, kube-proxy and containers stopped; the control plane is not told")
    return machine
