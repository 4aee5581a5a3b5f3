"""The questionnaire-taking pages: resume, section (save and autosave), the whole questionnaire
on one page, review and submit."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from surveys.answers import Answers, answers_load, answers_with_version
from surveys.field_html import QuestionCard, question_cards_html, section_nav_html
from surveys.forms import AnswersForm, QuestionnaireForm, SectionForm, field_name
from surveys.models import Question, Response, Round
from surveys.selectors import (
    response_for_facilitator,
    response_for_officer,
    round_for_officer,
    signed_in,
)
from surveys.services import (
    ResponseIncomplete,
    ResponseLocked,
    StaleResponse,
    answers_save,
    response_get_or_create,
    response_reopen,
    response_submit,
)
from surveys.structure import (
    Bank,
    Progress,
    SectionView,
    bank_for,
    progress_for,
    visible_question_ids,
)


def _officer_response(request: HttpRequest, round_id: int) -> tuple[Round, Response, Answers, Bank]:
    """The officer's round, response (started on the first visit) and its answers at the
    response's version, and the round's bank; 404 for a round of another city."""
    found = response_for_officer(request.user, round_id)
    if found is None:
        round_, membership = round_for_officer(request.user, round_id)
        response = response_get_or_create(round=round_, membership=membership)
        response.round = round_
        # Usually new and empty; read anyway, as another tab may have started it first.
        response.version, answers = answers_with_version(response)
    else:
        response, answers = found
    return response.round, response, answers, bank_for(response.round.questionnaire)


def _section_or_404(bank: Bank, code: str) -> SectionView:
    section = bank.section(code)
    if section is None:
        raise Http404
    return section


def _time(value: Any) -> str:
    return formats.time_format(timezone.localtime(value), "H:i")


@never_cache
@require_safe
def resume(request: HttpRequest, round_id: int) -> HttpResponse:
    """Back to where the officer left off: the first section with required answers missing,
    or the review page once nothing is missing (the next step is to submit)."""
    round_, response, answers, bank = _officer_response(request, round_id)
    if response.is_submitted or not round_.is_open:
        return redirect("surveys:review", round_id=round_.pk)
    progress = progress_for(bank, answers)
    if progress.is_complete:
        return redirect("surveys:review", round_id=round_.pk)
    return redirect("surveys:section", round_id=round_.pk, code=progress.first_incomplete().code)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, response, answers, bank = _officer_response(request, round_id)
    section_view = _section_or_404(bank, code)
    conflict = False
    if request.method == "POST" and response.is_editable:
        form = SectionForm(request.POST, section=section_view)
        form.is_valid()
        values = form.valid_values()
        try:
            result = answers_save(
                response=response,
                before=answers,
                values=values,
                expected_version=form.cleaned_data.get("version", -1),
                by=signed_in(request),
            )
        except StaleResponse as stale:
            # Show this page's answers again, on the current version: Save again keeps them.
            conflict = True
            response = stale.response
            answers = answers_load(response)
            form = _rebound(request, section_view, response)
        except ResponseLocked as error:
            messages.error(request, str(error))
            return redirect("surveys:review", round_id=round_.pk)
        else:
            response = result.response
            answers = result.answers
            if not form.errors:
                messages.success(
                    request,
                    _("Your answers were saved at %(time)s.")
                    % {"time": _time(response.updated_at)},
                )
                return _after_save(request, round_, bank, section_view)
            form = _rebound(request, section_view, response)
    else:
        form = SectionForm(
            initial={"version": response.version}, section=section_view, initial_answers=answers
        )
    return _render_section(request, round_, response, bank, section_view, form, answers, conflict)


def _rebound(request: HttpRequest, section_view: SectionView, response: Response) -> SectionForm:
    """The posted form again, as typed, but on the response's current version."""
    data = request.POST.copy()
    data["version"] = str(response.version)
    form = SectionForm(data, section=section_view)
    form.is_valid()
    return form


def _after_save(
    request: HttpRequest, round_: Round, bank: Bank, section_view: SectionView
) -> HttpResponse:
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
    answers: dict[Any, Any],
    conflict: bool,
) -> HttpResponse:
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    codes = [s.dimension.code for s in bank.sections]
    index = codes.index(section_view.dimension.code)
    links = _round_links(get_script_prefix(), round_.pk, tuple(codes))
    status = 409 if conflict else 400 if form.is_bound and form.errors else 200
    context = {
        "round": round_,
        "response": response,
        "bank": bank,
        "section": section_view,
        "form": form,
        "questions": _question_cards(bank, form, section_view.questions, visible),
        "progress": progress,
        "section_nav": section_nav_html(
            progress.sections,
            current=section_view.dimension.code,
            links=links,
            review_link=links[REVIEW],
            questionnaire_link=links[ALL_QUESTIONS],
        ),
        "section_progress": progress.section(section_view.dimension.code),
        "section_number": index + 1,
        "previous_code": codes[index - 1] if index > 0 else None,
        "next_code": codes[index + 1] if index + 1 < len(codes) else None,
        "editable": response.is_editable,
        "conflict": conflict,
    }
    return render(request, "surveys/section.html", context, status=status)


