"""Authentication backends: django-axes throttling for web log-ins, and the account backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


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
        user = User._default_manager.select_related("membership__city").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
