"""The bench's arithmetic and its table: pure functions, no processes, no network."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    median: float | None
    min: float | None
    max: float | None
    runs: int  # runs that produced a value
    attempts: int  # runs in all


def summarize(values: list[float | None]) -> Summary:
    """Median, min and max over the runs that produced a value (None: the run did not reach it)."""
    got = [v for v in values if v is not None]
    if not got:
        return Summary(None, None, None, 0, len(values))
    return Summary(statistics.median(got), min(got), max(got), len(got), len(values))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95: fraction 0.95): the smallest value with at least that
    fraction of the samples at or below it."""
    if not values:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction}")
    ordered = sorted(values)
    rank = math.ceil(fraction * len(ordered))
    return ordered[rank - 1]


def stat_cpu_ticks(stat_line: str) -> int:
    """utime + stime (clock ticks) from the text of /proc/PID/stat.

    The second field is the command in parentheses and may itself hold spaces or ')', so the
    fields are counted from the last ')': after it come state (field 3) ... utime (14), stime (15).
    """
    rest = stat_line[stat_line.rindex(")") + 2:].split()
    return int(rest[11]) + int(rest[12])


def status_kib(status_text: str, field: str = "VmRSS") -> int:
    """A `kB` field (VmRSS, VmHWM) of /proc/PID/status, in KiB; 0 when absent (a zombie)."""
    for line in status_text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_percent(ticks_before: int, ticks_after: int, wall_seconds: float, ticks_per_second: int) -> float:
    """CPU used over a window as a percentage of one core (200% = two cores busy)."""
    if wall_seconds <= 0:
        raise ValueError("the window must last some time")
    if ticks_after < ticks_before:
        raise ValueError("CPU ticks went backwards: was the process restarted?")
    return (ticks_after - ticks_before) / ticks_per_second / wall_seconds * 100


def parse_only(text: str | None, known: dict[str, str]) -> list[str]:
    """Scenario names asked for by `--only a,b`; `known` maps every accepted name (scenario or
    figure) to its scenario. Keeps the order of first mention; unknown names are an error."""
    if not text:
        return []
    chosen: list[str] = []
    unknown = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        if name not in known:
            unknown.append(name)
        elif known[name] not in chosen:
            chosen.append(known[name])
    if unknown:
        raise ValueError(f"unknown scenario or figure: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    if not chosen:
        raise ValueError("--only names no scenario")
    return chosen


def format_number(value: float | None) -> str:
    """Readable figures: thousands separated, three significant digits for small values."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 0.995:  # what rounds to 1.00 shows as 1.00
        return f"{value:.2f}"
    return f"{value:.3g}"


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, columns padded to their widest cell, numbers right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the table {len(headers)} columns: {row}")
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            out.append(cell.ljust(width) if i == 0 or not _numeric(cell) else cell.rjust(width))
        return "  ".join(out).rstrip()

    separator = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), separator, *(line(r) for r in rows)])


def _numeric(cell: str) -> bool:
    stripped = cell.replace(",", "").replace(".", "").replace("-", "").replace("/", "")
    return stripped.isdigit() or cell == "-"
