from odoo.tools import SQL

from odoo.addons.md_base import load_base_terms, delete_module_activities, delete_module_signatures

from . import controllers
from . import models
from . import wizard


def post_init_hook(env):
    """md_base's mixin fields on this addon's models get md_base's translations."""
    load_base_terms(env)


def uninstall_hook(env):
    """Remove what pins the module's data before Odoo removes it.

    Nobody can delete a signature through the ORM (21 CFR 11.70), and a
    signature keeps its meaning with ``ondelete='restrict'``; licences keep
    their type (module data), and activities their activity type, the same
    way. The module's tables go with it.
    """
    delete_module_signatures(env, "md_regulatory")
    env.cr.execute(SQL("DELETE FROM md_partner_licence"))
    delete_module_activities(env, "md_regulatory")
