from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdCapaCase(TransactionCase):
    """Users of each role with known passwords, a device product and a supplier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Change requests name BoMs: their authors and approvers are also manufacturing users.
        cls.author = cls._user("md_capa_author", "md_base.group_md_quality_inspector,mrp.group_mrp_user")
        cls.manager = cls._user("md_capa_manager", "md_base.group_md_quality_manager,mrp.group_mrp_user")
        cls.manager_author = cls._user(
            "md_capa_manager_author", "md_base.group_md_quality_manager,mrp.group_mrp_user"
        )
        cls.inspector = cls._user("md_capa_inspector", "md_base.group_md_quality_inspector")
        cls.regulatory = cls._user("md_capa_regulatory", "md_base.group_md_regulatory")
        cls.owner = cls._user("md_capa_owner", "md_base.group_md_user")
        cls.product = cls.env["product.product"].create(
            {"name": "Infusion set", "is_storable": True, "tracking": "lot"}
        )
        cls.supplier = cls.env["res.partner"].create({"name": "Tubing Supplier Ltd", "is_company": True})
        cls.today = fields.Date.context_today(cls.env["md.quality.capa"])

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
            # The same "today" as cls.today: dates follow the user's time zone (context_today).
            tz=cls.env.user.tz,
        )

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    def sign(self, record, user, meaning):
        return record.with_user(user).md_sign(meaning, self.password(user), f"{meaning} by {user.login}")

    def new_capa(self, user=None, **vals):
        values = {
            "title": "Tubing kinks at the drip chamber",
            "capa_type": "corrective",
            "source": "ncr",
            "product_id": self.product.id,
            "partner_id": self.supplier.id,
            "problem_statement": "Three lots with kinked tubing at final inspection.",
            "severity": "4",
            "occurrence": "3",
            "effectiveness_days": 0,
        }
        values.update(vals)
        return self.env["md.quality.capa"].with_user(user or self.author).create(values)

    def investigated(self, capa, user=None):
        """The CAPA in implementation with a root cause and one open action of the owner."""
        user = user or self.author
        capa = capa.with_user(user)
        capa.action_start_investigation()
        capa.write(
            {
                "cause_ids": [
                    Command.create(
                        {
                            "category": "material",
                            "name": "Supplier changed resin grade",
                            "is_root_cause": True,
                        }
                    )
                ],
                "action_ids": [
                    Command.create(
                        {
                            "name": "Add resin grade to the supplier specification",
                            "user_id": self.owner.id,
                            "date_due": self.today + timedelta(days=10),
                        }
                    )
                ],
            }
        )
        capa.action_implement()
        return capa

    def complete_actions(self, capa):
        for action in capa.action_ids.filtered(lambda a: a.state == "open"):
            action.with_user(action.user_id).write({"evidence_note": "Specification rev. C issued"})
            action.with_user(action.user_id).action_done()
