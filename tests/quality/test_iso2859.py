"""ISO 2859-1 sampling engine: Table 1 code letters, Tables 2-A/2-B/2-C single sampling plans with
their arrows, 100 % inspection, switching rules (clause 9.3) and discontinuation (clause 9.4)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sampling import (
    AQL_LABELS,
    AQLS,
    CODE_LETTERS,
    DISCONTINUED,
    LEVELS,
    SEVERITIES,
    LotDecision,
    SamplingPlan,
    code_letter,
    next_severity,
    sampling_plan,
    update_switching_score,
)

BOUNDED = settings(max_examples=150, deadline=None)
SAMPLE_SIZES = dict(
    zip(CODE_LETTERS, (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000), strict=True)
)


# --- Table 1: sample size code letters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lot_size", "level", "letter"),
    [
        # general inspection levels, both ends of the lot size ranges
        (2, "I", "A"),
        (8, "II", "A"),
        (8, "III", "B"),
        (9, "II", "B"),
        (15, "III", "C"),
        (16, "II", "C"),
        (25, "I", "B"),
        (26, "II", "D"),
        (50, "III", "E"),
        (51, "II", "E"),
        (90, "I", "C"),
        (91, "II", "F"),
        (150, "III", "G"),
        (151, "II", "G"),
        (280, "I", "E"),
        (281, "II", "H"),
        (500, "III", "J"),
        (501, "II", "J"),
        (1200, "I", "G"),
        (1201, "II", "K"),
        (3200, "III", "L"),
        (3201, "II", "L"),
        (10000, "I", "J"),
        (10001, "II", "M"),
        (35000, "III", "N"),
        (35001, "II", "N"),
        (150000, "I", "L"),
        (150001, "II", "P"),
        (500000, "III", "Q"),
        (500001, "II", "Q"),
        (500001, "I", "N"),
        (10_000_000, "III", "R"),
        # special inspection levels
        (50, "S-1", "A"),
        (51, "S-1", "B"),
        (500, "S-1", "B"),
        (501, "S-1", "C"),
        (35001, "S-1", "D"),
        (25, "S-2", "A"),
        (26, "S-2", "B"),
        (151, "S-2", "C"),
        (1201, "S-2", "D"),
        (35001, "S-2", "E"),
        (15, "S-3", "A"),
        (16, "S-3", "B"),
        (51, "S-3", "C"),
        (151, "S-3", "D"),
        (501, "S-3", "E"),
        (3201, "S-3", "F"),
        (35001, "S-3", "G"),
        (500001, "S-3", "H"),
        (26, "S-4", "C"),
        (91, "S-4", "D"),
        (151, "S-4", "E"),
        (501, "S-4", "F"),
        (1201, "S-4", "G"),
        (10001, "S-4", "H"),
        (35001, "S-4", "J"),
        (500001, "S-4", "K"),
    ],
)
def test_code_letter(lot_size, level, letter):
    assert code_letter(lot_size, level) == letter


# --- sample size of each code letter (Table 2-A, at the column where its own row has Ac 0) ------


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "letter"),
    [
        (8, "II", 6.5, "A"),
        (15, "II", 4.0, "B"),
        (25, "II", 2.5, "C"),
        (50, "II", 1.5, "D"),
        (90, "II", 1.0, "E"),
        (150, "II", 0.65, "F"),
        (280, "II", 0.40, "G"),
        (500, "II", 0.25, "H"),
        (1200, "II", 0.15, "J"),
        (3200, "II", 0.10, "K"),
        (10000, "II", 0.065, "L"),
        (35000, "II", 0.040, "M"),
        (150000, "II", 0.025, "N"),
        (500000, "II", 0.015, "P"),
        (500001, "II", 0.010, "Q"),
    ],
)
def test_sample_size_per_code_letter(lot_size, level, aql, letter):
    assert code_letter(lot_size, level) == letter
    assert sampling_plan(lot_size, level, aql) == SamplingPlan(letter, SAMPLE_SIZES[letter], 0, 1)


def test_sample_size_of_letter_r():
    assert sampling_plan(500001, "III", 0.025) == SamplingPlan("R", 2000, 1, 2)


# --- Ac/Re, arrows followed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "expected"),
    [
        (50, "S-1", 0.65, ("F", 20, 0, 1)),  # letter A, down arrow to F
        (1000, "II", 1.0, ("J", 80, 2, 3)),
        (2000, "II", 0.65, ("K", 125, 2, 3)),
        (5000, "II", 0.65, ("L", 200, 3, 4)),
        (5000, "II", 1.5, ("L", 200, 7, 8)),
        (5000, "II", 2.5, ("L", 200, 10, 11)),
        (5000, "II", 4.0, ("L", 200, 14, 15)),
        (60, "II", 1.0, ("E", 13, 0, 1)),
        (60, "II", 1.5, ("D", 8, 0, 1)),  # up arrow right of Ac 0
        (60, "II", 2.5, ("F", 20, 1, 2)),  # down arrow two columns right of Ac 0
        (60, "II", 4.0, ("E", 13, 1, 2)),
        (60, "II", 6.5, ("E", 13, 2, 3)),
        (1000, "II", 0.25, ("H", 50, 0, 1)),
        (1000, "II", 0.40, ("K", 125, 1, 2)),
        (200000, "II", 0.010, ("Q", 1250, 0, 1)),
        (600000, "III", 0.010, ("Q", 1250, 0, 1)),  # row R, up arrow
        (600000, "III", 0.015, ("P", 800, 0, 1)),  # row R has no plan below: up twice
        (100, "II", 65, ("F", 20, 21, 22)),
        (100, "II", 100, ("E", 13, 21, 22)),  # up arrow in the top right corner
        (100, "II", 150, ("E", 13, 30, 31)),
        (10, "II", 1000, ("B", 3, 44, 45)),
        (50, "S-1", 10, ("C", 5, 1, 2)),  # row A has no plan above: down to C
    ],
)
def test_normal_plans(lot_size, level, aql, expected):
    assert sampling_plan(lot_size, level, aql, "normal") == SamplingPlan(*expected)


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "expected"),
    [
        (1000, "II", 1.0, ("J", 80, 1, 2)),
        (2000, "II", 0.65, ("K", 125, 1, 2)),
        (5000, "II", 2.5, ("L", 200, 8, 9)),
        (5000, "II", 4.0, ("L", 200, 12, 13)),
        (100000, "II", 0.65, ("N", 500, 5, 6)),
        (60, "II", 1.5, ("E", 13, 0, 1)),
        (60, "II", 2.5, ("G", 32, 1, 2)),  # two down arrows right of Ac 0
        (50, "S-1", 0.65, ("G", 32, 0, 1)),
        (600000, "III", 0.025, ("S", 3150, 1, 2)),  # row S of Table 2-B
        (600000, "III", 0.015, ("Q", 1250, 0, 1)),
        (100, "II", 65, ("F", 20, 18, 19)),
        (100, "II", 150, ("E", 13, 27, 28)),
        (10, "II", 1000, ("B", 3, 41, 42)),
    ],
)
def test_tightened_plans(lot_size, level, aql, expected):
    assert sampling_plan(lot_size, level, aql, "tightened") == SamplingPlan(*expected)


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "expected"),
    [
        (5000, "II", 2.5, ("L", 80, 5, 8)),
        (3000, "II", 2.5, ("K", 50, 3, 6)),
        (1000, "II", 1.0, ("J", 32, 1, 3)),
        (1000, "II", 1.5, ("J", 32, 1, 4)),
        (2000, "II", 0.65, ("K", 50, 1, 3)),
        (1000, "II", 0.65, ("J", 32, 0, 2)),  # Ac 0 Re 2: not consecutive
        (1000, "II", 0.15, ("J", 32, 0, 1)),
        (5000, "II", 4.0, ("L", 80, 7, 10)),
        (50, "S-1", 0.65, ("F", 8, 0, 1)),
        (60, "II", 1.5, ("D", 3, 0, 1)),
        (600000, "III", 0.015, ("P", 315, 0, 1)),
        (100, "II", 100, ("E", 5, 10, 13)),
        (10, "II", 40, ("B", 2, 2, 4)),
    ],
)
def test_reduced_plans(lot_size, level, aql, expected):
    assert sampling_plan(lot_size, level, aql, "reduced") == SamplingPlan(*expected)


def test_severity_defaults_to_normal():
    assert sampling_plan(1000, "II", 1.0) == sampling_plan(1000, "II", 1.0, "normal")


def test_every_cell_of_every_master_table_resolves():
    for severity in SEVERITIES:
        for aql in AQLS:
            for lot_size in (
                8,
                15,
                25,
                50,
                90,
                150,
                280,
                500,
                1200,
                3200,
                10000,
                35000,
                150000,
                500000,
                10**6,
            ):
                for level in LEVELS:
                    plan = sampling_plan(lot_size, level, aql, severity)
                    assert plan.code_letter in CODE_LETTERS + "S"


@pytest.mark.parametrize("aql", ["0.65", 0.65000001])
def test_aql_given_as_text_or_rounded_float(aql):
    assert sampling_plan(1000, "II", aql) == SamplingPlan("J", 80, 1, 2)


def test_aql_labels_name_the_columns():
    for label, aql in zip(AQL_LABELS, AQLS, strict=True):
        assert sampling_plan(5000, "II", label) == sampling_plan(5000, "II", aql)


def test_lot_size_as_integral_float():
    assert sampling_plan(1000.0, "II", 1.0) == SamplingPlan("J", 80, 2, 3)


# --- 100 % inspection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "severity", "expected"),
    [
        (5, "II", 0.65, "normal", ("F", 5, 0, 1)),  # n = 20 >= N = 5
        (8, "III", 0.10, "normal", ("K", 8, 0, 1)),  # n = 125
        (20, "II", 0.65, "normal", ("F", 20, 0, 1)),  # n == N
        (2, "I", 6.5, "normal", ("A", 2, 0, 1)),
        (40, "II", 0.40, "tightened", ("H", 40, 0, 1)),  # n = 50
        (3, "S-1", 1.0, "reduced", ("E", 3, 0, 1)),
    ],
)
def test_full_inspection_when_sample_covers_the_lot(lot_size, level, aql, severity, expected):
    assert sampling_plan(lot_size, level, aql, severity) == SamplingPlan(*expected)


# --- lot decisions ----------------------------------------------------------------------------------


def test_judge_consecutive_plan():
    plan = sampling_plan(1000, "II", 1.0)
    assert plan.judge(2) == LotDecision(accepted=True)
    assert plan.judge(3) == LotDecision(accepted=False)


def test_judge_reduced_plan_between_ac_and_re_accepts_and_reinstates_normal():
    plan = sampling_plan(1000, "II", 0.65, "reduced")  # Ac 0 Re 2
    assert plan.judge(0) == LotDecision(accepted=True, reinstate_normal=False)
    assert plan.judge(1) == LotDecision(accepted=True, reinstate_normal=True)
    assert plan.judge(2) == LotDecision(accepted=False)


# --- switching rules (clause 9.3) and discontinuation (clause 9.4) ---------------------------------


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([], "normal"),
        ([True] * 20, "normal"),
        ([False], "normal"),
        ([False, False], "tightened"),
        ([True, False, True, True, True, False], "tightened"),  # 2 of 5 consecutive lots
        ([False, True, True, True, True, False], "normal"),  # 2 of 6: not yet
        ([False, True, True, True, True, False, True, False], "tightened"),
    ],
)
def test_normal_to_tightened(results, expected):
    assert next_severity("normal", results) == expected


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([], "tightened"),
        ([True] * 4, "tightened"),
        ([True] * 5, "normal"),
        ([False, True, True, True, True, True], "normal"),
        ([True, True, False, True, True, True, True], "tightened"),
        ([True, True, False, True, True, True, True, True], "normal"),
    ],
)
def test_tightened_to_normal(results, expected):
    assert next_severity("tightened", results) == expected


@pytest.mark.parametrize(
    "results",
    [
        [False] * 5,
        [False, True, False, True, True, False, True, False, True, True, True, False],
    ],
)
def test_tightened_discontinued_after_five_lots_not_accepted(results):
    assert next_severity("tightened", results) == DISCONTINUED


def test_four_lots_not_accepted_on_tightened_continue():
    assert next_severity("tightened", [False, True, False, True, False, True, False]) == "tightened"


def test_discontinued_stays_discontinued():
    assert next_severity(DISCONTINUED, [True] * 10) == DISCONTINUED


def test_normal_to_reduced_needs_score_steady_production_and_authority():
    assert next_severity("normal", [True] * 10, switching_score=30) == "reduced"
    assert next_severity("normal", [True] * 10, switching_score=29) == "normal"
    assert next_severity("normal", [True] * 10, switching_score=30, production_steady=False) == "normal"
    assert next_severity("normal", [True] * 10, switching_score=30, authority_approves=False) == "normal"


def test_tightened_rule_wins_over_the_switching_score():
    assert next_severity("normal", [False, False], switching_score=40) == "tightened"


def test_no_reduced_right_after_a_return_to_normal_in_the_same_history():
    history = [False, False] + [True] * 5
    assert next_severity("normal", history, switching_score=30) == "normal"


@pytest.mark.parametrize(
    ("results", "kwargs", "expected"),
    [
        ([True] * 10, {}, "reduced"),
        ([True, True, False], {}, "normal"),
        ([True, LotDecision(accepted=True, reinstate_normal=True)], {}, "normal"),
        ([True], {"production_steady": False}, "normal"),
        ([True], {"authority_approves": False}, "normal"),
    ],
)
def test_reduced_to_normal(results, kwargs, expected):
    assert next_severity("reduced", results, **kwargs) == expected


def test_replayed_history_switches_twice():
    assert next_severity("reduced", [True, False, False, True, False]) == "tightened"


def test_lot_that_ends_reduced_inspection_does_not_count_on_normal():
    assert next_severity("reduced", [True, False, True, False]) == "normal"


def test_switching_score_with_acceptance_number_two_or_more():
    plan = sampling_plan(1000, "II", 1.0)  # J: Ac 2; one step tighter (0.65): Ac 1
    assert update_switching_score(0, plan, 1.0, 1) == 3
    assert update_switching_score(9, plan, 1.0, 0) == 12
    assert update_switching_score(9, plan, 1.0, 2) == 0  # accepted, but not at the tighter AQL


def test_switching_score_with_acceptance_number_zero_or_one():
    plan = sampling_plan(1000, "II", 0.65)  # J: Ac 1
    assert update_switching_score(4, plan, 0.65, 1) == 6
    assert update_switching_score(4, plan, 0.65, 2) == 0
    zero_plan = sampling_plan(50, "S-1", 0.65)  # F: Ac 0 via the arrow
    assert update_switching_score(4, zero_plan, 0.65, 0) == 6
    assert update_switching_score(4, zero_plan, 0.65, 1) == 0


def test_switching_score_after_an_arrow_uses_the_plan_row():
    plan = sampling_plan(100, "II", 100)  # F -> E, Ac 21; one step tighter (65) in row E: Ac 14
    assert plan.code_letter == "E"
    assert update_switching_score(0, plan, 100, 14) == 3
    assert update_switching_score(3, plan, 100, 15) == 0


def test_switching_score_defined_for_every_normal_plan():
    for aql in AQLS:
        for lot_size in (8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, 10**6):
            for level in LEVELS:
                plan = sampling_plan(lot_size, level, aql)
                step = 3 if plan.accept >= 2 else 2
                assert update_switching_score(0, plan, aql, 0) == step
                # at Ac, accepted: counts for Ac 0/1; not accepted at the tighter AQL's smaller Ac
                assert update_switching_score(0, plan, aql, plan.accept) == (0 if step == 3 else 2)
                assert update_switching_score(5, plan, aql, plan.reject) == 0


def test_switching_score_refuses_a_plan_that_is_not_normal():
    with pytest.raises(ValueError, match="normal inspection"):
        update_switching_score(0, sampling_plan(5000, "II", 2.5, "tightened"), 2.5, 0)
    with pytest.raises(ValueError, match="normal inspection"):
        update_switching_score(0, sampling_plan(600000, "III", 0.025, "tightened"), 0.025, 0)
    with pytest.raises(ValueError, match="normal inspection"):
        update_switching_score(0, sampling_plan(5000, "II", 2.5), 4.0, 0)


def test_ten_clean_lots_with_ac_two_reach_reduced():
    plan = sampling_plan(1000, "II", 1.0)
    score, results = 0, []
    for _lot in range(10):
        score = update_switching_score(score, plan, 1.0, 0)
        results.append(plan.judge(0))
    assert score == 30
    assert next_severity("normal", results, switching_score=score) == "reduced"


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lot_size", [1, 0, -5, 2.5, "100", None, True])
def test_bad_lot_size(lot_size):
    with pytest.raises(ValueError, match="lot size"):
        sampling_plan(lot_size, "II", 1.0)
    with pytest.raises(ValueError, match="lot size"):
        code_letter(lot_size, "II")


@pytest.mark.parametrize("level", ["IV", "ii", "S-5", "", None])
def test_bad_level(level):
    with pytest.raises(ValueError, match="inspection level"):
        sampling_plan(100, level, 1.0)


@pytest.mark.parametrize("aql", [0.5, 3.0, 0, -1, 2000, "abc", None, True])
def test_bad_aql(aql):
    with pytest.raises(ValueError, match="AQL"):
        sampling_plan(100, "II", aql)


def test_bad_severity():
    with pytest.raises(ValueError, match="severity"):
        sampling_plan(100, "II", 1.0, "strict")
    with pytest.raises(ValueError, match="severity"):
        next_severity("relaxed", [True])


def test_bad_lot_results_and_scores():
    with pytest.raises(ValueError, match="lot result"):
        next_severity("normal", [1])
    with pytest.raises(ValueError, match="switching score"):
        next_severity("normal", [], switching_score=-1)
    with pytest.raises(ValueError, match="nonconforming"):
        sampling_plan(100, "II", 1.0).judge(-1)
    with pytest.raises(ValueError, match="nonconforming"):
        update_switching_score(0, sampling_plan(100, "II", 1.0), 1.0, 0.5)


# --- properties --------------------------------------------------------------------------------------

lot_sizes = st.integers(min_value=2, max_value=2_000_000)
levels = st.sampled_from(LEVELS)
aqls = st.sampled_from(AQLS)
severities = st.sampled_from(SEVERITIES)


@BOUNDED
@given(lot_sizes, lot_sizes, levels, aqls, severities)
def test_sample_size_non_decreasing_in_lot_size(size_a, size_b, level, aql, severity):
    small, large = sorted((size_a, size_b))
    assert SAMPLE_SIZES[code_letter(small, level)] <= SAMPLE_SIZES[code_letter(large, level)]
    assert sampling_plan(small, level, aql, severity).sample_size <= (
        sampling_plan(large, level, aql, severity).sample_size
    )


@BOUNDED
@given(lot_sizes, aqls, severities)
def test_general_levels_ordered(lot_size, aql, severity):
    sizes = [SAMPLE_SIZES[code_letter(lot_size, level)] for level in ("I", "II", "III")]
    assert sizes == sorted(sizes)
    plans = [sampling_plan(lot_size, level, aql, severity).sample_size for level in ("I", "II", "III")]
    assert plans == sorted(plans)


@BOUNDED
@given(lot_sizes, levels, aqls, severities)
def test_plan_invariants(lot_size, level, aql, severity):
    plan = sampling_plan(lot_size, level, aql, severity)
    assert 1 <= plan.sample_size <= lot_size
    assert 0 <= plan.accept < plan.reject
    if severity != "reduced":
        assert plan.reject == plan.accept + 1


@BOUNDED
@given(st.sampled_from(("normal", "tightened", "reduced")), st.lists(st.booleans(), max_size=30))
def test_switching_always_gives_a_known_state(current, results):
    assert next_severity(current, results) in (*SEVERITIES, DISCONTINUED)
