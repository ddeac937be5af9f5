"""Tests for orchestrator.api.patches: JSON merge patch, JSON patch, strategic merge patch.

Run with:  python -m pytest -p no:django tests/orchestrator/api/test_patches.py -q

Ground truth for strategic merge patch comes from the real kubectl (v1.32.4),
which applies a strategic merge patch client-side, offline, with the same
apimachinery code the API server runs:

    kubectl patch --local -f original.json --type strategic -p '<patch>' -o json

(``--type merge`` / ``--type json`` for the other two formats), where
original.json holds the case's original object.  The outcomes are recorded
below as "changes": the expected result is the original with those changes
applied as a JSON merge patch (RFC 7386), which keeps the fixtures short.

The patches of the command sequences (APPLIED_DEPLOYMENT_STEPS, ...) were
captured from kubectl itself (`kubectl apply`, `set image`, `set env`,
`rollout restart`, `label`, `annotate`, `taint`, `cordon`, ...) talking to a
small fake API server on 127.0.0.1 that logged each PATCH body; each step's
expected result was then computed from the previous one with
`kubectl patch --local` as above.  The last-applied-configuration annotation
value is replaced by a short placeholder string, which changes nothing in how
the patch merges.
"""

import copy
import re

import pytest

from orchestrator.api import patch_schema
from orchestrator.api.patches import (
    STRATEGIC_MERGE_KINDS,
    PatchError,
    apply_json_patch,
    apply_merge_patch,
    apply_strategic_merge_patch,
)


class Rejected:
    """Expected outcome: PatchError whose message contains ``fragment`` (any case)."""

    def __init__(self, fragment):
        self.fragment = fragment

    def __repr__(self):
        return f"Rejected({self.fragment!r})"


def check(apply, outcome):
    """Run ``apply()`` and compare with ``outcome`` (a value or a Rejected)."""
    if isinstance(outcome, Rejected):
        with pytest.raises(PatchError) as info:
            apply()
        assert re.search(re.escape(outcome.fragment), str(info.value), re.IGNORECASE), str(info.value)
        return None
    result = apply()
    assert result == outcome
    return result


def changed(original, changes):
    """The original object with ``changes`` applied as an RFC 7386 merge patch."""

    def merge(target, patch):
        if not isinstance(patch, dict):
            return copy.deepcopy(patch)
        out = dict(target) if isinstance(target, dict) else {}
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(out.get(key), value)
        return out

    return merge(copy.deepcopy(original), changes)


def smp(kind):
    return lambda obj, patch: apply_strategic_merge_patch(obj, patch, kind)


# ---------------------------------------------------------------------------
# JSON merge patch (RFC 7386)
# ---------------------------------------------------------------------------

