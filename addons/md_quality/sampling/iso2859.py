"""Sampling by attributes: code letters, single sampling plans, switching rules, for two standards.

Pure Python (no Odoo import), so that it is testable on its own and usable from any layer. A scheme
is one standard, applied whole, never mixed with the other:

- ``ISO_2859_1_1999``: ISO 2859-1:1999, identical to GB/T 2828.1-2012. Tables 1, 2-A, 2-B, 2-C
  (reduced plans with Re = Ac + 1); switching rules of clause 9.3 with the switching score of
  9.3.3.2; reduced -> normal only on a lot not accepted, production irregular or delayed, or other
  conditions (9.3.4); discontinuation 9.4.
- ``Z14_2008``: ANSI/ASQ Z1.4-2008. Tables I, II-A, II-B, II-C (reduced plans with a gap between Ac
  and Re); switching rules of 8.3: normal -> reduced after 10 lots accepted on normal inspection
  (8.3.3 a), the limit numbers of Table VIII when applied (8.3.3 b, optional by 8.5), steady
  production and approval (8.3.3 c, d); reduced -> normal also when a lot is accepted with
  Ac < d < Re (8.3.4 b, Table II-C footnote); discontinuation 8.4.

- ``code_letter(lot_size, level)``: Table 1 / Table I.
- ``sampling_plan(lot_size, level, aql, severity, scheme)``: the master table of the severity, the
  arrows followed; every item of the lot is inspected when the sample size equals or exceeds the lot
  size (footnote of the arrows of the master tables), which also covers a lot smaller than the
  smallest lot of Table 1.
- ``next_severity(current, results, ...)`` and ``update_switching_score`` (ISO 2859-1 only).

Every refusal is a ``SamplingError`` (a ``ValueError``) with a ``kind`` and its ``params``, so that
a caller can word it in the user's language.
"""

import math
from typing import NamedTuple

from . import tables
from .tables import AQL_LABELS, AQLS, LEVELS

CODE_LETTERS = tables.CODE_LETTERS

ISO_2859_1_1999 = "iso2859_1999"
Z14_2008 = "z14_2008"
SCHEMES = (ISO_2859_1_1999, Z14_2008)
DEFAULT_SCHEME = ISO_2859_1_1999
SCHEME_NAMES = {
    ISO_2859_1_1999: "ISO 2859-1:1999 (GB/T 2828.1-2012)",
    Z14_2008: "ANSI/ASQ Z1.4-2008",
}

SEVERITIES = ("normal", "tightened", "reduced")
# State returned by next_severity when the acceptance procedure must stop (ISO 9.4, Z1.4 8.4).
DISCONTINUED = "discontinued"

# ISO 2859-1:1999 9.3.3.1 a): reduced inspection may start once the switching score reaches 30.
REDUCED_SWITCHING_SCORE = 30
# ANSI/ASQ Z1.4-2008 8.3.3 a): the preceding 10 lots on normal inspection, none rejected.
Z14_REDUCED_AFTER_ACCEPTED = 10
# ISO 9.3.1 / Z1.4 8.3.1: two lots not accepted within this many consecutive lots -> tightened.
_TIGHTENED_WINDOW = 5
# ISO 9.3.2 / Z1.4 8.3.2: this many consecutive accepted lots return from tightened to normal.
_NORMAL_AFTER_ACCEPTED = 5
# ISO 9.4 / Z1.4 8.4: this many lots not accepted while on tightened inspection discontinue it.
_DISCONTINUE_AFTER_NOT_ACCEPTED = 5


class SamplingError(ValueError):
    """A refusal of the engine: ``kind`` says which, ``params`` what it is about.

    Kinds: ``lot_size``, ``level``, ``aql``, ``severity``, ``scheme``, ``count`` (nonconforming items),
    ``score``, ``result`` (a lot result), ``plan`` (not a normal plan for the switching score),
    ``unverified`` (a table cell the published transcriptions disagree on) and ``table`` (a table
    the scheme needs is not available).
    """

    def __init__(self, kind, message, **params):
        super().__init__(message)
        self.kind = kind
        self.params = params


class LotDecision(NamedTuple):
    """The outcome of a lot on original inspection.

    ``reinstate_normal`` is set when a plan accepted the lot although the count of nonconforming items
    exceeded the acceptance number (the plans of Z1.4 Table II-C with Re > Ac + 1).
    """

    accepted: bool
    reinstate_normal: bool = False


