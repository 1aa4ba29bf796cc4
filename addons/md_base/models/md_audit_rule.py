"""Which models the audit trail records, and the capture of their changes.

21 CFR 11.10(e) / Annex 11 §9: every create, modify and delete of a regulated
record is recorded with the old and new value, who, when (UTC) and, where the
rule asks for it, why. Like OCA auditlog, the ORM methods of the configured
models are wrapped in ``_register_hook`` (re-done when rules change), so a
model of a later addon is covered by adding a rule.
"""

import ast

from lxml import etree

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, frozendict

from .md_audit_entry import REASON_CONTEXT_KEY
from .module_data import module_data_uninstalling

# Bookkeeping fields: their changes are not regulated content.
SKIPPED_FIELDS = {
    "id",
    "display_name",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "__last_update",
}
SKIPPED_PREFIXES = ("message_", "activity_", "website_message", "rating_")


# The wrappers sit in the registry class itself and reach the implementation below them through
# super(): the registry class is kept while later modules of the same loading are added to its
# bases, so a method captured at patch time would skip their overrides (and their guards).


def _make_create(model_class):
    @api.model_create_multi
    def create(self, vals_list):
        records = super(model_class, self).create(vals_list)
        self.env["md.audit.rule"].sudo()._md_capture_create(records, vals_list)
        return records

    return create


def _make_write(model_class):
    def write(self, vals):
        rules = self.env["md.audit.rule"].sudo()
        capture = rules._md_capture_before_write(self, vals)
        result = super(model_class, self).write(vals)
        if capture:
            rules._md_capture_after_write(capture)
        return result

    return write


def _make_unlink(model_class):
    def unlink(self):
        rules = self.env["md.audit.rule"].sudo()
        rows = rules._md_capture_unlink(self)
        result = super(model_class, self).unlink()
        self.env["md.audit.entry"].sudo()._md_insert(rows)
        return result

    return unlink


def _make_get_view(model_class):
    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super(model_class, self)._get_view(view_id, view_type, **options)
        if view_type == "form":
            self.env["md.audit.rule"].sudo()._md_inject_form_buttons(self._name, arch)
        return arch, view

    return _get_view


PATCHES = {"create": _make_create, "write": _make_write, "unlink": _make_unlink, "_get_view": _make_get_view}


