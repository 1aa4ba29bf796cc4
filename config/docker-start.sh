#!/usr/bin/env bash
# Start command of the odoo service in docker-compose.yml.
set -euo pipefail
CONF=/mnt/meddev-config/odoo.conf

# The project's Python requirements, into the odoo user's home (a named volume,
# so only the first start downloads them). The image's Python is
# "externally managed" (PEP 668), hence --break-system-packages with --user.
pip3 install --quiet --user --break-system-packages --no-warn-script-location \
    -r /mnt/meddev-requirements.txt

until psql -d postgres -c 'SELECT 1' >/dev/null 2>&1; do
    echo "waiting for PostgreSQL at $PGHOST:$PGPORT"
    sleep 2
done

ODOO_BIN="odoo -c $CONF" bash /mnt/meddev-config/meddev-init.sh
exec odoo -c "$CONF" -d "${MEDDEV_DB:-meddev}" --db-filter="^${MEDDEV_DB:-meddev}\$"
