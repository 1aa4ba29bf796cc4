from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSignatureTour(HttpCase):
    """The signing dialog in the browser: login and password at the first
    signature of the session, the password alone at the next (11.200(a)(1))."""

    def test_sign_hold_with_password_dialog(self):
        placer = new_test_user(self.env, "md_tour_placer", groups="md_base.group_md_quality_manager")
        signer = new_test_user(
            self.env,
            "md_signer",
            groups="md_base.group_md_quality_manager",
            name="Md Signer",
            password="md_signer-Pw1!",
        )
        model = self.env["ir.model"]._get("md.lot.hold")
        Rule = self.env["md.signature.rule"].with_context(active_test=False)
        for xmlid, group in (
            ("md_base.md_signature_meaning_reviewed", "md_base.group_md_quality_inspector"),
            ("md_base.md_signature_meaning_released", "md_base.group_md_quality_manager"),
        ):
            meaning = self.env.ref(xmlid)
            vals = {
                "group_ids": [Command.set(self.env.ref(group).ids)],
                "author_may_sign": False,
                "active": True,
            }
            rule = Rule.search([("model_id", "=", model.id), ("meaning_id", "=", meaning.id)])
            rule.write(vals) if rule else Rule.create(dict(vals, model_id=model.id, meaning_id=meaning.id))
        product = self.env["product.product"].create(
            {"name": "Stent", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create({"name": "LOT-TOUR-1", "product_id": product.id})
        hold = (
            self.env["md.lot.hold"]
            .with_user(placer)
            .create({"lot_id": lot.id, "hold_type": "hold", "reason": "Sterility under investigation"})
        )
        action = self.env.ref("md_udi_trace.action_md_lot_hold")
        self.start_tour(f"/odoo/action-{action.id}/{hold.id}", "md_sign_tour", login="md_signer")

        signatures = hold.md_signature_ids
        self.assertEqual(sorted(signatures.mapped("meaning")), ["released", "reviewed"])
        self.assertEqual(signatures.signer_id, signer)
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.release_reason, "Lot retested and conforming")
