#!/usr/bin/env bash
# Local verification only (never CI, never production): a machine with a Docker engine but no
# registry builds stand-ins for the base images the project names, from Debian's packages.
#   ROOTFS: a `debootstrap --variant=minbase bookworm DIR` tree, imported as local/debian:bookworm
# Then: python:3.11-slim (Debian's python3.11 at /usr/local/bin/python, as in the real image),
# local/postgres:15 (Debian's PostgreSQL 15 with an entrypoint like the official image's) and
# local/redis:7. Builds use the host network (the engine runs with --bridge=none).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rootfs="${ROOTFS:?set ROOTFS to a debootstrap bookworm tree}"

if ! docker image inspect local/debian:bookworm >/dev/null 2>&1; then
    tar -C "$rootfs" -c . | docker import - local/debian:bookworm
fi

build() {  # build TAG <<< Dockerfile
    local tag="$1" context
    context="$(mktemp -d)"
    cat > "$context/Dockerfile"
    cp "$here/postgres-entrypoint.sh" "$context/"
    cp "${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt"
    docker build --network host -t "$tag" "$context"
    rm -rf "$context"
}

# The build machine's CA bundle (HOST_CA_BUNDLE) replaces the image's, and pip is told to use
# it: where a proxy re-signs TLS, the builder stage's `pip install` trusts what the host trusts.
build python:3.11-slim <<'DOCKERFILE'
FROM local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3.11 python3.11-venv \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s /usr/bin/python3.11 /usr/local/bin/python \
    && ln -s /usr/bin/python3.11 /usr/local/bin/python3
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
DOCKERFILE

build local/postgres:15 <<'DOCKERFILE'
FROM local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/
USER postgres
ENTRYPOINT ["postgres-entrypoint.sh"]
CMD ["postgres"]
DOCKERFILE

build local/redis:7 <<'DOCKERFILE'
FROM local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/*
USER redis
CMD ["redis-server"]
DOCKERFILE
