"""The kubelet of each simulated node, and its container runtime."""
