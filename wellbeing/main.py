"""The `wellbeing` command: run the whole platform on a laptop, or one process in a container.

The commands live in modules named for what they do; importing them registers them on `app`,
in the order `wellbeing --help` lists them."""

from __future__ import annotations

import importlib
import signal
import sys
import warnings

from wellbeing.cli import app

__all__ = ["app", "main"]

for _module in ("run_commands", "database_commands", "data_commands"):
    importlib.import_module(f"wellbeing.{_module}")


def main() -> None:  # pragma: no cover - console entry point alternative
    warnings.simplefilter("ignore", category=DeprecationWarning)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app(prog_name="wellbeing")
    sys.exit(0)
