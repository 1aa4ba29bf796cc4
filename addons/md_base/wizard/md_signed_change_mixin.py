from odoo import api, fields, models


class MdSignedChangeMixin(models.AbstractModel):
    """The dialog of a signed configuration change: the new values, the reason and the signer's
    credentials in one step (login only when the continuous session needs it, 21 CFR
    11.200(a)(1)). What the change does not name stays as the record has it.

    Adopters declare ``_md_target_field`` (the many2one to the record changed) and
    ``_md_changed_fields`` (the dialog's fields named as the record's)."""

    _name = "md.signed.change.mixin"
    _description = "Signed Configuration Change"

    _md_target_field = None
    _md_changed_fields = ()

    reason = fields.Text(string="Reason for the Change", required=True)
    login_required = fields.Boolean(readonly=True)
    login = fields.Char()
    password = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["login_required"] = self.env["md.signature"]._md_login_required()
        return {**self._md_current_values(values.get(self._md_target_field)), **values}

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(
            [{**self._md_current_values(vals.get(self._md_target_field)), **vals} for vals in vals_list]
        )

    @api.model
    def _md_current_values(self, target_id):
        target = self.env[self._fields[self._md_target_field].comodel_name].browse(target_id).exists()
        return {name: self._md_value(target, name) for name in self._md_changed_fields} if target else {}

    @api.model
    def _md_value(self, record, name):
        """A field's value as a create/write value."""
        if record._fields[name].type in ("many2many", "one2many"):
            return [fields.Command.set(record[name].ids)]
        return record[name]

    def action_apply(self):
        self.ensure_one()
        vals = {name: self._md_value(self, name) for name in self._md_changed_fields}
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        self[self._md_target_field]._md_change_signed(vals, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
