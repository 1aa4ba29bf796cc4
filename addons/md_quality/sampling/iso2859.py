"""ISO 2859-1 sampling by attributes: code letters, single sampling plans, switching rules.

Pure Python (no Odoo import), so that it is testable on its own and usable from any layer.

- ``code_letter(lot_size, level)``: Table 1 (sample size code letters), clause 10.2.
- ``sampling_plan(lot_size, level, aql, severity)``: single sampling, Tables 2-A (normal),
  2-B (tightened) and 2-C (reduced), the arrows followed (clause 10.3), 100 % inspection when the
  sample size equals or exceeds the lot size (footnote to the arrows of Tables 2-A to 2-C).
- ``next_severity(current, results, ...)``: switching rules of clause 9.3 and discontinuation of
  clause 9.4; ``update_switching_score`` keeps the switching score of clause 9.3.3.2.

The master tables are the single sampling tables shared by ISO 2859-1 and ANSI/ASQ Z1.4 (Tables II-A,
II-B, II-C there). Table 2-C is given with the acceptance and rejection numbers that are not
consecutive (e.g. Ac 0 Re 2): a lot whose count of nonconforming items lies between them is accepted,
but normal inspection is reinstated (ANSI/ASQ Z1.4 clause 10.1.4), see ``SamplingPlan.judge``.
"""

import math
from typing import NamedTuple

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES = ("normal", "tightened", "reduced")
# State returned by next_severity when the acceptance procedure must stop (clause 9.4).
DISCONTINUED = "discontinued"
# Preferred AQLs (clause 5), the columns of Tables 2-A to 2-C. Up to 10: percent nonconforming or
# nonconformities per 100 items; above 10: nonconformities per 100 items only.
AQLS = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5,
    4.0, 6.5, 10.0, 15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)  # fmt: skip
# The AQLs as the tables print them, e.g. for a selection field; aql_index() accepts them too.
AQL_LABELS = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5",
    "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)  # fmt: skip
CODE_LETTERS = "ABCDEFGHJKLMNPQR"

# Table 1, sample size code letters: upper bound of the lot size range, then the code letter for
# each level of LEVELS (S-1 S-2 S-3 S-4 I II III). The last range is "500 001 and over".
_TABLE_1 = (
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (math.inf, "DEHKNQR"),
)

# Master tables for single sampling. One line per code letter: the letter, its sample size, then
# one cell per AQL column (the columns of AQLS):
#   v      use the first sampling plan below the arrow
#   ^      use the first sampling plan above the arrow
#   Ac     acceptance number, the rejection number being Ac + 1
#   Ac/Re  acceptance and rejection numbers that are not consecutive (Table 2-C only)
#   -      no plan (row S of Table 2-B is only reached from the AQL 0.025 column)
# Row A has no plan above it and rows R and S none below, so their arrows point the other way.

# Table 2-A: single sampling plans for normal inspection (master table).
_TABLE_2A = """
A    2   v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  7 10 14 21 30
B    3   v  v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44
C    5   v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^
D    8   v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^
E   13   v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^  ^
F   20   v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^
G   32   v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^
H   50   v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^
J   80   v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^
K  125   v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L  200   v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  315   v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  500   v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  800   v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q 1250   0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R 2000   ^  ^  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
"""

# Table 2-B: single sampling plans for tightened inspection (master table).
_TABLE_2B = """
A    2   v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  v  1  2  3  5  8 12 18 27
B    3   v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41
C    5   v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^
D    8   v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^  ^
E   13   v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18 27 41  ^  ^  ^
F   20   v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^
G   32   v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^
H   50   v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^
J   80   v  v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^
K  125   v  v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L  200   v  v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  315   v  v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  500   v  v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  800   v  v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q 1250   v  0  v  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R 2000   0  ^  v  1  2  3  5  8 12 18  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
S 3150   -  -  1  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -
"""

# Table 2-C: single sampling plans for reduced inspection (master table).
_TABLE_2C = """
A    2  v v v v v v v v v v v v v v 0 v v 1 2 3 5 7 10 14 21 30
B    2  v v v v v v v v v v v v v 0 ^ v 0/2 1/3 2/4 3/5 5 7 10 14 21 30
C    2  v v v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^
D    3  v v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^ ^
E    5  v v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 14/17 21/24 ^ ^ ^
F    8  v v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^
G   13  v v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^
H   20  v v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^
J   32  v v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^
K   50  v v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
L   80  v v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
M  125  v v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
N  200  v v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
P  315  v 0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
Q  500  0 ^ v 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
R  800  ^ ^ 0/2 1/3 1/4 2/5 3/6 5/8 7/10 10/13 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^
"""

# Clause 9.3.3.1: reduced inspection may start once the switching score reaches this value.
REDUCED_SWITCHING_SCORE = 30
# Clause 9.3.1: two lots not accepted within this many consecutive lots switch to tightened.
_TIGHTENED_WINDOW = 5
# Clause 9.3.2: this many consecutive accepted lots return from tightened to normal.
_NORMAL_AFTER_ACCEPTED = 5
# Clause 9.4: this many lots not accepted while on tightened inspection discontinue inspection.
_DISCONTINUE_AFTER_NOT_ACCEPTED = 5


