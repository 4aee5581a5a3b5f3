"""Reminders to officers who have not submitted: each step before a round's deadline sent once per
officer (`send_reminders`), and a facilitator's reminder now."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from surveys.answers import answers_by_response
from surveys.emails import (
    SEND_ERRORS,
    absolute_url,
    deliver,
    email_to,
    mail_server,
    set_password_path,
)
from surveys.models import Invitation, Reminder, Response, Round
from surveys.structure import Progress, bank_for, progress_for

logger = logging.getLogger(__name__)

ON_THE_DAY = 0


@dataclass
class RemindersSent:
    """What a run did: reminders sent per step (None: a facilitator's), found already sent by
    another run, and not sent because the mail server failed (retried at the next run)."""

    sent: Counter[int | None] = field(default_factory=Counter)
    already_sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def reminder_steps() -> list[int]:
    """Days before the deadline at which officers are reminded, the day itself (0) last."""
    return sorted({*settings.REMINDER_DAYS_BEFORE, ON_THE_DAY}, reverse=True)


def step_reached(days_left: int, steps: Iterable[int]) -> int | None:
    """The step a deadline ``days_left`` days away has reached: the nearest step at or above it.

    A step passed before the round had a deadline (or before this run) is not made up for: a
    deadline set 5 days ahead reminds at once as the 7-day step, then at 2 days and on the day.
    None before the first step and after the deadline.
    """
    if days_left < 0:
        return None
    reached = [step for step in steps if step >= days_left]
    return min(reached) if reached else None


def officers_to_remind(round: Round) -> QuerySet[User]:
    """The active officers of the round's cities, with an e-mail address, who have not submitted
    (marked ``is_invited`` if they have not set a password yet)."""
    submitted = Response.objects.filter(
        round=round, respondent=OuterRef("pk"), status=Response.Status.SUBMITTED
    )
    invited = Invitation.objects.filter(user=OuterRef("pk")).pending()
    return (
        User.objects.filter(is_active=True, membership__city__in=round.cities.all())
        .exclude(email="")
        .exclude(Exists(submitted))
        .annotate(is_invited=Exists(invited))
        .select_related("membership__city", "profile")
        .order_by("pk")
    )


def reminders_send_due(*, today: date) -> RemindersSent:
    """Send every reminder due ``today`` (in the site's time zone) that no run has sent yet.

    Each is claimed before it is sent: its row (unique per round, officer and step) is written
    in a transaction that commits only once the mail server took the message. A run at the same
    time waits on that row and then finds it taken; a failed send leaves no row, so the next run
    tries again.
    """
    steps = reminder_steps()
    outcome = RemindersSent()
    rounds = Round.objects.filter(
        status=Round.Status.OPEN,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=steps[0]),
    ).select_related("questionnaire")
    for round_ in rounds:
        deadline = round_.deadline
        step = step_reached((deadline - today).days, steps) if deadline else None
        if step is None:
            continue
        taken = Reminder.objects.filter(round=round_, officer=OuterRef("pk"), days_before=step)
        officers = officers_to_remind(round_).exclude(Exists(taken))
        _remind(round_, list(officers), outcome, step=step, today=today)
    return outcome


def reminders_send_now(*, round: Round, officers: QuerySet[User], by: User) -> RemindersSent:
    """A facilitator's reminder, now, to ``officers`` (of `officers_to_remind`); recorded with no
    step, so it neither replaces nor counts as any of the scheduled ones."""
    outcome = RemindersSent()
    _remind(round, list(officers), outcome, step=None, today=timezone.localdate(), by=by)
    return outcome


def _remind(
    round: Round,
    officers: list[User],
    outcome: RemindersSent,
    *,
    step: int | None,
    today: date,
    by: User | None = None,
) -> None:
    progress = _progress_by_officer(round, officers)
    with mail_server() as connection:
        for officer in officers:
            message = reminder_email(
                round, officer, progress.get(officer.pk), today=today, step=step, by=by
            )
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        round=round, officer=officer, days_before=step, sent_by=by
                    )
                    deliver(message, connection)
            except IntegrityError:
                outcome.already_sent += 1
            except SEND_ERRORS:
                logger.exception("Reminder of %s to officer %s was not sent", round, officer.pk)
                outcome.failed += 1
            else:
                outcome.sent[step] += 1


def _progress_by_officer(round: Round, officers: list[User]) -> dict[int, Progress]:
    """The progress of each officer's draft, by user id (none for those who have not started)."""
    drafts = dict(
        Response.objects.filter(
            round=round, respondent__in=[officer.pk for officer in officers]
        ).values_list("pk", "respondent_id")
    )
    answers = answers_by_response(list(drafts))
    bank = bank_for(round.questionnaire)
    return {
        respondent: progress_for(bank, answers.get(response_id, {}))
        for response_id, respondent in drafts.items()
    }


def reminder_email(
    round: Round,
    officer: User,
    progress: Progress | None,
    *,
    today: date,
    step: int | None,
    by: User | None = None,
) -> EmailMultiAlternatives:
    """The reminder: the deadline and the days left, how far the officer got, and the link to
    carry on (to set a password first, for an officer who has not)."""
    invited = getattr(officer, "is_invited", False)
    context = {
        "round": round,
        "city": officer.membership.city,
        "days_left": (round.deadline - today).days if round.deadline else None,
        "progress": progress,
        "round_url": absolute_url(reverse("surveys:resume", args=[round.pk])),
        "set_password_url": absolute_url(set_password_path(officer)) if invited else "",
        "username": officer.get_username(),
        "facilitator": (by.get_full_name() or by.get_username()) if by else "",
    }
    # Scheduled reminders are automatic: auto-replies and out-of-office messages stay away.
    headers = {"Auto-Submitted": "auto-generated"} if step is not None else {}
    return email_to(officer, "reminder", context, reply_to=by.email if by else "", headers=headers)
