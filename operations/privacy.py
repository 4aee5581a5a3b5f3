"""Personal data (GDPR): an officer's own data as JSON, erasure of a user, and retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from surveys.answers import answers_by_response
from surveys.models import (
    AnswerChange,
    Dimension,
    Invitation,
    Membership,
    Option,
    Profile,
    Question,
    Questionnaire,
    Recommendation,
    Reminder,
    Response,
    Stage,
)


def personal_data_export(user: User) -> dict[str, Any]:
    """Everything stored about this person: account, membership, answers, answer history,
    invitations and reminders."""
    membership = Membership.objects.select_related("city").filter(user=user).first()
    responses = list(Response.objects.filter(respondent=user).select_related("round"))
    answers = answers_by_response([r.pk for r in responses])
    history = AnswerChange.objects.filter(changed_by=user).select_related("question")
    return {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            # The language the person chose with the switcher ("" when they never chose one).
            "language": Profile.objects.filter(user=user).values_list("language", flat=True).first()
            or "",
        },
        "membership": (
            {"city": membership.city.name, "department": membership.department}
            if membership
            else None
        ),
        "responses": [
            {
                "round": response.round.title,
                "department": response.department,
                "status": response.status,
                "created_at": response.created_at.isoformat(),
                "submitted_at": response.submitted_at.isoformat()
                if response.submitted_at
                else None,
                "answers": [
                    {"question_id": question_id, **value.snapshot()}
                    for question_id, value in answers.get(response.pk, {}).items()
                ],
            }
            for response in responses
        ],
        "answer_history": [
            {
                "question": change.question.code,
                "changed_at": change.changed_at.isoformat(),
                "before": change.old_value,
                "after": change.new_value,
            }
            for change in history
        ],
        "invitations": [
            {
                "round": invitation.round.title,
                "invited_at": invitation.created_at.isoformat(),
                "joined_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
            }
            for invitation in Invitation.objects.filter(user=user).select_related("round")
        ],
        "reminders": [
            {
                "round": reminder.round.title,
                "sent_at": reminder.sent_at.isoformat(),
                "days_before_deadline": reminder.days_before,
            }
            for reminder in Reminder.objects.filter(officer=user).select_related("round")
        ],
    }


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Delete the account and every trace of the person's name and e-mail address.

    The city's answers stay (their respondent becomes empty: pseudonymised), because they are
    the city's assessment, not the person's."""
    identifiers = [value for value in (user.get_username(), user.email) if value]
    name_match = Q()
    for value in identifiers:
        name_match |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
    LogEntry.objects.filter(name_match).delete()
    # Typed log-in names keep whatever case the person used ("Erin", "ERIN"): match any case.
    username_match = Q(pk__in=[])
    for value in identifiers:
        username_match |= Q(username__iexact=value)
    AccessAttempt.objects.filter(username_match).delete()
    AccessLog.objects.filter(username_match).delete()
    AccessFailureLog.objects.filter(username_match).delete()
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    # Historical bank rows keep the change, not the person who made it.
    for model in _history_models():
        model.objects.filter(history_user=user).update(history_user=None)
    user.delete()


def _history_models() -> list[Any]:
    return [
        m.history.model for m in (Questionnaire, Stage, Dimension, Question, Option, Recommendation)
    ]


def personal_data_prune(*, older_than_days: int) -> dict[str, int]:
    """Retention: drop expired sessions and log-in records older than the given age."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    logs, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return {"sessions": sessions, "login_attempts": attempts, "login_logs": logs + failures}
