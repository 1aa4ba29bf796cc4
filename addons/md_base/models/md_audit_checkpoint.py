"""Audit trail checkpoints: sealed records of successful verifications.

21 CFR 11.10(a) (ability to discern altered records), 11.10(e); EU GMP Annex 11 §9. A checkpoint
says "the chain was intact from the genesis up to this position, whose entry had this hash".
``verify_chain`` starts after the newest checkpoint instead of at the genesis, so a check costs the
entries written since; the full verification job walks the whole chain again and re-checks every
checkpoint.

* Seal: HMAC-SHA256 over the checkpoint's values, the previous checkpoint's seal included, keyed by
  the server option ``md_audit_seal_key`` (odoo.conf, outside the database) or, without it, the
  database's ``database.secret``. With the server key, SQL access alone cannot write a checkpoint
  that verifies; ``database.secret`` can be read by SQL.
* Each checkpoint carries the previous one's seal, unique: deleting or altering a checkpoint breaks
  the link of the next, and two verifications appending at once cannot fork the sequence (the
  second appends nothing).
* The checkpoint's entry is referenced ON DELETE RESTRICT: PostgreSQL refuses to delete it. If it
  is deleted anyway (constraint dropped) and the head rewound, its position no longer holds its
  hash: the checkpoint catches the deletion of the newest entries as the head row alone cannot.
"""

import hashlib
import hmac
import json

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from .md_audit_entry import GENESIS_HASH, GENESIS_START, HASHED_COLUMNS, entry_digest
from .module_data import module_data_uninstalling

SEAL_KEY_OPTION = "md_audit_seal_key"
# Columns covered by the seal, in sealing order.
SEALED_COLUMNS = (
    "chain_position",
    "entry_id",
    "entry_hash",
    "checked",
    "kind",
    "user_id",
    "verified_at",
    "prev_seal",
)


