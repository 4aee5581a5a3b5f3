"""The one-time link of an invitation: Django's password-reset token, with its own salt and age."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token: it hashes the account's password and last log-in, so it stops
    working once a password is set (or the invitation is sent again, which renews the unusable
    password), and it carries the time it was made. Its own salt keeps invitation and reset links
    apart; its own age limit (INVITATION_LINK_TIMEOUT) replaces PASSWORD_RESET_TIMEOUT, which
    Django's check reads with no way to pass another (Django tickets #30423 and #31832)."""

    key_salt = "surveys.tokens.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            made_at = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - made_at > settings.INVITATION_LINK_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, made_at, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()
