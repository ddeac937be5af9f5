"""Run a scenario in a cluster: set it up, do each step's action, check its conditions, move on.

The run's state lives in `Cluster.scenario` (JSON), so every process and every page sees the
same lesson:
    {"name", "step": index of the current step (len(steps) when finished),
     "ready": whether the setup's conditions held, "started": mark, "setup_done": mark|None,
     "steps": [{"done": mark|None, "skipped": bool, "acted": mark|None, "message": str}]}
where a mark is {"revision", "sim_time", "wall_time"}: where the cluster's revision log and
its two clocks stood at that moment. Checking records progress: whenever the current step's
conditions all hold, it is marked done and the next one becomes current.
"""
from __future__ import annotations

import time

from django.db import transaction

from orchestrator.controlplane import clock, clusters
from orchestrator.models import Cluster, Machine
from orchestrator.nodes.machines import machine_add
from orchestrator import manifests, quantity
from orchestrator.store.errors import BadRequest, NotFound

from .loader import Entry, Scenario, scenario_get


def _mark(cluster: Cluster) -> dict:
    revision = Cluster.objects.filter(pk=cluster.pk).values_list("revision", flat=True).first() or 0
    return {"revision": revision, "sim_time": round(clock.sim_seconds(cluster), 3), "wall_time": round(time.time(), 3)}


def _fresh(cluster: Cluster) -> Cluster:
    cluster.refresh_from_db()
    return cluster


def scenario_start(*, cluster: Cluster, name: str) -> Cluster:
    """Reset the cluster and set the scenario up in it; all or nothing. Returns the new cluster row."""
    scenario = scenario_get(name)
    with transaction.atomic():
        cluster = clusters.cluster_reset(cluster=cluster)
        clusters.profile_set(cluster=cluster, profile=scenario.profile)
        if scenario.machines is not None:
            Machine.objects.filter(cluster=cluster).delete()
            for m in scenario.machines:
                machine_add(cluster=cluster, name=m["name"], role=m["role"], runtime=m["runtime"],
                            cpu_m=quantity.parse_cpu_millis(m["cpu"]), memory=quantity.parse_memory_bytes(m["memory"]), max_pods=m["pods"])
        if scenario.manifests:
            manifests.apply_manifest(cluster=cluster, text=scenario.manifests)
        state = {"name": scenario.name, "step": 0, "ready": False, "started": _mark(cluster), "setup_done": None,
                 "steps": [_blank() for _ in scenario.steps]}
        Cluster.objects.filter(pk=cluster.pk).update(scenario=state)
    return _fresh(cluster)


def _blank() -> dict:
    return {"done": None, "skipped": False, "acted": None, "message": ""}


def scenario_leave(*, cluster: Cluster) -> None:
    """Stop following the scenario; the cluster stays as it is."""
    Cluster.objects.filter(pk=cluster.pk).update(scenario={})
    cluster.scenario = {}


def _active(cluster: Cluster) -> tuple[dict, Scenario]:
    state = _fresh(cluster).scenario
    if not state:
        raise BadRequest(f'no scenario is running in cluster "{cluster.name}": start one first')
    scenario = scenario_get(state["name"])
    steps = state["steps"]
    steps += [_blank() for _ in range(len(scenario.steps) - len(steps))]  # the file gained steps meanwhile
    return state, scenario


def _save(cluster: Cluster, before: dict, state: dict) -> bool:
    """Write the new state unless someone else moved the run on (or restarted it) meanwhile."""
    with transaction.atomic():
        row = Cluster.objects.select_for_update().only("scenario").get(pk=cluster.pk)
        current = row.scenario or {}
        if (current.get("started"), current.get("step"), current.get("ready")) != (before["started"], before["step"], before["ready"]):
            return False
        Cluster.objects.filter(pk=cluster.pk).update(scenario=state)
    cluster.scenario = state
    return True


def evaluate(cluster: Cluster, conditions: tuple[Entry, ...]) -> list[dict]:
    """Evaluate conditions: [{"condition", "satisfied", "detail"}]."""
    results = []
    for entry in conditions:
        ok, detail = entry.kind.run(cluster, entry.params)
        results.append({"condition": entry.describe(), "satisfied": bool(ok), "detail": detail})
    return results