# RFC 7386 Appendix A, the cases whose target and patch are objects.
MERGE_PATCH_CASES = [
    pytest.param({"a": "b"}, {"a": "c"}, {"a": "c"}, id="rfc-replace-value"),
    pytest.param({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}, id="rfc-add-member"),
    pytest.param({"a": "b"}, {"a": None}, {}, id="rfc-null-deletes"),
    pytest.param({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}, id="rfc-null-deletes-one"),
    pytest.param({"a": ["b"]}, {"a": "c"}, {"a": "c"}, id="rfc-list-to-scalar"),
    pytest.param({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}, id="rfc-scalar-to-list"),
    pytest.param({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}, id="rfc-nested"),
    pytest.param({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}, id="rfc-lists-replaced"),
    pytest.param({"e": None}, {"a": 1}, {"e": None, "a": 1}, id="rfc-existing-null-kept"),
    pytest.param({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}, id="rfc-null-in-new-object"),
    pytest.param(
        {"metadata": {"labels": {"app": "web", "tier": "fe"}}, "spec": {"ports": [{"port": 80}, {"port": 443}]}},
        {"metadata": {"labels": {"tier": None, "team": "blue"}}, "spec": {"ports": [{"port": 8080}]}},
        {"metadata": {"labels": {"app": "web", "team": "blue"}}, "spec": {"ports": [{"port": 8080}]}},
        id="labels-and-list-replaced",
    ),
    pytest.param(
        {"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}},
        {"spec": {"$patch": "replace", "x": 1}},
        {"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}, "$patch": "replace", "x": 1}},
        id="smp-directives-are-plain-keys",
    ),
    pytest.param({"a": {"b": 1}}, {"a": "x"}, {"a": "x"}, id="object-to-scalar"),
    pytest.param({"a": 1}, {}, {"a": 1}, id="empty-patch"),
]


@pytest.mark.parametrize("obj, patch, expected", MERGE_PATCH_CASES)
def test_merge_patch(obj, patch, expected):
    assert apply_merge_patch(obj, patch) == expected


@pytest.mark.parametrize(
    "obj, patch, fragment",
    [
        pytest.param({"a": "b"}, ["c"], "must be a JSON object", id="rfc-array-patch"),
        pytest.param({"a": "foo"}, None, "must be a JSON object", id="rfc-null-patch"),
        pytest.param({"a": "foo"}, "bar", "must be a JSON object", id="rfc-string-patch"),
        pytest.param(["a", "b"], {"a": 1}, "object must be a JSON object", id="target-not-object"),
    ],
)
def test_merge_patch_rejects(obj, patch, fragment):
    check(lambda: apply_merge_patch(obj, patch), Rejected(fragment))


# ---------------------------------------------------------------------------
# JSON patch (RFC 6902)
# ---------------------------------------------------------------------------

JSON_PATCH_CASES = [
    # RFC 6902 Appendix A.
    pytest.param({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}],
                 {"baz": "qux", "foo": "bar"}, id="A.1-add-member"),
    pytest.param({"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}],
                 {"foo": ["bar", "qux", "baz"]}, id="A.2-add-array-element"),
    pytest.param({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}],
                 {"foo": "bar"}, id="A.3-remove-member"),
    pytest.param({"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}],
                 {"foo": ["bar", "baz"]}, id="A.4-remove-array-element"),
    pytest.param({"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}],
                 {"baz": "boo", "foo": "bar"}, id="A.5-replace"),
    pytest.param({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
                 [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
                 {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}, id="A.6-move"),
    pytest.param({"foo": ["all", "grass", "cows", "eat"]}, [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
                 {"foo": ["all", "cows", "eat", "grass"]}, id="A.7-move-array-element"),
    pytest.param({"baz": "qux", "foo": ["a", 2, "c"]},
                 [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
                 {"baz": "qux", "foo": ["a", 2, "c"]}, id="A.8-test-success"),
    pytest.param({"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
                 {"foo": "bar", "child": {"grandchild": {}}}, id="A.10-add-nested"),
    pytest.param({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
                 {"foo": "bar", "baz": "qux"}, id="A.11-unknown-members-ignored"),
    pytest.param({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}],
                 {"/": 9, "~1": 10}, id="A.14-escape-order"),
    pytest.param({"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
                 {"foo": ["bar", ["abc", "def"]]}, id="A.16-append-with-dash"),
    # Kubernetes-flavoured and edge cases.
    pytest.param({"metadata": {"labels": {}}},
                 [{"op": "add", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "web"}],
                 {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}}, id="escaped-slash-in-label-key"),
    pytest.param({"a": {"~b": 1}}, [{"op": "replace", "path": "/a/~0b", "value": 2}],
                 {"a": {"~b": 2}}, id="escaped-tilde"),
    pytest.param({"spec": {"containers": [{"name": "a", "image": "x:1"}]}},
                 [{"op": "replace", "path": "/spec/containers/0/image", "value": "x:2"}],
                 {"spec": {"containers": [{"name": "a", "image": "x:2"}]}}, id="replace-container-image"),
    pytest.param({"a": [1, 2]}, [{"op": "add", "path": "/a/2", "value": 3}], {"a": [1, 2, 3]},
                 id="add-at-array-end-index"),
    pytest.param({"a": {"b": [1]}}, [{"op": "copy", "from": "/a", "path": "/c"}, {"op": "add", "path": "/c/b/-", "value": 2}],
                 {"a": {"b": [1]}, "c": {"b": [1, 2]}}, id="copy-is-deep"),
    pytest.param({"a": 1}, [{"op": "move", "from": "/a", "path": "/a"}], {"a": 1}, id="move-to-itself"),
    pytest.param({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}], {"b": 2}, id="replace-root"),
    pytest.param({"a": None}, [{"op": "test", "path": "/a", "value": None}, {"op": "add", "path": "/b", "value": None}],
                 {"a": None, "b": None}, id="null-values"),
    pytest.param({"a": {"x": 1, "y": [1, 2.0]}}, [{"op": "test", "path": "/a", "value": {"y": [1.0, 2], "x": 1}}],
                 {"a": {"x": 1, "y": [1, 2.0]}}, id="test-deep-equality"),
    pytest.param({"a": 1}, [], {"a": 1}, id="empty-patch"),
]


@pytest.mark.parametrize("obj, patch, expected", JSON_PATCH_CASES)
def test_json_patch(obj, patch, expected):
    assert apply_json_patch(obj, patch) == expected


JSON_PATCH_ERRORS = [
    pytest.param({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}], "test failed", id="A.9-test-fails"),
    pytest.param({"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}], "does not exist",
                 id="A.12-add-to-missing-parent"),
    pytest.param({"foo": "bar"}, [{"op": "remove", "path": "/nope"}], "does not exist", id="remove-missing"),
    pytest.param({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": "10"}], "test failed",
                 id="A.15-string-is-not-number"),
    pytest.param({"a": True}, [{"op": "test", "path": "/a", "value": 1}], "test failed", id="true-is-not-1"),
    pytest.param({"a": 1}, {"op": "add"}, "must be a JSON array", id="patch-not-a-list"),
    pytest.param({"a": 1}, ["add"], "must be a JSON object", id="operation-not-an-object"),
    pytest.param({"a": 1}, [{"path": "/a"}], "missing 'op'", id="missing-op"),
    pytest.param({"a": 1}, [{"op": "increment", "path": "/a"}], "unknown op", id="unknown-op"),
    pytest.param({"a": 1}, [{"op": "remove"}], "missing 'path'", id="missing-path"),
    pytest.param({"a": 1}, [{"op": "add", "path": "/b"}], "missing 'value'", id="missing-value"),
    pytest.param({"a": 1}, [{"op": "move", "path": "/b"}], "missing 'from'", id="missing-from"),
    pytest.param({"a": 1}, [{"op": "add", "path": "b", "value": 1}], "must be empty or start with '/'",
                 id="pointer-without-slash"),
    pytest.param({"a": 1}, [{"op": "add", "path": "/a~2", "value": 1}], "invalid escape", id="bad-escape"),
    pytest.param({"a": 1}, [{"op": "add", "path": 5, "value": 1}], "must be a string", id="pointer-not-string"),
    pytest.param({"a": [1]}, [{"op": "add", "path": "/a/01", "value": 1}], "not an array index", id="leading-zero"),
    pytest.param({"a": [1]}, [{"op": "add", "path": "/a/x", "value": 1}], "not an array index", id="non-numeric-index"),
    pytest.param({"a": [1]}, [{"op": "add", "path": "/a/5", "value": 1}], "out of range", id="index-past-end"),
    pytest.param({"a": [1]}, [{"op": "replace", "path": "/a/1", "value": 1}], "out of range", id="replace-past-end"),
    pytest.param({"a": [1]}, [{"op": "remove", "path": "/a/-"}], "'-' names no existing", id="remove-dash"),
    pytest.param({"a": 1}, [{"op": "replace", "path": "/b", "value": 1}], "does not exist", id="replace-missing"),
    pytest.param({"a": 1}, [{"op": "add", "path": "/a/b", "value": 1}], "cannot add to a number", id="add-into-scalar"),
    pytest.param({"a": {"b": 1}}, [{"op": "move", "from": "/a", "path": "/a/b/c"}], "own child", id="move-into-child"),
    pytest.param({"a": 1}, [{"op": "copy", "from": "/nope", "path": "/b"}], "does not exist", id="copy-missing"),
    pytest.param({"a": 1}, [{"op": "remove", "path": ""}], "must stay a JSON object", id="remove-root"),
    pytest.param({"a": 1}, [{"op": "replace", "path": "", "value": [1]}], "must stay a JSON object",
                 id="root-becomes-array"),
]


@pytest.mark.parametrize("obj, patch, fragment", JSON_PATCH_ERRORS)
def test_json_patch_rejects(obj, patch, fragment):
    check(lambda: apply_json_patch(obj, patch), Rejected(fragment))


def test_json_patch_is_all_or_nothing():
    obj = {"a": 1}
    with pytest.raises(PatchError):
        apply_json_patch(obj, [{"op": "add", "path": "/b", "value": 2}, {"op": "test", "path": "/a", "value": 9}])
    assert obj == {"a": 1}


# ---------------------------------------------------------------------------
# Strategic merge patch: ground truth from `kubectl patch --local`
# ---------------------------------------------------------------------------

# Original objects; each case below was run as
#   kubectl patch --local -f <original>.json --type strategic -p '<patch>' -o json
DEPLOYMENT = {'apiVersion': 'apps/v1',
              'kind': 'Deployment',
              'metadata': {'name': 'web',
                           'labels': {'app': 'web', 'tier': 'fe'},
                           'annotations': {'note': 'x'},
                           'finalizers': ['a', 'b', 'c']},
              'spec': {'replicas': 2,
                       'selector': {'matchLabels': {'app': 'web'}},
                       'strategy': {'type': 'RollingUpdate',
                                    'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}},
                       'template': {'metadata': {'labels': {'app': 'web'}},
                                    'spec': {'containers': [{'name': 'web',
                                                             'image': 'nginx:1.25',
                                                             'ports': [{'containerPort': 80, 'name': 'http'},
                                                                       {'containerPort': 443,
                                                                        'name': 'https'}],
                                                             'env': [{'name': 'A', 'value': '1'},
                                                                     {'name': 'B', 'value': '2'}],
                                                             'volumeMounts': [{'name': 'data',
                                                                               'mountPath': '/data'}],
                                                             'resources': {'requests': {'cpu': '100m'},
                                                                           'limits': {'memory': '128Mi'}}},
                                                            {'name': 'side', 'image': 'busybox'}],
                                             'volumes': [{'name': 'data', 'emptyDir': {}}],
                                             'tolerations': [{'key': 'k1', 'operator': 'Exists'}],
                                             'imagePullSecrets': [{'name': 'reg1'}]}}}}

POD = {'apiVersion': 'v1',
       'kind': 'Pod',
       'metadata': {'name': 'p',
                    'ownerReferences': [{'apiVersion': 'apps/v1',
                                         'kind': 'ReplicaSet',
                                         'name': 'rs1',
                                         'uid': 'u1',
                                         'controller': True}]},
       'spec': {'initContainers': [{'name': 'init', 'image': 'busybox'}],
                'containers': [{'name': 'app',
                                'image': 'app:1',
                                'resizePolicy': [{'resourceName': 'cpu', 'restartPolicy': 'NotRequired'}]}],
                'hostAliases': [{'ip': '10.0.0.1', 'hostnames': ['a']}]},
       'status': {'phase': 'Pending',
                  'conditions': [{'type': 'PodScheduled', 'status': 'True'},
                                 {'type': 'Ready', 'status': 'False'}],
                  'podIPs': [{'ip': '10.1.0.5'}]}}

SERVICE = {'apiVersion': 'v1',
           'kind': 'Service',
           'metadata': {'name': 'dns'},
           'spec': {'selector': {'app': 'dns'},
                    'ports': [{'name': 'dns-tcp', 'port': 53, 'protocol': 'TCP', 'targetPort': 53},
                              {'name': 'metrics', 'port': 9153, 'protocol': 'TCP'}]}}

NODE = {'apiVersion': 'v1',
        'kind': 'Node',
        'metadata': {'name': 'n1', 'labels': {'zone': 'a'}},
        'spec': {'podCIDRs': ['10.1.0.0/24'], 'taints': [{'key': 't1', 'effect': 'NoSchedule'}]},
        'status': {'addresses': [{'type': 'InternalIP', 'address': '10.0.0.1'},
                                 {'type': 'Hostname', 'address': 'n1'}],
                   'conditions': [{'type': 'Ready', 'status': 'True', 'reason': 'KubeletReady'},
                                  {'type': 'MemoryPressure', 'status': 'False'}]}}

ENDPOINTS = {'apiVersion': 'v1',
             'kind': 'Endpoints',
             'metadata': {'name': 'web'},
             'subsets': [{'addresses': [{'ip': '10.1.0.5'}], 'ports': [{'port': 80}]}]}

CONFIGMAP = {'apiVersion': 'v1',
             'kind': 'ConfigMap',
             'metadata': {'name': 'cfg'},
             'data': {'a': '1', 'b': '2'}}

NAMESPACE = {'apiVersion': 'v1',
             'kind': 'Namespace',
             'metadata': {'name': 'dev'},
             'spec': {'finalizers': ['kubernetes']},
             'status': {'phase': 'Active',
                        'conditions': [{'type': 'NamespaceDeletionDiscoveryFailure', 'status': 'False'}]}}

LEASE = {'apiVersion': 'coordination.k8s.io/v1',
         'kind': 'Lease',
         'metadata': {'name': 'n1', 'namespace': 'kube-node-lease'},
         'spec': {'holderIdentity': 'n1', 'leaseDurationSeconds': 40}}

REPLICASET = {'apiVersion': 'apps/v1',
              'kind': 'ReplicaSet',
              'metadata': {'name': 'rs'},
              'spec': {'replicas': 1,
                       'selector': {'matchLabels': {'app': 'w'}},
                       'template': {'metadata': {'labels': {'app': 'w'}},
                                    'spec': {'containers': [{'name': 'w', 'image': 'w:1'}]}}},
              'status': {'replicas': 1,
                         'conditions': [{'type': 'ReplicaFailure',
                                         'status': 'True',
                                         'reason': 'FailedCreate'}]}}

EVENT = {'apiVersion': 'v1',
         'kind': 'Event',
         'metadata': {'name': 'e1'},
         'involvedObject': {'kind': 'Pod', 'name': 'p'},
         'reason': 'Pulled',
         'count': 1}

# (original, patch, changes that kubectl made | Rejected(part of kubectl's error message))
KUBECTL_SMP_CASES = [
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'web'}, {'name': 'side'}],
                                        'containers': [{'image': 'nginx:1.26', 'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.26',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='set_image',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'$patch': 'delete', 'name': 'side'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
        id='apply_add_delete_reorder_containers',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'new', 'image': 'x'},
                                                       {'name': 'web', 'image': 'nginx:2'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'x', 'name': 'new'},
                                                       {'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:2',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='containers_order_without_directive',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'web'}, {'name': 'side'}],
                                        'containers': [{'$setElementOrder/env': [{'name': 'C'},
                                                                                 {'name': 'B'},
                                                                                 {'name': 'A'}],
                                                        'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'B', 'value': '22'}],
                                                        'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'B', 'value': '22'},
                                                                {'name': 'A', 'value': '1'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='env_merge_and_reorder',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'web',
                                                        'env': [{'$patch': 'delete', 'name': 'A'}]}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='env_delete_element',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'web',
                                                        'ports': [{'containerPort': 443, 'name': 'tls'},
                                                                  {'containerPort': 8080}]}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'tls'},
                                                                  {'containerPort': 8080}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='ports_merge_by_containerPort',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'web',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'readOnly': True},
                                                                         {'mountPath': '/cfg',
                                                                          'name': 'cfg'}]}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data',
                                                                          'readOnly': True},
                                                                         {'mountPath': '/cfg',
                                                                          'name': 'cfg'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='volume_mounts_by_mountPath',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/volumes': [{'name': 'data'}],
                                        'volumes': [{'$retainKeys': ['configMap', 'name'],
                                                     'configMap': {'name': 'cm'},
                                                     'name': 'data'}]}}}},
        {'spec': {'template': {'spec': {'volumes': [{'configMap': {'name': 'cm'}, 'name': 'data'}]}}}},
        id='volumes_retainKeys',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'strategy': {'$retainKeys': ['type'], 'rollingUpdate': None, 'type': 'Recreate'}}},
        {'spec': {'strategy': {'rollingUpdate': None, 'type': 'Recreate'}}},
        id='strategy_retainKeys_recreate',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'strategy': {'$retainKeys': ['type'],
                               'rollingUpdate': {'maxSurge': 2},
                               'type': 'Recreate'}}},
        Rejected('invalid patch format of retainKeys'),
        id='retainKeys_violation',
    ),
    pytest.param(
        DEPLOYMENT,
        {'metadata': {'$setElementOrder/finalizers': ['d', 'a', 'c'],
                      '$deleteFromPrimitiveList/finalizers': ['b'],
                      'finalizers': ['d']}},
        {'metadata': {'finalizers': ['d', 'a', 'c']}},
        id='finalizers_union_delete_order',
    ),
    pytest.param(
        DEPLOYMENT,
        {'metadata': {'finalizers': ['d', 'a']}},
        {'metadata': {'finalizers': ['d', 'a', 'b', 'c']}},
        id='finalizers_union_order',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'tolerations': [{'key': 'k2',
                                                         'operator': 'Exists',
                                                         'effect': 'NoSchedule'}]}}}},
        {'spec': {'template': {'spec': {'tolerations': [{'effect': 'NoSchedule',
                                                         'key': 'k2',
                                                         'operator': 'Exists'}]}}}},
        id='tolerations_replaced',
    ),
    pytest.param(
        DEPLOYMENT,
        {'metadata': {'labels': {'tier': None, 'new': 'y'}, 'annotations': {'other': 'z'}}},
        {'metadata': {'annotations': {'other': 'z'}, 'labels': {'tier': None, 'new': 'y'}}},
        id='labels_null_annotations_add',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'web',
                                                        'resources': {'$patch': 'replace',
                                                                      'limits': {'cpu': '1'}}}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'cpu': '1'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'image': 'busybox', 'name': 'side'}]}}}},
        id='map_patch_replace',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'only', 'image': 'o'},
                                                       {'$patch': 'replace'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'o', 'name': 'only'}]}}}},
        id='list_patch_replace',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'strategy': {'rollingUpdate': {'$patch': 'delete'}}}},
        {'spec': {'strategy': {'rollingUpdate': {'maxSurge': None, 'maxUnavailable': None}}}},
        id='map_patch_delete_existing',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'strategy': {'$patch': 'merge', 'type': 'Recreate'}}},
        Rejected('unknown patch type: merge in map'),
        id='map_patch_merge_rejected',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'$patch': 'merge', 'name': 'web'}]}}}},
        Rejected('merging lists cannot yet be specified in the patch'),
        id='list_patch_merge_rejected',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'web'}],
                                        'containers': [{'name': 'side', 'image': 'b2'}]}}}},
        Rejected('The order in patch list'),
        id='setElementOrder_mismatch',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'image': 'nginx:2'}]}}}},
        Rejected('does not contain declared merge key: name'),
        id='missing_merge_key',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 'reg2'}]}}}},
        {'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 'reg2'}, {'name': 'reg1'}]}}}},
        id='imagePullSecrets_merge',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'replicas': 5, 'template': {'spec': {'imagePullSecrets': None}}}},
        {'spec': {'replicas': 5, 'template': {'spec': {'imagePullSecrets': None}}}},
        id='replicas_and_null',
    ),
    pytest.param(
        POD,
        {'status': {'conditions': [{'type': 'Ready', 'status': 'True'},
                                   {'type': 'Initialized', 'status': 'True'}],
                    'phase': 'Running'}},
        {'status': {'conditions': [{'status': 'True', 'type': 'PodScheduled'},
                                   {'status': 'True', 'type': 'Ready'},
                                   {'status': 'True', 'type': 'Initialized'}],
                    'phase': 'Running'}},
        id='pod_conditions_by_type',
    ),
    pytest.param(
        POD,
        {'metadata': {'ownerReferences': [{'uid': 'u1', 'controller': False},
                                          {'apiVersion': 'v1', 'kind': 'Node', 'name': 'n', 'uid': 'u2'}]}},
        {'metadata': {'ownerReferences': [{'apiVersion': 'apps/v1',
                                           'controller': False,
                                           'kind': 'ReplicaSet',
                                           'name': 'rs1',
                                           'uid': 'u1'},
                                          {'apiVersion': 'v1', 'kind': 'Node', 'name': 'n', 'uid': 'u2'}]}},
        id='pod_ownerReferences_by_uid',
    ),
    pytest.param(
        POD,
        {'spec': {'initContainers': [{'name': 'init', 'image': 'busybox:2'}],
                  'hostAliases': [{'ip': '10.0.0.1', 'hostnames': ['b']},
                                  {'ip': '10.0.0.2', 'hostnames': ['c']}]}},
        {'spec': {'hostAliases': [{'hostnames': ['b'], 'ip': '10.0.0.1'},
                                  {'hostnames': ['c'], 'ip': '10.0.0.2'}],
                  'initContainers': [{'image': 'busybox:2', 'name': 'init'}]}},
        id='pod_initContainers_hostAliases',
    ),
    pytest.param(
        POD,
        {'spec': {'containers': [{'name': 'app',
                                  'resizePolicy': [{'resourceName': 'memory',
                                                    'restartPolicy': 'RestartContainer'}]}]}},
        {'spec': {'containers': [{'image': 'app:1',
                                  'name': 'app',
                                  'resizePolicy': [{'resourceName': 'memory',
                                                    'restartPolicy': 'RestartContainer'}]}]}},
        id='pod_resizePolicy_replaced',
    ),
    pytest.param(
        POD,
        {'spec': {'ephemeralContainers': [{'name': 'debug',
                                           'image': 'busybox',
                                           'targetContainerName': 'app'}]}},
        {'spec': {'ephemeralContainers': [{'image': 'busybox',
                                           'name': 'debug',
                                           'targetContainerName': 'app'}]}},
        id='pod_ephemeral_container_add',
    ),
    pytest.param(
        POD,
        {'status': {'podIPs': [{'ip': 'fd00::5'}]}},
        {'status': {'podIPs': [{'ip': 'fd00::5'}, {'ip': '10.1.0.5'}]}},
        id='pod_podIPs_by_ip',
    ),
    pytest.param(
        SERVICE,
        {'spec': {'ports': [{'name': 'dns-udp', 'port': 53, 'protocol': 'UDP'},
                            {'name': 'metrics', 'port': 9153, 'targetPort': 9154}]}},
        {'spec': {'ports': [{'name': 'dns-udp', 'port': 53, 'protocol': 'UDP', 'targetPort': 53},
                            {'name': 'metrics', 'port': 9153, 'protocol': 'TCP', 'targetPort': 9154}]}},
        id='service_ports_by_port',
    ),
    pytest.param(
        NODE,
        {'spec': {'taints': [{'key': 't2', 'effect': 'NoExecute'}]},
         'status': {'addresses': [{'type': 'ExternalIP', 'address': '1.2.3.4'},
                                  {'type': 'InternalIP', 'address': '10.0.0.9'}]}},
        {'spec': {'taints': [{'effect': 'NoExecute', 'key': 't2'}]},
         'status': {'addresses': [{'address': '1.2.3.4', 'type': 'ExternalIP'},
                                  {'address': '10.0.0.9', 'type': 'InternalIP'},
                                  {'address': 'n1', 'type': 'Hostname'}]}},
        id='node_taints_replaced_addresses_merged',
    ),
    pytest.param(
        NODE,
        {'status': {'conditions': [{'type': 'Ready', 'status': 'False', 'reason': 'KubeletNotReady'}]}},
        {'status': {'conditions': [{'reason': 'KubeletNotReady', 'status': 'False', 'type': 'Ready'},
                                   {'status': 'False', 'type': 'MemoryPressure'}]}},
        id='node_conditions_by_type',
    ),
    pytest.param(
        NODE,
        {'spec': {'podCIDRs': ['fd00::/64', '10.1.0.0/24']}},
        {'spec': {'podCIDRs': ['fd00::/64', '10.1.0.0/24']}},
        id='node_podCIDRs_set',
    ),
    pytest.param(
        NODE,
        {'spec': {'unschedulable': True}},
        {'spec': {'unschedulable': True}},
        id='node_unschedulable',
    ),
    pytest.param(
        ENDPOINTS,
        {'subsets': [{'addresses': [{'ip': '10.1.0.6'}], 'ports': [{'port': 80}]}]},
        {'subsets': [{'addresses': [{'ip': '10.1.0.6'}], 'ports': [{'port': 80}]}]},
        id='endpoints_subsets_replaced',
    ),
    pytest.param(
        CONFIGMAP,
        {'data': {'a': None, 'c': '3'}},
        {'data': {'a': None, 'c': '3'}},
        id='configmap_data',
    ),
    pytest.param(
        NAMESPACE,
        {'spec': {'finalizers': ['x']},
         'status': {'conditions': [{'type': 'NamespaceContentRemaining', 'status': 'True'}]}},
        {'spec': {'finalizers': ['x']},
         'status': {'conditions': [{'status': 'True', 'type': 'NamespaceContentRemaining'},
                                   {'status': 'False', 'type': 'NamespaceDeletionDiscoveryFailure'}]}},
        id='namespace_finalizers_replaced_conditions_merged',
    ),
    pytest.param(
        LEASE,
        {'spec': {'renewTime': '2024-01-01T00:00:00.000000Z', 'leaseTransitions': 1}},
        {'spec': {'leaseTransitions': 1, 'renewTime': '2024-01-01T00:00:00.000000Z'}},
        id='lease_renew',
    ),
    pytest.param(
        REPLICASET,
        {'status': {'conditions': [{'$patch': 'delete', 'type': 'ReplicaFailure'}], 'replicas': 2}},
        {'status': {'conditions': [], 'replicas': 2}},
        id='replicaset_conditions_delete',
    ),
    pytest.param(
        EVENT,
        {'count': 2, 'lastTimestamp': '2024-01-01T00:00:00Z', 'involvedObject': {'uid': 'u'}},
        {'count': 2, 'involvedObject': {'uid': 'u'}, 'lastTimestamp': '2024-01-01T00:00:00Z'},
        id='event_count',
    ),
    pytest.param(
        NODE,
        {'spec': {'$deleteFromPrimitiveList/podCIDRs': ['10.1.0.0/24']}},
        {'spec': {'podCIDRs': []}},
        id='deleteFromPrimitiveList_non_merge_list',
    ),
    pytest.param(
        CONFIGMAP,
        {'$patch': 'replace',
         'apiVersion': 'v1',
         'kind': 'ConfigMap',
         'metadata': {'name': 'cfg'},
         'data': {'z': '26'}},
        {'data': {'a': None, 'b': None, 'z': '26'}},
        id='root_patch_replace',
    ),
    pytest.param(
        CONFIGMAP,
        {'binaryData': {'k': 'AAAA'}, 'immutable': True},
        {'binaryData': {'k': 'AAAA'}, 'immutable': True},
        id='unknown_field_added',
    ),
    pytest.param(
        POD,
        {'spec': {'$setElementOrder/imagePullSecrets': [{'name': 'b'}, {'name': 'a'}],
                  'imagePullSecrets': [{'name': 'b'}, {'name': 'a'}]}},
        {'spec': {'imagePullSecrets': [{'name': 'b'}, {'name': 'a'}]}},
        id='absent_list_with_order',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'affinity': {'nodeAffinity': None, 'podAffinity': {}}}}}},
        {'spec': {'template': {'spec': {'affinity': {'podAffinity': {}}}}}},
        id='new_subtree_nulls',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'affinity': {'$patch': 'delete'}}}}},
        {},
        id='absent_map_patch_delete',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'side'}, {'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'busybox', 'name': 'side'},
                                                       {'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
        id='order_only',
    ),
    pytest.param(
        POD,
        {'metadata': {'$deleteFromPrimitiveList/finalizers': ['x']}},
        {},
        id='delete_from_absent_primitive_list',
    ),
    pytest.param(
        DEPLOYMENT,
        {'metadata': {'$setElementOrder/finalizers': ['c', 'b', 'a']}},
        {'metadata': {'finalizers': ['c', 'b', 'a']}},
        id='order_only_primitives',
    ),
    pytest.param(
        DEPLOYMENT,
        {'spec': {'template': {'spec': {'containers': [{'name': 'side',
                                                        'env': [{'name': 'X', 'value': '1'},
                                                                {'$patch': 'delete', 'name': 'Y'}]}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'},
                                                                {'name': 'B', 'value': '2'}],
                                                        'image': 'nginx:1.25',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80, 'name': 'http'},
                                                                  {'containerPort': 443, 'name': 'https'}],
                                                        'resources': {'limits': {'memory': '128Mi'},
                                                                      'requests': {'cpu': '100m'}},
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]},
                                                       {'env': [{'name': 'X', 'value': '1'}],
                                                        'image': 'busybox',
                                                        'name': 'side'}]}}}},
        id='new_env_with_delete_elements',
    ),
    pytest.param(
        CONFIGMAP,
        {'data': ['x']},
        {'data': ['x']},
        id='type_change_list_to_map',
    ),
]


