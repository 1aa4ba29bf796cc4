from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurityGroups(TransactionCase):
    """The Medical Devices groups and their implications (ISO 13485 5.5.1 responsibility and
    authority; 21 CFR 11.10(d) access limited to authorised individuals)."""

    def group(self, name):
        return self.env.ref(f"md_base.{name}")

    def test_groups_belong_to_the_medical_devices_categories(self):
        category = self.env.ref("md_base.module_category_medical_devices")
        groups = self.env["res.groups"].search([("category_id", "=", category.id)])
        self.assertEqual(
            set(groups.mapped("name")),
            {"User", "Quality Inspector", "QA Release Approver", "Quality Manager", "Regulatory Affairs"},
        )
        security = self.env.ref("md_base.module_category_md_security")
        self.assertEqual(self.group("group_md_security_manager").category_id, security)

    def test_implications(self):
        manager = new_test_user(self.env, "md_qm", groups="md_base.group_md_quality_manager")
        for name in ("group_md_release_approver", "group_md_quality_inspector", "group_md_user"):
            self.assertIn(self.group(name), manager.groups_id, name)
        self.assertNotIn(self.group("group_md_regulatory"), manager.groups_id)
        self.assertNotIn(self.group("group_md_security_manager"), manager.groups_id)

        inspector = new_test_user(self.env, "md_qi", groups="md_base.group_md_quality_inspector")
        self.assertNotIn(self.group("group_md_release_approver"), inspector.groups_id)

        regulatory = new_test_user(self.env, "md_ra", groups="md_base.group_md_regulatory")
        self.assertIn(self.group("group_md_user"), regulatory.groups_id)
        self.assertNotIn(self.group("group_md_quality_inspector"), regulatory.groups_id)

        security = new_test_user(self.env, "md_sm", groups="md_base.group_md_security_manager")
        self.assertIn(self.group("group_md_user"), security.groups_id)
        self.assertNotIn(self.group("group_md_quality_manager"), security.groups_id)

    def test_administrator_holds_the_management_roles(self):
        admin = self.env.ref("base.user_admin")
        for name in ("group_md_quality_manager", "group_md_regulatory", "group_md_security_manager"):
            self.assertIn(self.group(name), admin.groups_id, name)
