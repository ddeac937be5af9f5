"""Simulated traffic through a Service: a steady stream of requests routed by each node's
kube-proxy (`generator.py`), switched and checked in `config.py`, counted per simulated second
in `TrafficSample` rows (`stats.py` reads them) and written into the serving pods' logs
(`access_log.py`)."""
