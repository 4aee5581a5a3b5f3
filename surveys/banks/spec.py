"""A question bank as typed specs (what a bank file holds), and the errors found in one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

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
