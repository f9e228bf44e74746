# syntax=docker/dockerfile:1
# One image for all four processes; the command picks one:
#   docker run IMAGE serve childcare|jobs|eldercare|gateway --host 0.0.0.0 --port 8000
#   docker run IMAGE migrate | bootstrap | seed
# Every process listens on $PORT (8000) inside its own container; only the gateway is published.

# --- builder: every wheel the runtime needs, built once and copied over ---------------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY common ./common
COPY services ./services
COPY gateway ./gateway
COPY wellbeing ./wellbeing
# setuptools is wheeled too: the runtime's offline editable install builds with it
RUN pip wheel --no-cache-dir --wheel-dir /wheels . "setuptools>=68" "wheel>=0.43"

# --- runtime: no compiler, no network access to an index, no root ---------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ENVIRONMENT=production \
    PORT=8000

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY common ./common
COPY services ./services
COPY gateway ./gateway
COPY wellbeing ./wellbeing
COPY migrations ./migrations

# Installed in place (editable, from the local wheels only) because common/migrations.py finds
# alembic.ini and migrations/ next to the code: ROOT is /app, as in a checkout.
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels -e /app \
    && rm -rf /wheels /app/build

USER 10001:10001
EXPOSE 8000

# slim images have no curl; python's urllib is enough for a liveness probe
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

# exec form: the process is PID 1 and gets SIGTERM itself; `wellbeing serve` runs uvicorn with
# --timeout-graceful-shutdown so in-flight requests drain before the container stops
STOPSIGNAL SIGTERM
ENTRYPOINT ["wellbeing"]
CMD ["serve", "gateway", "--host", "0.0.0.0", "--port", "8000"]
