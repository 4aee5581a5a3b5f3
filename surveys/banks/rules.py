"""The rules a question bank must meet before it is loaded or published."""

from __future__ import annotations

from itertools import pairwise

from surveys.banks.spec import (
    OPTION_GROUPS,
    RECOMMENDATION_KINDS,
    RULE_SEVERITIES,
    SCORABLE_KINDS,
    SPECIALS,
    STAGE_COUNT,
    BankError,
    BankSpec,
    ConditionSpec,
    DimensionSpec,
    QuestionSpec,
    RuleConditionSpec,
    StageSpec,
)


def validate_bank(spec: BankSpec) -> list[BankError]:
    """The rules a bank must meet before it is loaded or published."""
    errors: list[BankError] = []
    errors += _validate_stages(spec.stages)
    if not spec.dimensions:
        errors.append(BankError("questionnaire", "has no dimensions"))
    seen_dimensions: set[str] = set()
    seen_questions: dict[str, QuestionSpec] = {}
    for dimension in spec.dimensions:
        item = f"dimension {dimension.code}"
        if dimension.code in seen_dimensions:
            errors.append(BankError(item, "duplicate dimension code"))
        seen_dimensions.add(dimension.code)
        if dimension.weight <= 0:
            errors.append(BankError(item, "weight must be more than 0"))
        if not dimension.questions:
            errors.append(BankError(item, "has no questions"))
        for question in dimension.questions:
            errors += _validate_question(question, seen_questions)
            seen_questions[question.code] = question
        errors += _validate_recommendations(dimension, spec.stages)
    errors += _validate_rules(spec)
    return errors


def _validate_rules(spec: BankSpec) -> list[BankError]:
    """A bank's own side of its consistency rules; `validate_rule_capacity` checks the other."""
    errors = []
    if spec.rules and spec.capacity_bank == spec.key:
        errors.append(BankError("consistency_rules", "capacity_bank must name another bank"))
    seen: set[str] = set()
    for rule in spec.rules:
        item = f"rule {rule.code}"
        if rule.code in seen:
            errors.append(BankError(item, "duplicate rule code"))
        seen.add(rule.code)
        if rule.severity not in RULE_SEVERITIES:
            errors.append(BankError(item, f"severity {rule.severity!r} is not warning or notable"))
        errors += _rule_condition_errors(rule.demand, spec, f"{item} demand")
        errors += _rule_bound_errors(rule.demand, f"{item} demand")
        errors += _rule_bound_errors(rule.capacity, f"{item} capacity")
        if rule.capacity.min is not None or rule.capacity.max is None:
            # Bounded from above only: more capacity can then never make a rule fire.
            errors.append(
                BankError(f"{item} capacity", "needs a 'max' and no 'min' (a capacity gap)")
            )
    return errors


def validate_rule_capacity(spec: BankSpec, capacity: BankSpec) -> list[BankError]:
    """The capacity side of a bank's consistency rules, against the capacity bank they name."""
    return [
        error
        for rule in spec.rules
        for error in _rule_condition_errors(rule.capacity, capacity, f"rule {rule.code} capacity")
    ]


def _rule_condition_errors(
    condition: RuleConditionSpec, bank: BankSpec, item: str
) -> list[BankError]:
    if not condition.subject:
        return []  # already reported by the reader
    if condition.subject == "dimension":
        if condition.code not in {dimension.code for dimension in bank.dimensions}:
            return [BankError(item, f"dimension {condition.code!r} is not in {bank.key}")]
        return []
    question = next((q for q in bank.questions() if q.code == condition.code), None)
    if question is None:
        return [BankError(item, f"question {condition.code!r} is not in {bank.key}")]
    if question.kind not in SCORABLE_KINDS:
        return [BankError(item, f"question {condition.code!r} has no levels ({question.kind})")]
    return []