REVIEW = ""  # the review page's key among a round's links
ALL_QUESTIONS = "*"  # and the one-page questionnaire's (section codes are slugs)


@lru_cache(maxsize=1024)
def _round_links(script_prefix: str, round_id: int, codes: tuple[str, ...]) -> dict[str, str]:
    """The addresses of a round's sections (by code), of its review page and of the page with
    all questions.

    Reversing a URL costs tens of microseconds and the section page links to every section;
    these addresses never change, so each is worked out once (per deployment prefix).
    """
    links = {
        code: reverse("surveys:section", kwargs={"round_id": round_id, "code": code})
        for code in codes
    }
    links[REVIEW] = reverse("surveys:review", kwargs={"round_id": round_id})
    links[ALL_QUESTIONS] = reverse("surveys:questionnaire", kwargs={"round_id": round_id})
    return links


def _question_cards(
    bank: Bank,
    form: AnswersForm,
    questions: Sequence[Question],
    visible: set[int],
    *,
    section_number: int | None = None,
) -> SafeString:
    return question_cards_html(
        (
            QuestionCard(
                group=group,
                visible=group.question.pk in visible,
                condition_field=_condition_field(bank, group.question.condition_id),
                condition_option=group.question.condition_id,
            )
            for group in form.question_groups(questions)
        ),
        section_number=section_number,
    )


def _condition_field(bank: Bank, option_id: int | None) -> str:
    """The form field whose choice shows a conditional question (for the page's script)."""
    if option_id is None:
        return ""
    parent = bank.questions_by_id[bank.options_by_id[option_id].question_id]
    return field_name(parent)


@never_cache
@require_POST
def autosave(request: HttpRequest, round_id: int, code: str) -> JsonResponse:
    """Background save from the section page's script; answers with errors are left out."""
    _round, response, answers, bank = _officer_response(request, round_id)
    section_view = _section_or_404(bank, code)
    return _autosaved(
        request, response, answers, bank, SectionForm(request.POST, section=section_view), code
    )


@never_cache
@require_POST
def questionnaire_autosave(request: HttpRequest, round_id: int) -> JsonResponse:
    """Background save from the one-page questionnaire's script."""
    _round, response, answers, bank = _officer_response(request, round_id)
    return _autosaved(request, response, answers, bank, QuestionnaireForm(request.POST, bank=bank))


def _autosaved(
    request: HttpRequest,
    response: Response,
    answers: Answers,
    bank: Bank,
    form: AnswersForm,
    code: str | None = None,
) -> JsonResponse:
    """Save the form's valid answers; the reply tells the script the new version, the
    progress (of section ``code`` too, for a section page) and any errors."""
    form.is_valid()
    try:
        result = answers_save(
            response=response,
            before=answers,
            values=form.valid_values(),
            expected_version=form.cleaned_data.get("version", -1),
            by=signed_in(request),
        )
    except StaleResponse as stale:
        return JsonResponse(
            {
                "status": "conflict",
                "message": _(
                    "Not saved: this response was changed in another tab or window at %(time)s. "
                    "Copy anything you need, then reload the page."
                )
                % {"time": _time(stale.response.updated_at)},
                "version": stale.response.version,
            },
            status=409,
        )
    except ResponseLocked as error:
        return JsonResponse({"status": "locked", "message": str(error)}, status=409)
    answers = result.answers
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    reply: dict[str, Any] = {
        "status": "saved" if not form.errors else "partial",
        "version": result.response.version,
        "saved_at": _time(result.response.updated_at),
        "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        "visible": sorted(q.code for q in form.questions if q.pk in visible),
        "progress": {
            "answered": progress.answered,
            "required": progress.required,
            "percent": progress.percent,
        },
    }
    if code is not None:
        section_progress = progress.section(code)
        reply["section"] = {
            "answered": section_progress.answered,
            "required": section_progress.required,
            "percent": section_progress.percent,
            "complete": section_progress.is_complete,
        }
    return JsonResponse(reply, status=200)


def _review_context(
    round_: Round, response: Response, bank: Bank, progress: Progress
) -> dict[str, Any]:
    return {"round": round_, "response": response, "bank": bank, "progress": progress}


