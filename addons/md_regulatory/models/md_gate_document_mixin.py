from odoo import api, fields, models


class MdGateDocumentMixin(models.AbstractModel):
    """Orders and deliveries guarded by md.market.gate: the gate runs on the
    transition into a gated state whatever the path (the business method, a
    plain write of the state over RPC), their overrides shown on the form, and
    the button that opens the override wizard."""

    _name = "md.gate.document.mixin"
    _description = "Document Guarded by Regulatory Gates"

    # The states a document reaches only through its gate.
    _md_gated_states = ()

    md_gate_override_ids = fields.One2many(
        "md.gate.override",
        compute="_compute_md_gate_override_ids",
        string="Regulatory Overrides",
        groups="md_base.group_md_user",
    )
    md_gate_override_count = fields.Integer(
        compute="_compute_md_gate_override_ids", groups="md_base.group_md_user"
    )

    def _compute_md_gate_override_ids(self):
        overrides = (
            self.env["md.gate.override"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        for document in self:
            mine = overrides.filtered(lambda o, doc=document: o.res_id == doc.id)
            document.md_gate_override_ids = mine.with_env(self.env)
            document.md_gate_override_count = len(mine)

    def write(self, vals):
        if vals.get("state") in self._md_gated_states:
            self._md_gate_enforce(self.filtered(lambda document: document.state not in self._md_gated_states))
        return super().write(vals)

    def _md_gate_violations(self):
        """The gate violations of these documents, overrides applied."""
        return []

    @api.model
    def _md_gate_enforce(self, documents):
        self.env["md.market.gate"]._md_raise(documents._md_gate_violations())

    def action_md_gate_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Regulatory Override"),
            "res_model": "md.gate.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def action_md_view_gate_overrides(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Regulatory Overrides"),
            "res_model": "md.gate.override",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
        }