def _rule_bound_errors(condition: RuleConditionSpec, item: str) -> list[BankError]:
    if not condition.subject:
        return []  # already reported by the reader
    low, high = (0, 4) if condition.subject == "question" else (1, STAGE_COUNT)
    unit = "level" if condition.subject == "question" else "stage"
    errors = []
    if condition.min is None and condition.max is None:
        errors.append(BankError(item, "needs a 'min' or a 'max'"))
    for bound in (condition.min, condition.max):
        if bound is not None and not low <= bound <= high:
            errors.append(BankError(item, f"{unit} {bound} is outside {low}-{high}"))
    if condition.min is not None and condition.max is not None and condition.min > condition.max:
        errors.append(BankError(item, "'min' must not exceed 'max'"))
    return errors


def _validate_stages(stages: tuple[StageSpec, ...]) -> list[BankError]:
    errors = []
    levels = [stage.level for stage in stages]
    if levels != list(range(1, STAGE_COUNT + 1)):
        errors.append(
            BankError("stages", f"levels must be 1 to {STAGE_COUNT} in order, got {levels}")
        )
    if stages and stages[0].min_score != 0:
        errors.append(BankError(f"stage {stages[0].level}", "the first stage must start at 0"))
    for previous, stage in pairwise(stages):
        if stage.min_score <= previous.min_score:
            errors.append(
                BankError(
                    f"stage {stage.level}",
                    f"min_score {stage.min_score} must be above stage {previous.level}'s "
                    f"{previous.min_score}",
                )
            )
    errors.extend(
        BankError(f"stage {stage.level}", f"min_score {stage.min_score} must be within 0-100")
        for stage in stages
        if not 0 <= stage.min_score <= 100
    )
    return errors


def _validate_question(question: QuestionSpec, earlier: dict[str, QuestionSpec]) -> list[BankError]:
    item = f"question {question.code}"
    errors = []
    if question.code in earlier:
        errors.append(BankError(item, "duplicate question code"))
    if question.weight < 0:
        errors.append(BankError(item, "weight must not be negative"))
    option_codes: set[str] = set()
    for option in question.options:
        option_item = f"{item} option {option.code}"
        if option.code in option_codes:
            errors.append(BankError(option_item, "duplicate option code"))
        option_codes.add(option.code)
        if option.special and option.special not in SPECIALS:
            errors.append(BankError(option_item, f"special {option.special!r} is unknown"))
        if option.special and option.level is not None:
            errors.append(BankError(option_item, "a special option has no level"))
        if option.level is not None and not 0 <= option.level <= 4:
            errors.append(BankError(option_item, f"level {option.level} is outside 0-4"))
    errors += _validate_options_for_kind(question)
    errors += _validate_option_groups(question)
    if question.condition is not None:
        errors += _validate_condition(question, question.condition, earlier)
    return errors


def _validate_options_for_kind(question: QuestionSpec) -> list[BankError]:
    item = f"question {question.code}"
    regular = [option for option in question.options if not option.special]
    specials = [option.special for option in question.options if option.special]
    errors = []
    if question.kind in ("scale", "yes_no"):
        if "none" in specials:
            errors.append(BankError(item, "'none' options belong to multi questions only"))
        levelless = [option.code for option in regular if option.level is None]
        if levelless:
            errors.append(BankError(item, f"options {levelless} need a level"))
        levels = sorted(option.level for option in regular if option.level is not None)
        if question.kind == "scale" and levels != [0, 1, 2, 3, 4]:
            errors.append(
                BankError(item, f"a scale needs one option per level 0-4, got levels {levels}")
            )
        if question.kind == "yes_no" and levels != [0, 4]:
            errors.append(
                BankError(item, f"yes/no needs options of level 0 and 4, got levels {levels}")
            )
    elif question.kind == "multi":
        if len(regular) < 2:
            errors.append(BankError(item, "a multi question needs at least two practices"))
        levelled = [option.code for option in regular if option.level is not None]
        if levelled:
            errors.append(BankError(item, f"practices {levelled} must not have a level"))
        if "not_applicable" in specials:
            errors.append(BankError(item, "multi questions offer 'none', not 'not applicable'"))
    elif question.kind == "exchanges":
        if question.weight != 0:
            errors.append(BankError(item, "exchanges questions are not scored: give weight 0"))
        if question.required:
            errors.append(BankError(item, "exchanges questions cannot be required"))
    elif question.options:
        errors.append(BankError(item, f"{question.kind} questions have no options"))
    if len(specials) != len(set(specials)):
        errors.append(BankError(item, "each special option may appear once"))
    if question.kind == "number":
        if question.min is None or question.max is None:
            errors.append(BankError(item, "number questions need 'min' and 'max'"))
        elif question.min > question.max:
            errors.append(BankError(item, "'min' must not exceed 'max'"))
    elif question.min is not None or question.max is not None:
        errors.append(BankError(item, "only number questions take 'min' and 'max'"))
    return errors


