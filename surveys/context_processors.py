"""Template context: who the signed-in user is in the study (city, department, role)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from surveys.selectors import is_facilitator, membership_for


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"membership": membership_for(user), "is_facilitator": is_facilitator(user)}
