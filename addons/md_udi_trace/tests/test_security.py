from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurityGroups(TransactionCase):
    """Medical Devices users work with lots/serials and packagings (ISO 13485 7.5.8, 7.5.9)."""

    def test_users_get_lots_and_packagings(self):
        inspector = new_test_user(self.env, "md_qi", groups="md_base.group_md_quality_inspector")
        self.assertIn(self.env.ref("stock.group_production_lot"), inspector.groups_id)
        self.assertIn(self.env.ref("product.group_stock_packaging"), inspector.groups_id)
