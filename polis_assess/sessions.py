"""Django's database sessions, able to tell a page how long its session has left, refusing forged keys."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import timezone

# Django issues 32 of these; its own check only asks for 8 characters of any kind.
_KEY_LENGTH = 32


def is_issued_key(session_key: str) -> bool:
    """Whether a cookie's value could be a key Django issued: 32 lower-case letters or digits."""
    return len(session_key) == _KEY_LENGTH and all(c in VALID_KEY_CHARS for c in session_key)


class SessionStore(db.SessionStore):
    """Django's database session store, unchanged, plus the time left before the session ends.

    Without SESSION_SAVE_EVERY_REQUEST a page view does not extend the session, so the time a
    page has left is the stored row's expiry, not a full SESSION_COOKIE_AGE.
    """

    def __init__(self, session_key: str | None = None) -> None:
        # Any other value is no session: a NUL byte would make PostgreSQL refuse the lookup (500).
        if session_key is not None and not is_issued_key(session_key):
            session_key = None
        super().__init__(session_key)

    def seconds_left(self) -> int:
        """Seconds until the session ends; a full session when this request saves it anew."""
        if self.modified or self.session_key is None:
            return self.get_expiry_age()
        # Read only for the pages that show the session warning, not on every request.
        expire_date = (
            self.model.objects.filter(session_key=self.session_key)
            .values_list("expire_date", flat=True)
            .first()
        )
        if expire_date is None:
            return 0
        return max(0, int((expire_date - timezone.now()).total_seconds()))
