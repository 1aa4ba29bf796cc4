import hashlib
import json
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.md_base.models.md_signature import SESSION_KEY
from .signature_common import MdSignatureCase


@tagged("post_install", "-at_install")
class TestSignature(MdSignatureCase):
    """21 CFR 11.50, 11.70, 11.100, 11.200, 11.300 on lot hold signatures."""

    def sign(self, hold, user, meaning="released", reason="Retested, conforming", **kwargs):
        return hold.with_user(user).md_sign(
            meaning, kwargs.pop("password", self.password(user)), reason, **kwargs
        )

    def web_session(self):
        """A fake interactive web session for the signing code (11.200(a)(1))."""
        session = {}
        return session, patch.object(type(self.env["md.signature"]), "_md_web_session", return_value=session)

    def failures(self, user):
        return self.env["md.signature.failure"].search([("user_id", "=", user.id)])

    # --- the signature record (11.50, 11.100) --------------------------------

    def test_sign_records_who_when_meaning_reason_and_content(self):
        hold = self.new_hold()
        signature_ids = self.sign(hold, self.signer)
        signature = self.env["md.signature"].browse(signature_ids)
        self.assertEqual(len(signature), 1)
        self.assertEqual((signature.res_model, signature.res_id), ("md.lot.hold", hold.id))
        self.assertEqual(signature.signer_id, self.signer)
        self.assertEqual(signature.signer_name, "Md Signer")
        self.assertEqual((signature.meaning, signature.meaning_name), ("released", "Released"))
        self.assertEqual(signature.reason, "Retested, conforming")
        self.assertTrue(signature.signed_at)
        self.assertEqual(signature.content_hash, hold._md_content_hash())
        self.assertEqual(hold.md_signature_ids, signature)
        # the "released" signature performed the release, with the signer and reason
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.signer)
        self.assertEqual(hold.release_reason, "Retested, conforming")

    def test_wrong_password_is_refused_and_logged(self):
        hold = self.new_hold()
        error = self.refused(self.sign, hold, self.signer, password="not-my-password")
        self.assertIsInstance(error, UserError)
        self.assertIn("2 attempt(s) left", str(error))
        self.assertFalse(hold.md_signature_ids)
        self.assertEqual(hold.state, "active")
        failure = self.failures(self.signer)
        self.assertEqual(len(failure), 1)
        self.assertEqual(
            (failure.cause, failure.res_model, failure.res_ids), ("password", "md.lot.hold", str(hold.id))
        )

    def test_reason_and_known_meaning_required(self):
        hold = self.new_hold()
        with self.assertRaisesRegex(UserError, "reason"):
            self.sign(hold, self.signer, reason="  ")
        with self.assertRaisesRegex(UserError, "Unknown signature meaning"):
            self.sign(hold, self.signer, meaning="blessed")
        with self.assertRaisesRegex(UserError, "no signature rule"):
            self.sign(hold, self.signer, meaning="approved")
        self.assertFalse(self.failures(self.signer), "a refused request is not a failed credential check")

    def test_same_signer_cannot_sign_twice_with_same_meaning(self):
        hold = self.new_hold()
        self.sign(hold, self.inspector, meaning="reviewed")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.sign(hold, self.inspector, meaning="reviewed")

    # --- continuous session (11.200(a)(1)) -------------------------------------

    def test_first_signature_of_session_needs_login_then_password_alone(self):
        first, second, third = self.new_hold(), self.new_hold(), self.new_hold()
        session, patcher = self.web_session()
        with patcher:
            with self.assertRaisesRegex(UserError, "login"):
                self.sign(first, self.signer)
            self.assertFalse(first.md_signature_ids)
            error = self.refused(self.sign, first, self.signer, login="md_placer")
            self.assertIn("Wrong login or password", str(error))
            self.assertEqual(self.failures(self.signer).cause, "login")
            self.sign(first, self.signer, login="md_signer")
            self.assertEqual(session[SESSION_KEY]["uid"], self.signer.id)
            # same continuous session: the password alone
            self.sign(second, self.signer)
            self.assertEqual(second.md_signature_state, "signed")
            # ... but still the right one
            self.refused(self.sign, third, self.signer, password="wrong")
            self.assertFalse(third.md_signature_ids)

    def test_idle_time_asks_for_login_again(self):
        first, second = self.new_hold(), self.new_hold()
        session, patcher = self.web_session()
        with patcher:
            self.sign(first, self.signer, login="md_signer")
            session[SESSION_KEY] = dict(session[SESSION_KEY], at=session[SESSION_KEY]["at"] - 16 * 60)
            with self.assertRaisesRegex(UserError, "login"):
                self.sign(second, self.signer)
            self.sign(second, self.signer, login="md_signer")
        self.assertEqual(second.md_signature_state, "signed")

    def test_another_users_session_does_not_count(self):
        hold = self.new_hold()
        _session, patcher = self.web_session()
        with patcher:
            self.sign(self.new_hold(), self.signer, login="md_signer")
            with self.assertRaisesRegex(UserError, "login"):
                self.sign(hold, self.inspector, meaning="reviewed")

    # --- lockout (11.300(d)) ---------------------------------------------------

    def test_lockout_after_consecutive_failures_and_unlock_by_security_manager(self):
        hold = self.new_hold()
        for _attempt in range(3):
            self.refused(self.sign, hold, self.signer, password="guess")
        lockout = self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)])
        self.assertEqual(lockout.state, "locked")
        self.assertEqual(len(lockout.failure_ids), 3)
        self.assertFalse(self.failures(self.signer).filtered("consecutive"))
        # the security managers get an activity
        activity_users = lockout.activity_ids.user_id
        self.assertIn(self.security_manager, activity_users)
        self.assertNotIn(self.signer, activity_users)
        # locked: even the right password is refused
        with self.assertRaisesRegex(UserError, "locked"):
            self.sign(hold, self.signer)
        with self.assertRaises(AccessError):
            lockout.with_user(self.signer).action_unlock()
        with self.assertRaises(AccessError):
            lockout.with_user(self.placer).action_unlock()
        with self.assertRaisesRegex(UserError, "only lifted with Unlock Signing"):
            lockout.with_user(self.security_manager).write({"state": "unlocked"})
        lockout.with_user(self.security_manager).action_unlock()
        self.assertEqual(lockout.state, "unlocked")
        self.assertEqual(lockout.unlocked_by_id, self.security_manager)
        self.assertFalse(lockout.activity_ids)
        self.sign(hold, self.signer)
        self.assertEqual(hold.md_signature_state, "signed")

    def test_success_resets_the_consecutive_count(self):
        holds = [self.new_hold() for _i in range(2)]
        for hold in holds:
            for _attempt in range(2):
                self.refused(self.sign, hold, self.signer, password="guess")
            self.sign(hold, self.signer)
        self.assertFalse(self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)]))
        self.assertEqual(len(self.failures(self.signer)), 4)

    def test_failure_limit_is_a_setting(self):
        self.env["ir.config_parameter"].set_param("md_base.signature_max_failures", "1")
        self.refused(self.sign, self.new_hold(), self.signer, password="guess")
        self.assertTrue(self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)]))

    # --- authority and segregation of duties (11.10(g), 11.200(a)(3)) --------

    def test_only_allowed_groups_sign_with_a_meaning(self):
        hold = self.new_hold()
        with self.assertRaisesRegex(AccessError, "not allowed to sign"):
            self.sign(hold, self.inspector, meaning="released")
        self.sign(hold, self.inspector, meaning="reviewed")
        self.assertEqual(hold.md_signature_ids.meaning, "reviewed")
        self.assertEqual(hold.state, "active", "a review does not release")

    def test_author_cannot_sign_unless_rule_allows(self):
        hold = self.new_hold()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(hold, self.placer)
        self.rule_released.author_may_sign = True
        self.sign(hold, self.placer)
        self.assertEqual(hold.state, "released")

    # --- transitions -------------------------------------------------------------

    def test_required_rule_refuses_unsigned_release(self):
        self.rule_released.required = True
        hold = self.new_hold()
        with self.assertRaisesRegex(UserError, "signed electronically as Released"):
            hold.with_user(self.signer)._md_release("no signature")
        self.sign(hold, self.signer)
        self.assertEqual(hold.state, "released")

    def test_released_hold_cannot_be_signed_released_again(self):
        hold = self.new_hold()
        hold.with_user(self.signer)._md_release("Released without signature (rule not required)")
        with self.assertRaisesRegex(UserError, "already released"):
            self.sign(hold, self.signer)

    # --- content hash and binding to content (11.70) -------------------------

    def test_content_hash_is_sha256_of_canonical_signed_fields(self):
        hold = self.new_hold()
        content = {
            "model": "md.lot.hold",
            "id": hold.id,
            "fields": {
                "lot_id": self.lot.id,
                "hold_type": "hold",
                "reason": "Suspected sterility breach",
                "res_model": None,
                "res_id": 0,
            },
        }
        expected = hashlib.sha256(
            json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        self.assertEqual(hold._md_content_hash(), expected)
        self.sign(hold, self.inspector, meaning="reviewed")
        self.assertEqual(
            hold.md_verify_signatures(), [{"signature_id": hold.md_signature_ids.id, "valid": True}]
        )
        # a change behind the ORM's back (SQL) is detected
        self.env.cr.execute("UPDATE md_lot_hold SET reason = 'edited' WHERE id = %s", [hold.id])
        hold.invalidate_recordset(["reason"])
        self.assertEqual(
            hold.md_verify_signatures(), [{"signature_id": hold.md_signature_ids.id, "valid": False}]
        )

    def test_change_of_signed_content_refused_on_holds(self):
        hold = self.new_hold()
        self.sign(hold, self.inspector, meaning="reviewed")
        with self.assertRaises(UserError) as refusal:  # assertRaises rolls the write back, as a request would
            hold.write({"reason": "Another reason"})
        self.assertIn("signed content cannot be changed", str(refusal.exception))
        self.assertEqual(hold.reason, "Suspected sterility breach")
        hold.write({"reason": "Suspected sterility breach"})  # the same content
        self.assertEqual(hold.md_signature_state, "signed")

    def test_change_of_signed_content_voids_in_void_mode(self):
        hold = self.new_hold()
        signature = self.env["md.signature"].browse(self.sign(hold, self.inspector, meaning="reviewed"))
        with patch.object(type(hold), "_md_sign_on_change", "void"):
            hold.write({"reason": "Suspected sterility breach"})  # the same content
            self.assertFalse(signature.voided)
            hold.write({"reason": "Another reason"})
        self.assertTrue(signature.voided)
        self.assertEqual(signature.void_reason, "Signed content changed")
        self.assertTrue(signature.voided_at)
        self.assertEqual(hold.md_signature_state, "unsigned")
        self.assertEqual(hold.md_signature_ids, signature, "a voided signature stays visible on the record")
        self.assertIn("voided", hold.message_ids[0].body)
        # the same signer can sign the new content
        self.sign(hold, self.inspector, meaning="reviewed")
        self.assertEqual(hold.md_signature_state, "signed")

    def test_signature_cannot_be_changed_deleted_copied_or_forged(self):
        hold = self.new_hold()
        signature = self.env["md.signature"].browse(self.sign(hold, self.signer))
        other = self.new_hold()
        for env in (self.env, self.env(su=True)):
            record = signature.with_env(env)
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                record.write({"res_id": other.id})
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                record.write({"reason": "better reason"})
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                record.write({"voided": True})
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                record.unlink()
            with self.assertRaisesRegex(UserError, "cannot be copied"):
                record.copy({"res_id": other.id})
            with self.assertRaisesRegex(UserError, "only by signing"):
                env["md.signature"].create(
                    {
                        "res_model": "md.lot.hold",
                        "res_id": other.id,
                        "signer_id": self.signer.id,
                        "signer_name": self.signer.name,
                        "meaning_id": self.meaning_released.id,
                        "meaning": "released",
                        "meaning_name": "Released",
                        "reason": "forged",
                        "signed_at": signature.signed_at,
                        "content_hash": other._md_content_hash(),
                        "company_id": self.env.company.id,
                    }
                )
        self.assertEqual((signature.res_id, signature.reason), (hold.id, "Retested, conforming"))

    def test_users_read_signatures_but_cannot_write_them(self):
        hold = self.new_hold()
        signature = self.env["md.signature"].browse(self.sign(hold, self.signer))
        self.assertEqual(signature.with_user(self.inspector).signer_name, "Md Signer")
        self.assertEqual(hold.with_user(self.inspector).md_signature_ids, signature)
        with self.assertRaises(UserError):
            signature.with_user(self.security_manager).write({"reason": "x"})

    def test_signatures_of_another_companys_records_are_not_readable(self):
        company_b = self.env["res.company"].create({"name": "MedDev B"})
        signer_b = self._user("md_signer_b", "md_base.group_md_quality_manager")
        signer_b.write({"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id})
        lot_b = self.env["stock.lot"].create(
            {"name": "LOT-B-1", "product_id": self.product.id, "company_id": company_b.id}
        )
        hold_b = self.env["md.lot.hold"].create({"lot_id": lot_b.id, "hold_type": "hold", "reason": "Audit"})
        signature = self.env["md.signature"].browse(self.sign(hold_b, signer_b))
        self.assertEqual(signature.company_id, company_b)
        self.assertEqual(signature.with_user(signer_b).reason, "Retested, conforming")
        with self.assertRaises(AccessError):
            signature.with_user(self.inspector).read(["reason"])
        self.assertFalse(
            self.env["md.signature"].with_user(self.inspector).search([("id", "=", signature.id)])
        )

    def test_settings_set_the_limits(self):
        self.env["res.config.settings"].create(
            {"md_signature_max_failures": 5, "md_signature_idle_minutes": 30}
        ).execute()
        self.assertEqual(self.env["md.signature.failure"]._md_max_failures(), 5)
        self.assertEqual(self.env["md.signature"]._md_idle_seconds(), 1800)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"md_signature_max_failures": 0})

    def test_meaning_code_is_fixed_once_signed_with(self):
        self.meaning_reviewed.code = "peer_reviewed"
        self.meaning_reviewed.code = "reviewed"
        self.sign(self.new_hold(), self.inspector, meaning="reviewed")
        with self.assertRaisesRegex(UserError, "cannot change"):
            self.meaning_reviewed.code = "peer_reviewed"
        self.meaning_reviewed.name = "Peer reviewed"  # the name may be reworded; signatures keep theirs

    def test_rules_only_for_signable_models(self):
        with self.assertRaisesRegex(ValidationError, "does not support electronic signatures"):
            self.env["md.signature.rule"].create(
                {
                    "model_id": self.env["ir.model"]._get("res.partner").id,
                    "meaning_id": self.meaning_reviewed.id,
                    "group_ids": [Command.set(self.env.ref("md_base.group_md_user").ids)],
                }
            )

    def test_signed_at_display_states_the_time_zone(self):
        signature = self.env["md.signature"].browse(self.sign(self.new_hold(), self.signer))
        shown = signature.with_context(tz="Asia/Shanghai").signed_at_display
        self.assertTrue(shown.endswith("CST (Asia/Shanghai)"), shown)
        self.assertTrue(signature.with_context(tz="UTC").signed_at_display.endswith("UTC (UTC)"))

    def test_form_view_gets_sign_button_and_signatures_page(self):
        arch = self.env["md.lot.hold"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_md_sign"', arch)
        self.assertIn('name="md_signature_ids"', arch)
