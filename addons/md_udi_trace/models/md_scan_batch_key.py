import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

KEY_MAX_LENGTH = 128
KEPT_DAYS = 30


class MdScanBatchKey(models.Model):
    """The idempotency keys of scan batches (``md.scan.scan_batch(..., idempotency_key)``).

    A handheld or a gateway that sends a batch and gets no answer (a timeout on a warehouse
    network) cannot know whether the batch was applied. Sent again with the same key, the batch
    is applied once: the key is claimed in the transaction that applies the batch, so it exists
    only if the batch was recorded, and a second call with the key gets the first call's result.
    A call made while the key's first call is in flight waits on the key's unique index; when
    the first commits, PostgreSQL refuses the waiting insert as a serialization failure, which
    Odoo retries: the retry replays the first result (or, if the first was refused, applies its
    own batch). Keys are the caller's, per user; they are forgotten after 30 days. Written only
    by SQL from scan_batch: no user writes them.
    """

    _name = "md.scan.batch.key"
    _description = "Scan Batch Idempotency Key"

    key = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade", index=True)
    res_model = fields.Char("Operation Model", required=True, readonly=True)
    res_id = fields.Integer("Operation", required=True, readonly=True)
    payload_hash = fields.Char(required=True, readonly=True)
    result = fields.Json(readonly=True)

    _sql_constraints = [
        ("key_user_unique", "unique(key, user_id)", "An idempotency key is used once per user."),
    ]

    @api.model
    def _md_claim(self, key, res_model, res_id, raws):
        """``(key id, None)`` when this call claims ``key`` and applies its batch, or ``(None,
        result)`` when the key's batch was applied already (the same batch: else UserError)."""
        if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX_LENGTH:
            raise UserError(self.env._("An idempotency key is a text of 1 to %s characters.", KEY_MAX_LENGTH))
        digest = hashlib.sha256(json.dumps([res_model, res_id, list(raws)]).encode()).hexdigest()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO md_scan_batch_key (key, user_id, res_model, res_id, payload_hash,
                                               create_uid, create_date, write_uid, write_date)
                VALUES (%(key)s, %(uid)s, %(model)s, %(res_id)s, %(digest)s,
                        %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (key, user_id) DO NOTHING
                RETURNING id
                """,
                key=key,
                uid=self.env.uid,
                model=res_model,
                res_id=res_id,
                digest=digest,
            ),
            # A call racing the key's first call fails to serialize here, as expected: Odoo
            # retries it, so the failure is not a bad query worth an error in the log.
            log_exceptions=False,
        )
        claimed = self.env.cr.fetchone()
        if claimed:
            return claimed[0], None
        self.env.cr.execute(
            SQL(
                "SELECT payload_hash, result FROM md_scan_batch_key WHERE key = %s AND user_id = %s",
                key,
                self.env.uid,
            )
        )
        payload_hash, result = self.env.cr.fetchone()
        if payload_hash != digest:
            raise UserError(
                self.env._(
                    "The idempotency key %s was already used for another batch: a new batch needs a new key.",
                    key,
                )
            )
        return None, result

    @api.model
    def _md_store(self, key_id, result):
        self.env.cr.execute(
            SQL("UPDATE md_scan_batch_key SET result = %s WHERE id = %s", json.dumps(result), key_id)
        )

    @api.autovacuum
    def _gc_md_scan_batch_keys(self):
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM md_scan_batch_key
                 WHERE create_date < (now() at time zone 'UTC') - make_interval(days => %s)
                """,
                KEPT_DAYS,
            )
        )
