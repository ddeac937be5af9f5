"""The loader refuses a malformed scenario file with its file, line and problem, and lists a
teacher's folder beside the built-ins."""
from __future__ import annotations

import textwrap

import pytest

from orchestrator.scenarios.loader import ScenarioFileError, load_all, load_file, scenario_get
from orchestrator.store.errors import NotFound
from tests.lessons import BUILT_IN

GOOD = """\
title: Scale it
summary: Scale a deployment and watch.
setup:
  manifests: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.25
  ready:
    - pods: {selector: app=web, ready: 1}
steps:
  - title: Scale web to 3
    explanation: The ReplicaSet controller creates two pods.
    action: {scale: {deployment: web, replicas: 3}}
    done:
      - pods: {selector: app=web, ready: 3}
      - deployment: {name: not-there-yet, available: 3}
"""


def write(folder, name, text):
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def refusal(tmp_path, text, name="lesson") -> ScenarioFileError:
    with pytest.raises(ScenarioFileError) as caught:
        load_file(write(tmp_path, name, text), source="teacher")
    return caught.value


def test_a_good_file_loads_with_its_steps_and_conditions(tmp_path):
    scenario = load_file(write(tmp_path, "scale-it", GOOD), source="teacher")
    assert scenario.name == "scale-it"
    assert scenario.profile == "classroom"
    assert scenario.machines is None
    assert [s.title for s in scenario.steps] == ["Scale web to 3"]
    step = scenario.steps[0]
    assert step.action.describe() == "Scale web to 3"
    assert step.action.params == {"deployment": "web", "namespace": "default", "replicas": 3}
    # A deployment the cluster does not have yet is fine when the file is read.
    assert [c.describe() for c in step.done] == ["3 pods of app=web Ready", "deployment not-there-yet: 3 available"]
    assert step.done[0].line == 26


@pytest.mark.parametrize("edit, line, problem", [
    (("title: Scale it", "titel: Scale it"), 1, 'unknown key "titel" in the scenario; did you mean "title"?'),
    (("    explanation:", "    explain:"), 23, 'unknown key "explain" in step 1; did you mean "explanation"?'),
    (("{scale: {deployment: web, replicas: 3}}", "{scael: {deployment: web, replicas: 3}}"), 24,
     'unknown action "scael" in step 1; did you mean "scale"?'),
    (("      - pods: {selector: app=web, ready: 3}", "      - pod: {selector: app=web}"), 26,
     'unknown condition "pod" in step 1, condition 1; did you mean "pods"?'),
    (("replicas: 3}}", "replicas: three}}"), 24, '"replicas" in the action "scale" (step 1) must be a whole number, not "three"'),
    (("replicas: 3}}", "replicas: 3, replica: 4}}"), 24,
     'unknown key "replica" in the action "scale" (step 1); did you mean "replicas"?'),
    (("selector: app=web, ready: 3}", "selector: app=web, ready: 3, on: worker-1}"), 26,
     'the condition "pods" (step 1, condition 1) has a key that is not a word: YAML reads "on" as true; put it in quotes'),
    (("selector: app=web, ready: 3}", "selector: 'app in web', ready: 3}"), 26, 'is not a label selector ("app in web")'),
    (("      - pods: {selector: app=web, ready: 3}", "      - pods: {selector: app=web}"), 26,
     'the condition "pods" (step 1, condition 1) needs at least one of: ready, count, min_nodes, not_on'),
    (("    done:\n", "    finished:\n"), 25, 'unknown key "finished" in step 1'),
    (("    action: {scale: {deployment: web, replicas: 3}}", "    action: {stop: kube-schedular}"), 24,
     '"component" in the action "stop" (step 1) must be one of etcd, kube-apiserver, kube-scheduler, kube-controller-manager, not "kube-schedular"'),
    (("      - pods: {selector: app=web, ready: 3}", "      - traffic: {min_success: 95}"), 26,
     '"min_success" in the condition "traffic" (step 1, condition 1) must be a fraction from 0 to 1 (0.95 for 95%), not 95'),
    (("{scale: {deployment: web, replicas: 3}}", "{traffic: {service: web, rate: 0}}"), 24,
     '"rate" in the action "traffic" (step 1) must be from 1 to 1000 requests a second, not 0'),
    (("steps:\n", "steps: later\nsteps:\n"), 22, 'duplicate key "steps" in the scenario'),
    (("summary: Scale a deployment and watch.", "summary: [Scale"), 2, "YAML error"),
    (("  - title: Scale web to 3\n", "  - title: [Scale web to 3]\n"), 22, '"title" in step 1 must be a string, not a list'),
    (("  ready:\n    - pods: {selector: app=web, ready: 1}\n", "  ready: {pods: {selector: app=web, ready: 1}}\n"), 19, '"ready" in "setup" must be a list'),
    # Manifest problems are reported at their line in the scenario file.
    (("      name: web\n", "      nmae: web\n"), 8, 'bad manifest: Deployment unknown field "metadata.nmae"'),
    (("    kind: Deployment", "    kind: Deploymint"), 6, 'bad manifest: no matches for kind "Deploymint" in version "apps/v1"'),
    (("          labels: {app: web}", "          labels: {app: web"), 14, "bad manifest: YAML error"),
])
def test_mistakes_are_refused_naming_file_line_and_problem(tmp_path, edit, line, problem):
    old, new = edit
    assert old in GOOD
    error = refusal(tmp_path, GOOD.replace(old, new, 1))
    assert error.file.endswith("lesson.yaml")
    assert problem in error.problem
    assert error.line == line, (error.line, str(error))
    assert str(error).startswith(f"{error.file}, line {line}: ")


