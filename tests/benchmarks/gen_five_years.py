"""Five-year history generator (issue section 3): a medical-device company's database at scale.

Run on a THROWAWAY database with the four addons installed without demo data (it writes the
tables directly and expects nothing but the install's own records in them):

    /tmp/dev/odoo.sh -d fy10k -i md_base,md_udi_trace,md_regulatory,md_quality \\
        --without-demo=all --stop-after-init --log-level=warn
    python3 tests/benchmarks/gen_five_years.py -d fy10k --db_host=/tmp/dev --db_port=55432 \\
        --db_user=odoo --addons-path=... -- --lots 10000

or on a throwaway cluster: ``KEEP=1 tests/benchmarks/run.sh gen_five_years.py --lots 10000``, then
``bench_five_years.py`` on it with the Odoo options run.sh prints. Took 41 s at 10k lots, 3 min
at 100k, 25 min at 1M (9 GB) on 2 shared cores. If an addon's code changed since the install,
update it (``-u``) before generating.

``--lots N`` (a multiple of 1,000, at least 10,000) sets the scale; the other volumes follow the
issue's figures for 1M lots: 10 move lines per lot, a manufacturing order per 10 lots, a customer
per 20 lots, 10 audit entries per lot and a quality record per 10 lots. Dates spread over the last five years.

The history, built set-based (INSERT ... SELECT generate_series through Odoo's tables, COPY for
the audit trail), with every NOT NULL column and the columns Odoo's code reads:

* master data through the ORM: 200 serial-tracked devices with GTINs (UDI-DI), 100 purchased
  lot-tracked devices, 100 components, 20 sub-assemblies, the receipt inspection plan, the
  warehouse in two-step delivery; suppliers and customers (50 per 1,000 lots) with address,
  phone, and the healthcare institution licence of the Chinese customers (GSP sales records);
* purchases: a purchase order per receipt, received (GSP purchase and storage-in records);
* manufacturing: sub-assembly orders (one lot each) consuming a raw component lot, and
  finished orders making 10 serials each from one sub-assembly lot and 5 component lots, their
  lines linked in ``stock_move_line_consume_rel`` as Odoo links them (every component line to
  every finished line). Each of the first raw lots feeds 40 sub-assembly lots, hence 360
  orders and 3,600 serials: the wide downstream that trace and recall scope are measured on;
* distribution: 9 serials of each order picked and shipped to a customer (two steps), the
  tenth kept as a loaner set that goes out and comes back 35 times (returns with their reason
  and original transfer), purchased device lots delivered in 10 partial deliveries; the last
  2% of the production still in stock;
* quants computed from the done move lines, the lot's location from them;
* quality: a device history record per serial with its components, released by signature
  (the last 1% of orders pending), receipt inspections (5% failed), NCRs, CAPAs linked to
  NCRs, complaints, lot holds (active ones on recent serials);
* the audit trail: create and change entries of lots, transfers, orders, DHRs and quality
  records, hashed into the chain as they are streamed (``entry_digest`` of md_base) and copied
  with their positions, and the chain head stored. Streaming the hashes with COPY beat inserting
  the entries unlinked and letting ``_md_link_pending`` link them: at 10k lots, 5.3 s for the
  101,057 entries against 2.8 s of INSERT plus 9.0 s of linking for 97,952 of them.

Names follow Odoo's sequences (WH/IN/00001, WH/MO/00001, NCR/2023/0001, ...), whose next numbers
are set after. The data depend only on ``--lots`` and ``--seed``. Then ANALYZE, and a check that
the ORM works on the data (rolled back): lots read through the ORM, Odoo's traceability report
of a wide raw lot, a new receipt validated. Prints the time and row count of each table.
"""

import io
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench_options import bench_parser, parse_options

import odoo
from odoo import Command, api
from odoo.tools import SQL

DEVICES = 200
PURCHASED_DEVICES = 100
COMPONENTS = 100
SUB_ASSEMBLIES = 20
SERIALS_PER_ORDER = 10
COMPONENT_LOTS_PER_ORDER = 5
SUB_LOTS_PER_RAW_LOT = 40
LOANER_CYCLES = 35
DELIVERIES_PER_DEVICE_LOT = 10
COMPONENT_LOT_QTY = 1000
DEVICE_LOT_QTY = 120
DAY = 86400
SPAN_DAYS = 5 * 365


def progress(message):
    sys.stderr.write(f"  {time.strftime('%H:%M:%S')} {message}\n")


