"""Where a process's CPU goes while it serves one operation: py-spy samples the running server
(no restart, no instrumentation) and the samples are folded into a small table."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# where a leaf frame's file lives says which layer spent the time
LAYERS: list[tuple[str, str]] = [
    ("asyncpg", "driver (asyncpg)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("pydantic", "pydantic"),
    ("fastapi", "FastAPI"),
    ("starlette", "Starlette"),
    ("uvicorn", "server (uvicorn)"),
    ("httptools", "server (uvicorn)"),
    ("aiohttp", "HTTP client (aiohttp)"),
    ("structlog", "logging"),
    ("logging", "logging"),
    ("orjson", "logging"),
    ("jwt", "tokens"),
    ("cryptography", "tokens"),
    ("prometheus_client", "metrics"),
    ("limits", "rate limit"),
    ("/common/", "ours"),
    ("/services/", "ours"),
    ("/gateway/", "ours"),
    ("asyncio", "event loop"),
]
_FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^:()]*)(?::\d+)?\)$")


@dataclass
class Profile:
    samples: int
    layers: list[tuple[str, float]]  # share of samples whose leaf is in that layer
    functions: list[tuple[str, float]]  # the hottest leaf functions

    @property
    def empty(self) -> bool:
        return self.samples == 0


def available() -> bool:
    return shutil.which("py-spy") is not None or (Path(sys.executable).parent / "py-spy").exists()


def record(pid: int, seconds: float) -> subprocess.Popen[bytes]:
    """Starts sampling `pid` for `seconds`; `collect()` reads the result."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out = Path(tempfile.mkstemp(prefix="pyspy-", suffix=".txt")[1])
    proc = subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--duration", f"{seconds:g}", "--rate", "200",
         "--format", "raw", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proc.output = out  # type: ignore[attr-defined]
    return proc


def collect(proc: subprocess.Popen[bytes], top: int = 8) -> Profile:
    proc.wait(timeout=60)
    out: Path = proc.output  # type: ignore[attr-defined]
    layers: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for line in out.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        leaf = stack.split(";")[-1]
        match = _FRAME.match(leaf)
        fn, file = (match["fn"], match["file"]) if match else (leaf, "")
        if fn.startswith("<") and "idle" in fn:
            continue
        total += count
        layers[next((name for key, name in LAYERS if key in file), "other")] += count
        functions[f"{fn} ({Path(file).name})"] += count
    out.unlink(missing_ok=True)
    if not total:
        return Profile(0, [], [])
    share = lambda c: round(100 * c / total, 1)  # noqa: E731
    return Profile(
        total,
        [(name, share(c)) for name, c in layers.most_common()],
        [(name, share(c)) for name, c in functions.most_common(top)],
    )
