"""The one error hierarchy: every error an app raises becomes RFC 9457 problem+json.

`ProblemError` carries the HTTP status, a stable machine `code` and a human `detail`, written
in the request's language (`common.i18n`: `title` and `message` are English msgids, so a
caller's own detail goes through `t("…")` too);
subclasses name the common shapes. Services define domain errors as one-line subclasses
(`class InstitutionFull(Conflict, code="institution_full"): ...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any, ClassVar, Self

from common.i18n import t


class ProblemError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"
    # True for an error whose side effects must stand (an offer that expired is expired even
    # though accepting it failed): the unit of work commits before the problem is answered
    commits: ClassVar[bool] = False
    # the detail when none is given, filled from the extra fields it names
    message: ClassVar[str] = "The request cannot be served."

    def __init_subclass__(
        cls,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        commits: bool | None = None,
        message: str | None = None,
        **kwargs: Any,
    ) -> None:
        """`class InstitutionFull(Conflict, code="institution_full"): ...` — one line a code."""
        super().__init_subclass__(**kwargs)
        given = {
            "status": status,
            "code": code,
            "title": title,
            "commits": commits,
            "message": message,
        }
        for name, value in given.items():
            if value is not None:
                setattr(cls, name, value)

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any) -> None:
        if detail is None:
            # the template is the msgid: looked up in the request's language, then filled
            detail = t(self.message, **extra)
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.extra = extra
        self.headers: dict[str, str] = {}

    @classmethod
    def about(cls, params: Mapping[str, Any]) -> Self:
        """The error for a lookup with these parameters: its message takes the ones it names
        (`Posting {id} does not exist.` takes `id`), and only those reach the answer."""
        named = {field for _, field, _, _ in Formatter().parse(cls.message) if field}
        return cls(**{k: v for k, v in params.items() if k in named})


class BadRequest(ProblemError, status=400, code="bad_request", title="Bad request"): ...


class Unauthenticated(
    ProblemError, status=401, code="unauthenticated", title="Authentication required"
):
    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)
        self.headers["WWW-Authenticate"] = 'Bearer realm="hohhot-wellbeing"'


class Forbidden(ProblemError, status=403, code="forbidden", title="Forbidden"): ...


class NotFound(
    ProblemError,
    status=404,
    code="not_found",
    title="Not found",
    message="The record does not exist.",
): ...


class Conflict(ProblemError, status=409, code="conflict", title="Conflict"): ...


class Unprocessable(
    ProblemError, status=422, code="unprocessable", title="Unprocessable request"
): ...


class ServiceUnavailable(
    ProblemError, status=503, code="service_unavailable", title="Service unavailable"
): ...
