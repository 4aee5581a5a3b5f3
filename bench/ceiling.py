"""The ceiling: the cheapest pages this server setup can serve, to measure our pages against."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from surveys.models import City


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    """A small template through the full middleware stack, without touching the database."""
    return render(request, "bench/ceiling.html", {"title": "Bare", "value": 42})


@login_not_required
def one_query(request: HttpRequest) -> HttpResponse:
    """The same template after a single trivial query (one indexed row by primary key)."""
    first = City.objects.order_by("pk").values_list("pk", flat=True).first()
    return render(request, "bench/ceiling.html", {"title": "One query", "value": first})


def signed_in(request: HttpRequest) -> HttpResponse:
    """The same template for a signed-in officer: only the session and the user are read.

    Not a budget's yardstick but the floor under every officer page: what any page that checks
    who is asking costs before doing its own work.
    """
    return render(request, "bench/ceiling.html", {"title": "Signed in", "value": request.user.pk})
