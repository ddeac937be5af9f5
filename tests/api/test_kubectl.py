"""The real kubectl, oldest and newest on the machine, against a running playground.

Each test runs kubectl commands as a learner would, checks what kubectl printed and
what the cluster then holds.
"""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.kubectl

DEPLOYMENT = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: {replicas}
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.25
            ports:
            - containerPort: 80
    """)


def manifest(replicas: int = 2) -> str:
    return DEPLOYMENT.replace("{replicas}", str(replicas))


def get_json(kubectl, *args) -> dict:
    return json.loads(kubectl.run("get", *args, "-o", "json").stdout)


def running_pods(kubectl, selector="app=web") -> list[dict]:
    pods = get_json(kubectl, "pods", "-l", selector)["items"]
    return [p for p in pods if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")
            and any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))]


def deploy(kubectl, replicas: int = 2) -> None:
    kubectl.run("apply", "-f", "-", input=manifest(replicas))
    wait_for(lambda: len(running_pods(kubectl)) == replicas, 40, f"{replicas} running pods")


def test_get_prints_server_side_tables(kubectl):
    out = kubectl.run("get", "nodes").stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    rows = {line.split()[0]: line.split() for line in out[1:]}
    assert rows["control-plane"][1:3] == ["Ready", "control-plane"]
    assert rows["worker-1"][1:3] == ["Ready", "<none>"]
    wide = kubectl.run("get", "nodes", "-o", "wide").stdout
    assert "CONTAINER-RUNTIME" in wide and "cri-o://" in wide and "docker://" in wide
    namespaces = kubectl.run("get", "ns").stdout
    assert "kube-node-lease" in namespaces and "Active" in namespaces


def test_apply_creates_then_configures_a_deployment(kubectl):
    created = kubectl.run("apply", "-f", "-", input=manifest(2)).stdout
    assert created.strip() == "deployment.apps/web created"
    wait_for(lambda: len(running_pods(kubectl)) == 2, 40, "2 running pods")
    configured = kubectl.run("apply", "-f", "-", input=manifest(3)).stdout
    assert configured.strip() == "deployment.apps/web configured"
    assert get_json(kubectl, "deployment", "web")["spec"]["replicas"] == 3
    wait_for(lambda: len(running_pods(kubectl)) == 3, 40, "3 running pods")
    pods = kubectl.run("get", "pods").stdout.splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert sum("1/1" in line and "Running" in line for line in pods[1:]) == 3
    assert "web" in kubectl.run("get", "all").stdout


def test_create_run_and_expose(kubectl):
    out = kubectl.run("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2").stdout
    assert out.strip() == "deployment.apps/web created"
    assert kubectl.run("create", "namespace", "team-a").stdout.strip() == "namespace/team-a created"
    assert kubectl.run("create", "configmap", "cfg", "--from-literal=color=blue").stdout.strip() == "configmap/cfg created"
    assert get_json(kubectl, "configmap", "cfg")["data"] == {"color": "blue"}
    assert kubectl.run("run", "solo", "--image=nginx:1.25").stdout.strip() == "pod/solo created"
    wait_for(lambda: len(running_pods(kubectl)) == 2, 40, "2 running pods")
    assert kubectl.run("expose", "deployment", "web", "--port=80", "--target-port=80").stdout.strip() == "service/web exposed"
    service = get_json(kubectl, "service", "web")
    assert service["spec"]["selector"] == {"app": "web"} and service["spec"]["clusterIP"].startswith("10.96.")

    def endpoint_ips():
        subsets = get_json(kubectl, "endpoints", "web").get("subsets") or []
        return sorted(a["ip"] for s in subsets for a in s.get("addresses", []))

    wait_for(lambda: endpoint_ips() == sorted(p["status"]["podIP"] for p in running_pods(kubectl)), 20, "endpoints of both pods")
    assert "web" in kubectl.run("get", "svc").stdout


def test_scale_set_image_and_rollout(kubectl):
    deploy(kubectl, 2)
    assert kubectl.run("scale", "deployment", "web", "--replicas=3").stdout.strip() == "deployment.apps/web scaled"
    wait_for(lambda: len(running_pods(kubectl)) == 3, 40, "3 running pods")
    out = kubectl.run("set", "image", "deployment/web", "web=nginx:1.26").stdout
    assert out.strip() == "deployment.apps/web image updated"
    status = kubectl.run("rollout", "status", "deployment/web", "--timeout=90s", timeout=120).stdout
    assert 'deployment "web" successfully rolled out' in status
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.26" for p in running_pods(kubectl))
    history = kubectl.run("rollout", "history", "deployment/web").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]
    undo = kubectl.run("rollout", "undo", "deployment/web").stdout
    assert undo.strip() == "deployment.apps/web rolled back"
    kubectl.run("rollout", "status", "deployment/web", "--timeout=90s", timeout=120)
    wait_for(lambda: all(p["spec"]["containers"][0]["image"] == "nginx:1.25" for p in running_pods(kubectl)) and len(running_pods(kubectl)) == 3, 40, "rolled back pods")
    restart = kubectl.run("rollout", "restart", "deployment/web").stdout
    assert restart.strip() == "deployment.apps/web restarted"
    annotations = get_json(kubectl, "deployment", "web")["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations
    kubectl.run("rollout", "status", "deployment/web", "--timeout=90s", timeout=120)


def test_cordon_uncordon_and_drain(kubectl):
    deploy(kubectl, 3)
    assert kubectl.run("cordon", "worker-1").stdout.strip() == "node/worker-1 cordoned"
    assert "Ready,SchedulingDisabled" in kubectl.run("get", "node", "worker-1").stdout
    assert kubectl.run("uncordon", "worker-1").stdout.strip() == "node/worker-1 uncordoned"
    assert get_json(kubectl, "node", "worker-1")["spec"].get("unschedulable") in (None, False)
    victims = [p["metadata"]["name"] for p in running_pods(kubectl) if p["spec"]["nodeName"] == "worker-2"]
    out = kubectl.run("drain", "worker-2", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s", timeout=120).stdout
    assert "node/worker-2 cordoned" in out and "node/worker-2 drained" in out
    for name in victims:
        assert f"pod/{name} evicted" in out
    wait_for(lambda: len(running_pods(kubectl)) == 3 and all(p["spec"]["nodeName"] != "worker-2" for p in running_pods(kubectl)), 40, "pods moved off worker-2")


def test_delete_logs_events_and_describe(kubectl):
    deploy(kubectl, 1)
    pod = running_pods(kubectl)[0]["metadata"]["name"]
    logs = kubectl.run("logs", pod).stdout
    assert "start worker processes" in logs
    assert len(kubectl.run("logs", pod, "--tail=1").stdout.splitlines()) == 1
    events = kubectl.run("get", "events").stdout
    assert events.splitlines()[0].split()[:4] == ["LAST", "SEEN", "TYPE", "REASON"]
    assert "Scheduled" in events and "ScalingReplicaSet" in events
    described = kubectl.run("describe", "pod", pod).stdout
    assert re.search(rf"^Name:\s+{pod}$", described, re.M) and "Successfully assigned" in described
    assert re.search(r"^Node:\s+worker-\d/172\.18\.0\.\d+$", described, re.M)
    assert "Replicas:" in kubectl.run("describe", "deployment", "web").stdout
    assert "Non-terminated Pods:" in kubectl.run("describe", "node", "worker-1").stdout
    out = kubectl.run("delete", "deployment", "web", timeout=90).stdout
    assert out.strip() == 'deployment.apps "web" deleted'
    wait_for(lambda: not get_json(kubectl, "pods", "-l", "app=web")["items"], 40, "pods gone")


def test_label_annotate_patch_and_edit(kubectl, tmp_path):
    deploy(kubectl, 1)
    pod = running_pods(kubectl)[0]["metadata"]["name"]
    assert kubectl.run("label", "pod", pod, "tier=frontend").stdout.strip() == f"pod/{pod} labeled"
    assert get_json(kubectl, "pod", pod)["metadata"]["labels"]["tier"] == "frontend"
    assert "tier=frontend" in kubectl.run("get", "pods", "--show-labels").stdout
    # kubectl 1.27 prints "annotate", later versions "annotated": the client's wording.
    assert kubectl.run("annotate", "deployment", "web", "note=hello").stdout.strip() in ("deployment.apps/web annotated", "deployment.apps/web annotate")
    assert get_json(kubectl, "deployment", "web")["metadata"]["annotations"]["note"] == "hello"
    assert kubectl.run("patch", "deployment", "web", "-p", '{"spec":{"replicas":2}}').stdout.strip() == "deployment.apps/web patched"
    kubectl.run("patch", "deployment", "web", "--type=merge", "-p", '{"metadata":{"labels":{"team":"a"}}}')
    kubectl.run("patch", "deployment", "web", "--type=json", "-p", '[{"op":"add","path":"/spec/minReadySeconds","value":1}]')
    d = get_json(kubectl, "deployment", "web")
    assert (d["spec"]["replicas"], d["metadata"]["labels"]["team"], d["spec"]["minReadySeconds"]) == (2, "a", 1)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, re\np = sys.argv[1]\ns = open(p).read()\nopen(p, 'w').write(re.sub(r'replicas: 2', 'replicas: 4', s, count=1))\n")
    env = dict(os.environ, KUBE_EDITOR=f"{sys.executable} {editor}")
    out = subprocess.run([kubectl.binary, "--kubeconfig", str(kubectl.kubeconfig), "edit", "deployment/web"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "deployment.apps/web edited"
    assert get_json(kubectl, "deployment", "web")["spec"]["replicas"] == 4


def test_get_watch_shows_new_pods_live(kubectl):
    proc = subprocess.Popen([kubectl.binary, "--kubeconfig", str(kubectl.kubeconfig), "get", "pods", "-w"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        kubectl.run("run", "watched", "--image=nginx:1.25")
        lines = []

        def saw_running():
            line = proc.stdout.readline()
            lines.append(line)
            return line.startswith("watched") and "Running" in line

        wait_for(saw_running, 40, "the watched pod Running in kubectl get -w", interval=0)
        assert lines[0].split()[:3] == ["NAME", "READY", "STATUS"]
    finally:
        proc.kill()
        proc.communicate()


def test_bad_input_is_refused_with_kubectl_errors(kubectl):
    bad_field = manifest(1).replace("  replicas: 1", "  replicas: 1\n  replicass: 2")
    out = kubectl.run("apply", "-f", "-", input=bad_field, check=False)
    assert out.returncode != 0 and "replicass" in out.stderr
    out = kubectl.run("apply", "-f", "-", input=manifest(1).replace("name: web\n", "name: Web_Bad\n", 1), check=False)
    assert out.returncode != 0 and "is invalid" in out.stderr and "metadata.name" in out.stderr
    out = kubectl.run("apply", "-f", "-", input=manifest(1).replace("replicas: 1", "replicas: -1"), check=False)
    assert out.returncode != 0 and "spec.replicas" in out.stderr
    kubectl.run("create", "namespace", "dup")
    out = kubectl.run("create", "namespace", "dup", check=False)
    assert out.returncode != 0 and 'Error from server (AlreadyExists): namespaces "dup" already exists' in out.stderr
    out = kubectl.run("get", "pod", "ghost", check=False)
    assert 'Error from server (NotFound): pods "ghost" not found' in out.stderr
    assert get_json(kubectl, "deployments")["items"] == []


def test_server_side_apply_reports_conflicts_and_forces_them(kubectl):
    out = kubectl.run("apply", "--server-side", "-f", "-", input=manifest(2)).stdout
    assert out.strip() == "deployment.apps/web serverside-applied"
    managers = {m["manager"] for m in get_json(kubectl, "deployment", "web", "--show-managed-fields")["metadata"]["managedFields"]}
    assert "kubectl" in managers
    kubectl.run("scale", "deployment", "web", "--replicas=3")
    conflict = kubectl.run("apply", "--server-side", "-f", "-", input=manifest(4), check=False)
    assert conflict.returncode != 0
    assert "Apply failed with 1 conflict" in conflict.stderr and ".spec.replicas" in conflict.stderr
    assert get_json(kubectl, "deployment", "web")["spec"]["replicas"] == 3
    forced = kubectl.run("apply", "--server-side", "--force-conflicts", "-f", "-", input=manifest(4)).stdout
    assert forced.strip() == "deployment.apps/web serverside-applied"
    assert get_json(kubectl, "deployment", "web")["spec"]["replicas"] == 4


def test_explain_reads_the_served_openapi(kubectl):
    out = kubectl.run("explain", "deployment.spec.replicas").stdout
    assert "replicas" in out and "Number of desired pods" in out
    assert "FIELDS:" in kubectl.run("explain", "pods.spec").stdout


def test_logs_follow_streams_and_binding_places_a_pod(kubectl, server, cluster_name):
    deploy(kubectl, 1)
    pod = running_pods(kubectl)[0]["metadata"]["name"]
    proc = subprocess.Popen([kubectl.binary, "--kubeconfig", str(kubectl.kubeconfig), "logs", "-f", pod],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: "start worker processes" in proc.stdout.readline(), 20, "followed log lines", interval=0)
    finally:
        proc.kill()
        proc.communicate()
    base = f"/clusters/{cluster_name}"
    server.json("POST", f"{base}/playground/components/kube-scheduler/power", {"on": False})
    kubectl.run("run", "manual", "--image=nginx:1.25")
    code, body = server.json("POST", f"{base}/api/v1/namespaces/default/pods/manual/binding",
                             {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "manual"}, "target": {"kind": "Node", "name": "worker-3"}})
    assert code == 201, body
    wait_for(lambda: get_json(kubectl, "pod", "manual")["status"].get("phase") == "Running", 20, "the bound pod running")
    assert get_json(kubectl, "pod", "manual")["spec"]["nodeName"] == "worker-3"
    code, body = server.json("POST", f"{base}/api/v1/namespaces/default/pods/manual/binding",
                             {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "manual"}, "target": {"kind": "Node", "name": "worker-1"}})
    assert code == 409


def test_logs_follow_keeps_streaming_once_the_log_is_at_its_cap(kubectl, server, cluster_name):
    """The kubelet keeps a container's last 200 lines; a follower still gets every new one."""
    deploy(kubectl, 1)
    pod = running_pods(kubectl)[0]["metadata"]["name"]
    kubectl.run("expose", "deployment", "web", "--port=80")
    base = f"/clusters/{cluster_name}/playground"
    server.json("POST", f"{base}/clock", {"speed": 10})
    code, body = server.json("POST", f"{base}/traffic", {"service": "default/web", "rate": 10, "on": True})
    assert code == 200, body
    wait_for(lambda: len(kubectl.run("logs", pod).stdout.splitlines()) >= 200, 60, "a log at its 200-line cap")
    proc = subprocess.Popen([kubectl.binary, "--kubeconfig", str(kubectl.kubeconfig), "logs", "-f", "--tail=1", pod],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        served = []
        wait_for(lambda: served.append(proc.stdout.readline()) or len([s for s in served if '"GET / HTTP/1.1"' in s]) >= 30,
                 60, "30 new access lines followed", interval=0)
    finally:
        proc.kill()
        proc.communicate()
        server.json("POST", f"{base}/traffic", {"on": False})
