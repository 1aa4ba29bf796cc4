from odoo.tools import SQL

from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Remove the signatures before Odoo removes the module's data.

    Nobody can delete a signature through the ORM (21 CFR 11.70), and a
    signature keeps its meaning with ``ondelete='restrict'``. Uninstalling the
    module drops the signature table anyway, but Odoo first deletes the
    module's records, the signature meanings among them, which the signatures
    would still reference.
    """
    env.cr.execute(SQL("DELETE FROM md_signature"))
