"""A question bank as typed specs (what a bank file holds), and the errors found in one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("scale", "yes_no", "multi", "number", "text", "exchanges")
SCORABLE_KINDS = frozenset({"scale", "yes_no", "multi"})
SPECIALS = ("dont_know", "not_applicable", "none")
# The lists a data-exchanges question's options form: its external partners, the means of
# exchange and the frequencies (the city's own departments come from its memberships).
OPTION_GROUPS = ("partner", "means", "frequency")
RECOMMENDATION_KINDS = ("skill", "tool", "practice")
RULE_SEVERITIES = ("warning", "notable")
RULE_SUBJECTS = ("question", "dimension")
STAGE_COUNT = 5
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# The languages a bank can carry, English first: settings.LANGUAGES, which the bank models'
# per-language columns follow (tests/surveys/test_bank_languages.py checks they agree).
LANGUAGES = ("en", "nl", "fr")


@dataclass(frozen=True)
class Text:
    """One displayed text of a bank in each language; blank where it is not (yet) translated.

    Codes, levels and weights are never translated, so answers and scores do not depend on the
    language an officer used.
    """

    en: str = ""
    nl: str = ""
    fr: str = ""

    def __str__(self) -> str:
        return self.en

    def __bool__(self) -> bool:
        return bool(self.en)

    def get(self, language: str) -> str:
        return str(getattr(self, language))

    def missing(self, languages: tuple[str, ...]) -> list[str]:
        """The languages among ``languages`` this text lacks (none for a blank optional text)."""
        if not self:
            return []
        return [language for language in languages if not self.get(language)]


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
    name: Text
    min_score: Decimal
    description: Text = Text()


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: Text
    level: int | None = None
    special: str = ""
    group: str = ""
    automated: bool = False


@dataclass(frozen=True)
class ConditionSpec:
    question: str
    option: str


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    text: Text
    help: Text = Text()
    required: bool = True
    weight: Decimal = Decimal(1)
    condition: ConditionSpec | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit: Text = Text()
    options: tuple[OptionSpec, ...] = ()

    @property
    def is_scored(self) -> bool:
        return self.kind in SCORABLE_KINDS and self.weight > 0


@dataclass(frozen=True)
class RecommendationSpec:
    stage: int
    kind: str
    title: Text
    body: Text = Text()


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    title: Text
    description: Text = Text()
    weight: Decimal = Decimal(1)
    questions: tuple[QuestionSpec, ...] = ()
    recommendations: tuple[RecommendationSpec, ...] = ()


@dataclass(frozen=True)
class RuleConditionSpec:
    """A consistency rule's condition: a question's level (0-4) or a dimension's stage (1-5)
    within min..max, bounds included (None: open on that side)."""

    subject: str  # "question" or "dimension"
    code: str
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class ConsistencyRuleSpec:
    """A commitment beyond capacity: `demand` is a condition on this bank (Session 2),
    `capacity` one on the bank named by the file's `capacity_bank` (Session 1)."""

    code: str
    severity: str
    demand: RuleConditionSpec
    capacity: RuleConditionSpec
    title: Text
    explanation: Text = Text()
    recommendation: Text = Text()


@dataclass(frozen=True)
class BankSpec:
    key: str
    version: int
    title: Text
    description: Text = Text()
    languages: tuple[str, ...] = ("en",)
    stages: tuple[StageSpec, ...] = ()
    dimensions: tuple[DimensionSpec, ...] = field(default_factory=tuple)
    capacity_bank: str = ""  # the key of the bank whose answers the rules' capacity reads
    rules: tuple[ConsistencyRuleSpec, ...] = ()

    def questions(self) -> list[QuestionSpec]:
        return [question for dimension in self.dimensions for question in dimension.questions]

    def texts(self) -> list[tuple[str, Text]]:
        """Every displayed text, each named by its item and field, in file order."""
        named = [
            ("questionnaire title", self.title),
            ("questionnaire description", self.description),
        ]
        for stage in self.stages:
            named += [(f"stage {stage.level} name", stage.name)]
            named += [(f"stage {stage.level} description", stage.description)]
        for dimension in self.dimensions:
            item = f"dimension {dimension.code}"
            named += [
                (f"{item} title", dimension.title),
                (f"{item} description", dimension.description),
            ]
            for question in dimension.questions:
                item = f"question {question.code}"
                named += [(f"{item} text", question.text), (f"{item} help", question.help)]
                named += [(f"{item} unit", question.unit)]
                named += [(f"{item} option {o.code} label", o.label) for o in question.options]
            for number, recommendation in enumerate(dimension.recommendations, start=1):
                item = f"dimension {dimension.code} recommendation #{number}"
                named += [
                    (f"{item} title", recommendation.title),
                    (f"{item} body", recommendation.body),
                ]
        for rule in self.rules:
            item = f"rule {rule.code}"
            named += [
                (f"{item} title", rule.title),
                (f"{item} explanation", rule.explanation),
                (f"{item} recommendation", rule.recommendation),
            ]
        return named
