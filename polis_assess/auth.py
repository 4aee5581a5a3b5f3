"""Authentication backend: django-axes throttling for every log-in that comes with a request."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
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
