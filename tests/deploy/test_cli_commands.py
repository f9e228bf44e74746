"""Every `wellbeing <command>` the containers run exists in the CLI, with valid arguments."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from tests.deploy.support import (
    DOCKERFILE,
    OVERLAYS,
    PROCESSES,
    dockerfile_stages,
    load_compose,
    pod_specs,
    wellbeing_invocations,
)


def image_entrypoint() -> list[str]:
    stage = dict(dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))[-1])
    entrypoint: list[str] = json.loads(stage["ENTRYPOINT"])
    return entrypoint


def cli() -> Any:
    """The click group behind the typer app (typer may vendor click, so no isinstance)."""
    from wellbeing.main import app

    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    return group


def invocations() -> Iterator[tuple[str, list[str]]]:
    for name, svc in load_compose()["services"].items():
        if svc.get("image", "").startswith("hohhot-wellbeing"):
            command = svc.get("command") or json.loads(
                dict(dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))[-1])["CMD"]
            )
            for argv in wellbeing_invocations(command, svc.get("entrypoint") or image_entrypoint()):
                yield f"compose:{name}", argv
    for overlay in OVERLAYS:
        for name, pod in pod_specs(overlay).items():
            for c in pod["containers"]:
                if "hohhot-wellbeing" not in c["image"]:
                    continue  # PgBouncer, the backups' pg_dump
                entrypoint = c.get("command") or image_entrypoint()
                for argv in wellbeing_invocations(c["args"], entrypoint):
                    yield f"k8s-{overlay}:{name}", argv


ALL = list(invocations())


def test_the_files_run_the_expected_commands() -> None:
    used = {argv[0] for _, argv in ALL}
    assert used == {"serve", "bootstrap", "migrate", "seed"}
    served = {argv[1] for _, argv in ALL if argv[0] == "serve"}
    assert served == set(PROCESSES)


@pytest.mark.parametrize(("where", "argv"), ALL, ids=[f"{w}:{' '.join(a)}" for w, a in ALL])
def test_command_exists_in_the_cli_and_its_arguments_parse(
    where: str, argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # what the image's ENV gives every container (the manifests set PORT alike)
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8000")
    group = cli()
    name, *args = argv
    assert name in group.commands, f"{where} runs `wellbeing {name}`, which the CLI lacks"
    command = group.commands[name]
    # parsing (without invoking) checks the argument values and option names
    ctx = command.make_context(name, list(args), resilient_parsing=False)
    if name == "serve":
        assert str(ctx.params["process"]) == args[0]
        assert ctx.params["host"] == "0.0.0.0"
        assert ctx.params["port"] == 8000


def test_a_command_the_cli_lacks_is_caught() -> None:
    assert "serve-everything" not in cli().commands
    with pytest.raises(typer.BadParameter):
        cli().commands["serve"].make_context("serve", ["billing", "--port", "8000"])