class MdAuditRule(models.Model):
    """What the audit trail records. Widening it (a new rule, more fields or
    operations) is open to Quality Managers; narrowing or switching it off
    hides changes from the trail, so only a Security Manager may, with an
    e-signature and a reason (21 CFR 11.10(e), 11.10(k) controls over system
    documentation; EU GMP Annex 11 §9 and §10 change control). The change is an
    entry of the audit trail itself. Rules are archived, never deleted."""

    _name = "md.audit.rule"
    _description = "Audit Trail Rule"
    _inherit = ["md.signed.configuration.mixin"]
    _md_change_wizard = "md.audit.rule.change"
    _order = "model_name"
    _rec_name = "model_name"

    _md_signed_fields = [
        "model_id",
        "active",
        "field_ids",
        "log_create",
        "log_write",
        "log_unlink",
        "reason_required",
        "record_domain",
    ]
    _md_sign_on_change = "void"

    model_id = fields.Many2one(
        "ir.model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
        help="Records of this model get an audit trail.",
    )
    model_name = fields.Char(related="model_id.model", store=True, index=True, string="Technical Name")
    active = fields.Boolean(default=True)
    field_ids = fields.Many2many(
        "ir.model.fields",
        string="Audited Fields",
        domain="[('model_id', '=', model_id)]",
        help="Only changes of these fields are recorded. Empty: every field.",
    )
    log_create = fields.Boolean(string="Record Creation", default=True)
    log_write = fields.Boolean(string="Record Changes", default=True)
    log_unlink = fields.Boolean(string="Record Deletion", default=True)
    reason_required = fields.Boolean(
        string="Reason for Change Required",
        help="Changes and deletions are refused without a reason for change (EU GMP Annex 11 §9).",
    )
    record_domain = fields.Char(
        string="Only Records Matching",
        help="A domain, e.g. [('state', '=', 'done')]: only records matching it before a change are audited.",
    )

    _sql_constraints = [
        ("model_unique", "UNIQUE (model_id)", "A model has one audit rule: edit the existing one."),
    ]

    # -- configuration ----------------------------------------------------------

    @api.constrains("record_domain")
    def _check_record_domain(self):
        for rule in self.filtered("record_domain"):
            try:
                domain = ast.literal_eval(rule.record_domain)
                self.env[rule.model_name].sudo().search_count(domain, limit=1)
            except (ValueError, SyntaxError, TypeError, KeyError) as error:
                raise UserError(
                    self.env._(
                        "The record domain of the audit rule for %(model)s is invalid: %(error)s",
                        model=rule.model_name,
                        error=error,
                    )
                ) from error

    @api.model
    @tools.ormcache("model_name")
    def _md_rule_config(self, model_name):
        """Immutable configuration of the active rule of a model, or None (cached per worker)."""
        rule = self.sudo().search([("model_name", "=", model_name)], limit=1)
        if not rule:
            return None
        operations = {
            op
            for op, flag in (
                ("create", rule.log_create),
                ("write", rule.log_write),
                ("unlink", rule.log_unlink),
            )
            if flag
        }
        return frozendict(
            rule_id=rule.id,
            operations=frozenset(operations),
            fields=frozenset(rule.field_ids.mapped("name")) or None,
            reason_required=rule.reason_required,
            domain=tuple(ast.literal_eval(rule.record_domain)) if rule.record_domain else None,
        )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self._md_rules_changed()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self._md_rules_changed()
        return result

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(
            self.env._(
                "Audit rules are never deleted: a Security Manager archives them with a signed change."
            )
        )

    def _md_scope(self):
        """What this rule records, for comparing a change with."""
        self.ensure_one()
        return {
            "model": self.model_id.id,
            "active": self.active,
            "operations": {op for op in ("log_create", "log_write", "log_unlink") if self[op]},
            "reason_required": self.reason_required,
            "fields": set(self.field_ids.ids),
            "domain": (self.record_domain or "").strip(),
        }

    def _md_weaker_than(self, old):
        """Whether this rule now records less than ``old`` (a _md_scope)."""
        new = self._md_scope()
        fields_narrowed = bool(new["fields"]) and not (old["fields"] and new["fields"] >= old["fields"])
        return (
            new["model"] != old["model"]
            or (old["active"] and not new["active"])
            or not new["operations"] >= old["operations"]
            or (old["reason_required"] and not new["reason_required"])
            or fields_narrowed
            or (bool(new["domain"]) and new["domain"] != old["domain"])
        )

    def _md_weakened_message(self):
        return self.env._(
            "Narrowing or switching off the audit trail of %(models)s hides changes from it: "
            "only a Security Manager can, with an electronic signature and a reason "
            "(Change Audit Rule).",
            models=", ".join(self.mapped("model_name")),
        )

    def _md_change_refused_message(self):
        return self.env._("Only a Security Manager can narrow or switch off the audit trail of a model.")

    def _md_reason_missing_message(self):
        return self.env._("Give the reason for changing the audit rule.")

    def _md_rules_changed(self):
        self.env.registry.clear_cache()  # rule configuration, in every worker
        self.env.registry.clear_cache("templates")  # form buttons
        if self._md_patch_models() and not tools.config["test_enable"]:
            # other workers reload their registry and wrap the new models too
            self.env.registry.registry_invalidated = True

    def _register_hook(self):
        super()._register_hook()
        self._md_patch_models()

    @api.model
    def _md_patch_models(self):
        """Wrap create/write/unlink/_get_view of every model with a rule, once per registry."""
        self.flush_model(["model_name"])
        self.env.cr.execute(SQL("SELECT DISTINCT model_name FROM md_audit_rule WHERE model_name IS NOT NULL"))
        patched = False
        for (model_name,) in self.env.cr.fetchall():
            model_class = self.env.registry.get(model_name)
            if model_class is None or model_class.__dict__.get("_md_audit_patched"):
                continue
            for method_name, make in PATCHES.items():
                setattr(model_class, method_name, make(model_class))
            model_class._md_audit_patched = True
            patched = True
        return patched

    @api.model
    def _md_default_rule_specs(self):
        """(model, field names or None, record domain) of the rules created at install: every
        MedDev model (md.*) present. Addons extend it with the standard models they regulate."""
        specs = []
        md_models = self.env["ir.model"].search([("model", "=like", "md.%"), ("transient", "=", False)])
        for ir_model in md_models:
            model = self.env.get(ir_model.model)
            if (
                model is not None
                and not model._abstract
                and model._auto
                and ir_model.model
                not in (
                    "md.audit.entry",
                    "md.audit.chain",
                    "md.event",  # the interface log records deliveries, it is no regulated record
                )
            ):
                specs.append((ir_model.model, None, None))
        return specs

    @api.model
    def _md_create_default_rules(self):
        """Create the rules of _md_default_rule_specs that do not exist yet (idempotent)."""
        existing = set(self.with_context(active_test=False).search([]).mapped("model_name"))
        vals_list = []
        for model_name, field_names, domain in self._md_default_rule_specs():
            if model_name in existing:
                continue
            ir_model = self.env["ir.model"]._get(model_name)
            field_ids = []
            if field_names:
                field_ids = (
                    self.env["ir.model.fields"]
                    .search([("model_id", "=", ir_model.id), ("name", "in", field_names)])
                    .ids
                )
            vals_list.append(
                {
                    "model_id": ir_model.id,
                    "field_ids": [fields.Command.set(field_ids)],
                    "record_domain": domain,
                }
            )
        return self.create(vals_list)

    def action_md_add_default_rules(self):
        self.env["md.audit.entry"]._md_check_verifier()
        created = self._md_create_default_rules()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Audit rules"),
                "message": self.env._("%s audit rules added.", len(created)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- capture ------------------------------------------------------------

    @api.model
    def _md_audited_field_names(self, records, config, candidates):
        """Field names to record among candidates (None: every stored field)."""
        model_fields = records._fields
        names = []
        for name in model_fields if candidates is None else candidates:
            field = model_fields.get(name)
            if not field or name in SKIPPED_FIELDS or name.startswith(SKIPPED_PREFIXES):
                continue
            if config["fields"] is not None and name not in config["fields"]:
                continue
            if candidates is None and not field.store:
                continue
            names.append(name)
        return names

    @api.model
    def _md_targets(self, records, config, operation):
        """The real records of `records` the rule audits for this operation."""
        if not config or operation not in config["operations"]:
            return records.browse()
        records = records.sudo().filtered(lambda record: isinstance(record.id, int))
        if config["domain"]:
            records = records.filtered_domain(list(config["domain"]))
        return records

    @api.model
    def _md_snapshot(self, records, field_names):
        """{id: {field: human-readable text, 'display_name': ...}} in one read."""
        rows = records.with_context(active_test=False).read([*field_names, "display_name"])
        x2many_names = self._md_x2many_names(records, field_names, rows)
        snapshot = {}
        for row in rows:
            texts = {
                name: self._md_text(records._fields[name], row[name], x2many_names) for name in field_names
            }
            texts["display_name"] = row["display_name"] or ""
            snapshot[row["id"]] = texts
        return snapshot

    @api.model
    def _md_x2many_names(self, records, field_names, rows):
        names = {}
        for name in field_names:
            field = records._fields[name]
            if field.type in ("one2many", "many2many"):
                ids = {record_id for row in rows for record_id in row[name]}
                comodel = self.env[field.comodel_name].sudo().with_context(active_test=False).browse(ids)
                names[name] = {row["id"]: row["display_name"] for row in comodel.read(["display_name"])}
        return names

    @api.model
    def _md_text(self, field, value, x2many_names):
        """The human-readable text of a value as read() returns it (ALCOA+ legible)."""
        if field.type == "boolean":
            return str(bool(value))
        if value is False or value is None:
            return ""
        if field.type == "many2one":
            return value[1] or ""
        if field.type in ("one2many", "many2many"):
            names = x2many_names.get(field.name, {})
            return ", ".join(names.get(record_id, str(record_id)) for record_id in value)
        if field.type == "selection":
            return str(dict(field._description_selection(self.env)).get(value, value))
        if field.type in ("date", "datetime"):
            return value.isoformat()
        if field.type == "binary":
            return self.env._("(binary data)")
        return str(value)

    @api.model
    def _md_reason(self, records, config, operation):
        """The reason for change from the context or a pending 'Reason for change' dialog."""
        reason = self.env.context.get(REASON_CONTEXT_KEY)
        if not config["reason_required"] or operation == "create":
            return reason or None
        if not reason:
            reason = self.env["md.audit.reason.wizard"]._md_consume_reason(records)
        if not reason:
            raise UserError(
                self.env._(
                    "Changing or deleting %(model)s records needs a reason for change (EU GMP Annex 11 §9):"
                    " use the 'Reason for change' button of the record, then save again.",
                    model=self.env["ir.model"]._get(records._name).name,
                )
            )
        return reason or None

    @api.model
    def _md_row(self, record, operation, field, old_value, new_value, common):
        return {
            **common,
            "res_model": record._name,
            "res_id": record.id,
            "operation": operation,
            "field_name": field and field.name,
            "field_label": field and field.string,
            "old_value": old_value,
            "new_value": new_value,
            "company_id": self._md_company_id(record),
        }

    @api.model
    def _md_company_id(self, record):
        field = record._fields.get("company_id")
        if field is None or field.type != "many2one" or field.comodel_name != "res.company":
            return None
        return record.company_id.id or None

    def _md_common(self, reason):
        return {"user_id": self.env.uid, "timestamp": fields.Datetime.now(), "reason": reason}

    @api.model
    def _md_capture_create(self, records, vals_list):
        config = self._md_rule_config(records._name)
        targets = self._md_targets(records, config, "create")
        if not targets:
            return
        given = {name for vals in vals_list for name in vals}
        field_names = self._md_audited_field_names(targets, config, given)
        snapshot = self._md_snapshot(targets, field_names)
        common = self._md_common(self._md_reason(targets, config, "create"))
        rows = []
        for record in targets:
            texts = snapshot[record.id]
            changed = [name for name in field_names if texts[name] not in ("", "False")]
            common_record = {**common, "res_name": texts["display_name"]}
            if not changed:
                rows.append(self._md_row(record, "create", None, None, None, common_record))
            for name in changed:
                rows.append(
                    self._md_row(record, "create", record._fields[name], None, texts[name], common_record)
                )
        self.env["md.audit.entry"]._md_insert(rows)

    @api.model
    def _md_capture_before_write(self, records, vals):
        config = self._md_rule_config(records._name)
        targets = self._md_targets(records, config, "write")
        field_names = targets and self._md_audited_field_names(targets, config, list(vals))
        if not field_names:
            return None
        reason = self._md_reason(targets, config, "write")
        return {
            "records": targets,
            "fields": field_names,
            "old": self._md_snapshot(targets, field_names),
            "reason": reason,
        }

    @api.model
    def _md_capture_after_write(self, capture):
        records = capture["records"].exists()
        new = self._md_snapshot(records, capture["fields"])
        common = self._md_common(capture["reason"])
        rows = []
        for record in records:
            old_texts, new_texts = capture["old"][record.id], new[record.id]
            for name in capture["fields"]:
                if old_texts[name] != new_texts[name]:
                    rows.append(
                        self._md_row(
                            record,
                            "write",
                            record._fields[name],
                            old_texts[name],
                            new_texts[name],
                            {**common, "res_name": new_texts["display_name"]},
                        )
                    )
        self.env["md.audit.entry"]._md_insert(rows)

    @api.model
    def _md_capture_unlink(self, records):
        """Rows for a deletion, read before it: the deleted values stay on record (11.10(e))."""
        config = self._md_rule_config(records._name)
        targets = self._md_targets(records, config, "unlink")
        if not targets:
            return []
        reason = self._md_reason(targets, config, "unlink")
        field_names = self._md_audited_field_names(targets, config, None)
        snapshot = self._md_snapshot(targets, field_names)
        common = self._md_common(reason)
        rows = []
        for record in targets:
            texts = snapshot[record.id]
            common_record = {**common, "res_name": texts["display_name"]}
            rows.append(self._md_row(record, "unlink", None, texts["display_name"], None, common_record))
            for name in field_names:
                if texts[name] not in ("", "False"):
                    rows.append(
                        self._md_row(record, "unlink", record._fields[name], texts[name], None, common_record)
                    )
        return rows

    # -- user interface -------------------------------------------------------

    @api.model
    def _md_inject_form_buttons(self, model_name, arch):
        """Add the 'Audit trail' (and 'Reason for change') buttons to an audited model's form."""
        config = self._md_rule_config(model_name)
        if not config:
            return
        box = arch.find(".//div[@name='button_box']")
        if box is None:
            sheet = arch.find(".//sheet")
            if sheet is None:
                return
            box = etree.Element("div", {"name": "button_box", "class": "oe_button_box"})
            sheet.insert(0, box)
        buttons = [("md_base.action_md_audit_trail_for_record", "fa-history", self.env._("Audit trail"))]
        if config["reason_required"]:
            buttons.append(
                ("md_base.action_md_audit_reason_wizard", "fa-pencil", self.env._("Reason for change"))
            )
        for xmlid, icon, label in buttons:
            action = self.env.ref(xmlid, raise_if_not_found=False)
            if action:
                etree.SubElement(
                    box,
                    "button",
                    {
                        "name": str(action.id),
                        "type": "action",
                        "class": "oe_stat_button",
                        "icon": icon,
                        "string": label,
                        "invisible": "not id",
                        "groups": "md_base.group_md_user",
                    },
                )
