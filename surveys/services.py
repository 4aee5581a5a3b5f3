"""Writes to responses: start, save answers (with optimistic locking), submit and reopen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from surveys.answers import Answers, answers_load
from surveys.confirmations import confirmation_send
from surveys.models import Answer, AnswerChange, Exchange, Membership, Response, Round
from surveys.selectors import membership_for
from surveys.signals import response_reopened, response_submitted
from surveys.structure import AnswerValue, ExchangeValue, Progress, bank_for, progress_for

EMPTY_ANSWER = AnswerValue()
_ANSWER_COLUMNS = [
    "option",
    "number",
    "text",
    "comment",
    "evidence_url",
    "updated_at",
    "language",
]


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
    """The officer's one response to a round, created on first visit (also when two tabs
    make the first visit at once)."""
    response, _created = Response.objects.get_or_create(
        round=round,
        respondent=membership.user,
        defaults={"city": membership.city, "department": membership.department},
    )
    return response


@dataclass(frozen=True)
class SaveResult:
    response: Response
    answers: Answers  # every stored answer of the response after this save


def answers_save(
    *,
    response: Response,
    values: Mapping[int, AnswerValue],
    expected_version: int,
    by: User,
    before: Answers | None = None,
) -> SaveResult:
    """Write the answers that changed, or refuse if the response moved on since it was read.

    The save claims ``expected_version`` of an editable response (its row stays locked until
    the save commits, so saves of one response queue), then writes the changed answers and
    their history. ``before`` holds the stored answers at ``response.version``, when the
    caller read them with the response; otherwise they are read once the version is claimed.
    """
    if response.pk is None:  # never started: a closed round's pages show an unsaved one
        _refuse(response)
    _refuse_unless_theirs(response, by)
    if response.version != expected_version:  # the page is older than the response in hand
        return _retried_or_refused(response, values, expected_version, stored=before)
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Response.objects.editable()
            .filter(pk=response.pk, version=expected_version)
            .update(version=F("version") + 1, updated_at=now)
        )
        if not claimed:
            current = Response.objects.select_related("round").get(pk=response.pk)
            return _retried_or_refused(current, values, expected_version)
        if before is None:
            before = answers_load(response)
        changed = {
            qid: value for qid, value in values.items() if before.get(qid, EMPTY_ANSWER) != value
        }
        _answers_write(response, before, changed, by=by, at=now)
    response.version = expected_version + 1
    response.updated_at = now
    after = {qid: value for qid, value in {**before, **changed}.items() if not value.is_empty}
    return SaveResult(response=response, answers=after)


def _answers_write(
    response: Response,
    before: Mapping[int, AnswerValue],
    changed: Mapping[int, AnswerValue],
    *,
    by: User,
    at: datetime,
) -> None:
    """Store the ``changed`` answers (by question id; empty ones are deleted), their ticked
    options and exchange rows, and one history row per answer whose stored value changes."""
    cleared = [qid for qid, value in changed.items() if value.is_empty and qid in before]
    if cleared:
        Answer.objects.filter(response=response, question_id__in=cleared).delete()
    kept = {qid: value for qid, value in changed.items() if not value.is_empty}
    if kept:
        rows = Answer.objects.bulk_create(
            [answer_row(response, qid, value, at) for qid, value in kept.items()],
            update_conflicts=True,
            unique_fields=["response", "question"],
            update_fields=_ANSWER_COLUMNS,
        )
        pairs = {
            row.pk: (before.get(row.question_id, EMPTY_ANSWER), kept[row.question_id])
            for row in rows
        }
        _choices_write(pairs)
        _exchanges_write(pairs)
    AnswerChange.objects.bulk_create(
        AnswerChange(
            response=response,
            question_id=qid,
            changed_by=by,
            changed_at=at,
            old_value=old,
            new_value=new,
        )
        for qid, (old, new) in _history(before, changed)
    )


def answer_row(response: Response, question_id: int, value: AnswerValue, at: datetime) -> Answer:
    """The (unsaved) Answer row holding one typed value; its ticked options go separately."""
    return Answer(
        response=response,
        question_id=question_id,
        option_id=value.option_id,
        number=value.number,
        text=value.text,
        comment=value.comment,
        evidence_url=value.evidence_url,
        updated_at=at,
        language=translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        ),
    )


def _choices_write(answers: Mapping[int, tuple[AnswerValue, AnswerValue]]) -> None:
    """Tick and untick options of multiple-choice answers (by answer id: before and after)."""
    through = Answer.choices.through
    unticked = Q()
    ticked = []
    for answer_id, (old, new) in answers.items():
        gone = set(old.choice_ids) - set(new.choice_ids)
        if gone:
            unticked |= Q(answer_id=answer_id, option_id__in=sorted(gone))
        ticked += [
            through(answer_id=answer_id, option_id=option_id)
            for option_id in sorted(set(new.choice_ids) - set(old.choice_ids))
        ]
    if unticked:
        through.objects.filter(unticked).delete()
    if ticked:
        through.objects.bulk_create(ticked, ignore_conflicts=True)


def _exchanges_write(answers: Mapping[int, tuple[AnswerValue, AnswerValue]]) -> None:
    """Replace the exchange rows of data-exchanges answers whose rows changed (by answer id:
    before and after); the rows are few, and their order is the officer's."""
    changed = {
        answer_id: new.exchanges
        for answer_id, (old, new) in answers.items()
        if old.exchanges != new.exchanges
    }
    if not changed:
        return
    Exchange.objects.filter(answer_id__in=sorted(changed)).delete()
    Exchange.objects.bulk_create(
        row
        for answer_id, exchanges in changed.items()
        for row in exchange_rows(answer_id, exchanges)
    )


