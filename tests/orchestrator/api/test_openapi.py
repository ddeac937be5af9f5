"""The published OpenAPI documents, and the real kubectl reading them."""

import gzip
import hashlib
import json

import pytest

from orchestrator.api import gen_openapi_schema as gen
from orchestrator.api import schema_source
from orchestrator.api import openapi
from tests.orchestrator.api.kubectl_stub import StubServer, kubectl_path

SERVED = [
    ("", "v1", "Namespace"), ("", "v1", "Node"), ("", "v1", "Pod"), ("", "v1", "Service"),
    ("", "v1", "Endpoints"), ("", "v1", "Event"), ("", "v1", "ConfigMap"), ("", "v1", "Binding"),
    ("events.k8s.io", "v1", "Event"), ("apps", "v1", "Deployment"), ("apps", "v1", "ReplicaSet"),
    ("coordination.k8s.io", "v1", "Lease"), ("policy", "v1", "Eviction"), ("autoscaling", "v1", "Scale"),
]


def _refs(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                out.add(value)
            else:
                _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)
    return out


# --------------------------------------------------------------------------
# definitions


def test_definitions_come_from_kubernetes():
    assert openapi.kubernetes_version() == "1.37.0"
    defs = openapi.definitions()
    spec = defs["io.k8s.api.apps.v1.DeploymentSpec"]
    assert spec["required"] == ["selector", "template"]
    assert spec["properties"]["replicas"]["type"] == "integer"
    assert spec["properties"]["replicas"]["description"].startswith("Number of desired pods.")
    assert spec["properties"]["strategy"]["x-kubernetes-patch-strategy"] == "retainKeys"
    containers = defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["items"] == {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}
    assert defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"


@pytest.mark.parametrize("group, version, kind", SERVED)
def test_every_served_kind_has_a_definition(group, version, kind):
    api_version = f"{group}/{version}" if group else version
    name = openapi.definition_name(api_version, kind)
    assert name is not None
    gvks = openapi.definitions()[name]["x-kubernetes-group-version-kind"]
    assert {"group": group, "version": version, "kind": kind} in gvks
    # apiVersion / kind carry no enum (kubernetes-validate adds one; kube-apiserver does not)
    props = openapi.definitions()[name]["properties"]
    assert "enum" not in props["apiVersion"] and "enum" not in props["kind"]


def test_definitions_are_closed_and_in_openapi_v2_form():
    defs = openapi.definitions()
    for ref in _refs(defs, set()):
        assert ref.startswith("#/definitions/")
        assert ref[len("#/definitions/"):] in defs
    text = json.dumps(defs)
    assert '"null"' not in text and "$defs" not in text and "oneOf" not in text

    def check(schema):
        assert isinstance(schema.get("type", ""), str), schema
        for sub in schema.get("properties", {}).values():
            check(sub)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                check(schema[key])

    for schema in defs.values():
        check(schema)


def test_data_file_is_small_and_deterministic():
    with open(openapi.DATA_FILE, "rb") as fh:
        raw = fh.read()
    assert len(raw) < 200_000
    payload = json.loads(gzip.decompress(raw))
    assert payload["generatedBy"] == "orchestrator/api/gen_openapi_schema.py"
    assert gen.render(payload["definitions"], payload["kubernetesVersion"], payload["source"]) == raw


