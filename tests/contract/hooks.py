"""Schemathesis hooks for the contract runs (loaded through `SCHEMATHESIS_HOOKS`).

`positive_data_passes_validation`: a request the OpenAPI calls valid is never refused as
*malformed* (`400 malformed_json` / `invalid_idempotency_key`, `422 validation_error`) — the spec
must not allow what the server's validation refuses (an empty Idempotency-Key, `null` in a PATCH,
`1.0` for an integer). Refusals by a domain rule the schema cannot express (a cursor this server
did not sign, `lat` without `lon`, a start date in the past) carry their own codes and pass.
"""

from __future__ import annotations

from typing import Any

import schemathesis

MALFORMED = {"validation_error", "malformed_json", "invalid_idempotency_key"}


@schemathesis.check
def positive_data_passes_validation(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        code = response.json().get("code")
    except ValueError:
        return None
    if code in MALFORMED:
        raise AssertionError(
            f"Schema-valid request refused as malformed ({response.status_code} {code}): "
            f"{response.text[:500]}"
        )
    return None
