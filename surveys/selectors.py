"""Access-checked reads: what exists for a given user (officers see only their own city)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from polis_assess.prepared import Prepared
from polis_assess.sql_rows import columns, instance
from surveys.answers import ANSWERS_JSON_COLUMN, Answers, answers_from_json, answers_load
from surveys.models import Membership, Questionnaire, Response, Round
from surveys.structure import bank_for, progress_for

FACILITATE_PERMISSION = "surveys.facilitate_round"

AnyUser = User | AnonymousUser


def is_facilitator(user: AnyUser) -> bool:
    """Whether the user holds the facilitate_round permission, directly or through a group.

    One query, remembered on the user object for the rest of the request: `has_perm` would load
    every permission of the user and of their groups in two. The rules are ModelBackend's, the
    only backend that grants permissions here: inactive users have none, active superusers all.
    """
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, "_polis_facilitator", None)
    if cached is None:
        app_label, codename = FACILITATE_PERMISSION.split(".")
        with connection.cursor() as cursor:
            _FACILITATOR_SQL.execute(
                cursor, {"user": user.pk, "app_label": app_label, "codename": codename}
            )
            (cached,) = cursor.fetchone()
        user._polis_facilitator = cached  # type: ignore[attr-defined]
    return bool(cached)


# Every facilitator page asks; as a QuerySet (one join with an OR over the user's and their
# groups' permissions) it took PostgreSQL four times as long as these two index lookups.
_FACILITATOR_SQL = Prepared.of(
    "polis_is_facilitator",
    """
    SELECT EXISTS (
        SELECT FROM auth_user_user_permissions AS granted
        JOIN auth_permission AS permission ON permission.id = granted.permission_id
        JOIN django_content_type AS type ON type.id = permission.content_type_id
        WHERE granted.user_id = %(user)s
            AND permission.codename = %(codename)s AND type.app_label = %(app_label)s
    ) OR EXISTS (
        SELECT FROM auth_user_groups AS member
        JOIN auth_group_permissions AS granted ON granted.group_id = member.group_id
        JOIN auth_permission AS permission ON permission.id = granted.permission_id
        JOIN django_content_type AS type ON type.id = permission.content_type_id
        WHERE member.user_id = %(user)s
            AND permission.codename = %(codename)s AND type.app_label = %(app_label)s
    )
    """,
)


def signed_in(request: HttpRequest) -> User:
    """The request's user; every view outside the public allow-list has one (login required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def membership_for(user: AnyUser) -> Membership | None:
    if not isinstance(user, User):
        return None
    # polis_assess.auth.AccountBackend loads the signed-in user with their membership and city.
    if User.membership.related.is_cached(user):  # type: ignore[attr-defined]
        return getattr(user, "membership", None)
    # Cached on the user object: templates, selectors and views ask for it several times.
    cached: Membership | bool | None = getattr(user, "_polis_membership", False)
    if cached is False:
        cached = Membership.objects.select_related("city").filter(user=user).first()
        user._polis_membership = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


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
    """The home page's list: each visible round with the user's own response, if any."""
    rounds = list(rounds_visible_to(user).order_by("-opens_on", "title"))
    responses = (
        {
            response.round_id: response
            for response in Response.objects.filter(respondent=user.pk, round__in=rounds)
        }
        if user.is_authenticated
        else {}
    )
    rows = []
    for round_ in rounds:
        response = responses.get(round_.pk)
        percent = 0
        if response is not None and not response.is_submitted:
            percent = progress_for(bank_for(round_.questionnaire), answers_load(response)).percent
        rows.append(RoundRow(round=round_, response=response, percent=percent))
    return rows


def round_for_officer(user: AnyUser, round_id: int) -> tuple[Round, Membership]:
    """A round the officer's city takes part in, with their membership; 404 otherwise."""
    membership = membership_for(user)
    if membership is None:
        raise Http404
    round_ = (
        Round.objects.select_related("questionnaire")
        .filter(pk=round_id, cities=membership.city_id)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_, membership


def response_for_officer(user: AnyUser, round_id: int) -> tuple[Response, Answers] | None:
    """The officer's response to a round their city takes part in, with the round and its
    questionnaire, and its answers at its version, if they have started one (one query); 404
    for a user without a city."""
    membership = membership_for(user)
    if membership is None:
        raise Http404
    if not _BIGINT_MIN <= round_id <= _BIGINT_MAX:  # the URL allows any int; ids are bigint
        raise Http404
    with connection.cursor() as cursor:
        _officer_response_sql().execute(cursor, [round_id, membership.user_id, membership.city_id])
        row = cursor.fetchone()
    if row is None:
        return None
    response, rest = instance(Response, row)
    round_, rest = instance(Round, rest)
    round_.questionnaire, rest = instance(Questionnaire, rest)
    response.round = round_
    return response, answers_from_json(rest[0])


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


# Every officer page and save reads its response this way; written out once (per process)
# because compiling the equivalent select_related QuerySet took twice as long as running it.
@cache
def _officer_response_sql() -> Prepared:
    return Prepared.of(
        "polis_officer_response",
        f"""
    SELECT {columns(Response, "response")}, {columns(Round, "round")},
           {columns(Questionnaire, "questionnaire")}, {ANSWERS_JSON_COLUMN}
    FROM surveys_response AS response
    JOIN surveys_round AS round ON round.id = response.round_id
    JOIN surveys_questionnaire AS questionnaire ON questionnaire.id = round.questionnaire_id
    WHERE response.round_id = %s AND response.respondent_id = %s
      AND EXISTS (SELECT FROM surveys_round_cities AS taking_part
                  WHERE taking_part.round_id = round.id AND taking_part.city_id = %s)
    """,
    )


def response_for_facilitator(user: AnyUser, response_id: int) -> Response:
    if not is_facilitator(user):
        raise Http404
    response = Response.objects.select_related("round", "city").filter(pk=response_id).first()
    if response is None:
        raise Http404
    return response
