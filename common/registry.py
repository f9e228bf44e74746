"""The one list of the platform's processes: name, default port, app factory, database.

The CLI, the gateway, the migrations, the tests and the bench read this; nothing else spells
the list of services out again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    port: int  # default local port (`wellbeing up`, `wellbeing serve`)
    app_factory: str  # `module:function` for `uvicorn --factory`
    owns_schema: bool  # a service with its own PostgreSQL schema, role and migrations

    @property
    def schema(self) -> str:
        if not self.owns_schema:
            raise ValueError(f"{self.name} owns no schema")
        return self.name

    @property
    def role(self) -> str:
        """The database role that owns the schema and nothing else."""
        return f"{self.schema}_svc"

    @property
    def env_prefix(self) -> str:
        return self.name.upper()


SERVICES: tuple[ProcessSpec, ...] = (
    ProcessSpec("childcare", 8001, "services.childcare.main:create_app", owns_schema=True),
    ProcessSpec("jobs", 8002, "services.jobs.main:create_app", owns_schema=True),
    ProcessSpec("eldercare", 8003, "services.eldercare.main:create_app", owns_schema=True),
)
GATEWAY = ProcessSpec("gateway", 8000, "gateway.main:create_app", owns_schema=False)
PROCESSES: tuple[ProcessSpec, ...] = (*SERVICES, GATEWAY)

SERVICE_NAMES: tuple[str, ...] = tuple(s.name for s in SERVICES)
PROCESS_NAMES: tuple[str, ...] = tuple(p.name for p in PROCESSES)


def process(name: str) -> ProcessSpec:
    for spec in PROCESSES:
        if spec.name == name:
            return spec
    raise ValueError(f"unknown process {name!r}; expected one of {', '.join(PROCESS_NAMES)}")
