"""tools/validation_report.py on a small repository: OQ per requirement from
JUnit files, IQ checksums, the HTML with its metadata, the PDF."""

import json
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import validation_report  # noqa: E402

REGISTER = """\
requirements:
  - id: REQ-SIG-001
    clause: "21 CFR 11.50(a)"
    feature: "Signatures name the signer"
    tests:
      - odoo/md_x/TestSign/test_name
      - tests/test_parse.py::test_gtin
  - id: REQ-SIG-002
    clause: "21 CFR 11.70"
    feature: "Signatures are bound to the record"
    tests:
      - odoo/md_x/TestSign
  - id: REQ-AUD-001
    clause: "21 CFR 11.10(e)"
    feature: "Audit trail"
    tests:
      - odoo/md_x/TestAudit/test_chain
"""


def junit(path, cases):
    """A JUnit file: cases are (classname, name, outcome) with outcome passed/failure/error/skipped."""
    body = "".join(
        f'<testcase classname="{classname}" name="{name}">'
        + ("" if outcome == "passed" else f'<{outcome} message="{outcome} in {name}">trace</{outcome}>')
        + "</testcase>"
        for classname, name, outcome in cases
    )
    path.write_text(f'<?xml version="1.0"?><testsuites><testsuite name="s">{body}</testsuite></testsuites>')
    return path


