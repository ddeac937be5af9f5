"""Tests for the Kubernetes protobuf body decoder.

Fixtures (see fixtures/protobuf/README.md) are bodies real kubectl 1.32 sent, and
bytes real kubectl decoded; the hand-built messages below use literal field
numbers from Kubernetes' generated.proto files, not the decoder's tables.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from orchestrator.api import protobuf
from orchestrator.api.protobuf import FIELDS, KINDS, MAGIC, ProtobufError, decode

FIXTURES = Path(__file__).parent / "fixtures" / "protobuf"
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.bin"))


# -- a minimal protobuf writer -----------------------------------------------------------


def varint(value: int) -> bytes:
    """Encode an int as a base-128 varint, negatives as 10-byte two's complement."""
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def num(field: int, value: int) -> bytes:
    """Encode a varint field (int32, int64, bool)."""
    return varint(field << 3) + varint(value)


def raw(field: int, payload: bytes) -> bytes:
    """Encode a length-delimited field."""
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def text(field: int, value: str) -> bytes:
    """Encode a string field."""
    return raw(field, value.encode())


def msg(field: int, *parts: bytes) -> bytes:
    """Encode an embedded message field from its already-encoded fields."""
    return raw(field, b"".join(parts))


def entry(field: int, key: str, value: bytes) -> bytes:
    """Encode one map entry; value is the already-encoded value field (number 2)."""
    return msg(field, text(1, key), value)


def timestamp(field: int, seconds: int, nanos: int = 0) -> bytes:
    """Encode a meta/v1 Time or MicroTime (seconds = 1, nanos = 2)."""
    return msg(field, num(1, seconds), num(2, nanos) if nanos else b"")


def envelope(api_version: str, kind: str, body: bytes, **extra: str) -> bytes:
    """Wrap a message in the k8s magic and runtime.Unknown (typeMeta, raw, encoding, type)."""
    type_meta = msg(1, text(1, api_version), text(2, kind))
    tail = text(3, extra.get("encoding", "")) + text(4, extra.get("content_type", ""))
    return MAGIC + type_meta + raw(2, body) + tail


def meta(name: str, namespace: str = "") -> bytes:
    """Encode an ObjectMeta field 1 the way Go does (empty strings written, empty Time)."""
    return msg(1, text(1, name), text(2, ""), text(3, namespace), text(4, ""), text(5, ""),
               text(6, ""), num(7, 0), msg(8))


# -- real kubectl / Go evidence ---------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_decodes_to_the_json_of_the_same_object(name: str) -> None:
    body = (FIXTURES / f"{name}.bin").read_bytes()
    expected = json.loads((FIXTURES / f"{name}.json").read_text())
    assert decode(body) == expected


def test_fixtures_cover_real_kubectl_and_go_decoded_bodies() -> None:
    wanted = {"kubectl-deployment", "kubectl-namespace", "kubectl-configmap",
              "kubectl-service-clusterip", "go-deployment-full", "go-deployment-zero"}
    assert wanted <= set(FIXTURE_NAMES)
    for name in FIXTURE_NAMES:
        assert (FIXTURES / f"{name}.json").exists(), name


def test_kubectl_deployment_has_the_fields_the_api_relies_on() -> None:
    obj = decode((FIXTURES / "kubectl-deployment.bin").read_bytes())
    assert obj["apiVersion"] == "apps/v1" and obj["kind"] == "Deployment"
    assert obj["metadata"] == {"name": "web", "creationTimestamp": None, "labels": {"app": "web"}}
    assert obj["spec"]["replicas"] == 3
    container = obj["spec"]["template"]["spec"]["containers"][0]
    assert container == {"name": "nginx", "image": "nginx:1.25",
                         "ports": [{"containerPort": 80}], "resources": {}}


def test_pointer_zero_is_kept_but_value_zero_is_omitted() -> None:
    # --replicas=0 is a *int32 set to 0; minReadySeconds 0 is a plain int32.
    obj = decode((FIXTURES / "kubectl-deployment-zero-replicas.bin").read_bytes())
    assert obj["spec"]["replicas"] == 0
    assert "minReadySeconds" not in obj["spec"]
    assert "paused" not in obj["spec"]
    grace = decode((FIXTURES / "kubectl-drain-delete-options-zero-grace.bin").read_bytes())
    assert grace == {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0}


