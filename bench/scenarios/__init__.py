"""One module per scenario. Each has NAME, FIGURES (the keys it measures), ABOUT (one line) and
run(playground, sizes, report): it drives a fresh playground through its HTTP APIs, kubectl and
websockets, and reports figures as it reaches them."""
from . import demo, kill_node, learners, pages, scale, thousand

SCENARIOS = {m.NAME: m for m in (demo, learners, pages, kill_node, scale, thousand)}
