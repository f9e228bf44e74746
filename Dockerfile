# One image for all four processes; the command picks one:
#   docker run IMAGE serve childcare|jobs|eldercare|gateway     (listens on $HOST:$PORT, 0.0.0.0:8000)
#   docker run IMAGE migrate | bootstrap | seed --demo
# Every process listens on $PORT inside its own container; only the gateway is published.
# No `# syntax=` line on purpose: the builder's own Dockerfile frontend is used, so a BuildKit
# build fetches nothing from Docker Hub (air-gapped builders); the classic builder works too.

# --- builder: a virtualenv with every runtime dependency, copied whole into the runtime -------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY common ./common
COPY services ./services
COPY gateway ./gateway
COPY wellbeing ./wellbeing
# Installed in place (editable) because common/migrations.py finds alembic.ini and migrations/
# next to the code: /app is the same path in both stages, so the runtime's copy of the source
# is what the venv points at. pip, setuptools and wheel are not needed to run: removed here,
# so no layer of the runtime carries them (or a wheel cache).
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-compile -e /app \
    && /opt/venv/bin/pip uninstall --yes pip setuptools wheel \
    && python -m compileall -q -j 0 /opt/venv/lib

# --- runtime: no compiler, no pip, no index, no root ------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY pyproject.toml alembic.ini ./
COPY common ./common
COPY services ./services
COPY gateway ./gateway
COPY wellbeing ./wellbeing
COPY migrations ./migrations
# bytecode written once at build time: the root filesystem is read-only when it runs
RUN python -m compileall -q -j 0 /app

USER 10001:10001
EXPOSE 8000

# slim images have no curl; python's urllib is enough for a liveness probe. It reads $PORT, as
# `wellbeing serve` does: a container started with another PORT is probed where it listens.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

# exec form: the process is PID 1 and gets SIGTERM itself; `wellbeing serve` runs uvicorn with
# --timeout-graceful-shutdown so in-flight requests drain before the container stops
STOPSIGNAL SIGTERM
ENTRYPOINT ["wellbeing"]
CMD ["serve", "gateway"]
