"""Property tests: the engine against naive implementations written straight from the standards.

- Plans: a naive lookup in the published transcriptions (see test_sampling_tables.py for the
  sources: R package AQLSchemes ``R/AAZ14Single.R`` for ANSI/ASQ Z1.4-2008, repository
  ``nihantao-crosis/quality-platform`` fixtures for GB/T 2828.1-2012 = ISO 2859-1:1999), the lot size
  range found by a plain scan of Table 1, the sample capped at the lot.
- Switching: lot by lot, with explicit counters, ISO 2859-1:1999 9.3 (switching score of 9.3.3.2),
  9.4 and ANSI/ASQ Z1.4-2008 8.3, 8.4, compared with the engine driven as the Odoo layer drives it
  (``update_switching_score`` then ``next_severity`` on the lots since the last switch).
"""

from hypothesis import given, settings
from hypothesis import strategies as st
from sampling import (
    AQL_LABELS,
    AQLS,
    DISCONTINUED,
    ISO_2859_1_1999,
    LEVELS,
    SCHEMES,
    SEVERITIES,
    Z14_2008,
    SamplingError,
    next_severity,
    sampling_plan,
    update_switching_score,
)
from test_iso2859 import SAMPLE_SIZES
from test_sampling_tables import GB, LOT_RANGES, Z14, _gb_plans, _z14_plans

BOUNDED = settings(max_examples=200, deadline=None)
PUBLISHED = {
    Z14_2008: {severity: _z14_plans(severity) for severity in SEVERITIES},
    ISO_2859_1_1999: {
        severity: {key: cell and cell[1:] for key, cell in _gb_plans(severity).items()}
        for severity in SEVERITIES
    },
}
TABLE_1 = {Z14_2008: Z14["table_I"], ISO_2859_1_1999: GB["table_1"]}


def naive_letter(scheme, lot_size, level):
    """The sample size code letter of Table 1, by a plain scan of the lot size ranges."""
    for (smallest, largest), (_range, *letters) in zip(LOT_RANGES, TABLE_1[scheme], strict=True):
        if smallest <= max(lot_size, 2) <= largest or (largest == LOT_RANGES[-1][1] and lot_size > largest):
            return letters[LEVELS.index(level)]
    return None


def naive_tighter_accept(lot_size, level, aql):
    """ISO 2859-1:1999 9.3.3.2 a): the acceptance number one AQL step tighter, for the sample
    actually drawn (the code letter the arrows of Table 2-A led to)."""
    table = PUBLISHED[ISO_2859_1_1999]["normal"]
    column = AQLS.index(aql)
    n, _accept, _reject = table[naive_letter(ISO_2859_1_1999, lot_size, level), AQL_LABELS[column]]
    drawn = next(letter for letter, size in SAMPLE_SIZES.items() if size == n)
    return table[drawn, AQL_LABELS[column - 1]][1]


def naive_plan(scheme, lot_size, level, aql, severity):
    """(n, Ac, Re) straight from the published tables; None for the refused ISO 2-B cell A/10."""
    letter = naive_letter(scheme, lot_size, level)
    label = AQL_LABELS[AQLS.index(aql)]
    if (scheme, severity, letter, label) == (ISO_2859_1_1999, "tightened", "A", "10"):
        return None
    n, accept, reject = PUBLISHED[scheme][severity][letter, label]
    return min(n, lot_size), accept, reject


lot_sizes = st.integers(min_value=1, max_value=3_000_000)


@BOUNDED
@given(
    st.sampled_from(SCHEMES),
    lot_sizes,
    st.sampled_from(LEVELS),
    st.sampled_from(AQLS),
    st.sampled_from(SEVERITIES),
)
def test_plan_matches_the_published_table(scheme, lot_size, level, aql, severity):
    expected = naive_plan(scheme, lot_size, level, aql, severity)
    if expected is None:
        try:
            sampling_plan(lot_size, level, aql, severity, scheme)
        except SamplingError as error:
            assert error.kind == "unverified"
        else:
            raise AssertionError("the unverified cell was not refused")
        return
    plan = sampling_plan(lot_size, level, aql, severity, scheme)
    assert (plan.sample_size, plan.accept, plan.reject) == expected


# --- switching, lot by lot ------------------------------------------------------------------------


