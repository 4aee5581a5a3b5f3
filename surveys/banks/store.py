"""Move question banks between specs, database rows and YAML-ready data."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from surveys.banks.rules import validate_bank, validate_rule_capacity
from surveys.banks.spec import (
    LANGUAGES,
    BankError,
    BankInvalid,
    BankSpec,
    ConditionSpec,
    ConsistencyRuleSpec,
    DimensionSpec,
    OptionSpec,
    QuestionSpec,
    RecommendationSpec,
    RuleConditionSpec,
    StageSpec,
    Text,
)
from surveys.models import (
    ConsistencyRule,
    Dimension,
    Option,
    Question,
    Questionnaire,
    Recommendation,
    Stage,
)


@transaction.atomic
def bank_write(*, spec: BankSpec, replace_draft: bool = True) -> Questionnaire:
    """Store a validated bank as a draft questionnaire, replacing a draft of the same version."""
    existing = Questionnaire.objects.filter(key=spec.key, version=spec.version).first()
    if existing is not None:
        if not (replace_draft and existing.is_editable):
            raise BankInvalid(
                [
                    BankError(
                        "questionnaire",
                        f"{spec.key} version {spec.version} exists and is "
                        f"{existing.status}; give the file a new version",
                    )
                ]
            )
        _delete_contents(existing)
        existing.delete()
    questionnaire = Questionnaire.objects.create(
        key=spec.key,
        version=spec.version,
        **_columns("title", spec.title),
        **_columns("description", spec.description),
        status=Questionnaire.Status.DRAFT,
    )
    Stage.objects.bulk_create(
        Stage(
            questionnaire=questionnaire,
            level=stage.level,
            **_columns("name", stage.name),
            **_columns("description", stage.description),
            min_score=stage.min_score,
        )
        for stage in spec.stages
    )
    dimensions = Dimension.objects.bulk_create(
        Dimension(
            questionnaire=questionnaire,
            position=position,
            code=dimension.code,
            **_columns("title", dimension.title),
            **_columns("description", dimension.description),
            weight=dimension.weight,
        )
        for position, dimension in enumerate(spec.dimensions, start=1)
    )
    question_pairs = [
        (
            question_spec,
            Question(
                dimension=dimension,
                position=position,
                code=question_spec.code,
                **_columns("text", question_spec.text),
                **_columns("help_text", question_spec.help),
                kind=question_spec.kind,
                required=question_spec.required,
                weight=question_spec.weight,
                min_value=question_spec.min,
                max_value=question_spec.max,
                **_columns("unit", question_spec.unit),
            ),
        )
        for dimension, dimension_spec in zip(dimensions, spec.dimensions, strict=True)
        for position, question_spec in enumerate(dimension_spec.questions, start=1)
    ]
    Question.objects.bulk_create(question for _, question in question_pairs)
    option_rows = Option.objects.bulk_create(
        Option(
            question=question,
            position=position,
            code=option.code,
            **_columns("label", option.label),
            level=option.level,
            special=option.special,
            group=option.group,
            automated=option.automated,
        )
        for question_spec, question in question_pairs
        for position, option in enumerate(question_spec.options, start=1)
    )
    options_by_code = {(row.question.code, row.code): row for row in option_rows}
    conditional = []
    for question_spec, question in question_pairs:
        if question_spec.condition is not None:
            condition = question_spec.condition
            question.condition = options_by_code[(condition.question, condition.option)]
            conditional.append(question)
    Question.objects.bulk_update(conditional, ["condition"])
    Recommendation.objects.bulk_create(
        Recommendation(
            dimension=dimension,
            stage_level=recommendation.stage,
            kind=recommendation.kind,
            position=position,
            **_columns("title", recommendation.title),
            **_columns("body", recommendation.body),
        )
        for dimension, dimension_spec in zip(dimensions, spec.dimensions, strict=True)
        for position, recommendation in enumerate(dimension_spec.recommendations, start=1)
    )
    ConsistencyRule.objects.bulk_create(
        ConsistencyRule(
            questionnaire=questionnaire,
            position=position,
            code=rule.code,
            severity=rule.severity,
            capacity_key=spec.capacity_bank,
            demand_subject=rule.demand.subject,
            demand_code=rule.demand.code,
            demand_min=rule.demand.min,
            demand_max=rule.demand.max,
            capacity_subject=rule.capacity.subject,
            capacity_code=rule.capacity.code,
            capacity_max=rule.capacity.max or 0,  # validated: a capacity always has a max
            **_columns("title", rule.title),
            **_columns("explanation", rule.explanation),
            **_columns("recommendation", rule.recommendation),
        )
        for position, rule in enumerate(spec.rules, start=1)
    )
    return questionnaire


def _delete_contents(questionnaire: Questionnaire) -> None:
    # Conditions PROTECT their options, so they are cleared before the cascade.
    Question.objects.filter(dimension__questionnaire=questionnaire).update(condition=None)


def bank_read(questionnaire: Questionnaire) -> BankSpec:
    """Read a stored questionnaire back into a spec (in a fixed number of queries)."""
    dimensions = questionnaire.dimensions.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.select_related("condition__question").prefetch_related(
                "options"
            ),
        ),
        "recommendations",
    )
    rules = list(questionnaire.consistency_rules.all())
    spec = BankSpec(
        key=questionnaire.key,
        version=questionnaire.version,
        title=_text(questionnaire, "title"),
        description=_text(questionnaire, "description"),
        languages=(),  # set below, from the texts
        stages=tuple(
            StageSpec(
                level=stage.level,
                name=_text(stage, "name"),
                min_score=Decimal(stage.min_score).normalize(),
                description=_text(stage, "description"),
            )
            for stage in questionnaire.stages.all()
        ),
        dimensions=tuple(
            DimensionSpec(
                code=dimension.code,
                title=_text(dimension, "title"),
                description=_text(dimension, "description"),
                weight=Decimal(dimension.weight).normalize(),
                questions=tuple(_question_spec(question) for question in dimension.questions.all()),
                recommendations=tuple(
                    RecommendationSpec(
                        stage=recommendation.stage_level,
                        kind=recommendation.kind,
                        title=_text(recommendation, "title"),
                        body=_text(recommendation, "body"),
                    )
                    for recommendation in dimension.recommendations.all()
                ),
            )
            for dimension in dimensions
        ),
        capacity_bank=rules[0].capacity_key if rules else "",
        rules=tuple(_rule_spec(rule) for rule in rules),
    )
    return dataclasses.replace(spec, languages=_languages_used(spec))


def _rule_spec(rule: ConsistencyRule) -> ConsistencyRuleSpec:
    return ConsistencyRuleSpec(
        code=rule.code,
        severity=rule.severity,
        demand=RuleConditionSpec(
            rule.demand_subject, rule.demand_code, rule.demand_min, rule.demand_max
        ),
        capacity=RuleConditionSpec(
            rule.capacity_subject, rule.capacity_code, None, rule.capacity_max
        ),
        title=_text(rule, "title"),
        explanation=_text(rule, "explanation"),
        recommendation=_text(rule, "recommendation"),
    )


def _columns(field: str, text: Text) -> dict[str, str]:
    """A text's per-language columns (title_en, title_nl, title_fr) for a bank model."""
    return {f"{field}_{language}": text.get(language) for language in LANGUAGES}


