"""Bad input on the Kubernetes API of a real playground process (issue 13, items 1 and 2).

Each bad input: the status code and Kubernetes' message, the store unchanged (the cluster's
revision and the objects), and the server still answering right after. Payloads that used to
hang a thread (a YAML "billion laughs") or answer 500 (a 20,000-deep JSON) must be refused
within the HTTP client's timeout.
"""
from __future__ import annotations

import copy
import json
import time

import pytest

LAUGHS = "\n".join(
    [f'{chr(97)}: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 9)]
)
# the same bomb under a Deployment's annotations-free field, as kubectl would send a file
LAUGHS_DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: laughs\n"
    + "\n".join("  " + line for line in ("x:\n" + "\n".join("  " + l for l in LAUGHS.splitlines())).splitlines())
    + "\nspec:\n  replicas: 1\n"
)

DEPLOY = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]}}},
}
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def deployment(**spec_changes) -> dict:
    body = copy.deepcopy(DEPLOY)
    body["spec"].update(spec_changes)
    return body


def container(**changes) -> dict:
    body = copy.deepcopy(DEPLOY)
    body["spec"]["template"]["spec"]["containers"][0].update(changes)
    return body


@pytest.fixture
def base(cluster_name):
    return f"/clusters/{cluster_name}"


def users_annotations(obj: dict) -> dict:
    """Annotations but the deployment controller's own (its revision number comes when it gets to it)."""
    return {k: v for k, v in (obj["metadata"].get("annotations") or {}).items() if not k.startswith("deployment.kubernetes.io/")}


def snapshot(server, base) -> tuple:
    """What a refused request must leave as it was: the namespaces (their versions: nothing
    else writes them) and the Deployments as users wrote them (their status is the
    controllers' and moves on its own)."""
    code, namespaces = server.json("GET", f"{base}/api/v1/namespaces")
    assert code == 200, namespaces
    code, deployments = server.json("GET", f"{base}/apis/apps/v1/deployments")
    assert code == 200, deployments
    return (sorted((o["metadata"]["name"], o["metadata"]["resourceVersion"]) for o in namespaces["items"]),
            sorted((o["metadata"]["name"], o["metadata"]["generation"], json.dumps(o["spec"], sort_keys=True),
                    json.dumps(o["metadata"].get("labels"), sort_keys=True), json.dumps(users_annotations(o), sort_keys=True))
                   for o in deployments["items"]))


def refused(server, base, method, path, body: bytes, content_type: str, code: int, reason: str, message: str):
    before = snapshot(server, base)
    started = time.monotonic()
    status, raw, headers = server.request(method, f"{base}{path}", body, headers={"Content-Type": content_type})
    took = time.monotonic() - started
    answer = json.loads(raw)
    assert (status, answer.get("kind"), answer.get("reason")) == (code, "Status", reason), answer
    assert answer["code"] == code
    assert message in answer["message"], answer["message"]
    assert took < 10, f"refused only after {took:.1f} s"
    assert snapshot(server, base) == before, "a refused request changed the store"
    assert server.request("GET", "/healthz")[0] == 200
    return answer


