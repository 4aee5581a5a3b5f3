"""Access-checked reads: what exists for a given user (officers see only their own city)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from surveys.answers import Answers, answers_by_response, answers_load
from surveys.models import City, Invitation, Membership, Response, Round
from surveys.structure import bank_for, response_percent

FACILITATE_PERMISSION = "surveys.facilitate_round"

AnyUser = User | AnonymousUser


def is_facilitator(user: AnyUser) -> bool:
    """Whether the user holds the facilitate_round permission, directly or through a group
    (Django's permission check: active superusers have it, inactive users never)."""
    return user.is_active and user.has_perm(FACILITATE_PERMISSION)


def signed_in(request: HttpRequest) -> User:
    """The request's user; every view outside the public allow-list has one (login required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def membership_for(user: AnyUser) -> Membership | None:
    """The user's city and department, or None (facilitators, admins, anonymous visitors)."""
    if not isinstance(user, User):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def city_departments(city_id: int) -> list[str]:
    """The city's department list: its officers' departments, and those its responses were
    given for (an officer who moved on leaves their department's response behind)."""
    members = Membership.objects.filter(city_id=city_id).values_list("department", flat=True)
    responders = Response.objects.filter(city_id=city_id).values_list("department", flat=True)
    return sorted(set(members.union(responders)))


def rounds_visible_to(user: AnyUser) -> QuerySet[Round]:
    """Rounds a user may open: all for facilitators, their city's for officers, none otherwise."""
    rounds = Round.objects.select_related("questionnaire")
    if is_facilitator(user):
        return rounds.all()
    membership = membership_for(user)
    if membership is None:
        return rounds.none()
    return rounds.filter(cities=membership.city_id)


@dataclass(frozen=True)
class RoundRow:
    round: Round
    response: Response | None
    percent: int = 0


def rounds_for_user(user: AnyUser) -> list[RoundRow]:
    """The home page's list: each visible round with the user's own response, if any, and the
    share of its required questions answered."""
    rounds = list(rounds_visible_to(user).order_by("-opens_on", "title"))
    responses = {
        response.round_id: response
        for response in Response.objects.filter(respondent=user.pk, round__in=rounds)
    }
    drafts = [response.pk for response in responses.values() if not response.is_submitted]
    answers = answers_by_response(drafts)  # no query for none: Django skips an empty IN
    rows = []
    for round_ in rounds:
        response = responses.get(round_.pk)
        percent = 0
        if response is not None:
            bank = bank_for(round_.questionnaire)
            given = answers.get(response.pk, {})
            percent = response_percent(bank, given, submitted=response.is_submitted)
        rows.append(RoundRow(round=round_, response=response, percent=percent))
    return rows


@dataclass(frozen=True)
class CitySubmissions:
    city: City
    officers: int
    submitted: int


@dataclass(frozen=True)
class RoundOverview:
    """A round as a facilitator's home page lists it: each city's officers and how many of
    them have submitted."""

    round: Round
    cities: list[CitySubmissions]

    @property
    def officers(self) -> int:
        return sum(city.officers for city in self.cities)

    @property
    def submitted(self) -> int:
        return sum(city.submitted for city in self.cities)


def round_overviews(user: AnyUser) -> list[RoundOverview]:
    """Every round a facilitator may open, newest first, with its cities' submissions (three
    queries, whatever the number of rounds and cities).

    An officer counts as submitted as on the completion tracker: a member of the city today
    whose response to the round is submitted.
    """
    rounds = list(
        rounds_visible_to(user).select_related("status_changed_by").order_by("-opens_on", "title")
    )
    participations = (
        Round.cities.through.objects.filter(round__in=rounds)
        .select_related("city")
        .order_by("city__name")
    )
    has_submitted = Response.objects.filter(
        round=OuterRef("city__rounds"),
        respondent=OuterRef("user"),
        status=Response.Status.SUBMITTED,
    )
    counts = {
        (round_id, city_id): (officers, submitted)
        for round_id, city_id, officers, submitted in Membership.objects.filter(
            city__rounds__in=rounds
        )
        .values("city__rounds", "city")
        .annotate(officers=Count("pk"), submitted=Count("pk", filter=Q(Exists(has_submitted))))
        .values_list("city__rounds", "city", "officers", "submitted")
    }
    cities: dict[int, list[CitySubmissions]] = {round_.pk: [] for round_ in rounds}
    for participation in participations:
        officers, submitted = counts.get((participation.round_id, participation.city_id), (0, 0))
        cities[participation.round_id].append(
            CitySubmissions(city=participation.city, officers=officers, submitted=submitted)
        )
    return [RoundOverview(round=round_, cities=cities[round_.pk]) for round_ in rounds]


def round_for_officer(user: AnyUser, round_id: int) -> tuple[Round, Membership]:
    """A round the officer's city takes part in, with their membership; 404 otherwise."""
    membership = membership_for(user)
    if membership is None:
        raise Http404
    rounds = Round.objects.select_related("questionnaire")
    return get_object_or_404(rounds, pk=round_id, cities=membership.city_id), membership


def response_for_officer(user: AnyUser, round_id: int) -> tuple[Response, Answers] | None:
    """The officer's response to a round their city takes part in, with the round and its
    questionnaire, and its answers, if they have started one; 404 for a user without a city.

    The answers are read after the response, so they are of its version or later: a save
    based on them claims the response's version and fails as stale if it moved on.
    """
    membership = membership_for(user)
    if membership is None:
        raise Http404
    try:
        # get(), not first(): the model's ordering would join the round and city to sort one row.
        response = Response.objects.select_related("round__questionnaire").get(
            round_id=round_id, respondent=membership.user_id, round__cities=membership.city_id
        )
    except Response.DoesNotExist:
        return None
    return response, answers_load(response)


def response_for_facilitator(user: AnyUser, response_id: int) -> Response:
    if not is_facilitator(user):
        raise Http404
    return get_object_or_404(Response.objects.select_related("round", "city"), pk=response_id)


def round_for_facilitator(user: AnyUser, round_id: int) -> Round:
    """Any round, for facilitators only; 404 for everyone else."""
    if not is_facilitator(user):
        raise Http404
    return get_object_or_404(Round.objects.select_related("questionnaire"), pk=round_id)


def invitation_for_facilitator(user: AnyUser, invitation_id: int) -> Invitation:
    if not is_facilitator(user):
        raise Http404
    return get_object_or_404(Invitation.objects.select_related("round", "user"), pk=invitation_id)


def pending_invitations(round: Round) -> QuerySet[Invitation]:
    """The round's invitations whose person has not joined yet, newest first."""
    return (
        Invitation.objects.filter(round=round)
        .pending()
        .select_related("user__membership__city", "invited_by")
    )