def gtin14(first13):
    """GS1 mod-10 check digit (GenSpecs 7.9.1) appended to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return first13 + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Volumes:
    """Row counts at ``lots`` lots, scaled from the issue's figures at 1M."""

    lots: int

    @property
    def orders(self):
        return self.lots // 10

    @property
    def sub_orders(self):
        return self.orders // 10

    @property
    def finished_orders(self):
        return self.orders - self.sub_orders

    @property
    def serials(self):
        return self.finished_orders * SERIALS_PER_ORDER

    @property
    def component_lots(self):
        return (self.lots - self.serials - self.sub_orders) * 2 // 3

    @property
    def device_lots(self):
        return self.lots - self.serials - self.sub_orders - self.component_lots

    @property
    def sold_orders(self):
        """Orders whose serials left; a multiple of 10: loaner sets go out by ten."""
        return (self.finished_orders - self.finished_orders // 50) // 10 * 10

    @property
    def pending_orders(self):
        """The newest orders, whose DHRs wait for release."""
        return max(1, self.finished_orders // 100)

    @property
    def customers(self):
        return self.lots // 20

    @property
    def suppliers(self):
        return max(20, self.lots // 2000)

    @property
    def inspections(self):
        return self.lots * 4 // 100

    @property
    def ncrs(self):
        return self.lots * 3 // 100

    @property
    def capas(self):
        return self.lots // 100

    @property
    def complaints(self):
        return self.lots * 2 // 100

    @property
    def holds(self):
        return max(10, self.lots // 1000)


def copy_text(value):
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Generator:
    def __init__(self, env, volumes, seed):
        self.env = env
        self.cr = env.cr
        self.v = volumes
        self.seed = seed
        self.random = random.Random(seed)
        self.now = datetime.now().replace(microsecond=0, second=0, minute=0)
        self.start = self.now - timedelta(days=SPAN_DAYS)
        self.company = env.company
        self.uid = env.ref("base.user_admin").id
        self.sequence_use = {}  # ir.sequence id -> numbers given out
        self.timings = []

    # ------------------------------------------------------------------ helpers
    def run_step(self, label, table, function):
        start = time.perf_counter()
        function()
        seconds = time.perf_counter() - start
        self.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        rows = self.cr.fetchone()[0]
        self.timings.append((label, table, rows, seconds))
        progress(f"{label}: {table} {rows} rows, {seconds:.1f} s")

    def execute(self, query):
        self.cr.execute(query)
        return self.cr.rowcount

    def base_id(self, table):
        """First free id of ``table``: generated rows take explicit ids from there."""
        self.cr.execute(SQL("SELECT COALESCE(max(id), 0) + 1 FROM %s", SQL.identifier(table)))
        return self.cr.fetchone()[0]

    def at(self, seconds):
        """The timestamp ``seconds`` (an SQL expression) after the start of the five years."""
        return SQL("date_trunc('second', %s::timestamp + (%s) * interval '1 second')", self.start, seconds)

    def mo_seconds(self, p):
        """Finished order ``p`` happens at its share of the five years (oldest first)."""
        return SQL(
            "(30 * %s + (%s + 0.5) / %s * %s)",
            DAY,
            p,
            float(self.v.finished_orders),
            float((SPAN_DAYS - 60) * DAY),
        )

    def sub_seconds(self, q):
        """Sub-assembly order ``q`` is made 5 days before the first order that consumes it."""
        return SQL(
            "(%s - 5 * %s)",
            self.mo_seconds(SQL("(%s * %s / %s)", q, self.v.finished_orders, self.v.sub_orders)),
            DAY,
        )

    def component_seconds(self, c):
        return SQL(
            "(10 * %s + %s::float8 / %s * %s)", DAY, c, self.v.component_lots, float((SPAN_DAYS - 60) * DAY)
        )

    def device_lot_seconds(self, d):
        return SQL(
            "(5 * %s + %s::float8 / %s * %s)", DAY, d, self.v.device_lots, float((SPAN_DAYS - 60) * DAY)
        )

    def pick(self, ids, index):
        """``ids[index % len(ids)]`` in SQL: a deterministic choice among records."""
        return SQL("(%s::int[])[1 + mod(%s, %s)::int]", list(ids), index, len(ids))

    def spread(self, ids, index):
        """A seeded, scattered choice among ``ids`` for ``index`` (bigint: 1M x 7919 overflows int)."""
        return self.pick(ids, SQL("((%s)::bigint + %s) * 7919", index, self.seed))

    def sequence_name(self, sequence, number, date):
        """Name the ir.sequence would give as its ``number``-th, with the year of ``date``."""
        prefix = sequence.prefix or ""
        # lpad() cuts longer strings: the padding is a minimum width, as in Odoo's "%0*d"
        return SQL(
            "replace(%s, %s, to_char(%s, 'YYYY')) || lpad((%s)::text, greatest(%s, length((%s)::text)), '0')",
            prefix,
            "%(year)s",
            date,
            number,
            sequence.padding,
            number,
        )

    def take_numbers(self, sequence, count):
        """Reserve ``count`` numbers of ``sequence``: returns the first."""
        first = sequence.number_next_actual + self.sequence_use.get(sequence.id, 0)
        self.sequence_use[sequence.id] = self.sequence_use.get(sequence.id, 0) + count
        return first

    # ------------------------------------------------------------------ the run
    def run(self):
        self.master_data()
        self.lot_ids()
        self.run_step("partners", "res_partner", self.partners)
        self.run_step("licences", "md_partner_licence", self.licences)
        self.run_step("lots", "stock_lot", self.lots)
        self.run_step("manufacturing orders", "mrp_production", self.productions)
        self.run_step("manufacturing moves", "stock_move", self.production_moves)
        self.run_step("manufacturing move lines", "stock_move_line", self.production_lines)
        self.run_step("genealogy links", "stock_move_line_consume_rel", self.consume_links)
        self.run_step("transfers", "stock_move_line", self.transfers)
        self.run_step("quants", "stock_quant", self.quants)
        self.run_step("device history records", "md_quality_dhr", self.dhrs)
        self.run_step("DHR components", "md_quality_dhr_component", self.dhr_components)
        self.run_step("inspections", "md_quality_inspection", self.inspections)
        self.run_step("nonconformances", "md_quality_ncr", self.ncrs)
        self.run_step("CAPAs", "md_quality_capa", self.capas)
        self.run_step("complaints", "md_quality_complaint", self.complaints)
        self.run_step("lot holds", "md_lot_hold", self.holds)
        self.run_step("audit trail", "md_audit_entry", self.audit_trail)
        self.set_sequences()

    # ------------------------------------------------------------------ master data (ORM)
    def master_data(self):
        env = self.env
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.warehouse.delivery_steps = "pick_ship"
        self.stock = self.warehouse.lot_stock_id
        self.output = self.warehouse.wh_output_stock_loc_id
        self.supplier_location = env.ref("stock.stock_location_suppliers")
        self.customer_location = env.ref("stock.stock_location_customers")
        self.production_location = env["stock.location"].search(
            [("usage", "=", "production"), ("company_id", "=", self.company.id)], limit=1
        )
        self.in_type, self.pick_type = self.warehouse.in_type_id, self.warehouse.pick_type_id
        self.out_type, self.mo_type = self.warehouse.out_type_id, self.warehouse.manu_type_id
        products = env["product.product"]
        self.devices = products.create(
            [
                {
                    "name": f"Infusion Pump Model {index:03d}",
                    "default_code": f"DEV-{index:03d}",
                    "is_storable": True,
                    "md_is_device": True,
                    "md_label_serial": True,  # the label's identifiers set the tracking (md_udi_trace)
                    "md_label_expiry": True,
                    "md_label_production_date": True,
                    "md_udi_di": gtin14(f"076123450{index:04d}"),
                    "list_price": 800.0,
                }
                for index in range(DEVICES)
            ]
        )
        self.purchased = products.create(
            [
                {
                    "name": f"Sterile Catheter Size {index:03d}",
                    "default_code": f"CAT-{index:03d}",
                    "is_storable": True,
                    "md_is_device": True,
                    "md_label_lot": True,
                    "md_label_expiry": True,
                    "md_udi_di": gtin14(f"076123451{index:04d}"),
                    "list_price": 40.0,
                }
                for index in range(PURCHASED_DEVICES)
            ]
        )
        self.components = products.create(
            [
                {
                    "name": f"Component {index:03d}",
                    "default_code": f"CMP-{index:03d}",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                }
                for index in range(COMPONENTS)
            ]
        )
        self.sub_assemblies = products.create(
            [
                {
                    "name": f"Pump Module {index:02d}",
                    "default_code": f"MOD-{index:02d}",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                }
                for index in range(SUB_ASSEMBLIES)
            ]
        )
        self.receipt_plan = env["md.quality.inspection.plan"].create(
            {"name": "Incoming components (five-year history)", "trigger": "receipt"}
        )
        env.flush_all()
        self.cr.execute(
            """CREATE TEMP TABLE gen_product ON COMMIT DROP AS
               SELECT pp.id, pt.name->>'en_US' AS name, pt.uom_id, pt.list_price
                 FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id"""
        )
        self.cr.execute("ALTER TABLE gen_product ADD PRIMARY KEY (id)")

    def lot_ids(self):
        """Id ranges of the lots, in this order: component, purchased device, sub-assembly lots, serials."""
        v = self.v
        self.lot_base = self.base_id("stock_lot")
        self.device_lot_base = self.lot_base + v.component_lots
        self.sub_lot_base = self.device_lot_base + v.device_lots
        self.serial_base = self.sub_lot_base + v.sub_orders

    def component_lot(self, c):
        return SQL("(%s + %s)", self.lot_base, c)

    def serial(self, p, j):
        return SQL("(%s + (%s) * %s + (%s))", self.serial_base, p, SERIALS_PER_ORDER, j)

    def device_of_order(self, p):
        """Ten consecutive orders make the same device: a loaner set of ten is one product."""
        return self.pick(self.devices.ids, SQL("((%s) / 10)", p))

    # ------------------------------------------------------------------ partners
    def partners(self):
        v, base = self.v, self.base_id("res_partner")
        self.supplier_ids = list(range(base, base + v.suppliers))
        self.customer_ids = list(range(base + v.suppliers, base + v.suppliers + v.customers))
        countries = [self.env.ref(f"base.{code}").id for code in ("cn", "us", "de", "fr", "it", "jp")]
        self.china = countries[0]
        self.execute(
            SQL(
                """
                INSERT INTO res_partner (id, name, complete_name, commercial_partner_id,
                       commercial_company_name, type, is_company,
                       active, lang, tz, country_id, city, street, zip, phone, email, customer_rank,
                       supplier_rank, autopost_bills, partner_share, employee, company_id,
                       create_uid, create_date, write_uid, write_date)
                SELECT id, name, name, id, name, 'contact', true, true, 'en_US', 'UTC', %(country)s,
                       'City ' || mod(i, 500), mod(i, 300) + 1 || ' Hospital Road', lpad(mod(i,
                       99999)::text, 5, '0'),
                       '+1 555 ' || lpad(i::text, 7, '0'), 'contact' || i || '@example.com',
                       CASE WHEN supplier THEN 0 ELSE 1 END, CASE WHEN supplier THEN 1 ELSE 0 END,
                       'ask', true, false, NULL, %(uid)s, %(start)s, %(uid)s, %(start)s
                  FROM (
                      SELECT %(base)s + i AS id, i, i < %(suppliers)s AS supplier,
                             CASE WHEN i < %(suppliers)s THEN 'Supplier ' || lpad(i::text, 5, '0')
                                  ELSE 'Hospital ' || lpad((i - %(suppliers)s)::text, 6, '0') END AS name
                        FROM generate_series(0, %(count)s - 1) i
                  ) p
                """,
                base=base,
                suppliers=v.suppliers,
                count=v.suppliers + v.customers,
                country=self.pick(countries, SQL("i")),
                uid=self.uid,
                start=self.start,
            )
        )

    def licences(self):
        """The healthcare institution licence of each Chinese customer (GSP Art. 84 sales records)."""
        licence_type = self.env["md.partner.licence.type"].search([("code", "=", "CN-HOSP")], limit=1)
        self.execute(
            SQL(
                """
                INSERT INTO md_partner_licence (id, partner_id, licence_type_id, company_id, number, issuer,
                       state, issue_date, expiry_date, active, covers_class_i, covers_class_ii,
                       covers_class_iii, expiry_alert_days, create_uid, create_date, write_uid, write_date)
                SELECT nextval('md_partner_licence_id_seq'), p.id, %(type)s, NULL, 'PDY' || lpad(p.id::text,
                       8, '0'),
                       'Provincial Health Commission', 'valid', %(issued)s, %(expiry)s, true, true, true,
                       true,
                       60, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM res_partner p
                 WHERE p.id = ANY(%(customers)s) AND p.country_id = %(china)s
                """,
                type=licence_type.id,
                issued=self.start.date(),
                expiry=(self.now + timedelta(days=3 * 365)).date(),
                uid=self.uid,
                now=self.now,
                customers=self.customer_ids,
                china=self.china,
            )
        )

    # ------------------------------------------------------------------ lots
    def lots(self):
        v = self.v
        groups = [
            # (first id, count, name prefix, products, production seconds of index i, shelf life days)
            (
                self.lot_base,
                v.component_lots,
                "C",
                self.components.ids,
                self.component_seconds(SQL("i")),
                730,
            ),
            (
                self.device_lot_base,
                v.device_lots,
                "D",
                self.purchased.ids,
                self.device_lot_seconds(SQL("i")),
                1095,
            ),
            (
                self.sub_lot_base,
                v.sub_orders,
                "SA",
                self.sub_assemblies.ids,
                self.sub_seconds(SQL("i")),
                1095,
            ),
        ]
        for first, count, prefix, products, seconds, shelf_days in groups:
            self.insert_lots(
                first, count, prefix, self.pick(products, SQL("i")), seconds, shelf_days, "not_required"
            )
        self.insert_lots(
            self.serial_base,
            v.serials,
            "S",
            self.device_of_order(SQL("(i / %s)", SERIALS_PER_ORDER)),
            self.mo_seconds(SQL("(i / %s)", SERIALS_PER_ORDER)),
            1095,
            SQL(
                "CASE WHEN i / %s >= %s THEN 'pending' ELSE 'released' END",
                SERIALS_PER_ORDER,
                v.finished_orders - v.pending_orders,
            ),
        )

    def insert_lots(self, first, count, prefix, product, seconds, shelf_days, release_state):
        self.execute(
            SQL(
                """
                INSERT INTO stock_lot (id, name, product_id, product_uom_id, company_id, expiration_date,
                       use_date, removal_date, alert_date, product_expiry_reminded, md_status,
                       md_production_date, md_release_state, create_uid, create_date, write_uid, write_date)
                SELECT %(first)s + i, %(prefix)s || lpad(i::text, 8, '0'), l.product_id, gp.uom_id,
                       %(company)s,
                       l.made + %(shelf)s * interval '1 day', l.made + (%(shelf)s - 60) * interval '1 day',
                       l.made + (%(shelf)s - 30) * interval '1 day',
                       l.made + (%(shelf)s - 90) * interval '1 day',
                       false, 'released', l.made::date, %(release)s, %(uid)s, l.made, %(uid)s, l.made
                  FROM generate_series(0, %(count)s - 1) i
                  CROSS JOIN LATERAL (SELECT %(product)s AS product_id, %(made)s AS made) l
                  JOIN gen_product gp ON gp.id = l.product_id
                """,
                first=first,
                prefix=prefix,
                count=count,
                product=product,
                made=self.at(seconds),
                shelf=shelf_days,
                release=release_state,
                company=self.company.id,
                uid=self.uid,
            )
        )

    # ------------------------------------------------------------------ manufacturing
    def productions(self):
        """Sub-assembly orders first (one lot of 100 each), then finished orders (10 serials each)."""
        v = self.v
        self.mo_base = self.base_id("mrp_production")
        self.finished_mo_base = self.mo_base + v.sub_orders
        sequence = self.mo_type.sequence_id
        first_number = self.take_numbers(sequence, v.orders)
        common = {
            "type": self.mo_type.id,
            "stock": self.stock.id,
            "production": self.production_location.id,
            "company": self.company.id,
            "uid": self.uid,
        }
        self.insert_productions(
            self.mo_base,
            v.sub_orders,
            sequence,
            first_number,
            self.pick(self.sub_assemblies.ids, SQL("i")),
            100,
            SQL("%s + i", self.sub_lot_base),
            self.sub_seconds(SQL("i")),
            common,
        )
        self.insert_productions(
            self.finished_mo_base,
            v.finished_orders,
            sequence,
            first_number + v.sub_orders,
            self.device_of_order(SQL("i")),
            SERIALS_PER_ORDER,
            SQL("NULL::int"),  # several serials: Odoo leaves the producing lot empty
            self.mo_seconds(SQL("i")),
            common,
        )

    def insert_productions(self, first, count, sequence, first_number, product, qty, lot, seconds, common):
        self.execute(
            SQL(
                """
                INSERT INTO mrp_production (id, name, priority, state, product_id, product_uom_id,
                       product_qty,
                       product_uom_qty, qty_producing, lot_producing_id, picking_type_id, location_src_id,
                       location_dest_id, production_location_id, company_id, consumption, user_id, date_start,
                       date_finished, is_locked, is_planned, propagate_cancel, allow_workorder_dependencies,
                       is_outdated_bom, backorder_sequence, extra_cost, create_uid, create_date, write_uid,
                       write_date)
                SELECT %(first)s + i, %(name)s, '0', 'done', l.product_id, gp.uom_id, %(qty)s, %(qty)s,
                       %(qty)s,
                       %(lot)s, %(type)s, %(stock)s, %(stock)s, %(production)s, %(company)s, 'flexible',
                       %(uid)s,
                       l.made - interval '8 hours', l.made, true, false, false, false, false, 0, 0,
                       %(uid)s, l.made - interval '1 day', %(uid)s, l.made
                  FROM generate_series(0, %(count)s - 1) i
                  CROSS JOIN LATERAL (SELECT %(product)s AS product_id, %(made)s AS made) l
                  JOIN gen_product gp ON gp.id = l.product_id
                """,
                first=first,
                count=count,
                name=self.sequence_name(sequence, SQL("%s + i", first_number), SQL("l.made")),
                product=product,
                qty=qty,
                lot=lot,
                made=self.at(seconds),
                **common,
            )
        )

    def production_moves(self):
        """Per sub-assembly order: 1 raw move, 1 finished; per finished order: 6 raw, 1 finished."""
        v = self.v
        self.sub_move_base = self.base_id("stock_move")
        self.finished_move_base = self.sub_move_base + 2 * v.sub_orders
        self.execute(self.production_move_query(self.sub_move_base, self.mo_base, v.sub_orders, 2))
        self.execute(
            self.production_move_query(self.finished_move_base, self.finished_mo_base, v.finished_orders, 7)
        )

    def production_move_query(self, move_base, mo_base, count, moves_per_order):
        """Moves ``k < moves_per_order - 1`` consume a lot each (10 units); the last makes the product."""
        finished = moves_per_order - 1
        return SQL(
            """
            INSERT INTO stock_move (id, name, sequence, company_id, product_id, product_uom, location_id,
                   location_dest_id, state, priority, procure_method, reference, product_qty, product_uom_qty,
                   quantity, picked, scrapped, propagate_cancel, is_inventory, additional, date, warehouse_id,
                   picking_type_id, raw_material_production_id, production_id, unit_factor, is_done,
                   manual_consumption, to_refund, price_unit, create_uid, create_date, write_uid, write_date)
            SELECT %(move_base)s + o * %(per)s + k, gp.name, k, %(company)s, gp.id, gp.uom_id,
                   CASE WHEN k < %(finished)s THEN %(stock)s ELSE %(production)s END,
                   CASE WHEN k < %(finished)s THEN %(production)s ELSE %(stock)s END,
                   'done', '0', 'make_to_stock', mo.name, q.qty, q.qty, q.qty, true, false, false, false,
                   false,
                   mo.date_finished, %(warehouse)s, mo.picking_type_id,
                   CASE WHEN k < %(finished)s THEN mo.id END, CASE WHEN k = %(finished)s THEN mo.id END,
                   q.qty / mo.product_qty, true, false, false, 0, %(uid)s, mo.create_date, %(uid)s,
                   mo.date_finished
              FROM generate_series(0, %(count)s - 1) o
              JOIN mrp_production mo ON mo.id = %(mo_base)s + o
             CROSS JOIN generate_series(0, %(finished)s) k
             CROSS JOIN LATERAL (
                 SELECT CASE WHEN k < %(finished)s THEN %(consumed)s ELSE mo.product_id END AS product_id,
                        CASE WHEN k < %(finished)s THEN 10.0 ELSE mo.product_qty END AS qty
             ) q
              JOIN gen_product gp ON gp.id = q.product_id
            """,
            move_base=move_base,
            mo_base=mo_base,
            count=count,
            per=moves_per_order,
            finished=finished,
            consumed=SQL(
                "(SELECT product_id FROM stock_lot WHERE id = %s)",
                self.consumed_lot(mo_base, SQL("o"), SQL("k")),
            ),
            company=self.company.id,
            stock=self.stock.id,
            production=self.production_location.id,
            warehouse=self.warehouse.id,
            uid=self.uid,
        )

    def consumed_lot(self, mo_base, o, k):
        """The lot the ``k``-th raw move of order ``o`` consumes.

        A sub-assembly order ``q`` consumes raw lot ``q // 40`` (so each of the first raw lots feeds
        40 sub-assembly lots); finished order ``p`` consumes sub-assembly lot ``p * subs // orders``
        (9 orders per sub-assembly lot) and 5 component lots received around its date.
        """
        v = self.v
        if mo_base == self.mo_base:
            return self.component_lot(SQL("(%s) / %s", o, SUB_LOTS_PER_RAW_LOT))
        groups = v.component_lots // COMPONENT_LOTS_PER_ORDER
        return SQL(
            "CASE WHEN %(k)s = 0 THEN %(sub_base)s + (%(o)s) * %(subs)s / %(orders)s"
            " ELSE %(lot_base)s + ((%(o)s)::bigint * %(groups)s / %(orders)s * %(per)s + %(k)s - 1)::int END",
            k=k,
            o=o,
            sub_base=self.sub_lot_base,
            subs=v.sub_orders,
            orders=v.finished_orders,
            lot_base=self.lot_base,
            groups=groups,
            per=COMPONENT_LOTS_PER_ORDER,
        )

    def production_lines(self):
        """One line per raw move; one line per finished lot (the sub-assembly lot, or each serial)."""
        v = self.v
        self.sub_line_base = self.base_id("stock_move_line")
        self.finished_line_base = self.sub_line_base + 2 * v.sub_orders
        # sub-assembly orders: line 2q consumes, line 2q+1 makes the order's lot
        self.execute(
            self.production_line_query(
                self.sub_line_base,
                self.sub_move_base,
                self.mo_base,
                v.sub_orders,
                moves_per_order=2,
                lines_per_order=2,
                finished_lot=SQL("%s + o", self.sub_lot_base),
            )
        )
        # finished orders: lines 16p..16p+5 consume, 16p+6..16p+15 make the 10 serials
        self.execute(
            self.production_line_query(
                self.finished_line_base,
                self.finished_move_base,
                self.finished_mo_base,
                v.finished_orders,
                moves_per_order=7,
                lines_per_order=6 + SERIALS_PER_ORDER,
                finished_lot=self.serial(SQL("o"), SQL("k - 6")),
            )
        )

    def production_line_query(
        self, line_base, move_base, mo_base, count, moves_per_order, lines_per_order, finished_lot
    ):
        finished = moves_per_order - 1
        return SQL(
            """
            INSERT INTO stock_move_line (id, move_id, company_id, product_id, product_uom_id, lot_id,
                   location_id, location_dest_id, state, reference, quantity, quantity_product_uom, picked,
                   date,
                   production_id, expiration_date, create_uid, create_date, write_uid, write_date)
            SELECT %(line_base)s + o * %(lines)s + k, m.id, m.company_id, m.product_id, m.product_uom,
                   l.lot_id,
                   m.location_id, m.location_dest_id, 'done', m.reference, l.qty, l.qty, true, m.date,
                   m.raw_material_production_id, lot.expiration_date,
                   %(uid)s, m.date, %(uid)s, m.date
              FROM generate_series(0, %(count)s - 1) o
             CROSS JOIN generate_series(0, %(lines)s - 1) k
             CROSS JOIN LATERAL (
                 SELECT CASE WHEN k < %(finished)s THEN %(consumed)s ELSE %(finished_lot)s END AS lot_id,
                        CASE WHEN k < %(finished)s THEN 10.0
                             ELSE (SELECT product_qty FROM mrp_production WHERE id = %(mo_base)s + o)
                                  / (%(lines)s - %(finished)s) END AS qty,
                        %(move_base)s + o * %(moves)s + least(k, %(finished)s) AS move_id
             ) l
              JOIN stock_move m ON m.id = l.move_id
              JOIN stock_lot lot ON lot.id = l.lot_id
            """,
            line_base=line_base,
            move_base=move_base,
            mo_base=mo_base,
            count=count,
            lines=lines_per_order,
            moves=moves_per_order,
            finished=finished,
            consumed=self.consumed_lot(mo_base, SQL("o"), SQL("k")),
            finished_lot=finished_lot,
            uid=self.uid,
        )

    def consume_links(self):
        """As Odoo links them when an order is done: each finished line to each component line."""
        v = self.v
        for line_base, count, raw, made in (
            (self.sub_line_base, v.sub_orders, 1, 1),
            (self.finished_line_base, v.finished_orders, 6, SERIALS_PER_ORDER),
        ):
            self.execute(
                SQL(
                    """
                    INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)
                    SELECT %(base)s + o * %(lines)s + %(raw)s + f, %(base)s + o * %(lines)s + r
                      FROM generate_series(0, %(count)s - 1) o,
                           generate_series(0, %(made)s - 1) f,
                           generate_series(0, %(raw)s - 1) r
                    """,
                    base=line_base,
                    lines=raw + made,
                    raw=raw,
                    made=made,
                    count=count,
                )
            )

    # ------------------------------------------------------------------ transfers
    def transfers(self):
        """Receipts (with their purchase orders), sales in two steps, loaner cycles, device deliveries."""
        v = self.v
        self.first_picking = self.base_id("stock_picking")
        supplier, customer = self.supplier_location.id, self.customer_location.id
        stock, output = self.stock.id, self.output.id
        customers, suppliers = self.customer_ids, self.supplier_ids
        loaner_sets = v.sold_orders // 10
        # a loaner set's cycles fill the time between its production and now
        loaner_made = self.mo_seconds(SQL("(p / %s * 10 + 9)", LOANER_CYCLES))
        loaner_out = SQL(
            "(%(made)s + 14 * %(day)s + (%(span)s - %(made)s - 14 * %(day)s) * (2 * mod(p, %(cycles)s) + 1)"
            " / (2 * %(cycles)s + 2))",
            made=loaner_made,
            day=DAY,
            span=float(SPAN_DAYS * DAY),
            cycles=LOANER_CYCLES,
        )
        loaner_back = SQL(
            "(%s + (%s - %s) / (4 * %s + 4))", loaner_out, float(SPAN_DAYS * DAY), loaner_made, LOANER_CYCLES
        )
        device_lot_delivered = SQL(
            "(%(received)s + (%(span)s - %(received)s) * (mod(p, %(parts)s) + 1) / (%(parts)s + 2))",
            received=self.device_lot_seconds(SQL("(p / %s)", DELIVERIES_PER_DEVICE_LOT)),
            span=float(SPAN_DAYS * DAY),
            parts=DELIVERIES_PER_DEVICE_LOT,
        )

        def sold_serial(j):
            return self.serial(SQL("p"), SQL("(%s) + 1", j))  # serial 0 of each order is a loaner

        def loaner_serial(j):
            return self.serial(SQL("(p / %s * 10 + (%s))", LOANER_CYCLES, j), SQL("0"))

        flows = [
            # (picking type, pickings, lines each, from, to, partner, lot of line j, qty, seconds, purchase)
            (
                self.in_type,
                v.component_lots,
                1,
                supplier,
                stock,
                self.spread(suppliers, SQL("p")),
                lambda j: self.component_lot(SQL("p")),
                COMPONENT_LOT_QTY,
                self.component_seconds(SQL("p")),
                True,
            ),
            (
                self.in_type,
                v.device_lots,
                1,
                supplier,
                stock,
                self.spread(suppliers, SQL("p + 1")),
                lambda j: SQL("%s + p", self.device_lot_base),
                DEVICE_LOT_QTY,
                self.device_lot_seconds(SQL("p")),
                True,
            ),
            (
                self.pick_type,
                v.sold_orders,
                SERIALS_PER_ORDER - 1,
                stock,
                output,
                self.spread(customers, SQL("p")),
                sold_serial,
                1,
                SQL("(%s + 7 * %s)", self.mo_seconds(SQL("p")), DAY),
                False,
            ),
            (
                self.out_type,
                v.sold_orders,
                SERIALS_PER_ORDER - 1,
                output,
                customer,
                self.spread(customers, SQL("p")),
                sold_serial,
                1,
                SQL("(%s + 8 * %s)", self.mo_seconds(SQL("p")), DAY),
                False,
            ),
            (
                self.out_type,
                v.device_lots * DELIVERIES_PER_DEVICE_LOT,
                1,
                stock,
                customer,
                self.spread(customers, SQL("p * 3")),
                lambda j: SQL("%s + p / %s", self.device_lot_base, DELIVERIES_PER_DEVICE_LOT),
                10,
                device_lot_delivered,
                False,
            ),
        ]
        for flow in flows:
            self.insert_flow(*flow)
        out_base = self.base_id("stock_picking")
        self.insert_flow(
            self.out_type,
            loaner_sets * LOANER_CYCLES,
            10,
            stock,
            customer,
            self.spread(customers, SQL("p / %s", LOANER_CYCLES)),
            loaner_serial,
            1,
            loaner_out,
            False,
        )
        self.insert_flow(
            self.in_type,
            loaner_sets * LOANER_CYCLES,
            10,
            customer,
            stock,
            self.spread(customers, SQL("p / %s", LOANER_CYCLES)),
            loaner_serial,
            1,
            loaner_back,
            False,
            returned_picking=SQL("%s + p", out_base),
        )

    def insert_flow(
        self,
        picking_type,
        count,
        per,
        source,
        dest,
        partner,
        lot,
        qty,
        seconds,
        purchase,
        returned_picking=None,
    ):
        """``count`` done transfers of ``per`` lines each, one product and one move per transfer.

        SQL expressions of the transfer's index ``p``; ``lot(j)`` is the lot of its line ``j``.
        """
        picking_base, move_base = self.base_id("stock_picking"), self.base_id("stock_move")
        line_base = self.base_id("stock_move_line")
        sequence = picking_type.sequence_id
        first_number = self.take_numbers(sequence, count)
        date = self.at(seconds)
        self.execute(
            SQL(
                """
                INSERT INTO stock_picking (id, name, move_type, state, priority, location_id,
                       location_dest_id,
                       picking_type_id, partner_id, company_id, user_id, scheduled_date, date, date_done,
                       is_locked, printed, has_deadline_issue, return_id, md_return_reason,
                       create_uid, create_date, write_uid, write_date)
                SELECT %(base)s + p, %(name)s, 'direct', 'done', '0', %(source)s, %(dest)s, %(type)s,
                       %(partner)s,
                       %(company)s, %(uid)s, d.done, d.done, d.done, true, false, false, %(returned)s,
                       %(reason)s,
                       %(uid)s, d.done - interval '2 days', %(uid)s, d.done
                  FROM generate_series(0, %(count)s - 1) p
                 CROSS JOIN LATERAL (SELECT %(date)s AS done) d
                """,
                base=picking_base,
                name=self.sequence_name(sequence, SQL("%s + p", first_number), SQL("d.done")),
                source=source,
                dest=dest,
                type=picking_type.id,
                partner=partner,
                company=self.company.id,
                uid=self.uid,
                returned=returned_picking if returned_picking else SQL("NULL::int"),
                reason="Loaner set returned after surgery" if returned_picking else None,
                count=count,
                date=date,
            )
        )
        if purchase:
            self.insert_purchases(picking_base, count, per, lot, qty)
        purchase_line = SQL("%s + p", self.purchase_line_base) if purchase else SQL("NULL::int")
        self.execute(
            SQL(
                """
                INSERT INTO stock_move (id, name, sequence, company_id, product_id, product_uom, location_id,
                       location_dest_id, partner_id, picking_id, picking_type_id, warehouse_id, state,
                       priority,
                       procure_method, reference, product_qty, product_uom_qty, quantity, picked, scrapped,
                       propagate_cancel, is_inventory, additional, date, unit_factor, is_done,
                       manual_consumption,
                       to_refund, price_unit, purchase_line_id, origin_returned_move_id,
                       create_uid, create_date, write_uid, write_date)
                SELECT %(move_base)s + p, gp.name, 10, pk.company_id, gp.id, gp.uom_id, pk.location_id,
                       pk.location_dest_id, pk.partner_id, pk.id, pk.picking_type_id, %(warehouse)s, 'done',
                       '0',
                       'make_to_stock', pk.name, %(total)s, %(total)s, %(total)s, true, false, false, false,
                       false,
                       pk.date_done, 1, true, false, false, gp.list_price, %(purchase_line)s,
                       %(returned_move)s,
                       %(uid)s, pk.create_date, %(uid)s, pk.date_done
                  FROM generate_series(0, %(count)s - 1) p
                  JOIN stock_picking pk ON pk.id = %(picking_base)s + p
                  JOIN stock_lot first_lot ON first_lot.id = %(first_lot)s
                  JOIN gen_product gp ON gp.id = first_lot.product_id
                """,
                move_base=move_base,
                picking_base=picking_base,
                count=count,
                total=float(qty * per),
                first_lot=lot(SQL("0")),
                warehouse=self.warehouse.id,
                purchase_line=purchase_line,
                returned_move=(
                    SQL("(SELECT id FROM stock_move WHERE picking_id = %s)", returned_picking)
                    if returned_picking
                    else SQL("NULL::int")
                ),
                uid=self.uid,
            )
        )
        self.execute(
            SQL(
                """
                INSERT INTO stock_move_line (id, picking_id, move_id, company_id, product_id, product_uom_id,
                       lot_id, location_id, location_dest_id, state, reference, quantity,
                       quantity_product_uom,
                       picked, date, expiration_date, create_uid, create_date, write_uid, write_date)
                SELECT %(line_base)s + p * %(per)s + j, m.picking_id, m.id, m.company_id, m.product_id,
                       m.product_uom, lot.id, m.location_id, m.location_dest_id, 'done', m.reference, %(qty)s,
                       %(qty)s, true, m.date, lot.expiration_date, %(uid)s, m.date, %(uid)s, m.date
                  FROM generate_series(0, %(count)s - 1) p
                 CROSS JOIN generate_series(0, %(per)s - 1) j
                  JOIN stock_move m ON m.id = %(move_base)s + p
                  JOIN stock_lot lot ON lot.id = %(lot)s
                """,
                line_base=line_base,
                move_base=move_base,
                count=count,
                per=per,
                qty=float(qty),
                lot=lot(SQL("j")),
                uid=self.uid,
            )
        )

    def insert_purchases(self, picking_base, count, per, lot, qty):
        """A confirmed, fully received purchase order per receipt (GSP purchase records, Art. 58)."""
        order_base, self.purchase_line_base = (
            self.base_id("purchase_order"),
            self.base_id("purchase_order_line"),
        )
        sequence = self.env["ir.sequence"].search([("code", "=", "purchase.order")], limit=1)
        first_number = self.take_numbers(sequence, count)
        currency = self.company.currency_id.id
        first_lot = lot(SQL("0"))
        self.execute(
            SQL(
                """
                INSERT INTO purchase_order (id, name, partner_id, currency_id, company_id, user_id, state,
                       priority, invoice_status, receipt_status, date_order, date_approve, date_planned,
                       effective_date, picking_type_id, amount_untaxed, amount_tax, amount_total,
                       currency_rate,
                       origin, create_uid, create_date, write_uid, write_date)
                SELECT %(order_base)s + p, %(name)s, pk.partner_id, %(currency)s, pk.company_id, %(uid)s,
                       'purchase', '0', 'no', 'full', pk.date_done - interval '20 days',
                       pk.date_done - interval '20 days', pk.date_done, pk.date_done, pk.picking_type_id,
                       a.amount, 0, a.amount, 1, NULL, %(uid)s, pk.date_done - interval '20 days', %(uid)s,
                       pk.date_done
                  FROM generate_series(0, %(count)s - 1) p
                  JOIN stock_picking pk ON pk.id = %(picking_base)s + p
                  JOIN stock_lot first_lot ON first_lot.id = %(first_lot)s
                  JOIN gen_product gp ON gp.id = first_lot.product_id
                 CROSS JOIN LATERAL (SELECT gp.list_price * %(total)s AS amount) a
                """,
                order_base=order_base,
                name=self.sequence_name(sequence, SQL("%s + p", first_number), SQL("pk.date_done")),
                picking_base=picking_base,
                count=count,
                first_lot=first_lot,
                total=float(qty * per),
                currency=currency,
                uid=self.uid,
            )
        )
        self.execute(
            SQL(
                """
                INSERT INTO purchase_order_line (id, sequence, order_id, name, product_id, product_uom,
                       product_qty,
                       product_uom_qty, price_unit, price_subtotal, price_total, price_tax, discount,
                       qty_received,
                       qty_received_method, qty_invoiced, qty_to_invoice, company_id, partner_id, currency_id,
                       state, date_planned, create_uid, create_date, write_uid, write_date)
                SELECT %(line_base)s + p, 10, po.id, gp.name, gp.id, gp.uom_id, %(total)s, %(total)s,
                       gp.list_price, po.amount_total, po.amount_total, 0, 0, %(total)s, 'stock_moves', 0, 0,
                       po.company_id, po.partner_id, po.currency_id, 'purchase', po.date_planned,
                       %(uid)s, po.create_date, %(uid)s, po.write_date
                  FROM generate_series(0, %(count)s - 1) p
                  JOIN purchase_order po ON po.id = %(order_base)s + p
                  JOIN stock_lot first_lot ON first_lot.id = %(first_lot)s
                  JOIN gen_product gp ON gp.id = first_lot.product_id
                """,
                line_base=self.purchase_line_base,
                order_base=order_base,
                count=count,
                first_lot=first_lot,
                total=float(qty * per),
                uid=self.uid,
            )
        )

    # ------------------------------------------------------------------ stock
    def quants(self):
        """On-hand quantities from the done move lines, as Odoo's quants would hold them; a lot's
        location is its single internal location (stock.lot.location_id)."""
        self.execute(
            SQL(
                """
                INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, quantity,
                       reserved_quantity,
                       in_date, expiration_date, removal_date, inventory_quantity_set,
                       inventory_diff_quantity,
                       create_uid, create_date, write_uid, write_date)
                SELECT flow.product_id, %(company)s, flow.location_id, flow.lot_id, sum(flow.qty), 0,
                       max(flow.date) FILTER (WHERE flow.qty > 0), lot.expiration_date, lot.removal_date,
                       false, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (
                      SELECT product_id, location_dest_id AS location_id, lot_id, quantity AS qty, date
                        FROM stock_move_line WHERE state = 'done'
                      UNION ALL
                      SELECT product_id, location_id, lot_id, -quantity, date
                        FROM stock_move_line WHERE state = 'done'
                  ) flow
                  JOIN stock_location loc ON loc.id = flow.location_id AND loc.usage IN ('internal',
                         'transit')
                  JOIN stock_lot lot ON lot.id = flow.lot_id
                 GROUP BY flow.product_id, flow.location_id, flow.lot_id, lot.expiration_date,
                 lot.removal_date
                HAVING sum(flow.qty) <> 0
                """,
                company=self.company.id,
                uid=self.uid,
                now=self.now,
            )
        )
        self.execute(
            SQL(
                """
                UPDATE stock_lot lot SET location_id = q.location_id
                  FROM (SELECT lot_id, min(location_id) AS location_id FROM stock_quant
                         WHERE quantity > 0 GROUP BY lot_id HAVING count(*) = 1) q
                 WHERE lot.id = q.lot_id
                """
            )
        )

    # ------------------------------------------------------------------ quality
    def dhrs(self):
        """A device history record per finished serial; released by signature unless its order is new."""
        v = self.v
        self.dhr_base = self.base_id("md_quality_dhr")
        sequence = self.env["ir.sequence"].search([("code", "=", "md.quality.dhr")], limit=1)
        first_number = self.take_numbers(sequence, v.serials)
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_dhr (id, name, company_id, production_id, lot_id, product_id,
                       product_uom_id, qty_planned, qty_produced, qty_produced_order, qty_scrapped,
                       date_start,
                       date_finished, responsible_id, completed_by_id, state, decision_by_id, decision_on,
                       decision_reason, create_uid, create_date, write_uid, write_date)
                SELECT %(base)s + s, %(name)s, mo.company_id, mo.id, %(serial_base)s + s, mo.product_id,
                       mo.product_uom_id, mo.product_qty, 1, mo.product_qty, 0, mo.date_start,
                       mo.date_finished,
                       %(uid)s, %(uid)s, CASE WHEN pending THEN 'pending' ELSE 'released' END,
                       CASE WHEN NOT pending THEN %(uid)s END,
                       CASE WHEN NOT pending THEN mo.date_finished + interval '3 days' END,
                       CASE WHEN NOT pending THEN 'Device history record reviewed: conforming' END,
                       %(uid)s, mo.date_finished, %(uid)s, mo.date_finished + interval '3 days'
                  FROM generate_series(0, %(count)s - 1) s
                  JOIN mrp_production mo ON mo.id = %(mo_base)s + s / %(per)s
                 CROSS JOIN LATERAL (SELECT s / %(per)s >= %(released)s AS pending) st
                """,
                base=self.dhr_base,
                name=self.sequence_name(sequence, SQL("%s + s", first_number), SQL("mo.date_finished")),
                serial_base=self.serial_base,
                mo_base=self.finished_mo_base,
                per=SERIALS_PER_ORDER,
                released=v.finished_orders - v.pending_orders,
                count=v.serials,
                uid=self.uid,
            )
        )

    def dhr_components(self):
        """The components consumed by each serial's order, its share of each (one per serial)."""
        v = self.v
        lines_per_order = 6 + SERIALS_PER_ORDER
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_dhr_component (dhr_id, company_id, product_id, lot_id, product_uom_id,
                       quantity, unit_level, create_uid, create_date, write_uid, write_date)
                SELECT %(dhr_base)s + s, ml.company_id, ml.product_id, ml.lot_id, ml.product_uom_id,
                       ml.quantity / %(per)s, false, %(uid)s, ml.date, %(uid)s, ml.date
                  FROM generate_series(0, %(count)s - 1) s
                 CROSS JOIN generate_series(0, 5) k
                  JOIN stock_move_line ml ON ml.id = %(line_base)s + s / %(per)s * %(lines)s + k
                """,
                dhr_base=self.dhr_base,
                line_base=self.finished_line_base,
                per=SERIALS_PER_ORDER,
                lines=lines_per_order,
                count=v.serials,
                uid=self.uid,
            )
        )

    def inspections(self):
        """Receipt inspections of the received lots (ISO 2859-1 n=13, Ac 1, Re 2); 5% failed."""
        v = self.v
        base = self.base_id("md_quality_inspection")
        sequence = self.env["ir.sequence"].search([("code", "=", "md.quality.inspection")], limit=1)
        first_number = self.take_numbers(sequence, v.inspections)
        received = v.component_lots + v.device_lots
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_inspection (id, name, plan_id, company_id, product_id, lot_id,
                       partner_id,
                       picking_id, sample_size, accept_number, reject_number, defect_count, inspector_id,
                       trigger,
                       severity, code_letter, state, quantity, date_done, create_uid, create_date, write_uid,
                       write_date)
                SELECT %(base)s + i, %(name)s, %(plan)s, ml.company_id, ml.product_id, ml.lot_id,
                       pk.partner_id, pk.id, 13, 1, 2, CASE WHEN failed THEN 3 ELSE 0 END, %(uid)s, 'receipt',
                       'normal', 'F', CASE WHEN failed THEN 'failed' ELSE 'passed' END, ml.quantity,
                       ml.date + interval '1 day', %(uid)s, ml.date, %(uid)s, ml.date + interval '1 day'
                  FROM generate_series(0, %(count)s - 1) i
                 CROSS JOIN LATERAL (SELECT mod(i + %(seed)s, 20) = 0 AS failed) f
                  JOIN stock_move_line ml
                    ON ml.lot_id = %(lot_base)s + (i::bigint * %(received)s / %(count)s)::int
                   AND ml.location_id = %(supplier)s
                  JOIN stock_picking pk ON pk.id = ml.picking_id
                """,
                base=base,
                name=self.sequence_name(sequence, SQL("%s + i", first_number), SQL("ml.date")),
                plan=self.receipt_plan.id,
                lot_base=self.lot_base,
                received=received,
                count=v.inspections,
                supplier=self.supplier_location.id,
                seed=self.seed,
                uid=self.uid,
            )
        )
        self.execute(
            SQL(
                "INSERT INTO md_quality_inspection_lot_rel (inspection_id, lot_id)"
                " SELECT id, lot_id FROM md_quality_inspection WHERE id >= %s",
                base,
            )
        )

    def ncrs(self):
        """Nonconformances of finished orders (one serial each), mostly closed, each cause and source."""
        v = self.v
        self.ncr_base = self.base_id("md_quality_ncr")
        sequence = self.env["ir.sequence"].search([("code", "=", "md.quality.ncr")], limit=1)
        first_number = self.take_numbers(sequence, v.ncrs)
        sources = ["production", "inspection", "supplier", "customer_return", "audit", "complaint"]
        causes = [
            "material",
            "method",
            "machine",
            "people",
            "measurement",
            "environment",
            "design",
            "supplier",
        ]
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_ncr (id, name, company_id, production_id, product_id, uom_id,
                       detected_by_id,
                       user_id, closed_by_id, state, source, severity, cause, description, containment,
                       quantity,
                       disposed_quantity, date_detected, date_closed, create_uid, create_date, write_uid,
                       write_date)
                SELECT %(base)s + n, %(name)s, mo.company_id, mo.id, mo.product_id, mo.product_uom_id,
                       %(uid)s,
                       %(uid)s, CASE WHEN closed THEN %(uid)s END,
                       CASE WHEN closed THEN 'closed' ELSE 'open' END,
                       %(source)s, (ARRAY['minor', 'major', 'critical'])[1 + mod(n * 7 + %(seed)s, 3)],
                       %(cause)s,
                       'Seal width out of tolerance on unit ' || mod(n, 10), 'Unit segregated', 1,
                       CASE WHEN closed THEN 1 ELSE 0 END, mo.date_finished + interval '1 day',
                       CASE WHEN closed THEN mo.date_finished + interval '20 days' END, %(uid)s,
                       mo.date_finished + interval '1 day', %(uid)s, mo.date_finished + interval '20 days'
                  FROM generate_series(0, %(count)s - 1) n
                  JOIN mrp_production mo ON mo.id = %(mo_base)s + (n::bigint * %(orders)s / %(count)s)::int
                 CROSS JOIN LATERAL (SELECT n < %(closed)s AS closed) c
                """,
                base=self.ncr_base,
                name=self.sequence_name(sequence, SQL("%s + n", first_number), SQL("mo.date_finished")),
                mo_base=self.finished_mo_base,
                orders=v.finished_orders,
                count=v.ncrs,
                closed=v.ncrs - v.ncrs // 20,
                source=SQL("(%s::varchar[])[1 + mod(n, %s)]", sources, len(sources)),
                cause=SQL("(%s::varchar[])[1 + mod(n + %s, %s)]", causes, self.seed, len(causes)),
                seed=self.seed,
                uid=self.uid,
            )
        )
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_ncr_stock_lot_rel (ncr_id, lot_id)
                SELECT ncr.id, %(serial_base)s + (ncr.production_id - %(mo_base)s) * %(per)s + mod(ncr.id,
                       %(per)s)
                  FROM md_quality_ncr ncr WHERE ncr.id >= %(base)s
                """,
                serial_base=self.serial_base,
                mo_base=self.finished_mo_base,
                per=SERIALS_PER_ORDER,
                base=self.ncr_base,
            )
        )

    def capas(self):
        """CAPAs opened from every third NCR; most closed, a tenth of them late."""
        v = self.v
        base = self.base_id("md_quality_capa")
        sequence = self.env["ir.sequence"].search([("code", "=", "md.quality.capa")], limit=1)
        first_number = self.take_numbers(sequence, v.capas)
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_capa (id, name, company_id, user_id, product_id, title, capa_type,
                       source,
                       state, severity, occurrence, risk_level, root_cause_category, date_opened, date_due,
                       date_closed, problem_statement, root_cause_summary, time_to_close_days,
                       create_uid, create_date, write_uid, write_date)
                SELECT %(base)s + c, %(name)s, ncr.company_id, %(uid)s, ncr.product_id,
                       'Recurring nonconformance ' || ncr.name, CASE WHEN mod(c, 4) = 0 THEN 'preventive'
                       ELSE 'corrective' END, 'ncr', CASE WHEN closed THEN 'closed' ELSE 'investigation' END,
                       (1 + mod(c, 5))::text, (1 + mod(c + 2, 5))::text, (ARRAY['low', 'medium',
                       'high'])[1 + mod(c, 3)],
                       'material', ncr.date_detected::date, ncr.date_detected::date + 60,
                       CASE WHEN closed THEN ncr.date_detected::date + close_days END,
                       'Nonconformances recur: ' || ncr.description, 'Supplier process drift',
                       CASE WHEN closed THEN close_days ELSE 0 END,
                       %(uid)s, ncr.date_detected, %(uid)s, ncr.date_detected
                  FROM generate_series(0, %(count)s - 1) c
                  JOIN md_quality_ncr ncr ON ncr.id = %(ncr_base)s + c * 3
                 CROSS JOIN LATERAL (SELECT c < %(closed)s AS closed,
                                            CASE WHEN mod(c, 10) = 0 THEN 75 ELSE 45 END AS close_days) st
                """,
                base=base,
                name=self.sequence_name(sequence, SQL("%s + c", first_number), SQL("ncr.date_detected")),
                ncr_base=self.ncr_base,
                count=v.capas,
                closed=v.capas - v.capas // 20,
                uid=self.uid,
            )
        )
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_capa_ncr_rel (ncr_id, capa_id)
                SELECT %(ncr_base)s + (id - %(base)s) * 3, id FROM md_quality_capa WHERE id >= %(base)s
                """,
                ncr_base=self.ncr_base,
                base=base,
            )
        )
        self.execute(
            SQL(
                """
                UPDATE md_quality_ncr ncr SET capa_id = rel.capa_id
                  FROM md_quality_capa_ncr_rel rel WHERE rel.ncr_id = ncr.id AND ncr.id >= %s
                """,
                self.ncr_base,
            )
        )

    def complaints(self):
        """Complaints about sold serials by their customers, mostly closed as not reportable."""
        v = self.v
        base = self.base_id("md_quality_complaint")
        sequence = self.env["ir.sequence"].search([("code", "=", "md.quality.complaint")], limit=1)
        first_number = self.take_numbers(sequence, v.complaints)
        channels = ["phone", "email", "field", "distributor", "regulator", "other"]
        self.execute(
            SQL(
                """
                INSERT INTO md_quality_complaint (id, name, company_id, user_id, partner_id, product_id,
                       lot_id,
                       title, state, channel, description, event_date, awareness_date, date_closed,
                       patient_involved, malfunction, injury, serious_injury, death, fda_reportable,
                       eu_reportable,
                       nmpa_reportable, create_uid, create_date, write_uid, write_date)
                SELECT %(base)s + i, %(name)s, ml.company_id, %(uid)s, pk.partner_id, ml.product_id,
                       ml.lot_id,
                       'Alarm during infusion', CASE WHEN closed THEN 'closed' ELSE 'investigation' END,
                       (%(channels)s::varchar[])[1 + mod(i, %(channel_count)s)],
                       'The pump raised an occlusion alarm without occlusion',
                       (ml.date + interval '90 days')::date,
                       ml.date + interval '91 days', CASE WHEN closed THEN ml.date + interval '120 days' END,
                       false, mod(i, 3) = 0, false, false, false, false, false, false,
                       %(uid)s, ml.date + interval '91 days', %(uid)s, ml.date + interval '120 days'
                  FROM generate_series(0, %(count)s - 1) i
                 CROSS JOIN LATERAL (SELECT i < %(closed)s AS closed) c
                  JOIN stock_move_line ml
                    ON ml.lot_id = %(sold_serial)s AND ml.location_dest_id = %(customer)s
                  JOIN stock_picking pk ON pk.id = ml.picking_id
                """,
                base=base,
                name=self.sequence_name(sequence, SQL("%s + i", first_number), SQL("ml.date")),
                channels=channels,
                channel_count=len(channels),
                sold_serial=self.serial(
                    SQL("(i::bigint * %s / %s)::int", v.sold_orders, v.complaints), SQL("1 + mod(i, 9)")
                ),
                customer=self.customer_location.id,
                count=v.complaints,
                closed=v.complaints - v.complaints // 10,
                uid=self.uid,
            )
        )

    def holds(self):
        """Released holds on old serials and active holds (quarantine, on hold) on the newest ones."""
        v = self.v
        self.execute(
            SQL(
                """
                INSERT INTO md_lot_hold (lot_id, product_id, company_id, placed_by_id, released_by_id,
                       hold_type,
                       state, reason, release_reason, placed_at, released_at, create_uid, create_date,
                       write_uid,
                       write_date)
                SELECT lot.id, lot.product_id, lot.company_id, %(uid)s, CASE WHEN NOT active THEN %(uid)s END,
                       CASE WHEN mod(h, 2) = 0 THEN 'quarantine' ELSE 'hold' END,
                       CASE WHEN active THEN 'active' ELSE 'released' END, 'Suspected sterility breach',
                       CASE WHEN NOT active THEN 'Bioburden test passed' END,
                       lot.create_date + interval '1 day',
                       CASE WHEN NOT active THEN lot.create_date + interval '5 days' END,
                       %(uid)s, lot.create_date + interval '1 day', %(uid)s,
                       lot.create_date + interval '5 days'
                  FROM generate_series(0, %(count)s - 1) h
                 CROSS JOIN LATERAL (SELECT mod(h, 2) = 0 AS active) a
                  JOIN stock_lot lot ON lot.id = CASE WHEN active
                       THEN %(serial_base)s + %(serials)s - 1 - h
                       ELSE %(serial_base)s + h * %(step)s END
                """,
                count=v.holds * 2,
                serial_base=self.serial_base,
                serials=v.serials,
                step=v.serials // (v.holds * 2),
                uid=self.uid,
            )
        )
        self.execute(
            """
            UPDATE stock_lot lot
               SET md_status = CASE h.hold_type WHEN 'hold' THEN 'on_hold' ELSE h.hold_type END
              FROM md_lot_hold h WHERE h.lot_id = lot.id AND h.state = 'active'
            """
        )

    # ------------------------------------------------------------------ audit trail
    AUDIT_SOURCE = """
        SELECT 'stock.lot', id, name, create_date, product_id IS NOT NULL FROM stock_lot WHERE id >= %(lot)s
        UNION ALL SELECT 'stock.picking', id, name, create_date,
               true FROM stock_picking WHERE id >= %(picking)s
        UNION ALL SELECT 'mrp.production', id, name, create_date, true FROM mrp_production WHERE id >= %(mo)s
        UNION ALL SELECT 'md.quality.dhr', id, name, create_date, state = 'released' FROM md_quality_dhr
                   WHERE id >= %(dhr)s
        UNION ALL SELECT 'md.quality.ncr', id, name, create_date, state = 'closed' FROM md_quality_ncr
                   WHERE id >= %(ncr)s
        ORDER BY 4, 1, 2
    """
    # Per model: (operation, field, label, old value, new value) of the entries each record gets.
    AUDIT_ENTRIES = {
        "stock.lot": [
            ("create", None, None, None, "{name}"),
            ("write", "expiration_date", "Expiration Date", None, "{date}"),
            ("write", "md_status", "Quality Status", "Quarantine", "Released"),
            ("write", "location_id", "Location", None, "WH/Stock"),
        ],
        "stock.picking": [
            ("create", None, None, None, "{name}"),
            ("write", "state", "Status", "Draft", "Ready"),
            ("write", "state", "Status", "Ready", "Done"),
        ],
        "mrp.production": [
            ("create", None, None, None, "{name}"),
            ("write", "state", "State", "Draft", "Confirmed"),
            ("write", "state", "State", "Confirmed", "In Progress"),
            ("write", "state", "State", "In Progress", "Done"),
        ],
        "md.quality.dhr": [
            ("create", None, None, None, "{name}"),
            ("write", "state", "Release State", "Pending Release", "Released"),
        ],
        "md.quality.ncr": [
            ("create", None, None, None, "{name}"),
            ("write", "state", "State", "Open", "Closed"),
        ],
    }
    AUDIT_FETCH = 20000

    def audit_trail(self):
        """Entries streamed in time order, hashed into the chain in Python and copied with their links."""
        from odoo.addons.md_base.models.md_audit_entry import (
            ENTRY_COLUMNS,
            entry_digest,
        )  # after the addons path

        audit = self.env["md.audit.entry"].sudo()
        audit._md_link_pending()
        head = self.env["md.audit.chain"]._md_lock_head()
        position, last_hash = head["last_position"], head["last_hash"]
        next_id = self.base_id("md_audit_entry")
        self.cr.execute(
            SQL(
                "DECLARE gen_audit NO SCROLL CURSOR FOR " + self.AUDIT_SOURCE,
                lot=self.lot_base,
                picking=self.first_picking,
                mo=self.mo_base,
                dhr=self.dhr_base,
                ncr=self.ncr_base,
            )
        )
        columns = ("id", "chain_position", "prev_hash", *ENTRY_COLUMNS, "entry_hash")
        copy = SQL("COPY md_audit_entry (%s) FROM STDIN", SQL(", ").join(map(SQL.identifier, columns)))
        while True:
            self.cr.execute(SQL("FETCH %s FROM gen_audit", self.AUDIT_FETCH))
            records = self.cr.fetchall()
            if not records:
                break
            buffer = io.StringIO()
            for row in self.audit_rows(records):
                position += 1
                row.update(id=next_id, chain_position=position, prev_hash=last_hash)
                last_hash = row["entry_hash"] = entry_digest(row)
                next_id += 1
                buffer.write("\t".join(copy_text(self.audit_value(row, column)) for column in columns) + "\n")
            buffer.seek(0)
            self.cr.copy_expert(copy.code, buffer)
        self.cr.execute("CLOSE gen_audit")
        self.env["md.audit.chain"]._md_store_head(head["id"], position, last_hash)
        self.cr.execute(SQL("SELECT setval('md_audit_entry_id_seq', %s)", next_id - 1))

    def audit_rows(self, records):
        company = self.company.id
        for model, res_id, name, created, complete in records:
            entries = self.AUDIT_ENTRIES[model]
            for step, (operation, field, label, old, new) in enumerate(entries if complete else entries[:1]):
                yield {
                    "res_model": model,
                    "res_id": res_id,
                    "res_name": name,
                    "operation": operation,
                    "field_name": field,
                    "field_label": label,
                    "old_value": old,
                    "new_value": new and new.format(name=name, date=created.date().isoformat()),
                    "user_id": self.uid,
                    "timestamp": created + timedelta(minutes=step),
                    "reason": None,
                    "company_id": company,
                }

    @staticmethod
    def audit_value(row, column):
        value = row[column]
        return value.isoformat(sep=" ") if column == "timestamp" else value

    # ------------------------------------------------------------------ sequences
    def set_sequences(self):
        """Odoo's sequences continue after the generated names; id sequences after the ids."""
        for sequence_id, used in self.sequence_use.items():
            sequence = self.env["ir.sequence"].browse(sequence_id)
            sequence.number_next_actual = sequence.number_next_actual + used
        for table in GENERATED_TABLES:
            self.cr.execute(
                SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(max(id), 1) FROM %s))",
                    table,
                    SQL.identifier(table),
                )
            )