class SamplingPlan(NamedTuple):
    """A single sampling plan: the code letter and sample size actually used, Ac and Re.

    ``sample_size`` is capped at the lot size, the Ac/Re of the plan kept; ``all_items`` is then set:
    every item of the lot is inspected.
    """

    code_letter: str
    sample_size: int
    accept: int
    reject: int
    all_items: bool = False

    def judge(self, nonconforming):
        """Decide on the lot from the count of nonconforming items (or nonconformities) found."""
        count = _whole_number(nonconforming, "number of nonconforming items", "count", minimum=0)
        if count <= self.accept:
            return LotDecision(accepted=True)
        if count < self.reject:
            # Z1.4 Table II-C footnote: Ac < count < Re, accept the lot, reinstate normal inspection.
            return LotDecision(accepted=True, reinstate_normal=True)
        return LotDecision(accepted=False)


def _parse_master_table(text, unverified=()):
    """{letter: (sample size, cells)} where a cell is "v", "^", None (no plan), "?" or (Ac, Re)."""
    table = {}
    for line in text.strip().splitlines():
        letter, size, *cells = line.split()
        if len(cells) != len(AQLS):
            raise AssertionError(f"master table row {letter} has {len(cells)} cells, expected {len(AQLS)}")
        parsed = [_parse_cell(cell) for cell in cells]
        for unverified_letter, label in unverified:
            if unverified_letter == letter:
                parsed[AQL_LABELS.index(label)] = "?"
        table[letter] = (int(size), tuple(parsed))
    return table


def _parse_cell(cell):
    if cell in ("v", "^", "?"):
        return cell
    if cell == "-":
        return None
    accept, _slash, reject = cell.partition("/")
    return (int(accept), int(reject) if reject else int(accept) + 1)


_NORMAL = _parse_master_table(tables.TABLE_2A)
_MASTER_TABLES = {
    ISO_2859_1_1999: {
        "normal": _NORMAL,
        "tightened": _parse_master_table(tables.TABLE_II_B, unverified=tables.TABLE_2B_UNVERIFIED),
        "reduced": _parse_master_table(tables.TABLE_2C),
    },
    Z14_2008: {
        "normal": _NORMAL,
        "tightened": _parse_master_table(tables.TABLE_II_B),
        "reduced": _parse_master_table(tables.TABLE_II_C),
    },
}
_TABLE_NAMES = {
    ISO_2859_1_1999: {"normal": "Table 2-A", "tightened": "Table 2-B", "reduced": "Table 2-C"},
    Z14_2008: {"normal": "Table II-A", "tightened": "Table II-B", "reduced": "Table II-C"},
}


