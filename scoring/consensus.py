"""A city's consensus: the answers its departments agree on after talking them through, recorded
by a facilitator beside each department's own, and the agreed result the engine scores from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import engine
from scoring.bridge import answer_value, engine_bank, engine_response
from scoring.divergence import MIN_LEVEL_GAP
from scoring.models import AgreedAnswer, Consensus
from scoring.results import CityReport, stage_at
from surveys.answers import answers_by_response
from surveys.models import City, Dimension, Question, Response, Round, Stage
from surveys.structure import AnswerValue, Bank, bank_for, visible_question_ids

# The questions a consensus settles: those answered by choosing (scored, or gates).
KINDS = frozenset({Question.Kind.SCALE, Question.Kind.YES_NO, Question.Kind.MULTI})


class ConsensusLocked(Exception):
    """The consensus cannot change: it is published."""


class StaleConsensus(Exception):
    """The save was made on an older version of the page (another tab saved first)."""


class ConsensusIncomplete(Exception):
    def __init__(self, missing: list[Question]) -> None:
        self.missing = missing
        super().__init__(_("Some questions have no agreed answer yet."))


@dataclass(frozen=True)
class DepartmentAnswer:
    """One submitted response's answer to a question, as the consensus page shows it."""

    department: str
    value: AnswerValue | None
    level: float | None  # 0..4 for a counted answer; None for don't know, n/a or unanswered


@dataclass(frozen=True)
class Agreed:
    """An agreed answer to store: the option (or practices) and why."""

    value: AnswerValue
    rationale: str = ""


@dataclass(frozen=True)
class ConsensusItem:
    """A question on the consensus page: every department's answer, and the agreed one."""

    question: Question
    dimension: Dimension
    answers: list[DepartmentAnswer]
    agreed: AgreedAnswer | None
    agreed_value: AnswerValue | None
    agreed_level: float | None

    @property
    def gap(self) -> float:
        """How far apart the departments' levels are (0 with fewer than two levels)."""
        levels = [a.level for a in self.answers if a.level is not None]
        return max(levels) - min(levels) if len(levels) >= 2 else 0.0

    @property
    def unanimous(self) -> AnswerValue | None:
        """The answer every department gave, when they all gave the same one."""
        given = {_choice(a.value) for a in self.answers if a.value is not None}
        if len(given) != 1 or len([a for a in self.answers if a.value is not None]) < 1:
            return None
        option_id, choice_ids = next(iter(given))
        if option_id is None and not choice_ids:
            return None
        return AnswerValue(option_id=option_id, choice_ids=choice_ids)

    @property
    def dissent(self) -> list[DepartmentAnswer]:
        """The departments whose own answer is two levels or more from the agreed one."""
        if self.agreed_level is None:
            return []
        return [
            a
            for a in self.answers
            if a.level is not None and abs(a.level - self.agreed_level) >= MIN_LEVEL_GAP
        ]


@dataclass(frozen=True)
class AgreedResult:
    """The engine's score of the agreed answers, with what it means for each dimension."""

    score: engine.ResponseScore
    next_steps: tuple[engine.NextStep, ...]
    dissent: dict[str, int]  # dimension code → answers two levels or more from the agreed one


def _choice(value: AnswerValue | None) -> tuple[int | None, tuple[int, ...]]:
    if value is None:
        return None, ()
    return value.option_id, tuple(sorted(value.choice_ids))


def consensus_of(round: Round, city: City) -> Consensus | None:
    return Consensus.objects.filter(round=round, city=city).first()


def consensus_get_or_create(*, round: Round, city: City) -> Consensus:
    consensus, _created = Consensus.objects.get_or_create(round=round, city=city)
    return consensus


def _value(row: AgreedAnswer) -> AnswerValue:
    """A stored agreed answer (its choices prefetched) as an answer value."""
    return AnswerValue(
        option_id=row.option_id, choice_ids=tuple(sorted(o.pk for o in row.choices.all()))
    )


def agreed_values(consensus: Consensus) -> dict[int, AnswerValue]:
    """The agreed answers by question id, as answer values (two queries)."""
    rows = AgreedAnswer.objects.filter(consensus=consensus).prefetch_related("choices")
    return {row.question_id: _value(row) for row in rows}


