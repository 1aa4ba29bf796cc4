"""Prepares what the simulated users of tests/load/locustfile.py consume, and writes its manifest.

Run by tests/load/run.sh on a database with every project addon and its demo data:
  python3 prepare_data.py <odoo options> --manifest=PATH --users=N --receipts=N --inspections=N --dhrs=N
In one transaction, set-based, through the same code paths as the shop floor:
  - ``--users`` users of each role (warehouse, inspector, release approver, regulatory), in
    Chinese like the demo's trial team, all with the password ``PASSWORD``;
  - ``--receipts`` confirmed receipts of ``RECEIPT_UNITS`` demo coronary stents (serial-tracked,
    GS1 DI) for the scanners, each scan bringing a fresh serial;
  - ``--inspections`` incoming inspections: one validated receipt of that many lots of a
    component with a receipt plan (fixed sample of 2: one measurement, one check);
  - ``--dhrs`` device history records waiting for release: done manufacturing orders of one
    serial each, produced by the superuser so that any release approver may sign them.
The manifest (JSON) lists the logins, the password and the ids each kind of user works on.
"""

import json
import sys
from pathlib import Path

import odoo
from odoo import Command
from odoo.tools import SQL

PASSWORD = "Load-Test-1!"
ROLES = {
    "warehouse": ["md_base.group_md_user", "stock.group_stock_user"],
    "inspector": ["md_base.group_md_quality_inspector", "stock.group_stock_user"],
    "approver": ["md_base.group_md_release_approver", "stock.group_stock_user"],
    "regulatory": ["md_base.group_md_regulatory", "stock.group_stock_user"],
}
# The demo genealogy (md_udi_trace demo): tubing and pouch lots feeding two infusion set lots.
TRACE_LOTS = ["IS200-260415", "IS200-260422", "PVC-2026-0311", "PVC-2026-0225", "TYV-2026-0318"]
RECEIPT_UNITS = 200
INSPECTED_LOT_SIZE = 10


def create_users(env, count):
    """``{role: [login]}``: ``count`` users per role, one create, one password hash for all
    (hashing each password would cost seconds of PBKDF2 per hundred users)."""
    vals_list, roles = [], {}
    for role, groups in ROLES.items():
        group_ids = [env.ref(xmlid).id for xmlid in groups]
        roles[role] = [f"load.{role}.{number:03d}" for number in range(1, count + 1)]
        vals_list += [
            {
                "name": login,
                "login": login,
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "groups_id": [Command.set(group_ids)],
            }
            for login in roles[role]
        ]
    users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True).create(vals_list)
    password_hash = users._crypt_context().hash(PASSWORD)
    env.cr.execute(SQL("UPDATE res_users SET password = %s WHERE id = ANY(%s)", password_hash, users.ids))
    return roles


def create_scan_receipts(env, count):
    """Confirmed receipts of the demo stent, scanned by the warehouse users."""
    stent = env.ref("md_udi_trace.product_coronary_stent")
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    supplier = env.ref("md_udi_trace.partner_suzhou_manufacturer")
    receipts = env["stock.picking"].create(
        [
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": supplier.id,
                "origin": "Load test",
                "move_ids": [
                    Command.create(
                        {"name": stent.name, "product_id": stent.id, "product_uom_qty": RECEIPT_UNITS}
                    )
                ],
            }
            for _number in range(count)
        ]
    )
    receipts.action_confirm()
    return {"receipt_ids": receipts.ids, "receipt_units": RECEIPT_UNITS, "udi_di": stent.md_udi_di}


def create_inspection_plan(env, product):
    return env["md.quality.inspection.plan"].create(
        {
            "name": "IQC: Load Test Cannula",
            "trigger": "receipt",
            "product_tmpl_id": product.product_tmpl_id.id,
            "sampling_method": "fixed",
            "fixed_sample_size": 2,
            "fixed_accept_number": 0,
            "item_ids": [
                Command.create(
                    {"name": "Length", "test_type": "measurement", "lower_limit": 9.5, "upper_limit": 10.5}
                ),
                Command.create({"name": "Bevel intact", "test_type": "check"}),
            ],
        }
    )