def _validate_option_groups(question: QuestionSpec) -> list[BankError]:
    """An exchanges question's options each belong to one of its lists (partners, means,
    frequencies), every list has options, and the frequencies are ordered by a level 0-4 (the
    weight of a link); no other question's options belong to a list."""
    item = f"question {question.code}"
    if question.kind != "exchanges":
        grouped = [option.code for option in question.options if option.group or option.automated]
        if grouped:
            return [
                BankError(
                    item,
                    f"options {grouped} take 'group' or 'automated', which only exchanges questions' options do",
                )
            ]
        return []
    errors = []
    for option in question.options:
        option_item = f"{item} option {option.code}"
        if option.group not in OPTION_GROUPS:
            errors.append(
                BankError(
                    option_item, f"group {option.group!r} is not one of {', '.join(OPTION_GROUPS)}"
                )
            )
        if option.special:
            errors.append(BankError(option_item, "exchanges options are not special"))
        if option.automated and option.group != "means":
            errors.append(BankError(option_item, "only a means can be automated"))
        if option.group == "frequency" and option.level is None:
            errors.append(BankError(option_item, "a frequency needs a level (0 rarest to 4)"))
        if option.group != "frequency" and option.level is not None:
            errors.append(BankError(option_item, "only a frequency has a level"))
    present = {option.group for option in question.options}
    missing = [group for group in OPTION_GROUPS if group not in present]
    if missing:
        errors.append(BankError(item, f"has no options in the lists {missing}"))
    return errors


def _validate_condition(
    question: QuestionSpec, condition: ConditionSpec, earlier: dict[str, QuestionSpec]
) -> list[BankError]:
    item = f"question {question.code}"
    target = earlier.get(condition.question)
    if target is None:
        return [
            BankError(
                item,
                f"condition points to {condition.question!r}, which is not an earlier question",
            )
        ]
    if target.kind not in ("scale", "yes_no", "multi"):
        return [BankError(item, f"condition question {target.code!r} has no options")]
    option = next((option for option in target.options if option.code == condition.option), None)
    if option is None:
        return [
            BankError(
                item,
                f"condition option {condition.option!r} is not an option of {target.code!r}",
            )
        ]
    if option.special:
        # Scoring counts a follow-up as level 0 when its gate gets a regular answer other than
        # the condition's, and as don't know on "don't know": a special option cannot open it.
        return [
            BankError(
                item,
                f"condition option {condition.option!r} is special ({option.special}); "
                "a condition needs a regular option such as 'yes'",
            )
        ]
    return []


def _validate_recommendations(
    dimension: DimensionSpec, stages: tuple[StageSpec, ...]
) -> list[BankError]:
    item = f"dimension {dimension.code}"
    errors = []
    for number, recommendation in enumerate(dimension.recommendations, start=1):
        rec_item = f"{item} recommendation #{number}"
        if recommendation.kind not in RECOMMENDATION_KINDS:
            errors.append(
                BankError(rec_item, f"kind {recommendation.kind!r} is not skill, tool or practice")
            )
        if not 2 <= recommendation.stage <= STAGE_COUNT:
            errors.append(BankError(rec_item, f"stage {recommendation.stage} must be 2-5"))
    covered = {recommendation.stage for recommendation in dimension.recommendations}
    missing = [stage.level for stage in stages[1:] if stage.level not in covered]
    if missing:
        errors.append(BankError(item, f"has no recommendations for stages {missing}"))
    return errors
