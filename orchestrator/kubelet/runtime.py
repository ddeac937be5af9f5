"""The simulated container runtime: what a container does when it runs.

Containers run forever unless they say otherwise, by convention (documented in the README):
- an image whose name or tag contains `crash` (e.g. `playground/crash:1`), a command
  `false`, or a command/args containing `exit N` with N > 0 exits with an error a couple of
  seconds after it starts (so restartPolicy Always gives CrashLoopBackOff);
- a command `true` or `exit 0` exits successfully (the pod completes when it may);
- an image whose name contains `doesnotexist` or `nonexistent` cannot be pulled
  (ErrImagePull, then ImagePullBackOff).
"""
from __future__ import annotations

import hashlib
import re

RUNTIME_VERSIONS = {"docker": "docker://24.0.7", "containerd": "containerd://1.7.13", "cri-o": "cri-o://1.29.2"}
ID_PREFIX = {"docker": "docker://", "containerd": "containerd://", "cri-o": "cri-o://"}
KUBELET_VERSION = "v1.31.4"
EXIT = re.compile(r"\bexit\s+(\d+)")


def behaviour(container: dict) -> tuple[str, int]:
    """Return ("run", 0), ("crash", code) or ("complete", 0) for a container spec."""
    image = (container.get("image") or "").lower()
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])]
    text = " ".join(words)
    if "crash" in image:
        return "crash", 1
    match = EXIT.search(text)
    if match:
        code = int(match.group(1))
        return ("complete", 0) if code == 0 else ("crash", code)
    if words and words[0] in ("false", "/bin/false"):
        return "crash", 1
    if words and words[0] in ("true", "/bin/true"):
        return "complete", 0
    return "run", 0


def pull_fails(image: str) -> bool:
    name = image.lower()
    return "doesnotexist" in name or "nonexistent" in name


def normalized_image(image: str) -> str:
    """Return the image reference as the runtime reports it (docker.io/library/nginx:1.25)."""
    ref = image if ":" in image.rsplit("/", 1)[-1] or "@" in image else f"{image}:latest"
    first = ref.split("/", 1)[0]
    if "/" not in ref:
        return f"docker.io/library/{ref}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{ref}"
    return ref


def image_id(image: str) -> str:
    digest = hashlib.sha256(normalized_image(image).encode()).hexdigest()
    return f"{normalized_image(image).rsplit(':', 1)[0]}@sha256:{digest}"


def container_id(runtime: str, pod_uid: str, name: str, attempt: int) -> str:
    digest = hashlib.sha256(f"{pod_uid}/{name}/{attempt}".encode()).hexdigest()
    return ID_PREFIX.get(runtime, "containerd://") + digest


def startup_lines(container: dict) -> list[str]:
    """Log lines a container prints when it starts (a nod to what the image would print)."""
    image = (container.get("image") or "").lower()
    name = container.get("name", "")
    if "nginx" in image:
        return [
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            "nginx: [notice] using the \"epoll\" event method",
            "nginx: [notice] start worker processes",
        ]
    if "redis" in image:
        return ["Redis is starting", "Ready to accept connections tcp"]
    return [f"{name}: started ({container.get('image')})"]
