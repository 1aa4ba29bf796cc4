from odoo import Command
from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class NcrCase(TransactionCase):
    """A lot-tracked product with 100 units of lot NCR-L1 received from a supplier,
    users of each role with known passwords (e-signatures), and helpers for the
    nonconformance workflow (ISO 13485 8.3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Failed signing attempts are logged in a transaction of their own (md_regulatory).
        if not cls.registry.in_test_mode():  # HttpCase (the tour) enters it itself
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.user = cls._user("ncr_user", "md_base.group_md_user")
        cls.inspector = cls._user("ncr_inspector", "md_base.group_md_quality_inspector")
        cls.manager = cls._user("ncr_manager", "md_base.group_md_quality_manager")
        cls.manager2 = cls._user("ncr_manager2", "md_base.group_md_quality_manager")
        cls.regulatory = cls._user("ncr_regulatory", "md_base.group_md_regulatory")
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier = cls.env["res.partner"].create({"name": "Polymer Supplier NCR"})
        # A category of its own: no inspection plan of another test or the demo applies.
        category = cls.env["product.category"].create({"name": "NCR Test Products"})
        cls.product = cls.env["product.product"].create(
            {"name": "Infusion Line NCR", "is_storable": True, "tracking": "lot", "categ_id": category.id}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "NCR-L1", "product_id": cls.product.id})
        cls.receipt = cls._receive(cls.lot, 100)

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=f"{groups},stock.group_stock_user",
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
        )

    @classmethod
    def _receive(cls, lot, quantity, validate=True):
        """A receipt of ``quantity`` of ``lot`` from the supplier, its line picked; validated
        unless ``validate`` is False."""
        picking_type = cls.warehouse.in_type_id
        supplier_location = cls.env.ref("stock.stock_location_suppliers")
        receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": cls.supplier.id,
                "location_id": supplier_location.id,
                "location_dest_id": cls.stock.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": quantity,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": supplier_location.id,
                            "location_dest_id": cls.stock.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": receipt.move_ids.id,
                "picking_id": receipt.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": quantity,
                "location_id": supplier_location.id,
                "location_dest_id": cls.stock.id,
                "picked": True,
            }
        )
        if validate:
            receipt.button_validate()
        return receipt

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    def on_hand(self, lot, location=None):
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", (location or self.stock).id)]
        )
        return sum(quants.mapped("quantity"))

    def new_ncr(self, quantity=100, user=None, **vals):
        return (
            self.env["md.quality.ncr"]
            .with_user(user or self.inspector)
            .create(
                {
                    "source": "supplier",
                    "product_id": self.product.id,
                    "lot_ids": [Command.set(self.lot.ids)],
                    "quantity": quantity,
                    "partner_id": self.supplier.id,
                    "picking_id": self.receipt.id,
                    "description": "Tubing wall thickness below specification",
                    **vals,
                }
            )
        )

    def ncr_in_disposition(self, dispositions, quantity=100):
        """An NCR contained and evaluated, with the MRB's dispositions decided:
        ``dispositions`` = [(type, quantity, extra vals)]."""
        ncr = self.new_ncr(quantity=quantity)
        ncr.action_contain()
        ncr.investigation = "Extrusion die worn at the supplier; other lots checked, not affected."
        ncr.action_mrb_review()
        ncr = ncr.with_user(self.manager)
        ncr.disposition_ids = [
            Command.create(
                {
                    "disposition_type": kind,
                    "lot_id": self.lot.id,
                    "location_id": self.stock.id,
                    "quantity": qty,
                    **extra,
                }
            )
            for kind, qty, extra in dispositions
        ]
        ncr.action_decide_disposition()
        return ncr

    def active_holds(self, ncr):
        return self.env["md.lot.hold"].search(
            [("res_model", "=", "md.quality.ncr"), ("res_id", "=", ncr.id), ("state", "=", "active")]
        )
