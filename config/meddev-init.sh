#!/usr/bin/env bash
# Create the MedDev database with every project addon and its demo data, once.
#
# Used by the Docker setup on every start (docker/start.sh) and by the test
# harness (tests/run.sh), so both install the addons the same way.
#   MEDDEV_DB          database name (default meddev)
#   MEDDEV_ADDONS_DIR  the project's addons directory (default /mnt/extra-addons)
#   ODOO_BIN           how to call Odoo (default "odoo")
#   PGHOST/PGPORT/PGUSER/PGPASSWORD  how psql reaches PostgreSQL
# Further arguments are passed to Odoo (configuration file, test options).
# Idempotent: when every addon is already installed it does nothing.
set -euo pipefail

DB=${MEDDEV_DB:-meddev}
ADDONS_DIR=${MEDDEV_ADDONS_DIR:-/mnt/extra-addons}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ADDONS=$(python3 "$HERE/addons.py" "$ADDONS_DIR" names)
EXPECTED=$(tr ',' '\n' <<<"$ADDONS" | grep -c .)

installed_count() {
    psql -d "$DB" -tAc "SELECT count(*) FROM ir_module_module
        WHERE state = 'installed' AND name = ANY(string_to_array('$ADDONS', ','))" 2>/dev/null || echo 0
}

if [ "$(installed_count)" = "$EXPECTED" ]; then
    echo "meddev-init: database $DB already has $ADDONS installed"
    exit 0
fi
echo "meddev-init: installing $ADDONS into database $DB"
# shellcheck disable=SC2086  # ODOO_BIN may be a command with arguments
${ODOO_BIN:-odoo} -d "$DB" -i "$ADDONS" --stop-after-init "$@"
