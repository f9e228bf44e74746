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


# Contact details shown in a list (where one glance must not hand over a whole address book):
# enough to recognise the record, not enough to call or visit.
def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`; digits only are kept in the shown ends."""
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) <= 7:
        return "*" * max(len(digits) - 2, 1) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(value: str) -> str:
    """The first third of an address (at most 8 characters: district and street), then `****`:
    `赛罕区人民路街道兴康社区3号楼2单元501` → `赛罕区人民路街****`."""
    return value[: min(len(value) // 3, 8)] + "****"


def mask_name(value: str) -> str:
    """`王秀英` → `王**`: the family name only."""
    return value[:1] + "*" * max(len(value) - 1, 1)
