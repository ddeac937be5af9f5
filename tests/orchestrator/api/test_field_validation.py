"""Unknown and duplicate fields, reported as kube-apiserver does.

The bodies and expected messages of the first tests are those of
kube-apiserver's integration test of field validation
(test/integration/apiserver/field_validation_test.go).
"""

import json

import pytest

from orchestrator.api import field_validation as fv

DEPLOYMENT = ("apps/v1", "Deployment")

INVALID_BODY_JSON = """
\t{
\t\t"apiVersion": "apps/v1",
\t\t"kind": "Deployment",
\t\t"metadata": {
\t\t\t"name": "dupename",
\t\t\t"name": "test-deployment",
\t\t\t"labels": {"app": "nginx"},
\t\t\t"unknownMeta": "metaVal"
\t\t},
\t\t"spec": {
\t\t\t"unknown1": "val1",
\t\t\t"unknownDupe": "valDupe",
\t\t\t"unknownDupe": "valDupe2",
\t\t\t"paused": true,
\t\t\t"paused": false,
\t\t\t"selector": {
\t\t\t\t"matchLabels": {
\t\t\t\t\t"app": "nginx"
\t\t\t\t}
\t\t\t},
\t\t\t"template": {
\t\t\t\t"metadata": {
\t\t\t\t\t"labels": {
\t\t\t\t\t\t"app": "nginx"
\t\t\t\t\t}
\t\t\t\t},
\t\t\t\t"spec": {
\t\t\t\t\t"containers": [{
\t\t\t\t\t\t"name":  "nginx",
\t\t\t\t\t\t"image": "nginx:latest",
\t\t\t\t\t\t"unknownNested": "val1",
\t\t\t\t\t\t"imagePullPolicy": "Always",
\t\t\t\t\t\t"imagePullPolicy": "Never"
\t\t\t\t\t}]
\t\t\t\t}
\t\t\t}
\t\t}
\t}
"""

