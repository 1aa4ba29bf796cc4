from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class MdSignatureRule(models.Model):
    """Who may sign which model with which meaning (21 CFR 11.10(g) authority
    checks) and whether the record's author may sign it with that meaning
    (segregation of duties; 11.200(a)(3): misuse needs two people)."""

    _name = "md.signature.rule"
    _description = "Electronic Signature Rule"
    _order = "model_id, meaning_id"

    model_id = fields.Many2one(
        "ir.model",
        required=True,
        ondelete="cascade",
        domain=lambda self: [("model", "in", self._md_signable_model_names())],
    )
    model = fields.Char(related="model_id.model", store=True, index=True, string="Model Name")
    meaning_id = fields.Many2one("md.signature.meaning", required=True, ondelete="restrict")
    meaning_code = fields.Char(related="meaning_id.code", store=True, index=True)
    group_ids = fields.Many2many(
        "res.groups",
        string="Allowed Groups",
        required=True,
        help="Members of any of these groups may sign with this meaning.",
    )
    author_may_sign = fields.Boolean(
        help="Unchecked: the author of a record cannot sign it with this meaning (segregation of duties).",
    )
    required = fields.Boolean(
        string="Required for the Transition",
        help="Checked: the record's transition bound to this meaning is refused without a valid signature.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "model_meaning_unique",
            "unique(model_id, meaning_id)",
            "There is already a rule for this model and meaning.",
        ),
    ]

    @api.model
    def _md_signable_model_names(self):
        mixin = self.env.registry["md.signable.mixin"]
        return [
            name
            for name, model_class in self.env.registry.items()
            if name != "md.signable.mixin" and not model_class._abstract and issubclass(model_class, mixin)
        ]

    @api.constrains("model_id")
    def _check_model_is_signable(self):
        signable = set(self._md_signable_model_names())
        for rule in self:
            if rule.model not in signable:
                raise ValidationError(
                    self.env._("The model %s does not support electronic signatures.", rule.model_id.name)
                )

    @api.model
    def _md_rule_for(self, model_name, meaning):
        rule = self.sudo().search([("model", "=", model_name), ("meaning_id", "=", meaning.id)], limit=1)
        if not rule:
            raise UserError(
                self.env._(
                    "%(model)s records cannot be signed as %(meaning)s: no signature rule allows it.",
                    model=self.env["ir.model"]._get(model_name).name,
                    meaning=meaning.name,
                )
            )
        return rule

    def _md_check_signer(self, records, user):
        """Authority (11.10(g)) and segregation of duties for ``user``."""
        self.ensure_one()
        if not user.groups_id & self.group_ids:
            raise AccessError(
                self.env._(
                    "You are not allowed to sign %(model)s records as %(meaning)s "
                    "(allowed groups: %(groups)s).",
                    model=self.model_id.name,
                    meaning=self.meaning_id.name,
                    groups=", ".join(self.group_ids.mapped("full_name")),
                )
            )
        if self.author_may_sign:
            return
        authored = records.filtered(lambda record: record._md_author() == user)
        if authored:
            raise UserError(
                self.env._(
                    "You are the author of %(records)s and cannot also sign it as %(meaning)s "
                    "(segregation of duties).",
                    records=", ".join(authored.mapped("display_name")),
                    meaning=self.meaning_id.name,
                )
            )
