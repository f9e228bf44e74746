"""Field types that mean what the OpenAPI says.

JSON Schema calls `1.0` an integer, so a strict int would refuse what the spec allows, while a
lax one would take `"5"` and `true`, which the spec refuses. `IntegerOnly` (placed after a
field's constraints) takes exactly the JSON integers. PATCH bodies use `patch_field()`: a field
may be left out, but `null` is not a value (the schema says so, and the server agrees).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from fastapi import Path
from pydantic import BaseModel, BeforeValidator, Field, model_validator

# ids fit in a JSON number without loss (JavaScript's safe integers), whatever the client
MAX_ID = 2**53 - 1
# a record id in a path: the JSON-safe integers (a larger one is 422, never a 500 from the driver)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _json_integer(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError("must be an integer")


# Put it *after* the constraints, so they stay in the JSON Schema as minimum/maximum:
# `Annotated[int, Field(ge=1, le=100), IntegerOnly]`.
IntegerOnly = BeforeValidator(_json_integer)
JsonInt = Annotated[int, IntegerOnly]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def patch_field(**kwargs: Any) -> Any:
    """A PATCH field: optional, never `null`; use with `X | SkipJsonSchema[None]`."""
    return Field(None, json_schema_extra=_no_default, **kwargs)


class PatchBody(BaseModel):
    """A PATCH body: only the fields sent change, and `null` is refused except for the fields
    named in `nullable` (where it clears the value)."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for name in self.model_fields_set - self.nullable:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


# a telephone number as people write it: digits, `+`, `-`, brackets and spaces
Phone = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[0-9+\-() ]+$")]