BAD_BODIES = [
    # YAML limits (CVE-2019-11253 and friends)
    ("POST", DEPLOYMENTS, LAUGHS_DEPLOYMENT.encode(), "application/yaml", 400, "BadRequest", "yaml: document contains excessive aliasing"),
    ("PATCH", f"{DEPLOYMENTS}/web?fieldManager=kubectl", LAUGHS_DEPLOYMENT.replace("laughs", "web").encode(), "application/apply-patch+yaml",
     400, "BadRequest", "yaml: document contains excessive aliasing"),
    ("POST", DEPLOYMENTS, b"a: &a [*a]\n", "application/yaml", 400, "BadRequest", "yaml: anchor 'a' value contains itself"),
    ("POST", DEPLOYMENTS, b"x: " + b"[" * 20000 + b"]" * 20000, "application/yaml", 400, "BadRequest", "yaml: exceeded max depth of 100"),
    ("POST", DEPLOYMENTS, b"---\n".join([b"a: 1\n"] * 10001), "application/yaml", 400, "BadRequest", "more than 10000 documents"),
    # JSON depth
    ("POST", DEPLOYMENTS, b'{"x":' * 20000 + b"1" + b"}" * 20000, "application/json", 400, "BadRequest", "exceeded max depth of 100"),
    ("PATCH", f"{DEPLOYMENTS}/web", b'{"metadata":{"annotations":' + b"[" * 20000 + b"]" * 20000 + b"}}", "application/merge-patch+json",
     400, "BadRequest", "exceeded max depth of 100"),
    ("PATCH", f"{DEPLOYMENTS}/web", b'[{"op":"add","path":"/metadata/labels/x","value":' + b"[" * 20000 + b"]" * 20000 + b"}]",
     "application/json-patch+json", 400, "BadRequest", "exceeded max depth of 100"),
    # size: 3 MiB as kube-apiserver
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "metadata": {"name": "big", "annotations": {"a": "x" * (3 * 1024 * 1024)}}}).encode(),
     "application/json", 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728"),
    # int32 and int64 ranges and types, refused by the decoder as kube-apiserver's
    ("POST", DEPLOYMENTS, json.dumps(deployment(replicas=2**31)).encode(), "application/json", 400, "BadRequest",
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32'),
    ("POST", DEPLOYMENTS, json.dumps(deployment(replicas=10**12)).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal number 1000000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("POST", DEPLOYMENTS, json.dumps(deployment(replicas="3")).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("POST", DEPLOYMENTS, json.dumps(deployment(replicas=1.5)).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("POST", DEPLOYMENTS, b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 99999999999}\n", "application/yaml",
     400, "BadRequest", "cannot unmarshal number 99999999999 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("POST", DEPLOYMENTS, json.dumps(container(ports=[{"containerPort": "80"}])).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "spec": {**DEPLOY["spec"], "template": {**DEPLOY["spec"]["template"], "spec": {
        **DEPLOY["spec"]["template"]["spec"], "terminationGracePeriodSeconds": 2**63}}}}).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal number 9223372036854775808 into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "metadata": {"name": 7}}).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "metadata": {"name": "web", "labels": {"a": ["b"]}}}).encode(), "application/json", 400,
     "BadRequest", "cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type string"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "spec": []}).encode(), "application/json", 400, "BadRequest",
     "cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec"),
    # validation after decoding: 422 with the field path
    ("POST", DEPLOYMENTS, json.dumps(container(ports=[{"containerPort": 70000}])).encode(), "application/json", 422, "Invalid",
     "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
    ("POST", DEPLOYMENTS, json.dumps(container(ports=[{"containerPort": 80, "hostPort": 65536}])).encode(), "application/json", 422, "Invalid",
     "spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive"),
    ("POST", DEPLOYMENTS, json.dumps(container(resources={"requests": {"cpu": "lots"}})).encode(), "application/json", 422, "Invalid",
     "spec.template.spec.containers[0].resources.requests[cpu]"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "metadata": {"name": "web", "labels": {"-bad": "x"}}}).encode(), "application/json", 422,
     "Invalid", "metadata.labels: Invalid value: \"-bad\""),
    ("POST", DEPLOYMENTS, json.dumps(deployment(selector={"matchLabels": {"app": "other"}})).encode(), "application/json", 422, "Invalid",
     "`selector` does not match template `labels`"),
    # patches whose result Go could not decode
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"spec": {"replicas": 2**31}}).encode(), "application/merge-patch+json", 422, "Invalid",
     "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"spec": {"replicas": "many"}}).encode(), "application/strategic-merge-patch+json", 422,
     "Invalid", "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps([{"op": "replace", "path": "/spec/replicas", "value": 10**12}]).encode(),
     "application/json-patch+json", 422, "Invalid", "cannot unmarshal number 1000000000000"),
    ("PATCH", f"{DEPLOYMENTS}/web/scale", json.dumps({"spec": {"replicas": 2**31}}).encode(), "application/merge-patch+json", 422,
     "Invalid", "spec.replicas"),
    # an immutable field
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"spec": {"selector": {"matchLabels": {"app": "web", "tier": "x"}},
                                                         "template": {"metadata": {"labels": {"tier": "x"}}}}}).encode(),
     "application/merge-patch+json", 422, "Invalid", "field is immutable"),
]
IDS = ["yaml-billion-laughs", "apply-billion-laughs", "yaml-recursive-alias", "yaml-20000-deep", "yaml-10001-documents",
       "json-20000-deep", "merge-patch-20000-deep", "json-patch-20000-deep", "3-MiB-annotation",
       "replicas-2^31", "replicas-10^12", "replicas-string", "replicas-float", "yaml-replicas-int32-overflow", "containerPort-string",
       "grace-period-2^63", "name-number", "label-value-array", "spec-array",
       "containerPort-70000", "hostPort-65536", "cpu-not-a-quantity", "label-key-invalid", "selector-not-matching",
       "merge-patch-replicas-2^31", "strategic-patch-replicas-string", "json-patch-replicas-10^12", "scale-replicas-2^31",
       "selector-immutable"]


