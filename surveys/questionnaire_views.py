"""All of a questionnaire's questions on one page: shown, saved (and, if asked, submitted) in
one post, and autosaved in the background."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from surveys.answers import Answers
from surveys.forms import QuestionnaireForm
from surveys.models import Response, Round
from surveys.services import ResponseLocked
from surveys.structure import Bank, progress_for, visible_question_ids
from surveys.view_helpers import (
    autosave_reply,
    editable_for,
    officer_response,
    page_status,
    partner_departments,
    posted_answers_save,
    question_cards,
    saved_message,
    stays_with,
    submitted,
)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every section's questions on one page, saved (and, if asked, submitted) in one post:
    for officers who would rather scroll than page, or who answer with colleagues at hand."""
    round_, response, answers, bank = officer_response(request, round_id)
    departments = partner_departments(response, tuple(bank.questions()), answers)
    if request.method == "POST" and editable_for(request, response):
        try:
            posted = posted_answers_save(
                request,
                response,
                answers,
                lambda data: QuestionnaireForm(data, bank=bank, departments=departments),
            )
        except ResponseLocked as error:
            messages.error(request, str(error))
            return redirect("surveys:review", round_id=round_.pk)
        if posted.is_saved:
            if request.POST.get("action") == "submit":
                return submitted(request, round_, posted.response, posted.answers)
            saved_message(request, posted.response)
            return redirect("surveys:questionnaire", round_id=round_.pk)
        return _render_questionnaire(
            request,
            round_,
            posted.response,
            bank,
            posted.form,
            posted.answers,
            conflict=posted.conflict,
        )
    form = QuestionnaireForm(
        initial={"version": response.version},
        bank=bank,
        initial_answers=answers,
        departments=departments,
    )
    return _render_questionnaire(request, round_, response, bank, form, answers)


@never_cache
@require_POST
def questionnaire_autosave(request: HttpRequest, round_id: int) -> JsonResponse:
    """Background save from the one-page questionnaire's script."""
    _round, response, answers, bank = officer_response(request, round_id)
    departments = partner_departments(response, tuple(bank.questions()), answers)
    form = QuestionnaireForm(request.POST, bank=bank, departments=departments)
    return autosave_reply(request, response, answers, bank, form)


def _render_questionnaire(
    request: HttpRequest,
    round_: Round,
    response: Response,
    bank: Bank,
    form: QuestionnaireForm,
    answers: Answers,
    *,
    conflict: bool = False,
) -> HttpResponse:
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    context = {
        "round": round_,
        "response": response,
        "bank": bank,
        "form": form,
        "sections": [
            {
                "section": section_view,
                "progress": progress.section(section_view.dimension.code),
                "cards": question_cards(bank, form, section_view.questions, visible),
            }
            for section_view in bank.sections
        ],
        "progress": progress,
        "editable": editable_for(request, response),
        "stays_with": stays_with(request, response),
        "conflict": conflict,
    }
    return render(
        request, "surveys/questionnaire.html", context, status=page_status(form, conflict=conflict)
    )