def test_binary_configmap_data_is_base64() -> None:
    obj = decode((FIXTURES / "kubectl-configmap-binary.bin").read_bytes())
    assert obj["binaryData"] == {"blob.bin": "AAEC//4="}
    assert obj["data"] == {"greeting.txt": "hello\n"}


# -- kinds beyond what kubectl creates ---------------------------------------------------------


def test_lease_microtime_and_pointer_fields() -> None:
    spec = msg(2, text(1, "node-a"), num(2, 40), timestamp(3, 1704164645, 123456789),
               timestamp(4, 1704164700), num(5, 0))
    obj = decode(envelope("coordination.k8s.io/v1", "Lease", meta("node-a", "kube-node-lease") + spec))
    assert obj == {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "node-a", "namespace": "kube-node-lease", "creationTimestamp": None},
        "spec": {
            "holderIdentity": "node-a",
            "leaseDurationSeconds": 40,
            "acquireTime": "2024-01-02T03:04:05.123456Z",
            "renewTime": "2024-01-02T03:05:00.000000Z",
            "leaseTransitions": 0,
        },
    }


def test_events_v1_event() -> None:
    regarding = msg(8, text(1, "Pod"), text(2, "default"), text(3, "web-1"), text(4, "uid-1"),
                    text(5, "v1"), text(6, ""), text(7, ""))
    body = (meta("web-1.abc", "default") + timestamp(2, 1704164645, 5000)
            + msg(3, num(1, 2), timestamp(2, 1704164700)) + text(4, "default-scheduler")
            + text(5, "sched-1") + text(6, "Binding") + text(7, "Scheduled") + regarding
            + text(10, "Successfully assigned default/web-1 to node-a") + text(11, "Normal")
            + msg(12, text(1, ""), text(2, "")) + msg(13) + msg(14) + num(15, 0))
    obj = decode(envelope("events.k8s.io/v1", "Event", body))
    assert obj == {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "web-1.abc", "namespace": "default", "creationTimestamp": None},
        "eventTime": "2024-01-02T03:04:05.000005Z",
        "series": {"count": 2, "lastObservedTime": "2024-01-02T03:05:00.000000Z"},
        "reportingController": "default-scheduler",
        "reportingInstance": "sched-1",
        "action": "Binding",
        "reason": "Scheduled",
        "regarding": {"kind": "Pod", "namespace": "default", "name": "web-1", "uid": "uid-1",
                      "apiVersion": "v1"},
        "note": "Successfully assigned default/web-1 to node-a",
        "type": "Normal",
        "deprecatedSource": {},
        "deprecatedFirstTimestamp": None,
        "deprecatedLastTimestamp": None,
    }


def test_eviction_with_delete_options() -> None:
    delete_options = msg(2, num(1, 0), msg(2, text(1, "uid-9"), text(2, "42")), text(4, "Foreground"),
                         text(5, "All"))
    obj = decode(envelope("policy/v1", "Eviction", meta("web-1", "default") + delete_options))
    assert obj["deleteOptions"] == {
        "gracePeriodSeconds": 0,
        "preconditions": {"uid": "uid-9", "resourceVersion": "42"},
        "propagationPolicy": "Foreground",
        "dryRun": ["All"],
    }
    assert obj["metadata"]["name"] == "web-1"


def test_scale_keeps_status_replicas_zero() -> None:
    body = meta("web", "default") + msg(2, num(1, 0)) + msg(3, num(1, 0), text(2, "app=web"))
    obj = decode(envelope("autoscaling/v1", "Scale", body))
    assert obj["spec"] == {}
    assert obj["status"] == {"replicas": 0, "selector": "app=web"}


def test_binding() -> None:
    target = msg(2, text(1, "Node"), text(2, ""), text(3, "node-a"), text(4, ""), text(5, "v1"),
                 text(6, ""), text(7, ""))
    obj = decode(envelope("v1", "Binding", meta("web-1", "default") + target))
    assert obj["target"] == {"kind": "Node", "name": "node-a", "apiVersion": "v1"}