GENERATED_TABLES = (
    "res_partner",
    "md_partner_licence",
    "stock_lot",
    "mrp_production",
    "stock_picking",
    "stock_move",
    "stock_move_line",
    "stock_quant",
    "purchase_order",
    "purchase_order_line",
    "md_quality_dhr",
    "md_quality_dhr_component",
    "md_quality_inspection",
    "md_quality_ncr",
    "md_quality_capa",
    "md_quality_complaint",
    "md_lot_hold",
)


def check_orm(env, wide_lot_id):
    """The ORM on the generated data: lots read, Odoo's traceability report, a receipt validated."""
    lots = env["stock.lot"].search_read(
        [],
        ["name", "product_id", "expiration_date", "md_status", "md_release_state", "location_id"],
        limit=80,
    )
    report = env["stock.traceability.report"].get_main_lines({"active_id": wide_lot_id, "model": "stock.lot"})
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    component = env["stock.lot"].browse(wide_lot_id).product_id
    supplier = env["res.partner"].search([("supplier_rank", ">", 0)], limit=1)
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": supplier.id,
            "move_ids": [
                Command.create({"name": component.name, "product_id": component.id, "product_uom_qty": 5})
            ],
        }
    )
    receipt.action_confirm()
    receipt.move_ids.move_line_ids.unlink()
    receipt.move_ids.move_line_ids = [
        Command.create(
            {
                "move_id": receipt.move_ids.id,
                "product_id": component.id,
                "lot_name": "CHECK-RECEIPT-1",
                "quantity": 5,
                "location_id": receipt.location_id.id,
                "location_dest_id": receipt.location_dest_id.id,
                "picking_id": receipt.id,
                "picked": True,
            }
        )
    ]
    receipt.button_validate()
    assert receipt.state == "done", receipt.state
    return len(lots), len(report), receipt.name


