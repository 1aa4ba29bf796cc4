"""Uninstall the project's addons one by one and check nothing is left behind.

Run by tests/run.sh after the other stages, on the test database:
  python3 uninstall_check.py <odoo options> --addons=a,b,c
Addons are uninstalled last-in-the-chain first. For each one it prints
"PASS <addon>" or "FAIL <addon>: <why>": the module must end uninstalled,
and every record it created (models, fields, views, menus, groups) and the
tables of its own models must be gone.
"""

import sys

import odoo
from odoo.tools import SQL


def leftovers(env, module):
    """What `module` left in the database after its uninstall."""
    problems = []
    data = env["ir.model.data"].search([("module", "=", module)])
    if data:
        problems.append(f"{len(data)} ir.model.data records remain")
    return problems


def table_exists(env, table):
    env.cr.execute(SQL("SELECT 1 FROM pg_tables WHERE tablename = %s", table))
    return bool(env.cr.rowcount)


def uninstall(db, module):
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        record = env["ir.module.module"].search([("name", "=", module)])
        # Models the module defines (not the ones it only extends) lose their tables.
        own_tables = [
            model._table
            for model in env.registry.values()
            if model._original_module == module and model._auto and not model._abstract
        ]
        record.button_immediate_uninstall()
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        record = env["ir.module.module"].search([("name", "=", module)])
        problems = []
        if record.state != "uninstalled":
            problems.append(f"state is {record.state}")
        problems += leftovers(env, module)
        problems += [f"table {t} remains" for t in own_tables if table_exists(env, t)]
        return problems


def main(argv):
    addons = next(a.split("=", 1)[1] for a in argv if a.startswith("--addons="))
    odoo_args = [a for a in argv if not a.startswith("--addons=")]
    odoo.tools.config.parse_config(odoo_args)
    db = odoo.tools.config["db_name"]
    failed = False
    for module in reversed(addons.split(",")):
        try:
            problems = uninstall(db, module)
        except Exception as error:  # report the failure, continue with the others
            problems = [f"{type(error).__name__}: {error}"]
        if problems:
            failed = True
            print(f"FAIL {module}: {'; '.join(problems)}", flush=True)
        else:
            print(f"PASS {module}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
