"""Lot/serial genealogy queries: the one place that reads the genealogy links.

Trace, recall scope, the device history record and the trace UI all call these
functions, so they all follow the same links (ISO 13485:2016 7.5.9.1 and
7.5.9.2, 21 CFR 820.65 and 820.184(d), EU MDR Art. 25 and Annex VII 4.5.5:
the manufacturer can identify the components used in each unit and the
consignee of each unit). Every function takes a database cursor and runs a
fixed handful of statements whatever the depth of the genealogy.

Links, oriented from the material that flows in to what it became:

* manufacturing and repair: ``stock_move_line_consume_rel`` rows. Odoo
  stores the input line in ``produce_line_id`` and the output line in
  ``consume_line_id`` (an order's component lines -> its finished lines; the
  parts of a repair -> the repaired unit's line; by-products consumed by an
  unbuild -> the recovered lines);
* unbuild: Odoo 18 writes no link for the unbuilt product itself, so the
  unbuild order's lot (``mrp_unbuild.lot_id``) -> the lots of its done
  recovered lines (``stock_move.unbuild_id``);
* unit-level consumption: a component line with ``md_unit_lot_id`` went into
  that finished unit only, and its order-level links are ignored;
* parts removed or recycled by a repair (``stock_move.repair_line_type``
  'remove'/'recycle') came out of the repaired unit: their link is reversed;
* moves of the same lot (transfers, deliveries, returns, scraps) keep the lot
  itself, so the lot is one node wherever it goes; its position is its quants.
"""

from odoo.tools import SQL

DOWN = "down"
UP = "up"

# Repair lines whose part leaves the repaired unit instead of entering it.
_REMOVED_PART = SQL("('remove', 'recycle')")
# Their moves, few and indexed: read once per step and probed as a set, rather
# than reading the move of every frontier line.
_REMOVED_PART_MOVES = SQL("(SELECT id FROM stock_move WHERE repair_line_type IN %s)", _REMOVED_PART)


def _fetch(cr, query):
    """Rows of one genealogy statement, run without JIT compilation.

    The recursive trace's estimated cost passes PostgreSQL's ``jit_above_cost``
    while it runs in milliseconds: compiling it took 125 ms of a 525 ms recall
    scope in the benchmark. JIT is switched off for this statement only (a
    failed statement rolls the transaction back, and the setting with it).
    """
    cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    jit = cr.fetchone()[0]
    cr.execute(query)
    rows = cr.fetchall()
    cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
    return rows


def _id_array(ids):
    """The distinct ``ids`` as one ``int[]`` literal.

    A recall scope passes tens of thousands of ids: PostgreSQL reads them far
    faster as one array value than as the ``ARRAY[...]`` expression of one
    constant per id that psycopg2 would send; distinct, they cannot count a
    line twice. Tested with ``= ANY(...)`` the array is read through the index
    of the column (a bitmap scan); joined as ``unnest(...)``, PostgreSQL hashed
    the whole table instead once it estimated many rows per id: the recall
    scope's stock took 82 ms at 1,000,000 lots with ``unnest``, 20 ms with
    ``= ANY`` (whose planning costs about 20 ms per 50,000 ids).
    """
    return SQL("%s::int[]", "{" + ",".join(map(str, sorted({int(id_) for id_ in ids}))) + "}")


def _frontier_lines(frontier):
    """The done move lines of the frontier lots: read once per step, by every branch."""
    return SQL(
        """
        lines AS MATERIALIZED (
            SELECT ml.id, ml.lot_id, ml.move_id, ml.md_unit_lot_id
              FROM stock_move_line ml
             WHERE ml.lot_id = ANY(%(f)s) AND ml.state = 'done'
        )
        """,
        f=frontier,
    )


