from odoo import Command
from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdSignatureCase(TransactionCase):
    """Lot holds as the signed records, with the hold signature rules and users of each role
    with known passwords. The signing mechanism itself is tested once, in md_base, on its
    tester model (md_base/tests/test_signable_mixin.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.placer = cls._user("md_placer", "md_base.group_md_quality_manager")
        cls.signer = cls._user("md_signer", "md_base.group_md_quality_manager")
        cls.inspector = cls._user("md_inspector", "md_base.group_md_quality_inspector")
        cls.product = cls.env["product.product"].create(
            {"name": "Catheter", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "LOT-SIG-1", "product_id": cls.product.id})
        cls.meaning_released = cls.env.ref("md_base.md_signature_meaning_released")
        cls.meaning_reviewed = cls.env.ref("md_base.md_signature_meaning_reviewed")
        manager_groups = [
            cls.env.ref("md_base.group_md_quality_manager").id,
            cls.env.ref("md_base.group_md_regulatory").id,
        ]
        cls.rule_released = cls._rule(cls.meaning_released, manager_groups, author_may_sign=False)
        cls.rule_reviewed = cls._rule(
            cls.meaning_reviewed,
            [cls.env.ref("md_base.group_md_quality_inspector").id],
            author_may_sign=False,
        )

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
        )

    @classmethod
    def _rule(cls, meaning, group_ids, author_may_sign):
        Rule = cls.env["md.signature.rule"].with_context(active_test=False)
        vals = {
            "group_ids": [Command.set(group_ids)],
            "author_may_sign": author_may_sign,
            "required": False,
            "active": True,
        }
        rule = Rule.search([("model", "=", "md.lot.hold"), ("meaning_id", "=", meaning.id)])
        if rule:
            rule.write(vals)
            return rule
        model = cls.env["ir.model"]._get("md.lot.hold")
        return Rule.create(dict(vals, model_id=model.id, meaning_id=meaning.id))

    def new_hold(self, reason="Suspected sterility breach"):
        return (
            self.env["md.lot.hold"]
            .with_user(self.placer)
            .create({"lot_id": self.lot.id, "hold_type": "hold", "reason": reason})
        )

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX
