"""Refusals of the store, each carrying what the Kubernetes API answers with."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cause:
    field: str
    message: str
    reason: str = "FieldValueInvalid"
    line: int | None = None  # the manifest line it is about, when a manifest was applied

    def as_dict(self) -> dict:
        body = {"reason": self.reason, "message": self.message, "field": self.field}
        if self.line is not None:
            body["line"] = self.line
        return body

    def text(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class StoreError(Exception):
    """A refused request: `code` and `reason` are those of the Kubernetes Status."""

    code = 500
    reason = "InternalError"

    def __init__(self, message: str, *, kind: str = "", name: str = "", group: str = "", causes: list[Cause] | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.name = name
        self.group = group
        self.causes = causes or []
        self.retry_after = retry_after

    raw_status: dict | None = None  # a complete Status to answer with, when one was built elsewhere

    def status(self) -> dict:
        """Return the error as a Kubernetes `Status` object."""
        if self.raw_status is not None:
            return self.raw_status
        details: dict = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [c.as_dict() for c in self.causes]
        if self.retry_after is not None:
            details["retryAfterSeconds"] = self.retry_after
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if details:
            body["details"] = details
        return body


class BadRequest(StoreError):
    code = 400
    reason = "BadRequest"


class Forbidden(StoreError):
    code = 403
    reason = "Forbidden"


class NotFound(StoreError):
    code = 404
    reason = "NotFound"


class AlreadyExists(StoreError):
    code = 409
    reason = "AlreadyExists"


class Conflict(StoreError):
    code = 409
    reason = "Conflict"


class Gone(StoreError):
    code = 410
    reason = "Expired"


class MethodNotAllowed(StoreError):
    code = 405
    reason = "MethodNotAllowed"


class RequestEntityTooLarge(StoreError):
    code = 413
    reason = "RequestEntityTooLarge"


class UnsupportedMediaType(StoreError):
    code = 415
    reason = "UnsupportedMediaType"


class Invalid(StoreError):
    code = 422
    reason = "Invalid"


class Unavailable(StoreError):
    code = 503
    reason = "ServiceUnavailable"


@dataclass
class FieldErrors:
    """Collects field errors so a validator reports all of them at once."""

    causes: list[Cause] = field(default_factory=list)

    def add(self, path: str, message: str, reason: str = "FieldValueInvalid") -> None:
        self.causes.append(Cause(path, message, reason))

    def required(self, path: str) -> None:
        self.add(path, "Required value", "FieldValueRequired")

    def raise_if_any(self, kind: str, name: str, group: str = "") -> None:
        if not self.causes:
            return
        summary = ", ".join(c.text() for c in self.causes)
        if len(self.causes) > 1:
            summary = f"[{summary}]"
        qualified = f"{kind}.{group}" if group else kind
        raise Invalid(f'{qualified} "{name}" is invalid: {summary}', kind=kind, name=name, group=group, causes=self.causes)
