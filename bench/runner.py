"""Run the chosen scenarios, each on a fresh playground, and print the table and the JSON document."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import stats
from .figures import BY_KEY, FIGURES, Sizes, sizes_for
from .harness import ROOT, NotReached, Playground
from .report import Report
from .scenarios import SCENARIOS

MODES = {"embedded": False, "scaled-out": True}


@dataclass
class Options:
    quick: bool = False
    only: str | None = None
    runs: int = 1
    repo: Path = ROOT
    scaled_out: bool = False
    json_path: Path | None = None
    nodes: int | None = None


@dataclass
class Collected:
    """Every run of every figure in one mode."""
    runs: dict[str, list] = field(default_factory=dict)  # figure key -> [Result per run]
    scenarios: dict[str, list] = field(default_factory=dict)  # scenario -> [{steps, seconds, ...} per run]
    errors: int = 0


def names_known() -> dict[str, str]:
    """Every name --only accepts (scenarios and figures), mapped to its scenario."""
    known = {name: name for name in SCENARIOS}
    known.update({f.key: f.scenario for f in FIGURES})
    return known


def run(options: Options) -> int:
    chosen = stats.parse_only(options.only, names_known()) or list(SCENARIOS)
    wanted_figures = _wanted(options.only, chosen)
    sizes = sizes_for(options.quick, options.nodes)
    modes = ["embedded", "scaled-out"] if options.scaled_out else ["embedded"]
    started = time.monotonic()
    collected = {}
    for mode in modes:
        collected[mode] = Collected()
        for name in chosen:
            scenario = SCENARIOS[name]
            keys = [k for k in scenario.FIGURES if k in wanted_figures]
            for i in range(options.runs):
                print(f"== {name} ({mode}, run {i + 1} of {options.runs}): {', '.join(keys)}", flush=True)
                one_run(scenario, keys, sizes, options, mode, collected[mode])
    document = build_document(options, sizes, chosen, wanted_figures, collected, time.monotonic() - started)
    print()
    print(render(document))
    print()
    text = json.dumps(document, indent=2)
    print(text)
    if options.json_path:
        options.json_path.write_text(text + "\n")
    return 1 if any(c.errors for c in collected.values()) else 0


def _wanted(only: str | None, chosen: list[str]) -> list[str]:
    """The figures to measure: those --only names, or all figures of the scenarios it names."""
    named = [p.strip() for p in (only or "").split(",") if p.strip() in BY_KEY]
    scenario_named = [p.strip() for p in (only or "").split(",") if p.strip() in SCENARIOS]
    keys = []
    for name in chosen:
        for key in SCENARIOS[name].FIGURES:
            if not only or name in scenario_named or key in named:
                keys.append(key)
    return keys


def one_run(scenario, keys: list[str], sizes: Sizes, options: Options, mode: str, into: Collected) -> None:
    report = Report(keys)
    pg = Playground(options.repo, scaled_out=MODES[mode])
    t0 = time.monotonic()
    status = "ok"
    try:
        pg.start()
        report.step(f"playground up in {time.monotonic() - t0:.1f} s ({pg.describe()})")
        scenario.run(pg, sizes, report)
        report.close("not reached", "the scenario ended before this figure")
    except NotReached as missed:
        status = "not reached"
        report.step(f"not reached: {missed}")
        report.close("not reached", str(missed))
    except Exception as error:  # the bench goes on with the next scenario, and says so
        status = "error"
        into.errors += 1
        detail = f"{type(error).__name__}: {error}"
        print(traceback.format_exc(), flush=True)
        if not pg.alive():
            detail += f" (the playground exited: {pg.log_tail()})"
        report.step(f"error: {detail}")
        report.close("error", detail)
    finally:
        t_stop = time.monotonic()
        killed = pg.stop()
        if killed:
            report.step(f"{', '.join(killed)} did not stop within 10 s of Ctrl-C and was killed")
        elif time.monotonic() - t_stop > 5:
            report.step(f"stopping the playground took {time.monotonic() - t_stop:.0f} s")
    seconds = time.monotonic() - t0
    if status == "ok" and any(r.status != "ok" for r in report.results.values()):
        status = "partly not reached"
    print(f"   ({scenario.NAME}: {status}, {seconds:.0f} s)", flush=True)
    into.scenarios.setdefault(scenario.NAME, []).append({"status": status, "seconds": round(seconds, 1),
                                                         "steps": report.steps, "info": report.info})
    for key in keys:
        into.runs.setdefault(key, []).append(report.results[key])


def build_document(options: Options, sizes: Sizes, chosen: list[str], keys: list[str], collected: dict, seconds: float) -> dict:
    return {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "settings": {
            "quick": options.quick, "runs": options.runs, "only": options.only, "nodes": options.nodes,
            "repo": str(options.repo), "commit": _commit(options.repo), "modes": list(collected),
            "scenarios": chosen, "sizes": sizes.as_dict(),
        },
        "scenarios": {name: SCENARIOS[name].ABOUT for name in chosen},
        "figures": [_figure_entry(BY_KEY[key], sizes, collected) for key in keys],
        "runs": {mode: c.scenarios for mode, c in collected.items()},
        "bench_seconds": round(seconds, 1),
    }


def _figure_entry(figure, sizes: Sizes, collected: dict) -> dict:
    entry = {"key": figure.key, "figure": figure.title(sizes), "unit": figure.unit, "target": figure.target,
             "scenario": figure.scenario}
    for mode, c in collected.items():
        results = c.runs.get(figure.key, [])
        summary = stats.summarize([r.value if r.status == "ok" else None for r in results])
        entry[mode] = {
            "median": summary.median, "min": summary.min, "max": summary.max,
            "runs": summary.runs, "attempts": summary.attempts,
            "values": [r.value for r in results], "status": [r.status for r in results],
            "notes": [r.note for r in results], "details": [r.details for r in results],
        }
    return entry


def _commit(repo: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if head.returncode != 0:
        return "not a git checkout"
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def render(document: dict) -> str:
    """The table (one row per figure, a column group per mode) and the notes under it."""
    modes = document["settings"]["modes"]
    headers = ["figure"]
    for mode in modes:
        prefix = "" if mode == "embedded" else "scaled-out "
        headers += [f"{prefix}median", f"{prefix}min", f"{prefix}max", f"{prefix}runs"]
    headers.append("target")
    rows, notes = [], []
    for entry in document["figures"]:
        row = [f"{entry['figure']} ({entry['unit']})"]
        for mode in modes:
            m = entry[mode]
            if m["runs"]:
                row += [stats.format_number(m["median"]), stats.format_number(m["min"]), stats.format_number(m["max"])]
            else:
                row += [m["status"][-1] if m["status"] else "-", "", ""]
            row.append(f"{m['runs']}/{m['attempts']}" if m["runs"] != m["attempts"] else str(m["runs"]))
            for status, note in zip(m["status"], m["notes"]):
                if note:
                    notes.append(f"{entry['key']}{'' if mode == 'embedded' else ' (scaled out)'}: "
                                 f"{'' if status == 'ok' else status.upper() + ': '}{note}")
        row.append(entry["target"])
        rows.append(row)
    settings = document["settings"]
    head = (f"bench on {document['machine']['cpus']} cores, {'quick' if settings['quick'] else 'full'} sizes, "
            f"{settings['runs']} run(s), code {settings['repo']} @ {settings['commit']}, {document['bench_seconds']:.0f} s")
    return "\n".join([head, "", stats.render_table(headers, rows), "", *notes])
