from odoo import fields, models
from odoo.exceptions import UserError


class MdSignatureMeaning(models.Model):
    """What a signature means (21 CFR 11.50(a)(3): review, approval,
    responsibility, authorship...). Shown with every signature."""

    _name = "md.signature.meaning"
    _description = "Electronic Signature Meaning"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable identifier used by programs and XML-RPC callers, e.g. 'approved'.",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True, help="What the signer attests by signing with this meaning.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a signature meaning must be unique."),
    ]

    def write(self, vals):
        # Signatures and callers refer to the code: it is fixed once used.
        if "code" in vals and any(meaning.code != vals["code"] for meaning in self):
            used = self.env["md.signature"].sudo().search_count([("meaning_id", "in", self.ids)], limit=1)
            if used:
                raise UserError(self.env._("The code of a meaning that has been signed with cannot change."))
        return super().write(vals)