@pytest.mark.parametrize("original, patch, outcome", KUBECTL_SMP_CASES)
def test_strategic_merge_patch_matches_kubectl(original, patch, outcome):
    expected = outcome if isinstance(outcome, Rejected) else changed(original, outcome)
    check(lambda: apply_strategic_merge_patch(original, patch, original["kind"]), expected)


# ---------------------------------------------------------------------------
# Patches that kubectl itself sent, applied in sequence
# ---------------------------------------------------------------------------

# Captured with a fake API server; see the module docstring.  Each step:
# (kubectl command, patch type, patch body kubectl sent, changes it makes
# per `kubectl patch --local --type <patch type>` on the previous result).
# The Deployment was first created from m1.yaml; m2.yaml...m4.yaml are the
# manifests given to the later `kubectl apply` runs, visible in the patches.
APPLIED_DEPLOYMENT_START = {'apiVersion': 'apps/v1',
                            'kind': 'Deployment',
                            'metadata': {'name': 'web',
                                         'labels': {'app': 'web', 'tier': 'fe'},
                                         'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m1.yaml>'},
                                         'namespace': 'default',
                                         'uid': 'd-1',
                                         'resourceVersion': '10',
                                         'generation': 1},
                            'spec': {'replicas': 2,
                                     'selector': {'matchLabels': {'app': 'web'}},
                                     'strategy': {'type': 'RollingUpdate',
                                                  'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}},
                                     'template': {'metadata': {'labels': {'app': 'web'}},
                                                  'spec': {'containers': [{'name': 'web',
                                                                           'image': 'nginx:1.25',
                                                                           'ports': [{'containerPort': 80}],
                                                                           'env': [{'name': 'A',
                                                                                    'value': '1'},
                                                                                   {'name': 'B',
                                                                                    'value': '2'}],
                                                                           'volumeMounts': [{'name': 'data',
                                                                                             'mountPath': '/data'}],
                                                                           'terminationMessagePath': '/dev/termination-log',
                                                                           'imagePullPolicy': 'IfNotPresent'},
                                                                          {'name': 'side',
                                                                           'image': 'busybox',
                                                                           'args': ['sleep', '3600'],
                                                                           'terminationMessagePath': '/dev/termination-log',
                                                                           'imagePullPolicy': 'IfNotPresent'}],
                                                           'volumes': [{'name': 'data', 'emptyDir': {}}],
                                                           'tolerations': [{'key': 'k1',
                                                                            'operator': 'Exists'}],
                                                           'dnsPolicy': 'ClusterFirst'}},
                                     'progressDeadlineSeconds': 600},
                            'status': {'replicas': 2,
                                       'conditions': [{'type': 'Available', 'status': 'True'}]}}

