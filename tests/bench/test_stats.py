"""The bench's arithmetic and its table (no processes, no timing)."""
import pytest

from bench import stats
from bench.figures import FIGURES, QUICK, sizes_for
from bench.runner import _wanted, names_known, render
from bench.scenarios import SCENARIOS

STAT = ("4242 (python manage.py) S 1 4242 4242 0 -1 4194560 51234 0 12 0 "
        "1500 250 0 0 20 0 9 0 123456 987654321 25000 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0")


def test_summary_of_runs():
    s = stats.summarize([3.0, 1.0, 2.0, 10.0])
    assert (s.median, s.min, s.max, s.runs, s.attempts) == (2.5, 1.0, 10.0, 4, 4)


def test_summary_skips_runs_that_did_not_reach_the_figure():
    s = stats.summarize([None, 4.0, None])
    assert (s.median, s.min, s.max, s.runs, s.attempts) == (4.0, 4.0, 4.0, 1, 3)
    assert stats.summarize([None]).median is None
    assert stats.summarize([]).runs == 0


def test_nearest_rank_percentile():
    values = list(range(1, 101))  # 1..100
    assert stats.percentile(values, 0.95) == 95
    assert stats.percentile(values, 0.5) == 50
    assert stats.percentile([7.0], 0.95) == 7.0
    assert stats.percentile([5, 1, 3], 1.0) == 5
    assert stats.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 0.95) == 20
    with pytest.raises(ValueError):
        stats.percentile([], 0.95)
    with pytest.raises(ValueError):
        stats.percentile([1], 0)


def test_cpu_ticks_from_proc_stat():
    assert stats.stat_cpu_ticks(STAT) == 1750


def test_cpu_ticks_with_spaces_and_parentheses_in_the_command():
    line = STAT.replace("(python manage.py)", "(a) b (c))")
    assert stats.stat_cpu_ticks(line) == 1750


def test_cpu_window_in_percent_of_one_core():
    assert stats.cpu_percent(1000, 1300, 10.0, 100) == pytest.approx(30.0)
    assert stats.cpu_percent(0, 4000, 20.0, 100) == pytest.approx(200.0)  # two cores busy
    with pytest.raises(ValueError):
        stats.cpu_percent(10, 5, 1.0, 100)
    with pytest.raises(ValueError):
        stats.cpu_percent(0, 5, 0.0, 100)


def test_rss_from_proc_status():
    text = "Name:\tpython\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n"
    assert stats.status_kib(text) == 102400
    assert stats.status_kib(text, "VmHWM") == 204800
    assert stats.status_kib("Name:\tzombie\n") == 0


def test_only_takes_scenarios_and_figures_in_order():
    known = names_known()
    assert stats.parse_only("demo", known) == ["demo"]
    assert stats.parse_only("get-object, thousand,demo-idle-cpu", known) == ["demo", "thousand"]
    assert stats.parse_only(None, known) == [] and stats.parse_only("", known) == []
    with pytest.raises(ValueError, match="unknown scenario or figure: nope"):
        stats.parse_only("demo,nope", known)
    with pytest.raises(ValueError):
        stats.parse_only(" , ", known)


def test_only_a_figure_measures_that_figure_only():
    assert _wanted("bind-rate", ["thousand"]) == ["bind-rate"]
    assert _wanted("thousand", ["thousand"]) == SCENARIOS["thousand"].FIGURES
    assert _wanted(None, ["demo", "pages"]) == ["demo-idle-cpu", "get-object", "live-pages-p95"]


def test_every_figure_belongs_to_a_scenario_that_measures_it():
    for figure in FIGURES:
        assert figure.key in SCENARIOS[figure.scenario].FIGURES
    assert sorted(k for s in SCENARIOS.values() for k in s.FIGURES) == sorted(f.key for f in FIGURES)


def test_titles_follow_the_sizes():
    bind = next(f for f in FIGURES if f.key == "bind-rate")
    assert bind.title(sizes_for(False)) == "10,000 pending pods bound on 1,000 nodes"
    assert bind.title(QUICK) == "200 pending pods bound on 20 nodes"
    assert bind.title(sizes_for(False, nodes=100)) == "1,000 pending pods bound on 100 nodes"


def test_number_formatting():
    assert [stats.format_number(v) for v in (None, 0, 0.01234, 0.9999, 2.345, 12.34, 1234.5, -0.27)] == \
        ["-", "0", "0.0123", "1.00", "2.35", "12.3", "1,234", "-0.27"]


def test_table_pads_columns_and_right_aligns_numbers():
    table = stats.render_table(["figure", "median", "runs"], [["short", "1.50", "3"], ["a longer name", "1,234", "2/3"]])
    assert table.splitlines() == [
        "figure         median  runs",
        "-------------  ------  ----",
        "short            1.50     3",
        "a longer name   1,234   2/3",
    ]
    with pytest.raises(ValueError):
        stats.render_table(["a", "b"], [["only one"]])


def test_render_puts_modes_side_by_side_with_notes():
    def mode(median, status, note):
        return {"median": median, "min": median, "max": median, "runs": 1 if median is not None else 0, "attempts": 1,
                "values": [median], "status": [status], "notes": [note], "details": [{}]}
    document = {
        "machine": {"cpus": 2}, "bench_seconds": 12.0,
        "settings": {"modes": ["embedded", "scaled-out"], "quick": True, "runs": 1, "repo": "/r", "commit": "abc"},
        "figures": [{"key": "bind-rate", "figure": "200 pending pods bound on 20 nodes", "unit": "pods/s", "target": ">= 2,000",
                     "embedded": mode(119.0, "ok", ""),
                     "scaled-out": mode(None, "not reached", "50 of 200 bound after 60 s")}],
    }
    lines = render(document).splitlines()
    assert lines[0].startswith("bench on 2 cores, quick sizes")
    assert lines[2].split() == ["figure", "median", "min", "max", "runs", "scaled-out", "median", "scaled-out", "min",
                                "scaled-out", "max", "scaled-out", "runs", "target"]
    assert "119" in lines[4] and "not reached" in lines[4] and "0/1" in lines[4]
    assert lines[-1] == "bind-rate (scaled out): NOT REACHED: 50 of 200 bound after 60 s"
