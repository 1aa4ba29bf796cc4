from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .md_audit_entry import GENESIS_HASH
from .module_data import module_data_uninstalling


class MdAuditChain(models.Model):
    """The head of the audit trail hash chain: last linked position and hash.

    One row, locked by each linker (SELECT ... FOR UPDATE) so positions are
    given out once and gaplessly (21 CFR 11.10(e), 11.10(f) sequence checks).
    It also lets verification notice deleted newest entries. Activities about
    a failed check hang on it, and the outcomes of the full verification job
    are posted on it to the verifiers who asked for it.
    """

    _name = "md.audit.chain"
    _description = "Audit Trail Chain Head"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    name = fields.Char(required=True, readonly=True)
    last_position = fields.Integer(readonly=True)
    last_hash = fields.Char(readonly=True, default=GENESIS_HASH)
    full_verification_requester_ids = fields.Many2many(
        "res.users",
        "md_audit_chain_full_verification_requester_rel",
        "chain_id",
        "user_id",
        string="Full Verification Requested By",
        readonly=True,
        help="Verifiers waiting for the outcome of the full verification job.",
    )

    def write(self, vals):
        if self:
            raise UserError(self.env._("The audit trail chain head is maintained by the system only."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("The audit trail chain head cannot be deleted."))

    @api.model
    def _md_main_chain(self):
        # the cached external id, without ref()'s existence query: linking runs after each
        # audited commit, and the row cannot be deleted
        return self.browse(self.env["ir.model.data"]._xmlid_to_res_id("md_base.md_audit_chain_main"))

    @api.model
    def _md_lock_head(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, last_position, last_hash FROM md_audit_chain WHERE id = %s FOR UPDATE",
                self._md_main_chain().id,
            ),
            log_exceptions=False,  # a serialization failure here is expected and handled by the caller
        )
        return self.env.cr.dictfetchone()

    @api.model
    def _md_read_head(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, last_position, last_hash FROM md_audit_chain WHERE id = %s",
                self._md_main_chain().id,
            )
        )
        return self.env.cr.dictfetchone()

    @api.model
    def _md_store_head(self, chain_id, position, last_hash):
        self.env.cr.execute(
            SQL(
                "UPDATE md_audit_chain SET last_position = %s, last_hash = %s WHERE id = %s",
                position,
                last_hash,
                chain_id,
            )
        )
        self.invalidate_model(["last_position", "last_hash"])

    def _md_request_full_verification(self, user):
        """Remember who waits for the next full verification (the head is never written by the ORM)."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO md_audit_chain_full_verification_requester_rel (chain_id, user_id)
                   VALUES (%s, %s) ON CONFLICT DO NOTHING""",
                self.id,
                user.id,
            )
        )
        self.invalidate_recordset(["full_verification_requester_ids"])

    def _md_post_full_verification(self, result, requesters):
        """Post the outcome on the head, sent to the verifiers who asked; they wait no longer."""
        if result["ok"]:
            body = self.env._(
                "Full verification of the audit trail: %(count)s entries and every checkpoint checked,"
                " the hash chain is intact.",
                count=result["checked"],
            )
        else:
            body = self.env._(
                "Full verification of the audit trail: mismatch at entry %(entry)s after %(count)s intact"
                " entries: %(problem)s",
                entry=result["first_broken_id"],
                count=result["checked"],
                problem=result["message"],
            )
        self.message_post(body=body, partner_ids=requesters.partner_id.ids, subtype_xmlid="mail.mt_note")
        if requesters:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM md_audit_chain_full_verification_requester_rel"
                    " WHERE chain_id = %s AND user_id IN %s",
                    self.id,
                    tuple(requesters.ids),
                )
            )
            self.invalidate_recordset(["full_verification_requester_ids"])