APPLIED_DEPLOYMENT_STEPS = [
    (
        'kubectl apply -f m2.yaml',
        'strategic',
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m2.yaml>'},
                      'labels': {'tier': None}},
         'spec': {'replicas': 3,
                  'strategy': {'$retainKeys': ['type'], 'rollingUpdate': None, 'type': 'Recreate'},
                  'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        '$setElementOrder/volumes': [{'name': 'data'}],
                                        'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'$setElementOrder/env': [{'name': 'C'},
                                                                                 {'name': 'A'}],
                                                        '$setElementOrder/ports': [{'containerPort': 80},
                                                                                   {'containerPort': 443}],
                                                        'env': [{'name': 'C', 'value': '3'},
                                                                {'$patch': 'delete', 'name': 'B'}],
                                                        'image': 'nginx:1.26',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 443}]},
                                                       {'$patch': 'delete', 'name': 'side'}],
                                        'tolerations': None,
                                        'volumes': [{'$retainKeys': ['configMap', 'name'],
                                                     'configMap': {'name': 'web-config'},
                                                     'emptyDir': None,
                                                     'name': 'data'}]}}}},
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m2.yaml>'},
                      'labels': {'tier': None}},
         'spec': {'replicas': 3,
                  'strategy': {'rollingUpdate': None, 'type': 'Recreate'},
                  'template': {'spec': {'tolerations': None,
                                        'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'A', 'value': '1'}],
                                                        'image': 'nginx:1.26',
                                                        'imagePullPolicy': 'IfNotPresent',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80},
                                                                  {'containerPort': 443}],
                                                        'terminationMessagePath': '/dev/termination-log',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}],
                                        'volumes': [{'configMap': {'name': 'web-config'}, 'name': 'data'}]}}}},
    ),
    (
        'kubectl apply -f m3.yaml',
        'strategic',
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m3.yaml>'},
                      'finalizers': ['example.com/a', 'example.com/b']}},
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m3.yaml>'},
                      'finalizers': ['example.com/a', 'example.com/b']}},
    ),
    (
        'kubectl apply -f m4.yaml',
        'strategic',
        {'metadata': {'$deleteFromPrimitiveList/finalizers': ['example.com/a'],
                      '$setElementOrder/finalizers': ['example.com/b', 'example.com/c'],
                      'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m4.yaml>'},
                      'finalizers': ['example.com/c']}},
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<m4.yaml>'},
                      'finalizers': ['example.com/b', 'example.com/c']}},
    ),
    (
        'kubectl set image deployments/web web=nginx:1.27',
        'strategic',
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        'containers': [{'image': 'nginx:1.27', 'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'A', 'value': '1'}],
                                                        'image': 'nginx:1.27',
                                                        'imagePullPolicy': 'IfNotPresent',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80},
                                                                  {'containerPort': 443}],
                                                        'terminationMessagePath': '/dev/termination-log',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
    ),
    (
        'kubectl set env deployments/web FOO=bar',
        'strategic',
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        'containers': [{'env': [{'name': 'FOO', 'value': 'bar'}],
                                                        'name': 'log'},
                                                       {'$setElementOrder/env': [{'name': 'C'},
                                                                                 {'name': 'A'},
                                                                                 {'name': 'FOO'}],
                                                        'env': [{'name': 'FOO', 'value': 'bar'}],
                                                        'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'FOO', 'value': 'bar'}],
                                                        'image': 'fluentd',
                                                        'name': 'log'},
                                                       {'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'A', 'value': '1'},
                                                                {'name': 'FOO', 'value': 'bar'}],
                                                        'image': 'nginx:1.27',
                                                        'imagePullPolicy': 'IfNotPresent',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80},
                                                                  {'containerPort': 443}],
                                                        'terminationMessagePath': '/dev/termination-log',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
    ),
    (
        'kubectl rollout restart deployments/web',
        'strategic',
        {'spec': {'template': {'metadata': {'annotations': {'kubectl.kubernetes.io/restartedAt': '2026-11-26T11:03:49Z'}}}}},
        {'spec': {'template': {'metadata': {'annotations': {'kubectl.kubernetes.io/restartedAt': '2026-11-26T11:03:49Z'}}}}},
    ),
    (
        'kubectl label deployments web team=blue',
        'merge',
        {'metadata': {'labels': {'team': 'blue'}}},
        {'metadata': {'labels': {'team': 'blue'}}},
    ),
    (
        'kubectl annotate deployments web note=hello',
        'merge',
        {'metadata': {'annotations': {'note': 'hello'}}},
        {'metadata': {'annotations': {'note': 'hello'}}},
    ),
    (
        "kubectl patch deployments web --type json -p '[...]'",
        'json',
        [{'op': 'replace', 'path': '/spec/replicas', 'value': 4},
         {'op': 'add', 'path': '/metadata/labels/x~1y', 'value': 'z'}],
        {'metadata': {'labels': {'x/y': 'z'}}, 'spec': {'replicas': 4}},
    ),
    (
        'kubectl patch deployments web --type merge -p \'{"spec":{"paused":true}}\'',
        'merge',
        {'spec': {'paused': True}},
        {'spec': {'paused': True}},
    ),
    (
        'kubectl set resources deployments/web -c web --limits=cpu=500m',
        'strategic',
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        'containers': [{'name': 'web',
                                                        'resources': {'limits': {'cpu': '500m'}}}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'FOO', 'value': 'bar'}],
                                                        'image': 'fluentd',
                                                        'name': 'log'},
                                                       {'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'A', 'value': '1'},
                                                                {'name': 'FOO', 'value': 'bar'}],
                                                        'image': 'nginx:1.27',
                                                        'imagePullPolicy': 'IfNotPresent',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80},
                                                                  {'containerPort': 443}],
                                                        'resources': {'limits': {'cpu': '500m'}},
                                                        'terminationMessagePath': '/dev/termination-log',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
    ),
    (
        'kubectl set env deployments/web FOO-',
        'strategic',
        {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'log'}, {'name': 'web'}],
                                        'containers': [{'env': None, 'name': 'log'},
                                                       {'$setElementOrder/env': [{'name': 'C'},
                                                                                 {'name': 'A'}],
                                                        'env': [{'$patch': 'delete', 'name': 'FOO'}],
                                                        'name': 'web'}]}}}},
        {'spec': {'template': {'spec': {'containers': [{'image': 'fluentd', 'name': 'log'},
                                                       {'env': [{'name': 'C', 'value': '3'},
                                                                {'name': 'A', 'value': '1'}],
                                                        'image': 'nginx:1.27',
                                                        'imagePullPolicy': 'IfNotPresent',
                                                        'name': 'web',
                                                        'ports': [{'containerPort': 80},
                                                                  {'containerPort': 443}],
                                                        'resources': {'limits': {'cpu': '500m'}},
                                                        'terminationMessagePath': '/dev/termination-log',
                                                        'volumeMounts': [{'mountPath': '/data',
                                                                          'name': 'data'}]}]}}}},
    ),
]

