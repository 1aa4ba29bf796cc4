import hashlib
import json

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError

from .module_data import module_data_uninstalling

VOID_REASON_CONTENT_CHANGED = "Signed content changed"

# 21 CFR 11.50: printed name, date and time, meaning, shown with the record.
SIGNATURE_PAGE = """
<page name="md_signatures">
    <group>
        <field name="md_signature_state" widget="badge"
               decoration-success="md_signature_state == 'signed'"
               decoration-muted="md_signature_state == 'unsigned'"/>
    </group>
    <field name="md_signature_ids" readonly="1">
        <list create="0" delete="0" decoration-muted="voided" class="o_md_signature_list">
            <field name="signer_name"/>
            <field name="meaning_name"/>
            <field name="signed_at_display"/>
            <field name="reason"/>
            <field name="content_hash" optional="hide"/>
            <field name="voided" column_invisible="True"/>
            <field name="void_reason" decoration-danger="voided"/>
        </list>
    </field>
</page>
"""


class MdSignableMixin(models.AbstractModel):
    """Electronic signatures on a record (21 CFR Part 11, EU GMP Annex 11 §14).

    A model adopts it with ``_inherit`` and declares:

    - ``_md_signed_fields``: the fields whose values are the signed content;
      their SHA-256 is stored with each signature;
    - ``_md_sign_on_change``: what a change of signed content does once the
      record is signed: ``"refuse"`` it (the record is closed), or ``"void"``
      the signatures visibly and return the record to unsigned;
    - ``_md_author_field``: who authored the record (segregation of duties).

    Which meanings apply and who may sign is configuration
    (``md.signature.rule``). The form view gets a Sign button and a
    Signatures page automatically; reports using the standard layouts print
    the signatures (21 CFR 11.50(b)).
    """

    _name = "md.signable.mixin"
    _description = "Electronically Signable Record"

    _md_signed_fields = []
    _md_sign_on_change = "void"
    _md_author_field = "create_uid"

    md_signature_ids = fields.One2many(
        "md.signature", "res_id", string="Signatures", readonly=True, copy=False
    )
    md_signature_state = fields.Selection(
        [("unsigned", "Unsigned"), ("signed", "Signed")],
        string="Signature Status",
        compute="_compute_md_signature_state",
    )

    @api.depends("md_signature_ids.voided")
    def _compute_md_signature_state(self):
        for record in self:
            valid = record.md_signature_ids.filtered(lambda s: not s.voided)
            record.md_signature_state = "signed" if valid else "unsigned"

    # --- signing -------------------------------------------------------------

    def md_sign(self, meaning, password, reason, login=None):
        """Sign these records as the current user with the meaning's code.

        XML-RPC: ``execute_kw(db, uid, pw, model, "md_sign", [ids, meaning, password, reason])``.
        Returns the ids of the new ``md.signature`` records.
        """
        signatures = self.env["md.signature"]._md_sign(self, meaning, password, reason, login=login)
        self.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        self._md_on_signed(signatures)
        return signatures.ids

    def _md_on_signed(self, signatures):
        """Hook run after signing: adopters perform the signed transition here."""
        if "message_ids" in self._fields:
            for signature in signatures:
                self.browse(signature.res_id).sudo().message_post(
                    body=self.env._(
                        "Signed as %(meaning)s by %(name)s: %(reason)s",
                        meaning=signature.meaning_name,
                        name=signature.signer_name,
                        reason=signature.reason,
                    )
                )

    def _md_check_signable(self, meaning):
        """Hook run before the credentials are checked: adopters refuse a
        meaning that does not fit the record's state."""

    def _md_valid_signatures(self, meaning=None):
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids), ("voided", "=", False)]
        if meaning:
            domain.append(("meaning", "=", meaning))
        return self.env["md.signature"].sudo().search(domain)

    def _md_check_required_signature(self, meaning):
        """Refuse the transition bound to ``meaning`` when its rule requires a
        signature and a record has no valid one."""
        rule = (
            self.env["md.signature.rule"]
            .sudo()
            .search(
                [("model", "=", self._name), ("meaning_code", "=", meaning), ("required", "=", True)], limit=1
            )
        )
        if not rule:
            return
        signed_ids = set(self._md_valid_signatures(meaning).mapped("res_id"))
        unsigned = self.filtered(lambda record: record.id not in signed_ids)
        if unsigned:
            raise UserError(
                self.env._(
                    "%(records)s must first be signed electronically as %(meaning)s.",
                    records=", ".join(unsigned.mapped("display_name")),
                    meaning=rule.meaning_id.name,
                )
            )

    def _md_author(self):
        self.ensure_one()
        return self[self._md_author_field]

    def md_sign_options(self):
        """Public (RPC): for each meaning a rule allows on this model, who may sign it and whether
        the current user may sign these records with it now, with the reason when not (the same
        checks as signing, except the credentials)."""
        rules = self.env["md.signature.rule"].sudo().search([("model", "=", self._name)])
        signature = self.env["md.signature"]
        return [
            {
                "meaning": rule.meaning_id.code,
                "meaning_name": rule.meaning_id.name,
                "groups": rule.group_ids.mapped("full_name"),
                "author_may_sign": rule.author_may_sign,
                "required": rule.required,
                "refusal": signature._md_sign_refusal(self, rule.meaning_id),
            }
            for rule in rules
        ]

    def action_md_sign(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign %s", self.display_name),
            "res_model": "md.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"md_sign_res_model": self._name, "md_sign_res_id": self.id},
        }

    # --- signed content ------------------------------------------------------

    def _md_content(self):
        """The signed content in a canonical, JSON-serialisable form."""
        self.ensure_one()
        # A new, neutral context on purpose: no caller's key may change what is read (bin_size
        # would read a binary as its size, and a change of it would go unseen; 21 CFR 11.70).
        record = self.with_env(self.env(context={"lang": "en_US"}, su=True))
        values = {}
        for name in self._md_signed_fields:
            field, value = record._fields[name], record[name]
            if field.type == "many2one":
                value = value.id or None
            elif field.type in ("one2many", "many2many"):
                value = sorted(value.ids)
            elif field.type == "binary":
                value = hashlib.sha256(
                    value if isinstance(value, bytes) else (value or "").encode()
                ).hexdigest()
            elif field.type in ("date", "datetime"):
                value = field.to_string(value) or None
            elif value is False and field.type != "boolean":
                value = None
            values[name] = value
        return {"model": self._name, "id": self.id, "fields": values}

    def _md_content_hash(self):
        payload = json.dumps(
            self._md_content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def md_verify_signatures(self):
        """XML-RPC: ``md_verify_signatures(ids)`` -> ``[{signature_id, valid}]``:
        whether each valid signature's content hash still matches the record."""
        self.check_access("read")
        current = {record.id: record._md_content_hash() for record in self}
        return [
            {"signature_id": signature.id, "valid": signature.content_hash == current[signature.res_id]}
            for signature in self._md_valid_signatures()
        ]

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & set(self._md_signed_fields):
            self._md_check_signed_content()
        return result

    def _md_check_signed_content(self):
        """After a change of signed fields: refuse it or void the signatures
        whose content no longer matches (21 CFR 11.70: a signature stays bound
        to the content it signed)."""
        signatures = self._md_valid_signatures()
        if not signatures:
            return
        current = {record.id: record._md_content_hash() for record in self}
        broken = signatures.filtered(lambda s: s.content_hash != current[s.res_id])
        if not broken:
            return
        records = self.browse(set(broken.mapped("res_id")))
        if self._md_sign_on_change == "refuse":
            raise UserError(
                self.env._(
                    "%s is signed: its signed content cannot be changed.",
                    ", ".join(records.mapped("display_name")),
                )
            )
        broken._md_void(VOID_REASON_CONTENT_CHANGED)
        records.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        if "message_ids" in self._fields:
            for signature in broken:
                self.browse(signature.res_id).sudo().message_post(
                    body=self.env._(
                        "Signature of %(name)s (%(meaning)s) voided: the signed content changed.",
                        name=signature.signer_name,
                        meaning=signature.meaning_name,
                    )
                )

    @api.ondelete(at_uninstall=True)
    def _md_unlink_except_signed(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        # 11.70: deleting the record would excise its signatures.
        signed = (
            self.env["md.signature"]
            .sudo()
            .search_count([("res_model", "=", self._name), ("res_id", "in", self.ids)], limit=1)
        )
        if signed:
            raise UserError(self.env._("Signed records cannot be deleted (21 CFR 11.70)."))

    # --- form view: Sign button and Signatures page --------------------------

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form" and not arch.xpath("//field[@name='md_signature_ids']"):
            self._md_add_signature_elements(arch)
        return arch, view

    @api.model
    def _md_add_signature_elements(self, arch):
        header = arch.find("header")
        if header is None:
            header = etree.Element("header")
            arch.insert(0, header)
        # Injected after the view's own terms are translated: the labels are translated here.
        button = etree.Element(
            "button",
            {
                "name": "action_md_sign",
                "type": "object",
                "string": self.env._("Sign"),
                "invisible": "not id",
                "data-hotkey": "shift+s",
                "help": self.env._("Sign this record electronically (21 CFR Part 11)"),
            },
        )
        statusbar = header.find("field[@widget='statusbar']")
        if statusbar is not None:
            statusbar.addprevious(button)
        else:
            header.append(button)
        sheet = arch.find("sheet")
        container = sheet if sheet is not None else arch
        notebook = container.find(".//notebook")
        if notebook is None:
            notebook = etree.SubElement(container, "notebook")
        page = etree.fromstring(SIGNATURE_PAGE)
        page.set("string", self.env._("Signatures"))
        page.find(".//field[@name='void_reason']").set("string", self.env._("Voided"))
        notebook.append(page)
