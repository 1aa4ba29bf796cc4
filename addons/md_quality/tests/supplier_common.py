from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdSupplierQualityCase(TransactionCase):
    """Suppliers, gated products and the users who author and sign approvals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("md_base.signature_idle_minutes", "15")
        cls.author = cls._user("md_asl_author", "md_base.group_md_quality_manager")
        cls.manager = cls._user("md_asl_manager", "md_base.group_md_quality_manager")
        cls.inspector = cls._user("md_asl_inspector", "md_base.group_md_quality_inspector")
        cls.supplier = cls.env["res.partner"].create({"name": "Precision Polymers Ltd", "is_company": True})
        cls.other_supplier = cls.env["res.partner"].create({"name": "Budget Plastics Co", "is_company": True})
        cls.category = cls.env["product.category"].create({"name": "Sterile barrier"})
        cls.sub_category = cls.env["product.category"].create(
            {"name": "Pouches", "parent_id": cls.category.id}
        )
        # A quality-controlled component (ISO 13485 7.4.1) that is not a device: the GSP
        # qualification gates of md_regulatory apply to devices only.
        cls.component = cls.env["product.product"].create(
            {
                "name": "Medical-grade tubing",
                "is_storable": True,
                "md_quality_controlled_purchase": True,
                "categ_id": cls.category.id,
            }
        )
        cls.pouch = cls.env["product.product"].create(
            {"name": "Tyvek pouch", "md_quality_controlled_purchase": True, "categ_id": cls.sub_category.id}
        )
        cls.plain = cls.env["product.product"].create({"name": "Office paper", "is_storable": True})

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=f"{groups},purchase.group_purchase_user",
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
            # The same "today" as the superuser's: dates follow the user's time zone (context_today).
            tz=cls.env.user.tz,
        )

    def sign(self, records, meaning, user, reason="Evaluated and approved"):
        return records.with_user(user).md_sign(
            meaning, user.login + PASSWORD_SUFFIX, reason, login=user.login
        )

    def new_approval(self, product=None, category=None, decision="approved", valid_until=None, partner=None):
        vals = {
            "partner_id": (partner or self.supplier).id,
            "decision": decision,
            "valid_until": valid_until,
            "scope_notes": "Audit 2026-03, certificate ISO 13485",
        }
        if category:
            vals["categ_id"] = category.id
        else:
            vals["product_tmpl_id"] = (product or self.component).product_tmpl_id.id
        return self.env["md.quality.supplier.approval"].with_user(self.author).create(vals)

    def approve(self, approval):
        self.sign(approval, "approved", self.manager)
        return approval

    def new_order(self, product, partner=None, qty=10.0):
        return self.env["purchase.order"].create(
            {
                "partner_id": (partner or self.supplier).id,
                "order_line": [(0, 0, {"product_id": product.id, "product_qty": qty, "price_unit": 2.0})],
            }
        )
