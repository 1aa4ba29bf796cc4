from odoo.addons.md_base import load_base_terms, delete_module_activities, delete_module_signatures

from . import models
from . import report
from . import wizard


def post_init_hook(env):
    """md_base's mixin fields on this addon's models get md_base's translations."""
    load_base_terms(env)


def uninstall_hook(env):
    """Remove the signatures of quality records and the activities of the module's activity
    types before Odoo removes the module's data: signatures keep their meaning and
    activities their type with ondelete='restrict', and nobody can delete a signature
    through the ORM (21 CFR 11.70). The quality tables go with the module.
    """
    delete_module_signatures(env, "md_quality")
    delete_module_activities(env, "md_quality")
