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
    a failed daily check hang on it.
    """

    _name = "md.audit.chain"
    _description = "Audit Trail Chain Head"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    name = fields.Char(required=True, readonly=True)
    last_position = fields.Integer(readonly=True)
    last_hash = fields.Char(readonly=True, default=GENESIS_HASH)

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
        return self.env.ref("md_base.md_audit_chain_main")

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
