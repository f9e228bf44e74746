"""Posting errors (codes appear in the OpenAPI through the routes' `responses=`)."""

from __future__ import annotations

from common.errors import NotFound, Unprocessable


class PostingNotFound(
    NotFound, code="posting_not_found", message="Posting {id} does not exist."
): ...


class InvalidSalaryRange(Unprocessable, code="invalid_salary_range"): ...


class InvalidExpiry(Unprocessable, code="invalid_expiry"): ...