def test_generator_converts_the_json_schema_dialect():
    source = {
        "io.k8s.api.x.v1.Thing": {
            "description": "A thing.",
            "type": ["object", "null"],
            "properties": {
                "apiVersion": {"type": ["string", "null"], "enum": ["x/v1"]},
                "kind": {"type": ["string", "null"], "enum": ["Thing"]},
                "size": {"$ref": "#/$defs/io.k8s.apimachinery.pkg.api.resource.Quantity", "description": "How big."},
                "port": {"$ref": "#/$defs/io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
                "tags": {"type": ["array", "null"], "items": {"type": "string"}},
            },
            "x-kubernetes-group-version-kind": [{"group": "x", "kind": "Thing", "version": "v1"}],
        },
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]},
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]},
        "io.k8s.api.x.v1.Unused": {"type": "object"},
    }
    built = gen.build(source, ["io.k8s.api.x.v1.Thing"])
    assert sorted(built) == [
        "io.k8s.api.x.v1.Thing",
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    ]
    thing = built["io.k8s.api.x.v1.Thing"]
    assert thing["type"] == "object"
    assert thing["properties"]["apiVersion"] == {"type": "string"}
    assert thing["properties"]["size"] == {
        "$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity", "description": "How big.",
    }
    assert thing["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}
    assert built["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"] == "string"
    assert built["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
    assert built["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"] == "string"


def test_generator_reproduces_the_committed_file():
    try:
        source, where = schema_source.load(schema_source.arguments("", "", []))
    except SystemExit:
        pytest.skip("kubernetes-validate==1.37.0 is not installed (pip install kubernetes-validate==1.37.0)")
    data = gen.render(gen.build(source), schema_source.DEFAULT_VERSION, where)
    with open(openapi.DATA_FILE, "rb") as fh:
        assert fh.read() == data


# --------------------------------------------------------------------------
# v2


def _operations(doc):
    for url, item in doc["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield url, method, op


def test_v2_document_shape():
    doc = openapi.v2_document()
    assert doc["swagger"] == "2.0"
    assert doc["info"]["version"] == "v1.37.0"
    item = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]
    assert set(item) == {"get", "put", "patch", "delete", "parameters"}
    patch = item["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert patch["x-kubernetes-action"] == "patch"
    assert patch["operationId"] == "patchAppsV1NamespacedDeployment"
    assert "application/apply-patch+yaml" in patch["consumes"]
    names = [p["name"] for p in patch["parameters"]]
    assert names == ["body", "dryRun", "fieldManager", "fieldValidation", "force"]
    assert [p["name"] for p in item["parameters"]] == ["name", "namespace", "pretty"]
    scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["patch"]
    assert scale["x-kubernetes-group-version-kind"] == {"group": "autoscaling", "kind": "Scale", "version": "v1"}
    eviction = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]["post"]
    assert eviction["x-kubernetes-group-version-kind"]["kind"] == "Eviction"
    assert doc["paths"]["/api/v1/namespaces/{namespace}/pods"]["get"]["operationId"] == "listCoreV1NamespacedPod"
    assert doc["paths"]["/api/v1/pods"]["get"]["operationId"] == "listCoreV1PodForAllNamespaces"
    assert doc["paths"]["/api/v1/nodes/{name}/status"]["put"]["operationId"] == "replaceCoreV1NodeStatus"
    assert "/api/v1/namespaces/{namespace}/bindings" in doc["paths"]


def test_every_write_names_field_validation_and_every_ref_resolves():
    doc = openapi.v2_document()
    gvks = set()
    for url, method, op in _operations(doc):
        if method in ("post", "put", "patch"):
            assert "fieldValidation" in [p["name"] for p in op["parameters"]], (url, method)
        if method == "patch":
            gvk = op["x-kubernetes-group-version-kind"]
            gvks.add((gvk["group"], gvk["version"], gvk["kind"]))
    for ref in _refs(doc["paths"], set()):
        assert ref[len("#/definitions/"):] in doc["definitions"]
    # every patchable served kind can be verified by kubectl
    for kind in SERVED:
        if kind[2] not in ("Binding", "Eviction"):
            assert kind in gvks, kind


def test_v2_json_is_the_document():
    assert json.loads(openapi.v2_json()) == openapi.v2_document()
    assert openapi.v2_json() is openapi.v2_json()  # cached


# A protobuf wire-format reader, to check the encoding independently.
def _read_varint(data, pos):
    shift = result = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(data):
    """{field number: [values]} of one message; length-delimited values as bytes."""
    out, pos = {}, 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def _named(entries):
    """Decode repeated Named* messages (name = 1, value = 2) into a dict of raw values."""
    result = {}
    for entry in entries:
        f = _fields(entry)
        result[f[1][0].decode()] = f.get(2, [b""])[0]
    return result


def test_v2_protobuf_is_a_gnostic_document():
    data = openapi.v2_protobuf()
    doc = _fields(data)
    assert doc[1] == [b"2.0"]  # swagger
    info = _fields(doc[2][0])
    assert info[1] == [b"Kubernetes"] and info[2] == [b"v1.37.0"]
    definitions = _named(_fields(doc[9][0])[1])  # Definitions.additional_properties
    assert sorted(definitions) == sorted(openapi.definitions())

    deployment = _fields(definitions["io.k8s.api.apps.v1.Deployment"])
    extensions = _named(deployment[31])  # vendor_extension
    gvk_yaml = _fields(extensions["x-kubernetes-group-version-kind"])[2][0]  # Any.yaml
    assert json.loads(gvk_yaml) == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert deployment[19] == [b"spec"]  # required
    assert _fields(deployment[22][0])[1] == [b"object"]  # TypeItem.value

    spec_props = _named(_fields(_fields(definitions["io.k8s.api.apps.v1.DeploymentSpec"])[25][0])[1])
    replicas = _fields(spec_props["replicas"])
    assert replicas[2] == [b"int32"]  # format
    assert replicas[4][0].decode().startswith("Number of desired pods.")  # description
    template = _fields(spec_props["template"])
    assert template[1] == [b"#/definitions/io.k8s.api.core.v1.PodTemplateSpec"]  # _ref
    containers = _fields(
        _named(_fields(_fields(definitions["io.k8s.api.core.v1.PodSpec"])[25][0])[1])["containers"]
    )
    item = _fields(_fields(containers[23][0])[1][0])  # ItemsItem.schema[0]
    assert item[1] == [b"#/definitions/io.k8s.api.core.v1.Container"]

    paths = _named(_fields(doc[8][0])[2])  # Paths.path
    assert sorted(paths) == sorted(openapi.v2_document()["paths"])
    item = _fields(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"])
    patch = _fields(item[8][0])  # PathItem.patch
    op_ext = _named(patch[13])
    assert json.loads(_fields(op_ext["x-kubernetes-group-version-kind"])[2][0]) == {
        "group": "apps", "kind": "Deployment", "version": "v1",
    }
    query_names = []
    for param in patch[8]:  # ParametersItem
        parameter = _fields(_fields(param)[1][0])  # .parameter
        if 2 in parameter:  # non_body_parameter
            sub = _fields(parameter[2][0])
            if 3 in sub:  # query_parameter_sub_schema
                query_names.append(_fields(sub[3][0])[4][0].decode())
        else:
            body = _fields(parameter[1][0])
            assert body[3] == [b"body"]
            assert _fields(body[5][0])[1] == [b"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"]
    assert query_names == ["dryRun", "fieldManager", "fieldValidation", "force"]
    assert openapi.v2_protobuf() is data  # cached


def test_protobuf_encoder_rejects_unknown_keywords():
    with pytest.raises(ValueError):
        openapi.encode_v2_protobuf({"swagger": "2.0", "paths": {}, "definitions": {"X": {"oneOf": []}}})


@pytest.mark.parametrize(
    "accept, content_type",
    [
        (openapi.V2_PROTOBUF_ACCEPT, openapi.V2_PROTOBUF_CONTENT_TYPE),
        (openapi.V2_PROTOBUF_CONTENT_TYPE, openapi.V2_PROTOBUF_CONTENT_TYPE),
        ("application/json", "application/json"),
        ("application/json, */*", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
        (f"application/json;q=0.5, {openapi.V2_PROTOBUF_ACCEPT}", openapi.V2_PROTOBUF_CONTENT_TYPE),
        ("text/html", None),
        ("application/json;q=0", None),
    ],
)
def test_v2_content_negotiation(accept, content_type):
    result = openapi.v2_for_accept(accept)
    if content_type is None:
        assert result is None
    else:
        assert result[0] == content_type
        assert result[1] == (openapi.v2_json() if content_type == "application/json" else openapi.v2_protobuf())


def test_v2_etag():
    assert openapi.v2_etag() == hashlib.sha512(openapi.v2_json()).hexdigest().upper()


# --------------------------------------------------------------------------
# v3


def test_v3_index():
    index = openapi.v3_index()
    assert sorted(index["paths"]) == [
        "api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/events.k8s.io/v1",
    ]
    for gv, entry in index["paths"].items():
        url = entry["serverRelativeURL"]
        assert url == f"/openapi/v3/{gv}?hash={openapi.v3_hash(gv)}"
        assert openapi.v3_hash(gv) == hashlib.sha512(openapi.v3_json(gv)).hexdigest().upper()
        assert len(openapi.v3_hash(gv)) == 128
    prefixed = openapi.v3_index("/clusters/demo/")
    assert prefixed["paths"]["api/v1"]["serverRelativeURL"].startswith("/clusters/demo/openapi/v3/api/v1?hash=")
    assert openapi.v3_index() == index  # stable


def test_v3_documents():
    assert openapi.v3_document("apis/batch/v1") is None
    assert openapi.v3_json("apis/batch/v1") is None
    doc = openapi.v3_document("apis/apps/v1")
    assert doc is openapi.v3_document("/apis/apps/v1/")
    assert doc["openapi"] == "3.0.0"
    assert json.loads(openapi.v3_json("apis/apps/v1")) == doc
    assert all(url.startswith("/apis/apps/v1/") for url in doc["paths"])
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc, set()):
        assert ref.startswith("#/components/schemas/")
        assert ref[len("#/components/schemas/"):] in schemas
    assert "io.k8s.api.core.v1.PodSpec" in schemas and "io.k8s.api.autoscaling.v1.Scale" in schemas
    assert "io.k8s.api.coordination.v1.Lease" not in schemas

    # a property with a description wraps its reference in allOf
    assert schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["template"] == {
        "allOf": [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"}],
        "description": openapi.definitions()["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["template"]["description"],
    }
    int_or_string = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert int_or_string["oneOf"] == [{"type": "integer"}, {"type": "string"}] and "type" not in int_or_string

    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert [p["name"] for p in patch["parameters"]] == ["dryRun", "fieldManager", "fieldValidation", "force"]
    assert patch["parameters"][2] == {
        "name": "fieldValidation", "in": "query",
        "description": openapi._PARAMS["fieldValidation"]["description"],
        "schema": {"type": "string", "uniqueItems": True},
    }
    assert set(patch["requestBody"]["content"]) == {
        "application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/apply-patch+yaml",
    }
    assert patch["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/io.k8s.api.apps.v1.Deployment"
    }

    core = openapi.v3_document("api/v1")
    assert "/api/v1/namespaces/{namespace}/pods/{name}/eviction" in core["paths"]
    assert "io.k8s.api.policy.v1.Eviction" in core["components"]["schemas"]


# --------------------------------------------------------------------------
# the real kubectl

KUBECTLS = ["1.27", "1.33"]

BAD_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicass: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
"""


def _kubectl(version):
    path = kubectl_path(version)
    if path is None:
        pytest.skip(f"kubectl {version} is not installed at /usr/lib/google-cloud-sdk/bin/kubectl.{version}")
    return path


@pytest.mark.kubectl
@pytest.mark.parametrize("version", KUBECTLS)
def test_kubectl_explain(version, tmp_path):
    kubectl = _kubectl(version)
    with StubServer() as server:
        result = server.run_kubectl(kubectl, ["explain", "deployment.spec.replicas"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "replicas <integer>" in result.stdout
        assert "Number of desired pods." in result.stdout
        result = server.run_kubectl(kubectl, ["explain", "deployment.spec.strategy.rollingUpdate.maxSurge"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "maxSurge <IntOrString>" in result.stdout
        seen = [(r.path, r.query.get("hash"), r.accept) for r in server.openapi_requests()]
    assert ("/openapi/v3", None, "application/json, */*") in seen
    assert ("/openapi/v3/apis/apps/v1", openapi.v3_hash("apis/apps/v1"), "application/json") in seen
    if version == "1.27":
        assert ("/openapi/v2", None, openapi.V2_PROTOBUF_ACCEPT) in seen


@pytest.mark.kubectl
@pytest.mark.parametrize("version", KUBECTLS)
def test_kubectl_explain_from_openapi_v2(version, tmp_path):
    kubectl = _kubectl(version)
    args = ["explain", "pods.spec.containers.resources"]
    if version != "1.27":
        args.append("--output=plaintext-openapiv2")
    with StubServer() as server:
        result = server.run_kubectl(kubectl, args, tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Compute Resources required by this container." in result.stdout
        assert any(r.path == "/openapi/v2" and r.accept == openapi.V2_PROTOBUF_ACCEPT for r in server.openapi_requests())


@pytest.mark.kubectl
@pytest.mark.parametrize("version", KUBECTLS)
def test_kubectl_client_side_validation_reads_our_schemas(version, tmp_path):
    """With a server that does not advertise fieldValidation, kubectl validates from /openapi/v2."""
    kubectl = _kubectl(version)
    (tmp_path / "bad.yaml").write_text(BAD_DEPLOYMENT)
    with StubServer(advertise_field_validation=False) as server:
        result = server.run_kubectl(kubectl, ["apply", "--dry-run=client", "-f", str(tmp_path / "bad.yaml")], tmp_path)
        assert result.returncode != 0
        assert 'unknown field "replicass" in io.k8s.api.apps.v1.DeploymentSpec' in result.stderr
        result = server.run_kubectl(
            kubectl, ["create", "--dry-run=client", "--validate=strict", "-f", "-"], tmp_path,
            stdin=BAD_DEPLOYMENT.replace("replicass", "replicas"),
        )
        assert result.returncode == 0, result.stderr
        assert "deployment.apps/web created (dry run)" in result.stdout
        assert not [r for r in server.requests if r.method != "GET"]  # a client dry run writes nothing


@pytest.mark.kubectl
@pytest.mark.parametrize("version", KUBECTLS)
def test_kubectl_leaves_validation_to_the_server(version, tmp_path):
    """Our OpenAPI advertises fieldValidation: kubectl sends Strict and shows the server's message."""
    kubectl = _kubectl(version)
    (tmp_path / "bad.yaml").write_text(BAD_DEPLOYMENT)
    with StubServer() as server:
        result = server.run_kubectl(kubectl, ["apply", "--dry-run=client", "-f", str(tmp_path / "bad.yaml")], tmp_path)
        assert result.returncode == 0, result.stderr  # as against a real cluster: nothing checks a client dry run

        result = server.run_kubectl(kubectl, ["create", "-f", str(tmp_path / "bad.yaml")], tmp_path)
        assert result.returncode != 0
        assert (
            'Error from server (BadRequest): error when creating "' in result.stderr
            and 'Deployment in version "v1" cannot be handled as a Deployment: '
            'strict decoding error: unknown field "spec.replicass"' in result.stderr
        ), result.stderr
        posts = [r for r in server.requests if r.method == "POST"]
        assert posts and posts[-1].query["fieldValidation"] == "Strict"
        assert posts[-1].path == "/apis/apps/v1/namespaces/default/deployments"

        result = server.run_kubectl(kubectl, ["apply", "--validate=warn", "-f", str(tmp_path / "bad.yaml")], tmp_path)
        assert result.returncode == 0, result.stderr
        assert 'Warning: unknown field "spec.replicass"' in result.stderr
        assert server.requests[-1].query["fieldValidation"] == "Warn"


@pytest.mark.kubectl
@pytest.mark.parametrize("version", KUBECTLS)
@pytest.mark.parametrize("index_prefix", ["/clusters/demo", ""])
def test_kubectl_behind_a_path_prefix(version, index_prefix, tmp_path):
    kubectl = _kubectl(version)
    with StubServer(prefix="/clusters/demo", v3_index_prefix=index_prefix) as server:
        result = server.run_kubectl(kubectl, ["explain", "leases.spec.holderIdentity"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "holderIdentity <string>" in result.stdout
        fetched = [r for r in server.openapi_requests() if r.path.startswith("/openapi/v3/apis/")]
        assert fetched and all(r.raw_path.startswith("/clusters/demo/openapi/v3/") and r.status == 200 for r in fetched)