def _down_pairs(frontier):
    """(src, dst) lot pairs: ``dst`` was made from, or came out of, a ``src`` lot."""
    return SQL(
        """
        WITH %(lines)s
        SELECT l.lot_id AS src, l.md_unit_lot_id AS dst
          FROM lines l
         WHERE l.md_unit_lot_id IS NOT NULL
        UNION
        SELECT l.lot_id, out_ml.lot_id
          FROM lines l
          JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = l.id
          JOIN stock_move_line out_ml ON out_ml.id = rel.consume_line_id
         WHERE l.md_unit_lot_id IS NULL AND out_ml.lot_id IS NOT NULL
           AND l.move_id NOT IN %(removed_moves)s
        UNION
        SELECT unit.lot_id, part.lot_id
          FROM lines unit
          JOIN stock_move_line_consume_rel rel ON rel.consume_line_id = unit.id
          JOIN stock_move_line part ON part.id = rel.produce_line_id
          JOIN stock_move pm ON pm.id = part.move_id
         WHERE part.lot_id IS NOT NULL AND pm.repair_line_type IN %(removed)s
        UNION
        SELECT unbuild.lot_id, recovered.lot_id
          FROM mrp_unbuild unbuild
          JOIN stock_move m ON m.unbuild_id = unbuild.id
          JOIN stock_move_line recovered ON recovered.move_id = m.id
         WHERE unbuild.lot_id = ANY(%(f)s) AND unbuild.state = 'done'
           AND recovered.state = 'done' AND recovered.lot_id IS NOT NULL
        """,
        lines=_frontier_lines(frontier),
        f=frontier,
        removed=_REMOVED_PART,
        removed_moves=_REMOVED_PART_MOVES,
    )


def _up_pairs(frontier):
    """(src, dst) lot pairs: ``src`` is a lot that ``dst`` was made from or came out of."""
    return SQL(
        """
        WITH %(lines)s
        SELECT ml.lot_id AS src, ml.md_unit_lot_id AS dst
          FROM stock_move_line ml
         WHERE ml.md_unit_lot_id = ANY(%(f)s) AND ml.state = 'done' AND ml.lot_id IS NOT NULL
        UNION
        SELECT inp.lot_id, out_ml.lot_id
          FROM lines out_ml
          JOIN stock_move_line_consume_rel rel ON rel.consume_line_id = out_ml.id
          JOIN stock_move_line inp ON inp.id = rel.produce_line_id
         WHERE inp.lot_id IS NOT NULL AND inp.state = 'done' AND inp.md_unit_lot_id IS NULL
           AND inp.move_id NOT IN %(removed_moves)s
        UNION
        SELECT unit.lot_id, part.lot_id
          FROM lines part
          JOIN stock_move pm ON pm.id = part.move_id
          JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = part.id
          JOIN stock_move_line unit ON unit.id = rel.consume_line_id
         WHERE unit.lot_id IS NOT NULL AND pm.repair_line_type IN %(removed)s
        UNION
        SELECT unbuild.lot_id, recovered.lot_id
          FROM lines recovered
          JOIN stock_move m ON m.id = recovered.move_id
          JOIN mrp_unbuild unbuild ON unbuild.id = m.unbuild_id
         WHERE unbuild.state = 'done' AND unbuild.lot_id IS NOT NULL
        """,
        lines=_frontier_lines(frontier),
        f=frontier,
        removed=_REMOVED_PART,
        removed_moves=_REMOVED_PART_MOVES,
    )


def _pairs(direction, frontier):
    if direction == DOWN:
        return _down_pairs(frontier)
    if direction == UP:
        return _up_pairs(frontier)
    raise ValueError(direction)


def _next_column(direction):
    """The column of a pair that is one step further in ``direction``."""
    return SQL("dst") if direction == DOWN else SQL("src")


def _lot_allowed(lot_alias, company_ids):
    """Only lots without company or of ``company_ids`` (multi-company isolation)."""
    if company_ids is None:
        return SQL("TRUE")
    return SQL(
        "(%(lot)s.company_id IS NULL OR %(lot)s.company_id = ANY(%(companies)s))",
        lot=SQL.identifier(lot_alias),
        companies=list(company_ids),
    )


