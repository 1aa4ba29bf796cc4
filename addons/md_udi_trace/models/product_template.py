from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..wizard.md_udi_export_elements import missing_elements_report

MASTER_DATA_GROUPS = ("md_base.group_md_quality_manager", "md_base.group_md_regulatory")

RISK_CLASS_US = [("I", "Class I"), ("II", "Class II"), ("III", "Class III")]
RISK_CLASS_EU = [("I", "Class I"), ("IIa", "Class IIa"), ("IIb", "Class IIb"), ("III", "Class III")]
RISK_CLASS_CN = [("I", "Class I"), ("II", "Class II"), ("III", "Class III")]
STERILISATION_METHODS = [
    ("eo", "Ethylene oxide"),
    ("gamma", "Gamma radiation"),
    ("ebeam", "Electron beam"),
    ("steam", "Moist heat (steam)"),
    ("dry_heat", "Dry heat"),
    ("h2o2", "Hydrogen peroxide"),
    ("other", "Other"),
]
MRI_SAFETY = [
    ("safe", "MR Safe"),
    ("conditional", "MR Conditional"),
    ("unsafe", "MR Unsafe"),
    ("no_info", "Labeling contains no MRI safety information"),
]
PRESCRIPTION = [("rx", "Prescription (Rx)"), ("otc", "Over the counter (OTC)"), ("both", "Rx and OTC")]
MARKET_STATUS = [
    ("on_market", "On the market"),
    ("off_market", "No longer placed on the market"),
    ("recalled", "Recalled"),
    ("fsca", "Field safety corrective action initiated"),
]
# Production identifiers on the label (21 CFR 830.3, MDR Annex VI Part C 1, NMPA 2019-66 Art. 7)
# and the stock settings they imply: Odoo keeps lot/serial numbers and their dates on stock.lot.
LABEL_PI_FIELDS = ("md_label_lot", "md_label_serial", "md_label_expiry", "md_label_production_date")
TRACKING_SOURCE_FIELDS = ("md_is_device", *LABEL_PI_FIELDS)
# 21 CFR 830.330(b): "The labeler of a device shall submit to FDA an update to the information
# required by 830.310 whenever the information changes. The updated information must be submitted no
# later than the date a device is first labeled with the changed information. If the information
# does not appear on the label of a device, the updated information must be submitted within 10
# business days of the change." (FDA CFR database and eCFR, 21 CFR 830.330).
GUDID_UPDATE_BUSINESS_DAYS = 10
# The device's GUDID information (830.310; the GUDID elements of the UDI database export) held on the
# template. A change of the variant's DI is a new device identifier, not an update (830.50).
GUDID_FIELDS = (
    *("md_device_count", "md_manufacturer_id", "md_brand_name", "md_model_version"),
    *("md_catalogue_number", "md_device_description", "md_market_status", "md_single_use"),
    *LABEL_PI_FIELDS,
    *("md_contains_latex", "md_mri_safety", "md_prescription", "md_is_kit", "md_is_combination"),
    *("md_is_hctp", "md_sterile", "md_requires_sterilisation", "md_sterilisation_method"),
    *("md_fda_premarket_number", "md_fda_product_code", "md_gmdn_code", "md_clinical_size"),
    *("md_storage_conditions", "md_storage_temp_controlled", "md_storage_temp_min", "md_storage_temp_max"),
)


def _changed_fields(records, vals, names):
    """The protected fields ``vals`` really changes (a form re-sending a value changes nothing)."""
    names = [name for name in names if name in vals]
    if not records:  # create: anything but an empty or default value
        defaults = records.default_get(names)
        return [name for name in names if vals[name] and vals[name] != defaults.get(name)]
    return [
        name
        for name in names
        if any(
            (rec._fields[name].convert_to_write(rec[name], rec) or False) != (vals[name] or False)
            for rec in records
        )
    ]


def can_edit_device_data(env):
    return env.su or any(env.user.has_group(group) for group in MASTER_DATA_GROUPS)


