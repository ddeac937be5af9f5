import pytest

from orchestrator.manifests import ManifestError, apply_manifest
from orchestrator.models import ConfigMap, Deployment

GOOD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""


def test_a_manifest_is_applied_then_reapplied(cluster):
    assert apply_manifest(cluster=cluster, text=GOOD) == [
        {"kind": "ConfigMap", "namespace": "default", "name": "settings", "action": "created"},
        {"kind": "Deployment", "namespace": "default", "name": "web", "action": "created"},
    ]
    again = apply_manifest(cluster=cluster, text=GOOD.replace("replicas: 2", "replicas: 3"))
    assert [a["action"] for a in again] == ["unchanged", "configured"]
    assert Deployment.objects.get(cluster=cluster, name="web").spec["replicas"] == 3


@pytest.mark.parametrize(
    "text, line, field",
    [
        (GOOD.replace("  replicas: 2", "  replicas: -2"), 13, "spec.replicas"),
        (GOOD.replace("        image: nginx:1.25", "        imagee: nginx:1.25"), 22, "spec.template.spec.containers[0].imagee"),
        (GOOD.replace("kind: Deployment", "kind: StatefulSet"), 9, "kind"),
        (GOOD.replace("  color: blue", "  color: [blue"), 6, ""),
        (GOOD.replace("  name: web\n", "  name: Web\n"), 11, "metadata.name"),
    ],
    ids=["negative-replicas", "unknown-field", "unknown-kind", "yaml-syntax", "invalid-name"],
)
def test_a_bad_manifest_points_at_its_line_and_applies_nothing(cluster, text, line, field):
    with pytest.raises(ManifestError) as failure:
        apply_manifest(cluster=cluster, text=text)
    causes = failure.value.status()["details"]["causes"]
    assert (causes[0]["line"], causes[0]["field"]) == (line, field), causes
    assert not ConfigMap.objects.filter(cluster=cluster, name="settings").exists()
    assert not Deployment.objects.filter(cluster=cluster).exists()