def trace_query(direction, lot_ids, company_ids=None):
    """One recursive statement: ``(lot_id, product_id, level)`` of every lot reached.

    A breadth-first walk whose rows carry the whole frontier and the set of lots
    already visited, so each lot appears once, at its shortest distance, and
    cycles (a component recovered by an unbuild and used again) end the walk.
    The seeds themselves are not returned.
    """
    frontier = SQL("b.frontier")
    return SQL(
        """
        WITH RECURSIVE bfs(level, frontier, products, visited) AS (
            SELECT 0, %(seeds)s, '{}'::int[], %(seeds)s
          UNION ALL
            SELECT b.level + 1, step.lots, step.products, b.visited || step.lots
              FROM bfs b
              CROSS JOIN LATERAL (
                  -- one aggregate row: the step is computed once per level
                  SELECT COALESCE(array_agg(lot.id), '{}') AS lots,
                         COALESCE(array_agg(lot.product_id), '{}') AS products
                    FROM (
                        SELECT p.%(next)s AS id FROM (%(pairs)s) p
                        EXCEPT
                        SELECT unnest(b.visited)
                    ) fresh
                    JOIN stock_lot lot ON lot.id = fresh.id
                   WHERE %(allowed)s
              ) step
             WHERE cardinality(b.frontier) > 0
        )
        SELECT reached.lot_id, reached.product_id, bfs.level
          FROM bfs
          CROSS JOIN LATERAL unnest(bfs.frontier, bfs.products) AS reached(lot_id, product_id)
         WHERE bfs.level > 0
         ORDER BY bfs.level, reached.lot_id
        """,
        seeds=_id_array(lot_ids),
        next=_next_column(direction),
        pairs=_pairs(direction, frontier),
        allowed=_lot_allowed("lot", company_ids),
    )


def trace(cr, direction, lot_ids, company_ids=None):
    """``[(lot_id, product_id, level)]`` of every lot reached from ``lot_ids``."""
    if not lot_ids:
        return []
    return _fetch(cr, trace_query(direction, lot_ids, company_ids))


def links(cr, direction, lot_ids, company_ids=None):
    """``[(src, dst)]`` lot pairs among ``lot_ids`` and their next step in ``direction``.

    Called with the seeds plus everything :func:`trace` reached, it gives every
    edge of the trace tree in one statement.
    """
    if not lot_ids:
        return []
    return _fetch(
        cr,
        SQL(
            """
            SELECT DISTINCT p.src, p.dst
              FROM (%(pairs)s) p
              JOIN stock_lot src_lot ON src_lot.id = p.src
              JOIN stock_lot dst_lot ON dst_lot.id = p.dst
             WHERE p.src <> p.dst AND %(src_allowed)s AND %(dst_allowed)s
             ORDER BY p.src, p.dst
            """,
            pairs=_pairs(direction, _id_array(lot_ids)),
            src_allowed=_lot_allowed("src_lot", company_ids),
            dst_allowed=_lot_allowed("dst_lot", company_ids),
        ),
    )


def stock(cr, lot_ids, company_ids=None):
    """``[(lot_id, location_id, quantity)]``: on-hand quants in internal locations."""
    if not lot_ids:
        return []
    company_filter = SQL("TRUE") if company_ids is None else SQL("q.company_id = ANY(%s)", list(company_ids))
    return _fetch(
        cr,
        SQL(
            """
            SELECT q.lot_id, q.location_id, SUM(q.quantity)
              FROM stock_quant q
             WHERE q.lot_id = ANY(%s) AND q.quantity <> 0 AND %s
               AND q.location_id IN (SELECT id FROM stock_location WHERE usage = 'internal')
             GROUP BY q.lot_id, q.location_id
            HAVING SUM(q.quantity) > 0
             ORDER BY q.lot_id, q.location_id
            """,
            _id_array(lot_ids),
            company_filter,
        ),
    )


