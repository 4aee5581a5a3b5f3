"""Project-wide pages: the home page, the health check and the session keep-alive."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from surveys.privacy import personal_data_export
from surveys.selectors import rounds_for_user, signed_in


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"round_rows": rounds_for_user(request.user)})


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own data as a JSON download (GDPR access and portability)."""
    response = JsonResponse(
        personal_data_export(signed_in(request)), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="polis-assess-my-data.json"'
    return response


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Start the session's time again: the session warning's "Stay signed in" button."""
    # Saved again, with a new expiry and cookie, although nothing in it changed.
    request.session.modified = True
    return JsonResponse({"seconds_left": request.session.get_expiry_age()})
