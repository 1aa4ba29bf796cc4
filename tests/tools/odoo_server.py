"""Starts Odoo as odoo-bin does, wherever Odoo is installed: ``python3 odoo_server.py <options>``.

``python3 -m odoo`` cannot serve ``--gevent-port`` with ``--workers``: the server spawns its
gevent worker as ``python3 <sys.argv[0]> gevent ...``, and with ``-m`` sys.argv[0] is
odoo/__main__.py, which fails on its relative import; the server then respawns it in a loop
for the whole run (odoo/service/server.py long_polling_spawn). Through this file the spawned
command is this script again, which works.
"""

import os

os.environ["TZ"] = "UTC"  # as odoo-bin: Odoo's server time zone, set before anything reads it

import odoo

if __name__ == "__main__":
    odoo.cli.main()
