"""Project-wide endpoints that belong to no app: the health check and the session keep-alive."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for a load balancer or a monitor)."""
    # An ORM read, so that a connection that died since the last request is replaced (Django's
    # CONN_HEALTH_CHECKS) rather than reported; the sessions table is what every page reads.
    try:
        Session.objects.exists()
    except DatabaseError:
        # Machine-readable, like "ok": monitors match it, so it is not translated.
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Start the session's time again: the session warning's "Stay signed in" button."""
    # Saved again, with a new expiry and cookie, although nothing in it changed.
    request.session.modified = True
    return JsonResponse({"seconds_left": request.session.get_expiry_age()})
