"""What every component shares: the simulated clock, timing profiles, work queues and
the loop runner that starts, stops and backs off each component."""
