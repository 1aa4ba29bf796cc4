"""The validation report of a test run: IQ, OQ and PQ (GAMP 5), as HTML and PDF.

ISO 13485:2016 4.1.6 and 7.5.6 require the software of the quality system
and of production to be validated before use and after changes; 21 CFR
11.10(a) requires the validation of systems holding electronic records.
This report is the evidence of one run of tests/run.sh:

- IQ: Python and Odoo versions, each addon's manifest version and the
  SHA-256 of its files, installed module versions of the database, the
  Python dependencies and the configuration in force (no secrets);
- OQ: every requirement of validation/requirements.yaml with its tests and
  their result in this run; a requirement with a failing test, or with no
  test run, fails the OQ, and so does a reference to a test that does not
  exist in the source tree (a stale register);
- PQ: the protocols of validation/pq/pq_run.py with their steps, and their
  results on a database when a result file is given.

  python3 tools/validation_report.py --junit odoo.xml --junit pytest.xml --out DIR \
      [--pq-results pq.json] [--dsn "host=... port=... dbname=... user=..."] [--no-pdf]

Writes DIR/validation-report.html (with its metadata as embedded JSON, read
by md_regulatory's "Import Validation Report"), DIR/validation-report.pdf
and DIR/validation-report.json. Exits 1 when IQ, OQ or PQ failed.
"""

import argparse
import ast
import datetime
import hashlib
import importlib.metadata
import importlib.util
import json
import platform
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "validation" / "requirements.yaml"
PQ_MODULE = ROOT / "validation" / "pq" / "pq_run.py"
TEMPLATE = Path(__file__).resolve().with_name("validation_report.html.j2")
METADATA_FORMAT = "meddev-validation-report/1"
REQUIREMENT_ID = re.compile(r"^REQ-[A-Z]+-\d{3}$")
# A test outcome's severity: a test id keeps the worst of its runs (parameters, subtests).
RANK = {"passed": 0, "skipped": 1, "failure": 2, "error": 3}
SKIPPED_FILES = {"__pycache__"}


# --- requirements register ----------------------------------------------------


def load_register(path=REGISTER):
    """The requirements, checked for structure: a ValueError names each problem."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    requirements = data.get("requirements") if isinstance(data, dict) else None
    if not isinstance(requirements, list) or not requirements:
        raise ValueError(f"{path}: a 'requirements' list is expected")
    problems, seen = [], set()
    for index, requirement in enumerate(requirements):
        where = f"{path}: requirement {index + 1}"
        if not isinstance(requirement, dict) or set(requirement) != {"id", "clause", "feature", "tests"}:
            problems.append(f"{where}: exactly the keys id, clause, feature, tests are expected")
            continue
        if not REQUIREMENT_ID.match(str(requirement["id"])):
            problems.append(f"{where}: id {requirement['id']!r} is not like REQ-ABC-001")
        if requirement["id"] in seen:
            problems.append(f"{where}: id {requirement['id']} is used twice")
        seen.add(requirement["id"])
        if not (str(requirement["clause"]).strip() and str(requirement["feature"]).strip()):
            problems.append(f"{where}: clause and feature must not be empty")
        tests = requirement["tests"]
        if not isinstance(tests, list) or not tests or not all(isinstance(t, str) and t for t in tests):
            problems.append(f"{where}: tests must be a non-empty list of test ids")
    if problems:
        raise ValueError("\n".join(problems))
    return requirements


def _test_methods(classes, name, seen=()):
    """The test methods of class ``name`` including those it inherits from
    other classes of the same files (``classes``: name -> ClassDef)."""
    node = classes.get(name)
    if node is None or name in seen:
        return set()
    methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}
    for base in node.bases:
        base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
        methods |= _test_methods(classes, base_name, (*seen, name))
    return methods


def source_test_ids(root=ROOT):
    """Every test id the source tree defines, with its class and file ids."""
    ids = set()
    for addon_tests in sorted((root / "addons").glob("*/tests")):
        addon = addon_tests.parent.name
        classes = {}
        for path in sorted(addon_tests.glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            classes.update({n.name: n for n in tree.body if isinstance(n, ast.ClassDef)})
        for name in classes:
            methods = _test_methods(classes, name)
            if methods:
                ids.add(f"odoo/{addon}/{name}")
                ids.update(f"odoo/{addon}/{name}/{method}" for method in methods)
    for path in sorted((root / "tests").rglob("test_*.py")):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                ids.update((relative, f"{relative}::{node.name}"))
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
                for method in sorted(m for m in methods if m.startswith("test_")):
                    ids.update((relative, f"{relative}::{node.name}", f"{relative}::{node.name}::{method}"))
    return ids


def stale_references(requirements, known_ids):
    """``[(requirement id, test id)]`` of references to tests that do not exist."""
    return [
        (requirement["id"], test_id)
        for requirement in requirements
        for test_id in requirement["tests"]
        if test_id not in known_ids
    ]


# --- JUnit results ------------------------------------------------------------------


def _pytest_node(classname, name, root):
    """The pytest node id of a JUnit testcase (classname "tests.udi.test_gs1" or
    "tests.x.test_y.TestZ", name "test_a[param]"), parameters dropped."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        candidate = "/".join(parts[:cut]) + ".py"
        if (root / candidate).is_file():
            return "::".join([candidate, *parts[cut:], name.split("[", 1)[0]])
    return f"{classname.replace('.', '/')}::{name.split('[', 1)[0]}"


