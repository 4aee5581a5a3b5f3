"""Project middleware for the HTTP edges: bounded request bodies in, uncached responses out."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from polis_assess.uploads import allow_upload, refuse_uploads, upload_allowance


class RequestBodyLimitMiddleware:
    """Answers 413 to a request whose declared body is over the limit, before reading any of it,
    and lets a file part through only to a view that takes one (`polis_assess.uploads`).

    Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) only while parsing, and streams file
    parts to the temporary folder whatever their size; a long body is never legitimate. A body
    without a Content-Length is never read by Django at all. The upload is decided in
    `process_view`, which runs before any other middleware's (CSRF's reads the body).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _declared_length(request) > settings.REQUEST_BODY_MAX_BYTES:
            return _too_large()
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseBase | None:
        allowance = upload_allowance(view_func, request) if request.method == "POST" else None
        if allowance is None:
            refuse_uploads(request)
            return None
        if _declared_length(request) > allowance.max_bytes:
            return _too_large()
        allow_upload(request)
        return None


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: no body


def _too_large() -> HttpResponse:
    return HttpResponse(_("The request is too large."), status=413, content_type="text/plain")


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
