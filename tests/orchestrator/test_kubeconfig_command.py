"""`manage.py kubeconfig`: the server address comes from --server, then $PLAYGROUND_URL, then the default."""
from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("kubeconfig", *args, stdout=out, stderr=err)
    return yaml.safe_load(out.getvalue()), err.getvalue()


def server_of(config) -> str:
    return config["clusters"][0]["cluster"]["server"]


def test_server_option_sets_the_address(cluster, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_URL", raising=False)
    config, err = run("demo", "--server", "http://10.0.0.5:8123/")
    assert server_of(config) == "http://10.0.0.5:8123/clusters/demo"
    assert err == ""


def test_environment_variable_sets_the_address(cluster, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_URL", "http://127.0.0.1:9001")
    config, err = run("demo")
    assert server_of(config) == "http://127.0.0.1:9001/clusters/demo"
    assert err == ""


def test_server_option_wins_over_the_environment(cluster, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_URL", "http://127.0.0.1:9001")
    config, _ = run("demo", "--server", "http://example.test:7000")
    assert server_of(config) == "http://example.test:7000/clusters/demo"


def test_default_address_says_it_is_a_guess(cluster, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_URL", raising=False)
    config, err = run("demo")
    assert server_of(config) == "http://127.0.0.1:8000/clusters/demo"
    assert "--server" in err


def test_a_server_that_is_not_a_url_is_refused(cluster, monkeypatch):
    with pytest.raises(CommandError, match="--server must be a URL"):
        run("demo", "--server", "localhost:8080")


def test_an_unknown_cluster_is_refused(cluster):
    with pytest.raises(CommandError, match="nosuch"):
        run("nosuch", "--server", "http://127.0.0.1:8080")