def load_results(paths, root=ROOT):
    """``{test id: {"outcome", "message"}}`` from JUnit files of the Odoo
    tests (classname odoo/<addon>/<Class>) and of pytest."""
    results = {}
    for path in paths:
        for case in ET.parse(path).getroot().iter("testcase"):
            classname, name = case.get("classname", ""), case.get("name", "")
            if classname.startswith("odoo/"):
                test_id = f"{classname}/{name}"
            else:
                test_id = _pytest_node(classname, name, root)
            outcome, message = "passed", ""
            for tag in ("error", "failure", "skipped"):
                element = case.find(tag)
                if element is not None:
                    outcome = tag
                    message = element.get("message") or (element.text or "")
                    break
            previous = results.get(test_id)
            if previous is None or RANK[outcome] > RANK[previous["outcome"]]:
                results[test_id] = {"outcome": outcome, "message": message.strip()[:500]}
    return results


def _tests_of(reference, results):
    """The test ids of a run that a register reference designates."""
    if reference in results:
        return [reference]
    prefixes = (f"{reference}/", f"{reference}::")
    return sorted(test_id for test_id in results if test_id.startswith(prefixes))


def evaluate_oq(requirements, results, stale):
    """Each requirement with its tests and a result: passed (every referenced
    test ran and passed), failed (a test failed or erred, or a reference is
    stale) or untested (a reference had no test run, or only skipped ones)."""
    stale_by_requirement = {}
    for requirement_id, test_id in stale:
        stale_by_requirement.setdefault(requirement_id, []).append(test_id)
    rows = []
    for requirement in requirements:
        references, state = [], "passed"
        for reference in requirement["tests"]:
            tests = [{"id": t, **results[t]} for t in _tests_of(reference, results)]
            if reference in stale_by_requirement.get(requirement["id"], []):
                outcome = "stale"
            elif not tests or all(t["outcome"] == "skipped" for t in tests):
                outcome = "not run"
            elif any(t["outcome"] in ("failure", "error") for t in tests):
                outcome = "failed"
            else:
                outcome = "passed"
            references.append({"id": reference, "outcome": outcome, "tests": tests})
            if outcome in ("failed", "stale"):
                state = "failed"
            elif outcome == "not run" and state == "passed":
                state = "untested"
        rows.append({**requirement, "result": state, "references": references})
    return rows


def oq_summary(rows, results):
    outcomes = [r["outcome"] for r in results.values()]
    counts = {
        state: sum(1 for r in rows if r["result"] == state) for state in ("passed", "failed", "untested")
    }
    return {
        "result": "passed" if counts["passed"] == len(rows) else "failed",
        "requirements": len(rows),
        **counts,
        "tests": len(outcomes),
        "tests_passed": outcomes.count("passed"),
        "tests_failed": outcomes.count("failure") + outcomes.count("error"),
        "tests_skipped": outcomes.count("skipped"),
    }


# --- IQ ---------------------------------------------------------------------------


