from markupsafe import Markup, escape

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
    allowed_meaning_ids = fields.Many2many("md.signature.meaning", compute="_compute_sign_options")
    sign_options_html = fields.Html(
        string="Who May Sign", compute="_compute_sign_options", sanitize=False, readonly=True
    )
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
            meanings = self._md_allowed_meanings(res_model, res_id)
            if len(meanings) == 1:
                values["meaning_id"] = meanings.id
        return values

    @api.model
    def _md_allowed_meanings(self, res_model, res_id):
        options = self.env[res_model].browse(res_id).md_sign_options()
        codes = [option["meaning"] for option in options if not option["refusal"]]
        return self.env["md.signature.meaning"].search([("code", "in", codes)])

    def _md_record(self):
        self.ensure_one()
        if self.res_model not in self.env or not self.env[self.res_model].browse(self.res_id).exists():
            raise UserError(self.env._("The record to sign no longer exists."))
        return self.env[self.res_model].browse(self.res_id)

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for wizard in self:
            wizard.record_name = wizard._md_record().display_name if wizard.res_model else False

    @api.depends("res_model", "res_id")
    def _compute_sign_options(self):
        for wizard in self:
            options = wizard._md_record().md_sign_options() if wizard.res_model else []
            codes = [option["meaning"] for option in options if not option["refusal"]]
            wizard.allowed_meaning_ids = self.env["md.signature.meaning"].search([("code", "in", codes)])
            wizard.sign_options_html = wizard._md_options_table(options)

    def _md_options_table(self, options):
        """Meaning | who may sign | you: before a password is typed (21 CFR 11.10(g))."""
        if not options:
            return Markup("<p>%s</p>") % self.env._("No signature rule allows signing this record.")
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Meaning"),
            self.env._("Who may sign"),
            self.env._("You"),
        )
        rows = Markup("").join(self._md_option_row(option) for option in options)
        return Markup(
            '<table class="table table-sm o_md_sign_options"><thead>%s</thead><tbody>%s</tbody></table>'
        ) % (
            head,
            rows,
        )

    def _md_option_row(self, option):
        who = ", ".join(option["groups"])
        if not option["author_may_sign"]:
            who = self.env._("%s (not the author)", who)
        if option["refusal"]:
            you = Markup('<span class="text-danger">%s</span>') % option["refusal"]
        else:
            you = Markup('<span class="text-success">%s</span>') % self.env._("You may sign")
        return Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (
            escape(option["meaning_name"]),
            who,
            you,
        )

    def action_sign(self):
        self.ensure_one()
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        self._md_record().md_sign(self.meaning_id.code, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