@pytest.fixture
def repo(tmp_path):
    """A repository with one addon md_x, its tests, a pytest file and the register."""
    tests = tmp_path / "addons" / "md_x" / "tests"
    tests.mkdir(parents=True)
    (tmp_path / "addons" / "md_x" / "__manifest__.py").write_text('{"name": "X", "version": "18.0.1.0.0"}')
    (tests / "test_x.py").write_text(
        textwrap.dedent(
            """
            class TestSign:
                def test_name(self): pass
                def test_hash(self): pass
            class TestAudit:
                def test_chain(self): pass
            """
        )
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_parse.py").write_text("def test_gtin():\n    pass\n")
    (tmp_path / "tests" / "requirements.txt").write_text("pytest\n")
    (tmp_path / "requirements.txt").write_text("Jinja2>=2  # the report template\n")
    (tmp_path / "validation" / "pq").mkdir(parents=True)
    (tmp_path / "validation" / "requirements.yaml").write_text(REGISTER)
    shutil.copy(ROOT / "validation" / "pq" / "pq_run.py", tmp_path / "validation" / "pq" / "pq_run.py")
    return tmp_path


def odoo_cases(sign_name="passed", sign_hash="passed", chain="passed"):
    return [
        ("odoo/md_x/TestSign", "test_name", sign_name),
        ("odoo/md_x/TestSign", "test_hash", sign_hash),
        ("odoo/md_x/TestAudit", "test_chain", chain),
    ]


def report(repo, odoo, pytest_cases=(("tests.test_parse", "test_gtin", "passed"),), pq=None):
    files = [junit(repo / "odoo.xml", odoo), junit(repo / "pytest.xml", pytest_cases)]
    return validation_report.build_report(files, root=repo, pq_results=pq)


def results(built):
    return {row["id"]: row["result"] for row in built["requirements"]}


def test_all_passing(repo):
    built = report(repo, odoo_cases())
    assert results(built) == dict.fromkeys(("REQ-SIG-001", "REQ-SIG-002", "REQ-AUD-001"), "passed")
    assert (built["metadata"]["oq"]["result"], built["metadata"]["result"]) == ("passed", "passed")
    assert built["metadata"]["oq"]["tests_passed"] == 4


def test_a_failing_test_fails_its_requirements(repo):
    built = report(repo, odoo_cases(sign_hash="failure"))
    assert results(built) == {"REQ-SIG-001": "passed", "REQ-SIG-002": "failed", "REQ-AUD-001": "passed"}
    assert built["metadata"]["result"] == "failed"
    [reference] = built["requirements"][1]["references"]
    assert [t["outcome"] for t in reference["tests"]] == ["failure", "passed"]


def test_an_error_and_a_failing_parameter_fail_too(repo):
    pytest_cases = [
        ("tests.test_parse", "test_gtin[a]", "passed"),
        ("tests.test_parse", "test_gtin[b]", "error"),
    ]
    built = report(repo, odoo_cases(), pytest_cases)
    assert results(built)["REQ-SIG-001"] == "failed"


def test_requirements_without_a_test_run_are_untested(repo):
    built = report(repo, [c for c in odoo_cases() if c[1] != "test_chain"])
    assert results(built)["REQ-AUD-001"] == "untested"
    assert built["metadata"]["oq"]["untested"] == 1
    assert built["metadata"]["oq"]["result"] == "failed"
    skipped = report(repo, odoo_cases(chain="skipped"))
    assert results(skipped)["REQ-AUD-001"] == "untested"


def test_a_reference_to_a_test_that_does_not_exist_is_stale(repo):
    register = repo / "validation" / "requirements.yaml"
    register.write_text(REGISTER.replace("odoo/md_x/TestAudit/test_chain", "odoo/md_x/TestAudit/test_gone"))
    built = report(repo, odoo_cases())
    assert built["oq"]["stale"] == [{"requirement": "REQ-AUD-001", "test": "odoo/md_x/TestAudit/test_gone"}]
    assert results(built)["REQ-AUD-001"] == "failed"


def test_register_structure_is_checked(repo):
    register = repo / "validation" / "requirements.yaml"
    register.write_text(
        REGISTER.replace("REQ-AUD-001", "REQ-SIG-001").replace('clause: "21 CFR 11.70"', 'clause: ""')
    )
    with pytest.raises(ValueError, match="REQ-SIG-001 is used twice") as error:
        validation_report.load_register(register)
    assert "clause and feature must not be empty" in str(error.value)


def test_iq_checksum_changes_with_a_file(repo):
    addon = repo / "addons" / "md_x"
    before = validation_report.tree_checksum(addon)
    assert validation_report.tree_checksum(addon) == before
    (addon / "__pycache__").mkdir()
    (addon / "__pycache__" / "x.pyc").write_bytes(b"cache")
    assert validation_report.tree_checksum(addon) == before
    (addon / "tests" / "test_x.py").write_text("# changed\n")
    assert validation_report.tree_checksum(addon) != before
    [inventory] = validation_report.addon_inventory(repo / "addons")
    assert (inventory["name"], inventory["version"]) == ("md_x", "18.0.1.0.0")
    assert inventory["sha256"] == validation_report.tree_checksum(addon)


def test_iq_lists_dependencies_and_hides_secrets(repo):
    iq = validation_report.collect_iq(repo, addons_path="https://user:secret@example.com/addons,/opt/odoo")
    assert [(d["name"], d["required"], d["ok"]) for d in iq["dependencies"]] == [("Jinja2", ">=2", True)]
    assert "secret" not in iq["addons_path"]
    assert iq["result"] == "passed"


def test_pq_protocols_listed_and_results_included(repo, tmp_path):
    built = report(repo, odoo_cases())
    assert built["pq"]["result"] == "not run"
    assert [p["id"] for p in built["pq"]["protocols"]] == ["PQ-01", "PQ-02", "PQ-03"]
    executed = tmp_path / "pq.json"
    steps = [{"id": "S1", "expected": "e", "actual": "refused", "result": "failed"}]
    executed.write_text(
        json.dumps({"executed_at": "now", "parameters": {"db": "x"}, "protocols": [
            {"id": "PQ-01", "result": "failed", "steps": steps}]})
    )  # fmt: skip
    built = report(repo, odoo_cases(), pq=executed)
    assert (built["pq"]["result"], built["metadata"]["result"]) == ("failed", "failed")
    assert built["pq"]["protocols"][0]["steps"][0]["actual"] == "refused"


def test_html_carries_the_metadata_and_lists_open_requirements(repo):
    built = report(repo, odoo_cases(chain="error"))
    html = validation_report.render_html(built)
    match = re.search(
        r'<script type="application/json" id="md-validation-metadata">(.*?)</script>', html, re.S
    )
    assert json.loads(match.group(1).replace("<\\/", "</")) == built["metadata"]
    not_verified = html.split("Requirements not verified by this run", 1)[1].split(
        "Requirements and their tests"
    )[0]
    assert "REQ-AUD-001" in not_verified and "REQ-SIG-001" not in not_verified


def test_main_writes_html_json_and_pdf(repo, tmp_path, monkeypatch, capsys):
    if not shutil.which("wkhtmltopdf"):
        pytest.skip("wkhtmltopdf is not installed")
    monkeypatch.setattr(validation_report, "ROOT", repo)
    files = [str(junit(repo / "odoo.xml", odoo_cases(sign_name="failure")))]
    assert validation_report.main(["--junit", files[0], "--out", str(tmp_path / "out")]) == 1
    assert (tmp_path / "out" / "validation-report.pdf").read_bytes().startswith(b"%PDF")
    saved = json.loads((tmp_path / "out" / "validation-report.json").read_text())
    assert saved["metadata"]["oq"]["failed"] == 2
    assert "FAILED REQ-SIG-001" in capsys.readouterr().out
