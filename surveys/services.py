"""Writes to responses: start, save answers (with optimistic locking), submit and reopen."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.services import response_score_discard, response_submit_scored
from surveys.answers import Answers, answers_load, answers_with_version
from surveys.models import Answer, Membership, Response, Round
from surveys.save_sql import Snapshot, answers_write
from surveys.structure import AnswerValue, Progress, bank_for, progress_for

EMPTY_ANSWER = AnswerValue()


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


def answers_save(
    *,
    response: Response,
    values: Mapping[int, AnswerValue],
    expected_version: int,
    by: User,
    before: Answers | None = None,
) -> SaveResult:
    """Write the answers that changed, or refuse if the response moved on since it was read.

    ``before`` holds the stored answers at ``response.version``, when the caller read them with
    the response (officer pages do, in one query); otherwise they are read here, with the
    version. The save is one statement (surveys/save_sql.py), whatever the number of answers.
    """
    if before is None:
        response.version, before = answers_with_version(response)
    now = timezone.now()
    changed = {
        qid: value for qid, value in values.items() if before.get(qid, EMPTY_ANSWER) != value
    }
    kept = {qid: value for qid, value in changed.items() if not value.is_empty}
    cleared = [qid for qid, value in changed.items() if value.is_empty and qid in before]
    claimed = expected_version == response.version and answers_write(
        response_id=response.pk,
        version=response.version,
        before=before,
        kept=kept,
        cleared=cleared,
        changes=_history(before, changed),
        by_id=by.pk,
        at=now,
    )
    if not claimed:
        _refuse(response, read_again=expected_version == response.version)
    response.version += 1
    response.updated_at = now
    after = {qid: value for qid, value in before.items() if qid not in cleared}
    after.update(kept)
    return SaveResult(response=response, answers=after)


def _refuse(response: Response, *, read_again: bool) -> NoReturn:
    """Why a save was not made: the response is submitted or its round closed (locked), or
    another save moved it on (stale). ``read_again`` when it changed since the caller read it."""
    current = response
    if read_again:
        current = Response.objects.select_related("round").get(pk=response.pk)
    if not current.is_editable:
        raise ResponseLocked(_("This response can no longer be changed."))
    raise StaleResponse(current)


def _history(
    before: Mapping[int, AnswerValue], after: Mapping[int, AnswerValue]
) -> dict[int, tuple[Snapshot, Snapshot]]:
    """The snapshots before and after of each answer whose stored form changes."""
    changes = {}
    for question_id, value in after.items():
        old = before.get(question_id)
        old_snapshot = None if old is None or old.is_empty else old.snapshot()
        new_snapshot = None if value.is_empty else value.snapshot()
        if old_snapshot != new_snapshot:
            changes[question_id] = (old_snapshot, new_snapshot)
    return changes


@transaction.atomic
def response_submit(*, response: Response, by: User, answers: Answers | None = None) -> Response:
    """Submit a complete response and score it, once: a repeated submit changes nothing.

    The response as the caller read it (with its ``answers`` at that version, if the caller
    read them too) is submitted if it is still that version of a draft (no lock, so a submit
    fits its query budget); if it has moved on (another tab saved or submitted, the round
    closed) it is locked and read again to decide.
    """
    if response.is_editable:
        submitted = _score_submitted(response, by, answers)
        if submitted is not None:
            return submitted
    locked = (
        Response.objects.select_for_update()
        .select_related("round__questionnaire")
        .get(pk=response.pk)
    )
    if locked.is_submitted:
        return locked
    if locked.round.is_open:
        submitted = _score_submitted(locked, by)
        if submitted is not None:
            return submitted
    raise ResponseLocked(_("This round is closed."))


def _score_submitted(
    response: Response, by: User, answers: Answers | None = None
) -> Response | None:
    """Submit and score this version of a draft if it is complete; None if the stored
    response is no longer this version of a draft in an open round (nothing written then)."""
    bank = bank_for(response.round.questionnaire)
    if answers is None:
        answers = answers_load(response)
    progress = progress_for(bank, answers)
    if not progress.is_complete:
        raise ResponseIncomplete(progress)
    now = timezone.now()
    if not response_submit_scored(bank=bank, response=response, answers=answers, by=by, at=now):
        return None
    submitted = copy.copy(response)
    submitted.status = Response.Status.SUBMITTED
    submitted.submitted_at = now
    submitted.submitted_by = by  # type: ignore[assignment]
    submitted.version += 1
    submitted.updated_at = now
    return submitted


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