def test_node_with_quantities_taints_and_conditions() -> None:
    spec = msg(2, text(1, "10.0.0.0/24"), text(7, "10.0.0.0/24"), num(4, 1),
               msg(5, text(1, "dedicated"), text(2, ""), text(3, "NoSchedule")))
    status = msg(
        3,
        entry(1, "cpu", msg(2, text(1, "4"))),
        entry(1, "memory", msg(2, text(1, "8Gi"))),
        entry(2, "cpu", msg(2, text(1, "3900m"))),
        msg(4, text(1, "Ready"), text(2, "True"), timestamp(3, 1704164645), msg(4),
            text(5, "KubeletReady"), text(6, "")),
        msg(5, text(1, "InternalIP"), text(2, "10.0.0.5")),
        msg(6, msg(1, num(1, 10250))),
        msg(7, *(text(i, "") for i in range(1, 10)), text(10, "amd64")),
    )
    obj = decode(envelope("v1", "Node", meta("node-a") + spec + status))
    assert obj["spec"] == {"podCIDR": "10.0.0.0/24", "podCIDRs": ["10.0.0.0/24"], "unschedulable": True,
                           "taints": [{"key": "dedicated", "effect": "NoSchedule"}]}
    assert obj["status"]["capacity"] == {"cpu": "4", "memory": "8Gi"}
    assert obj["status"]["allocatable"] == {"cpu": "3900m"}
    assert obj["status"]["conditions"] == [{"type": "Ready", "status": "True",
                                            "lastHeartbeatTime": "2024-01-02T03:04:05Z",
                                            "lastTransitionTime": None, "reason": "KubeletReady"}]
    assert obj["status"]["addresses"] == [{"type": "InternalIP", "address": "10.0.0.5"}]
    assert obj["status"]["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    # NodeSystemInfo strings have no omitempty in Go, so "" stays.
    assert obj["status"]["nodeInfo"]["machineID"] == ""
    assert obj["status"]["nodeInfo"]["architecture"] == "amd64"


def test_pod_status_with_negative_exit_code_and_times() -> None:
    terminated = msg(3, num(1, -1), num(2, 0), text(3, "Error"), text(4, ""), timestamp(5, 0),
                     timestamp(6, 1704164645), text(7, "containerd://abc"))
    status = msg(
        3,
        text(1, "Failed"),
        msg(2, text(1, "Ready"), text(2, "False"), msg(3), timestamp(4, 1704164645)),
        msg(8, text(1, "app"), msg(2, terminated), msg(3), num(4, 0), num(5, 3), text(6, "nginx"),
            text(7, "sha256:1"), text(8, "containerd://abc")),
        text(5, "10.0.0.5"),
        msg(16, text(1, "10.0.0.5")),
        timestamp(7, 1704164600),
        text(9, "BestEffort"),
    )
    obj = decode(envelope("v1", "Pod", meta("web-1", "default") + msg(2) + status))
    assert obj["spec"] == {}
    assert obj["status"] == {
        "phase": "Failed",
        "conditions": [{"type": "Ready", "status": "False", "lastProbeTime": None,
                        "lastTransitionTime": "2024-01-02T03:04:05Z"}],
        "containerStatuses": [{
            "name": "app",
            "state": {"terminated": {"exitCode": -1, "reason": "Error",
                                     "startedAt": "1970-01-01T00:00:00Z",
                                     "finishedAt": "2024-01-02T03:04:05Z",
                                     "containerID": "containerd://abc"}},
            "lastState": {},
            "ready": False,
            "restartCount": 3,
            "image": "nginx",
            "imageID": "sha256:1",
            "containerID": "containerd://abc",
        }],
        "hostIP": "10.0.0.5",
        "hostIPs": [{"ip": "10.0.0.5"}],
        "startTime": "2024-01-02T03:03:20Z",
        "qosClass": "BestEffort",
    }


def test_pod_spec_inline_structs_and_int_or_string() -> None:
    probe = msg(10, msg(1, msg(2, text(1, "/healthz"), msg(2, num(1, 1), num(2, 0), text(3, "http")))),
                num(2, 5), num(3, 0))
    env = msg(7, text(1, "NODE"), text(2, ""),
              msg(3, msg(3, msg(1, text(1, "cfg")), text(2, "key"), num(3, 0))))
    container = msg(2, text(1, "app"), text(2, "nginx"), probe, env)
    volume = msg(1, text(1, "data"), msg(2, msg(19, msg(1, text(1, "cfg")), num(3, 420))))
    toleration = msg(22, text(1, "k"), text(2, "Exists"), text(3, ""), text(4, "NoExecute"), num(5, 0))
    supplemental = raw(4, varint(1000) + varint(2000))  # packed, as proto3 writers do
    security = msg(14, num(3, 0), supplemental, num(4, 3000))
    spec = msg(2, volume, container, toleration, security, num(21, 0))
    obj = decode(envelope("v1", "Pod", meta("web-1", "default") + spec))
    pod_spec = obj["spec"]
    assert pod_spec["volumes"] == [{"name": "data", "configMap": {"name": "cfg", "defaultMode": 420}}]
    assert pod_spec["containers"][0]["livenessProbe"] == {
        "httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 5}
    key_ref = {"name": "cfg", "key": "key", "optional": False}
    env_var = {"name": "NODE", "valueFrom": {"configMapKeyRef": key_ref}}
    assert pod_spec["containers"][0]["env"] == [env_var]
    assert pod_spec["tolerations"] == [{"key": "k", "operator": "Exists", "effect": "NoExecute",
                                        "tolerationSeconds": 0}]
    assert pod_spec["securityContext"] == {"runAsNonRoot": False,
                                           "supplementalGroups": [1000, 2000, 3000]}
    assert pod_spec["automountServiceAccountToken"] is False


def test_replica_set_and_endpoints() -> None:
    rs_spec = msg(2, num(1, 2), msg(2, entry(1, "app", text(2, "web"))), num(4, 0))
    rs_status = msg(3, num(1, 0), num(2, 0), num(3, 4))
    rs = decode(envelope("apps/v1", "ReplicaSet", meta("web-abc", "default") + rs_spec + rs_status))
    assert rs["spec"] == {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}}
    assert rs["status"] == {"replicas": 0, "observedGeneration": 4}

    subset = msg(2, msg(1, text(1, "10.0.0.7"), text(3, ""), text(4, "node-a")),
                 msg(3, text(1, "http"), num(2, 8080), text(3, "TCP")))
    ep = decode(envelope("v1", "Endpoints", meta("web", "default") + subset))
    assert ep["subsets"] == [{"addresses": [{"ip": "10.0.0.7", "nodeName": "node-a"}],
                              "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]


def test_managed_fields_and_owner_references() -> None:
    owner = msg(13, text(1, "ReplicaSet"), text(3, "web-abc"), text(4, "uid-1"), text(5, "apps/v1"),
                num(6, 1), num(7, 0))
    fields_v1 = msg(7, raw(1, b'{"f:metadata":{"f:labels":{}}}'))
    managed = msg(17, text(1, "kubectl-create"), text(2, "Update"), text(3, "v1"),
                  timestamp(4, 1704164645), text(6, "FieldsV1"), fields_v1, text(8, ""))
    body = msg(1, text(1, "web-1"), owner, managed, timestamp(9, 1704164645), num(10, 0),
               text(14, "x/y"))
    obj = decode(envelope("v1", "ConfigMap", body))
    assert obj["metadata"] == {
        "name": "web-1",
        "ownerReferences": [{"kind": "ReplicaSet", "name": "web-abc", "uid": "uid-1",
                             "apiVersion": "apps/v1", "controller": True, "blockOwnerDeletion": False}],
        "managedFields": [{"manager": "kubectl-create", "operation": "Update", "apiVersion": "v1",
                           "time": "2024-01-02T03:04:05Z", "fieldsType": "FieldsV1",
                           "fieldsV1": {"f:metadata": {"f:labels": {}}}}],
        "deletionTimestamp": "2024-01-02T03:04:05Z",
        "deletionGracePeriodSeconds": 0,
        "finalizers": ["x/y"],
    }


def test_delete_options_is_accepted_from_any_group_version() -> None:
    obj = decode(envelope("apps/v1", "DeleteOptions", text(4, "Orphan") + num(3, 1)))
    assert obj == {"apiVersion": "apps/v1", "kind": "DeleteOptions", "propagationPolicy": "Orphan",
                   "orphanDependents": True}


def test_every_served_kind_is_supported() -> None:
    served = [("v1", "Namespace"), ("v1", "Node"), ("v1", "Pod"), ("v1", "Service"),
              ("v1", "Endpoints"), ("v1", "Event"), ("v1", "ConfigMap"), ("v1", "Binding"),
              ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"),
              ("coordination.k8s.io/v1", "Lease"), ("events.k8s.io/v1", "Event"),
              ("policy/v1", "Eviction"), ("autoscaling/v1", "Scale"),
              ("meta.k8s.io/v1", "DeleteOptions"), ("v1", "DeleteOptions")]
    for api_version, kind in served:
        assert decode(envelope(api_version, kind, b"")) == {"apiVersion": api_version, "kind": kind}


# -- wire-format details -------------------------------------------------------------------


def test_unknown_fields_of_every_wire_type_are_skipped() -> None:
    unknown = (num(99, 7)                                   # varint
               + varint(98 << 3 | 1) + bytes(8)             # 64-bit
               + text(97, "ignored")                        # length-delimited
               + varint(96 << 3 | 5) + bytes(4))            # 32-bit
    body = msg(1, text(1, "cfg"), unknown) + unknown + entry(2, "a", text(2, "b"))
    obj = decode(envelope("v1", "ConfigMap", body))
    assert obj == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                   "data": {"a": "b"}}
    # Unknown fields in the envelope itself are skipped too.
    assert decode(envelope("v1", "ConfigMap", body) + unknown)["data"] == {"a": "b"}


def test_time_formats() -> None:
    body = msg(1, text(1, "x"), timestamp(8, -62135596800), timestamp(9, 253402300799, 999999999))
    obj = decode(envelope("v1", "ConfigMap", body))
    assert obj["metadata"]["creationTimestamp"] == "0001-01-01T00:00:00Z"
    assert obj["metadata"]["deletionTimestamp"] == "9999-12-31T23:59:59Z"
    with pytest.raises(ProtobufError, match="time out of range"):
        decode(envelope("v1", "ConfigMap", msg(1, timestamp(8, 253402300800 * 10))))


def test_map_entry_without_value_and_repeated_singular_message_merge() -> None:
    body = msg(1, text(1, "a")) + msg(1, text(3, "ns")) + msg(2, text(1, "empty"))
    obj = decode(envelope("v1", "ConfigMap", body))
    assert obj["metadata"] == {"name": "a", "namespace": "ns"}
    assert obj["data"] == {"empty": ""}


def test_later_zero_value_clears_earlier_one() -> None:
    obj = decode(envelope("v1", "Service", msg(2, text(4, "NodePort"), text(4, ""))))
    assert obj["spec"] == {}


def test_int_or_string_zero_and_string() -> None:
    ports = (msg(1, num(3, 80), msg(4, num(1, 0), num(2, 0), text(3, "")))
             + msg(1, num(3, 81), msg(4, num(1, 1), text(3, "web"))))
    obj = decode(envelope("v1", "Service", msg(2, ports)))
    assert obj["spec"]["ports"] == [{"port": 80, "targetPort": 0}, {"port": 81, "targetPort": "web"}]


def test_quantity_zero_and_raw_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FIELDS, "TestHolder", {1: ("object", "RawExtension", False),
                                               2: ("size", "Quantity", False),
                                               3: ("nested", "RawExtension", False)})
    nested = envelope("v1", "Namespace", meta("inner"))
    data = msg(1, raw(1, b'{"a": [1, 2]}')) + msg(2) + msg(3, raw(1, nested))
    assert protobuf.decode_message("TestHolder", data) == {
        "object": {"a": [1, 2]},
        "size": "0",
        "nested": {"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "inner", "creationTimestamp": None}},
    }


def test_json_wrapped_in_the_envelope() -> None:
    body = envelope("v1", "ConfigMap", b'{"data": {"a": "b"}}', content_type="application/json")
    assert decode(body) == {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}


def test_tables_are_consistent() -> None:
    specials = {"Time", "MicroTime", "Quantity", "IntOrString", "FieldsV1", "RawExtension"}
    scalars = {"string", "bytes", "bool", "int32", "int64"}
    for name, table in FIELDS.items():
        names = [json_name for json_name, _, _ in table.values() if json_name]
        assert len(names) == len(set(names)), name
        for number, (json_name, token, repeated) in table.items():
            assert number > 0 and isinstance(repeated, bool)
            type_ = token.rstrip("!")
            if type_.startswith("map:"):
                assert type_[4:] in {"string", "bytes", "Quantity"} and not repeated
            else:
                assert type_ in scalars or type_ in specials or type_ in FIELDS, (name, number, type_)
            if not json_name:
                assert type_ in FIELDS and not repeated, (name, number)
            if token.endswith("!"):
                assert type_ in scalars, (name, number)
    for message in KINDS.values():
        assert message in FIELDS


# -- bad input --------------------------------------------------------------------------------


def test_protobuf_error_is_a_value_error() -> None:
    assert issubclass(ProtobufError, ValueError)


@pytest.mark.parametrize("body", [b"", b"k8s", b'{"kind": "Namespace"}', b"k8s\x01" + b"\x0a\x00"])
def test_missing_magic(body: bytes) -> None:
    with pytest.raises(ProtobufError, match="magic"):
        decode(body)


def test_truncated_varint() -> None:
    body = envelope("v1", "ConfigMap", num(4, 1))
    with pytest.raises(ProtobufError, match="truncated"):
        decode(MAGIC + b"\x0a\x80")  # length varint of typeMeta never ends
    with pytest.raises(ProtobufError, match="truncated"):
        decode(envelope("autoscaling/v1", "Scale", msg(2, b"\x08\xff")))  # replicas varint cut short
    assert decode(body)["immutable"] is True


def test_truncated_length_delimited_field() -> None:
    body = (FIXTURES / "kubectl-deployment.bin").read_bytes()
    with pytest.raises(ProtobufError, match="truncated"):
        decode(body[:60])


def test_unknown_kind_names_the_kind() -> None:
    with pytest.raises(ProtobufError) as caught:
        decode(envelope("apps/v1", "StatefulSet", b""))
    assert str(caught.value) == "unsupported protobuf kind apps/v1, Kind=StatefulSet"
    with pytest.raises(ProtobufError, match="unsupported protobuf kind v1, Kind=Secret"):
        decode(envelope("v1", "Secret", b""))
    with pytest.raises(ProtobufError, match="Kind=Deployment"):
        decode(envelope("apps/v1beta1", "Deployment", b""))


def test_other_malformed_bodies() -> None:
    with pytest.raises(ProtobufError, match="no kind"):
        decode(MAGIC + msg(1, text(1, "v1")))
    with pytest.raises(ProtobufError, match="content encoding"):
        decode(envelope("v1", "ConfigMap", b"", encoding="gzip"))
    with pytest.raises(ProtobufError, match="content type"):
        decode(envelope("v1", "ConfigMap", b"", content_type="application/yaml"))
    with pytest.raises(ProtobufError, match="wire type"):
        decode(envelope("autoscaling/v1", "Scale", msg(2, text(1, "3"))))  # replicas as a string
    with pytest.raises(ProtobufError, match="UTF-8"):
        decode(envelope("v1", "ConfigMap", msg(1, raw(1, b"\xff"))))
    with pytest.raises(ProtobufError, match="field number 0"):
        decode(envelope("v1", "ConfigMap", b"\x00\x00"))
    with pytest.raises(ProtobufError, match="wire type 3"):
        decode(envelope("v1", "ConfigMap", b"\x0b"))
    with pytest.raises(ProtobufError, match="longer than 10 bytes"):
        decode(envelope("v1", "ConfigMap", b"\x20" + b"\xff" * 11))
    with pytest.raises(ProtobufError, match="invalid JSON"):
        decode(envelope("v1", "ConfigMap", msg(1, msg(17, msg(7, raw(1, b"{nope"))))))


def test_every_prefix_and_corruption_fails_cleanly() -> None:
    body = (FIXTURES / "kubectl-service-clusterip.bin").read_bytes()
    for cut in range(len(body)):
        try:
            decode(body[:cut])
        except ProtobufError:
            pass
    rng = random.Random(1234)
    for _ in range(2000):
        corrupted = bytearray(body)
        for _ in range(rng.randint(1, 4)):
            corrupted[rng.randrange(len(MAGIC), len(corrupted))] = rng.randrange(256)
        try:
            decode(bytes(corrupted))
        except ProtobufError:
            pass
