"""Template context for every page: when the signed-in person's session ends, and when to warn."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def session_timeout(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    session = request.session
    seconds_left = getattr(session, "seconds_left", session.get_expiry_age)
    return {
        "session_seconds_left": seconds_left(),
        "session_warning_seconds": settings.SESSION_EXPIRY_WARNING_SECONDS,
    }
