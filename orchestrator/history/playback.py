"""Replay in the live protocol (docs/live-protocol.md): a snapshot at a past revision, then
delta frames to play forward, so the page draws the past with the code that draws the present.

Machines and control-plane components are the playground's own state and not in the log, but
what happened to them is: each power switch and component stop or start is an Event on the
node (store/services.py `playground_event`). Their state at a revision is what the latest such
event at or before it says; with none yet, the opposite of the first one after it; with none
at all, the state they have now.
"""
from __future__ import annotations

from datetime import datetime, timezone

from orchestrator.live import presenters
from orchestrator.live.consumers import coalesce
from orchestrator.live.snapshot import RECENT_EVENTS, cluster_state, machines_state
from orchestrator.models import Cluster, Revision
from orchestrator.models.cluster import COMPONENTS

from . import replay

POWER = {"MachinePoweredOff": False, "MachinePoweredOn": True}
COMPONENT = {"ComponentStopped": False, "ComponentStarted": True}


def _switch(obj: dict) -> tuple[str, str, bool] | None:
    """Return ("machine"|"component", name, on) for a playground action's Event, else None."""
    reason = obj.get("reason")
    if reason in POWER:
        return "machine", (obj.get("involvedObject") or {}).get("name", ""), POWER[reason]
    if reason in COMPONENT:
        message = obj.get("message", "")
        name = next((c for c in COMPONENTS if message.startswith(f"{c} was ")), None)
        return ("component", name, COMPONENT[reason]) if name else None
    return None


def _switch_entries(cluster: Cluster):
    return (Revision.objects.filter(cluster=cluster, kind="Event", object__reason__in=[*POWER, *COMPONENT])
            .exclude(event_type=Revision.DELETED).order_by("revision"))


class Switches:
    """Machines' power and components' switches as the log says they were at a revision."""

    def __init__(self, cluster: Cluster, revision: int):
        self.all_machines = machines_state(cluster)  # as they are now; the log says how they were
        self.state = cluster_state(cluster)
        self.powered = {m["name"]: m["powered"] for m in self.all_machines}
        self.components = dict(cluster.components)
        before, after = {}, {}
        for entry in _switch_entries(cluster):
            switch = _switch(entry.object)
            if switch is None:
                continue
            what, name, on = switch
            if entry.revision <= revision:
                before[(what, name)] = on
            else:
                after.setdefault((what, name), not on)
        for (what, name), on in {**after, **before}.items():
            (self.powered if what == "machine" else self.components)[name] = on

    def apply(self, obj: dict) -> str | None:
        """Follow one Event written after the revision; return what it switched, if anything."""
        switch = _switch(obj)
        if switch is None:
            return None
        what, name, on = switch
        (self.powered if what == "machine" else self.components)[name] = on
        return what

    def machines(self, nodes) -> list[dict]:
        """Return the machines whose Node existed (`nodes`: their names), as snapshots carry them."""
        return [{**m, "powered": self.powered.get(m["name"], m["powered"])}
                for m in self.all_machines if m["name"] in nodes]

    def cluster_at(self, sim: float) -> dict:
        """Return the cluster state at a past moment: its components then, the clock standing there."""
        when = datetime.fromtimestamp(sim, tz=timezone.utc).isoformat()
        return {**self.state, "components": dict(self.components), "clock": {"now": when, "speed": 1.0, "paused": True}}


def snapshot_at(cluster: Cluster, revision: int) -> dict:
    """Return a live-protocol snapshot of the cluster as it was at `revision` (marked `replay`)."""
    entries = replay.entries_at(cluster, revision, kinds=presenters.KINDS_SHOWN)
    events = [e for e in entries if e.kind == "Event"][-RECENT_EVENTS:]
    shown = [e for e in entries if e.kind != "Event"] + events
    when = replay.time_of(cluster, revision)
    switches = Switches(cluster, revision)
    return {
        "type": "snapshot",
        "revision": revision,
        "replay": {"sim": when["sim"], "wall": when["wall"]},
        "cluster": switches.cluster_at(when["sim"]),
        "machines": switches.machines({e.name for e in entries if e.kind == "Node"}),
        "objects": [presenters.present(e.object) for e in shown],
    }


def deltas_between(cluster: Cluster, from_revision: int, to_revision: int) -> dict:
    """Return the delta frames that play the cluster forward from `from_revision` to `to_revision`.

    One frame per instant of simulated time (a batch's writes share one), with consecutive
    (from, to] ranges, each carrying `replay` (when it happened) and the cluster with its clock
    at that moment; `machines` when a power switch or a Node came or went. A long range is cut
    at replay.CHANGES_LIMIT entries: `to` says how far the frames go.
    """
    entries = replay.changes_between(cluster, from_revision, to_revision)
    switches = Switches(cluster, from_revision)
    nodes = {e.name for e in replay.entries_at(cluster, from_revision, kinds=["Node"])}
    frames, start, group = [], from_revision, []
    for i, entry in enumerate(entries):
        group.append(entry)
        if i + 1 < len(entries) and entries[i + 1].sim_time == entry.sim_time:
            continue
        frame = {"type": "delta", "from": start, "to": entry.revision, "changes": coalesce(group),
                 "replay": {"sim": entry.sim_time, "wall": entry.wall_time}}
        machines_moved = False
        for e in group:
            if e.kind == "Node" and (e.event_type == Revision.DELETED) == (e.name in nodes):
                (nodes.discard if e.event_type == Revision.DELETED else nodes.add)(e.name)
                machines_moved = True
            elif e.kind == "Event" and e.event_type != Revision.DELETED:
                machines_moved = (switches.apply(e.object) == "machine") or machines_moved
        frame["cluster"] = switches.cluster_at(entry.sim_time)
        if machines_moved:
            frame["machines"] = switches.machines(nodes)
        frames.append(frame)
        start, group = entry.revision, []
    last = entries[-1].revision if entries else from_revision
    return {"type": "deltas", "from": from_revision, "to": to_revision if len(entries) < replay.CHANGES_LIMIT else last,
            "frames": frames}
