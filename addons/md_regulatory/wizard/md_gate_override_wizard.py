from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.md_gate_override import GATED_MODELS, OVERRIDE


class MdGateOverrideWizard(models.TransientModel):
    """Lists what the regulatory gates refuse on an order or delivery and
    creates the overrides Regulatory Affairs selects, signed at once with the
    meaning "override" and the reason (21 CFR 11.50, 11.200)."""

    _name = "md.gate.override.wizard"
    _description = "Regulatory Gate Override"

    res_model = fields.Selection(GATED_MODELS, required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    record_name = fields.Char(string="Document", compute="_compute_record_name")
    line_ids = fields.One2many("md.gate.override.wizard.line", "wizard_id", string="Refusals")
    reason = fields.Text(required=True, help="Why the document may pass despite the refusal.")
    login_required = fields.Boolean(readonly=True)
    login = fields.Char()
    password = fields.Char()
    signer_name = fields.Char(string="Signing As", default=lambda self: self.env.user.name, readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["login_required"] = self.env["md.signature"]._md_login_required()
        if values.get("res_model") and values.get("res_id"):
            document = self._md_document(values["res_model"], values["res_id"])
            values["line_ids"] = [
                Command.create(
                    {
                        "gate": violation["gate"],
                        "product_id": violation["product"].id,
                        "partner_id": violation["partner"].id,
                        "country_id": violation["country"].id,
                        "message": violation["message"],
                    }
                )
                for violation in self._md_unique(document._md_gate_violations())
            ]
        return values

    @api.model
    def _md_unique(self, violations):
        seen, unique = set(), []
        for violation in violations:
            key = (violation["gate"], violation["product"].id, violation["country"].id)
            if key not in seen:
                seen.add(key)
                unique.append(violation)
        return unique

    @api.model
    def _md_document(self, res_model, res_id):
        if res_model not in dict(GATED_MODELS):
            raise UserError(self.env._("Regulatory gates do not apply to %s.", res_model))
        # Regulatory Affairs may lack sales, purchase or inventory rights: the refusals are read
        # as superuser (only the refusals and the document's name are shown).
        document = self.env[res_model].sudo().browse(res_id).exists()
        if not document:
            raise UserError(self.env._("The document to unblock no longer exists."))
        return document

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for wizard in self:
            wizard.record_name = (
                self._md_document(wizard.res_model, wizard.res_id).display_name if wizard.res_model else False
            )

    def action_sign(self):
        self.ensure_one()
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select the refusals to override."))
        document = self._md_document(self.res_model, self.res_id)
        overrides = self.env["md.gate.override"].create(
            [
                {
                    "gate": line.gate,
                    "res_model": self.res_model,
                    "res_id": document.id,
                    "product_id": line.product_id.id,
                    "partner_id": line.partner_id.id,
                    "country_id": line.country_id.id,
                    "message": line.message,
                    "reason": self.reason,
                    "company_id": document.company_id.id,
                }
                for line in lines
            ]
        )
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        overrides.md_sign(OVERRIDE, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
