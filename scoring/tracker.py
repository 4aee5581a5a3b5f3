"""Who has answered: per city and department, each officer's response state in a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from surveys.models import Answer, Membership, Response, Round
from surveys.structure import bank_for


@dataclass(frozen=True)
class TrackerRow:
    city: str
    department: str
    officer: str
    response_id: int | None
    submitted: bool
    percent: int
    last_activity: datetime | None
    reopened_at: datetime | None = None
    reopened_by: str = ""

    @property
    def state(self) -> str:
        if self.response_id is None:
            return "not started"
        return "submitted" if self.submitted else "in progress"


@dataclass(frozen=True)
class Tracker:
    round: Round
    rows: list[TrackerRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def tracker_for(round: Round) -> Tracker:
    """Every officer of every participating city, with their response (two queries).

    Plain values rather than model rows: a round of 200 cities has some 800 officers.
    """
    bank = bank_for(round.questionnaire)
    required = [q.pk for q in bank.questions() if q.required and q.condition_id is None]
    responses = {
        respondent_id: rest
        for respondent_id, *rest in Response.objects.filter(round=round)
        .annotate(answered=_required_answers(required))
        .values_list(
            "respondent_id",
            "pk",
            "status",
            "updated_at",
            "reopened_at",
            "reopened_by__username",
            "answered",
        )
    }
    memberships = (
        Membership.objects.filter(city__in=round.cities.all())
        .order_by("city__name", "department", "user__username")
        .values_list(
            "user_id",
            "city__name",
            "department",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
    )
    rows = []
    for user_id, city, department, username, first_name, last_name in memberships:
        officer = f"{first_name} {last_name}".strip() or username  # User.get_full_name()
        response = responses.get(user_id)
        if response is None:
            rows.append(
                TrackerRow(
                    city=city,
                    department=department,
                    officer=officer,
                    response_id=None,
                    submitted=False,
                    percent=0,
                    last_activity=None,
                )
            )
            continue
        pk, status, updated_at, reopened_at, reopened_by, answered = response
        submitted = status == Response.Status.SUBMITTED
        rows.append(
            TrackerRow(
                city=city,
                department=department,
                officer=officer,
                response_id=pk,
                submitted=submitted,
                percent=100 if submitted else _percent(answered, len(required)),
                last_activity=updated_at,
                reopened_at=reopened_at,
                reopened_by=reopened_by or "",
            )
        )
    return Tracker(round=round, rows=rows)


def _required_answers(required: list[int]) -> Case | Value:
    """A draft's answers to required, always-shown questions; submitted ones are 100 % anyway,
    so the database counts only drafts."""
    if not required:
        return Value(0)
    count = (
        Answer.objects.filter(response=OuterRef("pk"), question_id__in=required)
        .values("response")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Case(
        When(status=Response.Status.DRAFT, then=Coalesce(Subquery(count), 0)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _percent(part: int, whole: int) -> int:
    return min(100, (200 * part + whole) // (2 * whole)) if whole else 0
