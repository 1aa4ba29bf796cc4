import itertools
import time

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.md_base.models.md_audit_entry import GENESIS_HASH, entry_digest


@tagged("post_install", "-at_install")
class TestAuditTrail(TransactionCase):
    """21 CFR 11.10(e), EU GMP Annex 11 §9, ALCOA+: capture, append-only, hash chain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Entry = cls.env["md.audit.entry"]
        cls.product = cls.env["product.product"].create(
            {"name": "Audit Stent", "is_storable": True, "tracking": "serial"}
        )
        cls.lot_rule = cls.env["md.audit.rule"].search([("model_name", "=", "stock.lot")])
        cls.md_user = new_test_user(cls.env, "md_audit_user", groups="md_base.group_md_user")
        cls.regulatory = new_test_user(
            cls.env, "md_audit_regulatory", groups="md_base.group_md_regulatory"
        )

    def _lot(self, name="AUD-1"):
        return self.env["stock.lot"].create({"name": name, "product_id": self.product.id})

    def _entries(self, record, operation=None):
        domain = [("res_model", "=", record._name), ("res_id", "in", record.ids)]
        if operation:
            domain.append(("operation", "=", operation))
        return self.Entry.search(domain, order="id")

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(SQL(query, *args))
        self.env.invalidate_all()

    # -- capture ----------------------------------------------------------------

    def test_default_rules(self):
        rules = self.env["md.audit.rule"].search([])
        models = set(rules.mapped("model_name"))
        self.assertTrue({"stock.lot", "mrp.bom", "mrp.bom.line", "mrp.production"} <= models)
        self.assertIn("md.audit.rule", models, "changes to the audit configuration are audited too")
        self.assertNotIn("md.audit.entry", models)
        production_rule = rules.filtered(lambda rule: rule.model_name == "mrp.production")
        self.assertEqual(production_rule.record_domain, "[('state', '=', 'done')]")
        template_rule = rules.filtered(lambda rule: rule.model_name == "product.template")
        self.assertIn("tracking", template_rule.field_ids.mapped("name"))
        self.assertFalse(
            [
                name
                for name in template_rule.field_ids.mapped("name")
                if name not in ("tracking",) and not name.startswith("md_")
            ],
            "products: only the UDI fields are audited",
        )

    def test_create_write_unlink_recorded(self):
        lot = self._lot()
        created = self._entries(lot, "create")
        self.assertEqual(created.filtered(lambda e: e.field_name == "name").new_value, "AUD-1")
        product_entry = created.filtered(lambda e: e.field_name == "product_id")
        self.assertEqual(product_entry.new_value, self.product.display_name, "many2one: display name")
        self.assertEqual(created.user_id, self.env.user)
        self.assertTrue(all(entry.timestamp for entry in created))

        lot.write({"name": "AUD-2", "note": "<p>checked</p>"})
        written = self._entries(lot, "write")
        name_entry = written.filtered(lambda e: e.field_name == "name")
        self.assertEqual((name_entry.old_value, name_entry.new_value), ("AUD-1", "AUD-2"))
        self.assertEqual(name_entry.field_label, lot._fields["name"].string)
        self.assertEqual(name_entry.res_name, "AUD-2")

        lot_id = lot.id
        lot.unlink()
        deleted = self.Entry.search(
            [("res_model", "=", "stock.lot"), ("res_id", "=", lot_id), ("operation", "=", "unlink")]
        )
        self.assertIn("AUD-2", deleted.mapped("old_value"), "11.10(e): deleted values stay on record")
        self.assertFalse(any(deleted.mapped("new_value")))

    def test_unchanged_values_not_recorded(self):
        lot = self._lot()
        lot.write({"name": "AUD-1"})
        self.assertFalse(self._entries(lot, "write"))

    def test_human_readable_values(self):
        template = self.product.product_tmpl_id
        template.write({"tracking": "lot"})
        entry = self._entries(template, "write").filtered(lambda e: e.field_name == "tracking")
        labels = dict(template._fields["tracking"]._description_selection(self.env))
        self.assertEqual((entry.old_value, entry.new_value), (labels["serial"], labels["lot"]))

        lot = self._lot()
        lot.write({"expiration_date": "2030-01-31 10:00:00"})
        entry = self._entries(lot, "write").filtered(lambda e: e.field_name == "expiration_date")
        self.assertEqual(entry.new_value, "2030-01-31T10:00:00", "dates in ISO 8601, UTC")

    def test_field_list_limits_capture(self):
        template = self.product.product_tmpl_id
        template.write({"name": "Audit Stent XL"})
        self.assertFalse(
            self._entries(template, "write").filtered(lambda e: e.field_name == "name"),
            "product names are not UDI data: not in the rule's field list",
        )

    def test_record_domain_limits_capture(self):
        self.lot_rule.record_domain = "[('name', '=like', 'REG-%')]"
        other, regulated = self._lot("OTHER-1"), self._lot("REG-1")
        (other | regulated).write({"ref": "R1"})
        self.assertFalse(self._entries(other))
        self.assertTrue(self._entries(regulated, "write"))

    def test_record_domain_invalid(self):
        with self.assertRaises(UserError):
            self.lot_rule.record_domain = "[('no_such_field', '=', 1)]"

    def test_inactive_rule_stops_capture(self):
        self.lot_rule.active = False
        lot = self._lot()
        self.assertFalse(self._entries(lot))

    def test_rule_change_is_audited(self):
        self.lot_rule.reason_required = True
        entry = self._entries(self.lot_rule, "write")
        self.assertEqual(entry.field_name, "reason_required")
        self.assertEqual((entry.old_value, entry.new_value), ("False", "True"))

    def test_bulk_write_reads_old_values_once(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"BULK-{index}", "product_id": self.product.id} for index in range(50)]
        )
        lots.write({"ref": "SHIPPED"})
        self.assertEqual(len(self._entries(lots, "write")), 50)

    # -- reason for change --------------------------------------------------------

    def test_reason_required_refuses_change_without_reason(self):
        lot = self._lot()
        self.lot_rule.reason_required = True
        with self.assertRaises(UserError):
            lot.write({"ref": "X"})
        with self.assertRaises(UserError):
            lot.unlink()
        self.assertTrue(self._lot("AUD-NEW"), "creation needs no reason")

    def test_reason_from_context(self):
        lot = self._lot()
        self.lot_rule.reason_required = True
        lot.with_context(md_audit_reason="Label reprint, CAPA-12").write({"ref": "X"})
        self.assertEqual(self._entries(lot, "write").reason, "Label reprint, CAPA-12")

    def test_reason_from_dialog_is_consumed_once(self):
        lot = self._lot()
        self.lot_rule.reason_required = True
        wizard = (
            self.env["md.audit.reason.wizard"]
            .with_context(active_model="stock.lot", active_id=lot.id)
            .create({"reason": "Typo in reference"})
        )
        wizard.action_confirm()
        lot.write({"ref": "Y"})
        self.assertEqual(self._entries(lot, "write").reason, "Typo in reference")
        with self.assertRaises(UserError):
            lot.write({"ref": "Z"})

    def test_reason_dialog_refuses_blank_reason(self):
        with self.assertRaises(UserError):
            self.env["md.audit.reason.wizard"].create({"res_model": "stock.lot", "res_id": 1, "reason": "  "})

    # -- append-only ----------------------------------------------------------------

    def test_entries_cannot_be_changed_by_anyone(self):
        entry = self._entries(self._lot())[:1]
        for env in (self.env, self.env(su=True), self.env(user=self.regulatory)):
            with self.assertRaises(UserError):
                entry.with_env(env).write({"new_value": "forged"})
            with self.assertRaises(UserError):
                entry.with_env(env).unlink()
            with self.assertRaises(UserError):
                env["md.audit.entry"].create({"res_model": "stock.lot", "operation": "write"})
            with self.assertRaises(UserError):
                entry.with_env(env).copy()
        self.assertTrue(entry.exists())

    def test_chain_head_cannot_be_changed(self):
        chain = self.env["md.audit.chain"]._md_main_chain()
        with self.assertRaises(UserError):
            chain.sudo().write({"last_position": 0})
        with self.assertRaises(UserError):
            chain.sudo().unlink()

    def test_users_read_entries(self):
        entry = self._entries(self._lot())[:1]
        self.assertTrue(entry.with_user(self.md_user).read(["new_value"]))

    def test_verify_limited_to_quality_and_regulatory(self):
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.md_user).verify_chain()
        self.assertTrue(self.Entry.with_user(self.regulatory).verify_chain()["ok"])

    # -- hash chain -------------------------------------------------------------------

    def _linked_lot_entries(self):
        lot = self._lot()
        lot.write({"ref": "A"})
        lot.write({"ref": "B"})
        result = self.Entry.verify_chain()
        self.assertEqual(result, {"ok": True, "checked": result["checked"], "first_broken_id": False})
        return self._entries(lot)

    def test_chain_links_every_entry(self):
        entries = self._linked_lot_entries()
        self.assertTrue(all(entries.mapped("entry_hash")))
        ordered = entries.sorted("chain_position")
        positions = ordered.mapped("chain_position")
        self.assertEqual(positions, list(range(positions[0], positions[0] + len(positions))), "gapless")
        for previous, entry in itertools.pairwise(ordered):
            self.assertEqual(entry.prev_hash, previous.entry_hash)
        self.assertEqual(self.Entry.verify_chain()["checked"], self.Entry.search_count([]))

    def test_first_entry_links_to_genesis(self):
        self._linked_lot_entries()
        first = self.Entry.search([("chain_position", "=", 1)])
        self.assertEqual(first.prev_hash, GENESIS_HASH)

    def test_sql_update_detected(self):
        entries = self._linked_lot_entries()
        target = entries[1]
        self._sql("UPDATE md_audit_entry SET new_value = 'forged' WHERE id = %s", target.id)
        self.assertEqual(self.Entry.verify_chain()["first_broken_id"], target.id)

    def test_sql_update_with_recomputed_hash_detected_at_next_entry(self):
        entries = self._linked_lot_entries().sorted("chain_position")
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
        entries = self._linked_lot_entries().sorted("chain_position")
        deleted, following = entries[1], entries[2]
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", deleted.id)
        result = self.Entry.verify_chain()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], following.id)

    def test_sql_delete_of_newest_entry_detected(self):
        newest = self._linked_lot_entries().sorted("chain_position")[-1]
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", newest.id)
        self.assertFalse(self.Entry.verify_chain()["ok"], "the chain head still records the deleted position")

    def test_sql_delete_of_newest_entry_and_head_rewind_detected_by_anchor(self):
        entries = self._linked_lot_entries().sorted("chain_position")
        self.Entry._cron_md_verify_chain()  # records the verified head
        newest = entries[-1]
        self._sql("DELETE FROM md_audit_entry WHERE id = %s", newest.id)
        self._sql(
            "UPDATE md_audit_chain SET last_position = %s, last_hash = %s",
            entries[-2].chain_position,
            entries[-2].entry_hash,
        )
        self.assertFalse(self.Entry.verify_chain()["ok"])

    def test_sql_swap_detected(self):
        first, second = self._linked_lot_entries().sorted("chain_position")[:2]
        first_position, second_position = first.chain_position, second.chain_position
        self._sql("UPDATE md_audit_entry SET chain_position = -1 WHERE id = %s", first.id)
        self._sql("UPDATE md_audit_entry SET chain_position = %s WHERE id = %s", first_position, second.id)
        self._sql("UPDATE md_audit_entry SET chain_position = %s WHERE id = %s", second_position, first.id)
        self.assertEqual(self.Entry.verify_chain()["first_broken_id"], second.id)

    def test_sql_reinsert_detected(self):
        entries = self._linked_lot_entries().sorted("chain_position")
        target = entries[1]
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

    def test_unlinked_entry_inserted_by_sql_is_linked_not_broken(self):
        """An entry still waiting for its link is part of the next link step (no gap)."""
        self._linked_lot_entries()
        lot = self._lot("AUD-LATE")
        self.assertFalse(self._entries(lot).filtered("chain_position"))
        self.assertTrue(self.Entry.verify_chain()["ok"])
        self.assertTrue(all(self._entries(lot).mapped("chain_position")))

    def test_cron_reports_tampering(self):
        entries = self._linked_lot_entries()
        self._sql("UPDATE md_audit_entry SET user_id = %s WHERE id = %s", self.md_user.id, entries[0].id)
        with self.assertLogs("odoo.addons.md_base.models.md_audit_entry", level="ERROR") as logs:
            result = self.Entry._cron_md_verify_chain()
        self.assertFalse(result["ok"])
        self.assertIn(str(entries[0].id), logs.output[0])
        chain = self.env["md.audit.chain"]._md_main_chain()
        managers = self.env.ref("md_base.group_md_quality_manager").users.filtered(lambda u: not u.share)
        self.assertEqual(chain.activity_ids.user_id, managers)

    def test_cron_without_tampering_is_quiet(self):
        self._linked_lot_entries()
        result = self.Entry._cron_md_verify_chain()
        self.assertTrue(result["ok"])
        self.assertFalse(self.env["md.audit.chain"]._md_main_chain().activity_ids)

    def test_verify_action_reports_result(self):
        entries = self._linked_lot_entries()
        action = self.Entry.action_md_verify_chain()
        self.assertEqual(action["params"]["type"], "success")
        self._sql("UPDATE md_audit_entry SET reason = 'x' WHERE id = %s", entries[0].id)
        action = self.Entry.action_md_verify_chain()
        self.assertEqual(action["params"]["type"], "danger")

    def test_bulk_receipt_of_10000_serials(self):
        """10,000 serials in one transaction: one INSERT per create call, chain verifies."""
        start = time.perf_counter()
        lots = self.env["stock.lot"].create(
            [{"name": f"SN{index:06d}", "product_id": self.product.id} for index in range(10000)]
        )
        self.env.flush_all()
        created = time.perf_counter() - start
        self.assertEqual(
            self.Entry.search_count(
                [("res_model", "=", "stock.lot"), ("res_id", "in", lots.ids), ("field_name", "=", "name")]
            ),
            10000,
        )
        start = time.perf_counter()
        result = self.Entry.verify_chain()
        verified = time.perf_counter() - start
        self.assertTrue(result["ok"])
        self.assertLess(created, 120, "bulk creation with auditing must stay fast")
        self.assertLess(verified, 120)

    # -- user interface -----------------------------------------------------------------

    def test_smart_button_on_audited_forms(self):
        action = self.env.ref("md_base.action_md_audit_trail_for_record")
        for model in ("stock.lot", "mrp.bom"):
            arch = self.env[model].get_view(view_type="form")["arch"]
            self.assertIn(f'name="{action.id}"', arch, model)
        self.assertNotIn(f'name="{action.id}"', self.env["res.partner"].get_view(view_type="form")["arch"])

    def test_reason_button_only_when_required(self):
        wizard_action = self.env.ref("md_base.action_md_audit_reason_wizard")
        self.assertNotIn(
            f'name="{wizard_action.id}"', self.env["stock.lot"].get_view(view_type="form")["arch"]
        )
        self.lot_rule.reason_required = True
        self.assertIn(f'name="{wizard_action.id}"', self.env["stock.lot"].get_view(view_type="form")["arch"])

    def test_smart_button_action_shows_record_entries(self):
        lot = self._lot()
        action = self.Entry._md_action_open_for_record("stock.lot", lot.id)
        self.assertEqual(self.Entry.search(action["domain"]), self._entries(lot))

    def test_new_rule_covers_a_model(self):
        partner_model = self.env["ir.model"]._get("res.partner.category")
        self.env["md.audit.rule"].create({"model_id": partner_model.id})
        category = self.env["res.partner.category"].create({"name": "Audited"})
        self.assertTrue(self._entries(category, "create"))

    def test_add_default_rules_is_idempotent(self):
        with mute_logger("odoo.models"):
            self.assertFalse(self.env["md.audit.rule"]._md_create_default_rules())

    def test_rule_per_model_unique(self):
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["md.audit.rule"].create(
                {"model_id": self.lot_rule.model_id.id, "field_ids": [Command.set([])]}
            )
