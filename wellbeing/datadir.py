"""The data dir of `wellbeing up`: embedded database, dev keys, local secrets, logs."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from common.auth import DEV_PRIVATE_KEY, DEV_PUBLIC_KEY, ensure_dev_keys
from common.provisioning import process_alive

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

    @property
    def pid_file(self) -> Path:
        return self.path / "up.pid"

    def seeded_services(self) -> set[str]:
        """Services whose demo data a previous `up` loaded (one name a line in `seeded`)."""
        if not self.seeded_marker.exists():
            return set()
        return {line.strip() for line in self.seeded_marker.read_text().splitlines()} - {""}

    def mark_seeded(self, service: str) -> None:
        # per service, so a service whose seed() appears later is still seeded on the next start
        with self.seeded_marker.open("a") as marker:
            marker.write(f"{service}\n")

    def running_up(self) -> int | None:
        """The pid of a `wellbeing up` still running on this data dir, if any."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if pid == os.getpid() or not process_alive(pid):
            return None
        # a stale file's pid may belong to an unrelated process by now
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and b"up" not in cmdline.read_bytes().split(b"\0"):
            return None
        return pid

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
