"""18.0.2.1.0: the head the daily check recorded becomes the first audit trail checkpoint.

Until 18.0.2.0.0 the daily verification stored the verified head ("position:hash") in the system
parameter ``md_base.audit_verified_head``; sealed checkpoints (``md.audit.checkpoint``) now play
that role. The anchor becomes a full checkpoint (that check walked the whole chain) dated when it
was recorded, and the parameter goes. An anchor the chain no longer matches is evidence of
tampering (21 CFR 11.10(a)): it is kept, no checkpoint is made from it, and the error is logged.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

ANCHOR_PARAMETER = "md_base.audit_verified_head"

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    anchor = env["ir.config_parameter"].search([("key", "=", ANCHOR_PARAMETER)])
    if not anchor:
        return
    position, anchor_hash = anchor.value.split(":", 1)
    cr.execute(SQL("SELECT id, entry_hash FROM md_audit_entry WHERE chain_position = %s", int(position)))
    entry = cr.fetchone()
    if not entry or entry[1] != anchor_hash:
        _logger.error(
            "Audit trail: the entry at position %s recorded by the last daily verification is missing or"
            " changed; %s is kept for the investigation and no checkpoint is made from it",
            position,
            ANCHOR_PARAMETER,
        )
        return
    verified = {
        "position": int(position),
        "entry_id": entry[0],
        "entry_hash": anchor_hash,
        "checked": int(position),
    }
    env["md.audit.checkpoint"]._md_append("full", verified, verified_at=anchor.write_date)
    anchor.unlink()