@pytest.mark.parametrize("method, path, body, content_type, code, reason, message", BAD_BODIES, ids=IDS)
def test_bad_input_is_refused_and_changes_nothing(server, base, method, path, body, content_type, code, reason, message):
    status, out = server.json("POST", f"{base}{DEPLOYMENTS}", DEPLOY)
    assert status == 201, out
    refused(server, base, method, path, body, content_type, code, reason, message)
    code_after, web = server.json("GET", f"{base}{DEPLOYMENTS}/web")
    assert code_after == 200 and web["spec"]["replicas"] == 1


def test_a_billion_laughs_does_not_hold_a_thread(server, base):
    """Ten bombs in a row: each refused at once, and the API answers between them."""
    for _ in range(10):
        started = time.monotonic()
        code, raw, _ = server.request("POST", f"{base}{DEPLOYMENTS}", LAUGHS_DEPLOYMENT.encode(), headers={"Content-Type": "application/yaml"})
        assert code == 400 and b"excessive aliasing" in raw
        assert time.monotonic() - started < 5
        assert server.json("GET", f"{base}/api/v1/namespaces")[0] == 200


@pytest.mark.parametrize("namespace", ["default", "kube-system", "kube-public", "kube-node-lease"])
def test_protected_namespaces_may_not_be_deleted(server, base, namespace):
    answer = refused(server, base, "DELETE", f"/api/v1/namespaces/{namespace}", b"", "application/json", 403, "Forbidden",
                     f'namespaces "{namespace}" is forbidden: this namespace may not be deleted')
    assert answer["details"] == {"name": namespace, "kind": "namespaces"}
    code, ns = server.json("GET", f"{base}/api/v1/namespaces/{namespace}")
    assert code == 200 and "deletionTimestamp" not in ns["metadata"] and ns["status"]["phase"] == "Active"


def test_other_namespaces_are_still_deleted(server, base):
    assert server.json("POST", f"{base}/api/v1/namespaces", {"metadata": {"name": "team-a"}})[0] == 201
    code, out = server.json("DELETE", f"{base}/api/v1/namespaces/team-a")
    assert code == 200, out


def test_kubectl_says_what_kubernetes_says(kubectl):
    result = kubectl.run("delete", "namespace", "kube-system", check=False)
    assert result.returncode != 0
    assert 'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted' in result.stderr
    kubectl.run("create", "deployment", "web", "--image=nginx:1.25")
    result = kubectl.run("scale", "deployment", "web", "--replicas=2147483648", check=False)
    assert result.returncode != 0
    result = kubectl.run("apply", "-f", "-", input=LAUGHS_DEPLOYMENT, check=False)
    assert result.returncode != 0 and "excessive aliasing" in result.stderr, result.stderr
    assert kubectl.run("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout == "1"


PODS = "/api/v1/namespaces/default/pods"
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}


def pod(**changes) -> bytes:
    body = copy.deepcopy(POD)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = value
    return json.dumps(body).encode()


