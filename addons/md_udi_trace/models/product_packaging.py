from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.md_base.models.module_data import module_data_uninstalling

from .product_product import (
    NOT_MOVED_STATES,
    UDI_ISSUERS,
    check_di_change_allowed,
    normalise_di,
    single_issuer,
)
from .product_template import _changed_fields, can_edit_device_data, check_master_data_access

# Packaging levels of a device (21 CFR 801.20 / MDR Art. 27(3): a UDI on every package level;
# GS1 GTIN allocation rules: each level with another contained quantity gets its own DI).
UDI_LEVELS = [
    ("unit_of_use", "Unit of use"),
    ("each", "Each"),
    ("inner", "Inner pack"),
    ("box", "Box"),
    ("case", "Case"),
    ("pallet", "Pallet"),
]
DI_FIELDS = ["md_udi_di", "md_udi_issuer", "md_udi_level"]
# The contained quantity and the product belong to what a packaging DI identifies
# (GS1 GTIN management rules: another quantity is another GTIN).
DI_IDENTITY_FIELDS = ("md_udi_di", "md_udi_issuer", "qty", "product_id")
# GUDID package information (package DI, issuing agency, quantity per package, package type): a change
# is an update of the device's GUDID record (21 CFR 830.330(b)).
GUDID_PACKAGING_FIELDS = ("md_udi_di", "md_udi_issuer", "qty", "md_udi_level", "product_id")


class ProductPackaging(models.Model):
    _name = "product.packaging"
    _inherit = ["product.packaging", "mail.thread"]

    md_udi_di = fields.Char(
        "UDI-DI",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="Device identifier of this packaging level (GS1: GTIN-14 with its packaging indicator).",
    )
    md_udi_issuer = fields.Selection(UDI_ISSUERS, "Issuing Agency", default="gs1", tracking=True)
    md_udi_level = fields.Selection(UDI_LEVELS, "Packaging Level", tracking=True)
    md_can_edit_device = fields.Boolean(
        compute="_compute_md_can_edit_device", default=lambda self: can_edit_device_data(self.env)
    )
    name = fields.Char(tracking=True)
    qty = fields.Float(tracking=True)

    @api.depends_context("uid")
    def _compute_md_can_edit_device(self):
        self.md_can_edit_device = can_edit_device_data(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_master_data_access(self.browse(), vals, DI_FIELDS)
            if vals.get("md_udi_di"):
                vals["md_udi_di"] = normalise_di(
                    self.env, vals["md_udi_di"], vals.get("md_udi_issuer", "gs1")
                )
        packagings = super().create(vals_list)
        packagings.filtered("md_udi_di").product_id.product_tmpl_id._md_gudid_mark_changed()
        return packagings

    def write(self, vals):
        if vals.get("md_udi_di"):
            vals = {**vals, "md_udi_di": normalise_di(self.env, vals["md_udi_di"], single_issuer(self, vals))}
        check_master_data_access(self, vals, DI_FIELDS)
        check_di_change_allowed(self, self.product_id, vals, DI_IDENTITY_FIELDS)
        changed = self.filtered(
            lambda p: (
                (p.md_udi_di or vals.get("md_udi_di")) and _changed_fields(p, vals, GUDID_PACKAGING_FIELDS)
            )
        )
        templates = changed.product_id.product_tmpl_id
        result = super().write(vals)
        (templates | changed.product_id.product_tmpl_id)._md_gudid_mark_changed()
        return result

    def unlink(self):
        templates = self.filtered("md_udi_di").product_id.product_tmpl_id
        result = super().unlink()
        templates._md_gudid_mark_changed()
        return result

    @api.constrains("md_udi_di", "md_udi_issuer", "product_id", "company_id")
    def _check_md_udi_di(self):
        for packaging in self.filtered("md_udi_di"):
            if normalise_di(self.env, packaging.md_udi_di, packaging.md_udi_issuer) != packaging.md_udi_di:
                raise ValidationError(
                    self.env._(
                        "%s: the UDI-DI is not in its stored form for its issuing agency.",
                        packaging.display_name,
                    )
                )
        self.env["product.product"]._md_check_di_unique(self.env["product.product"], self)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_labelled(self):
        """A packaging DI that went through stock is on labels: keep it for traceability (ISO 13485 7.5.9)."""
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        labelled = self.filtered("md_udi_di")
        moved = labelled and self.env["stock.move"].sudo().search_count(
            [("product_id", "in", labelled.product_id.ids), ("state", "not in", NOT_MOVED_STATES)], limit=1
        )
        if moved:
            raise UserError(
                self.env._(
                    "Packaging %s has a UDI-DI and its product has stock moves: it cannot be deleted.",
                    labelled[0].display_name,
                )
            )
