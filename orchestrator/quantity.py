"""Kubernetes resource quantities ("100m", "1.5Gi", "1e3") and pod requests.

Parsing follows apimachinery's resource.Quantity: a signed decimal number
followed by a binary suffix (Ki..Ei), a decimal SI suffix (n..E) or a
decimal exponent (e3, E-2).  Values are exact (fractions) until converted,
and conversions round up like Quantity.MilliValue()/Value() do.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import Any

QUANTITY_FORMAT = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT = f"quantities must match the regular expression '{QUANTITY_FORMAT}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

MAX_EXPONENT = 1000  # far past any real amount (int64 holds 9.2e18); the number stays cheap to compute
_QUANTITY_RE = re.compile(QUANTITY_FORMAT)
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")
_EXPONENT_RE = re.compile(r"^[eE][-+]?[0-9]+$")

_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIXES = {
    "n": -9, "u": -6, "m": -3, "": 0,
    "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
}

# Requests the scheduler assumes for a container that sets none, when it
# scores nodes (scheduler util DefaultMilliCPURequest / DefaultMemoryRequest).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


def parse_quantity(value: Any) -> Fraction:
    """Parse a quantity (string or number) into an exact Fraction of base units."""
    if type(value) is str:  # the same few strings come again and again ("100m", "64Gi", "110")
        return _parse_text(value)
    return _parse(value)


@functools.lru_cache(maxsize=4096)
def _parse_text(value: str) -> Fraction:
    return _parse(value)


def _parse(value: Any) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r}: {ERR_FORMAT}")
    # str() keeps the decimal the user wrote (0.1 stays "0.1"), unlike Fraction(float).
    text = str(value).strip() if isinstance(value, (int, float, str)) else None
    if not text:
        raise ValueError(f"{value!r}: {ERR_FORMAT}")
    match = _QUANTITY_RE.match(text)
    if not match:
        raise ValueError(f"{value!r}: {ERR_FORMAT}")
    number, suffix = match.groups()
    if not _NUMBER_RE.match(number):
        raise ValueError(f"{value!r}: {ERR_NUMERIC}")
    amount = Fraction(number)
    if suffix in _BINARY_SUFFIXES:
        return amount * 2 ** _BINARY_SUFFIXES[suffix]
    if suffix in _DECIMAL_SUFFIXES:
        return amount * Fraction(10) ** _DECIMAL_SUFFIXES[suffix]
    if _EXPONENT_RE.match(suffix):
        exponent = int(suffix[1:])
        if abs(exponent) > MAX_EXPONENT:  # 10**(10**9) would take the process's time and memory
            raise ValueError(f"{value!r}: {ERR_SUFFIX}")
        return amount * Fraction(10) ** exponent
    raise ValueError(f"{value!r}: {ERR_SUFFIX}")


def parse_cpu_millis(value: Any) -> int:
    """Parse a CPU quantity into millicores, rounding up like MilliValue()."""
    return math.ceil(parse_quantity(value) * 1000)


def parse_memory_bytes(value: Any) -> int:
    """Parse a memory quantity into bytes, rounding up like Value()."""
    return math.ceil(parse_quantity(value))


def format_cpu_millis(millis: int) -> str:
    """Format millicores as Kubernetes prints them: whole cores as "2", else "250m"."""
    if millis % 1000 == 0:
        return str(millis // 1000)
    return f"{millis}m"


def format_memory_bytes(num_bytes: int) -> str:
    """Format bytes with the largest binary suffix that divides exactly, else plainly."""
    for suffix, power in sorted(_BINARY_SUFFIXES.items(), key=lambda item: -item[1]):
        unit = 2 ** power
        if num_bytes != 0 and num_bytes % unit == 0:
            return f"{num_bytes // unit}{suffix}"
    return str(num_bytes)


_PARSERS = {"cpu": parse_cpu_millis, "memory": parse_memory_bytes}
_NON_ZERO_DEFAULTS = {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}


def _container_request(container: dict, resource: str) -> int | None:
    """Return a container's request for one resource, or None when it sets none.

    The API server defaults a missing request to the limit, per resource, so a
    container with only limits requests exactly its limits.
    """
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        raw = (resources.get(section) or {}).get(resource)
        if raw is not None:
            try:
                return _PARSERS[resource](raw)
            except ValueError as exc:
                name = container.get("name", "?")
                raise ValueError(
                    f"container {name!r} resources.{section}.{resource}: {exc}"
                ) from None
    return None


def _pod_request(pod_spec: dict, resource: str, non_zero: bool) -> int:
    """Compute one resource of a pod's effective request (resource.PodRequests)."""
    fallback = _NON_ZERO_DEFAULTS[resource] if non_zero else 0

    def request(container: dict) -> int:
        value = _container_request(container, resource)
        return fallback if value is None else value

    total = sum(request(c) for c in pod_spec.get("containers") or [])
    # Init containers run one at a time before the app containers, so only the
    # largest counts.  Sidecars (restartPolicy: Always) keep running, so they
    # add to the app containers and to every init container started after them.
    sidecars = 0
    init_peak = 0
    for container in pod_spec.get("initContainers") or []:
        value = request(container)
        if container.get("restartPolicy") == "Always":
            total += value
            sidecars += value
            init_peak = max(init_peak, sidecars)
        else:
            init_peak = max(init_peak, value + sidecars)
    total = max(total, init_peak)
    overhead = (pod_spec.get("overhead") or {}).get(resource)
    if overhead is not None:
        total += _PARSERS[resource](overhead)
    return total


def pod_requests(pod_spec: dict, *, non_zero: bool = False) -> tuple[int, int]:
    """Return a pod's effective (cpu millicores, memory bytes) request.

    With non_zero=True a container without a request counts as 100m / 200Mi,
    as the scheduler assumes when scoring (not when checking fit).
    """
    return (
        _pod_request(pod_spec, "cpu", non_zero),
        _pod_request(pod_spec, "memory", non_zero),
    )
