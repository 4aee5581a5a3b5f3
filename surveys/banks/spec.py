"""Parse and validate a question bank's nested data (as read from YAML) into typed specs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

KINDS = ("scale", "yes_no", "multi", "number", "text")
SCORABLE_KINDS = frozenset({"scale", "yes_no", "multi"})
SPECIALS = ("dont_know", "not_applicable", "none")
RECOMMENDATION_KINDS = ("skill", "tool", "practice")
STAGE_COUNT = 5
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class BankError:
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


class BankInvalid(Exception):
    """Raised with every problem found in a bank, each naming its item."""

    def __init__(self, errors: list[BankError], source: str = "") -> None:
        self.errors = errors
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{error}" for error in errors))


@dataclass(frozen=True)
class StageSpec:
    level: int
    name: str
    min_score: Decimal
    description: str = ""


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: str
    level: int | None = None
    special: str = ""


@dataclass(frozen=True)
class ConditionSpec:
    question: str
    option: str


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    text: str
    help: str = ""
    required: bool = True
    weight: Decimal = Decimal(1)
    condition: ConditionSpec | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str = ""
    options: tuple[OptionSpec, ...] = ()

    @property
    def is_scored(self) -> bool:
        return self.kind in SCORABLE_KINDS and self.weight > 0


@dataclass(frozen=True)
class RecommendationSpec:
    stage: int
    kind: str
    title: str
    body: str = ""


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    title: str
    description: str = ""
    weight: Decimal = Decimal(1)
    questions: tuple[QuestionSpec, ...] = ()
    recommendations: tuple[RecommendationSpec, ...] = ()


@dataclass(frozen=True)
class BankSpec:
    key: str
    version: int
    title: str
    description: str = ""
    stages: tuple[StageSpec, ...] = ()
    dimensions: tuple[DimensionSpec, ...] = field(default_factory=tuple)

    def questions(self) -> list[QuestionSpec]:
        return [question for dimension in self.dimensions for question in dimension.questions]


class _Reader:
    """Collects errors while reading loosely typed data, so one pass reports every problem."""

    def __init__(self) -> None:
        self.errors: list[BankError] = []

    def error(self, item: str, message: str) -> None:
        self.errors.append(BankError(item, message))

    def mapping(self, value: Any, item: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.error(item, "must be a mapping of fields")
            return {}
        return value

    def items(self, data: Mapping[str, Any], name: str, item: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.error(item, f"'{name}' must be a list")
            return []
        return value

    def text(self, data: Mapping[str, Any], name: str, item: str, *, required: bool) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.error(item, f"'{name}' is required")
            return ""
        if isinstance(value, Mapping):
            # Translations come later; today only the English text is stored.
            others = sorted(set(value) - {"en"})
            if others:
                self.error(item, f"'{name}' has languages {others}; only 'en' is stored so far")
            value = value.get("en")
            if not isinstance(value, str) or not value.strip():
                self.error(item, f"'{name}' needs an English text under 'en'")
                return ""
        if not isinstance(value, str):
            self.error(item, f"'{name}' must be text")
            return ""
        return value.strip()

    def code(self, data: Mapping[str, Any], item: str) -> str:
        value = data.get("code")
        if not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.error(item, f"code {value!r} must be lowercase letters, digits and dashes")
            return str(value)
        return value

    def integer(self, data: Mapping[str, Any], name: str, item: str) -> int | None:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(item, f"'{name}' must be a whole number, got {value!r}")
            return None
        return value

    def decimal(
        self, data: Mapping[str, Any], name: str, item: str, default: Decimal | None
    ) -> Decimal | None:
        value = data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            self.error(item, f"'{name}' must be a number, got {value!r}")
            return default
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(item, f"'{name}' must be a number, got {value!r}")
            return default
        if not number.is_finite():
            self.error(item, f"'{name}' must be a finite number")
            return default
        return number

    def boolean(self, data: Mapping[str, Any], name: str, item: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.error(item, f"'{name}' must be true or false, got {value!r}")
            return default
        return value


def parse_bank(data: Any, source: str = "") -> BankSpec:
    """Read a bank's nested data; raise BankInvalid listing every problem found."""
    reader = _Reader()
    root = reader.mapping(data, "questionnaire")
    key = root.get("key")
    if not isinstance(key, str) or not CODE_PATTERN.match(key):
        reader.error("questionnaire", f"key {key!r} must be lowercase letters, digits and dashes")
    version = reader.integer(root, "version", "questionnaire")
    if version is not None and version < 1:
        reader.error("questionnaire", "version must be 1 or more")
    spec = BankSpec(
        key=str(key),
        version=version or 1,
        title=reader.text(root, "title", "questionnaire", required=True),
        description=reader.text(root, "description", "questionnaire", required=False),
        stages=tuple(_read_stages(reader, root)),
        dimensions=tuple(_read_dimensions(reader, root)),
    )
    reader.errors.extend(validate_bank(spec))
    if reader.errors:
        raise BankInvalid(reader.errors, source)
    return spec