class MdAuditCheckpoint(models.Model):
    _name = "md.audit.checkpoint"
    _description = "Audit Trail Checkpoint"
    _order = "id desc"
    _log_access = False  # who and when are the checkpoint's own user_id/verified_at, under the seal

    chain_position = fields.Integer(required=True, readonly=True)
    entry_id = fields.Many2one("md.audit.entry", required=True, readonly=True, ondelete="restrict")
    entry_hash = fields.Char(required=True, readonly=True)
    checked = fields.Integer(
        string="Entries Checked",
        readonly=True,
        help="Entries the verification checked to reach this position.",
    )
    kind = fields.Selection(
        [("incremental", "Incremental"), ("full", "Full Verification")], required=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Verified By",
        readonly=True,
        ondelete="restrict",
        help="The user who verified; empty when the scheduled job did.",
    )
    run_by = fields.Char(compute="_compute_run_by")
    verified_at = fields.Datetime(required=True, readonly=True)
    prev_seal = fields.Char(string="Previous Seal", required=True, readonly=True)
    seal = fields.Char(required=True, readonly=True)

    _sql_constraints = [
        (
            "prev_seal_unique",
            "UNIQUE (prev_seal)",
            "Two audit trail checkpoints cannot follow the same checkpoint.",
        ),
    ]

    @api.depends("user_id")
    def _compute_run_by(self):
        for checkpoint in self:
            checkpoint.run_by = checkpoint.user_id.name or self.env._("Scheduled job")

    @api.depends("chain_position")
    def _compute_display_name(self):
        for checkpoint in self:
            checkpoint.display_name = self.env._("Checkpoint at position %s", checkpoint.chain_position)

    # -- append-only (11.10(e)): appended by the verification only ------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if vals_list:  # appended by _md_append only
            raise UserError(
                self.env._("Audit trail checkpoints are written by the verification, never by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(self.env._("Audit trail checkpoints cannot be changed (21 CFR 11.10(e))."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("Audit trail checkpoints cannot be deleted (21 CFR 11.10(e))."))

    # -- seal ---------------------------------------------------------------------------------

    @api.model
    def _md_seal_key(self):
        """The server option when set (SQL access alone cannot forge a seal), else database.secret."""
        key = config.get(SEAL_KEY_OPTION) or self.env["ir.config_parameter"].sudo().get_param(
            "database.secret"
        )
        return key.encode("utf-8")

    @api.model
    def _md_seal(self, row):
        """HMAC-SHA256 of one checkpoint given as a dict of SEALED_COLUMNS."""
        values = [row[column] for column in SEALED_COLUMNS]
        values[SEALED_COLUMNS.index("verified_at")] = row["verified_at"].isoformat()
        payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._md_seal_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()

    @api.model
    def _md_append(self, kind, result, user=None, verified_at=None):
        """Seal and append a checkpoint at the position a successful verification reached.

        ``result`` holds ``position``, ``entry_id``, ``entry_hash`` and ``checked``. Returns the
        new checkpoint's id, or None when a concurrent verification appended first.
        """
        row = {
            "chain_position": result["position"],
            "entry_id": result["entry_id"],
            "entry_hash": result["entry_hash"],
            "checked": result["checked"],
            "kind": kind,
            "user_id": user.id if user else None,
            "verified_at": verified_at or fields.Datetime.now(),
            "prev_seal": self._md_newest_seal(),
        }
        row["seal"] = self._md_seal(row)
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO md_audit_checkpoint (%s) VALUES %s RETURNING id",
                        SQL(", ").join(SQL.identifier(column) for column in row),
                        tuple(row.values()),
                    ),
                    log_exceptions=False,  # a concurrent append is expected and handled below
                )
                return self.env.cr.fetchone()[0]
        except psycopg2.errors.UniqueViolation:
            return None  # the other verification's checkpoint follows the same one: no fork

    @api.model
    def _md_newest_seal(self):
        self.env.cr.execute(SQL("SELECT seal FROM md_audit_checkpoint ORDER BY id DESC LIMIT 1"))
        row = self.env.cr.fetchone()
        return row[0] if row else GENESIS_HASH

    # -- checks -------------------------------------------------------------------------------

    @api.model
    def _md_rows(self, limit=None):
        """Checkpoints as dicts, newest first."""
        self.env.cr.execute(
            SQL(
                "SELECT id, %s, seal FROM md_audit_checkpoint ORDER BY id DESC %s",
                SQL(", ").join(SQL.identifier(column) for column in SEALED_COLUMNS),
                SQL("LIMIT %s", limit) if limit else SQL(),
            )
        )
        return self.env.cr.dictfetchall()

    def _md_seal_problem(self, row, previous_seal):
        """Whether a checkpoint row still matches its seal and follows the checkpoint before it."""
        if not hmac.compare_digest(row["seal"], self._md_seal(row)):
            return self.env._(
                "Checkpoint %(checkpoint)s does not match its seal: it was changed outside the application"
                " or sealed with another key.",
                checkpoint=row["id"],
            )
        if row["prev_seal"] != previous_seal:
            return self.env._(
                "Checkpoint %(checkpoint)s does not follow the checkpoint before it: a checkpoint was"
                " deleted, inserted or changed.",
                checkpoint=row["id"],
            )
        return ""

    def _md_entry_problem(self, row):
        """Whether the entry at the checkpoint's position is still the one it recorded, unchanged."""
        self.env.cr.execute(
            SQL(
                "SELECT %s, entry_hash FROM md_audit_entry WHERE chain_position = %s",
                SQL(", ").join(SQL.identifier(column) for column in HASHED_COLUMNS),
                row["chain_position"],
            )
        )
        entry = self.env.cr.dictfetchone()
        if (
            entry
            and entry["id"] == row["entry_id"]
            and entry["entry_hash"] == row["entry_hash"]
            and entry_digest(entry) == row["entry_hash"]
        ):
            return ""
        return self._md_entry_changed_message(row)

    def _md_entry_changed_message(self, row):
        return self.env._(
            "The entry at position %(position)s recorded by checkpoint %(checkpoint)s is missing or changed:"
            " entries were deleted, replaced or altered.",
            position=row["chain_position"],
            checkpoint=row["id"],
        )

    @api.model
    def _md_start(self):
        """Where an incremental verification starts: the newest checkpoint, checked.

        Returns ``position``, ``entry_id`` and ``entry_hash`` (the genesis without a checkpoint)
        and ``problem``, a message when the checkpoint cannot be trusted.
        """
        rows = self._md_rows(limit=2)
        if not rows:
            return dict(GENESIS_START, problem="")
        newest = rows[0]
        previous_seal = rows[1]["seal"] if len(rows) > 1 else GENESIS_HASH
        return {
            "position": newest["chain_position"],
            "entry_id": newest["entry_id"],
            "entry_hash": newest["entry_hash"],
            "problem": self._md_seal_problem(newest, previous_seal) or self._md_entry_problem(newest),
        }

    @api.model
    def _md_all_problem(self):
        """Every checkpoint against its seal, the chain of seals and the chain's entries.

        For the full verification, after it checked every entry's hash. Returns (the entry the
        checkpoint recorded, message) for the first problem, or None.
        """
        previous_seal = GENESIS_HASH
        for row in reversed(self._md_rows()):
            problem = self._md_seal_problem(row, previous_seal)
            if problem:
                return row["entry_id"], problem
            previous_seal = row["seal"]
        self.env.cr.execute(
            SQL(
                """SELECT c.id, c.chain_position, c.entry_id
                     FROM md_audit_checkpoint c
                LEFT JOIN md_audit_entry e ON e.chain_position = c.chain_position
                    WHERE e.id IS DISTINCT FROM c.entry_id OR e.entry_hash IS DISTINCT FROM c.entry_hash
                 ORDER BY c.id LIMIT 1"""
            )
        )
        mismatch = self.env.cr.dictfetchone()
        if mismatch:
            return mismatch["entry_id"], self._md_entry_changed_message(mismatch)
        return None
