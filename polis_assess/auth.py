"""Authentication backends: django-axes throttling for web log-ins, and the account backend."""

from __future__ import annotations

from functools import cache
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpRequest

from polis_assess.prepared import Prepared
from polis_assess.sql_rows import columns, instance, optional_instance
from surveys.models import City, Membership


class ThrottlingBackend(AxesStandaloneBackend):
    """Checks lockouts for web log-ins; a log-in without a request (a management command, the
    test client) has no IP address to throttle, so it is left to the next backend."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class AccountBackend(ModelBackend):
    """Django's username and password backend, loading the signed-in user with their city.

    Every officer page needs the user's membership and city; reading them with the user (the
    query each request makes anyway) saves a query per request.
    """

    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]
        with connection.cursor() as cursor:
            _user_sql().execute(cursor, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user, rest = instance(User, row)
        membership, rest = optional_instance(Membership, rest)
        # Cached on the user either way, so that `user.membership` reads nothing more.
        if membership is not None:
            membership.city, _ = instance(City, rest)
            membership.user = user  # caches each on the other
        else:
            User.membership.related.set_cached_value(user, None)  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None


# Written out once (per process): every signed-in request reads its user, and compiling the
# equivalent select_related QuerySet took twice as long as running it.
@cache
def _user_sql() -> Prepared:
    return Prepared.of(
        "polis_user",
        f"""
    SELECT {columns(User, "person")}, {columns(Membership, "membership")},
           {columns(City, "city")}
    FROM auth_user AS person
    LEFT JOIN surveys_membership AS membership ON membership.user_id = person.id
    LEFT JOIN surveys_city AS city ON city.id = membership.city_id
    WHERE person.id = %s
    """,
    )
