"""The data dir of `wellbeing up`: embedded database, dev keys, local secrets, logs."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from common.auth import DEV_PRIVATE_KEY, DEV_PUBLIC_KEY, ensure_dev_keys

DATABASE = "wellbeing"


@dataclass(frozen=True)
class DataDir:
    path: Path

    @property
    def pgdata(self) -> Path:
        return self.path / "pgdata"

    @property
    def logs(self) -> Path:
        return self.path / "logs"

    @property
    def private_key(self) -> Path:
        return self.path / DEV_PRIVATE_KEY

    @property
    def public_key(self) -> Path:
        return self.path / DEV_PUBLIC_KEY

    @property
    def seeded_marker(self) -> Path:
        return self.path / "seeded"

    def prepare(self) -> None:
        self.path.mkdir(parents=False, exist_ok=True)
        ensure_dev_keys(self.path)

    def local_secrets(self) -> dict[str, str]:
        """Random keys for this data dir (ID hashing, cursors), created once and kept."""
        file = self.path / "secrets.json"
        if not file.exists():
            file.write_text(
                json.dumps(
                    {"ID_HASH_KEY": secrets.token_hex(32), "CURSOR_KEY": secrets.token_hex(32)}
                )
            )
            file.chmod(0o600)
        data: dict[str, str] = json.loads(file.read_text())
        return data
