import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..udi import UdiError, hibcc_check_character, normalize_gtin
from ..wizard.md_udi_export_elements import missing_elements_report
from .product_template import check_master_data_access

# Issuing agencies accredited by FDA (21 CFR 830.20), designated by the EU (Decision 2019/939)
# and accepted by NMPA (MA: 中关村工信二维码技术研究院, AHM: 阿里健康).
UDI_ISSUERS = [
    ("gs1", "GS1"),
    ("hibcc", "HIBCC"),
    ("iccbba", "ICCBBA"),
    ("ma", "MA (IDcode)"),
    ("ahm", "AHM (Alibaba Health)"),
]
# HIBC LIC primary data (ANSI/HIBC 2.6): LIC (4, first alphabetic), PCN (1-18), unit of measure (1 digit).
HIBCC_DI = re.compile(r"[A-Z][A-Z0-9]{3}[A-Z0-9]{1,18}[0-9]")
# ISBT 128 Processor Product Identification Code (data structure 034): FIN (5, first alphabetic) + 11.
ICCBBA_DI = re.compile(r"[A-Z][A-Z0-9]{15}")
# MA (ISO/IEC 15459 IAC "MA") codes: "MA." + 3-digit country code + "." + dot-separated alphanumeric segments.
MA_DI = re.compile(r"MA\.[0-9]{3}(\.[0-9A-Z]+){2,}")
AHM_DI = re.compile(r"[0-9A-Z]{8,40}")
# The DI of a device that has moved in stock is on labels: a change is a new device (21 CFR 830.50,
# MDR Annex VI Part C). Draft and cancelled moves never happened, so they do not count.
NOT_MOVED_STATES = ("draft", "cancel")


def normalise_di(env, di, issuer):
    """Return ``di`` in its stored form, or raise ValidationError saying what is wrong.

    GS1: GTIN-14 with a correct check digit. HIBCC: LIC + PCN + U/M; given with its leading
    '+' it must end with the right modulus 43 check character, which is then dropped.
    """
    di = (di or "").strip()
    if not di:
        return False
    if issuer == "gs1":
        try:
            return normalize_gtin(di)
        except UdiError as error:
            raise ValidationError(env._("Invalid GS1 UDI-DI: %s", error)) from error
    di = di.upper()
    if issuer == "hibcc":
        return _normalise_hibcc(env, di)
    if issuer == "iccbba":
        di = di.removeprefix("=/")
    pattern = {"iccbba": ICCBBA_DI, "ma": MA_DI, "ahm": AHM_DI}.get(issuer)
    if pattern is None:
        raise ValidationError(env._("UDI-DI %s: choose its issuing agency.", di))
    if not pattern.fullmatch(di):
        raise ValidationError(
            env._(
                "UDI-DI %(di)s does not have the structure of a %(issuer)s device identifier.",
                di=di,
                issuer=dict(UDI_ISSUERS)[issuer],
            )
        )
    return di


def _normalise_hibcc(env, di):
    if di.startswith("+"):
        body, check = di[1:-1], di[-1:]
        try:
            expected = hibcc_check_character("+" + body)
        except UdiError as error:
            raise ValidationError(
                env._("Invalid HIBC UDI-DI %(di)s: %(error)s", di=di, error=error)
            ) from error
        if check != expected:
            raise ValidationError(
                env._(
                    "Invalid HIBC UDI-DI %(di)s: the check character should be %(expected)s, not %(check)s.",
                    di=di,
                    expected=expected,
                    check=check,
                )
            )
        di = body
    if not HIBCC_DI.fullmatch(di):
        raise ValidationError(
            env._(
                "Invalid HIBC UDI-DI %s: expected a labeler code of 4 characters starting with a letter, "
                "a product number of 1 to 18 letters or digits and a unit-of-measure digit.",
                di,
            )
        )
    return di


def single_issuer(records, vals):
    """The issuing agency a written DI belongs to: the one written, else the records' own."""
    if "md_udi_issuer" in vals:
        return vals["md_udi_issuer"]
    issuers = set(records.mapped("md_udi_issuer"))
    if len(issuers) > 1:
        raise ValidationError(
            records.env._("Set the UDI-DI of records with different issuing agencies one by one.")
        )
    return issuers.pop() if issuers else "gs1"


def check_di_change_allowed(records, products, vals, identity_fields):
    """Refuse to change the identity of a DI whose device already moved in stock."""
    changing = records.filtered(
        lambda rec: (
            rec.md_udi_di
            and any(
                (rec._fields[name].convert_to_write(rec[name], rec) or False) != (vals[name] or False)
                for name in identity_fields
                if name in vals
            )
        )
    )
    if not changing:
        return
    moved = (
        records.env["stock.move"]
        .sudo()
        ._read_group(
            [("product_id", "in", products.ids), ("state", "not in", NOT_MOVED_STATES)], ["product_id"]
        )
    )
    if moved:
        raise UserError(
            records.env._(
                "%(product)s has stock moves: its UDI-DI %(di)s is on labels and cannot change "
                "(21 CFR 830.50, EU MDR Annex VI Part C). "
                "Create a new product for the new device identifier.",
                product=moved[0][0].display_name,
                di=changing[0].md_udi_di,
            )
        )


