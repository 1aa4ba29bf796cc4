from odoo import api, fields, models
from odoo.tools import SQL


class MdLotClaim(models.Model):
    """The lot and serial numbers that scanning created, one row each.

    Two scanners receiving the same new serial number at once (two receipts, or two handhelds
    on one receipt) would each miss the other's uncommitted lot and create it twice. Before
    creating lots, a scan claims their numbers here with ``INSERT ... ON CONFLICT DO NOTHING``:
    the second insert waits on the unique index for the first transaction, and when the first
    commits, PostgreSQL refuses the second as a serialization failure (a conflicting row its
    snapshot cannot see), which Odoo replays: the replay finds the lot and applies the scan
    rules to it ("already being received"). Written only by SQL from scanning.
    """

    _name = "md.lot.claim"
    _description = "Lot/Serial Number Claim"
    _log_access = False

    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    name = fields.Char("Lot/Serial Number", required=True, readonly=True)

    _sql_constraints = [
        (
            "claim_unique",
            "unique(product_id, company_id, name)",
            "A lot or serial number is created once per product and company.",
        ),
    ]

    @api.model
    def _md_claim(self, keys, company):
        """Claim ``keys`` ((product id, lot name) pairs about to be created) for ``company``."""
        products, names = zip(*sorted(keys), strict=True)
        # The serialization failure of a concurrent claim is expected: Odoo replays the request.
        self.env.cr.execute(
            SQL(
                """INSERT INTO md_lot_claim (product_id, company_id, name)
                   SELECT product_id, %s, name FROM unnest(%s::int4[], %s::varchar[]) AS k(product_id, name)
                   ON CONFLICT (product_id, company_id, name) DO NOTHING""",
                company.id,
                list(products),
                list(names),
            ),
            log_exceptions=False,
        )