def customers(cr, lot_ids, company_ids=None):
    """``[(partner_id, lot_id, quantity, picking_ids, date)]`` of the consignees.

    Done moves of the lots into a customer location, net of the returns from a
    customer location by the same partner; ``date`` is the last delivery.
    Consignees who returned everything are left out.

    The delivery and return lines are read first, from the index of done lines
    by lot, then the partner of each of their transfers once: a wide recall's
    28,440 lines came from 2,880 transfers. Joining the transfers directly let
    PostgreSQL hash the whole transfer table (290 ms of 380 ms at 1,183,800
    transfers); this way the statement took 35-40 ms at every size
    (tests/benchmarks/bench_five_years.py).
    """
    if not lot_ids:
        return []
    company_filter = SQL("TRUE") if company_ids is None else SQL("ml.company_id = ANY(%s)", list(company_ids))
    return _fetch(
        cr,
        SQL(
            """
            WITH lines AS MATERIALIZED (
                SELECT ml.lot_id, ml.picking_id, ml.move_id, ml.date,
                       -- float8: summed faster than numeric, and read as a float as Odoo does
                       CASE WHEN ml.location_dest_id = ANY(customer.ids) THEN ml.quantity_product_uom
                            ELSE -ml.quantity_product_uom END::float8 AS qty
                  FROM (SELECT array_agg(id) AS ids FROM stock_location WHERE usage = 'customer') customer,
                       stock_move_line ml
                 WHERE ml.lot_id = ANY(%(lots)s) AND ml.state = 'done' AND %(company)s
                   AND (ml.location_id = ANY(customer.ids)) <> (ml.location_dest_id = ANY(customer.ids))
            ),
            picking AS MATERIALIZED (
                SELECT p.id, p.partner_id FROM stock_picking p WHERE p.id IN (SELECT picking_id FROM lines)
            ),
            moves AS (
                SELECT COALESCE(
                           picking.partner_id,
                           -- the move is read only for lines without a transfer partner
                           (SELECT m.partner_id FROM stock_move m WHERE m.id = lines.move_id)
                       ) AS partner_id,
                       lines.lot_id, lines.picking_id, lines.date, lines.qty
                  FROM lines
                  LEFT JOIN picking ON picking.id = lines.picking_id
            )
            SELECT moves.partner_id, moves.lot_id, SUM(moves.qty),
                   array_agg(DISTINCT moves.picking_id ORDER BY moves.picking_id)
                       FILTER (WHERE moves.picking_id IS NOT NULL),
                   MAX(moves.date) FILTER (WHERE moves.qty > 0)
              FROM moves
             WHERE moves.partner_id IS NOT NULL
             GROUP BY moves.partner_id, moves.lot_id
            HAVING SUM(moves.qty) > 0
             ORDER BY moves.partner_id, moves.lot_id
            """,
            lots=_id_array(lot_ids),
            company=company_filter,
        ),
    )