def create_inspections(env, count):
    """One receipt of ``count`` lots of a component with an incoming plan: validating it creates
    one inspection per lot and quarantines the lots (md_quality stock_picking_inspection.py)."""
    product = env["product.product"].create(
        {"name": "Load Test Cannula", "is_storable": True, "tracking": "lot"}
    )
    create_inspection_plan(env, product)
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    suppliers = env.ref("stock.stock_location_suppliers")
    stock = warehouse.lot_stock_id
    lots = env["stock.lot"].create(
        [{"name": f"LOAD-IQC-{number:05d}", "product_id": product.id} for number in range(1, count + 1)]
    )
    places = {"product_id": product.id, "location_id": suppliers.id, "location_dest_id": stock.id}
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": suppliers.id,
            "location_dest_id": stock.id,
            "origin": "Load test",
            "move_ids": [
                Command.create(
                    {
                        **places,
                        "name": product.name,
                        "product_uom_qty": INSPECTED_LOT_SIZE * count,
                        "move_line_ids": [
                            Command.create({**places, "lot_id": lot.id, "quantity": INSPECTED_LOT_SIZE})
                            for lot in lots
                        ],
                    }
                )
            ],
        }
    )
    receipt.action_confirm()
    receipt.button_validate()
    inspections = env["md.quality.inspection"].search(
        [("picking_id", "=", receipt.id), ("state", "=", "draft")]
    )
    if len(inspections) != count:
        raise SystemExit(f"expected {count} inspections to do, the receipt created {len(inspections)}")
    return {"inspection_ids": inspections.ids}


def create_dhrs(env, count):
    """``count`` done manufacturing orders of one serial of a device: one DHR each, pending and
    with nothing blocking its release."""
    pump = env["product.product"].create(
        {"name": "Load Test Pump", "is_storable": True, "tracking": "serial", "md_is_device": True}
    )
    productions = env["mrp.production"].create(
        [{"product_id": pump.id, "product_qty": 1, "origin": "Load test"} for _number in range(count)]
    )
    productions.action_confirm()
    serials = env["stock.lot"].create(
        [{"name": f"LOAD-SN-{number:05d}", "product_id": pump.id} for number in range(1, count + 1)]
    )
    for production, serial in zip(productions, serials, strict=True):
        production.write({"lot_producing_id": serial.id, "qty_producing": 1})
    productions.button_mark_done()
    dhrs = env["md.quality.dhr"].search([("production_id", "in", productions.ids)])
    blocked = dhrs.filtered(lambda dhr: dhr.state != "pending" or dhr.release_blocker_count)
    if len(dhrs) != count or blocked:
        raise SystemExit(
            f"{len(dhrs)} DHRs for {count} orders, not releasable: {blocked.mapped('display_name')}"
        )
    return {"dhr_ids": dhrs.ids}


def trace_lot_ids(env):
    lots = env["stock.lot"].search([("name", "in", TRACE_LOTS)])
    if len(lots) != len(TRACE_LOTS):
        raise SystemExit(f"demo lots missing: {sorted(set(TRACE_LOTS) - set(lots.mapped('name')))}")
    return {"trace_lot_ids": lots.ids}


def option(argv, name):
    return next(arg.split("=", 1)[1] for arg in argv if arg.startswith(f"--{name}="))


def main(argv):
    ours = ("--manifest=", "--users=", "--receipts=", "--inspections=", "--dhrs=")
    odoo.tools.config.parse_config([arg for arg in argv if not arg.startswith(ours)])
    with odoo.modules.registry.Registry(odoo.tools.config["db_name"]).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        manifest = {
            "password": PASSWORD,
            "logins": create_users(env, int(option(argv, "users"))),
            **create_scan_receipts(env, int(option(argv, "receipts"))),
            **create_inspections(env, int(option(argv, "inspections"))),
            **create_dhrs(env, int(option(argv, "dhrs"))),
            **trace_lot_ids(env),
        }
    Path(option(argv, "manifest")).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(
        f"prepared {len(manifest['logins']['warehouse'])} users per role, {len(manifest['receipt_ids'])} "
        f"receipts, {len(manifest['inspection_ids'])} inspections, {len(manifest['dhr_ids'])} DHRs"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
