"""What one run of one scenario found: a value per figure, or why it has none."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    value: float | None  # None: not reached
    status: str  # "ok", "not reached" or "error"
    note: str = ""
    details: dict = field(default_factory=dict)


class Report:
    def __init__(self, wanted: list[str]):
        self.wanted = list(wanted)
        self.results: dict[str, Result] = {}
        self.steps: list[str] = []  # what the scenario did, in order, with times
        self.info: dict = {}  # the scenario's own measurements beside the figures (set-up times)

    def wants(self, *keys: str) -> bool:
        return any(k in self.wanted for k in keys)

    def add(self, key: str, value: float, note: str = "", **details) -> None:
        self.results[key] = Result(float(value), "ok", note, details)

    def miss(self, key: str, note: str, value: float | None = None, **details) -> None:
        """Not reached: `note` says how far it got; `value`, if any, is what the partial run measured."""
        self.results[key] = Result(None if value is None else float(value), "not reached", note, details)

    def step(self, text: str) -> None:
        self.steps.append(text)
        print(f"    {text}", flush=True)

    def close(self, status: str, note: str) -> None:
        """Every wanted figure not reported yet gets `status` and `note` (a step not reached, an error)."""
        for key in self.wanted:
            if key not in self.results:
                self.results[key] = Result(None, status, note)
