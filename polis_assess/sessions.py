"""Django's database sessions, able to tell a page how long its session has left."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database session store, unchanged, plus the time left before the session ends.

    Without SESSION_SAVE_EVERY_REQUEST a page view does not extend the session, so the time a
    page has left is the stored row's expiry, not a full SESSION_COOKIE_AGE.
    """

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