def tree_checksum(directory):
    """SHA-256 over the relative path and content of every file of a directory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        relative = path.relative_to(directory)
        if SKIPPED_FILES & set(relative.parts) or path.suffix == ".pyc":
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def addon_inventory(addons_dir):
    addons = []
    for manifest_path in sorted(Path(addons_dir).glob("*/__manifest__.py")):
        manifest = ast.literal_eval(manifest_path.read_text(encoding="utf-8"))
        addons.append(
            {
                "name": manifest_path.parent.name,
                "version": manifest.get("version", ""),
                "depends": manifest.get("depends", []),
                "sha256": tree_checksum(manifest_path.parent),
            }
        )
    return addons


def requirement_lines(*paths):
    """``[(name, specifier)]`` of pip requirement files (comments and options dropped)."""
    pattern = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^#;]*)")
    lines = []
    for path in paths:
        for raw in Path(path).read_text(encoding="utf-8").splitlines():
            match = pattern.match(raw.strip())
            if match:
                lines.append((match.group(1), match.group(3).strip()))
    return lines


def dependency_versions(lines):
    """Each required package with its installed version and whether it satisfies its specifier."""
    from packaging.specifiers import SpecifierSet

    rows = []
    for name, specifier in lines:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = None
        ok = version is not None and (not specifier or SpecifierSet(specifier).contains(version, True))
        rows.append({"name": name, "required": specifier, "installed": version or "missing", "ok": ok})
    return rows


def database_facts(dsn, addon_names):
    """The PostgreSQL server version and the installed versions of the addons."""
    import psycopg2

    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, state, latest_version FROM ir_module_module WHERE name = ANY(%s)", (addon_names,)
        )
        modules = {name: {"state": state, "version": version} for name, state, version in cursor.fetchall()}
    connection.close()
    return server_version, modules


def git_revision(root=ROOT):
    def git(*args):
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    return git("rev-parse", "HEAD") or "unknown", bool(git("status", "--porcelain", "--", "addons"))


def odoo_release():
    spec = importlib.util.find_spec("odoo")
    if spec is None:
        return {"version": "not installed", "serie": ""}
    release = importlib.import_module("odoo.release")
    return {"version": release.version, "serie": release.serie}


def collect_iq(root, dsn=None, addons_path=""):
    addons = addon_inventory(root / "addons")
    checks = []
    server_version = ""
    if dsn:
        server_version, modules = database_facts(dsn, [a["name"] for a in addons])
        for addon in addons:
            module = modules.get(addon["name"], {"state": "absent", "version": None})
            addon["installed"] = module["version"] if module["state"] == "installed" else module["state"]
            # The version the database runs is the version under test (IQ: installed as specified).
            checks.append(
                {
                    "check": f"{addon['name']} installed at its manifest version {addon['version']}",
                    "ok": module["state"] == "installed" and module["version"] == addon["version"],
                }
            )
    dependencies = dependency_versions(requirement_lines(root / "requirements.txt"))
    checks.extend(
        {"check": f"{d['name']} {d['required']}".strip() + f" installed ({d['installed']})", "ok": d["ok"]}
        for d in dependencies
    )
    commit, dirty = git_revision(root)
    return {
        "result": "passed" if all(c["ok"] for c in checks) else "failed",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "odoo": odoo_release(),
        "postgresql": server_version,
        "addons_path": _without_secrets(addons_path),
        "commit": commit,
        "dirty": dirty,
        "addons": addons,
        "dependencies": dependencies,
        "test_dependencies": dependency_versions(requirement_lines(root / "tests" / "requirements.txt")),
        "checks": checks,
    }


def _without_secrets(text):
    """Credentials embedded in URLs (user:password@) are not reported."""
    return re.sub(r"//[^/@\s]+@", "//***@", text)


# --- PQ ---------------------------------------------------------------------------------


def load_pq_protocols(path=PQ_MODULE):
    spec = importlib.util.spec_from_file_location("meddev_pq_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.protocol_descriptions()


def collect_pq(protocols, results_path=None):
    """The protocols with their steps; with a result file, each step's
    expected and actual result and the protocol's outcome."""
    results = json.loads(Path(results_path).read_text(encoding="utf-8")) if results_path else None
    executed = {p["id"]: p for p in (results or {}).get("protocols", [])}
    rows = []
    for protocol in protocols:
        run = executed.get(protocol["id"])
        steps = {s["id"]: s for s in (run or {}).get("steps", [])}
        rows.append(
            {
                **protocol,
                "result": run["result"] if run else "not run",
                "steps": [{**step, **steps.get(step["id"], {})} for step in protocol["steps"]],
            }
        )
    if results is None:
        outcome = "not run"
    else:
        outcome = "passed" if all(r["result"] == "passed" for r in rows) else "failed"
    return {
        "result": outcome,
        "parameters": (results or {}).get("parameters", {}),
        "executed_at": (results or {}).get("executed_at", ""),
        "protocols": rows,
    }


