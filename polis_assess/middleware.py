"""Project middleware for the HTTP edges: bounded request bodies in, uncached responses out."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Answers 413 to a request whose declared body is over the limit, before reading any of it.

    Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) only while parsing, and streams file
    parts to the temporary folder whatever their size; the app takes no uploads, so a long body
    is never legitimate. A body without a Content-Length is never read by Django at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return HttpResponse(
                _("The request is too large."), status=413, content_type="text/plain"
            )
        return self.get_response(request)


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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, but a public view (`login_not_required`) is let through before the session is read.

    Django's asks `request.user.is_authenticated` first, which reads the session from the
    database: with the database down, a monitor's /health/ with a session cookie then answered
    500 instead of the health check's own 503.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseBase | None:
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
