"""List the project's addons for the test harness and the Docker init script.

Usage: python3 addons.py ADDONS_DIR (names|deps|tags)
  names  project addons in dependency order, comma separated
  deps   the Odoo/OCA addons they depend on (not ours), comma separated
  tags   the --test-tags selecting only the project's tests
No Odoo import: this must work before Odoo is configured.
"""

import ast
import sys
from pathlib import Path


def read_manifests(addons_dir):
    manifests = {}
    for path in sorted(Path(addons_dir).glob("*/__manifest__.py")):
        manifest = ast.literal_eval(path.read_text())
        if manifest.get("installable", True):
            manifests[path.parent.name] = manifest
    return manifests


def dependency_order(manifests):
    ordered, seen = [], set()

    def visit(name):
        if name in seen or name not in manifests:
            return
        seen.add(name)
        for dep in manifests[name].get("depends", []):
            visit(dep)
        ordered.append(name)

    for name in manifests:
        visit(name)
    return ordered


def main(addons_dir, what):
    manifests = read_manifests(addons_dir)
    names = dependency_order(manifests)
    if what == "names":
        print(",".join(names))
    elif what == "deps":
        deps = {d for m in manifests.values() for d in m.get("depends", [])}
        print(",".join(sorted(deps - set(manifests))))
    elif what == "tags":
        print(",".join(f"/{name}" for name in names))
    else:
        raise SystemExit(f"unknown listing {what!r}: use names, deps or tags")


if __name__ == "__main__":
    main(*sys.argv[1:3])
