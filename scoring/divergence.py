"""Where one city's departments disagree: questions answered two or more levels apart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scoring.bridge import answer_value
from scoring.engine import Flag
from surveys.answers import answers_by_response
from surveys.models import City, Question, Response, Round
from surveys.structure import bank_for, visible_question_ids

MIN_LEVEL_GAP = 2


@dataclass(frozen=True)
class DivergentQuestion:
    dimension: str
    question: Question
    levels: dict[
        str, float
    ]  # department → level 0..4 (mean when a department has several officers)

    @property
    def gap(self) -> float:
        return max(self.levels.values()) - min(self.levels.values())


@dataclass(frozen=True)
class Divergence:
    questions: list[DivergentQuestion]
    dont_know_share: dict[
        str, float
    ]  # department → share of scored questions answered "don't know"
    departments: list[str]


def divergence_for(round: Round, city: City) -> Divergence:
    """Compare the submitted responses of one city, per department (three queries)."""
    bank = bank_for(round.questionnaire)
    responses = list(
        Response.objects.filter(round=round, city=city, status=Response.Status.SUBMITTED)
    )
    answers = answers_by_response([r.pk for r in responses])
    levels: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    dont_know: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for response in responses:
        given = answers.get(response.pk, {})
        visible = visible_question_ids(bank, given)
        for question in bank.questions():
            if not question.is_scored or question.pk not in visible:
                continue
            value, flag = answer_value(bank, question, given.get(question.pk))
            counts = dont_know[response.department]
            counts[1] += 1
            if flag is Flag.DONT_KNOW:
                counts[0] += 1
            elif value is not None:
                levels[question.pk][response.department].append(4 * value)
    divergent = []
    for section in bank.sections:
        for question in section.questions:
            by_department = {
                department: sum(values) / len(values)
                for department, values in levels.get(question.pk, {}).items()
            }
            if (
                len(by_department) >= 2
                and max(by_department.values()) - min(by_department.values()) >= MIN_LEVEL_GAP
            ):
                divergent.append(
                    DivergentQuestion(
                        section.dimension.title, question, dict(sorted(by_department.items()))
                    )
                )
    divergent.sort(key=lambda item: -item.gap)
    return Divergence(
        questions=divergent,
        dont_know_share={d: (c[0] / c[1] if c[1] else 0.0) for d, c in sorted(dont_know.items())},
        departments=sorted(dont_know),
    )
