"""The pure check of commitments beyond capacity: examples and properties (no database)."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import capacity
from scoring.capacity import (
    Condition,
    RuleDef,
    SessionFacts,
    Severity,
    Subject,
    city_level,
    evaluate_rules,
)

# No example database: the suite must not write into the repository.
FAST = settings(max_examples=200, deadline=None, database=None)

MDS = RuleDef(
    code="mds-without-infrastructure",
    severity=Severity.WARNING,
    demand=Condition(Subject.QUESTION, "access-standard", minimum=3),
    capacity=Condition(Subject.DIMENSION, "infrastructure", maximum=2),
)
DPIA = RuleDef(
    code="trip-data-without-dpia",
    severity=Severity.NOTABLE,
    demand=Condition(Subject.QUESTION, "access-trip-data", minimum=3),
    capacity=Condition(Subject.QUESTION, "governance-gdpr", maximum=1),
)


def _codes(fired: tuple[capacity.FiredRule, ...]) -> list[str]:
    return [item.rule.code for item in fired]


def test_a_rule_fires_with_the_values_behind_it_when_both_conditions_hold() -> None:
    demand = SessionFacts(levels={"access-standard": 3.0})
    supply = SessionFacts(stages={"infrastructure": 2})

    fired = evaluate_rules([MDS], demand, supply)

    assert fired == (capacity.FiredRule(MDS, 3.0, 2.0),)


def test_bounds_are_inclusive_and_a_value_past_them_does_not_fire() -> None:
    supply = SessionFacts(stages={"infrastructure": 2})

    assert _codes(evaluate_rules([MDS], SessionFacts(levels={"access-standard": 4}), supply)) == [
        "mds-without-infrastructure"
    ]
    assert evaluate_rules([MDS], SessionFacts(levels={"access-standard": 2.5}), supply) == ()
    assert (
        evaluate_rules(
            [MDS],
            SessionFacts(levels={"access-standard": 3}),
            SessionFacts(stages={"infrastructure": 3}),
        )
        == ()
    )


def test_a_missing_answer_or_stage_on_either_side_fires_nothing() -> None:
    demand = SessionFacts(levels={"access-standard": 4})

    assert evaluate_rules([MDS], demand, SessionFacts(stages={"skills": 1})) == ()
    assert evaluate_rules([MDS], SessionFacts(), SessionFacts(stages={"infrastructure": 1})) == ()


def test_a_question_condition_reads_levels_and_a_dimension_condition_reads_stages() -> None:
    # The same code as a question and as a dimension: each condition reads its own kind.
    demand = SessionFacts(levels={"access-standard": 4}, stages={"access-standard": 1})
    supply = SessionFacts(levels={"infrastructure": 0}, stages={"infrastructure": 5})

    assert evaluate_rules([MDS], demand, supply) == ()


def test_warnings_come_before_notable_findings_then_the_banks_order() -> None:
    demand = SessionFacts(levels={"access-standard": 4, "access-trip-data": 4})
    supply = SessionFacts(levels={"governance-gdpr": 0}, stages={"infrastructure": 1})

    assert _codes(evaluate_rules([DPIA, MDS], demand, supply)) == [
        "mds-without-infrastructure",
        "trip-data-without-dpia",
    ]


def test_the_city_level_is_the_median_of_its_officers_levels() -> None:
    assert city_level([4, 0, 3]) == 3
    assert city_level([1, 2]) == 1.5
    assert city_level([]) is None


def test_the_module_imports_only_the_standard_library() -> None:
    source = Path(capacity.__file__).read_text(encoding="utf-8")
    imported = {
        name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }

    assert imported == {"__future__", "collections.abc", "dataclasses", "enum", "statistics"}


# --- Properties ---------------------------------------------------------------------------------

CODES = ("a", "b", "c")
levels = st.dictionaries(st.sampled_from(CODES), st.sampled_from([0, 0.5, 1, 2, 2.5, 3, 4]))
stages = st.dictionaries(st.sampled_from(CODES), st.integers(1, 5))
facts = st.builds(SessionFacts, levels=levels, stages=stages)
subjects = st.sampled_from(list(Subject))


@st.composite
def rules(draw: st.DrawFn) -> RuleDef:
    demand_subject = draw(subjects)
    top = 4 if demand_subject is Subject.QUESTION else 5
    low = draw(st.none() | st.integers(0, top))
    high = draw(st.integers(0, top)) if low is None else draw(st.none() | st.integers(low, top))
    capacity_subject = draw(subjects)
    return RuleDef(
        code=draw(st.text("xyz-", min_size=1, max_size=6)),
        severity=draw(st.sampled_from(list(Severity))),
        demand=Condition(demand_subject, draw(st.sampled_from(CODES)), low, high),
        capacity=Condition(
            capacity_subject,
            draw(st.sampled_from(CODES)),
            None,
            draw(st.integers(0, 4 if capacity_subject is Subject.QUESTION else 5)),
        ),
    )


@FAST
@given(st.lists(rules(), max_size=6), facts)
def test_a_rule_never_fires_when_either_session_is_missing(
    rule_list: list[RuleDef], present: SessionFacts
) -> None:
    assert evaluate_rules(rule_list, None, present) == ()
    assert evaluate_rules(rule_list, present, None) == ()
    assert evaluate_rules(rule_list, None, None) == ()


@FAST
@given(
    st.lists(rules(), max_size=6),
    facts,
    facts,
    st.dictionaries(st.sampled_from(CODES), st.sampled_from([0.5, 1, 2, 4])),
    st.dictionaries(st.sampled_from(CODES), st.integers(1, 4)),
)
def test_raising_session_1_capacity_never_makes_a_rule_fire(
    rule_list: list[RuleDef],
    demand: SessionFacts,
    supply: SessionFacts,
    level_rise: dict[str, float],
    stage_rise: dict[str, int],
) -> None:
    raised = SessionFacts(
        levels={code: min(4, v + level_rise.get(code, 0)) for code, v in supply.levels.items()},
        stages={code: min(5, v + stage_rise.get(code, 0)) for code, v in supply.stages.items()},
    )

    before = {item.rule for item in evaluate_rules(rule_list, demand, supply)}
    after = {item.rule for item in evaluate_rules(rule_list, demand, raised)}

    assert after <= before


@FAST
@given(st.lists(rules(), max_size=6), facts, facts)
def test_a_fired_rule_meets_both_conditions_and_reports_their_values(
    rule_list: list[RuleDef], demand: SessionFacts, supply: SessionFacts
) -> None:
    for item in evaluate_rules(rule_list, demand, supply):
        assert item.demand_value == demand.value(item.rule.demand)
        assert item.capacity_value == supply.value(item.rule.capacity)
        assert item.rule.demand.holds(item.demand_value)
        assert item.capacity_value <= (item.rule.capacity.maximum or 0)
