"""The password-reset request page, sending at most a few mails an hour per address and per client."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import forms
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.module_loading import import_string

from polis_assess.client_address import client_address

WINDOW_SECONDS = 60 * 60


def _count(key: str) -> int:
    """This hour's requests under `key`, the current one included."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the hour ended between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def _within_limits(email: str, client: str | None) -> bool:
    """Counts this request for its address and its client; whether both are within the limit."""
    # Hashed: cache keys must be short and plain, and the cache need not hold addresses.
    address_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_address = _count(f"password-reset:address:{address_key}")
    per_client = _count(f"password-reset:client:{client or 'unknown'}")
    return (
        per_address <= settings.PASSWORD_RESET_MAILS_PER_ADDRESS
        and per_client <= settings.PASSWORD_RESET_MAILS_PER_CLIENT
    )


class PasswordResetForm(forms.PasswordResetForm):
    """Django's form, writing each mail in its recipient's language (settings.POLIS_USER_LANGUAGE
    names the rule; this package imports no app) or else in the page's."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user_language = import_string(settings.POLIS_USER_LANGUAGE)
        language = user_language(context["user"]) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset page; over the limit it sends nothing and answers exactly as if it had.

    Every request counts, whether or not an account has the address, so being limited says
    nothing about accounts; the limited path still looks the address up, as sending does.
    """

    form_class = PasswordResetForm

    def form_valid(self, form: forms.PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if _within_limits(email, client_address(self.request)):
            return super().form_valid(form)
        list(form.get_users(email))
        return HttpResponseRedirect(self.get_success_url())
