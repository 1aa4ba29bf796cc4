from odoo import api, fields, models
from odoo.exceptions import UserError


class MdSignWizard(models.TransientModel):
    """The signing dialog: meaning, reason and the signer's credentials
    (login only when the continuous session needs it, 21 CFR 11.200(a)(1))."""

    _name = "md.sign.wizard"
    _description = "Sign a Record Electronically"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    allowed_meaning_ids = fields.Many2many("md.signature.meaning", compute="_compute_allowed_meaning_ids")
    meaning_id = fields.Many2one(
        "md.signature.meaning",
        required=True,
        domain="[('id', 'in', allowed_meaning_ids)]",
    )
    meaning_description = fields.Text(related="meaning_id.description")
    reason = fields.Text(required=True, help="What you attest by signing, or your comment.")
    login_required = fields.Boolean(readonly=True)
    login = fields.Char()
    password = fields.Char()
    signer_name = fields.Char(string="Signing As", default=lambda self: self.env.user.name, readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["login_required"] = self.env["md.signature"]._md_login_required()
        res_model = self.env.context.get("md_sign_res_model")
        res_id = self.env.context.get("md_sign_res_id")
        if res_model and res_id:
            values.update(res_model=res_model, res_id=res_id)
            meanings = self._md_allowed_meanings(res_model)
            if len(meanings) == 1:
                values["meaning_id"] = meanings.id
        return values

    @api.model
    def _md_allowed_meanings(self, res_model):
        rules = self.env["md.signature.rule"].sudo().search([("model", "=", res_model)])
        user_groups = self.env.user.groups_id
        return rules.filtered(lambda rule: rule.group_ids & user_groups).meaning_id

    def _md_record(self):
        self.ensure_one()
        if self.res_model not in self.env or not self.env[self.res_model].browse(self.res_id).exists():
            raise UserError(self.env._("The record to sign no longer exists."))
        return self.env[self.res_model].browse(self.res_id)

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for wizard in self:
            wizard.record_name = wizard._md_record().display_name if wizard.res_model else False

    @api.depends("res_model")
    def _compute_allowed_meaning_ids(self):
        for wizard in self:
            wizard.allowed_meaning_ids = (
                self._md_allowed_meanings(wizard.res_model) if wizard.res_model else False
            )

    def action_sign(self):
        self.ensure_one()
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        self._md_record().md_sign(self.meaning_id.code, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
