"""Which language a person reads POLIS Assess in: one rule, used by pages, emails and reports."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from surveys.models import Profile


def preferred_language(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The language the person chose, else their city's; None for someone with neither (an
    anonymous visitor, a facilitator who never chose), for whom the browser's applies."""
    if not user.is_authenticated:
        return None
    # A missing one-to-one row raises an AttributeError subclass, which getattr's default takes.
    profile = getattr(user, "profile", None)
    if profile is not None and profile.language:
        return str(profile.language)
    membership = getattr(user, "membership", None)
    return str(membership.city.language) if membership is not None else None


def remember_language(user: AbstractBaseUser, language: str) -> None:
    """Keep the language a signed-in person switched to, for their next sign-in, emails and PDFs."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})