def check_master_data_access(records, vals, protected_fields):
    """Refuse a change of device master data to users outside QM and Regulatory Affairs.

    ISO 13485 5.5.1 / 21 CFR 11.10(d): only authorised people change regulated records.
    Enforced here so that XML-RPC meets the same rule as the form view.
    """
    if can_edit_device_data(records.env):
        return
    changed = _changed_fields(records, vals, protected_fields)
    if changed:
        labels = ", ".join(records._fields[name].string for name in changed)
        raise AccessError(
            records.env._(
                "Only a Quality Manager or Regulatory Affairs may change device master data (%(fields)s).",
                fields=labels,
            )
        )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    md_is_device = fields.Boolean(
        "Medical Device", tracking=True, help="A finished medical device that carries a UDI."
    )
    md_basic_udi_di = fields.Char(
        "Basic UDI-DI / GMN",
        tracking=True,
        help="Model key (MDR Art. 27, Annex VI Part A): not on the label; cited in the DoC and certificates. "
        "For GS1 it is the GMN (AI 8013).",
    )
    md_udi_di = fields.Char(
        "UDI-DI",
        compute="_compute_md_udi_di",
        inverse="_inverse_md_udi_di",
        help="The base-unit DI of the product's single variant; variants each have their own DI.",
    )
    md_udi_issuer = fields.Selection(
        selection=lambda self: (
            self.env["product.product"]._fields["md_udi_issuer"]._description_selection(self.env)
        ),
        string="Issuing Agency",
        compute="_compute_md_udi_di",
        inverse="_inverse_md_udi_di",
    )
    md_risk_class_us = fields.Selection(RISK_CLASS_US, "US Class", tracking=True, help="21 CFR 860.3")
    md_risk_class_eu = fields.Selection(
        RISK_CLASS_EU, "EU Class", tracking=True, help="MDR 2017/745 Art. 51, Annex VIII"
    )
    md_risk_class_cn = fields.Selection(
        RISK_CLASS_CN, "China Class", tracking=True, help="NMPA 医疗器械分类规则"
    )
    md_implantable = fields.Boolean("Implantable", tracking=True)
    md_single_use = fields.Boolean("Single Use", tracking=True)
    md_max_reuses = fields.Integer(
        "Maximum Reuses", tracking=True, help="Reusable devices: 0 means no limit stated."
    )
    md_sterile = fields.Boolean("Labelled Sterile", tracking=True)
    md_requires_sterilisation = fields.Boolean("Sterilise Before Use", tracking=True)
    md_sterilisation_method = fields.Selection(STERILISATION_METHODS, "Sterilisation Method", tracking=True)
    md_mri_safety = fields.Selection(MRI_SAFETY, "MRI Safety", tracking=True)
    md_contains_latex = fields.Boolean("Contains Natural Rubber Latex", tracking=True)
    md_cmr_substances = fields.Boolean(
        "Contains CMR / Endocrine Disruptors", tracking=True, help="MDR Annex I 10.4.5, Annex VI Part B 21"
    )
    md_storage_conditions = fields.Char("Storage Conditions", tracking=True)
    md_storage_temp_controlled = fields.Boolean("Temperature Range Applies", tracking=True)
    md_storage_temp_min = fields.Float("Minimum Temperature (°C)", tracking=True)
    md_storage_temp_max = fields.Float("Maximum Temperature (°C)", tracking=True)
    md_label_lot = fields.Boolean("Lot on Label", tracking=True)
    md_label_serial = fields.Boolean("Serial Number on Label", tracking=True)
    md_label_expiry = fields.Boolean("Expiry Date on Label", tracking=True)
    md_label_production_date = fields.Boolean("Production Date on Label", tracking=True)
    md_min_shelf_life_days = fields.Integer(
        "Minimum Shelf Life at Delivery (days)",
        tracking=True,
        help="Remaining shelf life a lot needs when it is delivered.",
    )
    md_device_count = fields.Integer(
        "Devices per Base Unit",
        default=1,
        tracking=True,
        help="GUDID Device Count / NMPA 最小销售单元中使用单元的数量: more than 1 needs a unit-of-use DI.",
    )
    md_brand_name = fields.Char("Brand / Trade Name", tracking=True)
    md_model_version = fields.Char("Model / Version", tracking=True)
    md_catalogue_number = fields.Char("Catalogue Number", tracking=True)
    md_device_description = fields.Text("Device Description", tracking=True)
    md_clinical_size = fields.Char("Clinical Size", tracking=True, help="E.g. diameter 3.0 mm; length 18 mm.")
    md_gmdn_code = fields.Char("GMDN Code", tracking=True)
    md_emdn_code = fields.Char("EMDN Code", tracking=True)
    md_nmpa_class_code = fields.Char(
        "NMPA Classification Code", tracking=True, help="分类编码, e.g. 14-02-01"
    )
    md_fda_product_code = fields.Char("FDA Product Code", tracking=True)
    md_fda_premarket_number = fields.Char(
        "FDA Premarket Number", tracking=True, help="510(k), PMA or De Novo number"
    )
    md_cn_registration_number = fields.Char("NMPA Registration / Filing Number", tracking=True)
    md_cn_insurance_code = fields.Char("Medical Insurance Code", tracking=True, help="医保耗材分类编码")
    md_prescription = fields.Selection(PRESCRIPTION, "Prescription Status", tracking=True)
    md_is_kit = fields.Boolean("Kit", tracking=True)
    md_is_combination = fields.Boolean("Combination Product", tracking=True)
    md_is_hctp = fields.Boolean(
        "Contains HCT/P", tracking=True, help="Human cells, tissues or tissue-based products"
    )
    md_eifu_url = fields.Char("eIFU URL", tracking=True)
    md_critical_warnings = fields.Text("Critical Warnings", tracking=True)
    md_market_status = fields.Selection(MARKET_STATUS, "Market Status", default="on_market", tracking=True)
    md_manufacturer_id = fields.Many2one(
        "res.partner",
        "Legal Manufacturer",
        tracking=True,
        help="Labeler (GUDID), manufacturer (EUDAMED), registrant (NMPA). Empty: the company.",
    )
    md_authorised_rep_id = fields.Many2one(
        "res.partner",
        "EU Authorised Representative",
        tracking=True,
        help="MDR Art. 11, for non-EU manufacturers",
    )
    md_gudid_publish_date = fields.Date(
        "GUDID Publish Date",
        tracking=True,
        copy=False,
        help="Date the device identifier record was published in the FDA GUDID. Later changes of its "
        "GUDID information start the 21 CFR 830.330(b) update deadline.",
    )
    md_gudid_changed_date = fields.Date(
        "GUDID Information Changed",
        readonly=True,
        tracking=True,
        copy=False,
        help="Last change of the device's GUDID information (or of a packaging level) after the GUDID "
        "publish date; set when the change is saved.",
    )
    md_gudid_update_submitted_date = fields.Date(
        "GUDID Update Submitted",
        tracking=True,
        copy=False,
        help="Date the update of the GUDID record was submitted to FDA.",
    )
    md_gudid_update_due = fields.Date(
        "GUDID Update Due",
        compute="_compute_md_gudid_update_due",
        store=True,
        help="21 CFR 830.330(b): an update not appearing on the label is due within 10 business days of "
        "the change (the company's FDA deadline calendar). Information that appears on the label is "
        "due no later than the date a device is first labeled with it, which may be earlier.",
    )

    # The default serves new records in the form view, which the compute does not reach.
    md_can_edit_device = fields.Boolean(
        compute="_compute_md_can_edit_device", default=lambda self: can_edit_device_data(self.env)
    )
    md_udi_missing_elements = fields.Text(
        "Missing UDI Data",
        compute="_compute_md_udi_missing_elements",
        help="Required elements each UDI database (GUDID, EUDAMED, NMPA UDID) still lacks.",
    )

    _sql_constraints = [
        (
            "md_max_reuses_positive",
            "CHECK(md_max_reuses >= 0)",
            "The maximum number of reuses cannot be negative.",
        ),
        (
            "md_device_count_positive",
            "CHECK(md_device_count >= 1)",
            "A base unit contains at least one device.",
        ),
        (
            "md_min_shelf_life_positive",
            "CHECK(md_min_shelf_life_days >= 0)",
            "A minimum shelf life cannot be negative.",
        ),
    ]

    @api.model
    def _md_protected_fields(self):
        """Device master data: every md_ field of the template except computed ones."""
        return [name for name, field in self._fields.items() if name.startswith("md_") and not field.compute]

    @api.depends_context("uid")
    def _compute_md_can_edit_device(self):
        self.md_can_edit_device = can_edit_device_data(self.env)

    def _compute_md_udi_missing_elements(self):
        reports = missing_elements_report(self.product_variant_ids)
        for template in self:
            variants = template.product_variant_ids.filtered(lambda v: reports.get(v.id))
            if len(template.product_variant_ids) == 1:
                template.md_udi_missing_elements = reports.get(variants.id, False)
            else:
                texts = [f"{variant.display_name}\n{reports[variant.id]}" for variant in variants]
                template.md_udi_missing_elements = "\n\n".join(texts) or False

    @api.depends("md_gudid_changed_date", "md_gudid_update_submitted_date", "company_id")
    def _compute_md_gudid_update_due(self):
        """Change date + 10 business days of the FDA calendar, until an update is submitted."""
        due = self.filtered(
            lambda t: (
                t.md_gudid_changed_date
                and not (
                    t.md_gudid_update_submitted_date
                    and t.md_gudid_update_submitted_date >= t.md_gudid_changed_date
                )
            )
        )
        (self - due).md_gudid_update_due = False
        for company, templates in due.grouped(lambda t: t.company_id or self.env.company).items():
            count = company._md_working_day_counter(
                "fda", templates.mapped("md_gudid_changed_date"), GUDID_UPDATE_BUSINESS_DAYS
            )
            for template in templates:
                template.md_gudid_update_due = count(
                    template.md_gudid_changed_date, GUDID_UPDATE_BUSINESS_DAYS
                )

    def _md_gudid_published(self):
        """The templates whose GUDID record was published before today: a change "after the
        publication date" (not on that day) is an update of the published record."""
        today = fields.Date.context_today(self)
        return self.filtered(lambda t: t.md_gudid_publish_date and t.md_gudid_publish_date < today)

    def _md_gudid_mark_changed(self):
        """Record today as the change date of the published GUDID records among ``self``."""
        published = self._md_gudid_published()
        if published:
            # A record of what changed, not a user's edit: written whatever the user's rights on products
            # (a packaging quantity may be changed by stock users). The user stays the author.
            published.sudo().write({"md_gudid_changed_date": fields.Date.context_today(self)})

    @api.depends("product_variant_ids.md_udi_di", "product_variant_ids.md_udi_issuer")
    def _compute_md_udi_di(self):
        for template in self:
            variant = template.product_variant_ids if len(template.product_variant_ids) == 1 else False
            template.md_udi_di = variant.md_udi_di if variant else False
            template.md_udi_issuer = variant.md_udi_issuer if variant else False

    def _inverse_md_udi_di(self):
        for template in self.filtered(lambda t: len(t.product_variant_ids) == 1):
            template.product_variant_ids.write(
                {"md_udi_issuer": template.md_udi_issuer or "gs1", "md_udi_di": template.md_udi_di}
            )
        # Show the variant's stored (normalised) DI, not the value as typed.
        self.invalidate_recordset(["md_udi_di", "md_udi_issuer"])

    def _get_related_fields_variant_template(self):
        return [*super()._get_related_fields_variant_template(), "md_udi_issuer", "md_udi_di"]

    @api.model
    def _md_stock_settings(self, values):
        """Tracking and expiry settings implied by the label's production identifiers.

        A serial number on the label means one device per serial (tracking by serial); a lot
        means tracking by lot; an expiry date is kept on the lot (product_expiry).
        """
        if not values.get("md_is_device"):
            return {}
        if values.get("md_label_serial"):
            tracking = "serial"
        elif values.get("md_label_lot"):
            tracking = "lot"
        else:
            tracking = "none"
        settings = {"tracking": tracking, "use_expiration_date": bool(values.get("md_label_expiry"))}
        if tracking != "none":
            settings["is_storable"] = True
        return settings

    def _md_current_values(self, names):
        self.ensure_one()
        return {name: self[name] for name in names}

    @api.onchange(*TRACKING_SOURCE_FIELDS)
    def _onchange_md_label_pis(self):
        for template in self:
            for name, value in self._md_stock_settings(
                template._md_current_values(TRACKING_SOURCE_FIELDS)
            ).items():
                template[name] = value

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_master_data_access(self.browse(), vals, self._md_protected_fields())
            # The label decides: creating a product variant passes the template's defaults
            # (tracking 'none'...) in vals, so these are not the caller's choice.
            vals.update(self._md_stock_settings(vals))
        return super().create(vals_list)

    def write(self, vals):
        check_master_data_access(self, vals, self._md_protected_fields())
        gudid_changed = self._md_gudid_published().filtered(lambda t: _changed_fields(t, vals, GUDID_FIELDS))
        if not set(TRACKING_SOURCE_FIELDS) & vals.keys():
            result = super().write(vals)
        else:
            # The implied stock settings go in the same write, so that the constraint sees a consistent
            # record.
            batches = defaultdict(lambda: self.browse())
            for template in self:
                values = {**template._md_current_values(TRACKING_SOURCE_FIELDS), **vals}
                settings = {
                    name: value
                    for name, value in self._md_stock_settings(values).items()
                    if name not in vals and template[name] != value
                }
                batches[tuple(sorted(settings.items()))] |= template
            for settings, templates in batches.items():
                super(ProductTemplate, templates).write({**vals, **dict(settings)})
            result = True
        gudid_changed._md_gudid_mark_changed()
        return result

    @api.constrains(*TRACKING_SOURCE_FIELDS, "tracking", "use_expiration_date")
    def _check_md_label_pis(self):
        for template in self.filtered("md_is_device"):
            if (template.md_label_expiry or template.md_label_production_date) and not (
                template.md_label_lot or template.md_label_serial
            ):
                raise ValidationError(
                    self.env._(
                        "%s: a label with an expiry or production date also needs a lot or serial number: "
                        "Odoo keeps these dates on the lot/serial number.",
                        template.display_name,
                    )
                )
            expected = self._md_stock_settings(template._md_current_values(TRACKING_SOURCE_FIELDS))
            if (
                template.tracking != expected["tracking"]
                or template.use_expiration_date != expected["use_expiration_date"]
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: the label's production identifiers require tracking '%(tracking)s' "
                        "and expiration dates %(expiry)s. Change the label identifiers instead.",
                        product=template.display_name,
                        tracking=dict(self._fields["tracking"]._description_selection(self.env))[
                            expected["tracking"]
                        ],
                        expiry=self.env._("on") if expected["use_expiration_date"] else self.env._("off"),
                    )
                )

    @api.constrains("md_storage_temp_controlled", "md_storage_temp_min", "md_storage_temp_max")
    def _check_md_storage_temperature(self):
        for template in self.filtered("md_storage_temp_controlled"):
            if template.md_storage_temp_min > template.md_storage_temp_max:
                raise ValidationError(
                    self.env._(
                        "%(product)s: the minimum storage temperature (%(min)s °C) "
                        "is above the maximum (%(max)s °C).",
                        product=template.display_name,
                        min=template.md_storage_temp_min,
                        max=template.md_storage_temp_max,
                    )
                )

    @api.constrains("md_single_use", "md_max_reuses")
    def _check_md_reuses(self):
        for template in self.filtered(lambda t: t.md_single_use and t.md_max_reuses):
            raise ValidationError(
                self.env._("%s: a single-use device cannot have a number of reuses.", template.display_name)
            )

    @api.constrains("company_id")
    def _check_md_udi_di_company(self):
        """Moving a product to another company must not create a duplicate DI there."""
        variants = self.with_context(active_test=False).product_variant_ids
        self.env["product.product"]._md_check_di_unique(variants, variants.packaging_ids)