INVALID_BODY_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: dupename
  name: test-deployment
  unknownMeta: metaVal
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never"""

APPLY_INVALID_BODY = """{
\t\t"apiVersion": "apps/v1",
\t\t"kind": "Deployment",
\t\t"metadata": {
\t\t\t"name": "apply-create",
\t\t\t"labels": {"app": "nginx"}
\t\t},
\t\t"spec": {
\t\t\t"paused": false,
\t\t\t"paused": true,
\t\t\t"selector": {
\t\t\t\t"matchLabels": {
\t\t\t\t\t"app": "nginx"
\t\t\t\t}
\t\t\t},
\t\t\t"template": {
\t\t\t\t"metadata": {
\t\t\t\t\t"labels": {
\t\t\t\t\t\t"app": "nginx"
\t\t\t\t\t}
\t\t\t\t},
\t\t\t\t"spec": {
\t\t\t\t\t"containers": [{
\t\t\t\t\t\t"name":  "nginx",
\t\t\t\t\t\t"image": "nginx:latest",
\t\t\t\t\t\t"imagePullPolicy": "Never",
\t\t\t\t\t\t"imagePullPolicy": "Always"
\t\t\t\t\t}]
\t\t\t\t}
\t\t\t}
\t\t}
\t}"""

SMP_BODY = """
\t{
\t\t"spec": {
\t\t\t"unknown1": "val1",
\t\t\t"unknownDupe": "valDupe",
\t\t\t"unknownDupe": "valDupe2",
\t\t\t"paused": true,
\t\t\t"paused": false,
\t\t\t"selector": {
\t\t\t\t"matchLabels": {
\t\t\t\t\t"app": "nginx"
\t\t\t\t}
\t\t\t},
\t\t\t"template": {
\t\t\t\t"metadata": {
\t\t\t\t\t"labels": {
\t\t\t\t\t\t"app": "nginx"
\t\t\t\t\t}
\t\t\t\t},
\t\t\t\t"spec": {
\t\t\t\t\t"containers": [{
\t\t\t\t\t\t"name": "nginx",
\t\t\t\t\t\t"unknownNested": "val1",
\t\t\t\t\t\t"imagePullPolicy": "Always",
\t\t\t\t\t\t"imagePullPolicy": "Never"
\t\t\t\t\t}]
\t\t\t\t}
\t\t\t}
\t\t}
\t}
"""


def _valid_deployment(**spec_extra):
    spec = {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "Always"}]},
        },
    }
    spec.update(spec_extra)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "nginx"}, "annotations": {"a1": "foo"}},
        "spec": spec,
    }


# --------------------------------------------------------------------------
# kube-apiserver's own expectations


def test_json_create_body_matches_kube_apiserver():
    problems = fv.unknown_and_duplicate_fields(DEPLOYMENT, INVALID_BODY_JSON)
    # Warn: one Warning per problem, in this order.
    assert problems == [
        'duplicate field "metadata.name"',
        'unknown field "metadata.unknownMeta"',
        'unknown field "spec.unknown1"',
        'unknown field "spec.unknownDupe"',
        'duplicate field "spec.paused"',
        # a field both unknown and duplicated is reported once, as unknown
        'unknown field "spec.template.spec.containers[0].unknownNested"',
        'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
    ]
    # Strict: one error.
    assert fv.strict_decoding_error(problems) == (
        'strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", '
        'unknown field "spec.unknown1", unknown field "spec.unknownDupe", duplicate field "spec.paused", '
        'unknown field "spec.template.spec.containers[0].unknownNested", '
        'duplicate field "spec.template.spec.containers[0].imagePullPolicy"'
    )


def test_yaml_create_body_matches_kube_apiserver():
    problems = fv.unknown_and_duplicate_fields(DEPLOYMENT, INVALID_BODY_YAML)
    assert problems == [
        'line 5: key "name" already set in map',
        'line 12: key "unknownDupe" already set in map',
        'line 14: key "paused" already set in map',
        'line 28: key "imagePullPolicy" already set in map',
        'unknown field "metadata.unknownMeta"',
        'unknown field "spec.template.spec.containers[0].unknownNested"',
        'unknown field "spec.unknown1"',
        'unknown field "spec.unknownDupe"',
    ]
    assert fv.strict_decoding_error(problems) == (
        "strict decoding error: yaml: unmarshal errors:\n"
        '  line 5: key "name" already set in map\n'
        '  line 12: key "unknownDupe" already set in map\n'
        '  line 14: key "paused" already set in map\n'
        '  line 28: key "imagePullPolicy" already set in map, unknown field "metadata.unknownMeta", '
        'unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", '
        'unknown field "spec.unknownDupe"'
    )


def test_server_side_apply_body_duplicates_as_yaml_lines():
    # kubectl sends JSON as application/apply-patch+yaml; kube reads it as YAML.
    assert fv.yaml_duplicate_keys(APPLY_INVALID_BODY) == [
        'line 10: key "paused" already set in map',
        'line 27: key "imagePullPolicy" already set in map',
    ]
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, APPLY_INVALID_BODY, yaml_body=True) == [
        'line 10: key "paused" already set in map',
        'line 27: key "imagePullPolicy" already set in map',
    ]


def test_strategic_merge_patch_recipe_matches_kube_apiserver():
    patch_duplicates = fv.duplicate_fields(SMP_BODY)
    patched = _valid_deployment()
    merged_spec = json.loads(SMP_BODY)["spec"]  # last value wins, like Go
    patched["spec"]["unknown1"] = merged_spec["unknown1"]
    patched["spec"]["unknownDupe"] = merged_spec["unknownDupe"]
    patched["spec"]["paused"] = merged_spec["paused"]
    patched["spec"]["template"]["spec"]["containers"][0]["unknownNested"] = "val1"
    problems = patch_duplicates + fv.unknown_fields(DEPLOYMENT, patched)
    assert fv.strict_decoding_error(problems) == (
        'strict decoding error: duplicate field "spec.unknownDupe", duplicate field "spec.paused", '
        'duplicate field "spec.template.spec.containers[0].imagePullPolicy", '
        'unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", '
        'unknown field "spec.unknownDupe"'
    )


def test_cannot_be_handled_message():
    problems = fv.unknown_and_duplicate_fields(DEPLOYMENT, json.dumps(_valid_deployment(replicass=3)))
    assert problems == ['unknown field "spec.replicass"']
    assert fv.cannot_be_handled_message("apps/v1", "Deployment", problems) == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replicass"'
    )
    assert fv.cannot_be_handled_message("v1", "Pod", ['unknown field "spec.x"']).startswith(
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
    )


def test_warning_header():
    assert fv.warning_header('unknown field "spec.replicass"') == '299 - "unknown field \\"spec.replicass\\""'
    assert fv.warning_header("a\\b") == '299 - "a\\\\b"'


# --------------------------------------------------------------------------
# the walk


def test_valid_objects_are_clean():
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, json.dumps(_valid_deployment())) == []
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, b"{}") == []
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": "p", "namespace": "default", "labels": {"any/key.io": "v"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u",
                                 "controller": True}],
            "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1",
                               "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}}],
        },
        "spec": {
            "containers": [{
                "name": "c", "image": "nginx",
                "resources": {"limits": {"cpu": "500m", "memory": 1024}, "requests": {"cpu": 0.1}},
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                "livenessProbe": {"httpGet": {"path": "/", "port": "http"}},
            }],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "overhead": {"cpu": "10m"},
            "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
        },
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }
    assert fv.unknown_and_duplicate_fields(("v1", "Pod"), json.dumps(pod)) == []


def test_unknown_fields_in_lists_maps_and_metadata():
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "labelz": {"a": "b"}},
        "spec": {
            "containers": [
                {"name": "a", "image": "x"},
                {"name": "b", "image": "y", "imagee": "z", "resources": {"limits": {"cpu": "1"}, "limitz": {}}},
            ],
            "Containers": [],
        },
    }
    assert fv.unknown_and_duplicate_fields(("v1", "Pod"), json.dumps(pod)) == [
        'unknown field "metadata.labelz"',
        'unknown field "spec.containers[1].imagee"',
        'unknown field "spec.containers[1].resources.limitz"',
        'unknown field "spec.Containers"',  # field names are case-sensitive
    ]


def test_values_of_maps_are_checked_and_map_keys_can_be_duplicates():
    body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"app":"a","app":"b"}},"data":{"k":"v","k":"w"}}'
    assert fv.unknown_and_duplicate_fields(("v1", "ConfigMap"), body) == [
        'duplicate field "metadata.labels.app"',
        'duplicate field "data.k"',
    ]


def test_free_form_values_are_not_looked_into():
    # managedFields[].fieldsV1 is a FieldsV1 (raw JSON): nothing inside is unknown or duplicate.
    body = (
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[{"manager":"m",'
        '"fieldsV1":{"f:data":{"f:a":{}},"f:data":{}}}]}}'
    )
    assert fv.unknown_and_duplicate_fields(("v1", "ConfigMap"), body) == []


def test_unknown_value_is_not_looked_into_and_messages_are_deduplicated():
    body = json.dumps(_valid_deployment(extra={"a": 1, "b": {"c": 2}}))
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, body) == ['unknown field "spec.extra"']
    # a known field given twice: both values are decoded, each message once
    body = (
        '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"selector":{"matchLabelz":{}},'
        '"selector":{"matchLabelz":{},"x":1}}}'
    )
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, body) == [
        'unknown field "spec.selector.matchLabelz"',
        'duplicate field "spec.selector"',
        'unknown field "spec.selector.x"',
    ]


def test_at_most_one_hundred_problems():
    spec = ",".join(f'"unknown{i}": {i}' for i in range(150))
    body = '{"apiVersion":"apps/v1","kind":"Deployment","spec":{' + spec + "}}"
    problems = fv.unknown_and_duplicate_fields(DEPLOYMENT, body)
    assert len(problems) == fv.MAX_ERRORS == 100
    assert problems[0] == 'unknown field "spec.unknown0"'


@pytest.mark.parametrize(
    "kind_key, body, expected",
    [
        (("v1", "Namespace"), {"metadata": {"name": "n"}, "spec": {"finalizers": ["kubernetes"], "x": 1}},
         ['unknown field "spec.x"']),
        (("v1", "Node"), {"spec": {"taints": [{"key": "k", "effect": "NoSchedule", "valeu": "v"}]}},
         ['unknown field "spec.taints[0].valeu"']),
        (("v1", "Service"), {"spec": {"ports": [{"port": 80, "targetPort": "http", "nodeport": 1}]}},
         ['unknown field "spec.ports[0].nodeport"']),
        (("v1", "Endpoints"), {"subsets": [{"addresses": [{"ip": "10.0.0.1", "hostname": "h", "host": "x"}]}]},
         ['unknown field "subsets[0].addresses[0].host"']),
        (("v1", "Event"), {"involvedObject": {"kind": "Pod"}, "reason": "R", "reasons": "x"},
         ['unknown field "reasons"']),
        (("events.k8s.io/v1", "Event"), {"regarding": {"kind": "Pod"}, "note": "n", "involvedObject": {}},
         ['unknown field "involvedObject"']),
        (("v1", "Binding"), {"target": {"kind": "Node", "name": "n", "nodeName": "x"}},
         ['unknown field "target.nodeName"']),
        (("coordination.k8s.io/v1", "Lease"), {"spec": {"holderIdentity": "a", "renewTime": "2024-01-01T00:00:00.000000Z", "holder": 1}},
         ['unknown field "spec.holder"']),
        (("policy/v1", "Eviction"), {"metadata": {"name": "p"}, "deleteOptions": {"gracePeriodSeconds": 0, "grace": 1}},
         ['unknown field "deleteOptions.grace"']),
        (("autoscaling/v1", "Scale"), {"spec": {"replicas": 3, "replica": 1}}, ['unknown field "spec.replica"']),
        (("apps/v1", "ReplicaSet"), {"spec": {"replicas": 1, "strategy": {}}}, ['unknown field "spec.strategy"']),
        (("v1", "DeleteOptions"), {"propagationPolicy": "Foreground", "cascade": True}, ['unknown field "cascade"']),
        ("io.k8s.api.apps.v1.Deployment", {"spec": {"replicass": 1}}, ['unknown field "spec.replicass"']),
    ],
)
def test_served_kinds(kind_key, body, expected):
    assert fv.unknown_and_duplicate_fields(kind_key, json.dumps(body)) == expected


def test_api_version_and_kind_as_separate_arguments():
    body = json.dumps(_valid_deployment(replicass=1))
    assert fv.unknown_and_duplicate_fields("apps/v1", "Deployment", body.encode()) == ['unknown field "spec.replicass"']
    with pytest.raises(TypeError):
        fv.unknown_and_duplicate_fields("apps/v1", "Deployment", body, body)


def test_unknown_kind_gets_duplicate_checks_only():
    body = '{"apiVersion":"example.com/v1","kind":"Widget","spec":{"a":1,"a":2,"b":{"c":1,"c":2}}}'
    assert fv.unknown_and_duplicate_fields(("example.com/v1", "Widget"), body) == [
        'duplicate field "spec.a"',
        'duplicate field "spec.b.c"',
    ]
    assert fv.unknown_fields(("example.com/v1", "Widget"), {"spec": {"x": 1}}) == []


def test_unknown_fields_of_a_decoded_object_are_in_sorted_order():
    obj = {"spec": {"zeta": 1, "alpha": 2, "template": {"spec": {"containers": [{"name": "c", "b": 1, "a": 2}]}}}}
    assert fv.unknown_fields(DEPLOYMENT, obj) == [
        'unknown field "spec.alpha"',
        'unknown field "spec.template.spec.containers[0].a"',
        'unknown field "spec.template.spec.containers[0].b"',
        'unknown field "spec.zeta"',
    ]


def test_duplicate_fields_sees_every_key():
    assert fv.duplicate_fields('{"a":{"x":1,"x":2},"a":[{"y":1,"y":1}]}') == [
        'duplicate field "a.x"',
        'duplicate field "a"',
        'duplicate field "a[0].y"',
    ]


# --------------------------------------------------------------------------
# YAML specifics


def test_yaml_duplicate_line_is_the_line_of_the_value():
    body = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\nspec:\n  paused: true\n  replicas: 2\n"
    # go-yaml reports after decoding the value, at the value's first line
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, body) == ['line 6: key "spec" already set in map']


def test_yaml_non_string_keys():
    body = "data:\n  1: a\n  1: b\n  true: x\n  true: y\n"
    assert fv.yaml_duplicate_keys(body) == [
        "line 3: key 1 already set in map",
        "line 5: key true already set in map",
    ]


def test_yaml_keeps_the_last_value_for_unknown_field_checks():
    body = "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\nspec:\n  nodeName: n\n  bogus: 1\n"
    assert fv.unknown_and_duplicate_fields(("v1", "Pod"), body) == [
        'line 6: key "spec" already set in map',
        'unknown field "spec.bogus"',
    ]


def test_body_format_detection_and_override():
    yaml_text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicass: 1\n"
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, yaml_text) == ['unknown field "spec.replicass"']
    json_text = '{"spec": {"paused": true, "paused": false}}'
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, json_text) == ['duplicate field "spec.paused"']
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, json_text, yaml_body=True) == [
        'line 1: key "paused" already set in map'
    ]


@pytest.mark.parametrize("body, yaml_body", [('{"spec": ', False), ("a: [1,\n", True), ('{"a": 1} x', False)])
def test_unparseable_bodies_raise_value_error(body, yaml_body):
    with pytest.raises(ValueError):
        fv.unknown_and_duplicate_fields(DEPLOYMENT, body, yaml_body=yaml_body)


def test_strict_error_groups_only_consecutive_yaml_lines():
    problems = ['line 2: key "a" already set in map', 'unknown field "b"']
    assert fv.strict_decoding_error(problems) == (
        'strict decoding error: yaml: unmarshal errors:\n  line 2: key "a" already set in map, unknown field "b"'
    )
    assert fv.strict_decoding_error(['unknown field "b"']) == 'strict decoding error: unknown field "b"'


def test_go_quoting_of_odd_keys():
    body = json.dumps({"spec": {'we"ird\\key\n': 1, "ünï": 2, "\x01": 3}})
    assert fv.unknown_and_duplicate_fields(DEPLOYMENT, body) == [
        'unknown field "spec.we\\"ird\\\\key\\n"',
        'unknown field "spec.ünï"',
        'unknown field "spec.\\x01"',
    ]