QUERY_AND_NAME_BAD = [
    ("GET", f"{PODS}?labelSelector=app%20in%20(", b"", 400, "BadRequest", "unable to parse requirement"),
    ("GET", f"{PODS}?labelSelector=" + "a" * 70 + "%3Db", b"", 400, "BadRequest", "name part must be no more than 63 characters"),
    ("GET", f"{PODS}?fieldSelector=spec.unknown%3Dx", b"", 400, "BadRequest", 'field label not supported: spec.unknown'),
    ("GET", f"{PODS}?limit=many", b"", 400, "BadRequest", "invalid limit"),
    ("GET", f"{PODS}?continue=%25%25%25", b"", 400, "BadRequest", "continue key is not valid"),
    ("GET", f"{PODS}?watch=1&resourceVersion=abc", b"", 400, "BadRequest", "invalid resource version: abc"),
    ("GET", f"{PODS}?watch=1&timeoutSeconds=" + "9" * 30, b"", 400, "BadRequest", "invalid timeoutSeconds: 999"),
    ("GET", f"{PODS}?watch=1&labelSelector=app%3D" + "v" * 64, b"", 400, "BadRequest", "must be no more than 63 characters"),
    ("DELETE", f"{DEPLOYMENTS}/web?gracePeriodSeconds=soon", b"", 400, "BadRequest", "invalid gracePeriodSeconds"),
    ("DELETE", f"{DEPLOYMENTS}/web?propagationPolicy=Everything", b"", 400, "BadRequest", 'propagationPolicy "Everything" is not supported'),
    ("POST", f"{DEPLOYMENTS}?fieldValidation=Loose", json.dumps(DEPLOY).encode(), 400, "BadRequest", "fieldValidation parameter unsupported"),
    ("POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": "n" * 64}}).encode(), 422, "Invalid", "must be no more than 63 characters"),
    ("POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": "kube-system"}}).encode(), 409, "AlreadyExists", 'namespaces "kube-system" already exists'),
    ("POST", PODS, pod(metadata__name="p" * 254), 422, "Invalid", "must be no more than 253 characters"),
    ("POST", PODS, pod(metadata__labels={"app": "v" * 64}), 422, "Invalid", "must be no more than 63 characters"),
    ("POST", PODS, pod(metadata__labels={"a/b/c": "x"}), 422, "Invalid", "metadata.labels"),
    ("POST", PODS, pod(metadata__annotations={"big": "x" * (256 * 1024 + 1)}), 422, "Invalid", "Too long: must have at most 262144 bytes"),
    ("POST", PODS, pod(spec__containers=[{"name": "c", "image": "nginx"}, {"name": "c", "image": "nginx"}]), 422, "Invalid", 'Duplicate value: "c"'),
    ("POST", PODS, pod(spec__containers=[]), 422, "Invalid", "spec.containers: Required value"),
    ("POST", PODS, pod(spec__restartPolicy="Sometimes"), 422, "Invalid", 'Unsupported value: "Sometimes"'),
    ("POST", PODS, pod(spec__activeDeadlineSeconds=0), 422, "Invalid", "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"),
    ("POST", PODS, pod(spec__nodeSelector={"disk": "ss d"}), 422, "Invalid", "spec.nodeSelector"),
    ("POST", "/api/v1/namespaces/default/services", json.dumps({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "nodePort": 70000}]}}).encode(),
     422, "Invalid", "spec.ports[0].nodePort: Invalid value: 70000"),
    ("POST", "/api/v1/namespaces/default/services", json.dumps({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "targetPort": 0}]}}).encode(),
     422, "Invalid", "spec.ports[0].targetPort: Invalid value: 0"),
    ("POST", "/api/v1/namespaces/default/services", json.dumps({"metadata": {"name": "S_1"}, "spec": {"ports": [{"port": 80}]}}).encode(),
     422, "Invalid", "a DNS-1035 label must consist of lower case alphanumeric characters"),
    ("POST", "/api/v1/namespaces/default/configmaps", json.dumps({"metadata": {"name": "c"}, "data": {"bad key": "v"}}).encode(),
     422, "Invalid", "a valid config key must consist of alphanumeric characters"),
    ("POST", DEPLOYMENTS, json.dumps(deployment(selector={"matchExpressions": [{"key": "app", "operator": "Near", "values": ["web"]}]})).encode(),
     422, "Invalid", "not a valid selector operator"),
    ("POST", DEPLOYMENTS, json.dumps(deployment(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})).encode(),
     422, "Invalid", "may not be specified when strategy `type` is 'Recreate'"),
    ("PUT", "/api/v1/namespaces/default/services/kubernetes", json.dumps({"metadata": {"name": "kubernetes"}, "spec": {"clusterIP": "10.96.9.9", "ports": [{"name": "https", "port": 443}]}}).encode(),
     422, "Invalid", "may not change once set"),
]
QUERY_IDS = ["label-selector-unclosed", "label-selector-key-too-long", "field-selector-unknown-field",
             "limit-not-a-number", "continue-garbage", "watch-resourceVersion-garbage", "watch-timeout-huge", "watch-label-value-64", "grace-period-garbage",
             "propagation-policy-unknown", "field-validation-unknown", "namespace-name-64", "namespace-kube-system-again",
             "pod-name-254", "label-value-64", "label-key-two-slashes", "annotations-over-256-KiB", "duplicate-container-names",
             "no-containers", "restart-policy-unknown", "active-deadline-0", "node-selector-value-invalid", "nodePort-70000",
             "targetPort-0", "service-name-not-dns-1035", "configmap-key-invalid", "selector-operator-unknown",
             "recreate-with-rolling-update", "service-clusterIP-immutable"]


