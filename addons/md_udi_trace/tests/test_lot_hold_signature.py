from odoo.exceptions import UserError
from odoo.tests import tagged

from .signature_common import MdSignatureCase


@tagged("post_install", "-at_install")
class TestLotHoldSignature(MdSignatureCase):
    """What a signature means for a lot hold: the "released" signature is the release
    decision (ISO 13485 8.2.6, 8.3: who authorised release, and why; 21 CFR 11.50, 11.70).
    The signing mechanism is tested in md_base (test_signable_mixin.py)."""

    def sign(self, hold, user, meaning="released", reason="Retested, conforming"):
        return hold.with_user(user).md_sign(meaning, self.password(user), reason)

    def test_released_signature_releases_the_hold_with_signer_and_reason_iso13485_8_2_6(self):
        hold = self.new_hold()
        signature = self.env["md.signature"].browse(self.sign(hold, self.signer))
        self.assertEqual((signature.res_model, signature.res_id), ("md.lot.hold", hold.id))
        self.assertEqual((signature.meaning, signature.signer_id), ("released", self.signer))
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.signer)
        self.assertEqual(hold.release_reason, "Retested, conforming")
        self.assertTrue(hold.released_at)
        self.assertEqual(self.lot.md_status, "released", "the lot is released with its last hold")

    def test_review_signature_does_not_release_the_hold(self):
        hold = self.new_hold()
        self.sign(hold, self.inspector, meaning="reviewed")
        self.assertEqual(hold.md_signature_state, "signed")
        self.assertEqual(hold.state, "active")
        self.assertFalse(hold.released_by_id or hold.released_at or hold.release_reason)
        self.assertEqual(self.lot.md_status, "on_hold")

    def test_required_release_rule_refuses_an_unsigned_release_11_10_f(self):
        self.rule_released.required = True
        hold = self.new_hold()
        with self.assertRaisesRegex(UserError, "signed electronically as Released"):
            hold.with_user(self.signer)._md_release("no signature")
        wizard = (
            self.env["md.lot.hold.wizard"]
            .with_user(self.signer)
            .create({"mode": "release", "lot_ids": [(6, 0, self.lot.ids)], "reason": "Through the dialog"})
        )
        with self.assertRaisesRegex(UserError, "signed electronically as Released"):
            wizard.action_confirm()
        self.assertEqual(hold.state, "active")
        self.sign(hold, self.signer)
        self.assertEqual(hold.state, "released")

    def test_released_hold_cannot_be_signed_released_again(self):
        hold = self.new_hold()
        hold.with_user(self.signer)._md_release("Released without signature (rule not required)")
        with self.assertRaisesRegex(UserError, "Releasing is not possible"):
            self.sign(hold, self.signer)
        self.assertFalse(hold.md_signature_ids)

    def test_signed_content_of_a_hold_cannot_change_11_70(self):
        hold = self.new_hold()
        self.sign(hold, self.inspector, meaning="reviewed")
        with self.assertRaises(UserError) as refusal:  # rolls the write back, as the request would be
            hold.write({"reason": "Another reason"})
        self.assertIn("signed content cannot be changed", str(refusal.exception))
        self.assertEqual(hold.reason, "Suspected sterility breach")
        self.assertEqual(hold.md_signature_state, "signed")
        self.assertEqual(hold.md_verify_signatures()[0]["valid"], True)
