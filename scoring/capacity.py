"""Check a city's mobility commitments (Session 2) against its data capacity (Session 1): which
consistency rules fire. Plain Python, like the engine: frozen dataclasses in, dataclasses out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import median


class Subject(StrEnum):
    """What a condition reads: the city's level on a question (0..4) or its stage in a dimension
    (1..5)."""

    QUESTION = "question"
    DIMENSION = "dimension"


class Severity(StrEnum):
    WARNING = "warning"
    NOTABLE = "notable"


@dataclass(frozen=True, slots=True)
class Condition:
    """Holds when the city's level or stage lies within [minimum, maximum], bounds included
    (None: unbounded on that side)."""

    subject: Subject
    code: str
    minimum: float | None = None
    maximum: float | None = None

    def holds(self, value: float | None) -> bool:
        # Nothing known (no answer, don't know, a hidden question, no score): no finding.
        if value is None:
            return False
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


@dataclass(frozen=True, slots=True)
class RuleDef:
    """A consistency rule: what Session 2 commits to (`demand`) beyond what Session 1 shows the
    city can carry (`capacity`, bounded from above only)."""

    code: str
    severity: Severity
    demand: Condition
    capacity: Condition


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """A city's figures in one session: its level per question code and stage per dimension
    code. Questions and dimensions without a figure are left out."""

    levels: Mapping[str, float] = field(default_factory=dict)
    stages: Mapping[str, int] = field(default_factory=dict)

    def value(self, condition: Condition) -> float | None:
        if condition.subject is Subject.QUESTION:
            return self.levels.get(condition.code)
        stage = self.stages.get(condition.code)
        return None if stage is None else float(stage)


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule: RuleDef
    demand_value: float
    capacity_value: float


def city_level(levels: Iterable[float]) -> float | None:
    """A city's level on a question from its officers' levels: their median (the middle
    officer's answer, so one outlier neither makes nor breaks a finding); None with none."""
    given = list(levels)
    return median(given) if given else None


def evaluate_rules(
    rules: Sequence[RuleDef], demand: SessionFacts | None, capacity: SessionFacts | None
) -> tuple[FiredRule, ...]:
    """The rules that fire for a city, warnings first, then in the given order. Nothing fires
    unless the city has figures in both sessions."""
    if demand is None or capacity is None:
        return ()
    fired = []
    for rule in rules:
        demand_value = demand.value(rule.demand)
        capacity_value = capacity.value(rule.capacity)
        if (
            demand_value is not None
            and capacity_value is not None
            and rule.demand.holds(demand_value)
            and rule.capacity.holds(capacity_value)
        ):
            fired.append(FiredRule(rule, demand_value, capacity_value))
    order = {Severity.WARNING: 0, Severity.NOTABLE: 1}
    fired.sort(key=lambda item: order[item.rule.severity])
    return tuple(fired)
