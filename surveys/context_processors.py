"""Template context: who the signed-in user is in the study (city, department, role)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from surveys.selectors import is_facilitator, membership_for


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: templates evaluate it only where they ask, which spares officers' pages the
    # permission queries.
    return {"membership": membership_for(user), "is_facilitator": partial(is_facilitator, user)}
