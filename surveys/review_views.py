"""The end of a questionnaire: review the answers, submit them, and a facilitator's reopening of
a submitted response."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from surveys.selectors import response_for_facilitator, signed_in
from surveys.services import ResponseLocked, response_reopen
from surveys.structure import progress_for, visible_question_ids
from surveys.view_helpers import editable_for, officer_response, submitted


@never_cache
@require_safe
def review(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every shown question with its answer, section by section, and what is still missing."""
    round_, response, answers, bank = officer_response(request, round_id)
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    sections = [
        {
            "section": section_view,
            "progress": progress.section(section_view.dimension.code),
            "rows": [
                (bank.number(question), question, answers.get(question.pk))
                for question in section_view.questions
                if question.pk in visible
            ],
        }
        for section_view in bank.sections
    ]
    context = {
        "round": round_,
        "response": response,
        "bank": bank,
        "progress": progress,
        "sections": sections,
        "editable": editable_for(request, response),
    }
    return render(request, "surveys/review.html", context)


@never_cache
@require_POST
def submit(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, response, answers, _bank = officer_response(request, round_id)
    return submitted(request, round_, response, answers)


@require_POST
def reopen(request: HttpRequest, response_id: int) -> HttpResponse:
    """A facilitator returns a submitted response to its officer for changes."""
    response = response_for_facilitator(request.user, response_id)
    try:
        response_reopen(response=response, by=signed_in(request))
    except ResponseLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The response of %(city)s (%(department)s) is open for changes again.")
            % {"city": response.city.name, "department": response.department},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return redirect(next_url)
