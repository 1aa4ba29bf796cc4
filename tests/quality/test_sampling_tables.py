"""The master tables of the engine, cell by cell, against published transcriptions of each edition.

- ANSI/ASQ Z1.4-2008 (tables of MIL-STD-105E): the R package AQLSchemes 1.7-2 by John Lawson
  (CRAN, GitHub mirror ``cran/AQLSchemes``, file ``R/AAZ14Single.R``: Table I and the resolved plans
  of Tables II-A, II-B, II-C), re-encoded in ``published/z14_2008_aqlschemes.txt``.
- ISO 2859-1:1999 = GB/T 2828.1-2012: the GitHub repository ``nihantao-crosis/quality-platform``,
  files ``src/core/__tests__/fixtures/gbt2828-1-2012-table1-levels.tsv``,
  ``gbt2828-1-2012-tables-2abc-full16.tsv`` and ``gbt2828-1-2012-tables-2abc-aql15-1000.tsv``
  (Table 1 and the resolved plans of Tables 2-A, 2-B, 2-C, transcribed from GB/T 2828.1-2012 pages 15
  to 17), re-encoded in ``published/gbt2828_1_2012_quality_platform.txt``.

Each engine plan is resolved from its master table (arrows followed) and compared with the
transcription of its own edition. Where the two editions share a table (Table 1 / Table I, Table 2-A
/ Table II-A) the two transcriptions are also compared with each other: they agree on every cell,
which is why the engine keeps one table for both. Tables 2-B and II-B agree on every cell but one
(code letter A, AQL 10), which the ISO scheme refuses (see ``test_iso_2b_cell_a_10_is_refused``).
"""

import pathlib

import pytest
from sampling import (
    AQL_LABELS,
    AQLS,
    CODE_LETTERS,
    ISO_2859_1_1999,
    LEVELS,
    SEVERITIES,
    Z14_2008,
    SamplingError,
    code_letter,
    iso2859,
    sampling_plan,
)

PUBLISHED = pathlib.Path(__file__).parent / "published"
# The smallest and largest lot size of each range of Table 1.
LOT_RANGES = (
    (2, 8), (9, 15), (16, 25), (26, 50), (51, 90), (91, 150), (151, 280), (281, 500), (501, 1200),
    (1201, 3200), (3201, 10000), (10001, 35000), (35001, 150000), (150001, 500000), (500001, 10**7),
)  # fmt: skip


