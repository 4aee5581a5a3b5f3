"""Read a question bank's nested data (as loaded from YAML) into typed specs, reporting every
problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from surveys.banks.rules import validate_bank
from surveys.banks.spec import (
    CODE_PATTERN,
    KINDS,
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


class _Reader:
    """Collects errors while reading loosely typed data, so one pass reports every problem."""

    def __init__(self) -> None:
        self.errors: list[BankError] = []
        self.languages: tuple[str, ...] = ("en",)

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

    def text(self, data: Mapping[str, Any], name: str, item: str, *, required: bool) -> Text:
        """A displayed text: a string in an English-only bank, else a mapping with a text for
        every language the bank declares (an optional text may be left out altogether)."""
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.error(item, f"'{name}' is required")
            return Text()
        if isinstance(value, str):
            if self.languages != ("en",):
                self.error(item, f"'{name}' needs a text in each of {', '.join(self.languages)}")
            return Text(en=value.strip())
        if not isinstance(value, Mapping):
            self.error(item, f"'{name}' must be text, or a text per language")
            return Text()
        undeclared = sorted(set(value) - set(self.languages))
        if undeclared:
            self.error(
                item,
                f"'{name}' has languages {undeclared} that the bank does not declare"
                f" (languages: {', '.join(self.languages)})",
            )
        texts: dict[str, str] = {}
        for language in self.languages:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.error(item, f"'{name}' has no {language} text")
                continue
            texts[language] = text.strip()
        return Text(**texts)

    def languages_of(self, root: Mapping[str, Any]) -> tuple[str, ...]:
        value = root.get("languages", ["en"])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            self.error("questionnaire", "'languages' must be a list such as [en, nl, fr]")
            return ("en",)
        unknown = [code for code in value if code not in LANGUAGES]
        if unknown:
            self.error(
                "questionnaire",
                f"languages {unknown} are not among the app's languages {', '.join(LANGUAGES)}",
            )
        if "en" not in value or len(set(value)) != len(value):
            self.error("questionnaire", "'languages' must list en, and each language once")
        return tuple(code for code in LANGUAGES if code in value)

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
    reader.languages = reader.languages_of(root)
    capacity_bank, rules = _read_rules(reader, root)
    spec = BankSpec(
        key=str(key),
        version=version or 1,
        title=reader.text(root, "title", "questionnaire", required=True),
        description=reader.text(root, "description", "questionnaire", required=False),
        languages=reader.languages,
        stages=tuple(_read_stages(reader, root)),
        dimensions=tuple(_read_dimensions(reader, root)),
        capacity_bank=capacity_bank,
        rules=tuple(rules),
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
                group=str(option_data.get("group") or ""),
                automated=reader.boolean(option_data, "automated", option_item, False),
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


def _read_rules(reader: _Reader, root: Mapping[str, Any]) -> tuple[str, list[ConsistencyRuleSpec]]:
    """The file's `consistency_rules`: the key of the capacity bank and the rules."""
    if root.get("consistency_rules") is None:
        return "", []
    block = reader.mapping(root["consistency_rules"], "consistency_rules")
    capacity_bank = block.get("capacity_bank")
    if not isinstance(capacity_bank, str) or not CODE_PATTERN.match(capacity_bank):
        reader.error(
            "consistency_rules",
            f"capacity_bank {capacity_bank!r} must be the key of the Session 1 bank",
        )
        capacity_bank = ""
    rules = []
    for number, raw in enumerate(reader.items(block, "rules", "consistency_rules"), start=1):
        data = reader.mapping(raw, f"rule #{number}")
        code = reader.code(data, f"rule #{number}")
        item = f"rule {code}"
        rules.append(
            ConsistencyRuleSpec(
                code=code,
                severity=str(data.get("severity", "")),
                demand=_read_rule_condition(reader, data, "demand", item),
                capacity=_read_rule_condition(reader, data, "capacity", item),
                title=reader.text(data, "title", item, required=True),
                explanation=reader.text(data, "explanation", item, required=True),
                recommendation=reader.text(data, "recommendation", item, required=True),
            )
        )
    return capacity_bank, rules


def _read_rule_condition(
    reader: _Reader, data: Mapping[str, Any], name: str, item: str
) -> RuleConditionSpec:
    condition = reader.mapping(data.get(name), f"{item} {name}")
    subjects = [subject for subject in ("question", "dimension") if subject in condition]
    if len(subjects) != 1:
        reader.error(f"{item} {name}", "needs either a 'question' or a 'dimension', not both")
        return RuleConditionSpec(subject="", code="")
    bounds: dict[str, int | None] = {}
    for bound in ("min", "max"):
        bounds[bound] = None
        if condition.get(bound) is not None:
            bounds[bound] = reader.integer(condition, bound, f"{item} {name}")
    return RuleConditionSpec(
        subject=subjects[0],
        code=str(condition[subjects[0]]),
        min=bounds["min"],
        max=bounds["max"],
    )
