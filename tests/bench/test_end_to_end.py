"""One tiny scenario against a real playground process, and a step that runs out of time."""
import types

from bench import harness
from bench.figures import Sizes
from bench.runner import Collected, Options, one_run
from bench.scenarios import SCENARIOS

TINY = Sizes(idle_window=1, settle=0, gets=5, ready_limit=60)


def test_demo_scenario_reports_its_figures_from_a_real_playground():
    collected = Collected()
    one_run(SCENARIOS["demo"], ["demo-idle-cpu", "get-object"], TINY, Options(), "embedded", collected)
    assert collected.errors == 0
    idle, get = collected.runs["demo-idle-cpu"][0], collected.runs["get-object"][0]
    assert (idle.status, get.status) == ("ok", "ok")
    assert idle.value >= 0 and get.value > 0
    assert idle.details["rss_mb"]["playground"] > 10
    steps = collected.scenarios["demo"][0]["steps"]
    assert steps[0].startswith("playground up in") and "embedded" in steps[0]


def test_a_step_past_its_limit_is_reported_as_not_reached_with_its_progress():
    def run(pg, sizes, report):
        client = pg.client()
        harness.wait_until(lambda: (False, f"{harness.ready_nodes(client, 'demo')[1]} nodes, waiting for 5"), 0.3)

    never = types.SimpleNamespace(NAME="never", FIGURES=["bind-rate"], run=run)
    collected = Collected()
    one_run(never, ["bind-rate"], TINY, Options(), "embedded", collected)
    result = collected.runs["bind-rate"][0]
    assert collected.errors == 0
    assert result.status == "not reached" and result.value is None
    assert result.note.startswith("4 nodes, waiting for 5 after ")
