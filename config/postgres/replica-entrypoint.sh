#!/usr/bin/env bash
# Entrypoint of "db-replica" (docker-compose.prod.yml): a hot standby of "db".
# On the first start (empty data directory) it clones the primary with
# pg_basebackup -R, which writes standby.signal and the connection to the
# primary; every start then hands over to the image's own entrypoint, which
# finds an existing cluster and starts PostgreSQL with the given arguments.
set -euo pipefail
PGDATA=${PGDATA:-/var/lib/postgresql/data}
PRIMARY_HOST=${PRIMARY_HOST:-db}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
SLOT=meddev_replica
SECRET=/run/secrets/replication_password
[ -s "$SECRET" ] || { echo "db-replica: missing secret $SECRET" >&2; exit 1; }

# The replication password reaches libpq through a passfile outside the data
# directory, rewritten on each start: neither a command line nor
# postgresql.auto.conf holds it (a PGPASSWORD would be copied there by -R).
PASSFILE=/var/run/postgresql/replication.pgpass
mkdir -p "$(dirname "$PASSFILE")"
(umask 077 && printf '*:*:*:replicator:%s\n' "$(sed 's/[\\:]/\\&/g' "$SECRET")" >"$PASSFILE")
chown postgres:postgres "$PASSFILE"
CONNINFO="host=$PRIMARY_HOST port=$PRIMARY_PORT user=replicator passfile=$PASSFILE application_name=db-replica"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
        echo "db-replica: waiting for the primary $PRIMARY_HOST:$PRIMARY_PORT"
        sleep 2
    done
    echo "db-replica: cloning the primary (pg_basebackup)"
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    gosu postgres pg_basebackup --dbname="$CONNINFO" --pgdata="$PGDATA" \
        --slot="$SLOT" --write-recovery-conf --wal-method=stream --checkpoint=fast
    # keep exactly our connection string (no password in it)
    sed -i '/^primary_conninfo/d' "$PGDATA/postgresql.auto.conf"
    echo "primary_conninfo = '$CONNINFO'" >>"$PGDATA/postgresql.auto.conf"
fi
exec docker-entrypoint.sh "$@"
