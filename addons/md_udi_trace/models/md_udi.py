from odoo import api, fields, models
from odoo.exceptions import UserError

from ..udi import UdiError
from ..udi import parse as parse_udi


class MdUdi(models.AbstractModel):
    _name = "md.udi"
    _description = "UDI Parser"

    @api.model
    def parse(self, raw):
        """Parse one UDI (GS1, HIBCC or ICCBBA ISBT 128) for scanning and for integrators.

        XML-RPC: ``execute_kw(db, uid, pwd, 'md.udi', 'parse', [raw])``. Returns a dict:
        ``issuer`` ('gs1' | 'hibcc' | 'iccbba'), ``di`` (GS1: GTIN-14; HIBCC: LIC + PCN + unit of
        measure; ICCBBA: the PPIC), ``lot``, ``serial``, ``expiry`` and ``production_date``
        ('YYYY-MM-DD'), ``quantity``, ``product_id`` / ``packaging_id`` (ids of the product or packaging
        whose UDI-DI this is in the current company), ``pi_only`` (True when the symbol carries
        production identifiers only, the second symbol of a split label) and ``extra`` (other GS1 AIs
        by AI number; ``dates``: other dates of the item such as best before (AI 15) as
        'YYYY-MM-DD'; ``made_to_order_gtin`` when the DI is an AI (03) GTIN; ``zero_suppressed_gtin``
        when a legacy Digital Link wrote the GTIN with fewer than 14 digits; other HIBCC/ISBT 128
        fields, ``symbols`` = 2 when an HIBC primary and secondary symbol were read together).
        Absent values are False.

        The GS1 separator FNC1 is ASCII 29, which XML 1.0 cannot carry: over XML-RPC send it as
        ``<GS>`` (also accepted: ``{GS}``, ``[GS]``, ``^]``, a literally typed ``\\x1d`` or
        ``\\u001d``, the symbol U+241D and ``|``), or send the parenthesised form
        ``(01)...(17)...(10)...``. JSON-RPC carries ASCII 29 as is.

        Invalid input raises UserError saying what is wrong and where.
        """
        try:
            result = parse_udi(raw, today=fields.Date.context_today(self))
        except UdiError as error:
            raise UserError(self.env._("Invalid UDI: %s", error)) from error
        product, packaging = self.env["product.product"].browse(), self.env["product.packaging"].browse()
        if result.di:
            product, packaging = self.env["product.product"]._md_find_by_di(result.di)
        return {
            "issuer": result.issuer,
            "di": result.di or False,
            "lot": result.lot or False,
            "serial": result.serial or False,
            "expiry": fields.Date.to_string(result.expiry) if result.expiry else False,
            "production_date": fields.Date.to_string(result.production_date)
            if result.production_date
            else False,
            "quantity": result.quantity if result.quantity is not None else False,
            "product_id": product.id or False,
            "packaging_id": packaging.id or False,
            "pi_only": result.pi_only,
            "extra": dict(result.extra),
        }