@pytest.mark.parametrize("method, path, body, code, reason, message", QUERY_AND_NAME_BAD, ids=QUERY_IDS)
def test_bad_parameters_names_and_fields_are_refused(server, base, method, path, body, code, reason, message):
    status, out = server.json("POST", f"{base}{DEPLOYMENTS}", DEPLOY)
    assert status == 201, out
    refused(server, base, method, path, body, "application/json", code, reason, message)


EVENTS = "/api/v1/namespaces/default/events"
EVENT = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "R", "message": "m"}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}]}}

# Found by throwing 4,318 odd values at every field of eight kinds, the patches and the control API:
# each of these answered 500. A JSON null is a field's zero value for Go's decoder.
FOUND_BY_FUZZING = [
    ("POST", PODS, pod(spec=None), 422, "Invalid", "spec.containers: Required value"),
    ("POST", PODS, pod(spec__containers=[None]), 422, "Invalid", "spec.containers[0].name: Required value"),
    ("POST", DEPLOYMENTS, json.dumps({**DEPLOY, "spec": None}).encode(), 422, "Invalid", "spec.selector: Required value"),
    ("POST", DEPLOYMENTS, json.dumps(deployment(template=None)).encode(), 422, "Invalid", "Required value"),
    ("POST", "/api/v1/namespaces/default/services", json.dumps({**SERVICE, "spec": {"ports": [None]}}).encode(), 422, "Invalid", "spec.ports[0].port"),
    ("POST", EVENTS, json.dumps({**EVENT, "reason": None}).encode(), 201, None, ""),
    ("POST", EVENTS, json.dumps({**EVENT, "involvedObject": {"kind": None, "name": None}}).encode(), 201, None, ""),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps([{"op": "replace", "path": "/spec", "value": None}]).encode(), 422, "Invalid", "spec.selector"),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"metadata": True}).encode(), 422, "Invalid",
     "json: cannot unmarshal bool into Go struct field Deployment.metadata of type v1.ObjectMeta"),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"metadata": []}).encode(), 422, "Invalid", "cannot unmarshal array into Go struct field Deployment.metadata"),
    ("PATCH", f"{DEPLOYMENTS}/web", json.dumps({"metadata": "x"}).encode(), 422, "Invalid", "cannot unmarshal string into Go struct field Deployment.metadata"),
    ("PATCH", f"{DEPLOYMENTS}/web/scale", json.dumps({"spec": "x"}).encode(), 422, "Invalid", "cannot unmarshal string into Go struct field Scale.spec of type v1.ScaleSpec"),
    ("GET", f"{PODS}?limit=99999999999999999999", b"", 400, "BadRequest", "invalid limit: 99999999999999999999"),
]
FUZZ_IDS = ["pod-spec-null", "container-null", "deployment-spec-null", "template-null", "service-port-null", "event-reason-null",
            "event-involved-null", "json-patch-spec-null", "merge-patch-metadata-bool", "merge-patch-metadata-list",
            "merge-patch-metadata-string", "scale-patch-spec-string", "limit-past-int64"]


@pytest.mark.parametrize("method, path, body, code, reason, message", FOUND_BY_FUZZING, ids=FUZZ_IDS)
def test_inputs_that_were_500s(server, base, method, path, body, code, reason, message):
    status, out = server.json("POST", f"{base}{DEPLOYMENTS}", DEPLOY)
    assert status == 201, out
    if code < 300:  # accepted as Kubernetes accepts it (a null is no value), not a 500
        status, raw, _ = server.request(method, f"{base}{path}", body, headers={"Content-Type": "application/json"})
        assert status == code, raw
        return
    refused(server, base, method, path, body, "application/merge-patch+json" if method == "PATCH" and body.startswith(b"{") else
            "application/json-patch+json" if method == "PATCH" else "application/json", code, reason, message)


