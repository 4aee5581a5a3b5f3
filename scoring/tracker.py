"""Who has answered: per city and department, each officer's state in a round (invited, joined,
in progress, submitted) and the last reminder they were sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from surveys.answers import answers_by_response
from surveys.models import Invitation, Membership, Reminder, Response, Round
from surveys.structure import bank_for, response_percent


@dataclass(frozen=True)
class TrackerRow:
    city: str
    city_slug: str
    department: str
    officer: str
    response_id: int | None
    submitted: bool
    percent: int
    last_activity: datetime | None
    reopened_at: datetime | None = None
    reopened_by: str = ""
    officer_id: int | None = None
    # Invited and not joined yet: the account has no password until its link is used.
    invited: bool = False
    has_email: bool = True
    last_reminder: datetime | None = None

    @property
    def state(self) -> str:
        if self.response_id is None:
            return "invited" if self.invited else "joined"
        return "submitted" if self.submitted else "in progress"

    @property
    def can_be_reminded(self) -> bool:
        """Reminders go to officers with an e-mail address who have not submitted."""
        return self.has_email and not self.submitted


STATES = ("submitted", "in progress", "joined", "invited")


@dataclass(frozen=True)
class Tracker:
    round: Round
    rows: list[TrackerRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    def to_remind_by_city(self) -> list[tuple[str, str, int]]:
        """(slug, name, officers) of each city with officers who could be reminded, by name."""
        counts: dict[tuple[str, str], int] = {}
        for row in self.rows:
            if row.can_be_reminded:
                key = (row.city_slug, row.city)
                counts[key] = counts.get(key, 0) + 1
        return [(slug, name, count) for (slug, name), count in counts.items()]

    def in_state(self, state: str) -> list[TrackerRow]:
        """The rows of officers in ``state`` (one of STATES), or every row for any other."""
        if state not in STATES:
            return self.rows
        return [row for row in self.rows if row.state == state]


def tracker_for(round: Round) -> Tracker:
    """Every officer of every participating city, with their response, whether they have joined
    and their last reminder (three queries).

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
    last_reminder = Reminder.objects.filter(round=round, officer=OuterRef("user_id")).order_by(
        "-sent_at"
    )
    memberships = (
        Membership.objects.filter(city__in=round.cities.all())
        .annotate(
            invited=Exists(Invitation.objects.filter(user=OuterRef("user_id")).pending()),
            last_reminder=Subquery(last_reminder.values("sent_at")[:1]),
        )
        .order_by("city__name", "department", "user__username")
        .values_list(
            "user_id",
            "city__name",
            "city__slug",
            "department",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__email",
            "invited",
            "last_reminder",
        )
    )
    rows = []
    for (
        user_id,
        city,
        city_slug,
        department,
        username,
        first_name,
        last_name,
        email,
        invited,
        reminded,
    ) in memberships:
        officer = f"{first_name} {last_name}".strip() or username  # User.get_full_name()
        person = {
            "city": city,
            "city_slug": city_slug,
            "department": department,
            "officer": officer,
            "officer_id": user_id,
            "invited": invited,
            "has_email": bool(email),
            "last_reminder": reminded,
        }
        response = responses.get(user_id)
        if response is None:
            rows.append(
                TrackerRow(
                    **person,
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
                **person,
                response_id=pk,
                submitted=submitted,
                percent=response_percent(bank, answers.get(pk, {}), submitted=submitted),
                last_activity=updated_at,
                reopened_at=reopened_at,
                reopened_by=reopened_by or "",
            )
        )
    return Tracker(round=round, rows=rows)


@dataclass(frozen=True)
class ResponseCounts:
    drafts: int
    submitted: int


def response_counts(round: Round) -> ResponseCounts:
    """How many of the round's responses are drafts and how many are submitted (one query):
    what closing or opening the round again changes, told before a facilitator confirms."""
    counts = Response.objects.filter(round=round).aggregate(
        drafts=Count("pk", filter=Q(status=Response.Status.DRAFT)),
        submitted=Count("pk", filter=Q(status=Response.Status.SUBMITTED)),
    )
    return ResponseCounts(**counts)
