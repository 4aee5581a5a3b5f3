"""Who has answered: per city and department, each officer's response state in a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from surveys.answers import answers_by_response
from surveys.models import Membership, Response, Round
from surveys.structure import bank_for, response_percent


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
    """Every officer of every participating city, with their response (three queries).

    Plain values rather than model rows: a round of 200 cities has some 800 officers. The
    share answered is `response_percent`'s, as on the officer's own pages.
    """
    bank = bank_for(round.questionnaire)
    responses = {
        response.respondent_id: response
        for response in Response.objects.filter(round=round)
        .select_related("reopened_by")
        .only(
            "respondent_id",
            "status",
            "updated_at",
            "reopened_at",
            "reopened_by__username",
        )
    }
    drafts = [r.pk for r in responses.values() if not r.is_submitted]
    answers = answers_by_response(drafts) if drafts else {}
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
        rows.append(
            TrackerRow(
                city=city,
                department=department,
                officer=officer,
                response_id=response.pk,
                submitted=response.is_submitted,
                percent=response_percent(bank, response, answers.get(response.pk, {})),
                last_activity=response.updated_at,
                reopened_at=response.reopened_at,
                reopened_by=response.reopened_by.username if response.reopened_by else "",
            )
        )
    return Tracker(round=round, rows=rows)
