"""Database sessions that remember when they expire, so a page can warn before they do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database session store, keeping the stored row's ``expire_date`` when loaded.

    Without SESSION_SAVE_EVERY_REQUEST a page view does not extend the session, so the time a
    page has left is the stored expiry, not a full SESSION_COOKIE_AGE.
    """

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.expire_date: datetime | None = None

    def _get_session_from_db(self) -> Any:
        # Django's own hook for reading the row; django-stubs does not declare it.
        session = super()._get_session_from_db()  # type: ignore[misc]
        self.expire_date = session.expire_date if session is not None else None
        return session

    def seconds_left(self) -> int:
        """Seconds until the session ends; a full session when this request saves it anew."""
        if self.modified or self.expire_date is None:
            return self.get_expiry_age()
        return max(0, int((self.expire_date - timezone.now()).total_seconds()))