def _text(row: Any, field: str) -> Text:
    return Text(**{language: getattr(row, f"{field}_{language}") or "" for language in LANGUAGES})


def _languages_used(spec: BankSpec) -> tuple[str, ...]:
    """English, and every language any text of a stored bank has: what an export declares, so
    that a partly translated draft exports all it holds (and reloading names what is missing)."""
    used = {
        language for _name, text in spec.texts() for language in LANGUAGES if text.get(language)
    }
    return tuple(language for language in LANGUAGES if language == "en" or language in used)


def incomplete_texts(spec: BankSpec) -> list[BankError]:
    """What keeps a bank from being published: every text in every one of the app's languages."""
    return [
        BankError(name.rsplit(" ", 1)[0], f"'{name.rsplit(' ', 1)[1]}' has no {language} text")
        for name, text in spec.texts()
        for language in text.missing(LANGUAGES)
    ]


def _question_spec(question: Question) -> QuestionSpec:
    condition = None
    if question.condition is not None:
        condition = ConditionSpec(
            question=question.condition.question.code, option=question.condition.code
        )
    return QuestionSpec(
        code=question.code,
        kind=question.kind,
        text=_text(question, "text"),
        help=_text(question, "help_text"),
        required=question.required,
        weight=Decimal(question.weight).normalize(),
        condition=condition,
        min=None if question.min_value is None else Decimal(question.min_value).normalize(),
        max=None if question.max_value is None else Decimal(question.max_value).normalize(),
        unit=_text(question, "unit"),
        options=tuple(
            OptionSpec(
                code=option.code,
                label=_text(option, "label"),
                level=option.level,
                special=option.special,
                group=option.group,
                automated=option.automated,
            )
            for option in question.options.all()
        ),
    )


