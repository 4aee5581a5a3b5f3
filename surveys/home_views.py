"""The signed-in person's home page (their rounds), and its URL at the site's root."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from surveys.selectors import is_facilitator, round_overviews, rounds_for_user


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Officers: their rounds and their own response to each. Facilitators: every round with
    each city's submissions and the way to its dashboard, tracker, change and consensus."""
    if is_facilitator(request.user):
        return render(
            request, "home_facilitator.html", {"overviews": round_overviews(request.user)}
        )
    return render(request, "home.html", {"round_rows": rounds_for_user(request.user)})


# Outside the "surveys" URL namespace: the page is every app's LOGIN_REDIRECT_URL, named "home".
urlpatterns = [path("", home, name="home")]