NODE_COMMANDS_START = {'apiVersion': 'v1',
                       'kind': 'Node',
                       'metadata': {'name': 'n1', 'labels': {'zone': 'a'}},
                       'spec': {'podCIDRs': ['10.1.0.0/24'],
                                'taints': [{'key': 't1', 'effect': 'NoSchedule'}]},
                       'status': {'addresses': [{'type': 'InternalIP', 'address': '10.0.0.1'},
                                                {'type': 'Hostname', 'address': 'n1'}],
                                  'conditions': [{'type': 'Ready',
                                                  'status': 'True',
                                                  'reason': 'KubeletReady'},
                                                 {'type': 'MemoryPressure', 'status': 'False'}]}}

NODE_COMMANDS_STEPS = [
    (
        'kubectl taint nodes n1 k2=v:NoExecute',
        'strategic',
        {'spec': {'taints': [{'effect': 'NoExecute', 'key': 'k2', 'value': 'v'},
                             {'effect': 'NoSchedule', 'key': 't1'}]}},
        {'spec': {'taints': [{'effect': 'NoExecute', 'key': 'k2', 'value': 'v'},
                             {'effect': 'NoSchedule', 'key': 't1'}]}},
    ),
    (
        'kubectl cordon n1',
        'strategic',
        {'spec': {'unschedulable': True}},
        {'spec': {'unschedulable': True}},
    ),
    (
        'kubectl label nodes n1 zone-',
        'merge',
        {'metadata': {'labels': {'zone': None}}},
        {'metadata': {'labels': {'zone': None}}},
    ),
    (
        'kubectl taint nodes n1 t1:NoSchedule-',
        'strategic',
        {'spec': {'taints': [{'effect': 'NoExecute', 'key': 'k2', 'value': 'v'}]}},
        {'spec': {'taints': [{'effect': 'NoExecute', 'key': 'k2', 'value': 'v'}]}},
    ),
    (
        'kubectl uncordon n1',
        'strategic',
        {'spec': {'unschedulable': None}},
        {'spec': {'unschedulable': None}},
    ),
]