def _whole_number(value, what, kind, minimum):
    """``value`` as an int, refusing booleans, fractions and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SamplingError(kind, f"The {what} must be a whole number, got {value!r}.", value=value)
    if isinstance(value, float) and not value.is_integer():
        raise SamplingError(kind, f"The {what} must be a whole number, got {value!r}.", value=value)
    if value < minimum:
        raise SamplingError(
            kind, f"The {what} must be at least {minimum}, got {value!r}.", value=value, minimum=minimum
        )
    return int(value)


def check_scheme(scheme):
    if scheme not in SCHEMES:
        raise SamplingError(
            "scheme",
            f"Unknown sampling scheme {scheme!r}: expected one of {', '.join(SCHEMES)}.",
            value=scheme,
        )
    return scheme


def _check_level(level):
    if level not in LEVELS:
        raise SamplingError(
            "level",
            f"Unknown inspection level {level!r}: expected one of {', '.join(LEVELS)}.",
            value=level,
        )


def _check_severity(severity):
    if severity not in SEVERITIES:
        raise SamplingError(
            "severity",
            f"Unknown inspection severity {severity!r}: expected one of {', '.join(SEVERITIES)}.",
            value=severity,
        )


def aql_index(aql):
    """The column of ``aql`` in the master tables; SamplingError if it is not a preferred AQL."""
    try:
        value = float(aql)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(aql, bool) or math.isnan(value):
        raise SamplingError("aql", f"The AQL must be a number, got {aql!r}.", value=aql)
    for index, preferred in enumerate(AQLS):
        if math.isclose(value, preferred, rel_tol=1e-6):
            return index
    raise SamplingError(
        "aql",
        f"AQL {aql!r} is not a preferred AQL (the columns of the master tables): "
        f"use one of {', '.join(AQL_LABELS)}.",
        value=aql,
    )


def code_letter(lot_size, level):
    """Sample size code letter for a lot size and inspection level (ISO Table 1 = Z1.4 Table I)."""
    size = _whole_number(lot_size, "lot size", "lot_size", minimum=tables.TABLE_1_SMALLEST_LOT)
    _check_level(level)
    column = LEVELS.index(level)
    return next(letters[column] for upper_bound, letters in tables.TABLE_1 if size <= upper_bound)


def _resolve(scheme, severity, letter, column):
    """Follow the arrows of a master table from (letter, column) to a plan: (letter, n, Ac, Re)."""
    table = _MASTER_TABLES[scheme][severity]
    rows = list(table)
    row = rows.index(letter)
    while True:
        size, cells = table[rows[row]]
        cell = cells[column]
        if cell == "v":
            row += 1
        elif cell == "^":
            row -= 1
        elif cell == "?":
            table_name = f"{SCHEME_NAMES[scheme]} {_TABLE_NAMES[scheme][severity]}"
            raise SamplingError(
                "unverified",
                f"{table_name}, code letter {rows[row]}, AQL {AQL_LABELS[column]}: the published "
                "transcriptions of this cell disagree, so the plan is refused rather than guessed.",
                table=table_name,
                letter=rows[row],
                aql=AQL_LABELS[column],
            )
        elif cell is None:
            raise AssertionError(f"no plan in row {rows[row]} of the {scheme} {severity} master table")
        else:
            return rows[row], size, cell[0], cell[1]


def sampling_plan(lot_size, level, aql, severity="normal", scheme=DEFAULT_SCHEME):
    """Single sampling plan for a lot (Table 1 and the master table of ``severity`` of ``scheme``).

    The code letter of Table 1 is looked up, then the arrows of the master table are followed to the
    first plan below (v) or above (^) them: the returned code letter, sample size and Ac/Re are those
    of that plan. When its sample size equals or exceeds the lot size, every item is inspected
    (footnote of the arrows of Tables 2-A to 2-C / II-A to II-C): ``sample_size`` is the lot size,
    Ac/Re stay those of the plan and ``all_items`` is set.

    A lot of 1 item is below Table 1's smallest lot (2 to 8 items) and below every sample size of the
    master tables (2 and more): it takes the plan of Table 1's first row, and so its item is
    inspected. ``lot_size`` is a count of items (an integral float such as 500.0 is accepted).
    """
    check_scheme(scheme)
    size = _whole_number(lot_size, "lot size", "lot_size", minimum=1)
    letter = code_letter(max(size, tables.TABLE_1_SMALLEST_LOT), level)
    column = aql_index(aql)
    _check_severity(severity)
    plan_letter, sample_size, accept, reject = _resolve(scheme, severity, letter, column)
    if sample_size >= size:
        return SamplingPlan(plan_letter, size, accept, reject, all_items=True)
    return SamplingPlan(plan_letter, sample_size, accept, reject)


def update_switching_score(score, plan, aql, nonconforming, scheme=ISO_2859_1_1999):
    """The switching score after one more lot on original normal inspection (ISO 2859-1 9.3.3.2).

    Start at 0 when normal inspection starts. With the normal single sampling ``plan`` used for the
    lot (as returned by ``sampling_plan``) at ``aql``:

    - Ac >= 2: add 3 if the lot would have been accepted had the AQL been one step tighter (the
      acceptance number one column to the left, same code letter, in Table 2-A), else reset to 0;
    - Ac 0 or 1: add 2 if the lot is accepted, else reset to 0.

    ANSI/ASQ Z1.4-2008 has no switching score (its 8.3.3 counts accepted lots): refused for it.
    """
    check_scheme(scheme)
    if scheme != ISO_2859_1_1999:
        raise SamplingError(
            "scheme",
            f"{SCHEME_NAMES[scheme]} has no switching score (ISO 2859-1:1999 9.3.3.2 only).",
            value=scheme,
        )
    current = _whole_number(score, "switching score", "score", minimum=0)
    count = _whole_number(nonconforming, "number of nonconforming items", "count", minimum=0)
    column = aql_index(aql)
    _size, cells = _NORMAL.get(plan.code_letter, (0, ()))
    if not cells or cells[column] != (plan.accept, plan.reject):
        raise SamplingError(
            "plan",
            f"The switching score counts lots on normal inspection: {tuple(plan)!r} is not a plan of "
            f"Table 2-A (normal inspection) at AQL {aql!r}.",
            plan=tuple(plan),
            aql=aql,
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
    raise SamplingError("result", f"A lot result must be True/False or a LotDecision, got {result!r}.")


def next_severity(
    current,
    results,
    *,
    scheme=DEFAULT_SCHEME,
    switching_score=0,
    production_steady=False,
    authority_approves=False,
    limit_numbers=False,
):
    """The inspection severity for the next lot under the switching rules of ``scheme``.

    ``current`` is "normal", "tightened", "reduced" or "discontinued". ``results`` holds the lots
    inspected since the last switch, oldest first, on original inspection only (resubmitted lots are
    ignored): True (accepted), False (not accepted) or a ``LotDecision`` from ``SamplingPlan.judge``.
    The lots are replayed in order, so a longer history is handled as the lots came.

    Both schemes:

    - normal -> tightened: 2 lots not accepted within 5 or fewer consecutive lots (ISO 9.3.1,
      Z1.4 8.3.1);
    - tightened -> normal: 5 consecutive lots accepted (ISO 9.3.2, Z1.4 8.3.2);
    - tightened -> "discontinued": the lots not accepted while on tightened inspection add up to 5
      (ISO 9.4, Z1.4 8.4). Inspection resumes, on tightened inspection, only once the supplier has
      improved and the responsible authority agrees: the caller then starts again with "tightened".

    Reduced inspection needs ``production_steady`` (ISO 9.3.3.1 b, Z1.4 8.3.3 c) and
    ``authority_approves`` (ISO 9.3.3.1 c, Z1.4 8.3.3 d), both recorded by a person: they default to
    False, and without either a reduced state returns to normal (ISO 9.3.4 b/c, Z1.4 8.3.4 c/d).

    - ISO 2859-1:1999: normal -> reduced once ``switching_score`` (kept with
      ``update_switching_score`` over the lots on normal inspection) has reached 30 (9.3.3.1 a),
      checked after the lots are replayed if normal inspection is then in effect and was so from the
      start; reduced -> normal on a lot not accepted (9.3.4 a).
    - ANSI/ASQ Z1.4-2008: normal -> reduced once the last 10 lots since normal inspection started
      were all accepted (8.3.3 a) and, when ``limit_numbers`` is set, their nonconforming items are
      within Table VIII (8.3.3 b): that table is not available, so the switch is refused
      (``SamplingError`` of kind "table"); reduced -> normal on a lot not accepted (8.3.4 a) or
      accepted with Ac < d < Re (8.3.4 b).
    """
    check_scheme(scheme)
    if current != DISCONTINUED:
        _check_severity(current)
    decisions = [_decision(result) for result in results]
    score = _whole_number(switching_score, "switching score", "score", minimum=0)
    state, since_switch, switched = current, [], False
    for decision in decisions:
        if state == DISCONTINUED:
            break
        since_switch.append(decision)
        new_state = _after_lot(scheme, state, since_switch)
        if new_state != state:
            state, since_switch, switched = new_state, [], True
    conditions_met = bool(production_steady) and bool(authority_approves)
    if state == "reduced" and not conditions_met:
        return "normal"
    if state == "normal" and conditions_met and _reduced_allowed(scheme, since_switch, switched, score):
        if scheme == Z14_2008 and limit_numbers:
            _refuse_limit_numbers()
        return "reduced"
    return state


def _reduced_allowed(scheme, since_switch, switched, score):
    if scheme == ISO_2859_1_1999:
        return not switched and score >= REDUCED_SWITCHING_SCORE
    recent = since_switch[-Z14_REDUCED_AFTER_ACCEPTED:]
    return len(recent) == Z14_REDUCED_AFTER_ACCEPTED and all(lot.accepted for lot in recent)


def _refuse_limit_numbers():
    if tables.TABLE_VIII is None:
        raise SamplingError(
            "table",
            "ANSI/ASQ Z1.4-2008 8.3.3 b) needs the limit numbers of Table VIII, which are not available: "
            "reduced inspection cannot be instituted with limit numbers.",
            table="ANSI/ASQ Z1.4-2008 Table VIII",
        )
    raise AssertionError("Table VIII is shipped but not wired")  # pragma: no cover


def _after_lot(scheme, state, lots):
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
    elif state == "reduced":
        if not last.accepted:
            return "normal"
        # Z1.4 8.3.4 b: accepted under the Table II-C footnote. ISO 2859-1:1999 has no such rule
        # (its reduced plans have Re = Ac + 1): an accepted lot keeps reduced inspection.
        if scheme == Z14_2008 and last.reinstate_normal:
            return "normal"
    return state