def scenario_check(*, cluster: Cluster) -> dict:
    """Evaluate the current conditions, record every step now done, and return the view."""
    if not _fresh(cluster).scenario:
        return {"active": False}
    try:
        state, scenario = _active(cluster)
    except NotFound as error:  # its file was removed or broken meanwhile
        return {"active": False, "problem": f"the running lesson cannot be shown: {error.message}"}
    before = {k: state.get(k) for k in ("started", "step", "ready")}
    changed = False
    while True:
        if not state["ready"]:
            checks = evaluate(cluster, scenario.ready)
            if not all(c["satisfied"] for c in checks):
                break
            state.update(ready=True, setup_done=_mark(cluster))
        elif state["step"] < len(scenario.steps):
            checks = evaluate(cluster, scenario.steps[state["step"]].done)
            if not all(c["satisfied"] for c in checks):
                break
            state["steps"][state["step"]]["done"] = _mark(cluster)
            state["step"] += 1
        else:
            checks = []
            break
        changed = True
    if changed and not _save(cluster, before, state):
        return scenario_check(cluster=cluster)  # another poller moved it on: show theirs
    return view(scenario, state, checks)


def scenario_action(*, cluster: Cluster) -> dict:
    """Do the current step's action (what its "Do it" button does); returns {"message", "scenario"}."""
    state, scenario = _active(cluster)
    if not state["ready"]:
        raise BadRequest(f'scenario "{scenario.name}" is still being set up: wait until {_texts(scenario.ready)}')
    if state["step"] >= len(scenario.steps):
        raise BadRequest(f'scenario "{scenario.name}" is finished: there is no step left to act on')
    step = scenario.steps[state["step"]]
    if step.action is None:
        raise BadRequest(f'step {state["step"] + 1} ("{step.title}") has no action: it is watched, not done; wait until {_texts(step.done)}')
    message = step.action.kind.run(cluster, step.action.params)
    with transaction.atomic():
        row = Cluster.objects.select_for_update().only("scenario").get(pk=cluster.pk)
        current = row.scenario
        if current.get("started") == state["started"] and current.get("step") == state["step"]:
            current["steps"][state["step"]].update(acted=_mark(cluster), message=message)
            Cluster.objects.filter(pk=cluster.pk).update(scenario=current)
    return {"message": message, "scenario": scenario_check(cluster=cluster)}


def scenario_next(*, cluster: Cluster) -> dict:
    """Move on to the next step now, marking the current one skipped if its conditions do not hold."""
    state, scenario = _active(cluster)
    before = {k: state.get(k) for k in ("started", "step", "ready")}
    if not state["ready"]:
        state.update(ready=True, setup_done=_mark(cluster), setup_skipped=True)
    elif state["step"] >= len(scenario.steps):
        raise BadRequest(f'scenario "{scenario.name}" is finished: there is no next step')
    else:
        done = all(c["satisfied"] for c in evaluate(cluster, scenario.steps[state["step"]].done))
        state["steps"][state["step"]].update(done=_mark(cluster), skipped=not done)
        state["step"] += 1
    _save(cluster, before, state)
    return scenario_check(cluster=cluster)


def _texts(conditions) -> str:
    return "; ".join(c.describe() for c in conditions)


def view(scenario: Scenario, state: dict, checks: list[dict]) -> dict:
    """The scenario as the page shows it: steps with their status and timings, and the current checks."""
    finished = state["step"] >= len(scenario.steps)
    phase = "setup" if not state["ready"] else ("finished" if finished else "steps")
    previous = state.get("setup_done")
    steps = []
    for i, step in enumerate(scenario.steps):
        record = state["steps"][i]
        took = None
        if record["done"] and previous:
            took = {"sim": round(record["done"]["sim_time"] - previous["sim_time"], 1),
                    "wall": round(record["done"]["wall_time"] - previous["wall_time"], 1)}
        if record["done"]:
            previous = record["done"]
        status = "done" if record["done"] else ("current" if phase == "steps" and i == state["step"] else "todo")
        steps.append({
            "index": i, "title": step.title, "explanation": step.explanation,
            "hint": step.hint or (step.action.describe() if step.action else ""),
            "action": {"kind": step.action.kind.name, "label": step.action.describe()} if step.action else None,
            "conditions": [c.describe() for c in step.done], "status": status,
            "done": record["done"], "skipped": record["skipped"], "acted": record["acted"], "message": record["message"],
            "took": took,
        })
    return {
        "active": True, "name": scenario.name, "title": scenario.title, "summary": scenario.summary,
        "profile": scenario.profile, "source": scenario.source, "phase": phase,
        "current": state["step"] if phase == "steps" else None, "started": state["started"],
        "setup": {"conditions": [c.describe() for c in scenario.ready], "done": state.get("setup_done"),
                  "skipped": bool(state.get("setup_skipped"))},
        "steps": steps, "checks": checks,
    }
