"""Builders shared by the batch release and DHR tests: a device made from a
lot-tracked component on a one-operation routing, people of each role."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class ReleaseCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf would wait for the stylesheets of a server that cannot answer
        # during an install run (see md_udi_trace's label tests).
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:1")
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        production_groups = "mrp.group_mrp_user,stock.group_stock_user"
        cls.operator = cls._user("md_rel_operator", f"{production_groups},md_base.group_md_release_approver")
        cls.approver = cls._user(
            "md_rel_approver", "md_base.group_md_release_approver,stock.group_stock_user"
        )
        cls.approver2 = cls._user("md_rel_approver2", "md_base.group_md_release_approver")
        cls.inspector = cls._user("md_rel_inspector", "md_base.group_md_quality_inspector")
        cls.md_user = cls._user("md_rel_user", "md_base.group_md_user")
        cls.shipper = cls._user("md_rel_shipper", "stock.group_stock_user,md_base.group_md_user")
        cls.tubing = cls.env["product.product"].create(
            {"name": "MD Rel PVC Tubing", "is_storable": True, "tracking": "lot"}
        )
        cls.device = cls.env["product.product"].create(
            {"name": "MD Rel Infusion Set", "is_storable": True, "tracking": "serial", "md_is_device": True}
        )
        cls.workcenter = cls.env["mrp.workcenter"].create({"name": "MD Rel Assembly Cell"})
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.device.product_tmpl_id.id,
                "product_qty": 1,
                "type": "normal",
                "bom_line_ids": [Command.create({"product_id": cls.tubing.id, "product_qty": 2})],
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Assemble and seal",
                            "workcenter_id": cls.workcenter.id,
                            "time_cycle_manual": 10,
                        }
                    )
                ],
            }
        )
        cls.hospital = cls.env["res.partner"].create(
            {"name": "MD Rel Hospital", "country_id": cls.env.ref("base.cn").id}
        )
        cls._register_for_market(cls.device, cls.hospital.country_id)
        cls._license_customer(cls.hospital)
        cls.tubing_lot = cls.env["stock.lot"].create({"name": "TUB-REL-1", "product_id": cls.tubing.id})
        cls.env["stock.quant"]._update_available_quantity(
            cls.tubing, cls.stock_location, 100, lot_id=cls.tubing_lot
        )

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
        )

    @classmethod
    def _register_for_market(cls, product, country):
        """An approved registration certificate, so that md_regulatory's market gate lets
        deliveries of the device to ``country`` pass and the release gate is what is tested."""
        author = cls._user("md_rel_ra_author", "md_base.group_md_regulatory")
        signer = cls._user("md_rel_ra_signer", "md_base.group_md_regulatory")
        today = fields.Date.context_today(cls.env["md.registration"])
        registration = (
            cls.env["md.registration"]
            .with_user(author)
            .create(
                {
                    "registration_type": "nmpa_registration",
                    "number": "国械注准20240001",
                    "holder_id": cls.company.partner_id.id,
                    "country_id": country.id,
                    "product_tmpl_ids": [Command.set(product.product_tmpl_id.ids)],
                    "issue_date": today - timedelta(days=30),
                    "expiry_date": today + timedelta(days=365),
                }
            )
        )
        registration.with_user(signer).md_sign("approved", cls.password(signer), "Certificate verified")

    @classmethod
    def _license_customer(cls, customer):
        """The hospital's licence, checked by md_regulatory when a delivery is validated."""
        cls.env["md.partner.licence"].with_user(
            cls._user("md_rel_ra_licences", "md_base.group_md_regulatory")
        ).create(
            {
                "partner_id": customer.id,
                "licence_type_id": cls.env.ref("md_regulatory.licence_type_cn_healthcare").id,
                "number": f"PDY-{customer.id}",
            }
        )

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    @classmethod
    def produce(cls, serial_name, operator=None, done=True):
        """A manufacturing order of one serial, worked and completed by ``operator``."""
        env = cls.env(user=operator or cls.operator)
        form = Form(env["mrp.production"])
        form.product_id = cls.device
        form.bom_id = cls.bom
        form.product_qty = 1
        production = form.save()
        production.action_confirm()
        serial = env["stock.lot"].create({"name": serial_name, "product_id": cls.device.id})
        production.write({"lot_producing_id": serial.id, "qty_producing": 1})
        production._set_qty_producing()
        production.move_raw_ids.picked = True
        production.workorder_ids.button_start()
        production.workorder_ids.button_finish()
        if done:
            production.button_mark_done()
        return cls.env["mrp.production"].browse(production.id), cls.env["stock.lot"].browse(serial.id)

    def sign(self, dhr, user, meaning="released", reason="Batch record reviewed, all criteria met"):
        return dhr.with_user(user).md_sign(meaning, self.password(user), reason)

    def deliver(self, lots, user=None):
        """A delivery of ``lots`` to the hospital, validated by ``user``; returns the picking."""
        return self.transfer(lots, self.warehouse.out_type_id, self.customer_location, user)

    def transfer(self, lots, picking_type, destination, user=None):
        """A transfer of one unit of each lot from stock, validated by ``user``."""
        env = self.env(user=user or self.shipper)
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.stock_location.id,
                "location_dest_id": destination.id,
                "partner_id": self.hospital.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock_location.id,
                            "location_dest_id": destination.id,
                        }
                    )
                    for lot in lots
                ],
            }
        )
        picking.action_confirm()
        for move, lot in zip(picking.move_ids, lots, strict=True):
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": lot.product_id.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": self.stock_location.id,
                        "location_dest_id": destination.id,
                        "picked": True,
                    }
                )
            ]
        picking.button_validate()
        return picking