APPLIED_SERVICE_START = {'apiVersion': 'v1',
                         'kind': 'Service',
                         'metadata': {'name': 'dns',
                                      'namespace': 'default',
                                      'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<svc1>'}},
                         'spec': {'selector': {'app': 'dns'},
                                  'ports': [{'name': 'dns-tcp',
                                             'port': 53,
                                             'protocol': 'TCP',
                                             'targetPort': 53},
                                            {'name': 'metrics', 'port': 9153, 'protocol': 'TCP'}]}}

APPLIED_SERVICE_STEPS = [
    (
        'kubectl apply -f svc2.yaml',
        'strategic',
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<svc2.yaml>'}},
         'spec': {'$setElementOrder/ports': [{'port': 53}, {'port': 80}],
                  'ports': [{'port': 53, 'targetPort': 5353},
                            {'name': 'web', 'port': 80, 'protocol': 'TCP'},
                            {'$patch': 'delete', 'port': 9153}]}},
        {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '<svc2.yaml>'}},
         'spec': {'ports': [{'name': 'dns-tcp', 'port': 53, 'protocol': 'TCP', 'targetPort': 5353},
                            {'name': 'web', 'port': 80, 'protocol': 'TCP'}]}},
    ),
]

APPLY = {"strategic": None, "merge": apply_merge_patch, "json": apply_json_patch}


def _steps(start, steps, kind):
    params, current = [], start
    for command, patch_type, patch, changes in steps:
        expected = changed(current, changes)
        params.append(pytest.param(current, patch_type, patch, expected, kind, id=command))
        current = expected
    return params


COMMAND_STEPS = (
    _steps(APPLIED_DEPLOYMENT_START, APPLIED_DEPLOYMENT_STEPS, "Deployment")
    + _steps(NODE_COMMANDS_START, NODE_COMMANDS_STEPS, "Node")
    + _steps(APPLIED_SERVICE_START, APPLIED_SERVICE_STEPS, "Service")
)


@pytest.mark.parametrize("before, patch_type, patch, expected, kind", COMMAND_STEPS)
def test_patches_sent_by_kubectl(before, patch_type, patch, expected, kind):
    apply = APPLY[patch_type] or smp(kind)
    assert apply(before, patch) == expected


def test_kubectl_apply_patch_uses_every_directive():
    """The captured `kubectl apply` patch really carries the directives it is meant to test."""
    text = repr(APPLIED_DEPLOYMENT_STEPS[0][2]) + repr(APPLIED_DEPLOYMENT_STEPS[2][2])
    for directive in ("$retainKeys", "$setElementOrder/containers", "$setElementOrder/env",
                      "'$patch': 'delete'", "$deleteFromPrimitiveList/finalizers", "None"):
        assert directive in text


# ---------------------------------------------------------------------------
# Strategic merge patch: further cases
# ---------------------------------------------------------------------------

