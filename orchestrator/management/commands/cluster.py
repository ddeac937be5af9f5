"""List, create, reset and delete clusters; start and stop their components; power machines."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from orchestrator.controlplane import clusters
from orchestrator.controlplane.clock import clock_set
from orchestrator.models import Cluster
from orchestrator.nodes.machines import machine_get, machine_power
from orchestrator.store.errors import StoreError


class Command(BaseCommand):
    help = "Manage clusters: list | create NAME [--profile P] | reset NAME | delete NAME | component NAME COMPONENT on|off | power NAME MACHINE on|off | clock NAME [--speed X] [--pause|--resume]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list clusters")
        create = sub.add_parser("create", help="create a cluster (control plane + three workers)")
        create.add_argument("name")
        create.add_argument("--profile", default=None, help="timing profile: classroom or kubernetes")
        for action in ("reset", "delete"):
            sub.add_parser(action, help=f"{action} a cluster").add_argument("name")
        component = sub.add_parser("component", help="start or stop a control-plane component")
        component.add_argument("name")
        component.add_argument("component", help="etcd, kube-apiserver, kube-scheduler or kube-controller-manager")
        component.add_argument("state", choices=["on", "off"])
        power = sub.add_parser("power", help="switch a machine on or off")
        power.add_argument("name")
        power.add_argument("machine")
        power.add_argument("state", choices=["on", "off"])
        clock = sub.add_parser("clock", help="set the simulated clock's speed, pause or resume it")
        clock.add_argument("name")
        clock.add_argument("--speed", type=float)
        clock.add_argument("--pause", action="store_true")
        clock.add_argument("--resume", action="store_true")

    def handle(self, *args, action: str, **options):
        try:
            self._handle(action, options)
        except (StoreError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, action: str, options: dict) -> None:
        if action == "list":
            for cluster in Cluster.objects.all():
                stopped = [name for name, running in cluster.components.items() if not running]
                self.stdout.write(f"{cluster.name}\tprofile={cluster.profile}\trevision={cluster.revision}\tstopped={','.join(stopped) or '-'}")
            return
        if action == "create":
            cluster = clusters.cluster_create(name=options["name"], profile=options["profile"])
            self.stdout.write(f"cluster {cluster.name} created")
            return
        cluster = clusters.cluster_get(options["name"])
        if action == "reset":
            clusters.cluster_reset(cluster=cluster)
        elif action == "delete":
            clusters.cluster_delete(cluster=cluster)
        elif action == "component":
            clusters.component_set(cluster=cluster, component=options["component"], running=options["state"] == "on")
        elif action == "power":
            machine_power(machine=machine_get(cluster=cluster, name=options["machine"]), on=options["state"] == "on")
        elif action == "clock":
            paused = True if options["pause"] else (False if options["resume"] else None)
            clock_set(cluster=cluster, speed=options["speed"], paused=paused)
        self.stdout.write(f"{action}: done")
