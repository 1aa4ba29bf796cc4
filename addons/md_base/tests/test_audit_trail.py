import itertools
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL, config, mute_logger

from odoo.addons.md_base.models.md_audit_checkpoint import SEAL_KEY_OPTION
from odoo.addons.md_base.models.md_audit_entry import GENESIS_HASH, entry_digest

from .common import MdBaseTesterCase


class MdAuditCase(MdBaseTesterCase):
    """The tester model audited by its own rule; users of each role with known passwords."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Tester = cls.env["md.base.tester"]
        cls.Entry = cls.env["md.audit.entry"]
        cls.Rule = cls.env["md.audit.rule"]
        # creating the rule wraps the tester's create/write/unlink (md.audit.rule._md_rules_changed)
        cls.rule = cls.Rule.create({"model_id": cls.env["ir.model"]._get("md.base.tester").id})
        cls._grant_tester_access()
        cls.md_user = cls._user("md_audit_user", "md_base.group_md_user")
        cls.regulatory = cls._user("md_audit_regulatory", "md_base.group_md_regulatory")
        cls.quality_manager = cls._user("md_audit_qm", "md_base.group_md_quality_manager")
        cls.security_manager = cls._user("md_audit_secman", "md_base.group_md_security_manager")

    def _entries(self, record, operation=None):
        domain = [("res_model", "=", record._name), ("res_id", "in", record.ids)]
        if operation:
            domain.append(("operation", "=", operation))
        return self.Entry.search(domain, order="id")

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(SQL(query, *args))
        self.env.invalidate_all()

    def _name_entry(self, tester):
        return self._entries(tester).filtered(lambda entry: entry.field_name == "name")

    def _fields(self, *names, model="md.base.tester"):
        return self.env["ir.model.fields"].search([("model", "=", model), ("name", "in", names)])

    def _change_signed(self, vals, reason="Scope reviewed under change control CC-7", rule=None):
        rule = (rule or self.rule).with_user(self.security_manager)
        return rule._md_change_signed(vals, self.password(self.security_manager), reason)


@tagged("post_install", "-at_install")
class TestAuditTrail(MdAuditCase):
    """The audit trail on the tester model: 21 CFR 11.10(e) secure, computer-generated,
    time-stamped record of create/modify/delete that never obscures old values; EU GMP
    Annex 11 §9 (reason for change); ALCOA+."""

    # -- capture (11.10(e)) -----------------------------------------------------------

    def test_create_write_unlink_recorded_with_old_and_new_values_11_10_e(self):
        tester = self.new_tester(company_id=self.env.company.id)
        created = self._entries(tester, "create")
        self.assertEqual(
            set(created.mapped("field_name")), {"name", "reason", "company_id"}, "the given fields"
        )
        self.assertEqual(created.filtered(lambda e: e.field_name == "name").new_value, "T-1")
        company_entry = created.filtered(lambda e: e.field_name == "company_id")
        self.assertEqual(company_entry.new_value, self.env.company.display_name, "many2one: display name")
        self.assertFalse(any(created.mapped("old_value")))
        self.assertEqual(created.user_id, self.env.user)
        self.assertTrue(all(entry.timestamp for entry in created))

        tester.write({"name": "T-2", "note": "checked"})
        written = self._entries(tester, "write")
        self.assertEqual(set(written.mapped("field_name")), {"name", "note"})
        name_entry = written.filtered(lambda e: e.field_name == "name")
        self.assertEqual((name_entry.old_value, name_entry.new_value), ("T-1", "T-2"))
        self.assertEqual(name_entry.field_label, tester._fields["name"].string)
        self.assertEqual(name_entry.res_name, "T-2")

        tester_id = tester.id
        tester.unlink()
        deleted = self.Entry.search(
            [("res_model", "=", "md.base.tester"), ("res_id", "=", tester_id), ("operation", "=", "unlink")]
        )
        self.assertIn("T-2", deleted.mapped("old_value"), "11.10(e): deleted values stay on record")
        self.assertIn("checked", deleted.mapped("old_value"))
        self.assertFalse(any(deleted.mapped("new_value")))
        self.assertEqual(
            len(deleted.filtered(lambda e: not e.field_name)), 1, "one entry for the deletion itself"
        )

    def test_time_shown_in_the_users_time_zone_naming_it_11_10_e(self):
        entry = self._entries(self.new_tester(), "create")[:1]
        shown = entry.with_context(tz="Asia/Shanghai").timestamp_display
        self.assertTrue(shown.endswith("CST (Asia/Shanghai)"), shown)
        self.assertTrue(entry.with_context(tz="UTC").timestamp_display.endswith("UTC (UTC)"))

    def test_unchanged_values_not_recorded(self):
        tester = self.new_tester()
        tester.write({"name": "T-1", "reason": "Suspected sterility breach"})
        self.assertFalse(self._entries(tester, "write"))

    def test_bulk_write_records_every_record(self):
        testers = self.Tester.create([{"name": f"BULK-{index}", "reason": "Bulk"} for index in range(50)])
        testers.write({"note": "Shipped"})
        written = self._entries(testers, "write")
        self.assertEqual(len(written), 50)
        self.assertEqual(set(written.mapped("res_id")), set(testers.ids))
        self.assertEqual({(entry.old_value, entry.new_value) for entry in written}, {("", "Shipped")})

    def test_field_list_limits_capture(self):
        self._change_signed({"field_ids": [Command.set(self._fields("name").ids)]})
        tester = self.new_tester()
        self.assertEqual(self._entries(tester, "create").mapped("field_name"), ["name"])
        tester.write({"name": "T-2", "note": "not an audited field"})
        self.assertEqual(self._entries(tester, "write").mapped("field_name"), ["name"])

    def test_record_domain_limits_capture(self):
        self._change_signed({"record_domain": "[('name', '=like', 'REG-%')]"})
        other, regulated = self.new_tester(name="OTHER-1"), self.new_tester(name="REG-1")
        (other | regulated).write({"note": "R1"})
        self.assertFalse(self._entries(other))
        self.assertTrue(self._entries(regulated, "create"))
        self.assertTrue(self._entries(regulated, "write"))

    def test_record_domain_must_be_valid(self):
        for domain in ("[('no_such_field', '=', 1)]", "not a domain"):
            with self.assertRefused(UserError, "record domain .* is invalid"):
                self._change_signed({"record_domain": domain})
            self.assertFalse(self.rule.record_domain)
            self.assertFalse(self.rule.md_signature_ids)

    def test_inactive_rule_stops_capture(self):
        self._change_signed({"active": False})
        self.assertFalse(self._entries(self.new_tester()))

    def test_switched_off_operation_not_recorded(self):
        self._change_signed({"log_write": False})
        tester = self.new_tester()
        tester.write({"note": "unaudited"})
        self.assertTrue(self._entries(tester, "create"))
        self.assertFalse(self._entries(tester, "write"))

    def test_rule_change_is_audited(self):
        self.rule.reason_required = True
        entry = self._entries(self.rule, "write")
        self.assertEqual(entry.field_name, "reason_required")
        self.assertEqual((entry.old_value, entry.new_value), ("False", "True"))

    # -- reason for change (Annex 11 §9) -------------------------------------------------

    def test_reason_required_refuses_change_and_deletion_without_reason_annex11_9(self):
        tester = self.new_tester()
        self.rule.reason_required = True
        with self.assertRefused(UserError, "needs a reason for change"):
            tester.write({"note": "X"})
        with self.assertRefused(UserError, "needs a reason for change"):
            tester.unlink()
        self.assertTrue(tester.exists())
        self.assertFalse(tester.note)
        self.assertTrue(self.new_tester(name="T-NEW"), "creation needs no reason")

    def test_reason_from_context_annex11_9(self):
        tester = self.new_tester()
        self.rule.reason_required = True
        tester.with_context(md_audit_reason="Label reprint, CAPA-12").write({"note": "X"})
        self.assertEqual(self._entries(tester, "write").reason, "Label reprint, CAPA-12")
        tester_id = tester.id
        tester.with_context(md_audit_reason="Created in error").unlink()
        deleted = self.Entry.search([("res_model", "=", "md.base.tester"), ("res_id", "=", tester_id)])
        self.assertEqual(
            set(deleted.filtered(lambda e: e.operation == "unlink").mapped("reason")), {"Created in error"}
        )

    def test_reason_from_dialog_is_consumed_once_annex11_9(self):
        tester = self.new_tester()
        self.rule.reason_required = True
        wizard = (
            self.env["md.audit.reason.wizard"]
            .with_context(active_model="md.base.tester", active_id=tester.id)
            .create({"reason": "Typo in the reference"})
        )
        self.assertEqual((wizard.res_model, wizard.res_id), ("md.base.tester", tester.id))
        wizard.action_confirm()
        tester.write({"note": "Y"})
        self.assertEqual(self._entries(tester, "write").reason, "Typo in the reference")
        with self.assertRaisesRegex(UserError, "needs a reason for change"):
            tester.write({"note": "Z"})

    def test_reason_dialog_refuses_blank_reason_annex11_9(self):
        tester = self.new_tester()
        with self.assertRaisesRegex(UserError, "Give a reason"):
            self.env["md.audit.reason.wizard"].create(
                {"res_model": "md.base.tester", "res_id": tester.id, "reason": "  "}
            )

    # -- append-only (11.10(e)) ---------------------------------------------------------------

    def test_entries_cannot_be_changed_created_or_deleted_by_anyone_11_10_e(self):
        entry = self._name_entry(self.new_tester())
        for env in (self.env(su=True), self.env(user=self.security_manager), self.env(user=self.regulatory)):
            with self.assertRaises(UserError):
                entry.with_env(env).write({"new_value": "forged"})
            with self.assertRaises(UserError):
                entry.with_env(env).unlink()
            with self.assertRaises(UserError):
                env["md.audit.entry"].create({"res_model": "md.base.tester", "operation": "write"})
            with self.assertRaises(UserError):
                entry.with_env(env).copy()
        self.assertTrue(entry.exists())
        self.assertEqual(entry.new_value, "T-1")

    def test_chain_head_cannot_be_changed_or_deleted_11_10_e(self):
        chain = self.env["md.audit.chain"]._md_main_chain().sudo()
        with self.assertRaisesRegex(UserError, "maintained by the system"):
            chain.write({"last_position": 0})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            chain.unlink()

    def test_users_read_entries_11_10_e(self):
        entry = self._name_entry(self.new_tester())
        self.assertEqual(entry.with_user(self.md_user).read(["new_value"])[0]["new_value"], "T-1")

    def test_verify_limited_to_quality_regulatory_and_security_managers_11_10_d(self):
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.md_user).verify_chain()
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.md_user).action_md_verify_chain()
        for user in (self.regulatory, self.quality_manager, self.security_manager):
            self.assertTrue(self.Entry.with_user(user).verify_chain()["ok"], user.login)

    # -- hash chain (11.10(a), 11.10(e)) --------------------------------------------------------

    def _linked_tester_entries(self):
        """A tester's entries linked into an intact chain, after the newest checkpoint (none sealed
        here: the incremental verification checks them)."""
        tester = self.new_tester()
        tester.write({"note": "A"})
        tester.write({"note": "B"})
        self.Entry.sudo()._md_link_pending()
        self.assertTrue(self.Entry._md_check_chain()["ok"])
        entries = self._entries(tester).sorted("chain_position")
        self.assertGreaterEqual(len(entries), 4)
        return entries

    def test_chain_links_every_entry_gaplessly(self):
        entries = self._linked_tester_entries()
        self.assertTrue(all(entries.mapped("entry_hash")))
        positions = entries.mapped("chain_position")
        self.assertEqual(positions, list(range(positions[0], positions[0] + len(positions))), "gapless")
        for previous, entry in itertools.pairwise(entries):
            self.assertEqual(entry.prev_hash, previous.entry_hash)
        self.assertEqual(self.Entry._md_verify_full()["checked"], self.Entry.search_count([]))

    def test_first_entry_links_to_genesis(self):
        self._linked_tester_entries()
        self.assertEqual(self.Entry.search([("chain_position", "=", 1)]).prev_hash, GENESIS_HASH)

    def test_sql_update_detected(self):
        target = self._linked_tester_entries()[1]
        self._sql("UPDATE md_audit_entry SET new_value = 'forged' WHERE id = %s", target.id)
        result = self.Entry.verify_chain()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], target.id)

    def test_sql_update_with_recomputed_hash_detected_at_next_entry(self):
        entries = self._linked_tester_entries()
        target, following = entries[0], entries[1]
        self.env.cr.execute(SQL("SELECT * FROM md_audit_entry WHERE id = %s", target.id))
        row = self.env.cr.dictfetchone()
        row["new_value"] = "forged"
        self._sql(
            "UPDATE md_audit_entry SET new_value = 'forged', entry_hash = %s WHERE id = %s",
            entry_digest(row),
            target.id,
        )
        self.assertEqual(self.Entry.verify_chain()["first_broken_id"], following.id)

    def test_sql_delete_detected(self):
        entries = self._linked_tester_entries()
        deleted, following = entries[1], entries[2]
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", deleted.id)
        result = self.Entry.verify_chain()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], following.id)

    def test_sql_delete_of_newest_entry_detected(self):
        newest = self._linked_tester_entries()[-1]
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", newest.id)
        self.assertFalse(self.Entry.verify_chain()["ok"], "the chain head still records the deleted position")

    def test_sql_delete_of_newest_entries_and_head_rewind_detected_by_checkpoint(self):
        entries = self._linked_tester_entries()
        self.assertTrue(self.Entry._cron_md_verify_chain()["ok"])  # seals a checkpoint at the head
        newest, checkpointed_position = tuple(entries[-2:].ids), entries[-1].chain_position
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self._sql("DELETE FROM md_audit_entry WHERE id IN %s", newest)
        # the owner of the tables drops the checkpoint's reference first
        self._sql("ALTER TABLE md_audit_checkpoint DROP CONSTRAINT md_audit_checkpoint_entry_id_fkey")
        self._sql("DELETE FROM md_audit_entry WHERE id IN %s", newest)
        self._sql(
            "UPDATE md_audit_chain SET last_position = %s, last_hash = %s",
            entries[-3].chain_position,
            entries[-3].entry_hash,
        )
        self.assertFalse(self.Entry.verify_chain()["ok"])
        message = self.Entry.action_md_verify_chain()["params"]["message"]
        self.assertIn(f"The entry at position {checkpointed_position} recorded by checkpoint", message)

    def test_sql_swap_detected(self):
        first, second = self._linked_tester_entries()[:2]
        first_position, second_position = first.chain_position, second.chain_position
        self._sql("UPDATE md_audit_entry SET chain_position = -1 WHERE id = %s", first.id)
        self._sql("UPDATE md_audit_entry SET chain_position = %s WHERE id = %s", first_position, second.id)
        self._sql("UPDATE md_audit_entry SET chain_position = %s WHERE id = %s", second_position, first.id)
        self.assertEqual(self.Entry.verify_chain()["first_broken_id"], second.id)

    def test_sql_reinsert_detected(self):
        target = self._linked_tester_entries()[1]
        self.env.cr.execute(SQL("SELECT * FROM md_audit_entry WHERE id = %s", target.id))
        row = self.env.cr.dictfetchone()
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", target.id)
        row["old_value"] = "re-inserted"
        columns = list(row)
        self._sql(
            "INSERT INTO md_audit_entry (%s) VALUES %s",
            SQL(", ").join(SQL.identifier(column) for column in columns),
            tuple(row[column] for column in columns),
        )
        self.assertEqual(self.Entry.verify_chain()["first_broken_id"], target.id)

    def test_unlinked_entry_is_linked_not_broken(self):
        """An entry still waiting for its link is part of the next link step (no gap)."""
        self._linked_tester_entries()
        late = self.new_tester(name="T-LATE")
        self.assertFalse(self._entries(late).filtered("chain_position"))
        self.assertTrue(self.Entry.verify_chain()["ok"])
        self.assertTrue(all(self._entries(late).mapped("chain_position")))

    def test_cron_reports_tampering_to_quality_managers_annex11_9(self):
        entries = self._linked_tester_entries()
        self._sql("UPDATE md_audit_entry SET user_id = %s WHERE id = %s", self.md_user.id, entries[0].id)
        with self.assertLogs("odoo.addons.md_base.models.md_audit_entry", level="ERROR") as logs:
            result = self.Entry._cron_md_verify_chain()
        self.assertFalse(result["ok"])
        self.assertIn(str(entries[0].id), logs.output[0])
        chain = self.env["md.audit.chain"]._md_main_chain()
        managers = self.env.ref("md_base.group_md_quality_manager").users.filtered(lambda u: not u.share)
        self.assertIn(self.quality_manager, managers)
        self.assertEqual(chain.activity_ids.user_id, managers)

    def test_cron_without_tampering_is_quiet_annex11_9(self):
        self._linked_tester_entries()
        self.assertTrue(self.Entry._cron_md_verify_chain()["ok"])
        self.assertFalse(self.env["md.audit.chain"]._md_main_chain().activity_ids)

    def test_verify_action_reports_the_result(self):
        entries = self._linked_tester_entries()
        self.assertEqual(self.Entry.action_md_verify_chain()["params"]["type"], "success")
        checkpointed = entries[-1]  # the newest checkpoint is at the head
        self._sql("UPDATE md_audit_entry SET reason = 'x' WHERE id = %s", checkpointed.id)
        action = self.Entry.action_md_verify_chain()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(str(checkpointed.id), action["params"]["message"])

    def test_bulk_creation_of_10000_records(self):
        """10,000 records in one create: their entries are written by one INSERT, the chain verifies."""
        entry_class = type(self.Entry)
        insert = entry_class._md_insert
        inserted = []

        def counting_insert(entries, rows):
            inserted.append(len(rows))
            return insert(entries, rows)

        with patch.object(entry_class, "_md_insert", counting_insert):
            testers = self.Tester.create(
                [{"name": f"SN{index:06d}", "reason": "Receipt"} for index in range(10000)]
            )
        self.assertEqual(inserted, [20000], "one statement for every entry of the create call")
        self.assertEqual(
            self.Entry.search_count(
                [
                    ("res_model", "=", "md.base.tester"),
                    ("res_id", "in", testers.ids),
                    ("field_name", "=", "name"),
                ]
            ),
            10000,
        )
        result = self.Entry.verify_chain()
        self.assertTrue(result["ok"])
        self.assertGreaterEqual(result["checked"], 20000)

    # -- user interface -----------------------------------------------------------------------

    def _form_arch(self, model="md.base.tester"):
        return self.env[model].get_view(view_type="form")["arch"]

    def test_smart_button_on_audited_forms_only(self):
        self._tester_form_view()
        action = self.env.ref("md_base.action_md_audit_trail_for_record")
        self.assertIn(f'name="{action.id}"', self._form_arch())
        self.assertNotIn(f'name="{action.id}"', self._form_arch("md.base.tester.task"), "no rule, no button")

    def test_reason_button_only_when_a_reason_is_required(self):
        self._tester_form_view()
        wizard_action = self.env.ref("md_base.action_md_audit_reason_wizard")
        self.assertNotIn(f'name="{wizard_action.id}"', self._form_arch())
        self.rule.reason_required = True
        self.assertIn(f'name="{wizard_action.id}"', self._form_arch())

    def test_smart_button_action_shows_the_records_entries(self):
        tester = self.new_tester()
        self.new_tester(name="T-2")
        action = self.Entry._md_action_open_for_record("md.base.tester", tester.id)
        self.assertEqual(self.Entry.search(action["domain"]), self._entries(tester))
        server_action = self.env.ref("md_base.action_md_audit_trail_for_record")
        action = server_action.with_context(active_model="md.base.tester", active_id=tester.id).run()
        self.assertEqual(self.Entry.search(action["domain"]), self._entries(tester))
        self.assertIn("T-1", action["name"])

    # -- rules ----------------------------------------------------------------------------------

    def test_new_rule_covers_a_model(self):
        Line = self.env["md.base.tester.line"]
        tester = self.new_tester()
        self.assertFalse(self._entries(Line.create({"tester_id": tester.id, "value": 1.0})))
        self.Rule.with_user(self.quality_manager).create(
            {"model_id": self.env["ir.model"]._get("md.base.tester.line").id}
        )
        line = Line.create({"tester_id": tester.id, "value": 2.0})
        self.assertEqual(set(self._entries(line, "create").mapped("field_name")), {"tester_id", "value"})

    def test_add_default_rules_is_idempotent(self):
        with mute_logger("odoo.models"):
            self.Rule._md_create_default_rules()
            self.assertFalse(self.Rule._md_create_default_rules())
        models = set(self.Rule.with_context(active_test=False).search([]).mapped("model_name"))
        self.assertIn("md.audit.rule", models, "changes of the audit configuration are audited too")
        self.assertFalse({"md.audit.entry", "md.audit.chain"} & models)

    def test_one_rule_per_model(self):
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.Rule.create({"model_id": self.rule.model_id.id, "field_ids": [Command.set([])]})


@tagged("post_install", "-at_install")
class TestAuditRuleChange(MdAuditCase):
    """What the audit trail records is itself controlled (21 CFR 11.10(e), 11.10(k); EU GMP
    Annex 11 §9, §10): widening it is open to Quality Managers and audited; narrowing or
    switching it off only by a Security Manager's signed change with a reason; rules are
    never deleted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enter_registry_test_mode()  # a failed signing attempt is logged in its own transaction
        cls.line_model = cls.env["ir.model"]._get("md.base.tester.line")

    def plain_writers(self):
        """The superuser, a Quality Manager and a Security Manager not signing."""
        return (self.env(su=True), self.env(user=self.quality_manager), self.env(user=self.security_manager))

    def assert_narrowing_refused(self, vals, rule=None):
        rule = rule or self.rule
        scope = rule._md_scope()
        for env in self.plain_writers():
            with self.assertRefused(UserError, "Narrowing or switching off"):
                rule.with_env(env).write(vals)
            self.assertEqual(rule._md_scope(), scope)
        self.assertFalse(rule.md_signature_ids)

    def narrow_line_rule(self):
        """A new rule, narrow from the start: only values, of positive lines, no deletions."""
        return self.Rule.with_user(self.quality_manager).create(
            {
                "model_id": self.line_model.id,
                "field_ids": [Command.set(self._fields("value", model="md.base.tester.line").ids)],
                "record_domain": "[('value', '>', 0)]",
                "log_unlink": False,
            }
        )

    def rule_changes(self, rule, field_name):
        return self._entries(rule, "write").filtered(lambda entry: entry.field_name == field_name)

    # -- narrowing by a plain write: refused to everyone --------------------------------------

    def test_archiving_a_rule_refused(self):
        self.assert_narrowing_refused({"active": False})

    def test_switching_off_an_operation_refused(self):
        for operation in ("log_create", "log_write", "log_unlink"):
            self.assert_narrowing_refused({operation: False})

    def test_dropping_the_reason_requirement_refused(self):
        self.rule.reason_required = True
        self.assert_narrowing_refused({"reason_required": False})

    def test_setting_or_changing_a_record_domain_refused(self):
        self.assert_narrowing_refused({"record_domain": "[('name', '=like', 'REG-%')]"})
        self.assert_narrowing_refused({"record_domain": "[('value', '>', 10)]"}, rule=self.narrow_line_rule())

    def test_restricting_the_field_list_refused(self):
        name, reason = self._fields("name"), self._fields("reason")
        self.assert_narrowing_refused({"field_ids": [Command.set(name.ids)]})
        self._change_signed({"field_ids": [Command.set((name | reason).ids)]})
        self.rule.invalidate_recordset()
        self.assertEqual(self.rule.field_ids, name | reason)
        self.assertEqual(self.rule.md_signature_state, "signed")
        scope = self.rule._md_scope()
        for env in self.plain_writers():
            with self.assertRefused(UserError, "Narrowing or switching off"):
                self.rule.with_env(env).write({"field_ids": [Command.unlink(reason.id)]})
            self.assertEqual(self.rule._md_scope(), scope)

    def test_moving_a_rule_to_another_model_refused(self):
        self.assert_narrowing_refused({"model_id": self.line_model.id})

    # -- widening: open to Quality Managers, audited --------------------------------------------

    def test_new_rule_by_a_quality_manager_is_audited(self):
        rule = self.narrow_line_rule()
        created = self._entries(rule, "create")
        self.assertTrue(created)
        self.assertEqual(created.user_id, self.quality_manager)
        self.assertIn("model_id", created.mapped("field_name"))

    def test_adding_fields_to_a_restricted_list_allowed_and_audited(self):
        rule = self.narrow_line_rule().with_user(self.quality_manager)
        rule.write({"field_ids": [Command.link(self._fields("recorded_at", model="md.base.tester.line").id)]})
        self.assertEqual(set(rule.sudo().field_ids.mapped("name")), {"value", "recorded_at"})
        rule.write({"field_ids": [Command.clear()]})  # every field
        self.assertFalse(rule.sudo().field_ids)
        self.assertEqual(len(self.rule_changes(rule, "field_ids")), 2)
        self.assertEqual(self.rule_changes(rule, "field_ids").user_id, self.quality_manager)

    def test_clearing_the_record_domain_allowed_and_audited(self):
        rule = self.narrow_line_rule().with_user(self.quality_manager)
        rule.record_domain = False
        self.assertFalse(rule.record_domain)
        change = self.rule_changes(rule, "record_domain")
        self.assertEqual((change.old_value, change.new_value), ("[('value', '>', 0)]", ""))
        self.assertEqual(change.user_id, self.quality_manager)

    def test_enabling_an_operation_or_a_reason_allowed_and_audited(self):
        rule = self.narrow_line_rule().with_user(self.quality_manager)
        rule.write({"log_unlink": True, "reason_required": True})
        self.assertTrue(rule.log_unlink and rule.reason_required)
        for field_name in ("log_unlink", "reason_required"):
            change = self.rule_changes(rule, field_name)
            self.assertEqual(
                (change.old_value, change.new_value, change.user_id), ("False", "True", self.quality_manager)
            )

    def test_widened_rule_takes_effect(self):
        rule = self.narrow_line_rule()
        line = self.env["md.base.tester.line"].create({"tester_id": self.new_tester().id, "value": 0.0})
        self.assertFalse(self._entries(line), "outside the record domain")
        rule.with_user(self.quality_manager).record_domain = False
        line.value = 3.0
        self.assertEqual(self._entries(line, "write").mapped("field_name"), ["value"])

    def test_rule_managers_can_open_rules_with_a_field_list_11_10_e(self):
        """Quality Managers widen rules, Security Managers narrow them, Regulatory reads them:
        each opens the Audit Rules list and form, whose field list names the audited fields."""
        rule = self.narrow_line_rule()
        spec = {"model_id": {"fields": {"display_name": {}}}, "field_ids": {"fields": {"display_name": {}}}}
        for user in (self.quality_manager, self.security_manager, self.regulatory):
            rows = self.Rule.with_user(user).web_search_read([("id", "=", rule.id)], spec)["records"]
            self.assertEqual(
                [tag["display_name"] for tag in rows[0]["field_ids"]], [rule.sudo().field_ids.display_name]
            )
            self.assertTrue(rule.with_user(user).web_read(spec))

    def test_audit_rules_cannot_be_deleted(self):
        for env in (
            self.env(su=True),
            self.env(user=self.quality_manager),
            self.env(user=self.security_manager),
        ):
            with self.assertRaises(UserError):
                self.rule.with_env(env).unlink()
        with self.assertRaisesRegex(UserError, "never deleted"):
            self.rule.sudo().unlink()
        self.assertTrue(self.rule.exists())

    # -- a Security Manager's signed change -----------------------------------------------------

    def test_security_manager_narrows_with_a_signed_change_11_10_e(self):
        self._change_signed({"active": False}, reason="Model retired, CC-7")
        self.assertFalse(self.rule.active)
        signature = self.rule.md_signature_ids
        self.assertEqual(len(signature), 1)
        self.assertEqual(
            (signature.meaning, signature.signer_id, signature.reason),
            ("approved", self.security_manager, "Model retired, CC-7"),
        )
        self.assertEqual(signature.content_hash, self.rule._md_content_hash())
        self.assertEqual(self.rule.md_signature_state, "signed")
        change = self.rule_changes(self.rule, "active")
        self.assertEqual((change.old_value, change.new_value), ("True", "False"))
        self.assertEqual((change.reason, change.user_id), ("Model retired, CC-7", self.security_manager))

    def test_every_narrowing_through_a_signed_change(self):
        self._change_signed(
            {
                "field_ids": [Command.set(self._fields("name").ids)],
                "record_domain": "[('name', '=like', 'REG-%')]",
                "log_unlink": False,
            }
        )
        self.assertEqual(
            self.rule._md_scope()["operations"], {"log_create", "log_write"}, "deletions no longer recorded"
        )
        changes = self._entries(self.rule, "write")
        self.assertEqual(set(changes.mapped("field_name")), {"field_ids", "record_domain", "log_unlink"})
        self.assertEqual(set(changes.mapped("reason")), {"Scope reviewed under change control CC-7"})

    def test_a_later_change_voids_the_previous_approval_11_70(self):
        self._change_signed({"log_unlink": False}, reason="First")
        first = self.rule.md_signature_ids
        self._change_signed({"log_write": False}, reason="Second")
        self.assertTrue(first.voided)
        valid = self.rule.md_signature_ids.filtered(lambda s: not s.voided)
        self.assertEqual(valid.reason, "Second")
        self.rule.with_user(self.quality_manager).log_unlink = True  # widening, not approved by anyone
        self.assertEqual(self.rule.md_signature_state, "unsigned")

    def test_quality_manager_cannot_sign_a_narrowing(self):
        rule = self.rule.with_user(self.quality_manager)
        with self.assertRefused(AccessError, "Only a Security Manager"):
            rule._md_change_signed({"active": False}, self.password(self.quality_manager), "Retired")
        self.assertTrue(self.rule.active)
        self.assertFalse(self.rule.md_signature_ids)

    def test_wrong_password_changes_nothing_11_200(self):
        scope = self.rule._md_scope()
        with (
            self.assertRefused(UserError, "Wrong login or password"),
            mute_logger("odoo.addons.md_base.models.md_signature"),
        ):
            self.rule.with_user(self.security_manager)._md_change_signed(
                {"active": False}, "guess", "Retired"
            )
        self.assertEqual(self.rule._md_scope(), scope)
        self.assertTrue(self.rule.active)
        self.assertFalse(self.rule.md_signature_ids)
        self.assertFalse(self.rule_changes(self.rule, "active"))

    def test_blank_reason_refused(self):
        with self.assertRefused(UserError, "Give the reason"):
            self._change_signed({"active": False}, reason="  ")
        self.assertTrue(self.rule.active)

    def test_change_dialog_applies_the_signed_change(self):
        action = self.rule.with_user(self.security_manager).action_md_change()
        wizard = (
            self.env["md.audit.rule.change"]
            .with_user(self.security_manager)
            .with_context(**action["context"])
            .create(
                {
                    "record_domain": "[('name', '=like', 'REG-%')]",
                    "reason": "Only regulated testers, CC-9",
                    "password": self.password(self.security_manager),
                }
            )
        )
        self.assertTrue(wizard.active and wizard.log_create and wizard.log_write and wizard.log_unlink)
        wizard.action_apply()
        self.assertFalse(wizard.password, "the password is not kept")
        self.assertEqual(self.rule.record_domain, "[('name', '=like', 'REG-%')]")
        self.assertTrue(
            self.rule.active and self.rule.log_create and self.rule.log_write and self.rule.log_unlink
        )
        self.assertEqual(self.rule.md_signature_ids.reason, "Only regulated testers, CC-9")
        change = self._entries(self.rule, "write")
        self.assertEqual(change.mapped("field_name"), ["record_domain"], "only what changed")
        self.assertEqual(change.reason, "Only regulated testers, CC-9")

    def test_change_dialog_with_a_wrong_password_changes_nothing(self):
        wizard = (
            self.env["md.audit.rule.change"]
            .with_user(self.security_manager)
            .with_context(default_rule_id=self.rule.id)
            .create({"active": False, "reason": "Retired", "password": "guess"})
        )
        with (
            self.assertRefused(UserError, "Wrong login or password"),
            mute_logger("odoo.addons.md_base.models.md_signature"),
        ):
            wizard.action_apply()
        self.assertTrue(self.rule.active)
        self.assertFalse(self.rule.md_signature_ids)

    def test_change_dialog_created_for_a_rule_changes_only_what_is_given(self):
        """The dialog created with its rule (rule_id, as an RPC caller would) starts from the
        rule's configuration: only the given values change."""
        wizard = (
            self.env["md.audit.rule.change"]
            .with_user(self.security_manager)
            .create(
                {
                    "rule_id": self.rule.id,
                    "record_domain": "[('name', '=like', 'REG-%')]",
                    "reason": "Only regulated testers, CC-9",
                    "password": self.password(self.security_manager),
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(self.rule.record_domain, "[('name', '=like', 'REG-%')]")
        self.assertTrue(self.rule.active, "not archived by the dialog's unset values")
        self.assertEqual(self.rule._md_scope()["operations"], {"log_create", "log_write", "log_unlink"})

    def test_change_dialog_refused_to_quality_managers(self):
        with self.assertRaises(AccessError):
            self.env["md.audit.rule.change"].with_user(self.quality_manager).with_context(
                default_rule_id=self.rule.id
            ).create({"active": False, "reason": "Retired", "password": "x"})
        self.assertTrue(self.rule.active)


@tagged("post_install", "-at_install")
class TestAuditTrailCompanies(MdAuditCase):
    """Audit entries follow the company of the audited record (21 CFR 11.10(d): access
    limited to authorised individuals); the company is part of the hashed content (11.10(e))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "MedDev B"})
        cls.user_b = cls._user(
            "md_audit_user_b",
            "md_base.group_md_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_entries_carry_the_company_of_the_audited_record(self):
        tester_a = self.new_tester(name="T-A")
        tester_b = self.new_tester(name="T-B", company_id=self.company_b.id)
        tester_b.write({"note": "B"})
        self.assertEqual(self._entries(tester_a).company_id, tester_a.company_id)
        self.assertEqual(self._entries(tester_b).company_id, self.company_b)

    def test_user_of_another_company_does_not_see_the_entries_11_10_d(self):
        tester_a = self.new_tester(name="T-A")
        tester_b = self.new_tester(name="T-B", company_id=self.company_b.id)
        entries_a, entries_b = self._entries(tester_a), self._entries(tester_b)
        Entry_b = self.Entry.with_user(self.user_b)
        self.assertFalse(Entry_b.search([("id", "in", entries_a.ids)]))
        with self.assertRaises(AccessError):
            entries_a.with_user(self.user_b).read(["new_value"])
        self.assertEqual(Entry_b.search([("id", "in", (entries_a | entries_b).ids)]), entries_b)
        self.assertEqual(
            self.Entry.with_user(self.md_user).search([("id", "in", (entries_a | entries_b).ids)]), entries_a
        )

    def test_entries_of_records_without_a_company_are_shared(self):
        self.Rule.create({"model_id": self.env["ir.model"]._get("md.base.tester.line").id})
        line = self.env["md.base.tester.line"].create({"tester_id": self.new_tester().id, "value": 1.0})
        entries = self._entries(line)
        self.assertTrue(entries)
        self.assertFalse(entries.company_id)
        for user in (self.user_b, self.md_user):
            self.assertEqual(self.Entry.with_user(user).search([("id", "in", entries.ids)]), entries)
            self.assertTrue(entries.with_user(user).read(["new_value"]))

    def test_company_is_part_of_the_hash_11_10_e(self):
        entry = self._entries(self.new_tester())[0]
        self.assertTrue(self.Entry.verify_chain()["ok"])
        self._sql("UPDATE md_audit_entry SET company_id = %s WHERE id = %s", self.company_b.id, entry.id)
        result = self.Entry._md_verify_full()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], entry.id)


@tagged("post_install", "-at_install")
class TestAuditCheckpoints(MdAuditCase):
    """Verification from the newest sealed checkpoint, the full verification as a job: 21 CFR
    11.10(a) (altered records discerned), 11.10(e) (the audit trail itself protected), 11.10(d)
    (limited to authorised individuals); EU GMP Annex 11 §9 (the audit trail reviewed regularly)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Checkpoint = cls.env["md.audit.checkpoint"]
        cls.inspector = cls._user("md_audit_inspector", "md_base.group_md_quality_inspector")
        cls.approver = cls._user("md_audit_approver", "md_base.group_md_release_approver")
        cls.chain = cls.env["md.audit.chain"]._md_main_chain()
        cls.full_job = cls.env.ref("md_base.ir_cron_md_audit_verify_full")

    def _newest(self):
        return self.Checkpoint.search([], limit=1)

    def _verified_tester(self, name="T-1"):
        """A tester whose entries a verification sealed: the newest checkpoint is at the head."""
        tester = self.new_tester(name=name)
        tester.write({"note": "A"})
        self.assertTrue(self.Entry.verify_chain()["ok"])
        return tester

    def _incremental(self):
        return self.Entry.sudo()._md_verify_incremental(self.env.user)

    def _alter_newest(self, column, value):
        self._sql(
            "UPDATE md_audit_checkpoint SET %s = %s WHERE id = %s",
            SQL.identifier(column),
            value,
            self._newest().id,
        )

    # -- incremental (verify_chain, daily cron) ---------------------------------------------------

    def test_incremental_checks_only_the_entries_after_the_checkpoint_11_10_a(self):
        self._verified_tester()
        checkpoint = self._newest()
        tester = self.new_tester(name="T-2")
        tester.write({"note": "B"})
        result = self.Entry.with_user(self.quality_manager).verify_chain()
        new_entries = self.Entry.search([("chain_position", ">", checkpoint.chain_position)])
        self.assertEqual(new_entries, self._entries(tester), "only what was written since")
        self.assertEqual(
            result,
            {
                "ok": True,
                "checked": len(new_entries),
                "first_broken_id": False,
                "from_position": checkpoint.chain_position,
            },
        )
        newest = self._newest()
        head = new_entries.sorted("chain_position")[-1]
        self.assertEqual(
            (newest.kind, newest.user_id, newest.checked, newest.prev_seal),
            ("incremental", self.quality_manager, len(new_entries), checkpoint.seal),
        )
        self.assertEqual(
            (newest.chain_position, newest.entry_id, newest.entry_hash),
            (head.chain_position, head, head.entry_hash),
        )
        self.assertEqual(newest.chain_position, self.chain.last_position)

    def test_nothing_new_seals_no_checkpoint(self):
        self._verified_tester()
        count = self.Checkpoint.search_count([])
        result = self.Entry.verify_chain()
        self.assertEqual((result["ok"], result["checked"]), (True, 0))
        self.assertEqual(self.Checkpoint.search_count([]), count)

    def test_daily_job_seals_as_the_scheduled_job(self):
        self.new_tester()
        self.assertTrue(self.Entry._cron_md_verify_chain()["ok"])
        self.assertFalse(self._newest().user_id)
        self.assertEqual(self._newest().run_by, "Scheduled job")

    def test_tampering_after_the_checkpoint_caught_incrementally_11_10_a(self):
        self._verified_tester()
        count = self.Checkpoint.search_count([])
        tester = self.new_tester(name="T-2")
        self.Entry.sudo()._md_link_pending()
        target = self._name_entry(tester)
        self._sql("UPDATE md_audit_entry SET new_value = 'forged' WHERE id = %s", target.id)
        result = self.Entry.verify_chain()
        self.assertEqual((result["ok"], result["first_broken_id"]), (False, target.id))
        self.assertEqual(self.Checkpoint.search_count([]), count, "no checkpoint over a broken chain")

    def test_tampering_before_the_checkpoint_caught_by_the_full_job_only_11_10_a(self):
        target = self._name_entry(self._verified_tester())
        self.assertLess(target.chain_position, self._newest().chain_position)
        self._sql("UPDATE md_audit_entry SET new_value = 'forged' WHERE id = %s", target.id)
        self.assertTrue(self.Entry.verify_chain()["ok"], "the incremental check starts after the checkpoint")
        count = self.Checkpoint.search_count([])
        with self.assertLogs("odoo.addons.md_base.models.md_audit_entry", level="ERROR") as logs:
            result = self.Entry._cron_md_verify_chain_full()
        self.assertEqual((result["ok"], result["first_broken_id"]), (False, target.id))
        self.assertIn(str(target.id), logs.output[0])
        self.assertEqual(self.Checkpoint.search_count([]), count, "no full checkpoint over a broken chain")
        managers = self.env.ref("md_base.group_md_quality_manager").users.filtered(lambda u: not u.share)
        self.assertIn(self.quality_manager, managers)
        self.assertEqual(self.chain.activity_ids.user_id, managers)
        self.assertIn(str(target.id), self.chain.message_ids[0].body)

    # -- checkpoints protected by their seal ---------------------------------------------------------

    def assert_checkpoint_refused(self, message):
        checkpoint = self._newest()
        result = self._incremental()
        self.assertEqual((result["ok"], result["first_broken_id"]), (False, checkpoint.entry_id.id))
        expected = message.replace("heckpoint N", f"heckpoint {checkpoint.id}")  # Checkpoint, checkpoint
        self.assertEqual(result["message"], expected)
        self.assertFalse(self.Entry.verify_chain()["ok"])

    def test_checkpoint_position_changed_by_sql_refused_11_10_a(self):
        self._verified_tester()
        self._alter_newest("chain_position", self._newest().chain_position - 1)
        self.assert_checkpoint_refused(
            "Checkpoint N does not match its seal: it was changed outside the application or sealed with"
            " another key."
        )

    def test_checkpoint_hash_changed_by_sql_refused_11_10_a(self):
        self._verified_tester()
        self._alter_newest("entry_hash", GENESIS_HASH)
        self.assert_checkpoint_refused(
            "Checkpoint N does not match its seal: it was changed outside the application or sealed with"
            " another key."
        )

    def test_checkpoint_seal_changed_by_sql_refused_11_10_a(self):
        self._verified_tester()
        self._alter_newest("seal", GENESIS_HASH)
        self.assert_checkpoint_refused(
            "Checkpoint N does not match its seal: it was changed outside the application or sealed with"
            " another key."
        )

    def test_deleted_checkpoint_breaks_the_chain_of_seals_11_10_a(self):
        self._verified_tester()
        deleted = self._newest()
        self._verified_tester(name="T-2")
        self._sql("DELETE FROM md_audit_checkpoint WHERE id = %s", deleted.id)
        self.assert_checkpoint_refused(
            "Checkpoint N does not follow the checkpoint before it: a checkpoint was deleted, inserted or"
            " changed."
        )

    def test_changed_checkpointed_entry_refused(self):
        tester = self._verified_tester()
        head = self._entries(tester).sorted("chain_position")[-1]
        self._sql("UPDATE md_audit_entry SET new_value = 'forged' WHERE id = %s", head.id)
        self.assertEqual(self._newest().entry_id, head)
        self.assert_checkpoint_refused(
            f"The entry at position {head.chain_position} recorded by checkpoint N is missing or changed:"
            " entries were deleted, replaced or altered."
        )

    def test_full_job_rechecks_every_checkpoint_11_10_a(self):
        self._verified_tester()
        older = self._newest()
        self._verified_tester(name="T-2")
        self._sql("UPDATE md_audit_checkpoint SET checked = checked + 1 WHERE id = %s", older.id)
        self.assertTrue(self._incremental()["ok"], "the incremental check reads the newest checkpoint only")
        with self.assertLogs("odoo.addons.md_base.models.md_audit_entry", level="ERROR"):
            result = self.Entry._cron_md_verify_chain_full()
        self.assertFalse(result["ok"])
        self.assertIn(f"Checkpoint {older.id} does not match its seal", self.chain.message_ids[0].body)

    def test_with_the_server_key_sql_access_alone_cannot_forge_a_checkpoint_11_10_a(self):
        """Keyed by md_audit_seal_key (odoo.conf), a seal cannot be made from what SQL reads;
        database.secret, the key without it, is a row of ir_config_parameter."""
        with patch.dict(config.options, {SEAL_KEY_OPTION: "kept-in-odoo-conf-only"}):
            self._sql("DELETE FROM md_audit_checkpoint")  # sealed with the server key from the start
            previous = self._entries(self._verified_tester()).sorted("chain_position")[-2]
            moved_back = dict(
                self.Checkpoint._md_rows(limit=1)[0],
                chain_position=previous.chain_position,
                entry_id=previous.id,
                entry_hash=previous.entry_hash,
            )
            with patch.dict(config.options, {SEAL_KEY_OPTION: ""}):
                forged_seal = self.Checkpoint._md_seal(moved_back)  # with database.secret
            self._sql(
                "UPDATE md_audit_checkpoint SET chain_position = %s, entry_id = %s, entry_hash = %s,"
                " seal = %s WHERE id = %s",
                previous.chain_position,
                previous.id,
                previous.entry_hash,
                forged_seal,
                moved_back["id"],
            )
            self.assertIn("does not match its seal", self._incremental()["message"])
        self.assertTrue(self._incremental()["ok"], "without the server key the same forgery verifies")

    def test_concurrent_verifications_do_not_fork_the_checkpoints(self):
        """A verification that read the checkpoints before another appended one appends nothing."""
        self._verified_tester()
        older = self._newest()
        self._verified_tester(name="T-2")
        newest = self._newest()
        reached = {
            "position": newest.chain_position,
            "entry_id": newest.entry_id.id,
            "entry_hash": newest.entry_hash,
            "checked": 1,
        }
        with patch.object(type(self.Checkpoint), "_md_newest_seal", lambda checkpoints: older.seal):
            self.assertIsNone(self.Checkpoint._md_append("incremental", reached))
        self.assertEqual(self._newest(), newest)
        self.assertTrue(self._incremental()["ok"])

    # -- the full verification job ---------------------------------------------------------------

    def test_full_job_on_request_seals_a_full_checkpoint_and_tells_the_requester_annex11_9(self):
        self._verified_tester()
        previous = self._newest()
        action = self.Entry.with_user(self.regulatory).action_md_verify_chain_full()
        self.assertEqual(action["params"]["type"], "info")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.full_job.id)]))
        self.assertIn(self.regulatory, self.chain.full_verification_requester_ids)
        result = self.Entry._cron_md_verify_chain_full()
        self.assertEqual((result["ok"], result["checked"]), (True, self.Entry.search_count([])))
        full = self._newest()
        self.assertEqual(
            (full.kind, full.user_id, full.checked, full.prev_seal, full.chain_position),
            ("full", self.env["res.users"], result["checked"], previous.seal, self.chain.last_position),
        )
        message = self.chain.message_ids[0]
        self.assertIn("the hash chain is intact", message.body)
        self.assertIn(self.regulatory.partner_id, message.partner_ids)
        self.assertFalse(self.chain.full_verification_requester_ids, "answered")

    def test_full_job_is_weekly(self):
        self.assertEqual((self.full_job.interval_number, self.full_job.interval_type), (1, "weeks"))
        self.assertTrue(self.full_job.active)

    # -- access (11.10(d)) and append-only (11.10(e)) ------------------------------------------------

    def _full_job_requests(self):
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.full_job.id)])
        return triggers, self.chain.full_verification_requester_ids

    def test_other_groups_can_neither_verify_nor_read_checkpoints_11_10_d(self):
        self._verified_tester()
        server_action = self.env.ref("md_base.action_md_audit_verify_full")
        requests = self._full_job_requests()
        for user in (self.md_user, self.inspector, self.approver):
            Entry = self.Entry.with_user(user)
            with self.assertRaises(AccessError):
                Entry.verify_chain()
            with self.assertRaises(AccessError):
                Entry.action_md_verify_chain_full()
            with self.assertRaises(AccessError):
                server_action.with_user(user).run()
            with self.assertRaises(AccessError):
                self.Checkpoint.with_user(user).search([])
        self.assertEqual(self._full_job_requests(), requests, "no full verification queued")

    def test_verifiers_read_checkpoints_and_request_the_full_job(self):
        self._verified_tester()
        for user in (self.quality_manager, self.regulatory, self.security_manager):
            self.assertEqual(self.Checkpoint.with_user(user).search([], limit=1), self._newest(), user.login)
            self.assertTrue(self._newest().with_user(user).read(["seal", "entry_id", "run_by"]))
            self.env.ref("md_base.action_md_audit_verify_full").with_user(user).run()
        verifiers = self.quality_manager | self.regulatory | self.security_manager
        self.assertEqual(self.chain.full_verification_requester_ids & verifiers, verifiers)

    def test_checkpoints_cannot_be_created_changed_or_deleted_by_anyone_11_10_e(self):
        self._verified_tester()
        checkpoint = self._newest()
        seal = checkpoint.seal
        for env in (
            self.env(su=True),
            self.env(user=self.quality_manager),
            self.env(user=self.security_manager),
            self.env(user=self.md_user),
        ):
            # UserError or its subclass AccessError (no right at all)
            with self.assertRaises(UserError):
                checkpoint.with_env(env).write({"seal": GENESIS_HASH})
            with self.assertRaises(UserError):
                checkpoint.with_env(env).unlink()
            with self.assertRaises(UserError):
                env["md.audit.checkpoint"].create({"chain_position": 1, "kind": "full", "seal": "x"})
            with self.assertRaises(UserError):
                checkpoint.with_env(env).copy()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            checkpoint.sudo().unlink()
        self.assertEqual(checkpoint.seal, seal)

    # -- upgrade from 18.0.2.0.0 -----------------------------------------------------------------

    def _linked_entries(self):
        tester = self.new_tester()
        self.Entry.sudo()._md_link_pending()
        return self._entries(tester).sorted("chain_position")

    def _migrate_anchor(self, anchor):
        """The 18.0.2.1.0 upgrade of a database whose daily check recorded ``anchor``; returns the
        anchor parameter left."""
        self._sql("DELETE FROM md_audit_checkpoint")  # none before 18.0.2.1.0
        self.env["ir.config_parameter"].set_param("md_base.audit_verified_head", anchor)
        script = load_script("md_base/migrations/18.0.2.1.0/post-migrate.py", "md_base_post_migrate")
        script.migrate(self.env.cr, "18.0.2.0.0")
        return self.env["ir.config_parameter"].get_param("md_base.audit_verified_head")

    def test_upgrade_turns_the_anchor_into_the_first_checkpoint(self):
        head = self._linked_entries()[-1]
        self.assertFalse(self._migrate_anchor(f"{head.chain_position}:{head.entry_hash}"))
        checkpoint = self._newest()
        self.assertEqual(
            (checkpoint.kind, checkpoint.chain_position, checkpoint.entry_id, checkpoint.prev_seal),
            ("full", head.chain_position, head, GENESIS_HASH),
        )
        self.assertEqual(self.Entry.verify_chain()["from_position"], head.chain_position)

    def test_upgrade_keeps_an_anchor_the_chain_no_longer_matches(self):
        head = self._linked_entries()[-1]
        anchor = f"{head.chain_position}:{GENESIS_HASH}"
        with self.assertLogs("md_base_post_migrate", level="ERROR"):
            self.assertEqual(self._migrate_anchor(anchor), anchor, "kept for the investigation")
        self.assertFalse(self.Checkpoint.search([]))