def _read(name):
    """{section: [fields of each line]} of a published transcription file."""
    sections, current = {}, None
    for line in (PUBLISHED / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            current.append(line.split())
    return sections


Z14 = _read("z14_2008_aqlschemes.txt")
GB = _read("gbt2828_1_2012_quality_platform.txt")


def _z14_plans(severity):
    """{(letter, AQL label): (n, Ac, Re)} of the Z1.4 transcription."""
    return {
        (row[0], label): tuple(int(x) for x in cell.split("/"))
        for row in Z14[severity]
        for label, cell in zip(AQL_LABELS, row[1:], strict=True)
    }


def _gb_plans(severity):
    """{(letter, AQL label): (letter, n, Ac, Re) or None} of the GB/T 2828.1-2012 transcription."""
    plans = {}
    for row in GB[severity]:
        for label, cell in zip(AQL_LABELS, row[1:], strict=True):
            if cell == "-":
                plans[row[0], label] = None
            else:
                letter, *numbers = cell.split("/")
                plans[row[0], label] = (letter, *(int(x) for x in numbers))
    return plans


def _engine(scheme, severity, letter, label):
    return iso2859._resolve(scheme, severity, letter, AQL_LABELS.index(label))


def test_the_transcriptions_cover_every_cell():
    assert [len(rows) for rows in (Z14["table_I"], GB["table_1"])] == [15, 15]
    for severity in SEVERITIES:
        assert [row[0] for row in Z14[severity]] == list(CODE_LETTERS)
        letters = [row[0] for row in GB[severity]]
        assert letters == list(CODE_LETTERS) + (["S"] if severity == "tightened" else [])
        assert {len(row) for row in Z14[severity] + GB[severity]} == {1 + len(AQLS)}


# --- Table 1 / Table I ------------------------------------------------------------------------------


@pytest.mark.parametrize("published", [Z14["table_I"], GB["table_1"]], ids=["z14_table_I", "gb_table_1"])
def test_table_1_cell_by_cell(published):
    for (smallest, largest), (_range, *letters) in zip(LOT_RANGES, published, strict=True):
        for level, letter in zip(LEVELS, letters, strict=True):
            assert code_letter(smallest, level) == letter, (smallest, level)
            assert code_letter(largest, level) == letter, (largest, level)


def test_table_1_is_the_same_in_both_editions():
    assert [row[1:] for row in Z14["table_I"]] == [row[1:] for row in GB["table_1"]]


# --- ANSI/ASQ Z1.4-2008 Tables II-A, II-B, II-C -----------------------------------------------------


@pytest.mark.parametrize("severity", SEVERITIES)
def test_z14_master_tables_cell_by_cell(severity):
    published = _z14_plans(severity)
    assert len(published) == 16 * 26
    for (letter, label), expected in published.items():
        _plan_letter, n, accept, reject = _engine(Z14_2008, severity, letter, label)
        assert (n, accept, reject) == expected, (severity, letter, label)


def test_z14_reduced_table_has_gap_plans():
    gaps = {cell for cell in _z14_plans("reduced").values() if cell[2] > cell[1] + 1}
    assert (32, 0, 2) in gaps  # e.g. code letter J, AQL 0.65
    assert all(reject == accept + 1 for _n, accept, reject in _z14_plans("tightened").values())


# --- ISO 2859-1:1999 = GB/T 2828.1-2012 Tables 2-A, 2-B, 2-C ----------------------------------------


@pytest.mark.parametrize("severity", SEVERITIES)
def test_iso_master_tables_cell_by_cell(severity):
    published = _gb_plans(severity)
    checked = 0
    for (letter, label), expected in published.items():
        if letter == "S":
            continue  # row S is only reached through the arrows of rows Q and R
        if severity == "tightened" and (letter, label) == ("A", "10"):
            continue  # refused, see test_iso_2b_cell_a_10_is_refused
        assert _engine(ISO_2859_1_1999, severity, letter, label) == expected, (severity, letter, label)
        checked += 1
    assert checked == 16 * 26 - (1 if severity == "tightened" else 0)


def test_iso_reduced_plans_have_no_gap():
    assert all(cell[3] == cell[2] + 1 for cell in _gb_plans("reduced").values())


def test_iso_tightened_row_s():
    # ISO 2859-1:1999 Table 2-B row S (n = 3150) has a plan at AQL 0.025 only.
    row_s = {label: cell for (letter, label), cell in _gb_plans("tightened").items() if letter == "S"}
    assert row_s.pop("0.025") == ("S", 3150, 1, 2)
    assert set(row_s.values()) == {None}
    assert _engine(ISO_2859_1_1999, "tightened", "Q", "0.025") == ("S", 3150, 1, 2)


# --- the tables the two editions share, and where they differ ---------------------------------------


def test_table_2a_is_the_same_in_both_editions():
    z14, gb = _z14_plans("normal"), _gb_plans("normal")
    assert {key: cell[1:] for key, cell in gb.items()} == z14


def test_tables_2b_and_ii_b_differ_in_one_cell():
    z14, gb = _z14_plans("tightened"), _gb_plans("tightened")
    differing = {key for key, cell in z14.items() if gb[key][1:] != cell}
    assert differing == {("A", "10")}
    assert (z14["A", "10"], gb["A", "10"]) == ((8, 1, 2), ("A", 2, 0, 1))


def test_iso_2b_cell_a_10_is_refused():
    """The two readings of ISO 2859-1:1999 Table 2-B, code letter A, AQL 10 disagree: refused."""
    with pytest.raises(SamplingError, match="Table 2-B, code letter A, AQL 10") as error:
        sampling_plan(5, "II", 10, "tightened", scheme=ISO_2859_1_1999)
    assert error.value.kind == "unverified"
    assert error.value.params == {
        "table": "ISO 2859-1:1999 (GB/T 2828.1-2012) Table 2-B",
        "letter": "A",
        "aql": "10",
    }
    # Z1.4 Table II-B: the arrow leads to code letter D, n = 8, Ac 1; 100 % of a lot of 5.
    assert tuple(sampling_plan(5, "II", 10, "tightened", scheme=Z14_2008)) == ("D", 5, 1, 2, True)


def test_reduced_tables_differ_between_editions():
    z14, gb = _z14_plans("reduced"), _gb_plans("reduced")
    assert z14["J", "0.65"] == (32, 0, 2)
    assert gb["J", "0.65"] == ("K", 50, 1, 2)
    assert sum(gb[key][1:] != cell for key, cell in z14.items()) > 200
