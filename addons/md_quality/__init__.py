from odoo.tools import SQL

from odoo.addons.md_regulatory import delete_module_activities

from . import models
from . import wizard


def uninstall_hook(env):
    """Remove the signatures of quality records and the activities of the module's activity
    types before Odoo removes the module's data: signatures keep their meaning and
    activities their type with ondelete='restrict', and nobody can delete a signature
    through the ORM (21 CFR 11.70). The quality tables go with the module.
    """
    env.cr.execute(SQL("DELETE FROM md_signature WHERE res_model LIKE %s", "md.quality.%"))
    delete_module_activities(env, "md_quality")
