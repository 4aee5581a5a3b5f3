"""A published questionnaire's structure, cached in memory, with the visibility and progress rules."""

from __future__ import annotations

import string
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from surveys.models import (
    Dimension,
    Option,
    Question,
    Questionnaire,
    Recommendation,
    Stage,
)

_cache: dict[tuple[int, str], Bank] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class SectionView:
    dimension: Dimension
    questions: tuple[Question, ...]
    recommendations: tuple[Recommendation, ...]


@dataclass(frozen=True)
class Bank:
    """Everything about one questionnaire that pages and scoring need, read in one go."""

    questionnaire: Questionnaire
    stages: tuple[Stage, ...]
    sections: tuple[SectionView, ...]
    questions_by_id: dict[int, Question] = field(repr=False)
    options_by_id: dict[int, Option] = field(repr=False)
    numbering: Numbering = field(repr=False)

    def section(self, code: str) -> SectionView | None:
        return next((s for s in self.sections if s.dimension.code == code), None)

    def questions(self) -> Iterable[Question]:
        for section in self.sections:
            yield from section.questions

    def number(self, question: Question) -> str:
        """The question's number within its section: "2", or "2a" for a follow-up of 2."""
        return self.numbering.numbers[question.pk]

    def section_number(self, code: str) -> int:
        """A section's place in the questionnaire, from 1."""
        return next(i for i, s in enumerate(self.sections, start=1) if s.dimension.code == code)


@dataclass(frozen=True)
class Numbering:
    """How questions are numbered and counted, the one definition every page and export uses.

    In a section, each question without a condition is the next main question, numbered 1, 2,
    3…; a follow-up (a question with a condition) takes the number of the main question before
    it and a letter: 2a, 2b. A main question and its follow-ups are one *item*, counted once as
    a required answer (`progress_for`), so that the count does not grow when a follow-up appears.
    A follow-up that opens a section (its condition lies in an earlier one) is a main question.
    """

    numbers: dict[int, str]  # by question id
    item_of: dict[int, int]  # question id -> id of the main question of its item

    @classmethod
    def of(cls, sections: Iterable[SectionView]) -> Numbering:
        numbers: dict[int, str] = {}
        item_of: dict[int, int] = {}
        for section in sections:
            main: Question | None = None
            place = 0
            follow_ups = 0
            for question in section.questions:
                if main is None or question.condition_id is None:
                    main, place, follow_ups = question, place + 1, 0
                    numbers[question.pk] = str(place)
                else:
                    numbers[question.pk] = f"{place}{_letters(follow_ups)}"
                    follow_ups += 1
                item_of[question.pk] = main.pk
        return cls(numbers=numbers, item_of=item_of)


def _letters(index: int) -> str:
    """a, b, … z, then aa, ab, …: the letter of the ``index``-th follow-up (from 0)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def bank_for(questionnaire: Questionnaire) -> Bank:
    """The questionnaire's structure; published banks are immutable, so it is cached."""
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return _load(questionnaire)
    key = (questionnaire.pk, str(questionnaire.published_at))
    bank = _cache.get(key)
    if bank is None:
        bank = _load(questionnaire)
        with _cache_lock:
            _cache[key] = bank
    return bank


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _load(questionnaire: Questionnaire) -> Bank:
    dimensions = list(
        Dimension.objects.filter(questionnaire=questionnaire)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position", "id").prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("position", "id"))
                ),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.order_by("stage_level", "position", "id"),
            ),
        )
    )
    sections = tuple(
        SectionView(
            dimension=dimension,
            questions=tuple(dimension.questions.all()),
            recommendations=tuple(dimension.recommendations.all()),
        )
        for dimension in dimensions
    )
    questions_by_id = {q.pk: q for section in sections for q in section.questions}
    options_by_id = {o.pk: o for q in questions_by_id.values() for o in q.options.all()}
    return Bank(
        questionnaire=questionnaire,
        stages=tuple(Stage.objects.filter(questionnaire=questionnaire).order_by("level")),
        sections=sections,
        questions_by_id=questions_by_id,
        options_by_id=options_by_id,
        numbering=Numbering.of(sections),
    )


@dataclass(frozen=True)
class ExchangeValue:
    """One row of a data-exchanges answer: data the department receives from (``receives``)
    or gives to (``gives``) a partner, which is one of the city's departments by name or an
    external party (a partner option), by a means, so often (options)."""

    direction: str
    means_id: int
    frequency_id: int
    partner_department: str = ""
    partner_id: int | None = None

    def snapshot(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "partner_department": self.partner_department,
            "partner": self.partner_id,
            "means": self.means_id,
            "frequency": self.frequency_id,
        }