@never_cache
@require_safe
def review(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, response, answers, bank = _officer_response(request, round_id)
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    sections = [
        {
            "section": section_view,
            "progress": progress.section(section_view.dimension.code),
            "rows": [
                (question, answers.get(question.pk))
                for question in section_view.questions
                if question.pk in visible
            ],
        }
        for section_view in bank.sections
    ]
    context = _review_context(round_, response, bank, progress)
    context["sections"] = sections
    context["options_by_id"] = bank.options_by_id
    return render(request, "surveys/review.html", context)


@never_cache
@require_POST
def submit(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, response, answers, _bank = _officer_response(request, round_id)
    return _submitted(request, round_, response, answers)


def _submitted(
    request: HttpRequest, round_: Round, response: Response, answers: Answers
) -> HttpResponse:
    """Submit the response with these answers (its current version's), then show the review
    page: thanked, or told what is missing or why it can no longer change."""
    try:
        submitted = response_submit(response=response, answers=answers, by=signed_in(request))
    except ResponseIncomplete as incomplete:
        messages.error(
            request,
            ngettext(
                "Not submitted: %(count)d required answer is missing. It is listed below.",
                "Not submitted: %(count)d required answers are missing. They are listed below.",
                incomplete.progress.required - incomplete.progress.answered,
            )
            % {"count": incomplete.progress.required - incomplete.progress.answered},
        )
        return redirect("surveys:review", round_id=round_.pk)
    except ResponseLocked as error:
        messages.error(request, str(error))
        return redirect("surveys:review", round_id=round_.pk)
    if submitted.submitted_at and response.status == Response.Status.DRAFT:
        messages.success(request, _("Thank you — your answers were submitted."))
    return redirect("surveys:review", round_id=round_.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every section's questions on one page, saved (and, if asked, submitted) in one post:
    for officers who would rather scroll than page, or who answer with colleagues at hand."""
    round_, response, answers, bank = _officer_response(request, round_id)
    conflict = False
    if request.method == "POST" and response.is_editable:
        form = QuestionnaireForm(request.POST, bank=bank)
        form.is_valid()
        try:
            result = answers_save(
                response=response,
                before=answers,
                values=form.valid_values(),
                expected_version=form.cleaned_data.get("version", -1),
                by=signed_in(request),
            )
        except StaleResponse as stale:
            conflict = True
            response = stale.response
            answers = answers_load(response)
            form = _rebound_questionnaire(request, bank, response)
        except ResponseLocked as error:
            messages.error(request, str(error))
            return redirect("surveys:review", round_id=round_.pk)
        else:
            response, answers = result.response, result.answers
            if not form.errors:
                if request.POST.get("action") == "submit":
                    return _submitted(request, round_, response, answers)
                messages.success(
                    request,
                    _("Your answers were saved at %(time)s.")
                    % {"time": _time(response.updated_at)},
                )
                return redirect("surveys:questionnaire", round_id=round_.pk)
            form = _rebound_questionnaire(request, bank, response)
    else:
        form = QuestionnaireForm(
            initial={"version": response.version}, bank=bank, initial_answers=answers
        )
    visible = visible_question_ids(bank, answers)
    progress = progress_for(bank, answers, visible)
    codes = tuple(s.dimension.code for s in bank.sections)
    review_link = _round_links(get_script_prefix(), round_.pk, codes)[REVIEW]
    context = {
        "round": round_,
        "response": response,
        "bank": bank,
        "form": form,
        "sections": [
            {
                "section": section_view,
                "progress": progress.section(section_view.dimension.code),
                "questions": _question_cards(
                    bank, form, section_view.questions, visible, section_number=number
                ),
            }
            for number, section_view in enumerate(bank.sections, start=1)
        ],
        "progress": progress,
        "section_nav": section_nav_html(
            progress.sections,
            current="",
            links={code: f"#section-{code}" for code in codes},
            review_link=review_link,
        ),
        "editable": response.is_editable,
        "conflict": conflict,
    }
    status = 409 if conflict else 400 if form.is_bound and form.errors else 200
    return render(request, "surveys/questionnaire.html", context, status=status)


def _rebound_questionnaire(
    request: HttpRequest, bank: Bank, response: Response
) -> QuestionnaireForm:
    """The posted page again, as typed, but on the response's current version."""
    data = request.POST.copy()
    data["version"] = str(response.version)
    form = QuestionnaireForm(data, bank=bank)
    form.is_valid()
    return form


@require_POST
def reopen(request: HttpRequest, response_id: int) -> HttpResponse:
    """A facilitator returns a submitted response to its officer for changes."""
    response = response_for_facilitator(request.user, response_id)
    response_reopen(response=response, by=signed_in(request))
    messages.success(
        request,
        _("The response of %(city)s (%(department)s) is open for changes again.")
        % {"city": response.city.name, "department": response.department},
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return redirect(next_url)