def consensus_items(round: Round, city: City, consensus: Consensus | None) -> list[ConsensusItem]:
    """The city's questions that a department answered, the most divergent first, each with
    every submitted response's answer and the agreed one (a few queries)."""
    bank = bank_for(round.questionnaire)
    responses = list(
        Response.objects.filter(round=round, city=city, status=Response.Status.SUBMITTED).order_by(
            "department", "pk"
        )
    )
    given = answers_by_response([r.pk for r in responses])
    visible = {r.pk: visible_question_ids(bank, given.get(r.pk, {})) for r in responses}
    agreed_rows = (
        {
            row.question_id: row
            for row in AgreedAnswer.objects.filter(consensus=consensus).prefetch_related("choices")
        }
        if consensus is not None
        else {}
    )
    agreed = {qid: _value(row) for qid, row in agreed_rows.items()}
    items = []
    for section in bank.sections:
        for question in section.questions:
            if question.kind not in KINDS:
                continue
            answers = [
                DepartmentAnswer(
                    response.department,
                    given.get(response.pk, {}).get(question.pk),
                    _level(bank, question, given.get(response.pk, {}).get(question.pk)),
                )
                for response in responses
                if question.pk in visible[response.pk]
            ]
            if not any(a.value is not None for a in answers):
                continue
            value = agreed.get(question.pk)
            items.append(
                ConsensusItem(
                    question=question,
                    dimension=section.dimension,
                    answers=answers,
                    agreed=agreed_rows.get(question.pk),
                    agreed_value=value,
                    agreed_level=_level(bank, question, value),
                )
            )
    # Stable: equally divergent questions keep the bank's order.
    items.sort(key=lambda item: -item.gap)
    return items


def _level(bank: Bank, question: Question, value: AnswerValue | None) -> float | None:
    counted, _flag = answer_value(bank, question, value)
    return None if counted is None else 4 * counted


@transaction.atomic
def consensus_save(
    *,
    consensus: Consensus,
    agreed: Mapping[int, Agreed],
    expected_version: int,
    by: User,
) -> Consensus:
    """Store agreed answers (by question id) on the version the page was loaded with; answers
    that did not change are left alone, so the history holds real changes only."""
    _claim(consensus, expected_version)
    current = {
        row.question_id: row
        for row in AgreedAnswer.objects.filter(consensus=consensus).prefetch_related("choices")
    }
    now = timezone.now()
    for question_id, item in agreed.items():
        row = current.get(question_id)
        choice_ids = tuple(sorted(item.value.choice_ids))
        if (
            row is not None
            and _value(row) == AnswerValue(option_id=item.value.option_id, choice_ids=choice_ids)
            and row.rationale == item.rationale
        ):
            continue
        row, _created = AgreedAnswer.objects.update_or_create(
            consensus=consensus,
            question_id=question_id,
            defaults={
                "option_id": item.value.option_id,
                "rationale": item.rationale,
                "agreed_by": by,
                "agreed_at": now,
            },
        )
        row.choices.set(choice_ids)
    consensus.refresh_from_db()
    return consensus


def consensus_accept_unanimous(
    *, consensus: Consensus, items: list[ConsensusItem], expected_version: int, by: User
) -> int:
    """Agree every question all departments answered alike and that has no agreed answer yet;
    the number agreed. Each one can be changed on the page afterwards."""
    accepted = {
        item.question.pk: Agreed(item.unanimous, _("All departments gave this answer."))
        for item in items
        if item.agreed is None and item.unanimous is not None
    }
    consensus_save(consensus=consensus, agreed=accepted, expected_version=expected_version, by=by)
    return len(accepted)


@transaction.atomic
def consensus_publish(
    *, consensus: Consensus, items: list[ConsensusItem], expected_version: int, by: User
) -> Consensus:
    """Publish, once every question a department answered has an agreed answer: the city's
    officers then read the agreed result beside their own."""
    missing = [item.question for item in items if item.agreed is None]
    if missing:
        raise ConsensusIncomplete(missing)
    _claim(consensus, expected_version)
    result = agreed_result(consensus, items)
    Consensus.objects.filter(pk=consensus.pk).update(
        status=Consensus.Status.PUBLISHED,
        published_at=timezone.now(),
        published_by=by,
        overall_score=result.score.overall_score,
        overall_stage=result.score.overall_stage,
    )
    consensus.refresh_from_db()
    return consensus


