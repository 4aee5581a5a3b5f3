"""The language switcher on every page: Django's set_language, remembered for signed-in people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from surveys.languages import remember_language


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and go back (Django's view); a signed-in person's choice is also
    kept with their account, for their next sign-in, their emails and their PDF reports."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language and check_for_language(language):
        remember_language(request.user, language)
    return response


# Outside the "surveys" URL namespace, under the name Django's own docs and templates use.
urlpatterns = [path("language/", set_language, name="set_language")]
