"""Audit trail entries: append-only storage and the hash chain.

21 CFR 11.10(e): a secure, computer-generated, time-stamped audit trail of
create/modify/delete that never obscures old values; 11.10(a) detecting
altered records; EU GMP Annex 11 §9; ALCOA+ (attributable, contemporaneous,
original, enduring).

Chain design (why it survives several Odoo workers and bulk operations):

* Writers never touch shared state. Each audited create/write/unlink adds
  its entries with ONE ``INSERT ... SELECT FROM unnest(...)`` (10,000 lots
  in a receipt = one statement) and ``chain_position``/``entry_hash`` left
  empty. Inserting new rows takes no lock another writer waits for, so
  writers cannot deadlock or serialise on the audit trail however long their
  transaction runs.
* Linking happens after commit, in a short transaction of its own (a
  ``postcommit`` hook of the writer's cursor, the daily cron, and
  ``verify_chain``): it locks the single chain head row (``md.audit.chain``,
  ``SELECT ... FOR UPDATE``), gives every committed unlinked entry, in id
  order, the next gapless position, hashes it with the previous entry's hash
  and stores the new head. Linkers serialise on that one row for a few
  milliseconds; a linker that waited finds the entries of the others linked
  already. It runs in READ COMMITTED so that, after the wait, it sees the
  head and entries committed meanwhile; run inside a REPEATABLE READ
  transaction (``verify_chain``) a stale head makes PostgreSQL raise a
  serialization failure, which Odoo's RPC layer retries: two linkers can
  never give out the same position.
* Lock order is always head row, then unlinked entry rows; nothing else
  locks entries (the ORM refuses to write them), so no deadlock is possible.
  An entry is never lost: it is committed with the business change, and an
  entry whose worker died before linking is linked by the next linker.
* Tamper evidence: entry_hash = SHA-256 over the id, the gapless position,
  the previous hash and every stored value. A direct SQL UPDATE breaks the
  entry's hash, a DELETE leaves a gap in the positions, swapping or
  re-inserting rows breaks position/prev_hash links, and deleting the newest
  entries is caught against the head row (and against the newest sealed
  checkpoint). Verification streams the chain in keyset batches in one pass.
* Verification is incremental (``verify_chain``, the daily cron): it checks
  the newest checkpoint (``md.audit.checkpoint``: its seal, and that its
  position still holds its entry and hash), walks only the entries after it
  and seals a new checkpoint. The full verification job walks the whole chain
  from the genesis and re-checks every checkpoint (weekly, or when a verifier
  asks).
"""

import hashlib
import json
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .local_time import local_time_label
from .module_data import module_data_uninstalling

# The context key that gives the audit trail the reason for a change (EU GMP Annex 11 §9).
REASON_CONTEXT_KEY = "md_audit_reason"

_logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
LINK_BATCH = 5000
VERIFY_BATCH = 10000
# Columns written by the capture step, in INSERT order.
ENTRY_COLUMNS = (
    "res_model",
    "res_id",
    "res_name",
    "operation",
    "field_name",
    "field_label",
    "old_value",
    "new_value",
    "user_id",
    "timestamp",
    "reason",
    "company_id",
)
# Columns read for hashing, in hashing order.
HASHED_COLUMNS = ("id", "chain_position", "prev_hash", *ENTRY_COLUMNS)
# Where a verification from the genesis starts (what a checkpoint records for its position).
GENESIS_START = {"position": 0, "entry_id": False, "entry_hash": GENESIS_HASH}
# Keys of verify_chain's XML-RPC answer.
CONTRACT_KEYS = ("ok", "checked", "first_broken_id", "from_position")
VERIFIER_GROUPS = (
    "md_base.group_md_quality_manager",
    "md_base.group_md_regulatory",
    "md_base.group_md_security_manager",
)