class ProductProduct(models.Model):
    _inherit = "product.product"

    md_udi_di = fields.Char(
        "UDI-DI",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="Device identifier of this variant's base unit. GS1 DIs are stored as GTIN-14; "
        "HIBCC DIs as labeler code + product number + unit of measure, without '+' and check character.",
    )
    md_udi_issuer = fields.Selection(UDI_ISSUERS, "Issuing Agency", default="gs1", tracking=True)
    md_udi_missing_elements = fields.Text(
        "Missing UDI Data",
        compute="_compute_md_udi_missing_elements",
        help="Required elements each UDI database (GUDID, EUDAMED, NMPA UDID) still lacks.",
    )

    def _compute_md_udi_missing_elements(self):
        reports = missing_elements_report(self)
        for product in self:
            product.md_udi_missing_elements = reports.get(product.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_master_data_access(self.browse(), vals, ["md_udi_di", "md_udi_issuer"])
            if vals.get("md_udi_di"):
                vals["md_udi_di"] = normalise_di(
                    self.env, vals["md_udi_di"], vals.get("md_udi_issuer", "gs1")
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("md_udi_di"):
            vals = {**vals, "md_udi_di": normalise_di(self.env, vals["md_udi_di"], single_issuer(self, vals))}
        check_master_data_access(self, vals, ["md_udi_di", "md_udi_issuer"])
        check_di_change_allowed(self, self, vals, ("md_udi_di", "md_udi_issuer"))
        previous = {product.id: product.md_udi_di for product in self} if "md_udi_di" in vals else {}
        result = super().write(vals)
        changed = self.filtered(
            lambda product: product.id in previous and previous[product.id] != product.md_udi_di
        )
        self.env["md.event"]._md_emit(
            "udi.di.changed",
            changed,
            lambda product: {
                "product_id": product.id,
                "reference": product.default_code or None,
                "issuer": product.md_udi_issuer or None,
                "previous_di": previous[product.id] or None,
                "di": product.md_udi_di or None,
            },
        )
        return result

    @api.constrains("md_udi_di", "md_udi_issuer")
    def _check_md_udi_di(self):
        for product in self.filtered("md_udi_di"):
            if normalise_di(self.env, product.md_udi_di, product.md_udi_issuer) != product.md_udi_di:
                raise ValidationError(
                    self.env._(
                        "%s: the UDI-DI is not in its stored form for its issuing agency.",
                        product.display_name,
                    )
                )
        self._md_check_di_unique(self, self.env["product.packaging"])

    @api.model
    def _md_check_di_unique(self, products, packagings):
        """One DI identifies one device record per company (21 CFR 830.20, MDR Art. 27).

        One query over products and packagings; archived records keep their DI, as a DI is never
        reused. A record without company is shared, so it conflicts with every company's records.
        """
        dis = list(
            set(
                products.filtered("md_udi_di").mapped("md_udi_di")
                + packagings.filtered("md_udi_di").mapped("md_udi_di")
            )
        )
        if not dis:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH di_record AS (
                    SELECT 'product.product' AS model, pp.id, pp.md_udi_di AS di, pt.company_id
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pp.md_udi_di = ANY(%(dis)s)
                    UNION ALL
                    SELECT 'product.packaging', pk.id, pk.md_udi_di, COALESCE(pk.company_id, pt.company_id)
                      FROM product_packaging pk
                      JOIN product_product pp ON pp.id = pk.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pk.md_udi_di = ANY(%(dis)s)
                )
                SELECT mine.model, mine.id, other.model, other.id, mine.di
                  FROM di_record mine
                  JOIN di_record other
                    ON other.di = mine.di
                   AND (other.model, other.id) <> (mine.model, mine.id)
                   AND (mine.company_id IS NULL OR other.company_id IS NULL
                        OR mine.company_id = other.company_id)
                 WHERE (mine.model = 'product.product' AND mine.id = ANY(%(product_ids)s))
                    OR (mine.model = 'product.packaging' AND mine.id = ANY(%(packaging_ids)s))
                 LIMIT 1
                """,
                dis=dis,
                product_ids=products.ids,
                packaging_ids=packagings.ids,
            )
        )
        conflict = self.env.cr.fetchone()
        if conflict:
            mine_model, mine_id, other_model, other_id, di = conflict
            mine, other = (
                self.env[model].sudo().browse(rec_id)
                for model, rec_id in ((mine_model, mine_id), (other_model, other_id))
            )
            raise ValidationError(
                self.env._(
                    "UDI-DI %(di)s of %(record)s is already used by %(other)s (%(kind)s) "
                    "in the same company: each device and packaging level needs its own DI.",
                    di=di,
                    record=mine.display_name,
                    other=other.display_name,
                    kind=other._description,
                )
            )

    @api.model
    def _md_find_by_di(self, di):
        """Return (product, packaging) whose DI is exactly ``di`` in the current company or shared.

        GS1 DIs are matched as GTIN-14, HIBCC DIs as LIC + PCN + U/M (the stored forms).
        One query; empty recordsets when the DI is unknown.
        """
        Packaging = self.env["product.packaging"]
        di = (di or "").strip()
        if di.isdigit() and len(di) in (8, 12, 13):
            di = di.zfill(14)
        if not di:
            return self.browse(), Packaging
        self.flush_model(["md_udi_di", "active", "product_tmpl_id"])
        self.env["product.template"].flush_model(["company_id"])
        Packaging.flush_model(["md_udi_di", "company_id", "product_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT pp.id, NULL::integer, pp.active
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.md_udi_di = %(di)s AND COALESCE(pt.company_id, %(company)s) = %(company)s
                UNION ALL
                SELECT pk.product_id, pk.id, pp.active
                  FROM product_packaging pk
                  JOIN product_product pp ON pp.id = pk.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pk.md_udi_di = %(di)s
                   AND COALESCE(pk.company_id, pt.company_id, %(company)s) = %(company)s
                 ORDER BY 3 DESC
                 LIMIT 1
                """,
                di=di,
                company=self.env.company.id,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.browse(), Packaging
        return self.browse(row[0]), Packaging.browse(row[1] or [])
