#!/bin/sh
# Restore one night of backup.sh into a database that `wellbeing bootstrap` has just made (roles,
# extensions, empty schemas): usage `restore.sh DIR` with ADMIN_DATABASE_URL naming that
# database as a superuser and SCHEMAS the schemas to restore; afterwards run `wellbeing migrate`.
# pg_restore and psql must be of the server's major version (the `postgres:<major>` image).
# Each schema is restored in one transaction, or not at all.
#
# Why psql and not `pg_restore --dbname`: a dump runs with an empty search_path, and PostgreSQL
# 15's earthdistance (older than 1.2) calls `earth()` unqualified inside ll_to_earth(), so the
# generated `earth` columns fail with 'type "earth" does not exist'. The dump's own statement
# that empties the search_path is given `public` instead (the extensions' schema); every
# object in the dump is schema-qualified, so nothing else changes.
set -eu
dir="${1:?usage: restore.sh BACKUP_NIGHT_DIR}"
: "${ADMIN_DATABASE_URL:?}" "${SCHEMAS:?}"
empty="SELECT pg_catalog.set_config('search_path', '', false);"
public="SELECT pg_catalog.set_config('search_path', 'public', false);"
for schema in $SCHEMAS; do
    pg_restore --clean --if-exists --file=- "$dir/$schema.dump" \
        | sed "s/^$empty\$/$public/" \
        | psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --single-transaction \
            --output=/dev/null --dbname="$ADMIN_DATABASE_URL"
    echo "restore: $schema from $dir"
done
