"""Database sessions that remember when they expire, so a page can warn before they do."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from polis_assess.prepared import Prepared
from polis_assess.sql_rows import columns, instance


class SessionStore(db.SessionStore):
    """Django's database session store, keeping the stored row's ``expire_date`` when loaded.

    Without SESSION_SAVE_EVERY_REQUEST a page view does not extend the session, so the time a
    page has left is the stored expiry, not a full SESSION_COOKIE_AGE.
    """

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.expire_date: datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        # Django's own hook for reading the row (django-stubs does not declare it), written as
        # SQL because every signed-in request makes it: the QuerySet took longer to compile
        # than to run.
        with connection.cursor() as cursor:
            _session_sql().execute(cursor, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        session = None if row is None else instance(Session, row)[0]
        self.expire_date = session.expire_date if session is not None else None
        return session

    def seconds_left(self) -> int:
        """Seconds until the session ends; a full session when this request saves it anew."""
        if self.modified or self.expire_date is None:
            return self.get_expiry_age()
        return max(0, int((self.expire_date - timezone.now()).total_seconds()))


@cache
def _session_sql() -> Prepared:
    return Prepared.of(
        "polis_session",
        f"SELECT {columns(Session, 'session')} FROM django_session AS session"
        " WHERE session.session_key = %s AND session.expire_date > %s",
    )
