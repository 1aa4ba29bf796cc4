"""Make concurrent requests on the same records take turns.

Odoo runs each request in a REPEATABLE READ transaction, so two users acting on the same
record at once (two approvers releasing one batch, two quality managers closing one NCR, two
scanners on one receipt) would both decide from the same snapshot, and the loser would fail
later on a concurrent UPDATE with a logged "bad query". ``lock_for_change`` locks the rows
first, in id order (no deadlock between two multi-record requests), and marks them changed:
the second request waits for the first, then PostgreSQL refuses it with a serialization
failure, which Odoo's RPC and HTTP layers answer by replaying the request
(``odoo.service.model.retrying``). The replay sees the first user's outcome and refuses with
its ordinary message ("already released", "already closed"). Marking the rows changed is what
guarantees the refusal even when the winner did not otherwise update them (a first of two
required signatures, a scan that only adds lines).
"""

from odoo.tools import SQL


def lock_for_change(records):
    """Lock the rows of ``records`` and set their write date; see the module docstring."""
    if not records:
        return
    cr, table = records.env.cr, SQL.identifier(records._table)
    ids = tuple(records.ids)
    # The serialization failure is expected here: Odoo replays the request, nothing to log.
    cr.execute(
        SQL("SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", table, ids),
        log_exceptions=False,
    )
    if not records._log_access:
        return
    cr.execute(
        SQL(
            "UPDATE %s SET write_date = (now() AT TIME ZONE 'UTC'), write_uid = %s WHERE id IN %s",
            table,
            records.env.uid,
            ids,
        ),
        log_exceptions=False,
    )
    # Only these changed; the rest was read in this transaction's snapshot, which a concurrent
    # change makes PostgreSQL refuse above rather than leave stale.
    records.invalidate_recordset(["write_date", "write_uid"])
