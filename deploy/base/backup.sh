#!/bin/sh
# Nightly backup (the CronJob in backup.yaml; the suite runs this same file in
# tests/deploy/test_backup_restore.py): one custom-format pg_dump per schema, each as the
# schema's own role, which owns everything in it. A night's dumps land in
# $BACKUP_DIR/<UTC time>/<schema>.dump, renamed into place only when all of them succeeded;
# nights older than $RETENTION_DAYS are removed. pg_dump must be of the server's major version
# (or newer): the CronJob's image is the server's `postgres:<major>`.
# Restore: docs/operations.md, "Restore".
set -eu
: "${BACKUP_DIR:?}" "${SCHEMAS:?}" "${RETENTION_DAYS:=14}"
night="$(date -u +%Y%m%dT%H%M%SZ)"
partial="$BACKUP_DIR/.$night.partial"
mkdir -p "$partial"
for schema in $SCHEMAS; do
    url="$(printenv "$(echo "$schema" | tr '[:lower:]' '[:upper:]')_DATABASE_URL")"
    pg_dump --format=custom --schema="$schema" --file="$partial/$schema.dump" --dbname="$url"
    echo "backup $night: $schema $(wc -c < "$partial/$schema.dump") bytes"
done
mv "$partial" "$BACKUP_DIR/$night"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '2*' -mtime +"$RETENTION_DAYS" \
    -exec rm -rf {} +
echo "backup $night: done"