# --- report -------------------------------------------------------------------------------


def build_report(junit_paths, root=ROOT, register=None, dsn=None, addons_path="", pq_results=None):
    requirements = load_register(register or root / "validation" / "requirements.yaml")
    results = load_results(junit_paths, root)
    stale = stale_references(requirements, source_test_ids(root))
    rows = evaluate_oq(requirements, results, stale)
    oq = {**oq_summary(rows, results), "stale": [{"requirement": r, "test": t} for r, t in stale]}
    iq = collect_iq(root, dsn, addons_path)
    pq = collect_pq(load_pq_protocols(root / "validation" / "pq" / "pq_run.py"), pq_results)
    passed = iq["result"] == "passed" and oq["result"] == "passed" and pq["result"] in ("passed", "not run")
    metadata = {
        "format": METADATA_FORMAT,
        "generated_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "commit": iq["commit"],
        "odoo_version": iq["odoo"]["version"],
        "addons": {a["name"]: {"version": a["version"], "sha256": a["sha256"]} for a in iq["addons"]},
        "iq": {"result": iq["result"]},
        "oq": {k: v for k, v in oq.items() if k != "stale"} | {"stale": len(stale)},
        "pq": {"result": pq["result"], "protocols": len(pq["protocols"])},
        "result": "passed" if passed else "failed",
    }
    return {"metadata": metadata, "iq": iq, "oq": oq, "requirements": rows, "pq": pq}


def render_html(report):
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True, keep_trailing_newline=True
    )
    # "</" would end the <script> element that carries the metadata.
    metadata_json = json.dumps(report["metadata"], indent=1, sort_keys=True).replace("</", "<\\/")
    return environment.get_template(TEMPLATE.name).render(report=report, metadata_json=metadata_json)


def write_pdf(html_path, pdf_path):
    subprocess.run(
        ["wkhtmltopdf", "--quiet", "--encoding", "utf-8", str(html_path), str(pdf_path)],
        check=True,
        capture_output=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--junit", action="append", required=True, help="a JUnit XML file (repeatable)")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--pq-results", help="the result file of validation/pq/pq_run.py")
    parser.add_argument("--dsn", help="libpq connection string of the database under test")
    parser.add_argument("--addons-path", default="", help="the addons path in force")
    parser.add_argument("--no-pdf", action="store_true", help="HTML and JSON only")
    args = parser.parse_args(argv)
    report = build_report(
        args.junit, root=ROOT, dsn=args.dsn, addons_path=args.addons_path, pq_results=args.pq_results
    )
    args.out.mkdir(parents=True, exist_ok=True)
    html_path = args.out / "validation-report.html"
    html_path.write_text(render_html(report), encoding="utf-8")
    (args.out / "validation-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    if not args.no_pdf:
        write_pdf(html_path, args.out / "validation-report.pdf")
    meta, oq = report["metadata"], report["oq"]
    print(
        f"validation report {meta['result'].upper()}: IQ {meta['iq']['result']}, "
        f"OQ {oq['result']} ({oq['passed']} of {oq['requirements']} requirements passed, "
        f"{oq['failed']} failed, {oq['untested']} untested, {len(oq['stale'])} stale references), "
        f"PQ {meta['pq']['result']} -> {html_path}"
    )
    for row in report["requirements"]:
        if row["result"] != "passed":
            print(f"  {row['result'].upper()} {row['id']} ({row['clause']}): {row['feature']}")
    for item in oq["stale"]:
        print(f"  STALE {item['requirement']}: {item['test']} does not exist")
    for check in report["iq"]["checks"]:
        if not check["ok"]:
            print(f"  IQ FAILED: {check['check']}")
    return 0 if meta["result"] == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
