"""Authentication backends: django-axes throttling for web log-ins, then Django's own accounts."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

UserModel = get_user_model()


class ThrottlingBackend(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes is untyped
    """Checks lockouts for web log-ins; a log-in without a request (a management command, the
    test client) has no IP address to throttle, so it is left to the next backend."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is not None:
            # Raises when the username and address are locked out, else lets the next backend try.
            super().authenticate(request, username, password, **kwargs)
        return None


class AccountBackend(ModelBackend):
    """Django's username and password backend, loading the signed-in user with their city.

    Every officer page reads the user's membership, city and language; joining them to the user
    read that each request makes anyway spares three queries per page.
    """

    def get_user(self, user_id: Any) -> User | None:
        users = UserModel._default_manager.select_related("membership__city", "profile")
        try:
            user = users.get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