def main():
    parser = bench_parser(__doc__)
    parser.add_argument("--lots", type=int, required=True, help="lots and serials: 10000, 100000 or 1000000")
    parser.add_argument("--seed", type=int, default=13, help="seed of the choices (default 13)")
    args = parse_options(parser)
    if args.lots % 1000 or args.lots < 10000:
        sys.exit("--lots: a multiple of 1,000, at least 10,000")
    registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        cr.execute("SELECT count(*) FROM stock_lot")
        if cr.fetchone()[0]:
            sys.exit("the database has lots already: generate on a fresh install")
        generator = Generator(env, Volumes(args.lots), args.seed)
        generator.run()
        cr.commit()
        wide_lot_id = generator.lot_base
    generated = time.perf_counter() - start
    with registry.cursor() as cr:
        analyze_start = time.perf_counter()
        cr.execute("ANALYZE")
        analyzed = time.perf_counter() - analyze_start
        cr.commit()
        counts = {}
        for table in (*GENERATED_TABLES, "stock_move_line_consume_rel", "md_audit_entry"):
            cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
            counts[table] = cr.fetchone()[0]
        cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cr.fetchone()[0]
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        lots_read, report_lines, receipt = check_orm(env(user=admin), wide_lot_id)
        cr.rollback()
    out = sys.stdout.write
    out(
        f"\nFive-year history, {args.lots} lots (seed {args.seed}): {generated:.0f} s, "
        f"ANALYZE {analyzed:.0f} s, {size}\n"
    )
    out(f"  {'step':28} {'table':30} {'rows':>11} {'seconds':>9}\n")
    for label, table, rows, seconds in generator.timings:
        out(f"  {label:28} {table:30} {rows:11d} {seconds:9.1f}\n")
    out("\n  rows per table\n")
    for table, rows in counts.items():
        out(f"  {table:40} {rows:11d}\n")
    out(
        f"\n  ORM check (rolled back): {lots_read} lots read, traceability report of the wide raw lot "
        f"id {wide_lot_id}: {report_lines} lines, receipt {receipt} validated\n"
    )


if __name__ == "__main__":
    main()