class LotDecision(NamedTuple):
    """The outcome of a lot on original inspection.

    ``reinstate_normal`` is set when a reduced inspection plan accepted the lot although the count of
    nonconforming items exceeded the acceptance number (Table 2-C plans with Re > Ac + 1).
    """

    accepted: bool
    reinstate_normal: bool = False


class SamplingPlan(NamedTuple):
    """A single sampling plan: the code letter and sample size actually used, Ac and Re.

    ``sample_size`` is capped at the lot size (100 % inspection), the Ac/Re of the plan kept.
    """

    code_letter: str
    sample_size: int
    accept: int
    reject: int

    def judge(self, nonconforming):
        """Decide on the lot from the count of nonconforming items (or nonconformities) found."""
        count = _whole_number(nonconforming, "number of nonconforming items", minimum=0)
        if count <= self.accept:
            return LotDecision(accepted=True)
        if count < self.reject:
            # Reduced inspection, Ac < count < Re: accept the lot, reinstate normal inspection.
            return LotDecision(accepted=True, reinstate_normal=True)
        return LotDecision(accepted=False)


def _parse_master_table(text):
    """{letter: (sample size, cells)} where a cell is "v", "^", None (no plan) or (Ac, Re)."""
    table = {}
    for line in text.strip().splitlines():
        letter, size, *cells = line.split()
        if len(cells) != len(AQLS):
            raise ValueError(f"master table row {letter} has {len(cells)} cells, expected {len(AQLS)}")
        table[letter] = (int(size), tuple(_parse_cell(cell) for cell in cells))
    return table


def _parse_cell(cell):
    if cell in ("v", "^"):
        return cell
    if cell == "-":
        return None
    accept, _slash, reject = cell.partition("/")
    return (int(accept), int(reject) if reject else int(accept) + 1)


_MASTER_TABLES = {
    "normal": _parse_master_table(_TABLE_2A),
    "tightened": _parse_master_table(_TABLE_2B),
    "reduced": _parse_master_table(_TABLE_2C),
}


