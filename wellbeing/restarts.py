"""How soon `wellbeing up` restarts a process that died: 1 s, doubling to 30 s at most, and back
to 1 s once a run has lasted 60 s (a crash loop backs off; a rare crash restarts at once)."""

from __future__ import annotations

from dataclasses import dataclass

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
RESET_AFTER_SECONDS = 60.0


@dataclass
class Backoff:
    first: float = FIRST_DELAY_SECONDS
    cap: float = MAX_DELAY_SECONDS
    reset_after: float = RESET_AFTER_SECONDS
    _next: float | None = None

    def delay(self, ran_for: float) -> float:
        """The wait before the next start of a process that ran `ran_for` seconds and died."""
        if self._next is None or ran_for >= self.reset_after:
            self._next = self.first
        delay = self._next
        self._next = min(self.cap, delay * 2)
        return delay
