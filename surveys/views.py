"""The section pages of a questionnaire: resume where the officer left off, show and save a
section, and its background autosave."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from surveys.answers import Answers
from surveys.forms import SectionForm
from surveys.models import Response, Round
from surveys.services import ResponseLocked
from surveys.structure import Bank, SectionView, progress_for, visible_question_ids
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
)


@never_cache
@require_safe
def resume(request: HttpRequest, round_id: int) -> HttpResponse:
    """Back to where the officer left off: the first section with required answers missing,
    or the review page once nothing is missing (the next step is to submit)."""
    round_, response, answers, bank = officer_response(request, round_id)
    if response.is_submitted or not round_.is_open:
        return redirect("surveys:review", round_id=round_.pk)
    progress = progress_for(bank, answers)
    if progress.is_complete:
        return redirect("surveys:review", round_id=round_.pk)
    return redirect("surveys:section", round_id=round_.pk, code=progress.first_incomplete().code)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """One section's questions; a post saves its valid answers and moves on as the button says,
    or shows the page again with what needs correcting or was saved elsewhere first."""
    round_, response, answers, bank = officer_response(request, round_id)
    section_view = _section_or_404(bank, code)
    departments = partner_departments(response, section_view.questions, answers)
    if request.method == "POST" and editable_for(request, response):
        try:
            posted = posted_answers_save(
                request,
                response,
                answers,
                lambda data: SectionForm(data, section=section_view, departments=departments),
            )
        except ResponseLocked as error:
            messages.error(request, str(error))
            return redirect("surveys:review", round_id=round_.pk)
        if posted.is_saved:
            saved_message(request, posted.response)
            return _after_save(request, round_, bank, section_view)
        return _render_section(
            request,
            round_,
            posted.response,
            bank,
            section_view,
            posted.form,
            posted.answers,
            conflict=posted.conflict,
        )
    form = SectionForm(
        initial={"version": response.version},
        section=section_view,
        initial_answers=answers,
        departments=departments,
    )
    return _render_section(request, round_, response, bank, section_view, form, answers)


@never_cache
@require_POST
def autosave(request: HttpRequest, round_id: int, code: str) -> JsonResponse:
    """Background save from the section page's script; answers with errors are left out."""
    _round, response, answers, bank = officer_response(request, round_id)
    section_view = _section_or_404(bank, code)
    departments = partner_departments(response, section_view.questions, answers)
    form = SectionForm(request.POST, section=section_view, departments=departments)
    return autosave_reply(request, response, answers, bank, form, code)


def _section_or_404(bank: Bank, code: str) -> SectionView:
    section_view = bank.section(code)
    if section_view is None:
        raise Http404
    return section_view


def _after_save(
    request: HttpRequest, round_: Round, bank: Bank, section_view: SectionView
) -> HttpResponse:
    """Where the pressed button leads: the next or previous section, the review, or back here."""
    codes = [s.dimension.code for s in bank.sections]
    index = codes.index(section_view.dimension.code)
    action = request.POST.get("action", "stay")
    if action == "next":
        if index + 1 < len(codes):
            return redirect("surveys:section", round_id=round_.pk, code=codes[index + 1])
        return redirect("surveys:review", round_id=round_.pk)
    if action == "back" and index > 0:
        return redirect("surveys:section", round_id=round_.pk, code=codes[index - 1])
    if action == "review":
        return redirect("surveys:review", round_id=round_.pk)
    return redirect("surveys:section", round_id=round_.pk, code=section_view.dimension.code)


def _render_section(
    request: HttpRequest,
    round_: Round,
    response: Response,
    bank: Bank,
    section_view: SectionView,
    form: SectionForm,
    answers: Answers,
    *,
    conflict: bool = False,
) -> HttpResponse:
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    codes = [s.dimension.code for s in bank.sections]
    index = codes.index(section_view.dimension.code)
    context = {
        "round": round_,
        "response": response,
        "bank": bank,
        "section": section_view,
        "form": form,
        "cards": question_cards(bank, form, section_view.questions, visible),
        "progress": progress,
        "section_progress": progress.section(section_view.dimension.code),
        "section_number": index + 1,
        "previous_code": codes[index - 1] if index > 0 else None,
        "next_code": codes[index + 1] if index + 1 < len(codes) else None,
        "editable": editable_for(request, response),
        "stays_with": stays_with(request, response),
        "conflict": conflict,
    }
    return render(
        request, "surveys/section.html", context, status=page_status(form, conflict=conflict)
    )