def exchange_rows(answer_id: int, exchanges: Iterable[ExchangeValue]) -> list[Exchange]:
    """The (unsaved) Exchange rows of one data-exchanges answer, in the officer's order."""
    return [
        Exchange(
            answer_id=answer_id,
            position=position,
            direction=exchange.direction,
            partner_department=exchange.partner_department,
            partner_id=exchange.partner_id,
            means_id=exchange.means_id,
            frequency_id=exchange.frequency_id,
        )
        for position, exchange in enumerate(exchanges, start=1)
    ]


Snapshot = dict[str, object] | None


def _history(
    before: Mapping[int, AnswerValue], after: Mapping[int, AnswerValue]
) -> Iterable[tuple[int, tuple[Snapshot, Snapshot]]]:
    """The snapshots before and after of each answer whose stored form changes."""
    for question_id, value in after.items():
        old = before.get(question_id)
        old_snapshot = None if old is None or old.is_empty else old.snapshot()
        new_snapshot = None if value.is_empty else value.snapshot()
        if old_snapshot != new_snapshot:
            yield question_id, (old_snapshot, new_snapshot)


def _retried_or_refused(
    current: Response,
    values: Mapping[int, AnswerValue],
    expected_version: int,
    *,
    stored: Answers | None = None,
) -> SaveResult:
    """A save on a version older than ``current`` (the response as last read, with its
    ``stored`` answers if they were read with it). The same save again, after the reply to
    the first one was lost (``current`` is the version that save produced, and holds these
    values), counts as saved, so the page goes on; any other is refused (`_refuse`)."""
    if current.is_editable and current.version == expected_version + 1:
        if stored is None:
            stored = answers_load(current)
        if all(stored.get(qid, EMPTY_ANSWER) == value for qid, value in values.items()):
            return SaveResult(response=current, answers=stored)
    _refuse(current)


def _refuse_unless_theirs(response: Response, by: User) -> None:
    """Only the officer writes their response, and only while they belong to its city."""
    if not response.belongs_to(membership_for(by)):
        raise ResponseLocked(
            _("This response stays with %(city)s: you can no longer change it.")
            % {"city": response.city.name}
        )


def _refuse(response: Response) -> NoReturn:
    """Why a save cannot be made on ``response`` as last read: it is submitted or its round
    closed (locked), or another save moved it on (stale)."""
    if not response.is_editable:
        raise ResponseLocked(_("This response can no longer be changed."))
    raise StaleResponse(response)