def _whole_number(value, what, minimum):
    """``value`` as an int, refusing booleans, fractions and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"The {what} must be a whole number, got {value!r}.")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"The {what} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"The {what} must be at least {minimum}, got {value!r}.")
    return int(value)


def _check_level(level):
    if level not in LEVELS:
        raise ValueError(f"Unknown inspection level {level!r}: expected one of {', '.join(LEVELS)}.")


def _check_severity(severity):
    if severity not in SEVERITIES:
        raise ValueError(
            f"Unknown inspection severity {severity!r}: expected one of {', '.join(SEVERITIES)}."
        )


def aql_index(aql):
    """The column of ``aql`` in the master tables; ValueError if it is not a preferred AQL."""
    try:
        value = float(aql)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(aql, bool) or math.isnan(value):
        raise ValueError(f"The AQL must be a number, got {aql!r}.")
    for index, preferred in enumerate(AQLS):
        if math.isclose(value, preferred, rel_tol=1e-6):
            return index
    raise ValueError(
        f"AQL {aql!r} is not a preferred AQL of ISO 2859-1 (the columns of Tables 2-A to 2-C): "
        f"use one of {', '.join(AQL_LABELS)}."
    )


def code_letter(lot_size, level):
    """Sample size code letter for a lot size and inspection level (ISO 2859-1 Table 1)."""
    size = _whole_number(lot_size, "lot size", minimum=2)
    _check_level(level)
    column = LEVELS.index(level)
    return next(letters[column] for upper_bound, letters in _TABLE_1 if size <= upper_bound)


def _resolve(severity, letter, column):
    """Follow the arrows of a master table from (letter, column) to a plan: (letter, n, Ac, Re)."""
    table = _MASTER_TABLES[severity]
    rows = list(table)
    row = rows.index(letter)
    while True:
        size, cells = table[rows[row]]
        cell = cells[column]
        if cell == "v":
            row += 1
        elif cell == "^":
            row -= 1
        elif cell is None:
            raise AssertionError(f"no plan in row {rows[row]} of the {severity} master table")
        else:
            return rows[row], size, cell[0], cell[1]


def sampling_plan(lot_size, level, aql, severity="normal"):
    """Single sampling plan for a lot (ISO 2859-1 Tables 1 and 2-A/2-B/2-C).

    The code letter of Table 1 is looked up, then the arrows of the master table for ``severity``
    are followed to the first plan below (v) or above (^) them: the returned code letter, sample size
    and Ac/Re are those of that plan. When its sample size equals or exceeds the lot size, every
    item is inspected: ``sample_size`` is the lot size and Ac/Re stay those of the plan.
    ``lot_size`` is a count of items (an integral float such as 500.0 is accepted).
    """
    letter = code_letter(lot_size, level)
    column = aql_index(aql)
    _check_severity(severity)
    plan_letter, size, accept, reject = _resolve(severity, letter, column)
    return SamplingPlan(plan_letter, min(size, int(lot_size)), accept, reject)


def update_switching_score(score, plan, aql, nonconforming):
    """The switching score after one more lot on original normal inspection (clause 9.3.3.2).

    Start at 0 when normal inspection starts. With the normal single sampling ``plan`` used for the
    lot (as returned by ``sampling_plan``) at ``aql``:

    - Ac >= 2: add 3 if the lot would have been accepted had the AQL been one step tighter (the
      acceptance number one column to the left, same code letter, in Table 2-A), else reset to 0;
    - Ac 0 or 1: add 2 if the lot is accepted, else reset to 0.
    """
    current = _whole_number(score, "switching score", minimum=0)
    count = _whole_number(nonconforming, "number of nonconforming items", minimum=0)
    column = aql_index(aql)
    _size, cells = _MASTER_TABLES["normal"].get(plan.code_letter, (0, ()))
    if not cells or cells[column] != (plan.accept, plan.reject):
        raise ValueError(
            f"The switching score counts lots on normal inspection: {plan!r} is not a plan of "
            f"Table 2-A (normal inspection) at AQL {aql!r}."
        )
    if plan.accept >= 2:
        # A plan with Ac >= 2 sits at least four cells right of its row's Ac 0, so the cell one
        # step tighter is a plan of the same row (no arrow), whatever arrows led to the plan.
        tighter_accept = cells[column - 1][0]
        return current + 3 if count <= tighter_accept else 0
    return current + 2 if count <= plan.accept else 0


def _decision(result):
    if isinstance(result, LotDecision):
        return result
    if isinstance(result, bool):
        return LotDecision(accepted=result)
    raise ValueError(f"A lot result must be True/False or a LotDecision, got {result!r}.")


def next_severity(
    current,
    results,
    *,
    switching_score=0,
    production_steady=True,
    authority_approves=True,
):
    """The inspection severity for the next lot under the switching rules of ISO 2859-1 clause 9.3.

    ``current`` is "normal", "tightened", "reduced" or "discontinued". ``results`` holds the lots
    inspected since the last switch, oldest first, on original inspection only (resubmitted lots are
    ignored): True (accepted), False (not accepted) or a ``LotDecision`` from ``SamplingPlan.judge``.
    The lots are replayed in order, so a longer history is handled as the lots came.

    - normal -> tightened: 2 lots not accepted within 5 or fewer consecutive lots (9.3.1);
    - tightened -> normal: 5 consecutive lots accepted (9.3.2);
    - tightened -> "discontinued": the lots not accepted while on tightened inspection add up to 5
      (9.4). Inspection resumes, on tightened inspection, only once the supplier has improved the
      quality and the responsible authority agrees: the caller then starts again with "tightened";
    - normal -> reduced (9.3.3.1): ``switching_score`` (kept with ``update_switching_score`` over the
      lots on normal inspection) has reached 30, production is at a steady rate
      (``production_steady``) and the responsible authority considers reduced inspection desirable
      (``authority_approves``). Checked after the lots are replayed, if normal inspection is then in
      effect and was so from the start;
    - reduced -> normal (9.3.4): a lot not accepted, a lot accepted with a count between Ac and Re
      (``LotDecision.reinstate_normal``), production irregular or delayed (``production_steady``
      False) or other conditions warranting it (``authority_approves`` False).
    """
    if current != DISCONTINUED:
        _check_severity(current)
    decisions = [_decision(result) for result in results]
    score = _whole_number(switching_score, "switching score", minimum=0)
    state, since_switch, switched = current, [], False
    for decision in decisions:
        if state == DISCONTINUED:
            break
        since_switch.append(decision)
        new_state = _after_lot(state, since_switch)
        if new_state != state:
            state, since_switch, switched = new_state, [], True
    conditions_met = production_steady and authority_approves
    if state == "reduced" and not conditions_met:
        return "normal"
    if state == "normal" and not switched and conditions_met and score >= REDUCED_SWITCHING_SCORE:
        return "reduced"
    return state


def _after_lot(state, lots):
    """The state after the last of ``lots`` (the lots since the last switch, oldest first)."""
    last = lots[-1]
    if state == "normal":
        window = lots[-_TIGHTENED_WINDOW:]
        if not last.accepted and sum(not lot.accepted for lot in window) >= 2:
            return "tightened"
    elif state == "tightened":
        if sum(not lot.accepted for lot in lots) >= _DISCONTINUE_AFTER_NOT_ACCEPTED:
            return DISCONTINUED
        recent = lots[-_NORMAL_AFTER_ACCEPTED:]
        if len(recent) == _NORMAL_AFTER_ACCEPTED and all(lot.accepted for lot in recent):
            return "normal"
    elif state == "reduced" and (not last.accepted or last.reinstate_normal):
        return "normal"
    return state
