"""The parameters an action or a condition takes, so the loader can check them by name and type."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from orchestrator.api.selectors import parse_label_selector
from orchestrator.store.errors import BadRequest


@dataclass(frozen=True)
class Param:
    name: str
    type: type | tuple  # str, int, bool, float (an int is accepted for a float)
    required: bool = False
    default: object = None
    choices: tuple = ()
    check: Callable[[object], str | None] | None = None  # returns a problem, or None

    def type_name(self) -> str:
        if self.choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        if isinstance(self.type, tuple):
            return "a string or a number"
        return {str: "a string", int: "a whole number", bool: "true or false", float: "a number"}[self.type]

    def problem(self, value) -> str | None:
        """Return what is wrong with `value` for this parameter, or None."""
        ok = isinstance(value, self.type) and not (isinstance(value, bool) and self.type is not bool)
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            return f"must be {self.type_name()}, not {_shown(value)}"
        if self.choices and value not in self.choices:
            return f"must be {self.type_name()}, not {_shown(value)}"
        if self.type in (int, float) and value < 0:
            return f"must not be negative, not {value}"
        return self.check(value) if self.check else None


def _shown(value) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def selector_problem(value) -> str | None:
    try:
        parse_label_selector(value)
    except BadRequest as error:
        return f'is not a label selector ("{value}"): {error.message}'
    return None if value.strip() else "must not be empty"


TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def parse_taint(text: str) -> dict:
    """Parse kubectl's taint syntax `key[=value][:Effect]` into a taint (effect may be missing)."""
    key_value, _, effect = text.partition(":")
    key, _, value = key_value.partition("=")
    taint = {"key": key}
    if value:
        taint["value"] = value
    if effect:
        taint["effect"] = effect
    return taint


def taint_problem(value) -> str | None:
    taint = parse_taint(value)
    if not taint["key"]:
        return f'is not a taint ("{value}"): expected key[=value][:Effect]'
    if "effect" in taint and taint["effect"] not in TAINT_EFFECTS:
        return f'has an unknown effect "{taint["effect"]}": expected one of {", ".join(TAINT_EFFECTS)}'
    return None


def taint_text(taint: dict) -> str:
    text = taint["key"] + (f"={taint['value']}" if taint.get("value") else "")
    return text + (f":{taint['effect']}" if taint.get("effect") else "")


@dataclass(frozen=True)
class Kind:
    """One word of the scenario vocabulary (an action or a condition) and its parameters.

    `scalar` names the parameter a plain value stands for (`power_off: worker-1`);
    `one_of` lists parameters of which at least one must be given.
    """

    name: str
    params: tuple[Param, ...]
    describe: Callable[[dict], str]
    run: Callable
    scalar: str | None = None
    one_of: tuple[str, ...] = ()
