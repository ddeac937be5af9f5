"""kube-proxy: each node's table of Service virtual IPs to ready endpoints."""
