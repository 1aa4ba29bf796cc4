from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from .common import MdBaseTesterCase

GSP = (
    "医疗器械经营质量管理规范 (China GSP, NMPA announcement 2023 No. 153) Art. 23; "
    "医疗器械监督管理条例 (Order 739) Art. 45"
)
ISO_4_2_5 = "ISO 13485:2016 4.2.5; 21 CFR 820.35 (QMSR)"


class MdRetentionCase(MdBaseTesterCase):
    """Retention policies on the tester models; users of each role with known passwords."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Tester = cls.env["md.base.tester"]
        cls.Line = cls.env["md.base.tester.line"]
        cls.Archivable = cls.env["md.base.tester.archivable"]
        cls.Policy = cls.env["md.retention.policy"]
        cls._grant_tester_access()
        cls._grant_tester_access("md.base.tester.archivable")
        cls.md_user = cls._user("md_ret_user", "md_base.group_md_user")
        cls.regulatory = cls._user("md_ret_regulatory", "md_base.group_md_regulatory")
        cls.quality_manager = cls._user("md_ret_qm", "md_base.group_md_quality_manager")
        cls.security_manager = cls._user("md_ret_secman", "md_base.group_md_security_manager")
        cls.today = fields.Date.today()

    @classmethod
    def policy(cls, model="md.base.tester", **values):
        return cls.Policy.create(
            {
                "name": "Tester records",
                "model_id": cls.env["ir.model"]._get(model).id,
                "legal_basis": ISO_4_2_5,
                "years_after_start": 2,
                "years_without_start": 5,
                **values,
            }
        )

    def kept(self, record):
        record.invalidate_recordset(["md_retain_until", "md_retained_permanently"])
        return record.md_retain_until, record.md_retained_permanently

    def created_on(self, record):
        return record.create_date.date()


@tagged("post_install", "-at_install")
class TestRetentionPeriods(MdRetentionCase):
    """How long a record is kept: ISO 13485:2016 4.2.5 (QMSR 21 CFR 820.35; formerly 820.180(b)) and
    China GSP (医疗器械经营质量管理规范 Art. 23, under 医疗器械监督管理条例 Art. 45)."""

    def test_regulated_records_adopt_retention_by_their_workflow(self):
        adopting = self.Policy._md_adopting_model_names()
        self.assertIn("md.base.tester", adopting, "through md.workflow.mixin")
        self.assertIn("md.base.tester.line", adopting)
        self.assertIn("md.base.tester.archivable", adopting, "by _inherit of md.retention.mixin alone")
        self.assertNotIn("md.audit.rule", adopting)
        self.assertEqual(self.kept(self.new_tester()), (False, False), "no policy, no period")

    def test_period_counts_from_a_date_gsp_art_9(self):
        """GSP Art. 23: kept until 2 years after the device's expiry date."""
        self.policy(start_field="expiry_date", legal_basis=GSP)
        tester = self.new_tester(expiry_date="2027-06-30")
        self.assertEqual(self.kept(tester), (date(2029, 6, 30), False))

    def test_latest_date_over_the_path_wins(self):
        self.policy(start_field="line_ids.expires_on")
        tester = self.new_tester()
        self.Line.create(
            [
                {"tester_id": tester.id, "expires_on": "2026-01-31"},
                {"tester_id": tester.id, "expires_on": "2027-06-30"},
            ]
        )
        self.assertEqual(self.kept(tester), (date(2029, 6, 30), False))

    def test_without_a_date_counts_from_creation_gsp_art_9(self):
        """GSP Art. 23: at least 5 years where the device has no expiry date."""
        self.policy(start_field="line_ids.expires_on")
        tester = self.new_tester()
        five_years = self.created_on(tester) + relativedelta(years=5)
        self.assertEqual(self.kept(tester), (five_years, False), "no line: no date")
        self.Line.create({"tester_id": tester.id})
        self.assertEqual(self.kept(tester), (five_years, False), "a line without a date")

    def test_part_without_a_date_keeps_the_longer_period(self):
        """A receipt of a device with an expiry date and one without: each has its period, the record
        keeps the longer."""
        self.policy(start_field="line_ids.expires_on")
        tester = self.new_tester()
        self.Line.create([{"tester_id": tester.id, "expires_on": "2026-01-31"}, {"tester_id": tester.id}])
        self.assertEqual(self.kept(tester), (self.created_on(tester) + relativedelta(years=5), False))
        self.Line.create({"tester_id": tester.id, "expires_on": "2040-01-31"})
        self.assertEqual(self.kept(tester), (date(2042, 1, 31), False))

    def test_alternative_start_dates_latest_wins(self):
        """Several paths, e.g. a certificate's expiry or its withdrawal: the latest date found starts the
        period; the creation only when none gives a date."""
        self.policy(start_field="expiry_date, released_at")
        tester = self.new_tester(expiry_date="2027-06-30")
        self.assertEqual(self.kept(tester), (date(2029, 6, 30), False), "no release: the expiry alone")
        tester._md_write_transition({"released_at": "2030-01-15 08:00:00"})
        self.assertEqual(self.kept(tester), (date(2032, 1, 15), False))
        undated = self.new_tester(name="T-2")
        self.assertEqual(self.kept(undated), (self.created_on(undated) + relativedelta(years=5), False))

    def test_permanent_domain_gsp_art_9_implantables(self):
        """GSP Art. 23: the records of implantable devices are kept permanently."""
        self.policy(start_field="expiry_date", permanent_domain="[('implanted', '=', True)]")
        implant = self.new_tester(expiry_date="2027-06-30", implanted=True)
        self.assertEqual(self.kept(implant), (False, True))
        with self.assertRefused(UserError, r"T-1: kept permanently \(Tester records\)"):
            implant.unlink()
        self.assertTrue(implant.exists())

    def test_expected_life_when_longer_iso_13485_4_2_5(self):
        """ISO 13485 4.2.5: at least the lifetime of the device, not less than two years from release."""
        self.policy(start_field="expiry_date", life_years_field="line_ids.life_years")
        tester = self.new_tester(expiry_date="2027-06-30")
        self.Line.create(
            [{"tester_id": tester.id, "life_years": 10}, {"tester_id": tester.id, "life_years": 3}]
        )
        self.assertEqual(self.kept(tester), (date(2037, 6, 30), False), "the longest life: 10 years")
        short = self.new_tester(name="T-2", expiry_date="2027-06-30")
        self.Line.create({"tester_id": short.id, "life_years": 1})
        self.assertEqual(self.kept(short), (date(2029, 6, 30), False), "never less than 2 years")

    def test_record_domain_limits_the_policy(self):
        self.policy(record_domain="[('state', '=', 'review')]", start_field="expiry_date")
        draft = self.new_tester(expiry_date="2027-06-30")
        submitted = self.new_tester(name="T-2", expiry_date="2027-06-30")
        submitted.action_submit()
        self.assertEqual(self.kept(draft), (False, False))
        self.assertEqual(self.kept(submitted), (date(2029, 6, 30), False))
        draft.unlink()  # outside the policy: a draft created by mistake is deleted

    def test_longest_policy_wins(self):
        self.policy(start_field="expiry_date")
        self.policy(name="Longer", start_field="expiry_date", years_after_start=10)
        tester = self.new_tester(expiry_date="2027-06-30")
        self.assertEqual(self.kept(tester), (date(2037, 6, 30), False))
        with self.assertRefused(UserError, r"kept until .* \(Longer\)"):
            tester.unlink()

    def test_periods_computed_set_based(self):
        """A few queries per policy, whatever the number of records."""
        self.policy(
            start_field="line_ids.expires_on",
            life_years_field="line_ids.life_years",
            permanent_domain="[('implanted', '=', True)]",
        )

        def queries(count):
            testers = self.Tester.create(
                [{"name": f"Q-{index}", "reason": "R", "implanted": index % 3 == 0} for index in range(count)]
            )
            self.Line.create(
                [
                    {"tester_id": tester.id, "expires_on": "2027-06-30", "life_years": 1}
                    for tester in testers
                    for _line in range(2)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            testers.mapped("md_retain_until")
            return self.env.cr.sql_log_count - before

        few, many = queries(5), queries(60)
        self.assertEqual(few, many)
        self.assertLessEqual(many, 12)

    def test_retention_info_names_the_legal_basis(self):
        self.policy(start_field="expiry_date", legal_basis=GSP)
        tester = self.new_tester(expiry_date="2027-06-30")
        message = tester.with_user(self.md_user).action_md_retention_info()["params"]["message"]
        self.assertIn(format_date(self.env, date(2029, 6, 30)), message)
        self.assertIn("医疗器械经营质量管理规范", message)
        task = self.env["md.base.tester.task"].create({"tester_id": tester.id, "name": "No policy"})
        self.assertIn("No records retention policy", task.action_md_retention_info()["params"]["message"])


@tagged("post_install", "-at_install")
class TestRetentionEnforced(MdRetentionCase):
    """Nobody deletes or archives a record inside its retention period (ISO 13485:2016 4.2.5; GSP
    Art. 9), whatever the path: form, RPC, context keys, the superuser. Only the uninstall of the
    module whose data the record is removes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy(start_field="expiry_date")
        cls.policy(model="md.base.tester.archivable", start_field="kept_from")
        cls.admin = cls.env.ref("base.user_admin")

    def assert_deletion_refused(self, record, until):
        kept = format_date(self.env, until)
        expected = rf"cannot be deleted, by anyone: {record.display_name}: kept until {kept}"
        for env in (self.env(su=True), self.env(user=self.admin), self.env(user=self.quality_manager)):
            with self.assertRefused(UserError, expected):
                record.with_env(env).unlink()
            self.assertTrue(record.exists())

    def test_deletion_refused_to_everyone(self):
        tester = self.new_tester(expiry_date="2027-06-30")
        self.assert_deletion_refused(tester, date(2029, 6, 30))
        with self.assertRefused(UserError, "cannot be deleted"):
            tester.sudo().unlink()

    def test_deletion_refused_through_rpc_and_context_keys(self):
        """Odoo's uninstall flag is a context key any RPC caller can send: it does not exempt a record
        that is not data of a module being uninstalled."""
        tester = self.new_tester(expiry_date="2027-06-30")
        for context in ({}, {"_force_unlink": True}, {"active_test": False, "md_retention_skip": True}):
            with self.assertRefused(UserError, "cannot be deleted"):
                call_kw(
                    self.Tester.with_user(self.quality_manager), "unlink", [tester.ids], {"context": context}
                )
            with self.assertRefused(UserError, "cannot be deleted"):
                call_kw(self.Tester.sudo(), "unlink", [tester.ids], {"context": context})
        self.assertTrue(tester.exists())

    def test_archiving_refused_to_everyone(self):
        record = self.Archivable.create({"name": "A-1", "kept_from": "2027-06-30"})
        kept = format_date(self.env, date(2029, 6, 30))
        expected = f"cannot be archived, by anyone: A-1: kept until {kept}"
        for env in (self.env(su=True), self.env(user=self.admin), self.env(user=self.md_user)):
            for call in (
                lambda r: r.write({"active": False}),
                lambda r: r.action_archive(),
                lambda r: r.toggle_active(),
                lambda r: call_kw(
                    r, "write", [r.ids, {"active": False}], {"context": {"_force_unlink": True}}
                ),
            ):
                with self.assertRefused(UserError, expected):
                    call(record.with_env(env))
                self.assertTrue(record.active)
        with self.assertRefused(UserError, "cannot be deleted"):
            record.unlink()
        record.write({"name": "A-1 renamed", "active": True})  # other changes are not refused

    def test_allowed_after_the_period(self):
        old = self.new_tester(expiry_date="2000-01-31")
        self.assertEqual(self.kept(old), (date(2002, 1, 31), False))
        old.unlink()
        self.assertFalse(old.exists())
        archivable = self.Archivable.create({"name": "A-2", "kept_from": "2000-01-31"})
        archivable.action_archive()
        self.assertFalse(archivable.active)
        archivable.unlink()

    def test_fallback_period_ends_too(self):
        tester = self.new_tester()
        until = self.created_on(tester) + relativedelta(years=5)
        with freeze_time(until), self.assertRefused(UserError, "cannot be deleted"):
            tester.unlink()
        with freeze_time(until + relativedelta(days=1)):
            tester.unlink()
        self.assertFalse(tester.exists())

    def test_uninstall_of_the_module_removes_its_data(self):
        """Only a module uninstall removes records inside their period: those that are its data."""
        tester = self.new_tester(expiry_date="2027-06-30")
        module = self.env["ir.module.module"].create(
            {"name": "md_retention_test_module", "state": "installed"}
        )
        self.env["ir.model.data"].create(
            {"module": module.name, "name": "kept_tester", "model": tester._name, "res_id": tester.id}
        )
        with self.assertRefused(UserError, "cannot be deleted"):
            tester.with_context(_force_unlink=True).unlink()  # the module is not being uninstalled
        module.state = "to remove"
        with self.assertRefused(UserError, "cannot be deleted"):
            tester.unlink()  # not by its uninstall
        other = self.new_tester(name="T-2", expiry_date="2027-06-30")
        with self.assertRefused(UserError, "T-2: kept until"):
            (tester | other).with_context(_force_unlink=True).unlink()  # T-2 is no data of the module
        tester.with_context(_force_unlink=True).unlink()
        self.assertFalse(tester.exists())
        self.assertTrue(other.exists())


@tagged("post_install", "-at_install")
class TestRetentionCompanies(MdRetentionCase):
    """Each company keeps its records for the periods it configured."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "MedDev Retention B"})
        cls.policy_b = cls.policy(company_id=cls.company_b.id, start_field="expiry_date", years_after_start=7)
        cls.qm_a = cls._user("md_ret_qm_a", "md_base.group_md_quality_manager")

    def test_policy_applies_to_the_records_of_its_company(self):
        tester_a = self.new_tester(expiry_date="2027-06-30")
        tester_b = self.new_tester(name="T-B", expiry_date="2027-06-30", company_id=self.company_b.id)
        self.assertEqual(self.kept(tester_a), (False, False))
        self.assertEqual(self.kept(tester_b), (date(2034, 6, 30), False))
        tester_a.unlink()
        with self.assertRefused(UserError, "T-B: kept until"):
            tester_b.unlink()

    def test_each_company_has_its_own_period(self):
        self.policy(start_field="expiry_date")
        tester_a = self.new_tester(expiry_date="2027-06-30")
        self.assertEqual(self.kept(tester_a), (date(2029, 6, 30), False))

    def test_users_see_the_policies_of_their_companies(self):
        Policy = self.Policy.with_user(self.qm_a)
        self.assertFalse(Policy.search([("id", "=", self.policy_b.id)]))
        with self.assertRaises(AccessError):
            self.policy_b.with_user(self.qm_a).read(["name"])


@tagged("post_install", "-at_install")
class TestRetentionPolicyChange(MdRetentionCase):
    """Policies are configuration (ISO 13485:2016 4.2.5 defines the retention time): Quality Managers
    and Regulatory Affairs add and lengthen them, audited; shortening or switching one off only by a
    Security Manager's signed change with a reason (21 CFR 11.10(e), 11.10(k)); never deleted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enter_registry_test_mode()  # a failed signing attempt is logged in its own transaction
        rules = cls.env["md.audit.rule"]
        if not rules.with_context(active_test=False).search([("model_name", "=", "md.retention.policy")]):
            rules.create({"model_id": cls.env["ir.model"]._get("md.retention.policy").id})
        cls.kept_policy = cls.policy(
            start_field="expiry_date",
            life_years_field="line_ids.life_years",
            permanent_domain="[('implanted', '=', True)]",
        )

    def plain_writers(self):
        """The superuser, a Quality Manager, Regulatory Affairs and a Security Manager not signing."""
        return (
            self.env(su=True),
            self.env(user=self.quality_manager),
            self.env(user=self.regulatory),
            self.env(user=self.security_manager),
        )

    def assert_shortening_refused(self, vals):
        scope = self.kept_policy._md_scope()
        for env in self.plain_writers():
            with self.assertRefused(UserError, "Shortening or switching off the retention policy"):
                self.kept_policy.with_env(env).write(vals)
            self.assertEqual(self.kept_policy._md_scope(), scope)

    def changes(self, field_name):
        return self.env["md.audit.entry"].search(
            [
                ("res_model", "=", "md.retention.policy"),
                ("res_id", "=", self.kept_policy.id),
                ("operation", "=", "write"),
                ("field_name", "=", field_name),
            ]
        )

    def sign_change(self, vals, reason="Retention reviewed under change control CC-12"):
        policy = self.kept_policy.with_user(self.security_manager)
        return policy._md_change_signed(vals, self.password(self.security_manager), reason)

    def test_policies_get_the_default_audit_rule(self):
        specs = [spec[0] for spec in self.env["md.audit.rule"]._md_default_rule_specs()]
        self.assertIn("md.retention.policy", specs, "changes of the retention configuration are audited")

    def test_shortening_refused_to_everyone(self):
        for vals in (
            {"years_after_start": 1},
            {"years_without_start": 4},
            {"active": False},
            {"start_field": "line_ids.expires_on"},
            {"start_field": False},
            {"life_years_field": False},
            {"permanent_domain": False},
            {"permanent_domain": "[('implanted', '=', True), ('state', '=', 'released')]"},
            {"record_domain": "[('state', '=', 'released')]"},
            {"company_id": self.env["res.company"].create({"name": "MedDev Retention C"}).id},
        ):
            self.assert_shortening_refused(vals)

    def test_policies_cannot_be_deleted(self):
        for env in (self.env(su=True), self.env(user=self.admin_user())):
            with self.assertRaises(UserError):
                self.kept_policy.with_env(env).unlink()
        for user in (self.quality_manager, self.regulatory, self.security_manager):
            with self.assertRaises(AccessError):
                self.kept_policy.with_user(user).unlink()
        with self.assertRefused(UserError, "never deleted"):
            self.kept_policy.sudo().with_context(_force_unlink=True).unlink()
        self.assertTrue(self.kept_policy.exists())

    def admin_user(self):
        return self.env.ref("base.user_admin")

    def test_lengthening_allowed_and_audited(self):
        for user, vals in (
            (self.quality_manager, {"years_after_start": 3}),
            (self.regulatory, {"years_without_start": 10}),
        ):
            self.kept_policy.with_user(user).write(vals)
        self.assertEqual((self.kept_policy.years_after_start, self.kept_policy.years_without_start), (3, 10))
        change = self.changes("years_after_start")
        self.assertEqual(
            (change.old_value, change.new_value, change.user_id), ("2", "3", self.quality_manager)
        )
        policy = self.policy(name="Narrow", record_domain="[('state', '=', 'review')]")
        policy = policy.with_user(self.regulatory)
        policy.write({"record_domain": False, "life_years_field": "line_ids.life_years"})
        policy.write({"permanent_domain": "[('implanted', '=', True)]"})
        self.assertFalse(policy.record_domain)

    def test_security_manager_shortens_with_a_signed_change(self):
        self.sign_change({"years_after_start": 1, "active": False}, reason="Product line retired, CC-12")
        self.assertEqual((self.kept_policy.years_after_start, self.kept_policy.active), (1, False))
        signature = self.kept_policy.md_signature_ids
        self.assertEqual(
            (signature.meaning, signature.signer_id, signature.reason),
            ("approved", self.security_manager, "Product line retired, CC-12"),
        )
        change = self.changes("years_after_start")
        self.assertEqual((change.old_value, change.new_value), ("2", "1"))
        self.assertEqual(
            (change.reason, change.user_id), ("Product line retired, CC-12", self.security_manager)
        )

    def test_quality_manager_cannot_sign_a_shortening(self):
        with self.assertRefused(AccessError, "Only a Security Manager"):
            self.kept_policy.with_user(self.quality_manager)._md_change_signed(
                {"years_after_start": 1}, self.password(self.quality_manager), "Shorter"
            )
        self.assertEqual(self.kept_policy.years_after_start, 2)

    def test_wrong_password_or_blank_reason_changes_nothing(self):
        with (
            self.assertRefused(UserError, "Wrong login or password"),
            mute_logger("odoo.addons.md_base.models.md_signature"),
        ):
            self.kept_policy.with_user(self.security_manager)._md_change_signed(
                {"years_after_start": 1}, "guess", "Shorter"
            )
        with self.assertRefused(UserError, "Give the reason"):
            self.sign_change({"years_after_start": 1}, reason=" ")
        self.assertEqual(self.kept_policy.years_after_start, 2)
        self.assertFalse(self.kept_policy.md_signature_ids)

    def test_change_dialog_applies_the_signed_change(self):
        action = self.kept_policy.with_user(self.security_manager).action_md_change()
        wizard = (
            self.env["md.retention.policy.change"]
            .with_user(self.security_manager)
            .with_context(**action["context"])
            .create(
                {
                    "years_without_start": 3,
                    "reason": "Devices without expiry no longer sold, CC-13",
                    "password": self.password(self.security_manager),
                }
            )
        )
        self.assertEqual((wizard.years_after_start, wizard.start_field), (2, "expiry_date"))
        wizard.action_apply()
        self.assertFalse(wizard.password, "the password is not kept")
        self.assertEqual(self.kept_policy.years_without_start, 3)
        self.assertEqual(self.kept_policy.permanent_domain, "[('implanted', '=', True)]", "unchanged")
        self.assertEqual(
            self.kept_policy.md_signature_ids.reason, "Devices without expiry no longer sold, CC-13"
        )

    def test_change_dialog_refused_to_quality_managers(self):
        with self.assertRaises(AccessError):
            self.env["md.retention.policy.change"].with_user(self.quality_manager).create(
                {"policy_id": self.kept_policy.id, "active": False, "reason": "Retired", "password": "x"}
            )

    def test_configuration_validated_on_save(self):
        invalid = (
            ({"start_field": "no_such_field"}, "does not lead to a date"),
            ({"start_field": "name"}, "does not lead to a date"),
            ({"start_field": "name.expires_on"}, "does not lead to a date"),
            ({"start_field": "line_ids"}, "does not lead to a date"),
            ({"life_years_field": "line_ids.expires_on"}, "does not lead to a number"),
            ({"permanent_domain": "[('no_such_field', '=', 1)]"}, "domain .* is invalid"),
            ({"record_domain": "not a domain"}, "domain .* is invalid"),
            ({"record_domain": "('state', '=', 'draft')"}, "domain .* is invalid"),
            ({"model": "md.audit.rule"}, "does not adopt md.retention.mixin"),
        )
        for values, message in invalid:
            with self.assertRefused(ValidationError, message):
                self.policy(**values)
        with self.assertRefused(ValidationError, "does not lead to a date"):
            self.kept_policy.write({"start_field": "released_at.name"})

    def test_policy_menu_for_its_managers(self):
        menu = self.env.ref("md_base.menu_md_retention_policy")
        for user in (self.quality_manager, self.regulatory, self.security_manager):
            self.assertIn(menu, self.env["ir.ui.menu"].with_user(user).search([("id", "=", menu.id)]))
            self.assertTrue(self.Policy.with_user(user).search([("id", "=", self.kept_policy.id)]))
        self.assertFalse(self.env["ir.ui.menu"].with_user(self.md_user).search([("id", "=", menu.id)]))
        with self.assertRaises(AccessError):
            self.Policy.with_user(self.md_user).search([])

    def test_policy_form_loads_for_its_managers(self):
        for user in (self.quality_manager, self.security_manager):
            views = self.Policy.with_user(user).get_views(
                [(False, "list"), (False, "form"), (False, "search")]
            )
            self.assertIn("start_field", views["views"]["form"]["arch"])


@tagged("post_install", "-at_install")
class TestRetentionShownOnRecords(MdRetentionCase):
    """The form of a record with a retention policy shows how long it is kept."""

    def form_arch(self, model="md.base.tester"):
        return etree.fromstring(self.env[model].get_views([(False, "form")])["views"]["form"]["arch"])

    def test_kept_until_shown_on_forms_of_models_with_a_policy(self):
        self._tester_form_view()
        self.assertFalse(
            self.form_arch().xpath("//button[@name='action_md_retention_info']"), "no policy yet"
        )
        self.policy(start_field="expiry_date")
        arch = self.form_arch()
        box = arch.xpath("//div[@name='button_box']")
        self.assertTrue(box, "a button box added to the sheet")
        until = box[0].xpath(".//button[@name='action_md_retention_info']//field[@name='md_retain_until']")
        self.assertTrue(until)
        self.assertTrue(box[0].xpath(".//button[contains(@invisible, 'md_retained_permanently')]"))
        self.assertIn("Kept Until", etree.tostring(box[0], encoding="unicode"))
        self.assertIn("Permanently", etree.tostring(box[0], encoding="unicode"))
        task_arch = self.form_arch("md.base.tester.task")
        self.assertFalse(
            task_arch.xpath("//button[@name='action_md_retention_info']"), "no policy, no button"
        )

    def test_form_reads_the_period(self):
        self._tester_form_view()
        self.policy(start_field="expiry_date", permanent_domain="[('implanted', '=', True)]")
        tester = self.new_tester(expiry_date="2027-06-30")
        implant = self.new_tester(name="T-2", expiry_date="2027-06-30", implanted=True)
        spec = {"md_retain_until": {}, "md_retained_permanently": {}}
        self.assertEqual(
            tester.with_user(self.md_user).web_read(spec)[0],
            {"id": tester.id, "md_retain_until": date(2029, 6, 30), "md_retained_permanently": False},
        )
        self.assertEqual(
            implant.web_read(spec)[0],
            {"id": implant.id, "md_retain_until": False, "md_retained_permanently": True},
        )

    def test_new_record_has_no_period_yet(self):
        self.policy(start_field="expiry_date")
        values = self.Tester.onchange(
            {"name": "T-new", "expiry_date": "2027-06-30"}, [], {"md_retain_until": {}}
        )
        self.assertFalse(values["value"].get("md_retain_until"))

    def test_indication_removed_with_the_last_policy(self):
        self._tester_form_view()
        policy = self.policy(start_field="expiry_date")
        self.assertTrue(self.form_arch().xpath("//button[@name='action_md_retention_info']"))
        policy.with_user(self.security_manager)._md_change_signed(
            {"active": False}, self.password(self.security_manager), "Tester retired"
        )
        self.assertFalse(self.form_arch().xpath("//button[@name='action_md_retention_info']"))
        self.assertTrue(self.new_tester().exists())
        self.assertEqual(self.kept(self.new_tester(name="T-2", expiry_date="2027-06-30")), (False, False))

    def test_archivable_record_shows_its_period(self):
        self.policy(model="md.base.tester.archivable", start_field="kept_from")
        record = self.Archivable.create({"name": "A-1", "kept_from": "2027-06-30"})
        self.assertEqual(self.kept(record), (date(2029, 6, 30), False))
