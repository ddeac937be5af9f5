"""The live feed: what the browser sees of a cluster, as a snapshot and then deltas."""
