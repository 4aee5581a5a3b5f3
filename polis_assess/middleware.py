"""Project middleware for the HTTP edges: no response of the app's own is kept in a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


class PrivateResponsesMiddleware:
    """Marks every response that sets no caching of its own `private, no-store`.

    Every page, JSON, PDF and export of the app shows one city's or person's data, so a shared
    proxy or the browser's disk must not keep it; static files are served (and cached) by
    whitenoise before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            # The same header as Django's never_cache on the answer pages.
            add_never_cache_headers(response)
        return response