def naive_iso_switching(lots, steady, approved):
    """ISO 2859-1:1999: ``lots`` = [(nonconforming, normal Ac, tighter Ac, Ac of the plan in use)].

    Returns the severity each lot was inspected under, then the severity for the next lot.
    """
    state, score, window, tightened_rejected, tightened_run = "normal", 0, [], 0, 0
    seen = []
    for count, normal_accept, tighter_accept, accept in lots:
        seen.append(state)
        if state == DISCONTINUED:
            continue
        accepted = count <= (normal_accept if state == "normal" else accept)
        if state == "normal":
            if normal_accept >= 2:
                score = score + 3 if count <= tighter_accept else 0  # 9.3.3.2
            else:
                score = score + 2 if accepted else 0
            window = [*window, accepted][-5:]
            if not accepted and window.count(False) >= 2:  # 9.3.1
                state, score, window, tightened_rejected, tightened_run = "tightened", 0, [], 0, 0
            elif score >= 30 and steady and approved:  # 9.3.3.1
                state, score, window = "reduced", 0, []
        elif state == "tightened":
            tightened_rejected += not accepted
            tightened_run = tightened_run + 1 if accepted else 0
            if tightened_rejected >= 5:  # 9.4
                state = DISCONTINUED
            elif tightened_run >= 5:  # 9.3.2
                state, score, window = "normal", 0, []
        elif not accepted or not (steady and approved):  # 9.3.4
            state, score, window = "normal", 0, []
    return seen, state


def naive_z14_switching(lots, steady, approved):
    """ANSI/ASQ Z1.4-2008: ``lots`` = [(nonconforming, Ac, Re of the plan in use)]."""
    state, window, accepted_run, tightened_rejected, tightened_run = "normal", [], 0, 0, 0
    seen = []
    for count, accept, reject in lots:
        seen.append(state)
        if state == DISCONTINUED:
            continue
        accepted = count < reject
        if state == "normal":
            window = [*window, accepted][-5:]
            accepted_run = accepted_run + 1 if accepted else 0
            if not accepted and window.count(False) >= 2:  # 8.3.1
                state, window, tightened_rejected, tightened_run = "tightened", [], 0, 0
            elif accepted_run >= 10 and steady and approved:  # 8.3.3 a, c, d
                state = "reduced"
        elif state == "tightened":
            tightened_rejected += not accepted
            tightened_run = tightened_run + 1 if accepted else 0
            if tightened_rejected >= 5:  # 8.4
                state = DISCONTINUED
            elif tightened_run >= 5:  # 8.3.2
                state, window, accepted_run = "normal", [], 0
        elif not accepted or count > accept or not (steady and approved):  # 8.3.4
            state, window, accepted_run = "normal", [], 0
    return seen, state


def engine_switching(scheme, lots, level, aql, steady, approved):
    """The engine as md.quality.plan.severity drives it: lot by lot, history since the last switch."""
    state, score, history, seen = "normal", 0, [], []
    for lot_size, fraction in lots:
        seen.append(state)
        if state == DISCONTINUED:
            continue
        plan = sampling_plan(lot_size, level, aql, state, scheme)
        count = round(fraction * plan.sample_size)
        if scheme == ISO_2859_1_1999 and state == "normal":
            score = update_switching_score(score, plan, aql, count)
        history.append(plan.judge(count))
        new_state = next_severity(
            state,
            history,
            scheme=scheme,
            switching_score=score,
            production_steady=steady,
            authority_approves=approved,
        )
        if new_state != state:
            state, score, history = new_state, 0, []
    return seen, state


def naive_lots(scheme, lots, level, aql, seen):
    """The inputs of the naive rules, from the published tables, under the severity of each lot."""
    rows = []
    for (lot_size, fraction), severity in zip(lots, seen, strict=False):
        if severity == DISCONTINUED:
            rows.append((0, 0, 0, 0) if scheme == ISO_2859_1_1999 else (0, 0, 1))
            continue
        n, accept, reject = naive_plan(scheme, lot_size, level, aql, severity)
        count = round(fraction * n)
        if scheme == ISO_2859_1_1999:
            _n, normal_accept, _re = naive_plan(scheme, lot_size, level, aql, "normal")
            tighter_accept = naive_tighter_accept(lot_size, level, aql) if normal_accept >= 2 else None
            rows.append((count, normal_accept, tighter_accept, accept))
        else:
            rows.append((count, accept, reject))
    return rows


# AQLs whose plans have Ac >= 2 for the lot sizes drawn, and others; AQL 10 is left out (refused
# ISO 2-B cell for tiny lots).
switching_aqls = st.sampled_from((0.65, 1.0, 1.5, 2.5, 4.0, 6.5))
switching_lots = st.lists(
    st.tuples(st.integers(min_value=2, max_value=200_000), st.sampled_from((*[0.0] * 12, 0.02, 0.1, 0.5))),
    max_size=60,
)


@BOUNDED
@given(
    st.sampled_from(SCHEMES),
    switching_lots,
    st.sampled_from(("I", "II", "III")),
    switching_aqls,
    st.booleans(),
    st.booleans(),
)
def test_switching_matches_the_naive_rules(scheme, lots, level, aql, steady, approved):
    seen, state = engine_switching(scheme, lots, level, aql, steady, approved)
    rows = naive_lots(scheme, lots, level, aql, seen)
    naive = naive_iso_switching if scheme == ISO_2859_1_1999 else naive_z14_switching
    assert naive(rows, steady, approved) == (seen, state)
    if "reduced" in seen:
        assert steady and approved
