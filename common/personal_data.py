"""National ID numbers: kept only as a keyed hash (for de-duplication) and a masked form."""

from __future__ import annotations

import hashlib
import hmac
import re

_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def is_valid_id_number(value: str) -> bool:
    """GB 11643-1999 format and check digit."""
    if not _ID_FORMAT.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def id_number_hash(value: str, key: str) -> str:
    return hmac.new(key.encode(), normalize_id_number(value).encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    v = normalize_id_number(value)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]