# Cases where this implementation knowingly differs from the raw JSON the Go
# code produces.  apimachinery leaves some directives in its output (the API
# server drops them when it decodes into the Go types); this project stores
# plain JSON, so it removes them, and it applies directives found in a value
# for a field the object lacks instead of dropping that value.
SMP_DEVIATIONS = [
    pytest.param(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"$setElementOrder/volumes": [{"name": "data"}, {"name": "cfg"}],
                                        "volumes": [{"$retainKeys": ["configMap", "name"],
                                                     "configMap": {"name": "c"}, "name": "cfg"}]}}}},
        # kubectl: the new volume keeps a "$retainKeys" key.
        {"spec": {"template": {"spec": {"volumes": [{"name": "data", "emptyDir": {}},
                                                    {"configMap": {"name": "c"}, "name": "cfg"}]}}}},
        id="new-list-element-loses-its-directives",
    ),
    pytest.param(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"tolerations": [{"key": "x"}, {"$patch": "replace"}]}}}},
        # kubectl: keeps {"$patch": "replace"} as a list element (decoded as an empty toleration).
        {"spec": {"template": {"spec": {"tolerations": [{"key": "x"}]}}}},
        id="directive-element-dropped-from-replaced-list",
    ),
    pytest.param(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"affinity": {"$patch": "replace", "podAffinity": {}}}}}},
        # kubectl (apimachinery >= 1.28): drops the whole value, adding nothing.
        {"spec": {"template": {"spec": {"affinity": {"podAffinity": {}}}}}},
        id="replace-directive-on-absent-field-adds-content",
    ),
    pytest.param(
        CONFIGMAP,
        {"$foo": "bar", "data": {"c": "3"}},
        # kubectl: keeps "$foo" as a field.
        {"data": {"c": "3"}},
        id="unknown-directive-key-ignored",
    ),
    pytest.param(
        DEPLOYMENT,
        {"spec": {"template": {"$patch": "replace",
                               "spec": {"containers": [{"name": "z", "image": "z",
                                                        "env": [{"$patch": "delete", "name": "Q"}]}]}}}},
        # kubectl: keeps the {"$patch": "delete", "name": "Q"} element.
        {"spec": {"template": {"metadata": None, "spec": {"containers": [{"name": "z", "image": "z", "env": []}],
                                                          "volumes": None, "tolerations": None,
                                                          "imagePullSecrets": None}}}},
        id="replace-applies-nested-directives",
    ),
]


@pytest.mark.parametrize("original, patch, changes", SMP_DEVIATIONS)
def test_strategic_merge_patch_strips_directives(original, patch, changes):
    assert apply_strategic_merge_patch(original, patch, original["kind"]) == changed(original, changes)


SMP_CASES = [
    pytest.param(
        DEPLOYMENT, {"$patch": "delete"}, {}, id="root-delete-empties-object",
    ),
    pytest.param(
        POD,
        {"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]}]}},
        changed(POD, {"spec": {"containers": [{"name": "app", "image": "app:1", "ports": [{"containerPort": 80}],
                                               "resizePolicy": POD["spec"]["containers"][0]["resizePolicy"]}]}}),
        id="list-added-inside-merged-element",
    ),
    pytest.param(
        {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80, "name": "x"}]}]}},
        {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80.0, "protocol": "TCP"},
                                                         {"containerPort": "80", "name": "s"}]}]}},
        {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [
            {"containerPort": 80, "name": "x", "protocol": "TCP"}, {"containerPort": "80", "name": "s"}]}]}},
        id="merge-key-compares-json-values",
    ),
    pytest.param(
        {"kind": "Pod", "spec": {"custom": {"a": 1, "l": [1, 2]}}},
        {"spec": {"custom": {"b": 2, "l": [3]}}},
        {"kind": "Pod", "spec": {"custom": {"a": 1, "b": 2, "l": [3]}}},
        id="unknown-fields-merge-maps-replace-lists",
    ),
    pytest.param(
        {"kind": "Pod", "spec": {"containers": [{"name": "a", "args": ["x", "y"]}]}},
        {"spec": {"containers": [{"name": "a", "$setElementOrder/args": ["y", "x"], "args": ["y", "x"]}]}},
        {"kind": "Pod", "spec": {"containers": [{"name": "a", "args": ["y", "x"]}]}},
        id="set-element-order-on-replaced-primitive-list",
    ),
    pytest.param(
        {"kind": "Pod", "spec": {"containers": [{"name": "a"}, {"name": "b"}]}},
        {"spec": {"$setElementOrder/containers": [{"name": "ghost"}, {"name": "b"}, {"name": "a"}]}},
        {"kind": "Pod", "spec": {"containers": [{"name": "b"}, {"name": "a"}]}},
        id="set-element-order-ignores-unknown-items",
    ),
    pytest.param(
        {"kind": "Pod", "metadata": {"finalizers": ["a", "b", "a"]}},
        {"metadata": {"finalizers": ["c", "b"]}},
        # kubectl patch --local gives the same: the patch's items first,
        # then those only in the object, as apimachinery orders them.
        {"kind": "Pod", "metadata": {"finalizers": ["c", "a", "b"]}},
        id="primitive-set-deduplicates",
    ),
    pytest.param(
        {"kind": "Pod", "metadata": {"finalizers": [1, True, "1"]}},
        {"metadata": {"$deleteFromPrimitiveList/finalizers": [1]}},
        {"kind": "Pod", "metadata": {"finalizers": [True, "1"]}},
        id="delete-from-primitive-list-compares-json-values",
    ),
    pytest.param(
        {"kind": "Pod", "metadata": {"labels": {"a": "1"}}},
        {"metadata": {"labels": {"$patch": "replace", "b": "2"}}},
        {"kind": "Pod", "metadata": {"labels": {"b": "2"}}},
        id="map-replace-directive",
    ),
    pytest.param(
        {"kind": "Pod", "status": {"conditions": [{"type": "Ready", "status": "False"}]}},
        {"status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Ready", "reason": "x"}]}},
        {"kind": "Pod", "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "x"}]}},
        id="repeated-merge-key-in-patch-merges-twice",
    ),
    pytest.param(
        {"kind": "Pod", "spec": {"containers": None}},
        {"spec": {"containers": [{"name": "a"}, {"$patch": "delete", "name": "b"}]}},
        {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}},
        id="null-in-object-is-absent",
    ),
]


@pytest.mark.parametrize("original, patch, expected", SMP_CASES)
def test_strategic_merge_patch(original, patch, expected):
    assert apply_strategic_merge_patch(original, patch, original.get("kind", "Deployment")) == expected


SMP_ERRORS = [
    pytest.param(DEPLOYMENT, ["spec"], "must be a JSON object", id="patch-not-an-object"),
    pytest.param(DEPLOYMENT, None, "must be a JSON object", id="patch-null"),
    pytest.param(DEPLOYMENT, {"spec": {"strategy": {"$patch": "bogus"}}}, "unknown patch type", id="unknown-map-directive"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"containers": [{"$patch": 1, "name": "web"}]}}}},
                 "unknown patch type", id="unknown-list-directive"),
    pytest.param(DEPLOYMENT, {"spec": {"strategy": {"$retainKeys": "type", "type": "Recreate"}}},
                 "$retainKeys must be a list", id="retain-keys-not-a-list"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"$setElementOrder/containers": {"name": "web"}}}}},
                 "must be a list", id="set-element-order-not-a-list"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"$setElementOrder/containers": ["web"]}}}},
                 "must be an object with the merge key 'name'", id="set-element-order-without-merge-key"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"$setElementOrder": [{"name": "web"}]}}}},
                 "expected $setElementOrder/<list field name>", id="set-element-order-without-field"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"$setElementOrder/tolerations": [{"key": "k1"}],
                                                             "tolerations": [{"key": "k1"}]}}}},
                 "needs a list with a merge key", id="set-element-order-on-atomic-list-of-objects"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "web"}],
                                                             "containers": {"name": "web"}}}}},
                 "is not a list", id="set-element-order-with-non-list"),
    pytest.param(DEPLOYMENT, {"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}},
                 "must be a list", id="delete-from-primitive-list-not-a-list"),
    pytest.param(DEPLOYMENT, {"metadata": {"$deleteFromPrimitiveList/finalizers": [{"a": 1}]}},
                 "must list primitives", id="delete-from-primitive-list-of-objects"),
    pytest.param(DEPLOYMENT, {"metadata": {"$deleteFromPrimitiveList": ["a"]}},
                 "expected $deleteFromPrimitiveList/<list field name>", id="delete-from-primitive-list-without-field"),
    pytest.param(DEPLOYMENT, {"metadata": {"finalizers": [{"name": "x"}]}}, "list element types are not identical",
                 id="mixed-element-types"),
    pytest.param({"kind": "Node", "spec": {"podCIDRs": []}}, {"spec": {"podCIDRs": [["10.0.0.0/8"]]}},
                 "lists of lists", id="list-of-lists"),
    pytest.param(DEPLOYMENT, {"spec": {"template": {"spec": {"containers": [{"$patch": "delete"}]}}}},
                 "lacks the merge key 'name'", id="delete-element-without-merge-key"),
    pytest.param(POD, {"spec": {"volumes": [{"$patch": "delete"}]}}, "lacks the merge key 'name'",
                 id="delete-element-without-merge-key-in-new-list"),
    pytest.param(POD, {"spec": {"volumes": [{"$patch": "merge", "name": "v"}]}}, "merging lists cannot yet",
                 id="merge-directive-in-new-list"),
    pytest.param(POD, {"spec": {"affinity": {"$patch": "merge"}}}, "unknown patch type: merge in map",
                 id="merge-directive-in-new-map"),
    pytest.param(POD, {"metadata": {"ownerReferences": [{"name": "no-uid"}]}},
                 "does not contain declared merge key: uid", id="owner-reference-without-uid"),
]


