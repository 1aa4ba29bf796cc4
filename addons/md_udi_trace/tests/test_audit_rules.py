from odoo.tests import TransactionCase, tagged

from odoo.addons.md_udi_trace.models.md_audit_rule import PRODUCT_UDI_EXTRA_FIELDS


@tagged("post_install", "-at_install")
class TestAuditRules(TransactionCase):
    """The default audit rules of the traceability records (21 CFR 11.10(e); ISO 13485 7.5.8,
    7.5.9): lots and serials, the UDI fields of products, bills of materials and done
    manufacturing orders. The audit trail mechanism is tested in md_base (test_audit_trail.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Entry = cls.env["md.audit.entry"]
        cls.product = cls.env["product.product"].create(
            {"name": "Audit Stent", "is_storable": True, "tracking": "serial"}
        )
        cls.rules = cls.env["md.audit.rule"].search([])

    def _rule(self, model_name):
        return self.rules.filtered(lambda rule: rule.model_name == model_name)

    def _entries(self, record, operation=None):
        domain = [("res_model", "=", record._name), ("res_id", "in", record.ids)]
        if operation:
            domain.append(("operation", "=", operation))
        return self.Entry.search(domain, order="id")

    def _lot(self, name="AUD-1"):
        return self.env["stock.lot"].create({"name": name, "product_id": self.product.id})

    def test_default_rules_cover_lots_boms_and_done_manufacturing_orders(self):
        for model_name in ("stock.lot", "mrp.bom", "mrp.bom.line"):
            rule = self._rule(model_name)
            self.assertTrue(rule, model_name)
            self.assertFalse(
                rule.field_ids or rule.record_domain, f"{model_name}: every field of every record"
            )
        self.assertEqual(self._rule("mrp.production").record_domain, "[('state', '=', 'done')]")
        self.assertIn("md.lot.hold", self.rules.mapped("model_name"), "the MedDev models of the addon")

    def test_product_rules_audit_the_udi_fields_only(self):
        for model_name in ("product.template", "product.product"):
            names = self._rule(model_name).field_ids.mapped("name")
            self.assertTrue(names, model_name)
            self.assertFalse(
                [
                    name
                    for name in names
                    if name not in PRODUCT_UDI_EXTRA_FIELDS and not name.startswith("md_")
                ],
                f"{model_name}: only the UDI fields are audited",
            )
        self.assertIn("tracking", self._rule("product.template").field_ids.mapped("name"))
        template = self.product.product_tmpl_id
        template.write({"name": "Audit Stent XL"})
        self.assertFalse(self._entries(template, "write"), "a product name is not UDI data")

    def test_lot_changes_recorded(self):
        lot = self._lot()
        created = self._entries(lot, "create")
        self.assertEqual(
            created.filtered(lambda e: e.field_name == "product_id").new_value, self.product.display_name
        )
        self.assertEqual(created.company_id, lot.company_id)
        lot.write({"ref": "R-1"})
        entry = self._entries(lot, "write")
        self.assertEqual((entry.field_name, entry.old_value, entry.new_value), ("ref", "", "R-1"))

    def test_human_readable_selection_and_datetime_values(self):
        template = self.product.product_tmpl_id
        template.write({"tracking": "lot"})
        entry = self._entries(template, "write").filtered(lambda e: e.field_name == "tracking")
        labels = dict(template._fields["tracking"]._description_selection(self.env))
        self.assertEqual((entry.old_value, entry.new_value), (labels["serial"], labels["lot"]))

        lot = self._lot()
        lot.write({"expiration_date": "2030-01-31 10:00:00"})
        entry = self._entries(lot, "write").filtered(lambda e: e.field_name == "expiration_date")
        self.assertEqual(entry.new_value, "2030-01-31T10:00:00", "dates in ISO 8601, UTC")

    def test_manufacturing_order_audited_once_done(self):
        product = self.env["product.product"].create({"name": "Audit Kit", "is_storable": True})
        production = self.env["mrp.production"].create({"product_id": product.id, "product_qty": 1})
        production.write({"origin": "SO-1"})
        self.assertFalse(self._entries(production), "not done: not in the rule's record domain")
        production.action_confirm()
        production.qty_producing = 1
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        production.write({"origin": "SO-2"})
        entry = self._entries(production, "write").filtered(lambda e: e.field_name == "origin")
        self.assertEqual((entry.old_value, entry.new_value), ("SO-1", "SO-2"))

    def test_smart_button_on_lot_and_bom_forms_only(self):
        action = self.env.ref("md_base.action_md_audit_trail_for_record")
        for model_name in ("stock.lot", "mrp.bom"):
            arch = self.env[model_name].get_view(view_type="form")["arch"]
            self.assertIn(f'name="{action.id}"', arch, model_name)
        self.assertNotIn(f'name="{action.id}"', self.env["res.partner"].get_view(view_type="form")["arch"])
