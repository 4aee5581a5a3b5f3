"""The report's appendix: every question of the round, with each department's answer, comment
and evidence link, read in two queries whatever the number of questions and answers."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.answers import answers_by_response
from surveys.models import City, Dimension, Question, Response, Round
from surveys.structure import AnswerValue, bank_for


@dataclass(frozen=True)
class AppendixAnswer:
    department: str
    value: AnswerValue | None  # None: the question was not answered (or not shown)


@dataclass(frozen=True)
class AppendixQuestion:
    question: Question
    answers: tuple[AppendixAnswer, ...]


@dataclass(frozen=True)
class AppendixSection:
    dimension: Dimension
    questions: tuple[AppendixQuestion, ...]


def report_appendix(round: Round, city: City) -> list[AppendixSection]:
    """The questionnaire in order, each question with the answer of every submitted response of
    the city (by department); questions nobody answered are listed too, marked unanswered."""
    bank = bank_for(round.questionnaire)
    responses = list(
        Response.objects.filter(round=round, city=city, status=Response.Status.SUBMITTED)
        .order_by("department", "pk")
        .only("pk", "department")
    )
    given = answers_by_response([response.pk for response in responses])
    return [
        AppendixSection(
            section.dimension,
            tuple(
                AppendixQuestion(
                    question,
                    tuple(
                        AppendixAnswer(
                            response.department, given.get(response.pk, {}).get(question.pk)
                        )
                        for response in responses
                    ),
                )
                for question in section.questions
            ),
        )
        for section in bank.sections
    ]