def _read_stages(reader: _Reader, root: Mapping[str, Any]) -> list[StageSpec]:
    stages = []
    for index, raw in enumerate(reader.items(root, "stages", "questionnaire"), start=1):
        item = f"stage #{index}"
        data = reader.mapping(raw, item)
        level = reader.integer(data, "level", item)
        item = f"stage {level}" if level is not None else item
        min_score = reader.decimal(data, "min_score", item, None)
        if min_score is None:
            reader.error(item, "'min_score' is required")
        stages.append(
            StageSpec(
                level=level or 0,
                name=reader.text(data, "name", item, required=True),
                min_score=min_score if min_score is not None else Decimal(0),
                description=reader.text(data, "description", item, required=False),
            )
        )
    return stages


def _read_dimensions(reader: _Reader, root: Mapping[str, Any]) -> list[DimensionSpec]:
    dimensions = []
    for index, raw in enumerate(reader.items(root, "dimensions", "questionnaire"), start=1):
        data = reader.mapping(raw, f"dimension #{index}")
        code = reader.code(data, f"dimension #{index}")
        item = f"dimension {code}"
        dimensions.append(
            DimensionSpec(
                code=code,
                title=reader.text(data, "title", item, required=True),
                description=reader.text(data, "description", item, required=False),
                weight=reader.decimal(data, "weight", item, Decimal(1)) or Decimal(0),
                questions=tuple(
                    _read_question(reader, raw_question, f"{item} question #{number}")
                    for number, raw_question in enumerate(
                        reader.items(data, "questions", item), start=1
                    )
                ),
                recommendations=tuple(
                    _read_recommendation(reader, raw_rec, f"{item} recommendation #{number}")
                    for number, raw_rec in enumerate(
                        reader.items(data, "recommendations", item), start=1
                    )
                ),
            )
        )
    return dimensions


def _read_question(reader: _Reader, raw: Any, fallback_item: str) -> QuestionSpec:
    data = reader.mapping(raw, fallback_item)
    code = reader.code(data, fallback_item)
    item = f"question {code}"
    kind = data.get("kind", "scale")
    if kind not in KINDS:
        reader.error(item, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    condition = None
    if data.get("condition") is not None:
        raw_condition = reader.mapping(data["condition"], f"{item} condition")
        condition = ConditionSpec(
            question=str(raw_condition.get("question", "")),
            option=str(raw_condition.get("option", "")),
        )
    options = []
    for number, raw_option in enumerate(reader.items(data, "options", item), start=1):
        option_data = reader.mapping(raw_option, f"{item} option #{number}")
        option_code = reader.code(option_data, f"{item} option #{number}")
        option_item = f"{item} option {option_code}"
        level = option_data.get("level")
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
            reader.error(option_item, f"level must be a whole number, got {level!r}")
            level = None
        options.append(
            OptionSpec(
                code=option_code,
                label=reader.text(option_data, "label", option_item, required=True),
                level=level,
                special=str(option_data.get("special") or ""),
            )
        )
    return QuestionSpec(
        code=code,
        kind=str(kind),
        text=reader.text(data, "text", item, required=True),
        help=reader.text(data, "help", item, required=False),
        required=reader.boolean(data, "required", item, kind != "text"),
        weight=reader.decimal(data, "weight", item, Decimal(1)) or Decimal(0),
        condition=condition,
        min=reader.decimal(data, "min", item, None),
        max=reader.decimal(data, "max", item, None),
        unit=reader.text(data, "unit", item, required=False),
        options=tuple(options),
    )


def _read_recommendation(reader: _Reader, raw: Any, item: str) -> RecommendationSpec:
    data = reader.mapping(raw, item)
    stage = reader.integer(data, "stage", item)
    kind = str(data.get("kind", ""))
    return RecommendationSpec(
        stage=stage or 0,
        kind=kind,
        title=reader.text(data, "title", item, required=True),
        body=reader.text(data, "body", item, required=False),
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
    if condition.option not in {option.code for option in target.options}:
        return [
            BankError(
                item,
                f"condition option {condition.option!r} is not an option of {target.code!r}",
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
