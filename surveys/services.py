"""Writes to responses: start, save answers (with optimistic locking), submit and reopen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.services import response_score_discard, response_score_store
from surveys.answers import answers_load
from surveys.models import Answer, AnswerChange, Membership, Response, Round
from surveys.structure import AnswerValue, Bank, Progress, bank_for, progress_for


class ResponseLocked(Exception):
    """The response cannot change: it is submitted or its round is closed."""


class StaleResponse(Exception):
    """The save was based on an older version of the response (another tab saved first)."""

    def __init__(self, response: Response) -> None:
        self.response = response
        super().__init__(_("This response was changed elsewhere since this page was loaded."))


class ResponseIncomplete(Exception):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        super().__init__(_("Some required questions are not answered yet."))


def response_get_or_create(*, round: Round, membership: Membership) -> Response:
    """The officer's one response to a round, created on first visit."""
    response = Response.objects.filter(round=round, respondent=membership.user_id).first()
    if response is not None:
        return response
    try:
        with transaction.atomic():
            return Response.objects.create(
                round=round,
                city=membership.city,
                respondent=membership.user,
                department=membership.department,
            )
    except IntegrityError:
        # Two first visits at once (two tabs): the other request created it.
        return Response.objects.get(round=round, respondent=membership.user_id)


@dataclass(frozen=True)
class SaveResult:
    response: Response
    answers: dict[int, AnswerValue]  # every stored answer of the response after this save


def answer_row(response: Response, question_id: int, value: AnswerValue, now: datetime) -> Answer:
    """The (unsaved) Answer row holding one typed value; its multiple choices go separately."""
    return Answer(
        response=response,
        question_id=question_id,
        option_id=value.option_id,
        number=value.number,
        text=value.text,
        comment=value.comment,
        evidence_url=value.evidence_url,
        updated_at=now,
    )


@transaction.atomic
def answers_save(
    *,
    response: Response,
    values: Mapping[int, AnswerValue],
    expected_version: int,
    by: User,
) -> SaveResult:
    """Write the given answers in bulk, or refuse if the response moved on since it was read.

    A constant number of queries whatever the number of answers: lock, upsert, delete
    cleared answers, replace multi-choice rows, bump the version.
    """
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if not locked.is_editable:
        raise ResponseLocked(_("This response can no longer be changed."))
    if locked.version != expected_version:
        raise StaleResponse(locked)
    now = timezone.now()
    before = answers_load(locked)
    _record_changes(locked, before, values, by, now)
    kept = {qid: value for qid, value in values.items() if not value.is_empty}
    cleared = [qid for qid, value in values.items() if value.is_empty]
    if cleared:
        Answer.objects.filter(response=locked, question_id__in=cleared).delete()
    rows = Answer.objects.bulk_create(
        [answer_row(locked, qid, value, now) for qid, value in kept.items()],
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=["option", "number", "text", "comment", "evidence_url", "updated_at"],
    )
    through = Answer.choices.through
    if rows:
        through.objects.filter(answer__in=[row.pk for row in rows]).delete()
        through.objects.bulk_create(
            through(answer_id=row.pk, option_id=option_id)
            for row in rows
            for option_id in kept[row.question_id].choice_ids
        )
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=["version", "updated_at"])
    after = {qid: value for qid, value in before.items() if qid not in cleared}
    after.update(kept)
    return SaveResult(response=locked, answers=after)


def _record_changes(
    response: Response,
    before: Mapping[int, AnswerValue],
    after: Mapping[int, AnswerValue],
    by: User,
    now: datetime,
) -> None:
    """Write one history row per answer whose value actually changed (one query)."""
    changes = []
    for question_id, value in after.items():
        old = before.get(question_id)
        old_snapshot = None if old is None or old.is_empty else old.snapshot()
        new_snapshot = None if value.is_empty else value.snapshot()
        if old_snapshot != new_snapshot:
            changes.append(
                AnswerChange(
                    response=response,
                    question_id=question_id,
                    changed_by=by,
                    changed_at=now,
                    old_value=old_snapshot,
                    new_value=new_snapshot,
                )
            )
    AnswerChange.objects.bulk_create(changes)


@transaction.atomic
def response_submit(*, response: Response, by: User) -> Response:
    """Submit a complete response and score it, once: a repeated submit changes nothing."""
    locked = (
        Response.objects.select_for_update()
        .select_related("round__questionnaire")
        .get(pk=response.pk)
    )
    if locked.is_submitted:
        return locked
    if not locked.round.is_open:
        raise ResponseLocked(_("This round is closed."))
    bank = bank_for(locked.round.questionnaire)
    progress = progress_for(bank, answers_load(locked))
    if not progress.is_complete:
        raise ResponseIncomplete(progress)
    locked.status = Response.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by  # type: ignore[assignment]
    locked.version += 1
    locked.updated_at = locked.submitted_at
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "version", "updated_at"])
    _score_submitted(bank, locked)
    return locked


def _score_submitted(bank: Bank, response: Response) -> None:
    response_score_store(bank=bank, response=response)


@transaction.atomic
def response_reopen(*, response: Response, by: User) -> Response:
    """Return a submitted response to draft (a facilitator's action, recorded)."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if not locked.is_submitted:
        return locked
    locked.status = Response.Status.DRAFT
    locked.reopened_at = timezone.now()
    locked.reopened_by = by  # type: ignore[assignment]
    locked.version += 1
    locked.save(update_fields=["status", "reopened_at", "reopened_by", "version"])
    response_score_discard(response=locked)
    return locked


@transaction.atomic
def round_set_status(*, round: Round, status: str, by: User) -> Round:
    """Open or close a round (a facilitator's action): closed rounds are read-only."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    locked.status = status
    locked.full_clean()
    locked.save(update_fields=["status"])
    return locked