@dataclass(frozen=True)
class AnswerValue:
    """One question's answer as typed: the option(s) picked, a number or text, and notes."""

    option_id: int | None = None
    choice_ids: tuple[int, ...] = ()
    number: Decimal | None = None
    text: str = ""
    comment: str = ""
    evidence_url: str = ""
    exchanges: tuple[ExchangeValue, ...] = ()

    @property
    def is_empty(self) -> bool:
        return (
            not self.exchanges
            and self.option_id is None
            and not self.choice_ids
            and self.number is None
            and not self.text
            and not self.comment
            and not self.evidence_url
        )

    def snapshot(self) -> dict[str, object]:
        return {
            "option": self.option_id,
            "choices": list(self.choice_ids),
            "number": None if self.number is None else str(self.number),
            "text": self.text,
            "comment": self.comment,
            "evidence_url": self.evidence_url,
        } | ({"exchanges": [e.snapshot() for e in self.exchanges]} if self.exchanges else {})

    def chose(self, option_id: int) -> bool:
        return self.option_id == option_id or option_id in self.choice_ids


def is_answered(question: Question, value: AnswerValue | None) -> bool:
    if value is None:
        return False
    if question.kind in Question.CHOICE_KINDS:
        return value.option_id is not None
    if question.kind == Question.Kind.MULTI:
        return bool(value.choice_ids)
    if question.kind == Question.Kind.NUMBER:
        return value.number is not None
    if question.kind == Question.Kind.EXCHANGES:
        return bool(value.exchanges)
    return bool(value.text.strip())


def visible_question_ids(bank: Bank, answers: Mapping[int, AnswerValue]) -> set[int]:
    """Questions shown given the answers: a condition holds when its option was chosen on a
    question that is itself shown (conditions only point backwards, so one pass suffices)."""
    visible: set[int] = set()
    for question in bank.questions():
        condition = question.condition_id
        if condition is None:
            visible.add(question.pk)
            continue
        parent_id = bank.options_by_id[condition].question_id
        parent_answer = answers.get(parent_id)
        if parent_id in visible and parent_answer is not None and parent_answer.chose(condition):
            visible.add(question.pk)
    return visible


@dataclass(frozen=True)
class SectionProgress:
    code: str
    title: str
    answered: int
    required: int
    missing: tuple[Question, ...]

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.required

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)


@dataclass(frozen=True)
class Progress:
    sections: tuple[SectionProgress, ...]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def required(self) -> int:
        return sum(s.required for s in self.sections)

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)

    @property
    def is_complete(self) -> bool:
        return all(s.is_complete for s in self.sections)

    def first_incomplete(self) -> SectionProgress:
        return next((s for s in self.sections if not s.is_complete), self.sections[0])

    def section(self, code: str) -> SectionProgress:
        return next(s for s in self.sections if s.code == code)


def progress_for(
    bank: Bank, answers: Mapping[int, AnswerValue], visible: Collection[int] | None = None
) -> Progress:
    """Answered / required per section, counted by item (`Numbering`): an item with a required
    question shown is one required answer, answered once each required question of it that is
    shown is answered (``visible``: the ids that `visible_question_ids` gives, when the caller
    has them). ``missing`` lists the required questions shown and not answered."""
    if visible is None:
        visible = visible_question_ids(bank, answers)
    item_of = bank.numbering.item_of
    sections = []
    for section in bank.sections:
        items: dict[int, list[Question]] = {}
        for question in section.questions:
            if question.required and question.pk in visible:
                items.setdefault(item_of[question.pk], []).append(question)
        missing = tuple(
            question
            for questions in items.values()
            for question in questions
            if not is_answered(question, answers.get(question.pk))
        )
        unanswered_items = {item_of[question.pk] for question in missing}
        sections.append(
            SectionProgress(
                code=section.dimension.code,
                title=section.dimension.title,
                answered=len(items) - len(unanswered_items),
                required=len(items),
                missing=missing,
            )
        )
    return Progress(sections=tuple(sections))


def response_percent(bank: Bank, answers: Mapping[int, AnswerValue], *, submitted: bool) -> int:
    """The share of its required questions a response has answered, as every page shows it:
    `progress_for`'s, except that a submitted response is complete (submitting checks it), so
    its answers need not be read (``answers`` may then be empty)."""
    if submitted:
        return 100
    return progress_for(bank, answers).percent
