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


STATES = ("submitted", "in progress", "not started")


@dataclass(frozen=True)
class Tracker:
    round: Round
    rows: list[TrackerRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    def in_state(self, state: str) -> list[TrackerRow]:
        """The rows of officers in ``state`` (one of STATES), or every row for any other."""
        if state not in STATES:
            return self.rows
        return [row for row in self.rows if row.state == state]


def tracker_for(round: Round) -> Tracker:
    """Every officer of every participating city, with their response (three queries).

    Plain values rather than model rows: a round of 200 cities has some 800 officers. The
    share answered is `response_percent`'s, as on the officer's own pages.
    """
    bank = bank_for(round.questionnaire)
    responses = {
        respondent_id: (pk, status, updated_at, reopened_at, reopened_by)
        for respondent_id, pk, status, updated_at, reopened_at, reopened_by in (
            Response.objects.filter(round=round).values_list(
                "respondent_id",
                "pk",
                "status",
                "updated_at",
                "reopened_at",
                "reopened_by__username",
            )
        )
    }
    drafts = [pk for pk, status, *_ in responses.values() if status == Response.Status.DRAFT]
    answers = answers_by_response(drafts)  # no query for none: Django skips an empty IN
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
        pk, status, updated_at, reopened_at, reopened_by = response
        submitted = status == Response.Status.SUBMITTED
        rows.append(
            TrackerRow(
                city=city,
                department=department,
                officer=officer,
                response_id=pk,
                submitted=submitted,
                percent=response_percent(bank, answers.get(pk, {}), submitted=submitted),
                last_activity=updated_at,
                reopened_at=reopened_at,
                reopened_by=reopened_by or "",
            )
        )
    return Tracker(round=round, rows=rows)
