"""The address of the client a request came from, as the one trusted proxy saw it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The connecting address, or behind the proxy the last `X-Forwarded-For` entry.

    The proxy appends the address it saw to whatever the client sent, so only the last entry is
    its own: earlier ones are the client's to invent, and trusting them would let an attacker
    choose whose log-in to lock.
    """
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
