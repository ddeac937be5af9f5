"""`python manage.py bench`: scenarios run against real playground processes, figures printed.

- `stats.py`: the arithmetic (medians, percentiles, CPU from /proc samples) and the table; no I/O.
- `harness.py`: starting and stopping playground processes, measuring them, talking to them.
- `scenarios/`: one module per scenario; each drives a fresh playground as a user would.
- `figures.py`: the figures the issue asks for, with their targets.
- `runner.py`: picks the scenarios, repeats them, prints the table and the JSON document.

The older single-purpose scripts (`kill_worker.py`, `get_pods.py`, `topology_fps.py`) still run on their own.
"""