def movements(cr, lot_ids, company_ids=None):
    """Every done move line of the lots, with what the trace UI shows of it.

    ``(lot_id, move_line_id, date, reference, kind, location, location_dest,
    quantity, partner_id)``; ``kind`` names the operation: receipt, delivery,
    return, consumption, production, unbuild, repair, scrap or transfer.
    """
    if not lot_ids:
        return []
    company_filter = SQL("TRUE") if company_ids is None else SQL("ml.company_id = ANY(%s)", list(company_ids))
    return _fetch(
        cr,
        SQL(
            """
            SELECT ml.lot_id, ml.id, ml.date,
                   COALESCE(pick.name, prod.name, raw.name, unb.name, cunb.name, rep.name, scrap.name,
                            m.reference),
                   CASE WHEN m.scrapped THEN 'scrap'
                        WHEN m.unbuild_id IS NOT NULL OR m.consume_unbuild_id IS NOT NULL THEN 'unbuild'
                        WHEN m.repair_id IS NOT NULL THEN 'repair'
                        WHEN m.raw_material_production_id IS NOT NULL THEN 'consumption'
                        WHEN m.production_id IS NOT NULL THEN 'production'
                        WHEN dest.usage = 'customer' THEN 'delivery'
                        WHEN src.usage = 'customer' THEN 'return'
                        WHEN src.usage = 'supplier' THEN 'receipt'
                        ELSE 'transfer' END,
                   src.complete_name, dest.complete_name, ml.quantity_product_uom,
                   COALESCE(pick.partner_id, m.partner_id)
              FROM unnest(%s) AS scope(lot_id)
              JOIN stock_move_line ml ON ml.lot_id = scope.lot_id
              JOIN stock_move m ON m.id = ml.move_id
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dest ON dest.id = ml.location_dest_id
              LEFT JOIN stock_picking pick ON pick.id = ml.picking_id
              LEFT JOIN mrp_production prod ON prod.id = m.production_id
              LEFT JOIN mrp_production raw ON raw.id = m.raw_material_production_id
              LEFT JOIN mrp_unbuild unb ON unb.id = m.unbuild_id
              LEFT JOIN mrp_unbuild cunb ON cunb.id = m.consume_unbuild_id
              LEFT JOIN repair_order rep ON rep.id = m.repair_id
              LEFT JOIN stock_scrap scrap ON scrap.id = m.scrap_id
             WHERE ml.state = 'done' AND %s
             ORDER BY ml.lot_id, ml.date, ml.id
            """,
            _id_array(lot_ids),
            company_filter,
        ),
    )


def lots_in_location(cr, location_id, start, end, company_ids=None, product_ids=None):
    """``[(lot_id, quantity)]``: the lots that were in a location (or one inside it) at some
    instant between ``start`` and ``end``, with the most of each that was there then.

    Read from the done move lines in one statement: a lot's balance in the location is the
    running sum of its moves into it minus its moves out of it (moves inside it do not count).
    A lot was there if its balance just before ``start`` was positive, or became positive
    after a move between ``start`` and ``end`` (a storage excursion's affected product,
    ISO 13485:2016 7.5.11 preservation; 8.3 nonconforming product).
    """
    company_filter = SQL("TRUE") if company_ids is None else SQL("ml.company_id = ANY(%s)", list(company_ids))
    product_filter = SQL("TRUE") if product_ids is None else SQL("ml.product_id = ANY(%s)", list(product_ids))
    return _fetch(
        cr,
        SQL(
            """
            WITH place AS MATERIALIZED (
                SELECT id FROM stock_location
                 WHERE parent_path LIKE
                       (SELECT parent_path FROM stock_location WHERE id = %(location)s) || %(any)s
            ),
            moves AS (
                SELECT ml.lot_id, ml.date, ml.id,
                       ((ml.location_dest_id IN (SELECT id FROM place))::int
                        - (ml.location_id IN (SELECT id FROM place))::int)
                       * ml.quantity_product_uom::float8 AS delta
                  FROM stock_move_line ml
                 WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL AND ml.date <= %(end)s
                   AND (ml.location_id IN (SELECT id FROM place)
                        OR ml.location_dest_id IN (SELECT id FROM place))
                   AND %(company)s AND %(product)s
            ),
            balances AS (
                SELECT lot_id, date,
                       SUM(delta) OVER (PARTITION BY lot_id ORDER BY date, id) AS balance,
                       ROW_NUMBER() OVER (PARTITION BY lot_id, date < %(start)s
                                          ORDER BY date DESC, id DESC) AS recent
                  FROM moves
            ),
            present AS (
                SELECT lot_id,
                       GREATEST(COALESCE(MAX(balance) FILTER (WHERE date < %(start)s AND recent = 1), 0),
                                COALESCE(MAX(balance) FILTER (WHERE date >= %(start)s), 0)) AS quantity
                  FROM balances
                 GROUP BY lot_id
            )
            SELECT lot_id, quantity FROM present WHERE quantity > 1e-9 ORDER BY lot_id
            """,
            location=location_id,
            any="%",
            start=start,
            end=end,
            company=company_filter,
            product=product_filter,
        ),
    )
