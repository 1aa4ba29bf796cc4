from odoo import api, fields, models
from odoo.tools import SQL


class MdScanSession(models.Model):
    """The device identifier waiting for its production identifiers, per operation and user.

    Many device labels carry the UDI in two symbols: the UDI-DI in one, the UDI-PI (lot,
    serial, dates) in the other (21 CFR 830.3: UDI = DI + PI). A DI-only scan of a tracked
    device is kept here until the PI-only scan that follows it; the row lives in the database
    so the pair works across XML-RPC calls as well as in the web client.
    """

    _name = "md.scan.session"
    _description = "UDI Scan Session"
    _order = "write_date desc, id desc"

    res_model = fields.Char(string="Operation Model", required=True)
    res_id = fields.Many2oneReference(string="Operation", model_field="res_model", required=True)
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    pending_di = fields.Char(
        string="Pending UDI-DI", help="Device identifier scanned without its lot or serial."
    )
    pending_product_id = fields.Many2one("product.product", ondelete="cascade")
    pending_packaging_id = fields.Many2one("product.packaging", ondelete="set null")

    _sql_constraints = [
        (
            "operation_user_unique",
            "unique(res_model, res_id, user_id)",
            "One scan session per operation and user.",
        ),
    ]

    @api.model
    def _md_for(self, res_model, res_id):
        """The current user's session of one operation, created on first use.

        Created with ``ON CONFLICT DO NOTHING``: two handhelds of one user starting on the same
        operation at once both insert it; the second waits for the first, then PostgreSQL
        refuses it as a serialization failure and Odoo replays the request, which finds the row.
        """
        domain = [("res_model", "=", res_model), ("res_id", "=", res_id), ("user_id", "=", self.env.uid)]
        fetched = ["pending_di", "pending_product_id", "pending_packaging_id"]
        session = self.search_fetch(domain, fetched, limit=1)
        if session:
            return session
        self.env.cr.execute(
            SQL(
                """INSERT INTO md_scan_session (res_model, res_id, user_id, company_id,
                                                create_uid, create_date, write_uid, write_date)
                   VALUES (%(model)s, %(res_id)s, %(uid)s, %(company)s,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                   ON CONFLICT (res_model, res_id, user_id) DO NOTHING""",
                model=res_model,
                res_id=res_id,
                uid=self.env.uid,
                company=self.env.company.id,
            ),
            log_exceptions=False,  # the serialization failure above is expected and replayed
        )
        return self.search_fetch(domain, fetched, limit=1)

    def _md_hold(self, di, product, packaging):
        self.ensure_one()
        self.write({"pending_di": di, "pending_product_id": product.id, "pending_packaging_id": packaging.id})

    def _md_clear(self):
        if self.pending_di:
            self.write({"pending_di": False, "pending_product_id": False, "pending_packaging_id": False})
