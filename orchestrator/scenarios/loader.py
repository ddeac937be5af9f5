"""Read scenario files and refuse a malformed one with its file, line and problem.

Built-in scenarios live in `scenarios/` beside manage.py; a teacher's own in the folder named
by the PLAYGROUND_SCENARIOS_DIR setting. The YAML is composed into nodes first, so every
key and value keeps its line; each problem is reported at the line it is about, and a
manifest's problems at their line in the file. The format: docs/scenarios.md.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from orchestrator import manifests
from orchestrator.api import field_validation, parsing
from orchestrator.controlplane.profiles import PROFILES
from orchestrator.nodes.machines import ROLES, RUNTIMES
from orchestrator.store.errors import NotFound

from .actions import ACTIONS
from .conditions import CONDITIONS
from .params import Kind, Param

NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SCENARIO_KEYS = ("title", "summary", "order", "profile", "machines", "setup", "steps")
SETUP_KEYS = ("manifests", "ready")
STEP_KEYS = ("title", "explanation", "hint", "action", "done")
MACHINE_PARAMS = (
    Param("name", str, required=True), Param("role", str, default="worker", choices=ROLES),
    Param("runtime", str, default="containerd", choices=RUNTIMES), Param("cpu", (str, int, float), default="2"),
    Param("memory", (str, int), default="4Gi"), Param("pods", int, default=110),
)


class ScenarioFileError(Exception):
    """A scenario file that cannot be used: which file, which line, what is wrong."""

    def __init__(self, file: str, line: int | None, problem: str):
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}, line {line}: {problem}" if line else f"{file}: {problem}")

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "problem": self.problem, "message": str(self)}


@dataclass(frozen=True)
class Entry:
    """One action or condition as a scenario uses it: its word, its parameters, its line."""

    kind: Kind
    params: dict
    line: int

    def describe(self) -> str:
        return self.kind.describe(self.params)


@dataclass(frozen=True)
class Step:
    title: str
    explanation: str
    hint: str
    action: Entry | None
    done: tuple[Entry, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    summary: str
    profile: str
    machines: tuple[dict, ...] | None
    manifests: str
    ready: tuple[Entry, ...]
    steps: tuple[Step, ...]
    file: str
    source: str  # "built-in" or "teacher"
    order: int = 100  # the listing shows lower first

    def summary_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "summary": self.summary, "profile": self.profile,
                "steps": len(self.steps), "source": self.source, "file": self.file}


@dataclass
class Listing:
    scenarios: list[Scenario] = field(default_factory=list)
    errors: list[ScenarioFileError] = field(default_factory=list)


# -- reading one file ---------------------------------------------------------------------
class _Reader:
    """Walks the composed YAML of one file; every refusal names a line."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.source_text = text
        self.loader = yaml.SafeLoader(text)

    def fail(self, line_or_node, problem: str):
        line = line_or_node if isinstance(line_or_node, int) else line_or_node.start_mark.line + 1
        raise ScenarioFileError(self.file, line, problem)

    def root(self) -> yaml.Node:
        try:
            parsing.check_size(self.source_text)
            parsing.check_yaml(self.source_text)
        except parsing.InputLimitError as error:
            raise ScenarioFileError(self.file, None, f"refused: {error}") from error
        try:
            node = self.loader.get_single_node()
        except yaml.YAMLError as error:
            # An unclosed [ or { is noticed lines later; its opening line is where to look.
            context = getattr(error, "context", None) or ""
            mark = getattr(error, "context_mark", None) if "flow" in context else None
            mark = mark or getattr(error, "problem_mark", None)
            problem = " ".join(filter(None, (getattr(error, "context", None), getattr(error, "problem", None)))) or str(error)
            raise ScenarioFileError(self.file, mark.line + 1 if mark else None, f"YAML error: {problem}") from error
        if node is None:
            raise ScenarioFileError(self.file, 1, "the file is empty")
        return node

    def mapping(self, node, what: str, allowed, required=()) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values, not {_node_kind(node)}")
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if not isinstance(name, str) or key.tag != "tag:yaml.org,2002:str":
                read_as = self.value(key) if isinstance(key, yaml.ScalarNode) else None
                self.fail(key, f'{what} has a key that is not a word: YAML reads "{name}" as {_shown_value(read_as)}; put it in quotes')
            if name in items:
                self.fail(key, f'duplicate key "{name}" in {what}')
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f'; did you mean "{close[0]}"?' if close else f"; expected one of: {', '.join(allowed)}"
                self.fail(key, f'unknown key "{name}" in {what}{hint}')
            items[name] = (key, value)
        for name in required:
            if name not in items:
                self.fail(node, f'{what} is missing "{name}"')
        return items

    def value(self, node):
        return self.loader.construct_object(node, deep=True)

    def param(self, node, param: Param, what: str):
        value = self.value(node)
        problem = param.problem(value)
        if problem:
            self.fail(node, f'"{param.name}" in {what} {problem}')
        return value

    def text(self, items: dict, key: str, what: str, default: str = "") -> str:
        if key not in items:
            return default
        value = self.param(items[key][1], Param(key, str), what)
        if not value.strip():
            self.fail(items[key][1], f'"{key}" in {what} must not be empty')
        return value.strip()

    def sequence(self, node, what: str, *, empty_ok: bool = False) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list (items starting with '- '), not {_node_kind(node)}")
        if not node.value and not empty_ok:
            self.fail(node, f"{what} must not be empty")
        return node.value

    def params(self, node, params: tuple[Param, ...], what: str, *, scalar: str | None = None, one_of=()) -> dict:
        """Read a mapping of parameters (or a plain value standing for `scalar`), checked and defaulted."""
        by_name = {p.name: p for p in params}
        if scalar is not None and not isinstance(node, yaml.MappingNode):
            found = {scalar: node}
        else:
            items = self.mapping(node, what, tuple(by_name), tuple(p.name for p in params if p.required))
            found = {name: value for name, (_, value) in items.items()}
        result = {}
        for p in params:
            if p.name in found:
                result[p.name] = self.param(found[p.name], p, what)
                if p.name == "yaml":
                    self.manifest(found[p.name], result[p.name])
            elif p.default is not None:
                result[p.name] = p.default
        if one_of and not any(name in found for name in one_of):
            self.fail(node, f"{what} needs at least one of: {', '.join(one_of)}")
        return result

    def entry(self, node, vocabulary: dict[str, Kind], word: str, what: str) -> Entry:
        """Read `{name: parameters}`: one action or condition."""
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            known = ", ".join(vocabulary)
            self.fail(node, f"{what} must be a mapping with one {word} as its key ({known})")
        key, value = node.value[0]
        name = self.value(key)
        kind = vocabulary.get(name) if isinstance(name, str) else None
        if kind is None:
            close = difflib.get_close_matches(str(name), vocabulary, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else f"; known {word}s: {', '.join(vocabulary)}"
            self.fail(key, f'unknown {word} "{name}" in {what}{hint}')
        params = self.params(value, kind.params, f'the {word} "{name}" ({what})', scalar=kind.scalar, one_of=kind.one_of)
        return Entry(kind, params, key.start_mark.line + 1)

    def manifest(self, node, text: str) -> None:
        """Check a manifest as the apply would before writing: YAML, kinds, field names."""
        # A literal block (|) starts on the line after its indicator, so lines map one to one.
        literal = isinstance(node, yaml.ScalarNode) and node.style == "|"
        base = node.start_mark.line + 1

        def at(line: int | None) -> int:
            return base + line if literal and line else base

        try:
            documents = manifests.parse(text)
        except manifests.ManifestError as error:
            cause = error.causes[0] if error.causes else None
            self.fail(at(cause.line if cause else None), f"bad manifest: {cause.message if cause else error.message}")
        for obj, doc, doc_text in documents:
            line = doc.start_mark.line + 1
            if not isinstance(obj, dict):
                self.fail(at(line), "bad manifest: a document must be a Kubernetes object")
            resource = manifests.served(obj)
            if resource is None:
                self.fail(at(manifests.line_of(doc, "kind") or line),
                          f'bad manifest: no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"')
            for problem in field_validation.unknown_and_duplicate_fields(resource.group_version, resource.kind, doc_text, yaml_body=True):
                match = manifests.UNKNOWN_FIELD.search(problem)
                self.fail(at(manifests.line_of(doc, match.group(1)) if match else line), f"bad manifest: {resource.kind} {problem}")


def _shown_value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else "empty" if value is None else repr(value)


def _node_kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "empty" if node.tag == "tag:yaml.org,2002:null" else f'"{node.value}"'


def load_file(path: Path, *, source: str) -> Scenario:
    """Read and check one scenario file; ScenarioFileError names what is wrong and where."""
    file = _shown(path)
    name = path.stem
    if not NAME.match(name):
        raise ScenarioFileError(file, None, f'"{name}" is not a scenario name: use lower case letters, digits and "-" in the file name')
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioFileError(file, None, f"cannot be read: {error}") from error
    r = _Reader(file, text)
    root = r.root()
    top = r.mapping(root, "the scenario", SCENARIO_KEYS, ("title", "summary", "steps"))
    order = r.param(top["order"][1], Param("order", int), "the scenario") if "order" in top else 100
    profile = r.param(top["profile"][1], Param("profile", str, choices=tuple(PROFILES)), "the scenario") if "profile" in top else "classroom"
    machines = None
    if "machines" in top:
        machines = []
        for i, item in enumerate(r.sequence(top["machines"][1], '"machines"'), 1):
            machines.append(r.params(item, MACHINE_PARAMS, f"machine {i}"))
        names = [m["name"] for m in machines]
        for i, machine_name in enumerate(names):
            if machine_name in names[:i]:
                r.fail(top["machines"][1].value[i], f'machine {i + 1}: the name "{machine_name}" is used twice')
    text_manifests, ready = "", ()
    if "setup" in top:
        setup = r.mapping(top["setup"][1], '"setup"', SETUP_KEYS)
        if "manifests" in setup:
            text_manifests = r.param(setup["manifests"][1], Param("manifests", str), '"setup"')
            r.manifest(setup["manifests"][1], text_manifests)
        if "ready" in setup:
            ready = tuple(r.entry(n, CONDITIONS, "condition", f'"setup" ready condition {i}')
                          for i, n in enumerate(r.sequence(setup["ready"][1], '"ready" in "setup"'), 1))
    steps = []
    for i, node in enumerate(r.sequence(top["steps"][1], '"steps"'), 1):
        what = f"step {i}"
        items = r.mapping(node, what, STEP_KEYS, ("title", "explanation", "done"))
        action = r.entry(items["action"][1], ACTIONS, "action", what) if "action" in items else None
        done = tuple(r.entry(n, CONDITIONS, "condition", f"{what}, condition {j}")
                     for j, n in enumerate(r.sequence(items["done"][1], f'"done" of {what}'), 1))
        steps.append(Step(r.text(items, "title", what), r.text(items, "explanation", what), r.text(items, "hint", what),
                          action, done))
    return Scenario(
        name=name, title=r.text(top, "title", "the scenario"), summary=r.text(top, "summary", "the scenario"),
        profile=profile, machines=tuple(machines) if machines is not None else None, manifests=text_manifests,
        ready=ready, steps=tuple(steps), file=file, source=source, order=order,
    )


def _shown(path: Path) -> str:
    """The file as a message names it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


# -- all files -------------------------------------------------------------------------------
def folders() -> list[tuple[Path, str]]:
    result = [(Path(settings.BASE_DIR) / "scenarios", "built-in")]
    if getattr(settings, "PLAYGROUND_SCENARIOS_DIR", ""):
        result.append((Path(settings.PLAYGROUND_SCENARIOS_DIR), "teacher"))
    return result


_cache: dict[Path, tuple[tuple, Scenario | ScenarioFileError]] = {}


def _load_cached(path: Path, source: str) -> Scenario | ScenarioFileError:
    """Read a file again only when it changed (the listing is asked for on every page view)."""
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size, source)
    except OSError:
        key = None
    cached = _cache.get(path)
    if key is not None and cached and cached[0] == key:
        return cached[1]
    try:
        result: Scenario | ScenarioFileError = load_file(path, source=source)
    except ScenarioFileError as error:
        result = error
    if key is not None:
        _cache[path] = (key, result)
    return result


def load_all() -> Listing:
    """Every scenario file: the valid ones (built-ins first, by order then title) and the refused ones."""
    listing = Listing()
    seen: dict[str, Scenario] = {}
    for folder, source in folders():
        if not folder.is_dir():
            listing.errors.append(ScenarioFileError(str(folder), None, "the scenario folder does not exist"))
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
            result = _load_cached(path, source)
            if isinstance(result, ScenarioFileError):
                listing.errors.append(result)
            elif result.name in seen:
                listing.errors.append(ScenarioFileError(result.file, None, f'the name "{result.name}" is already used by {seen[result.name].file}'))
            else:
                seen[result.name] = result
                listing.scenarios.append(result)
    listing.scenarios.sort(key=lambda s: (s.source != "built-in", s.order, s.title.lower()))
    return listing


def scenario_get(name: str) -> Scenario:
    """Return the named scenario; 404 when there is none, with the file's problem if it is malformed."""
    listing = load_all()
    for scenario in listing.scenarios:
        if scenario.name == name:
            return scenario
    broken = next((e for e in listing.errors if Path(e.file).stem == name), None)
    message = f'scenario "{name}" not found' + (f": its file is malformed ({broken})" if broken else "")
    raise NotFound(message, kind="scenarios", name=name)
