#!/usr/bin/env bash
# First start of the primary "db" (docker-compose.prod.yml): the image runs
# this once, on an empty data directory, as the postgres user.
#  - role "odoo": Odoo's database user; CREATEDB to create the MedDev database,
#    never a superuser (Odoo's deployment guide);
#  - role "replicator" and the physical slot "meddev_replica" for db-replica
#    (the slot keeps the WAL the replica has not received yet, bounded by
#    max_slot_wal_keep_size);
#  - pg_hba.conf: replication connections need their own line ("all" does not
#    match them).
# Passwords come from the Docker secrets and reach psql as variables, never
# on a command line.
set -e
secret() {
    [ -s "/run/secrets/$1" ] || { echo "primary-init: missing secret /run/secrets/$1" >&2; return 1; }
    cat "/run/secrets/$1"
}
odoo_password=$(secret odoo_db_password)
replication_password=$(secret replication_password)

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v odoo_password="$odoo_password" -v replication_password="$replication_password" <<'SQL'
CREATE ROLE odoo LOGIN CREATEDB PASSWORD :'odoo_password';
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replication_password';
SELECT pg_create_physical_replication_slot('meddev_replica');
SQL
unset odoo_password replication_password

echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
