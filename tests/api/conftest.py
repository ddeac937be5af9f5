import subprocess

import pytest

from tests.live import kubectl_binary
from tests.live_cluster import LiveCluster

KUBECTL_VERSIONS = ("1.27", "1.33")  # the oldest and the newest on the machine image


@pytest.fixture
def cluster_name(server):
    """A fresh cluster (control plane + three workers, classroom timing) with Ready nodes."""
    cluster = LiveCluster.create(server)
    yield cluster.name
    cluster.delete()


@pytest.fixture
def kubeconfig(server, cluster_name, tmp_path):
    code, raw, _ = server.request("GET", f"/clusters/{cluster_name}/playground/kubeconfig")
    assert code == 200
    path = tmp_path / "kubeconfig"
    path.write_bytes(raw)
    return path


class Kubectl:
    def __init__(self, binary: str, kubeconfig, version: str):
        self.binary = binary
        self.kubeconfig = kubeconfig
        self.version = version

    def run(self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run([self.binary, "--kubeconfig", str(self.kubeconfig), *args], input=input,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture(params=KUBECTL_VERSIONS, ids=[f"kubectl-{v}" for v in KUBECTL_VERSIONS])
def kubectl(request, kubeconfig):
    binary = kubectl_binary(request.param)
    if binary is None:
        pytest.skip(f"kubectl {request.param} is not installed on this machine (expected /usr/lib/google-cloud-sdk/bin/kubectl.{request.param})")
    return Kubectl(binary, kubeconfig, request.param)
