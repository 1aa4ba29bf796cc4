import logging

import psycopg2

from odoo.tools import SQL

from odoo.addons.md_base import load_base_terms, delete_module_signatures

from . import models
from . import wizard
from . import controllers
from . import report
from .models.stock_lot_demo import DEMO_STORY_ORIGIN

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """md_base's mixin fields on this addon's models get md_base's translations."""
    load_base_terms(env)


def uninstall_hook(env):
    """Remove the signatures of lot holds (they pin nothing of md_base, but their records go with
    the module), then the demo story's stock history before Odoo removes the demo products.

    Odoo never deletes done stock moves, so the products and partners of the
    story (models/stock_lot_demo.py) would stay behind after an uninstall. Only
    the story's transfers and manufacturing orders (found by their origin) and
    lots nothing else used are removed, all or nothing: when other records
    still refer to them, everything is kept, as Odoo does for any product with
    stock history.
    """
    delete_module_signatures(env, "md_udi_trace")
    # Readings and excursions go with their tables; emptied first so that Odoo can delete the
    # places, loggers and locations (demo data) they refer to.
    env.cr.execute("DELETE FROM md_env_reading; DELETE FROM md_env_excursion")
    try:
        with env.cr.savepoint():
            _delete_demo_story(env.cr)
    except psycopg2.IntegrityError as error:
        _logger.warning(
            "Demo story stock history kept: other records refer to it (%s)", error.diag.message_primary
        )


def _delete_demo_story(cr):
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE md_demo_moves ON COMMIT DROP AS
                SELECT m.id FROM stock_move m
                  LEFT JOIN stock_picking p ON p.id = m.picking_id
                  LEFT JOIN mrp_production r ON r.id = m.raw_material_production_id
                  LEFT JOIN mrp_production f ON f.id = m.production_id
                 WHERE p.origin = %(origin)s OR r.origin = %(origin)s OR f.origin = %(origin)s;
            CREATE TEMP TABLE md_demo_lots ON COMMIT DROP AS
                SELECT DISTINCT l.lot_id AS id FROM stock_move_line l
                 WHERE l.move_id IN (SELECT id FROM md_demo_moves) AND l.lot_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM stock_move_line o
                                    WHERE o.lot_id = l.lot_id
                                      AND o.move_id NOT IN (SELECT id FROM md_demo_moves));
            DELETE FROM stock_valuation_layer WHERE stock_move_id IN (SELECT id FROM md_demo_moves);
            DELETE FROM stock_move_line WHERE move_id IN (SELECT id FROM md_demo_moves);
            DELETE FROM stock_move WHERE id IN (SELECT id FROM md_demo_moves);
            DELETE FROM stock_quant WHERE lot_id IN (SELECT id FROM md_demo_lots);
            DELETE FROM md_lot_hold WHERE lot_id IN (SELECT id FROM md_demo_lots);
            DELETE FROM md_label_log WHERE lot_id IN (SELECT id FROM md_demo_lots);
            DELETE FROM mrp_production WHERE origin = %(origin)s;
            DELETE FROM stock_picking WHERE origin = %(origin)s;
            DELETE FROM stock_lot WHERE id IN (SELECT id FROM md_demo_lots);
            """,
            origin=DEMO_STORY_ORIGIN,
        )
    )
