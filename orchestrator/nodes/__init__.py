"""The simulated machines: power, size, runtime, and the agents (kubelet, kube-proxy) that
run on each one while it is powered on."""
