"""Who has answered: per city and department, each officer's response state in a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from surveys.models import City, Membership, Question, Response, Round


@dataclass(frozen=True)
class TrackerRow:
    city: City
    department: str
    officer: str
    response: Response | None
    percent: int

    @property
    def state(self) -> str:
        if self.response is None:
            return "not started"
        return "submitted" if self.response.is_submitted else "in progress"

    @property
    def last_activity(self) -> datetime | None:
        return self.response.updated_at if self.response else None


@dataclass(frozen=True)
class Tracker:
    round: Round
    rows: list[TrackerRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def tracker_for(round: Round) -> Tracker:
    """Every officer of every participating city, with their response (a fixed number of queries)."""
    required = Question.objects.filter(
        dimension__questionnaire=round.questionnaire_id, required=True, condition__isnull=True
    ).count()
    responses = {
        response.respondent_id: response
        for response in Response.objects.filter(round=round)
        .select_related("reopened_by")
        .annotate(
            answered=Count(
                "answers",
                filter=Q(
                    answers__question__required=True, answers__question__condition__isnull=True
                ),
            )
        )
    }
    memberships = (
        Membership.objects.filter(city__in=round.cities.all())
        .select_related("city", "user")
        .order_by("city__name", "department", "user__username")
    )
    rows = []
    for membership in memberships:
        response = responses.get(membership.user_id)
        answered = getattr(response, "answered", 0) if response else 0
        percent = 100 if response and response.is_submitted else _percent(answered, required)
        rows.append(
            TrackerRow(
                city=membership.city,
                department=membership.department,
                officer=membership.user.get_full_name() or membership.user.get_username(),
                response=response,
                percent=percent,
            )
        )
    return Tracker(round=round, rows=rows)


def _percent(part: int, whole: int) -> int:
    return min(100, (200 * part + whole) // (2 * whole)) if whole else 0
