"""Run Odoo (same arguments as ``python3 -m odoo``) and write the result of
every Odoo test into one JUnit XML file.

Used by tests/run.sh for the Odoo test stage:
  MEDDEV_ODOO_JUNIT=/path/odoo-tests.xml python3 odoo_junit.py -d DB -i ... --test-enable

Each test gets the stable id ``odoo/<addon>/<TestClass>/<test_method>``
(the JUnit ``classname`` is ``odoo/<addon>/<TestClass>``, the ``name`` is the
method). The results are taken from Odoo's own result object, the one that
prints "N failed, N error(s) of N tests": a failed assertion is a
<failure>, an exception an <error>, a failed subtest fails its test, and a
setUpClass that raises gives an <error> to every test of its class (they
never start). A tearDownClass error is an extra <error> entry of its class.
"""

import atexit
import importlib
import os
import re
import sys
import time
import unittest
import xml.etree.ElementTree as ET

from odoo.cli.command import main as odoo_main
from odoo.tests import case, result

# odoo.addons.<addon>.tests.<file>.<Class>.<method>
TEST_ID = re.compile(
    r"^odoo\.addons\.(?P<addon>[^.]+)\.tests\.(?P<module>.+)\.(?P<cls>[^.]+)\.(?P<method>[^.]+)$"
)
# "setUpClass (odoo.addons.<addon>.tests.<file>.<Class>)"
HOLDER = re.compile(r"^(?P<hook>\w+) \((?P<path>odoo\.addons\.[^)]+)\)$")
# The severity of an outcome: a test keeps its worst one (subtests report several).
RANK = {"passed": 0, "skipped": 1, "failure": 2, "error": 3}


class Collector:
    """The outcome of every test, keyed by its stable id, in run order."""

    def __init__(self):
        self.cases = {}
        self._started = {}

    def start(self, test):
        key = self.key(test)
        self._started[key] = time.monotonic()
        self.cases[key] = {"outcome": "passed", "message": "", "time": 0.0}

    def stop(self, test):
        key = self.key(test)
        if key in self._started:
            self.cases[key]["time"] = time.monotonic() - self._started.pop(key)

    def record(self, test, outcome, message):
        if isinstance(test, case._SubTest):
            test = test.test_case
        holder = HOLDER.match(str(test)) if not isinstance(test, unittest.TestCase) else None
        if holder:
            self._record_class(holder, outcome, message)
            return
        self._set(self.key(test), outcome, message)

    def _set(self, key, outcome, message):
        entry = self.cases.setdefault(key, {"outcome": "passed", "message": "", "time": 0.0})
        if RANK[outcome] >= RANK[entry["outcome"]]:
            entry["outcome"] = outcome
            entry["message"] = message

    def _record_class(self, holder, outcome, message):
        """A class-level error: every test of a class whose setUpClass failed
        gets it; a tearDownClass error is one more entry of its class."""
        module_path, _dot, class_name = holder["path"].rpartition(".")
        prefix = self.class_id(module_path, class_name)
        if holder["hook"] != "setUpClass":
            self._set(f"{prefix}/{holder['hook']}", outcome, message)
            return
        test_class = getattr(importlib.import_module(module_path), class_name)
        for method in unittest.TestLoader().getTestCaseNames(test_class):
            self._set(f"{prefix}/{method}", outcome, f"{holder['hook']} failed:\n{message}")

    @staticmethod
    def class_id(module_path, class_name):
        match = re.match(r"^odoo\.addons\.([^.]+)\.", module_path)
        addon = match.group(1) if match else module_path
        return f"odoo/{addon}/{class_name}"

    def key(self, test):
        match = TEST_ID.match(test.id())
        if not match:
            return f"odoo/{test.id()}"
        return f"odoo/{match['addon']}/{match['cls']}/{match['method']}"

    def write(self, path):
        suite = ET.Element("testsuite", name="odoo")
        counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        tag = {"failure": "failures", "error": "errors", "skipped": "skipped"}
        for key, entry in self.cases.items():
            classname, _slash, name = key.rpartition("/")
            element = ET.SubElement(
                suite, "testcase", classname=classname, name=name, time=f"{entry['time']:.3f}"
            )
            counts["tests"] += 1
            if entry["outcome"] != "passed":
                counts[tag[entry["outcome"]]] += 1
                detail = ET.SubElement(element, entry["outcome"], message=entry["message"][:200])
                detail.text = entry["message"]
        for name, value in counts.items():
            suite.set(name, str(value))
        root = ET.Element("testsuites")
        root.append(suite)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def install(collector):
    """Hook the collector into Odoo's result object, keeping its behaviour."""
    klass = result.OdooTestResult
    start, stop = klass.startTest, klass.stopTest
    add_error, add_failure, add_skip = klass.addError, klass.addFailure, klass.addSkip

    def start_test(self, test):
        collector.start(test)
        return start(self, test)

    def stop_test(self, test):
        collector.stop(test)
        return stop(self, test)

    def error(self, test, err):
        collector.record(test, "error", self._exc_info_to_string(err, test))
        return add_error(self, test, err)

    def failure(self, test, err):
        collector.record(test, "failure", self._exc_info_to_string(err, test))
        return add_failure(self, test, err)

    def skip(self, test, reason):
        collector.record(test, "skipped", reason)
        return add_skip(self, test, reason)

    klass.startTest, klass.stopTest = start_test, stop_test
    klass.addError, klass.addFailure, klass.addSkip = error, failure, skip


def main():
    path = os.environ.get("MEDDEV_ODOO_JUNIT")
    if not path:
        sys.exit("MEDDEV_ODOO_JUNIT must name the JUnit file to write")
    collector = Collector()
    install(collector)
    atexit.register(collector.write, path)
    odoo_main()


if __name__ == "__main__":
    main()
