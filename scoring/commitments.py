"""Commitments beyond capacity: read each city's paired Session 2 and Session 1 results
(`scoring.commitment_pairs`) into the pure rule check (`scoring.capacity`) and say which
consistency rules fire, with the answers or stages behind them (constant queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import Q

from scoring import capacity
from scoring.bridge import answer_value
from scoring.commitment_pairs import capacity_key_of, pairs_for
from scoring.models import CityDimensionResult, CityResult
from surveys.answers import answers_by_response
from surveys.models import City, ConsistencyRule, Question, Response, Round
from surveys.structure import Bank, bank_for, visible_question_ids

Pair = tuple[int, int]  # (round id, city id)


@dataclass(frozen=True)
class Reading:
    """One side of a fired rule as pages show it: the question or dimension, and the city's
    level (0-4) or stage (1-5) with the option or stage it stands for."""

    round: Round
    subject: str  # "question" or "dimension"
    label: str
    value: float
    meaning: str  # the option label at that level, or the stage name; blank between two levels

    @property
    def is_stage(self) -> bool:
        return self.subject == ConsistencyRule.Subject.DIMENSION


@dataclass(frozen=True)
class Commitment:
    """A rule that fired for a city, with the two figures behind it."""

    rule: ConsistencyRule
    demand: Reading
    capacity: Reading


@dataclass(frozen=True)
class CityCommitments:
    """A city's check of one Session 2 round against one Session 1 round; `fired` is empty when
    no rule fires."""

    city: City
    demand_round: Round
    capacity_round: Round
    rules: list[ConsistencyRule]
    fired: list[Commitment]

    def fired_codes(self) -> set[str]:
        return {commitment.rule.code for commitment in self.fired}


@dataclass(frozen=True)
class CommitmentsState:
    """What the results page says: nothing when no rule concerns the round; the check when the
    city has results in both sessions; else that it waits for the other session."""

    concerned: bool
    check: CityCommitments | None = None


def _facts(
    results: Iterable[CityResult], question_codes: Collection[str]
) -> dict[Pair, capacity.SessionFacts]:
    """Each result's city figures: its stage per dimension code (stored) and its level on each
    of ``question_codes``, the median of its submitted responses' levels (a few queries)."""
    results = list(results)
    rounds = {result.round_id: result.round for result in results}
    wanted = {(result.round_id, result.city_id) for result in results}
    stages: dict[Pair, dict[str, int]] = defaultdict(dict)
    rows = CityDimensionResult.objects.filter(
        city_result__in=[result.pk for result in results]
    ).values_list("city_result__round_id", "city_result__city_id", "dimension__code", "stage")
    for round_id, city_id, code, stage in rows:
        if stage is not None:
            stages[round_id, city_id][code] = stage
    responses = [
        (pk, round_id, city_id)
        for pk, round_id, city_id in Response.objects.filter(
            round_id__in=rounds,
            city_id__in={city for _, city in wanted},
            status=Response.Status.SUBMITTED,
        ).values_list("pk", "round_id", "city_id")
        if (round_id, city_id) in wanted
    ]
    given = answers_by_response([pk for pk, _, _ in responses])
    levels: dict[Pair, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for pk, round_id, city_id in responses:
        bank = bank_for(rounds[round_id].questionnaire)
        answers = given.get(pk, {})
        visible = visible_question_ids(bank, answers)
        for question in bank.questions():
            if question.code not in question_codes or question.pk not in visible:
                continue
            if question.kind not in Question.SCORABLE_KINDS:
                continue
            value, _flag = answer_value(bank, question, answers.get(question.pk))
            if value is not None:
                levels[round_id, city_id][question.code].append(4 * value)
    facts = {}
    for pair in wanted:
        city_levels = {
            code: level
            for code, values in levels[pair].items()
            if (level := capacity.city_level(values)) is not None
        }
        facts[pair] = capacity.SessionFacts(levels=city_levels, stages=stages[pair])
    return facts


def rule_def(rule: ConsistencyRule) -> capacity.RuleDef:
    """A stored rule as the rule check reads it."""
    return capacity.RuleDef(
        code=rule.code,
        severity=capacity.Severity(rule.severity),
        demand=capacity.Condition(
            capacity.Subject(rule.demand_subject),
            rule.demand_code,
            rule.demand_min,
            rule.demand_max,
        ),
        capacity=capacity.Condition(
            capacity.Subject(rule.capacity_subject), rule.capacity_code, None, rule.capacity_max
        ),
    )


def _reading(bank: Bank, round: Round, subject: str, code: str, value: float) -> Reading:
    if subject == ConsistencyRule.Subject.DIMENSION:
        section = bank.section(code)
        stage = next((s for s in bank.stages if s.level == int(value)), None)
        return Reading(
            round=round,
            subject=subject,
            label=str(section.dimension.title) if section else code,
            value=value,
            meaning=str(stage.name) if stage else "",
        )
    question = next((q for q in bank.questions() if q.code == code), None)
    meaning = ""
    if question is not None and value == int(value):
        option = next((o for o in question.options.all() if o.level == int(value)), None)
        meaning = str(option.label) if option and question.kind != Question.Kind.MULTI else ""
    return Reading(
        round=round,
        subject=subject,
        label=str(question.text) if question else code,
        value=value,
        meaning=meaning,
    )


def check_cities(
    round: Round, cities: Collection[City], capacity_key: str | None = None
) -> dict[int, CityCommitments]:
    """Per city id, the consistency rules checked for the city's pair of results (see
    `pairs_for`); cities without results in both sessions are left out. A fixed number of queries
    for any number of cities."""
    if capacity_key is None:
        capacity_key = capacity_key_of(round)
    pairs = pairs_for(round, cities, capacity_key)
    if not pairs:
        return {}
    questionnaires = {demand.round.questionnaire_id for demand, _ in pairs.values()}
    rules: dict[int, list[ConsistencyRule]] = defaultdict(list)
    for rule in ConsistencyRule.objects.filter(questionnaire_id__in=questionnaires):
        rules[rule.questionnaire_id].append(rule)
    question_codes = {
        code
        for own in rules.values()
        for rule in own
        for subject, code in (
            (rule.demand_subject, rule.demand_code),
            (rule.capacity_subject, rule.capacity_code),
        )
        if subject == ConsistencyRule.Subject.QUESTION
    }
    facts = _facts((result for pair in pairs.values() for result in pair), question_codes)
    by_city = {city.pk: city for city in cities}
    checks = {}
    for city_id, (demand, supply) in pairs.items():
        own_rules = rules[demand.round.questionnaire_id]
        by_code = {rule.code: rule for rule in own_rules}
        fired = capacity.evaluate_rules(
            [rule_def(rule) for rule in own_rules],
            facts[demand.round_id, city_id],
            facts[supply.round_id, city_id],
        )
        demand_bank = bank_for(demand.round.questionnaire)
        supply_bank = bank_for(supply.round.questionnaire)
        checks[city_id] = CityCommitments(
            city=by_city[city_id],
            demand_round=demand.round,
            capacity_round=supply.round,
            rules=own_rules,
            fired=[
                Commitment(
                    rule=by_code[item.rule.code],
                    demand=_reading(
                        demand_bank,
                        demand.round,
                        item.rule.demand.subject,
                        item.rule.demand.code,
                        item.demand_value,
                    ),
                    capacity=_reading(
                        supply_bank,
                        supply.round,
                        item.rule.capacity.subject,
                        item.rule.capacity.code,
                        item.capacity_value,
                    ),
                )
                for item in fired
            ],
        )
    return checks


def commitments_state(round: Round, city: City) -> CommitmentsState:
    """The results page's section for one city: whether any rule concerns the round (its own, or
    rules that read its questionnaire), and the check once the city has results in both."""
    concerning = (
        ConsistencyRule.objects.filter(
            Q(questionnaire_id=round.questionnaire_id) | Q(capacity_key=round.questionnaire.key)
        )
        .values_list("questionnaire_id", "capacity_key")
        .first()
    )
    if concerning is None:
        return CommitmentsState(concerned=False)
    questionnaire_id, key = concerning
    own_key = key if questionnaire_id == round.questionnaire_id else ""
    return CommitmentsState(concerned=True, check=check_cities(round, [city], own_key).get(city.pk))


@dataclass(frozen=True)
class RuleGrid:
    """The dashboard's cities × rules grid: which rule fired for which city."""

    rules: list[ConsistencyRule]
    rows: list[tuple[City, CityCommitments | None]]

    @property
    def fired_count(self) -> int:
        return sum(len(check.fired) for _, check in self.rows if check is not None)


def rule_grid(round: Round, cities: list[City]) -> RuleGrid | None:
    """The grid for a Session 2 round (its rules as columns); None for a round without rules."""
    rules = list(ConsistencyRule.objects.filter(questionnaire_id=round.questionnaire_id))
    if not rules:
        return None
    checks = check_cities(round, cities, rules[0].capacity_key)
    return RuleGrid(rules=rules, rows=[(city, checks.get(city.pk)) for city in cities])