def entry_digest(row):
    """SHA-256 of one entry given as a dict of HASHED_COLUMNS read from the table."""
    values = [row[column] for column in HASHED_COLUMNS]
    values[HASHED_COLUMNS.index("timestamp")] = row["timestamp"] and row["timestamp"].isoformat()
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class MdAuditEntry(models.Model):
    _name = "md.audit.entry"
    _description = "Audit Trail Entry"
    _order = "id desc"
    _rec_name = "res_name"
    _log_access = False  # who and when are the entry's own user_id/timestamp

    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True, index=True)
    res_name = fields.Char(string="Record", readonly=True)
    operation = fields.Selection(
        [("create", "Create"), ("write", "Modify"), ("unlink", "Delete")], required=True, readonly=True
    )
    field_name = fields.Char(string="Field", readonly=True, index=True)
    field_label = fields.Char(readonly=True)
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="restrict", index=True)
    timestamp = fields.Datetime(string="Time (Stored UTC)", required=True, readonly=True, index=True)
    timestamp_display = fields.Char(string="Time", compute="_compute_timestamp_display")
    reason = fields.Text(string="Reason for Change", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        help="The company of the audited record (multi-company rules).",
    )
    chain_position = fields.Integer(readonly=True, index=True, copy=False)
    prev_hash = fields.Char(string="Previous Hash", readonly=True, copy=False)
    entry_hash = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "chain_position_unique",
            "UNIQUE (chain_position)",
            "Two audit entries cannot share a chain position.",
        ),
    ]

    @api.depends("timestamp")
    @api.depends_context("tz", "uid")
    def _compute_timestamp_display(self):
        for entry in self:
            entry.timestamp_display = local_time_label(self.env, entry.timestamp)

    # -- append-only (11.10(e): changes never obscure recorded information) --

    @api.model_create_multi
    def create(self, vals_list):
        if vals_list:  # entries are inserted by _md_insert only
            raise UserError(
                self.env._(
                    "Audit trail entries are written by the system when audited records change,"
                    " never by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(self.env._("Audit trail entries cannot be changed (21 CFR 11.10(e))."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("Audit trail entries cannot be deleted (21 CFR 11.10(e))."))

    # -- writing ------------------------------------------------------------

    @api.model
    def _md_insert(self, rows):
        """Insert captured entries (dicts keyed by ENTRY_COLUMNS) in one statement.

        Linking into the chain happens after commit (see the module docstring).
        """
        if not rows:
            return
        columns = [[row.get(column) for row in rows] for column in ENTRY_COLUMNS]
        types = (
            "varchar",
            "int4",
            "varchar",
            "varchar",
            "varchar",
            "varchar",
            "text",
            "text",
            "int4",
            "timestamp",
            "text",
            "int4",
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO md_audit_entry (%s) SELECT * FROM unnest(%s)",
                SQL(", ").join(SQL.identifier(column) for column in ENTRY_COLUMNS),
                SQL(", ").join(
                    SQL("%s::" + sql_type + "[]", values)
                    for sql_type, values in zip(types, columns, strict=True)
                ),
            )
        )
        self._md_link_after_commit()

    def _md_link_after_commit(self):
        """Link this transaction's entries in a short transaction of its own once it commits."""
        cr = self.env.cr
        if cr.postcommit.data.get("md_audit_link"):
            return
        cr.postcommit.data["md_audit_link"] = True
        cr.postcommit.add(self._md_link_in_new_transaction)

    def _md_link_in_new_transaction(self):
        try:
            with self.env.registry.cursor() as link_cr:
                # READ COMMITTED: after waiting for the head lock, see what other linkers committed
                link_cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
                self.with_env(self.env(cr=link_cr, su=True))._md_link_pending()
        except Exception:  # the entries are committed; the next linker or the daily cron links them
            _logger.warning(
                "Audit trail: linking after commit failed, the next link step retries", exc_info=True
            )

    # -- chain --------------------------------------------------------------

    @api.model
    def _md_link_pending(self):
        """Give every committed unlinked entry its position and hashes. Returns how many."""
        cr = self.env.cr
        head = self.env["md.audit.chain"]._md_lock_head()
        position, last_hash, linked = head["last_position"], head["last_hash"], 0
        while True:
            cr.execute(
                SQL(
                    "SELECT %s FROM md_audit_entry WHERE chain_position IS NULL ORDER BY id LIMIT %s",
                    SQL(", ").join(SQL.identifier(column) for column in HASHED_COLUMNS),
                    LINK_BATCH,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            ids, positions, prev_hashes, hashes = [], [], [], []
            for row in rows:
                position += 1
                row.update(chain_position=position, prev_hash=last_hash)
                last_hash = entry_digest(row)
                ids.append(row["id"])
                positions.append(position)
                prev_hashes.append(row["prev_hash"])
                hashes.append(last_hash)
            cr.execute(
                SQL(
                    """UPDATE md_audit_entry e
                          SET chain_position = v.position, prev_hash = v.prev_hash, entry_hash = v.entry_hash
                         FROM unnest(%s::int4[], %s::int4[], %s::varchar[], %s::varchar[])
                              AS v(id, position, prev_hash, entry_hash)
                        WHERE e.id = v.id""",
                    ids,
                    positions,
                    prev_hashes,
                    hashes,
                )
            )
            linked += len(rows)
            if len(rows) < LINK_BATCH:
                break  # the last batch: no query for an empty one
        if linked:
            self.env["md.audit.chain"]._md_store_head(head["id"], position, last_hash)
            self.invalidate_model(["chain_position", "prev_hash", "entry_hash"])
        return linked

    @api.model
    def _md_link_pending_in_current_transaction(self):
        """Link from inside a REPEATABLE READ transaction (verification, cron).

        If another linker moved the head after this transaction's snapshot,
        PostgreSQL refuses the head lock (serialization failure): that linker
        has linked or will link the pending entries, so go on without them.
        """
        self.env.cr.execute(SQL("SELECT 1 FROM md_audit_entry WHERE chain_position IS NULL LIMIT 1"))
        if not self.env.cr.rowcount:
            return 0  # do not hold the head lock for the rest of a long verification
        try:
            with self.env.cr.savepoint(flush=False):
                return self._md_link_pending()
        except psycopg2.errors.SerializationFailure:
            return 0

    @api.model
    def _md_check_chain(self, start=None):
        """Walk the chain once, in position order, from after ``start`` up to the head.

        ``start`` is where a verification starts (a checked checkpoint's ``position``,
        ``entry_id``, ``entry_hash``; the genesis by default). Returns the contract dict plus a
        message and where the walk ended (``position``, ``entry_id``, ``entry_hash``: what a
        checkpoint records).
        """
        start = start or GENESIS_START
        cr = self.env.cr
        head = self.env["md.audit.chain"]._md_read_head()
        position, prev_hash, last_id, checked = start["position"], start["entry_hash"], start["entry_id"], 0
        while True:
            cr.execute(
                SQL(
                    "SELECT %s, entry_hash FROM md_audit_entry"
                    " WHERE chain_position > %s ORDER BY chain_position LIMIT %s",
                    SQL(", ").join(SQL.identifier(column) for column in HASHED_COLUMNS),
                    position,
                    VERIFY_BATCH,
                )
            )
            rows = cr.dictfetchall()
            for row in rows:
                problem = self._md_entry_problem(row, position + 1, prev_hash)
                if problem:
                    return self._md_broken(checked, row["id"], problem, start)
                checked += 1
                position, prev_hash, last_id = row["chain_position"], row["entry_hash"], row["id"]
            if len(rows) < VERIFY_BATCH:
                break
        if head["last_position"] != position or head["last_hash"] != prev_hash:
            message = self.env._(
                "The chain ends at position %(found)s but the chain head records position %(head)s:"
                " the newest entries were deleted or altered.",
                found=position,
                head=head["last_position"],
            )
            return self._md_broken(checked, last_id, message, start)
        return {
            "ok": True,
            "checked": checked,
            "first_broken_id": False,
            "message": "",
            "from_position": start["position"],
            "position": position,
            "entry_id": last_id,
            "entry_hash": prev_hash,
        }

    def _md_entry_problem(self, row, expected_position, prev_hash):
        if row["chain_position"] != expected_position:
            return self.env._(
                "Chain position %(expected)s is missing: an entry was deleted or moved.",
                expected=expected_position,
            )
        if row["prev_hash"] != prev_hash:
            return self.env._(
                "The entry does not link to the previous entry: entries were swapped or re-inserted."
            )
        if row["entry_hash"] != entry_digest(row):
            return self.env._("The entry's content does not match its hash: it was altered.")
        return ""

    def _md_broken(self, checked, entry_id, message, start):
        return {
            "ok": False,
            "checked": checked,
            "first_broken_id": entry_id or False,
            "message": message,
            "from_position": start["position"],
        }

    def _md_check_verifier(self):
        if not any(self.env.user.has_group(group) for group in VERIFIER_GROUPS):
            raise AccessError(
                self.env._(
                    "Only Quality Managers, Regulatory Affairs and Security Managers can verify the audit "
                    "trail."
                )
            )

    @api.model
    def verify_chain(self):
        """XML-RPC contract: {ok: bool, checked: int, first_broken_id: int or False, from_position: int}.

        Incremental: the newest checkpoint (at ``from_position``, 0 = none yet, the genesis) is
        checked, then the ``checked`` entries after it; the full verification is a job
        (``action_md_verify_chain_full``).
        """
        self._md_check_verifier()
        result = self._md_verify_as_user()
        return {key: result[key] for key in CONTRACT_KEYS}

    def _md_verify_as_user(self):
        self.sudo()._md_link_pending_in_current_transaction()
        return self.sudo()._md_verify_incremental(self.env.user)

    @api.model
    def _md_verify_incremental(self, user):
        """From the newest checkpoint to the head; seals a checkpoint when new entries were checked.

        ``user``: who verifies, empty for the scheduled job.
        """
        Checkpoint = self.env["md.audit.checkpoint"]
        start = Checkpoint._md_start()
        if start["problem"]:
            return self._md_broken(0, start["entry_id"], start["problem"], start)
        result = self._md_check_chain(start)
        if result["ok"] and result["checked"]:
            Checkpoint._md_append("incremental", result, user)
        return result

    @api.model
    def _md_verify_full(self):
        """From the genesis, then every checkpoint again; seals a full checkpoint when intact.

        Links nothing: a long walk must not hold the chain head lock (the chain as committed
        when the job started is verified).
        """
        result = self._md_check_chain()
        if not result["ok"]:
            return result
        Checkpoint = self.env["md.audit.checkpoint"]
        problem = Checkpoint._md_all_problem()
        if problem:
            return self._md_broken(result["checked"], problem[0], problem[1], GENESIS_START)
        if result["checked"]:
            Checkpoint._md_append("full", result)
        return result

    # -- UI and cron ----------------------------------------------------------

    @api.model
    def action_md_verify_chain(self):
        self._md_check_verifier()
        result = self._md_verify_as_user()
        if result["ok"]:
            title = self.env._("Audit trail verified")
            message = self.env._(
                "%(count)s entries checked after position %(position)s (the last checkpoint):"
                " the hash chain is intact.",
                count=result["checked"],
                position=result["from_position"],
            )
        else:
            title = self.env._("Audit trail tampering detected")
            message = self.env._(
                "Entry %(entry)s does not match (%(count)s entries intact before it): %(problem)s",
                entry=result["first_broken_id"],
                count=result["checked"],
                problem=result["message"],
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "success" if result["ok"] else "danger",
                "sticky": not result["ok"],
            },
        }

    @api.model
    def action_md_verify_chain_full(self):
        """Queue the full verification job now; its outcome is posted to the requester."""
        self._md_check_verifier()
        chain = self.env["md.audit.chain"].sudo()._md_main_chain()
        chain._md_request_full_verification(self.env.user)
        self.env.ref("md_base.ir_cron_md_audit_verify_full").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Full verification started"),
                "message": self.env._(
                    "The whole audit trail is verified in the background. You will get the outcome as a"
                    " message on the audit trail chain head."
                ),
                "type": "info",
            },
        }

    @api.model
    def _cron_md_verify_chain(self):
        """Daily incremental check (Annex 11 §9: the audit trail is reviewed regularly)."""
        self.sudo()._md_link_pending_in_current_transaction()
        result = self.sudo()._md_verify_incremental(self.env["res.users"])
        self._md_log_result(result, "incremental")
        if not result["ok"]:
            self._md_notify_quality_managers(
                self.env._(
                    "The daily audit trail check found a mismatch at entry %(entry)s: %(problem)s",
                    entry=result["first_broken_id"],
                    problem=result["message"],
                )
            )
        return result

    @api.model
    def _cron_md_verify_chain_full(self):
        """Weekly and on request: the whole chain and every checkpoint (21 CFR 11.10(a), Annex 11 §9)."""
        chain = self.env["md.audit.chain"].sudo()._md_main_chain()
        requesters = chain.full_verification_requester_ids
        result = self.sudo()._md_verify_full()
        self._md_log_result(result, "full")
        if not result["ok"]:
            self._md_notify_quality_managers(
                self.env._(
                    "The full audit trail verification found a mismatch at entry %(entry)s: %(problem)s",
                    entry=result["first_broken_id"],
                    problem=result["message"],
                )
            )
        chain._md_post_full_verification(result, requesters)
        return result

    def _md_log_result(self, result, kind):
        """The server log keeps a copy of each verified position and hash outside the database."""
        if result["ok"]:
            _logger.info(
                "Audit trail verified (%s): %s entries intact after position %s; position %s has hash %s",
                kind,
                result["checked"],
                result["from_position"],
                result["position"],
                result["entry_hash"],
            )
            return
        _logger.error(
            "Audit trail tampering detected (%s verification) at entry %s after %s intact entries: %s",
            kind,
            result["first_broken_id"],
            result["checked"],
            result["message"],
        )

    def _md_notify_quality_managers(self, note):
        managers = self.env.ref("md_base.group_md_quality_manager").users.filtered(
            lambda user: not user.share
        )
        chain = self.env["md.audit.chain"].sudo()._md_main_chain()
        for manager in managers:
            chain.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Audit trail tampering detected"),
                note=note,
                user_id=manager.id,
            )

    @api.model
    def _md_action_open_for_record(self, res_model, res_id):
        """The 'Audit trail' smart button of an audited record."""
        action = self.env["ir.actions.act_window"]._for_xml_id("md_base.action_md_audit_entry")
        action["domain"] = [("res_model", "=", res_model), ("res_id", "=", res_id)]
        action["context"] = {"search_default_group_by_operation": 0}
        name = self.env[res_model].browse(res_id).exists().display_name if res_model in self.env else ""
        action["name"] = self.env._("Audit trail: %s", name or res_model)
        return action
