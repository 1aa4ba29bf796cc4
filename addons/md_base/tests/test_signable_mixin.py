import hashlib
import json
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.md_base.models.md_signature import SESSION_KEY

from .common import MdBaseTesterCase


@tagged("post_install", "-at_install")
class TestSignableMixin(MdBaseTesterCase):
    """md.signable.mixin on the tester model, whose "released" signature releases it:
    21 CFR 11.50 (manifestation), 11.70 (binding to the record), 11.100 (uniqueness),
    11.10(g) (authority checks), 11.200 (components and continuous session), 11.300(d)
    (attempts at unauthorised use); EU GMP Annex 11 §14."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enter_registry_test_mode()
        cls.env["ir.config_parameter"].set_param("md_base.signature_max_failures", "3")
        cls.env["ir.config_parameter"].set_param("md_base.signature_idle_minutes", "15")
        cls._grant_tester_access()
        cls.placer = cls._user("md_placer", "md_base.group_md_quality_manager")
        cls.signer = cls._user("md_signer", "md_base.group_md_quality_manager")
        cls.inspector = cls._user("md_inspector", "md_base.group_md_quality_inspector")
        cls.security_manager = cls._user("md_secman", "md_base.group_md_security_manager")
        cls.meaning_released = cls.env.ref("md_base.md_signature_meaning_released")
        cls.meaning_reviewed = cls.env.ref("md_base.md_signature_meaning_reviewed")
        cls.rule_released = cls._signature_rule(
            cls.meaning_released, ["md_base.group_md_quality_manager", "md_base.group_md_regulatory"]
        )
        cls.rule_reviewed = cls._signature_rule(cls.meaning_reviewed, ["md_base.group_md_quality_inspector"])

    def new_placed(self, name="T-1"):
        """A tester authored by the placer (its _md_author_field)."""
        tester = self.Tester.with_user(self.placer).create(
            {"name": name, "reason": "Suspected sterility breach"}
        )
        return tester.with_env(self.env)

    def sign(self, record, user, meaning="released", reason="Retested, conforming", **kwargs):
        return record.with_user(user).md_sign(
            meaning, kwargs.pop("password", self.password(user)), reason, **kwargs
        )

    def web_session(self):
        """A fake interactive web session for the signing code (11.200(a)(1))."""
        session = {}
        return session, patch.object(type(self.env["md.signature"]), "_md_web_session", return_value=session)

    def failures(self, user):
        return self.env["md.signature.failure"].search([("user_id", "=", user.id)])

    # --- the signature record (11.50, 11.100) --------------------------------------------

    def test_signature_records_who_when_meaning_reason_and_content_11_50(self):
        tester = self.new_placed()
        signature = self.env["md.signature"].browse(self.sign(tester, self.signer))
        self.assertEqual(len(signature), 1)
        self.assertEqual((signature.res_model, signature.res_id), ("md.base.tester", tester.id))
        self.assertEqual(signature.record_name, tester.display_name)
        self.assertEqual(signature.signer_id, self.signer)
        self.assertEqual(signature.signer_name, "Md Signer")
        self.assertEqual((signature.meaning, signature.meaning_name), ("released", "Released"))
        self.assertEqual(signature.reason, "Retested, conforming")
        self.assertTrue(signature.signed_at)
        self.assertEqual(signature.content_hash, tester._md_content_hash())
        self.assertEqual(signature.company_id, tester.company_id)
        self.assertEqual(tester.md_signature_ids, signature)
        self.assertEqual(tester.md_signature_state, "signed")
        self.assertIn("Signed as Released by Md Signer", "".join(tester.message_ids.mapped("body")))
        # the "released" signature performed the transition bound to it
        self.assertEqual(tester.state, "released")
        self.assertEqual(tester.released_by_id, self.signer)
        self.assertEqual(tester.release_reason, "Retested, conforming")

    def test_wrong_password_is_refused_and_logged_11_300_d(self):
        tester = self.new_placed()
        error = self.refused(self.sign, tester, self.signer, password="not-my-password")
        self.assertIn("2 attempt(s) left", str(error))
        self.assertFalse(tester.md_signature_ids)
        self.assertEqual(tester.state, "draft")
        failure = self.failures(self.signer)
        self.assertEqual(len(failure), 1)
        self.assertEqual(
            (failure.cause, failure.res_model, failure.res_ids, failure.meaning),
            ("password", "md.base.tester", str(tester.id), "released"),
        )
        self.assertTrue(failure.consecutive)

    def test_reason_known_meaning_and_rule_required(self):
        tester = self.new_placed()
        with self.assertRaisesRegex(UserError, "reason"):
            self.sign(tester, self.signer, reason="  ")
        with self.assertRaisesRegex(UserError, "Unknown signature meaning"):
            self.sign(tester, self.signer, meaning="blessed")
        with self.assertRaisesRegex(UserError, "no signature rule"):
            self.sign(tester, self.signer, meaning="approved")
        self.assertFalse(tester.md_signature_ids)
        self.assertFalse(self.failures(self.signer), "a refused request is not a failed credential check")

    def test_same_signer_cannot_sign_twice_with_the_same_meaning(self):
        tester = self.new_placed()
        self.sign(tester, self.inspector, meaning="reviewed")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.sign(tester, self.inspector, meaning="reviewed")
        self.assertEqual(len(tester.md_signature_ids), 1)

    # --- continuous session (11.200(a)(1)) -------------------------------------------------

    def test_first_signature_of_a_session_needs_login_then_password_alone_11_200_a_1(self):
        first, second, third = self.new_placed("T-1"), self.new_placed("T-2"), self.new_placed("T-3")
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

    def test_idle_time_asks_for_the_login_again_11_200_a_1(self):
        first, second = self.new_placed("T-1"), self.new_placed("T-2")
        session, patcher = self.web_session()
        with patcher:
            self.sign(first, self.signer, login="md_signer")
            session[SESSION_KEY] = dict(session[SESSION_KEY], at=session[SESSION_KEY]["at"] - 16 * 60)
            with self.assertRaisesRegex(UserError, "login"):
                self.sign(second, self.signer)
            self.sign(second, self.signer, login="md_signer")
        self.assertEqual(second.md_signature_state, "signed")

    def test_another_users_session_does_not_count_11_200_a_1(self):
        tester = self.new_placed("T-1")
        _session, patcher = self.web_session()
        with patcher:
            self.sign(self.new_placed("T-2"), self.signer, login="md_signer")
            with self.assertRaisesRegex(UserError, "login"):
                self.sign(tester, self.inspector, meaning="reviewed")

    # --- lockout (11.300(d)) ---------------------------------------------------------------

    def test_lockout_after_consecutive_failures_and_unlock_by_security_manager_11_300_d(self):
        tester = self.new_placed()
        for _attempt in range(3):
            self.refused(self.sign, tester, self.signer, password="guess")
        lockout = self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)])
        self.assertEqual(lockout.state, "locked")
        self.assertEqual(len(lockout.failure_ids), 3)
        self.assertFalse(self.failures(self.signer).filtered("consecutive"))
        # the security managers get an activity, the locked user does not
        activity_users = lockout.activity_ids.user_id
        self.assertIn(self.security_manager, activity_users)
        self.assertNotIn(self.signer, activity_users)
        # locked: even the right password is refused, and not logged as a failure
        with self.assertRaisesRegex(UserError, "locked"):
            self.sign(tester, self.signer)
        self.assertEqual(len(self.failures(self.signer)), 3)
        for user in (self.signer, self.placer):
            with self.assertRaises(AccessError):
                lockout.with_user(user).action_unlock()
        with self.assertRaisesRegex(UserError, "only lifted with Unlock Signing"):
            lockout.with_user(self.security_manager).write({"state": "unlocked"})
        lockout.with_user(self.security_manager).action_unlock()
        self.assertEqual(lockout.state, "unlocked")
        self.assertEqual(lockout.unlocked_by_id, self.security_manager)
        self.assertFalse(lockout.activity_ids)
        self.sign(tester, self.signer)
        self.assertEqual(tester.md_signature_state, "signed")

    def test_success_resets_the_consecutive_count_11_300_d(self):
        for name in ("T-1", "T-2"):
            tester = self.new_placed(name)
            for _attempt in range(2):
                self.refused(self.sign, tester, self.signer, password="guess")
            self.sign(tester, self.signer)
        self.assertFalse(self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)]))
        self.assertEqual(len(self.failures(self.signer)), 4, "every failure stays logged")

    def test_failure_limit_is_a_setting_11_300_d(self):
        self.env["ir.config_parameter"].set_param("md_base.signature_max_failures", "1")
        error = self.refused(self.sign, self.new_placed(), self.signer, password="guess")
        self.assertIn("locked", str(error))
        self.assertTrue(self.env["md.signature.lockout"].search([("user_id", "=", self.signer.id)]))

    # --- authority and segregation of duties (11.10(g), 11.200(a)(3)) ------------------

    def test_only_allowed_groups_sign_with_a_meaning_11_10_g(self):
        tester = self.new_placed()
        with self.assertRaisesRegex(AccessError, "not allowed to sign"):
            self.sign(tester, self.inspector, meaning="released")
        self.assertFalse(self.failures(self.inspector))
        self.sign(tester, self.inspector, meaning="reviewed")
        self.assertEqual(tester.md_signature_ids.meaning, "reviewed")
        self.assertEqual(tester.state, "draft", "a review does not release")

    def test_author_cannot_sign_unless_the_rule_allows_11_200_a_3(self):
        tester = self.new_placed()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(tester, self.placer)
        self.assertFalse(tester.md_signature_ids)
        self.rule_released.author_may_sign = True
        self.sign(tester, self.placer)
        self.assertEqual(tester.state, "released")

    # --- transitions bound to a meaning (11.10(f)) ---------------------------------------

    def test_required_rule_refuses_the_unsigned_transition_11_10_f(self):
        self.rule_released.required = True
        tester = self.new_placed()
        with self.assertRaisesRegex(UserError, "signed electronically as Released"):
            tester.with_user(self.signer)._md_release("no signature")
        self.sign(tester, self.inspector, meaning="reviewed")
        with self.assertRaisesRegex(UserError, "signed electronically as Released"):
            tester.with_user(self.signer)._md_release("a review is not a release signature")
        self.assertEqual(tester.state, "draft")
        self.sign(tester, self.signer)
        self.assertEqual(tester.state, "released")

    def test_transition_without_required_rule_needs_no_signature(self):
        tester = self.new_placed()
        tester.with_user(self.signer)._md_release("Released, no signature required")
        self.assertEqual((tester.state, tester.md_signature_state), ("released", "unsigned"))

    # --- content hash and binding to the content (11.70) ---------------------------------

    def test_content_hash_is_sha256_of_the_canonical_signed_fields_11_70(self):
        tester = self.new_placed()
        lines = self.env["md.base.tester.line"].create(
            [{"tester_id": tester.id, "value": 1.0}, {"tester_id": tester.id, "value": 2.0}]
        )
        content = {
            "model": "md.base.tester",
            "id": tester.id,
            "fields": {"name": "T-1", "reason": "Suspected sterility breach", "line_ids": sorted(lines.ids)},
        }
        expected = hashlib.sha256(
            json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        self.assertEqual(tester._md_content_hash(), expected)
        self.sign(tester, self.inspector, meaning="reviewed")
        signature = tester.md_signature_ids
        self.assertEqual(signature.content_hash, expected)
        self.assertEqual(tester.md_verify_signatures(), [{"signature_id": signature.id, "valid": True}])
        # a change behind the ORM's back (SQL) is detected
        self.env.cr.execute("UPDATE md_base_tester SET reason = 'edited' WHERE id = %s", [tester.id])
        tester.invalidate_recordset(["reason"])
        self.assertEqual(tester.md_verify_signatures(), [{"signature_id": signature.id, "valid": False}])

    def test_change_of_signed_content_refused_in_refuse_mode_11_70(self):
        tester = self.new_placed()
        self.sign(tester, self.inspector, meaning="reviewed")
        with self.assertRaises(UserError) as refusal:  # assertRaises rolls the write back, as a request would
            tester.write({"reason": "Another reason"})
        self.assertIn("signed content cannot be changed", str(refusal.exception))
        self.assertEqual(tester.reason, "Suspected sterility breach")
        tester.write({"reason": "Suspected sterility breach"})  # the same content
        tester.write({"note": "not signed content"})
        self.assertEqual(tester.md_signature_state, "signed")
        self.assertFalse(tester.md_signature_ids.voided)

    def test_change_of_signed_content_voids_in_void_mode_11_70(self):
        tester = self.new_placed()
        signature = self.env["md.signature"].browse(self.sign(tester, self.inspector, meaning="reviewed"))
        with patch.object(type(tester), "_md_sign_on_change", "void"):
            tester.write({"reason": "Suspected sterility breach"})  # the same content
            self.assertFalse(signature.voided)
            tester.write({"reason": "Another reason"})
        self.assertTrue(signature.voided)
        self.assertEqual(signature.void_reason, "Signed content changed")
        self.assertTrue(signature.voided_at)
        self.assertEqual(tester.md_signature_state, "unsigned")
        self.assertEqual(tester.md_signature_ids, signature, "a voided signature stays visible on the record")
        self.assertIn("voided", tester.message_ids[0].body)
        self.assertEqual(tester.md_verify_signatures(), [], "a voided signature is no longer verified")
        # the same signer can sign the new content
        self.sign(tester, self.inspector, meaning="reviewed")
        self.assertEqual(tester.md_signature_state, "signed")

    def forge(self, env, record):
        return env["md.signature"].create(
            {
                "res_model": "md.base.tester",
                "res_id": record.id,
                "signer_id": self.signer.id,
                "signer_name": self.signer.name,
                "meaning_id": self.meaning_released.id,
                "meaning": "released",
                "meaning_name": "Released",
                "reason": "forged",
                "signed_at": "2020-01-01 00:00:00",
                "content_hash": record._md_content_hash(),
                "company_id": self.env.company.id,
            }
        )

    def test_signature_cannot_be_changed_deleted_copied_or_forged_even_by_superuser_11_70(self):
        tester = self.new_placed()
        signature = (
            self.env["md.signature"].browse(self.sign(tester, self.signer)).with_env(self.env(su=True))
        )
        other = self.new_placed("T-2")
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            signature.write({"res_id": other.id})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            signature.write({"reason": "better reason"})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            signature.write({"voided": True})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            signature.unlink()
        with self.assertRaisesRegex(UserError, "cannot be copied"):
            signature.copy({"res_id": other.id})
        with self.assertRaisesRegex(UserError, "only by signing"):
            self.forge(self.env(su=True), other)
        self.assertEqual((signature.res_id, signature.reason), (tester.id, "Retested, conforming"))
        self.assertFalse(signature.voided)
        self.assertFalse(other.md_signature_ids)

    def test_signature_cannot_be_changed_deleted_copied_or_forged_by_users_11_70(self):
        tester = self.new_placed()
        signature = self.env["md.signature"].browse(self.sign(tester, self.signer))
        other = self.new_placed("T-2")
        for user in (self.signer, self.security_manager):
            record = signature.with_user(user)
            for attempt in (
                lambda record=record: record.write({"res_id": other.id}),
                lambda record=record: record.write({"voided": True, "void_reason": "mine"}),
                lambda record=record: record.unlink(),
                lambda record=record: record.copy({"res_id": other.id}),
                lambda user=user: self.forge(self.env(user=user), other),
            ):
                with self.assertRaises(UserError):  # AccessError is a UserError
                    attempt()
        self.assertEqual((signature.res_id, signature.reason), (tester.id, "Retested, conforming"))
        self.assertFalse(signature.voided)
        self.assertFalse(other.md_signature_ids)

    def test_signed_record_cannot_be_deleted_11_70(self):
        tester = self.new_placed()
        self.sign(tester, self.inspector, meaning="reviewed")
        with self.assertRaisesRegex(UserError, "Signed records cannot be deleted"):
            tester.unlink()
        self.assertTrue(tester.exists())

    # --- access (11.10(d)) -----------------------------------------------------------------

    def test_users_read_signatures_but_cannot_write_them_11_10_d(self):
        tester = self.new_placed()
        signature = self.env["md.signature"].browse(self.sign(tester, self.signer))
        self.assertEqual(signature.with_user(self.inspector).signer_name, "Md Signer")
        self.assertEqual(tester.with_user(self.inspector).md_signature_ids, signature)
        with self.assertRaises(UserError):
            signature.with_user(self.security_manager).write({"reason": "x"})

    def test_signatures_of_another_companys_records_are_not_readable_11_10_d(self):
        company_b = self.env["res.company"].create({"name": "MedDev B"})
        signer_b = self._user(
            "md_signer_b",
            "md_base.group_md_quality_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        tester_b = self.new_tester(name="T-B", company_id=company_b.id)
        signature = self.env["md.signature"].browse(self.sign(tester_b, signer_b))
        self.assertEqual(signature.company_id, company_b)
        self.assertEqual(signature.with_user(signer_b).reason, "Retested, conforming")
        with self.assertRaises(AccessError):
            signature.with_user(self.inspector).read(["reason"])
        self.assertFalse(
            self.env["md.signature"].with_user(self.inspector).search([("id", "=", signature.id)])
        )

    # --- configuration ---------------------------------------------------------------------

    def test_settings_set_the_limits_11_200_11_300_d(self):
        self.env["res.config.settings"].create(
            {"md_signature_max_failures": 5, "md_signature_idle_minutes": 30}
        ).execute()
        self.assertEqual(self.env["md.signature.failure"]._md_max_failures(), 5)
        self.assertEqual(self.env["md.signature"]._md_idle_seconds(), 1800)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"md_signature_max_failures": 0})
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"md_signature_idle_minutes": -1})

    def test_meaning_code_is_fixed_once_signed_with_11_50_a_3(self):
        meaning = self.env["md.signature.meaning"].create({"name": "Checked", "code": "checked"})
        self._signature_rule(meaning, ["md_base.group_md_quality_inspector"])
        meaning.code = "double_checked"
        meaning.code = "checked"
        signature = self.env["md.signature"].browse(
            self.sign(self.new_placed(), self.inspector, meaning="checked")
        )
        with self.assertRaisesRegex(UserError, "cannot change"):
            meaning.code = "double_checked"
        meaning.name = "Checked twice"  # the name may be reworded; signatures keep theirs
        self.assertEqual(signature.meaning_name, "Checked")

    def test_rules_only_for_signable_models(self):
        with self.assertRaisesRegex(ValidationError, "does not support electronic signatures"):
            self._signature_rule(self.meaning_reviewed, ["md_base.group_md_user"], model="res.partner")
        with self.assertRaisesRegex(ValidationError, "does not support electronic signatures"):
            self._signature_rule(
                self.meaning_reviewed, ["md_base.group_md_user"], model="md.base.tester.line"
            )

    def test_signed_at_display_states_the_time_zone_11_50_a_2(self):
        signature = self.env["md.signature"].browse(self.sign(self.new_placed(), self.signer))
        shown = signature.with_context(tz="Asia/Shanghai").signed_at_display
        self.assertTrue(shown.endswith("CST (Asia/Shanghai)"), shown)
        self.assertTrue(signature.with_context(tz="UTC").signed_at_display.endswith("UTC (UTC)"))
        self.assertTrue(signature.with_context(tz="Not/AZone").signed_at_display.endswith("UTC (UTC)"))

    # --- user interface (11.50: the manifestation is shown with the record) ----------------

    def test_form_view_gets_sign_button_and_signatures_page_11_50(self):
        self._tester_form_view()
        arch = etree.fromstring(self.Tester.get_views([(False, "form")])["views"]["form"]["arch"])
        header = arch.find("header")
        names = [node.get("name") for node in header]
        self.assertIn("action_md_sign", names)
        self.assertLess(names.index("action_md_sign"), names.index("state"), "before the status bar")
        page = arch.find(".//sheet/notebook/page[@name='md_signatures']")
        self.assertIsNotNone(page)
        self.assertIsNotNone(page.find(".//field[@name='md_signature_ids']"))
        self.assertIsNotNone(arch.find(".//page[@name='notes']"), "the view's own pages stay")

    def test_injected_labels_are_in_the_users_language(self):
        """The button and page the mixin injects after the view's own terms were translated are
        translated too: nothing English in a Chinese user's form."""
        self._tester_form_view()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["md_base"], ["zh_CN"], overwrite=True)
        views = self.Tester.with_context(lang="zh_CN").get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        self.assertEqual(arch.find("header/button[@name='action_md_sign']").get("string"), "签名")
        page = arch.find(".//page[@name='md_signatures']")
        self.assertEqual(page.get("string"), "电子签名")
        self.assertEqual(page.find(".//field[@name='void_reason']").get("string"), "已作废")

    def test_form_without_header_or_notebook_gets_them(self):
        arch = etree.fromstring('<form><sheet><group><field name="name"/></group></sheet></form>')
        self.Tester._md_add_signature_elements(arch)
        self.assertIsNotNone(arch.find("header/button[@name='action_md_sign']"))
        self.assertIsNotNone(arch.find("sheet/notebook/page[@name='md_signatures']"))

    def test_sign_action_opens_the_signing_dialog(self):
        tester = self.new_placed()
        action = tester.action_md_sign()
        self.assertEqual(action["res_model"], "md.sign.wizard")
        wizard = (
            self.env["md.sign.wizard"]
            .with_user(self.inspector)
            .with_context(**action["context"])
            .create({"reason": "Investigation reviewed", "password": self.password(self.inspector)})
        )
        self.assertEqual(wizard.meaning_id, self.meaning_reviewed, "the only meaning the inspector may sign")
        wizard.action_sign()
        self.assertFalse(wizard.password, "the password is not kept")
        self.assertEqual(tester.md_signature_ids.signer_id, self.inspector)

    def test_who_may_sign_is_shown_before_the_password_11_10_g(self):
        """Each meaning says who may sign it and why not the current user: group, authorship,
        the record's state, a signature already given; only the meanings they may sign are offered."""
        tester = self.new_placed()
        options = {option["meaning"]: option for option in tester.with_user(self.placer).md_sign_options()}
        self.assertEqual(set(options), {"released", "reviewed"})
        self.assertIn("author", options["released"]["refusal"], "the placer authored it")
        self.assertIn("author", options["reviewed"]["refusal"])
        inspector_options = {o["meaning"]: o for o in tester.with_user(self.inspector).md_sign_options()}
        self.assertIn("allowed groups", inspector_options["released"]["refusal"])
        self.assertEqual(inspector_options["reviewed"]["refusal"], "")
        signer_options = {o["meaning"]: o for o in tester.with_user(self.signer).md_sign_options()}
        self.assertEqual(signer_options["released"]["refusal"], "")
        self.assertEqual(
            signer_options["released"]["groups"], self.rule_released.group_ids.mapped("full_name")
        )
        wizard = (
            self.env["md.sign.wizard"]
            .with_user(self.inspector)
            .with_context(md_sign_res_model=tester._name, md_sign_res_id=tester.id)
            .create({"reason": "Retested", "password": "not used"})
        )
        self.assertEqual(wizard.allowed_meaning_ids, self.meaning_reviewed, "only what they may sign")
        self.assertIn("You may sign", wizard.sign_options_html)
        self.assertIn("allowed groups", wizard.sign_options_html)
        self.sign(tester, self.signer)
        after = {o["meaning"]: o for o in tester.with_user(self.signer).md_sign_options()}
        self.assertTrue(after["released"]["refusal"], "released already: state and own signature refuse")
        self.assertEqual(tester.state, "released")
