from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.md_base.models.module_data import module_data_uninstalling

from ..labels import GS, Gs1LabelData, HibcLabelData, LabelError, digital_link_uri, render_gs1, render_text
from .product_product import UDI_ISSUERS

SYMBOLOGIES = [
    ("datamatrix", "DataMatrix (GS1 DataMatrix / HIBC)"),
    ("linear", "Linear (GS1-128 / HIBC Code 128)"),
]
LABEL_WIDTH_MM = 100.0
LABEL_HEIGHT_MM = 50.0
LABEL_MARGIN_MM = 3.0
# Where the XML of an RPC answer cannot carry ASCII 29 (XML 1.0), the log shows the
# separator as <GS>, the substitute md.udi.parse accepts.
GS_SUBSTITUTE = "<GS>"


class MdLabelLog(models.Model):
    """One run of UDI labels printed for a lot or serial number at one packaging level.

    The device history record lists it (21 CFR 820.184(f) / QMSR 820.35: the UDI of each
    production unit; ISO 13485 7.5.8 documented UDI assignment). The label content is taken
    from the lot and product when the run is created and never changes afterwards, so a
    reprint from the log shows what was printed.
    """

    _name = "md.label.log"
    _description = "UDI Label Run"
    _order = "print_date desc, id desc"
    _rec_name = "udi_hri"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    lot_id = fields.Many2one(
        "stock.lot", "Lot/Serial Number", required=True, readonly=True, index=True, ondelete="restrict"
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="restrict")
    packaging_id = fields.Many2one(
        "product.packaging",
        "Packaging Level",
        readonly=True,
        ondelete="restrict",
        help="Empty: the base unit of the product.",
    )
    udi_issuer = fields.Selection(UDI_ISSUERS, "Issuing Agency", required=True, readonly=True)
    udi_di = fields.Char("UDI-DI", required=True, readonly=True)
    label_lot = fields.Char("Lot on Label", readonly=True)
    label_serial = fields.Char("Serial Number on Label", readonly=True)
    label_expiry = fields.Date("Expiry Date on Label", readonly=True)
    label_production_date = fields.Date("Production Date on Label", readonly=True)
    symbology = fields.Selection(SYMBOLOGIES, required=True, readonly=True, default="datamatrix")
    with_digital_link = fields.Boolean(
        "Digital Link QR Code",
        readonly=True,
        help="Print the GS1 Digital Link URI as a QR code beside the UDI.",
    )
    digital_link = fields.Char("Digital Link URI", readonly=True)
    udi_element_string = fields.Char(
        "UDI Element String",
        required=True,
        readonly=True,
        help="The data of the UDI symbol. GS1 FNC1 separators are shown as <GS>.",
    )
    udi_hri = fields.Char("UDI (Human Readable)", required=True, readonly=True)
    copies = fields.Integer(required=True, readonly=True, default=1)
    origin = fields.Char(
        "Source Document", readonly=True, help="Receipt or manufacturing order printed from."
    )
    user_id = fields.Many2one("res.users", "Printed By", required=True, readonly=True)
    print_date = fields.Datetime("Printed On", required=True, readonly=True)

    _sql_constraints = [
        ("copies_positive", "CHECK(copies > 0)", "Print at least one copy of a label."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        """The label content comes from the lot, product and packaging, never from the caller."""
        for vals in vals_list:
            vals.update(self._md_snapshot(vals))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A printed label run is a record: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("A printed label run is a record: it cannot be deleted."))

    @api.model
    def _md_snapshot(self, vals):
        """Values of SNAPSHOT_FIELDS for a new run; UserError when the label cannot be printed."""
        lot = self.env["stock.lot"].browse(vals.get("lot_id"))
        if not lot:
            raise UserError(self.env._("Choose the lot or serial number to print labels for."))
        packaging = self.env["product.packaging"].browse(vals.get("packaging_id") or [])
        product = lot.product_id
        if packaging and packaging.product_id != product:
            raise UserError(
                self.env._(
                    "Packaging %(packaging)s is not a packaging of %(product)s.",
                    packaging=packaging.display_name,
                    product=product.display_name,
                )
            )
        identity = packaging or product
        if not identity.md_udi_di:
            raise UserError(
                self.env._(
                    "%(what)s has no UDI-DI: set it before printing UDI labels (21 CFR 801.20).",
                    what=identity.display_name,
                )
            )
        pis = self._md_production_identifiers(lot)
        data = self._md_label_data(identity.md_udi_issuer, identity.md_udi_di, pis, lot)
        uri = False
        if vals.get("with_digital_link"):
            if identity.md_udi_issuer != "gs1":
                raise UserError(
                    self.env._("%s: a GS1 Digital Link needs a GS1 UDI-DI (GTIN).", identity.display_name)
                )
            company = lot.company_id or self.env.company
            uri = digital_link_uri(company._md_dl_resolver(), data)
        try:
            label_symbols(data, vals.get("symbology") or "datamatrix", uri)
        except LabelError as error:
            raise UserError(
                self.env._(
                    "Cannot print the UDI label of %(lot)s: %(error)s", lot=lot.display_name, error=error
                )
            ) from error
        return {
            "company_id": (lot.company_id or self.env.company).id,
            "product_id": product.id,
            "udi_issuer": identity.md_udi_issuer,
            "udi_di": identity.md_udi_di,
            "label_lot": pis["lot"] or False,
            "label_serial": pis["serial"] or False,
            "label_expiry": pis["expiry"] or False,
            "label_production_date": pis["production_date"] or False,
            "udi_element_string": udi_data(data).replace(GS, GS_SUBSTITUTE),
            "udi_hri": udi_hri(data),
            "digital_link": uri,
            "user_id": self.env.uid,
            "print_date": fields.Datetime.now(),
        }

    @api.model
    def _md_production_identifiers(self, lot):
        """The UDI-PIs the product's label carries (21 CFR 830.3), from the lot; UserError if one lacks."""
        template = lot.product_id.product_tmpl_id
        pis = dict.fromkeys(("lot", "serial", "expiry", "production_date"))
        if template.md_label_serial:
            if lot.product_id.tracking != "serial":
                raise UserError(
                    self.env._(
                        "%(product)s is tracked by lot: %(lot)s is not a serial number, "
                        "so it cannot be printed as the serial number (21) of a UDI label.",
                        product=lot.product_id.display_name,
                        lot=lot.name,
                    )
                )
            pis["serial"] = lot.name
        if template.md_label_lot:
            if lot.product_id.tracking != "lot":
                raise UserError(
                    self.env._(
                        "%(product)s is tracked by serial number: Odoo keeps no lot number "
                        "for %(serial)s to print as the lot (10) of the UDI label.",
                        product=lot.product_id.display_name,
                        serial=lot.name,
                    )
                )
            pis["lot"] = lot.name
        if template.md_label_expiry:
            if not lot.expiration_date:
                raise UserError(
                    self.env._(
                        "%(lot)s has no expiration date, and the label of %(product)s must show one.",
                        lot=lot.name,
                        product=lot.product_id.display_name,
                    )
                )
            # The calendar date where the label is printed, as the user sees it on the lot.
            pis["expiry"] = fields.Datetime.context_timestamp(lot, lot.expiration_date).date()
        if template.md_label_production_date:
            if not lot.md_production_date:
                raise UserError(
                    self.env._(
                        "%(lot)s has no production date, and the label of %(product)s must show one.",
                        lot=lot.name,
                        product=lot.product_id.display_name,
                    )
                )
            pis["production_date"] = lot.md_production_date
        return pis

    @api.model
    def _md_label_data(self, issuer, di, pis, lot):
        data_class = {"gs1": Gs1LabelData, "hibcc": HibcLabelData}.get(issuer)
        if not data_class:
            raise UserError(
                self.env._(
                    "UDI labels are printed for GS1 and HIBCC device identifiers; "
                    "%(di)s is issued by %(issuer)s.",
                    di=di,
                    issuer=dict(UDI_ISSUERS)[issuer],
                )
            )
        try:
            return data_class(di, **pis)
        except LabelError as error:
            raise UserError(
                self.env._(
                    "Cannot print the UDI label of %(lot)s: %(error)s", lot=lot.display_name, error=error
                )
            ) from error

    def _md_data(self):
        """The label data as printed, from the frozen fields."""
        self.ensure_one()
        data_class = Gs1LabelData if self.udi_issuer == "gs1" else HibcLabelData
        return data_class(
            self.udi_di,
            expiry=self.label_expiry or None,
            production_date=self.label_production_date or None,
            lot=self.label_lot or None,
            serial=self.label_serial or None,
        )

    def _md_symbols(self):
        """[(Symbol, HRI text)] of this run's label: the UDI symbol(s), then the Digital Link QR code."""
        self.ensure_one()
        return label_symbols(self._md_data(), self.symbology, self.digital_link)


def udi_data(data):
    """What a scanner reads from the UDI symbol: GS1 element string or HIBC concatenated data."""
    return data.element_string() if isinstance(data, Gs1LabelData) else data.concatenated()


def udi_hri(data):
    return data.hri() if isinstance(data, Gs1LabelData) else data.concatenated()


def label_symbols(data, symbology, uri):
    """[(Symbol, HRI text)] for the label; LabelError when a symbol cannot hold the data."""
    width = LABEL_WIDTH_MM - 2 * LABEL_MARGIN_MM
    if isinstance(data, Gs1LabelData):
        kind = "gs1_datamatrix" if symbology == "datamatrix" else "gs1_128"
        symbols = render_gs1(kind, data, width)
        if len(symbols) == 1:
            pairs = [data.elements()]
        else:
            split = data.predefined_length_count()
            pairs = [data.elements()[:split], data.elements()[split:]]
        result = [(symbol, data.hri(part)) for symbol, part in zip(symbols, pairs, strict=True)]
    elif symbology == "datamatrix":
        result = [(render_text("hibc_datamatrix", data.concatenated(), width), data.concatenated())]
    else:
        parts = [data.primary()] + ([data.secondary()] if data.has_secondary() else [])
        result = [(render_text("hibc_128", part, width), part) for part in parts]
    if uri:
        result.append((render_text("qr", uri, width), uri))
    return result