def bank_to_data(spec: BankSpec) -> dict[str, Any]:
    """The nested, YAML-ready form of a bank, as people edit it in fixtures/."""
    put = _TextData(spec.languages)
    data: dict[str, Any] = {"key": spec.key, "version": spec.version}
    if spec.languages != ("en",):
        data["languages"] = list(spec.languages)
    data |= {
        "title": put(spec.title),
        "description": put(spec.description),
        "stages": [
            {
                "level": stage.level,
                "name": put(stage.name),
                "min_score": _number(stage.min_score),
                "description": put(stage.description),
            }
            for stage in spec.stages
        ],
        "dimensions": [
            {
                "code": dimension.code,
                "title": put(dimension.title),
                "description": put(dimension.description),
                "weight": _number(dimension.weight),
                "questions": [_question_data(question, put) for question in dimension.questions],
                "recommendations": [
                    {
                        "stage": recommendation.stage,
                        "kind": recommendation.kind,
                        "title": put(recommendation.title),
                        "body": put(recommendation.body),
                    }
                    for recommendation in dimension.recommendations
                ],
            }
            for dimension in spec.dimensions
        ],
    }
    return data | _rules_data(spec, put)


def _rules_data(spec: BankSpec, put: _TextData) -> dict[str, Any]:
    if not spec.rules:
        return {}
    return {
        "consistency_rules": {
            "capacity_bank": spec.capacity_bank,
            "rules": [
                {
                    "code": rule.code,
                    "severity": rule.severity,
                    "demand": _rule_condition_data(rule.demand),
                    "capacity": _rule_condition_data(rule.capacity),
                    "title": put(rule.title),
                    "explanation": put(rule.explanation),
                    "recommendation": put(rule.recommendation),
                }
                for rule in spec.rules
            ],
        }
    }


def _rule_condition_data(condition: RuleConditionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {condition.subject: condition.code}
    if condition.min is not None:
        data["min"] = condition.min
    if condition.max is not None:
        data["max"] = condition.max
    return data


class _TextData:
    """A text as a bank file writes it: a plain string in an English-only bank, else a mapping
    from each declared language to its text (in LANGUAGES order)."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages

    def __call__(self, text: Text) -> str | dict[str, str]:
        if self.languages == ("en",) or not text:
            return text.en
        return {language: text.get(language) for language in self.languages}


def _question_data(question: QuestionSpec, put: _TextData) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": question.code,
        "kind": question.kind,
        "text": put(question.text),
        "help": put(question.help),
        "required": question.required,
        "weight": _number(question.weight),
    }
    if question.condition is not None:
        data["condition"] = {
            "question": question.condition.question,
            "option": question.condition.option,
        }
    if question.kind == "number":
        data["min"] = _number(question.min)
        data["max"] = _number(question.max)
        if question.unit:
            data["unit"] = put(question.unit)
    if question.options:
        data["options"] = [_option_data(option, put) for option in question.options]
    return data


def _option_data(option: OptionSpec, put: _TextData) -> dict[str, Any]:
    data: dict[str, Any] = {"code": option.code}
    if option.group:
        data["group"] = option.group
    if option.automated:
        data["automated"] = True
    if option.special:
        data["special"] = option.special
    else:
        if option.level is not None:
            data["level"] = option.level
    data["label"] = put(option.label)
    return data


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def rule_capacity_errors(spec: BankSpec, loaded: Sequence[BankSpec] = ()) -> list[BankError]:
    """What is wrong with the capacity side of a bank's consistency rules: checked against the
    capacity bank among ``loaded`` (files read in the same run), else its latest stored version."""
    if not spec.rules:
        return []
    candidates = [other for other in loaded if other.key == spec.capacity_bank]
    if candidates:
        return validate_rule_capacity(spec, max(candidates, key=lambda other: other.version))
    stored = Questionnaire.objects.filter(key=spec.capacity_bank).order_by("-version").first()
    if stored is None:
        return [
            BankError(
                "consistency_rules",
                f"capacity_bank {spec.capacity_bank!r} is neither loaded with it nor stored",
            )
        ]
    return validate_rule_capacity(spec, bank_read(stored))


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft after validating it; raise BankInvalid naming every problem."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not locked.is_editable:
        raise BankInvalid([BankError("questionnaire", f"is {locked.status}, not a draft")])
    spec = bank_read(locked)
    errors = validate_bank(spec) + incomplete_texts(spec) + rule_capacity_errors(spec)
    if errors:
        raise BankInvalid(errors)
    locked.status = Questionnaire.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "published_at"])
    return locked


@transaction.atomic
def questionnaire_new_draft(*, questionnaire: Questionnaire) -> Questionnaire:
    """Deep-copy a questionnaire into a new draft version (the next free version number)."""
    spec = bank_read(questionnaire)
    latest = Questionnaire.objects.filter(key=questionnaire.key).aggregate(Max("version"))
    next_version = (latest["version__max"] or 0) + 1
    return bank_write(
        spec=BankSpec(
            key=spec.key,
            version=next_version,
            title=spec.title,
            description=spec.description,
            stages=spec.stages,
            dimensions=spec.dimensions,
            capacity_bank=spec.capacity_bank,
            rules=spec.rules,
        ),
        replace_draft=False,
    )