@transaction.atomic
def response_submit(*, response: Response, by: User, answers: Answers | None = None) -> Response:
    """Submit a complete response and score it, once: a repeated submit changes nothing.

    The response is submitted if it is still the version the caller read (with ``answers``
    at that version, if the caller read them too). If it has moved on (another tab saved or
    submitted, the round closed) it is locked and read again to decide. Scoring happens in
    the receivers of `response_submitted`, inside this transaction.
    """
    if response.pk is None:  # never started: a closed round's pages show an unsaved one
        raise ResponseLocked(_("This round is closed."))
    _refuse_unless_theirs(response, by)
    if response.is_editable and _submit_version(response, by, answers):
        return response
    locked = (
        Response.objects.select_for_update(of=("self",))
        .select_related("round__questionnaire")
        .get(pk=response.pk)
    )
    if locked.is_submitted:
        return locked
    if not locked.is_editable:
        raise ResponseLocked(_("This round is closed."))
    _submit_version(locked, by, None)  # its row is locked: the claim cannot miss
    return locked


def _submit_version(response: Response, by: User, answers: Answers | None) -> bool:
    """Submit this version of a draft if it is complete, and tell the receivers; False (with
    nothing written) if the stored response is no longer this version of an editable draft."""
    bank = bank_for(response.round.questionnaire)
    if answers is None:
        answers = answers_load(response)
    progress = progress_for(bank, answers)
    if not progress.is_complete:
        raise ResponseIncomplete(progress)
    now = timezone.now()
    claimed = (
        Response.objects.editable()
        .filter(pk=response.pk, version=response.version)
        .update(
            status=Response.Status.SUBMITTED,
            submitted_at=now,
            submitted_by=by,
            version=F("version") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return False
    response.status = Response.Status.SUBMITTED
    response.submitted_at = now
    response.submitted_by = by
    response.version += 1
    response.updated_at = now
    response_submitted.send(sender=Response, response=response, answers=answers, bank=bank)
    # Once the submit is stored; a mail server that fails is logged and changes nothing here.
    transaction.on_commit(
        partial(confirmation_send, response=response, answers=answers, bank=bank, to=by),
        robust=True,
    )
    return True


@transaction.atomic
def response_reopen(*, response: Response, by: User) -> Response:
    """Return a submitted response of an open round to draft (a facilitator's action,
    recorded); ResponseLocked in a closed round."""
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if not locked.is_submitted:
        return locked
    if not locked.round.is_open:
        # Its officer could not change it, and the round's stored result would move.
        raise ResponseLocked(_("This round is closed: open it again before reopening a response."))
    locked.status = Response.Status.DRAFT
    locked.reopened_at = timezone.now()
    locked.reopened_by = by
    locked.version += 1
    locked.save(update_fields=["status", "reopened_at", "reopened_by", "version"])
    response_reopened.send(sender=Response, response=locked)
    return locked


@transaction.atomic
def round_set_status(*, round: Round, status: str, by: User) -> Round:
    """Open or close a round (a facilitator's action, recorded with who and when): closed
    rounds are read-only. Asking for the status it already has changes nothing."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.status == status:
        return locked
    locked.status = status
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = by
    locked.full_clean()
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return locked


@transaction.atomic
def round_set_deadline(*, round: Round, deadline: date | None, by: User) -> Round:
    """Set or clear the day officers are asked to submit by (a facilitator's action); it falls
    between the round's opening and closing days (ValidationError otherwise)."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    locked.deadline = deadline
    locked.full_clean()
    locked.save(update_fields=["deadline"])
    return locked


@transaction.atomic
def round_set_capacity_round(*, round: Round, capacity_round: Round | None, by: User) -> Round:
    """Link a Session 2 round to the Session 1 round its consistency rules read (a facilitator's
    action), or unlink it (None): each city's latest Session 1 result is read then."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    locked.capacity_round = capacity_round
    locked.full_clean()
    locked.save(update_fields=["capacity_round"])
    return locked