@transaction.atomic
def consensus_withdraw(*, consensus: Consensus, expected_version: int) -> Consensus:
    """Take a published consensus back to a draft, to correct it; officers no longer see it."""
    updated = Consensus.objects.filter(
        pk=consensus.pk, version=expected_version, status=Consensus.Status.PUBLISHED
    ).update(status=Consensus.Status.DRAFT, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise StaleConsensus
    consensus.refresh_from_db()
    return consensus


def _claim(consensus: Consensus, expected_version: int) -> None:
    """Claim the next version of a draft, or say why not."""
    updated = Consensus.objects.filter(
        pk=consensus.pk, version=expected_version, status=Consensus.Status.DRAFT
    ).update(version=F("version") + 1, updated_at=timezone.now())
    if updated:
        return
    if Consensus.objects.filter(pk=consensus.pk, status=Consensus.Status.PUBLISHED).exists():
        raise ConsensusLocked
    raise StaleConsensus


def agreed_result(consensus: Consensus, items: list[ConsensusItem]) -> AgreedResult:
    """The agreed answers scored by the same engine as every response, with next steps and the
    dissent counted per dimension."""
    bank = bank_for(consensus.round.questionnaire)
    values = {item.question.pk: item.agreed_value for item in items if item.agreed_value}
    rules = engine_bank(bank)
    score = engine.score_response(rules, engine_response(bank, "agreed", values))
    dissent: dict[str, int] = {section.dimension.code: 0 for section in bank.sections}
    for item in items:
        dissent[item.dimension.code] += len(item.dissent)
    return AgreedResult(
        score=score, next_steps=engine.next_steps(rules, score.dimensions), dissent=dissent
    )


def published_agreed_result(
    round: Round, city: City
) -> tuple[AgreedResult, list[ConsensusItem]] | None:
    """The city's agreed result in the round once published; None before."""
    consensus = (
        Consensus.objects.filter(round=round, city=city, status=Consensus.Status.PUBLISHED)
        .select_related("round__questionnaire")
        .first()
    )
    if consensus is None:
        return None
    items = consensus_items(round, city, consensus)
    return agreed_result(consensus, items), items


@dataclass(frozen=True)
class ComparedRow:
    """A dimension (or, with no code, the whole questionnaire) self-assessed and agreed."""

    code: str
    title: str
    self_score: float | None
    self_stage: Stage | None
    agreed_score: float | None
    agreed_stage: Stage | None
    dissent: int


def compared_rows(report: CityReport, agreed: AgreedResult) -> list[ComparedRow]:
    """The self-assessed result (the combination of the city's officers) beside the agreed one,
    per dimension, then overall."""
    stages = {stage.level: stage for stage in report.bank.stages}
    rows = [
        ComparedRow(
            code=row.code,
            title=row.title,
            self_score=row.score,
            self_stage=row.stage,
            agreed_score=agreed.score.dimension(row.code).score,
            agreed_stage=stage_at(stages, agreed.score.dimension(row.code).stage),
            dissent=agreed.dissent.get(row.code, 0),
        )
        for row in report.dimensions
    ]
    rows.append(
        ComparedRow(
            code="",
            title=_("Overall"),
            self_score=report.result.overall_score if report.result else None,
            self_stage=report.overall_stage,
            agreed_score=agreed.score.overall_score,
            agreed_stage=stage_at(stages, agreed.score.overall_stage),
            dissent=sum(agreed.dissent.values()),
        )
    )
    return rows


def agreed_context(round: Round, city: City, report: CityReport) -> dict[str, object]:
    """What the results page and the report show of the agreed result: nothing before it is
    published (or while the city has no self-assessed result to set it beside)."""
    published = published_agreed_result(round, city)
    if published is None or not report.has_result:
        return {}
    result, _items = published
    return {"agreed": result, "compared": compared_rows(report, result)}


def agreed_json(round: Round, city: City) -> dict[str, object] | None:
    """The published agreed result for results.json: scores by dimension and the agreed answer
    to each question, by codes; None before publication."""
    published = published_agreed_result(round, city)
    if published is None:
        return None
    result, items = published
    options = {o.pk: o.code for item in items for o in item.question.options.all()}
    return {
        "overall": {
            "score": _rounded(result.score.overall_score),
            "stage": result.score.overall_stage,
        },
        "dimensions": [
            {
                "code": dimension.dimension,
                "score": _rounded(dimension.score),
                "stage": dimension.stage,
                "dissent": result.dissent.get(dimension.dimension, 0),
            }
            for dimension in result.score.dimensions
        ],
        "answers": [
            {
                "question": item.question.code,
                "option": options.get(item.agreed_value.option_id or 0),
                "choices": [options[pk] for pk in item.agreed_value.choice_ids],
                "rationale": item.agreed.rationale if item.agreed else "",
                "dissenting_departments": [a.department for a in item.dissent],
            }
            for item in items
            if item.agreed_value is not None
        ],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def published_cities(round: Round) -> set[int]:
    """The ids of the cities whose agreed result is published in the round (one query)."""
    return set(
        Consensus.objects.filter(round=round, status=Consensus.Status.PUBLISHED).values_list(
            "city_id", flat=True
        )
    )
