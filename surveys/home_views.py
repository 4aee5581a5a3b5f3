"""The signed-in person's home page (their rounds), and its URL at the site's root."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from surveys.selectors import rounds_for_user


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"round_rows": rounds_for_user(request.user)})


# Outside the "surveys" URL namespace: the page is every app's LOGIN_REDIRECT_URL, named "home".
urlpatterns = [path("", home, name="home")]
