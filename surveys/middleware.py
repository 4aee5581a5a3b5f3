"""A signed-in person reads the app in their own language, whatever browser they use."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation

from surveys.languages import preferred_language


class PreferredLanguageMiddleware:
    """Activates the signed-in person's language (theirs, else their city's) for the view.

    Django's LocaleMiddleware has already chosen one from the language cookie or the browser's
    Accept-Language; that choice stands for anonymous visitors and for public views, which read
    no session (so /health/ still answers 503 rather than 500 when the database is down).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> None:
        if not getattr(view_func, "login_required", True):
            return
        language = preferred_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