@pytest.mark.parametrize("original, patch, fragment", SMP_ERRORS)
def test_strategic_merge_patch_rejects(original, patch, fragment):
    check(lambda: apply_strategic_merge_patch(original, patch, original["kind"]), Rejected(fragment))


@pytest.mark.parametrize(
    "obj, kind, fragment",
    [
        pytest.param({"kind": "Secret"}, "Secret", "not supported for kind 'Secret'", id="unsupported-kind"),
        pytest.param({"kind": "Pod"}, "pods", "not supported for kind 'pods'", id="resource-name-is-not-a-kind"),
        pytest.param(["Pod"], "Pod", "object must be a JSON object", id="object-not-a-dict"),
    ],
)
def test_strategic_merge_patch_rejects_target(obj, kind, fragment):
    check(lambda: apply_strategic_merge_patch(obj, {}, kind), Rejected(fragment))


@pytest.mark.parametrize("kind", sorted(STRATEGIC_MERGE_KINDS))
def test_every_kind_merges_object_meta(kind):
    obj = {"kind": kind, "metadata": {"name": "x", "finalizers": ["a"], "labels": {"l": "1"},
                                      "ownerReferences": [{"uid": "u1", "name": "o1"}]}}
    patch = {"metadata": {"finalizers": ["b"], "labels": {"l": None, "m": "2"},
                          "ownerReferences": [{"uid": "u2", "name": "o2"}]}}
    # New items come first, as with kubectl patch --local (kubectl apply
    # sends $setElementOrder when it cares about the order).
    assert apply_strategic_merge_patch(obj, patch, kind)["metadata"] == {
        "name": "x", "finalizers": ["b", "a"], "labels": {"m": "2"},
        "ownerReferences": [{"uid": "u2", "name": "o2"}, {"uid": "u1", "name": "o1"}],
    }


# ---------------------------------------------------------------------------
# The merge-key table (generated from Kubernetes' OpenAPI)
# ---------------------------------------------------------------------------

CORE = "io.k8s.api.core.v1."
META = "io.k8s.apimachinery.pkg.apis.meta.v1."


@pytest.mark.parametrize(
    "type_name, field, strategy, merge_key",
    [
        (CORE + "PodSpec", "containers", "merge", "name"),
        (CORE + "PodSpec", "initContainers", "merge", "name"),
        (CORE + "PodSpec", "ephemeralContainers", "merge", "name"),
        (CORE + "PodSpec", "volumes", "merge,retainKeys", "name"),
        (CORE + "PodSpec", "imagePullSecrets", "merge", "name"),
        (CORE + "PodSpec", "hostAliases", "merge", "ip"),
        (CORE + "PodSpec", "topologySpreadConstraints", "merge", "topologyKey"),
        (CORE + "PodSpec", "schedulingGates", "merge", "name"),
        (CORE + "Container", "ports", "merge", "containerPort"),
        (CORE + "Container", "env", "merge", "name"),
        (CORE + "Container", "volumeMounts", "merge", "mountPath"),
        (CORE + "Container", "volumeDevices", "merge", "devicePath"),
        (CORE + "EphemeralContainer", "env", "merge", "name"),
        (CORE + "PodStatus", "conditions", "merge", "type"),
        (CORE + "PodStatus", "podIPs", "merge", "ip"),
        (CORE + "NodeStatus", "conditions", "merge", "type"),
        (CORE + "NodeStatus", "addresses", "merge", "type"),
        (CORE + "NodeSpec", "podCIDRs", "merge", None),
        (CORE + "ServiceSpec", "ports", "merge", "port"),
        (CORE + "NamespaceStatus", "conditions", "merge", "type"),
        ("io.k8s.api.apps.v1.DeploymentStatus", "conditions", "merge", "type"),
        ("io.k8s.api.apps.v1.ReplicaSetStatus", "conditions", "merge", "type"),
        ("io.k8s.api.apps.v1.DeploymentSpec", "strategy", "retainKeys", None),
        (META + "ObjectMeta", "finalizers", "merge", None),
        (META + "ObjectMeta", "ownerReferences", "merge", "uid"),
    ],
    ids=lambda value: value.rsplit(".", 1)[-1] if isinstance(value, str) and "." in value else str(value),
)
def test_schema_patch_metadata(type_name, field, strategy, merge_key):
    assert patch_schema.TYPES[type_name][field][:2] == (strategy, merge_key)


@pytest.mark.parametrize(
    "type_name, field",
    [
        (CORE + "PodSpec", "tolerations"),
        (CORE + "NodeSpec", "taints"),
        (CORE + "Endpoints", "subsets"),
        (CORE + "Container", "resizePolicy"),
        (CORE + "Container", "args"),
        (CORE + "PodStatus", "containerStatuses"),
        (CORE + "ServiceSpec", "selector"),
    ],
    ids=lambda value: value.rsplit(".", 1)[-1],
)
def test_schema_atomic_fields_have_no_strategy(type_name, field):
    meta = patch_schema.TYPES.get(type_name, {}).get(field)
    assert meta is None or meta[:2] == (None, None)


def test_schema_is_consistent():
    assert set(patch_schema.ROOT_TYPES) == {"Namespace", "Node", "Pod", "Service", "Endpoints", "Event",
                                            "ConfigMap", "Lease", "Deployment", "ReplicaSet"}
    for kind, type_name in patch_schema.ROOT_TYPES.items():
        assert type_name in patch_schema.TYPES, kind
    for type_name, fields in patch_schema.TYPES.items():
        for field, (strategy, merge_key, item_type) in fields.items():
            assert item_type is None or item_type in patch_schema.TYPES, (type_name, field)
            for part in (strategy or "").split(","):
                assert part in ("", "merge", "replace", "retainKeys"), (type_name, field, strategy)


# ---------------------------------------------------------------------------
# No function modifies its inputs or shares containers with them
# ---------------------------------------------------------------------------


def _containers(value, seen=None):
    seen = set() if seen is None else seen
    if isinstance(value, (dict, list)):
        seen.add(id(value))
        for child in value.values() if isinstance(value, dict) else value:
            _containers(child, seen)
    return seen


NO_MUTATION = [
    pytest.param(apply_merge_patch, DEPLOYMENT,
                 {"metadata": {"labels": {"tier": None, "x": {"y": [1]}}}, "spec": {"template": {"a": [{"b": 1}]}}},
                 id="merge"),
    pytest.param(apply_json_patch, DEPLOYMENT,
                 [{"op": "add", "path": "/spec/x", "value": {"y": [1]}},
                  {"op": "copy", "from": "/spec/x", "path": "/spec/z"},
                  {"op": "remove", "path": "/metadata/labels/tier"}],
                 id="json"),
    pytest.param(smp("Deployment"), DEPLOYMENT, APPLIED_DEPLOYMENT_STEPS[0][2], id="strategic-apply"),
    pytest.param(smp("Deployment"), DEPLOYMENT,
                 {"spec": {"template": {"spec": {"containers": [{"name": "new", "env": [{"name": "A"}]}],
                                                 "tolerations": [{"key": "t"}]}}}},
                 id="strategic-new-values"),
]


@pytest.mark.parametrize("apply, obj, patch", NO_MUTATION)
def test_inputs_are_not_modified_or_shared(apply, obj, patch):
    obj_before, patch_before = copy.deepcopy(obj), copy.deepcopy(patch)
    result = apply(obj, patch)
    assert obj == obj_before and patch == patch_before
    shared = _containers(result) & (_containers(obj) | _containers(patch))
    assert not shared