APPLY_FOUND = [
    (json.dumps({**DEPLOY, "metadata": True}).encode(), 422, "cannot unmarshal bool into Go struct field Deployment.metadata of type v1.ObjectMeta"),
    (json.dumps({**DEPLOY, "metadata": "web"}).encode(), 422, "cannot unmarshal string into Go struct field Deployment.metadata"),
    (json.dumps({**DEPLOY, "metadata": None}).encode(), 200, ""),
]


@pytest.mark.parametrize("body, code, message", APPLY_FOUND, ids=["metadata-bool", "metadata-string", "metadata-null"])
def test_server_side_apply_of_a_misshapen_object(server, base, body, code, message):
    """Found by fuzzing server-side apply: each answered 500."""
    status, out = server.json("POST", f"{base}{DEPLOYMENTS}", DEPLOY)
    assert status == 201, out
    path = f"{DEPLOYMENTS}/web?fieldManager=fuzz&force=true"
    if code == 200:
        status, raw, _ = server.request("PATCH", f"{base}{path}", body, headers={"Content-Type": "application/apply-patch+yaml"})
        assert status == 200, raw
        return
    refused(server, base, "PATCH", path, body, "application/apply-patch+yaml", code, "Invalid", message)


def test_the_yaml_editor_with_a_kind_that_is_not_a_word(server, base):
    """Found by fuzzing the page's editor: an apiVersion or kind that is a list or a mapping was a 500 page."""
    code, out = server.json("POST", f"{base}/playground/apply", {"yaml": "apiVersion: [apps/v1]\nkind: {a: 1}\nmetadata: {name: x}\n"})
    assert code == 422 and out["kind"] == "Status", out
    assert 'no matches for kind "{\'a\': 1}"' in out["message"]
    assert server.request("GET", "/healthz")[0] == 200


ODD_VALUES = [None, True, 0, -1, 2**31, 2**63, 1.5, "", "x", "1e400", [], {}, [1], {"a": 1}, "-" * 300, "\u0000", "é"]


def _paths(obj, prefix=()):
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return
    for key, value in items:
        yield prefix + (key,)
        yield from _paths(value, prefix + (key,))


def _with(obj: dict, path: tuple, value) -> dict:
    body = copy.deepcopy(obj)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize("path, obj", [(DEPLOYMENTS, DEPLOY), (PODS, POD)], ids=["deployment", "pod"])
def test_no_odd_value_in_any_field_is_a_server_error(server, base, path, obj):
    """Every field of the object set to each odd value and created: never a 5xx (a guard kept from the fuzzing)."""
    errors = []
    for field in _paths(obj):
        for value in ODD_VALUES:
            body = json.dumps(_with(obj, field, value)).encode()
            code, raw, _ = server.request("POST", f"{base}{path}", body)
            if code >= 500:
                errors.append(("create", field, value, raw[:200]))
            elif code == 201:
                server.request("DELETE", f"{base}{path}/{json.loads(raw)['metadata']['name']}?gracePeriodSeconds=0")
    assert errors == []
    assert server.request("GET", "/healthz")[0] == 200


def test_an_immutable_configmap_keeps_its_data(server, base):
    configmaps = f"{base}/api/v1/namespaces/default/configmaps"
    assert server.json("POST", configmaps, {"metadata": {"name": "frozen"}, "data": {"k": "v"}, "immutable": True})[0] == 201
    refused(server, base, "PATCH", "/api/v1/namespaces/default/configmaps/frozen", json.dumps({"data": {"k": "w"}}).encode(),
            "application/merge-patch+json", 422, "Invalid",
            'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set')
    refused(server, base, "PATCH", "/api/v1/namespaces/default/configmaps/frozen", json.dumps({"immutable": False}).encode(),
            "application/merge-patch+json", 422, "Invalid", "immutable: Forbidden: field is immutable when `immutable` is set")
    code, out = server.json("PATCH", f"{configmaps}/frozen", {"metadata": {"labels": {"a": "b"}}}, {"Content-Type": "application/merge-patch+json"})
    assert code == 200 and out["data"] == {"k": "v"}, "its metadata may still change"
