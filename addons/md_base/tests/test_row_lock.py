import psycopg2

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.md_base.row_lock import lock_for_change


@tagged("post_install", "-at_install")
class TestRowLock(TransactionCase):
    """lock_for_change: a second request on the same rows waits for the first (and is then
    replayed by Odoo), whatever the first changed of them (tests/e2e/test_races_rpc.py races it)."""

    def other_connection_locks(self, records):
        """Try to lock ``records`` from another database connection, without waiting."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            try:
                other.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                        SQL.identifier(records._table),
                        tuple(records.ids),
                    ),
                    log_exceptions=False,
                )
            except psycopg2.errors.LockNotAvailable:
                return False
            return True

    def test_rows_are_locked_and_marked_changed(self):
        partner = self.env.company.partner_id  # committed: visible to the other connection
        self.assertTrue(self.other_connection_locks(partner))
        user = self.env.ref("base.user_demo")
        lock_for_change(partner.with_user(user))
        self.assertFalse(self.other_connection_locks(partner), "the row waits for this transaction")
        self.assertEqual(partner.write_uid, user, "marked changed: a concurrent request is replayed")

    def test_nothing_to_lock_costs_no_query(self):
        with self.assertQueryCount(0):
            lock_for_change(self.env["res.partner"])