def test_an_apply_action_manifest_is_checked_at_its_line(tmp_path):
    text = GOOD.replace("    action: {scale: {deployment: web, replicas: 3}}\n", """\
    action:
      apply: |
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selektor: {app: web}
""")
    error = refusal(tmp_path, text)
    assert error.line == 31 and 'unknown field "spec.selektor"' in error.problem


def test_empty_files_and_bad_names_and_missing_keys(tmp_path):
    assert refusal(tmp_path, "").problem == "the file is empty"
    assert refusal(tmp_path, "- a\n- b\n").problem == "the scenario must be a mapping of keys to values, not a list"
    error = refusal(tmp_path, "title: x\nsummary: y\n")
    assert (error.line, error.problem) == (1, 'the scenario is missing "steps"')
    error = refusal(tmp_path, GOOD, name="Bad_Name")
    assert error.line is None and '"Bad_Name" is not a scenario name' in error.problem
    error = refusal(tmp_path, GOOD.replace("steps:\n", "profile: fast\nsteps:\n"))
    assert error.problem == '"profile" in the scenario must be one of classroom, kubernetes, not "fast"'
    error = refusal(tmp_path, GOOD.replace("steps:\n", "machines:\n  - {name: a, role: boss}\nsteps:\n"))
    assert (error.line, error.problem) == (22, '"role" in machine 1 must be one of worker, control-plane, not "boss"')


def test_a_teachers_folder_adds_its_scenarios_and_reports_its_broken_files(tmp_path, settings):
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    write(tmp_path, "scale-it", GOOD)
    write(tmp_path, "broken", GOOD.replace("title: Scale it", "title: [Scale it"))
    write(tmp_path, "kill-a-node", GOOD)
    (tmp_path / "notes.txt").write_text("not a scenario")
    listing = load_all()
    names = [s.name for s in listing.scenarios]
    assert names[-1] == "scale-it" and len(names) == len(BUILT_IN) + 1
    assert names[0] == "kill-a-node"
    mine = listing.scenarios[-1]
    assert (mine.source, mine.title) == ("teacher", "Scale it")
    errors = {e.file.rsplit("/", 1)[-1]: e for e in listing.errors}
    assert set(errors) == {"broken.yaml", "kill-a-node.yaml"}
    assert errors["broken.yaml"].line == 1 and "YAML error" in errors["broken.yaml"].problem
    assert errors["kill-a-node.yaml"].problem == 'the name "kill-a-node" is already used by scenarios/kill-a-node.yaml'
    assert scenario_get("scale-it").title == "Scale it"
    with pytest.raises(NotFound, match=r'scenario "broken" not found: its file is malformed \(.*broken.yaml, line 1: YAML error'):
        scenario_get("broken")
    # A file fixed in place is read again.
    write(tmp_path, "broken", GOOD)
    assert "broken" in [s.name for s in load_all().scenarios]


def test_a_missing_teachers_folder_is_reported(tmp_path, settings):
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path / "nowhere")
    listing = load_all()
    assert len(listing.scenarios) == len(BUILT_IN)
    assert [e.problem for e in listing.errors] == ["the scenario folder does not exist"]
