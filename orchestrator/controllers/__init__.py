"""kube-controller-manager: one controller per module, run together by `manager`."""
