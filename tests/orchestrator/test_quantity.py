"""Tests of Kubernetes quantity parsing/formatting and pod request arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest

from orchestrator.quantity import (
    ERR_FORMAT,
    format_cpu_millis,
    format_memory_bytes,
    parse_cpu_millis,
    parse_memory_bytes,
    parse_quantity,
    pod_requests,
)

KiB, MiB, GiB = 1024, 1024**2, 1024**3


@pytest.mark.parametrize(
    "value, millis",
    [
        ("100m", 100),
        ("1", 1000),
        ("0.5", 500),
        (".5", 500),
        ("1.", 1000),
        (2, 2000),
        (0.25, 250),
        (0.1, 100),
        ("1k", 1_000_000),
        ("1e3", 1_000_000),
        ("1E-3", 1),
        ("250000u", 250),
        ("1500000000n", 1500),
        ("0.0001", 1),
        ("1n", 1),
        ("0", 0),
        ("+3", 3000),
        (" 2 ", 2000),
    ],
    ids=[
        "millis", "one-core", "half", "leading-dot", "trailing-dot", "int", "float", "float-not-binary-rounded",
        "kilo", "exponent", "negative-exponent", "micro", "nano", "rounds-up", "nano-rounds-up", "zero", "plus-sign", "whitespace",
    ],
)
def test_parse_cpu_millis(value: object, millis: int) -> None:
    assert parse_cpu_millis(value) == millis


@pytest.mark.parametrize(
    "value, num_bytes",
    [
        ("128Mi", 128 * MiB),
        ("1Gi", GiB),
        ("1.5Gi", 3 * GiB // 2),
        ("64Ki", 64 * KiB),
        ("1Ti", 1024 * GiB),
        ("1G", 10**9),
        ("500M", 500 * 10**6),
        ("1k", 1000),
        ("1e3", 1000),
        ("1E", 10**18),
        ("1Ei", 2**60),
        (1024, 1024),
        ("1024", 1024),
        ("100m", 1),
        ("0.5", 1),
    ],
    ids=[
        "mebi", "gibi", "fractional-gibi", "kibi", "tebi", "giga", "mega", "kilo", "exponent", "exa",
        "exbi", "int", "plain-string", "milli-rounds-up", "half-byte-rounds-up",
    ],
)
def test_parse_memory_bytes(value: object, num_bytes: int) -> None:
    assert parse_memory_bytes(value) == num_bytes


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", ERR_FORMAT),
        ("", ERR_FORMAT),
        ("1Z", ERR_FORMAT),
        ("1 Gi", ERR_FORMAT),
        ("Gi", ERR_FORMAT),
        (None, ERR_FORMAT),
        (True, ERR_FORMAT),
        ([1], ERR_FORMAT),
        ("1..2", "unable to parse numeric part of quantity"),
        (".", "unable to parse numeric part of quantity"),
        ("1e", "unable to parse quantity's suffix"),
        ("1Mii", "unable to parse quantity's suffix"),
        ("1kM", "unable to parse quantity's suffix"),
    ],
    ids=[
        "letters", "empty", "unknown-suffix-letter", "space-inside", "no-number", "none", "bool", "list",
        "two-dots", "only-dot", "bare-exponent", "doubled-suffix", "two-suffixes",
    ],
)
def test_parse_quantity_errors(value: object, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_quantity(value)
    assert message in str(excinfo.value)


def test_format_error_names_the_regular_expression() -> None:
    with pytest.raises(ValueError, match=r"quantities must match the regular expression '\^\(\[\+-\]\?\[0-9\.\]\+\)"):
        parse_cpu_millis("lots")


def test_parse_quantity_is_exact() -> None:
    assert parse_quantity("1.5Gi") == Fraction(3 * GiB, 2)
    assert parse_quantity("100m") == Fraction(1, 10)


@pytest.mark.parametrize(
    "millis, text",
    [(250, "250m"), (2000, "2"), (0, "0"), (1500, "1500m"), (1, "1m")],
    ids=["millis", "whole-cores", "zero", "fractional-cores", "one-milli"],
)
def test_format_cpu_millis(millis: int, text: str) -> None:
    assert format_cpu_millis(millis) == text
    assert parse_cpu_millis(text) == millis


@pytest.mark.parametrize(
    "num_bytes, text",
    [
        (128 * MiB, "128Mi"),
        (4 * GiB, "4Gi"),
        (1536 * MiB, "1536Mi"),
        (2 * KiB, "2Ki"),
        (1000, "1000"),
        (0, "0"),
        (2**60, "1Ei"),
        (10**9, "1000000000"),
    ],
    ids=["mebi", "gibi", "not-whole-gibi", "kibi", "plain", "zero", "exbi", "decimal-giga-stays-plain"],
)
def test_format_memory_bytes(num_bytes: int, text: str) -> None:
    assert format_memory_bytes(num_bytes) == text
    assert parse_memory_bytes(text) == num_bytes


def container(name: str = "c", requests: dict | None = None, limits: dict | None = None, **extra: object) -> dict:
    resources = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": "busybox", "resources": resources, **extra}


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"containers": [container()]}, (0, 0)),
        ({"containers": [{"name": "bare"}]}, (0, 0)),
        ({}, (0, 0)),
        ({"containers": [container(requests={"cpu": "250m", "memory": "64Mi"})]}, (250, 64 * MiB)),
        (
            {"containers": [container(requests={"cpu": "250m", "memory": "64Mi"}), container(requests={"cpu": "1", "memory": "1Gi"})]},
            (1250, GiB + 64 * MiB),
        ),
        ({"containers": [container(limits={"cpu": "500m", "memory": "128Mi"})]}, (500, 128 * MiB)),
        ({"containers": [container(requests={"cpu": "100m"}, limits={"cpu": "1", "memory": "1Gi"})]}, (100, GiB)),
        (
            {
                "initContainers": [container(requests={"cpu": "2", "memory": "1G"}), container(requests={"cpu": "2", "memory": "3G"})],
                "containers": [container(requests={"cpu": "2", "memory": "1G"}), container(requests={"cpu": "1", "memory": "1G"})],
            },
            (3000, 3 * 10**9),
        ),
        (
            {"initContainers": [container(requests={"cpu": "500m"})], "containers": [container(requests={"cpu": "1"})]},
            (1000, 0),
        ),
        (
            {
                "initContainers": [
                    container(requests={"cpu": "500m"}, restartPolicy="Always"),
                    container(requests={"cpu": "2"}),
                ],
                "containers": [container(requests={"cpu": "1"})],
            },
            (2500, 0),
        ),
        (
            {
                "initContainers": [container(requests={"cpu": "500m"}, restartPolicy="Always")],
                "containers": [container(requests={"cpu": "1"})],
            },
            (1500, 0),
        ),
        (
            {"containers": [container(requests={"cpu": "1", "memory": "1Gi"})], "overhead": {"cpu": "250m", "memory": "120Mi"}},
            (1250, GiB + 120 * MiB),
        ),
        ({"containers": [container(requests={"cpu": None, "memory": "1Mi"}, limits={"cpu": "2"})]}, (2000, MiB)),
    ],
    ids=[
        "no-requests",
        "no-resources-key",
        "no-containers",
        "single-container",
        "containers-add-up",
        "limits-default-requests",
        "limits-default-per-resource",
        "init-containers-take-max",
        "small-init-container",
        "sidecar-adds-to-later-init-and-app",
        "sidecar-adds-to-app",
        "overhead-added",
        "null-request-falls-back-to-limit",
    ],
)
def test_pod_requests(spec: dict, expected: tuple[int, int]) -> None:
    assert pod_requests(spec) == expected


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"containers": [container()]}, (100, 200 * MiB)),
        ({"containers": [container(), container()]}, (200, 400 * MiB)),
        ({"containers": [container(requests={"cpu": "0"})]}, (0, 200 * MiB)),
        ({"containers": [container(requests={"cpu": "1", "memory": "1Gi"})]}, (1000, GiB)),
    ],
    ids=["defaults", "defaults-per-container", "explicit-zero-kept", "explicit-requests-kept"],
)
def test_pod_requests_non_zero(spec: dict, expected: tuple[int, int]) -> None:
    assert pod_requests(spec, non_zero=True) == expected


def test_pod_requests_reports_invalid_quantity() -> None:
    spec = {"containers": [container("web", requests={"cpu": "fast"})]}
    with pytest.raises(ValueError) as excinfo:
        pod_requests(spec)
    message = str(excinfo.value)
    assert "container 'web' resources.requests.cpu" in message
    assert ERR_FORMAT in message
