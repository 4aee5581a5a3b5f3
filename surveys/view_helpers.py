"""What the officer's answer pages share: the response in hand, saving a posted answer form, the
question cards, the autosave reply and the submission."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.answers import Answers, answers_load, answers_with_version
from surveys.forms import AnswersForm, QuestionGroup, field_name
from surveys.models import City, Question, Response, Round
from surveys.selectors import (
    city_departments,
    membership_for,
    response_for_officer,
    round_for_officer,
    signed_in,
)
from surveys.services import (
    EMPTY_ANSWER,
    ResponseIncomplete,
    ResponseLocked,
    SaveResult,
    StaleResponse,
    answers_save,
    response_get_or_create,
    response_submit,
)
from surveys.structure import (
    Bank,
    SectionProgress,
    bank_for,
    progress_for,
    visible_question_ids,
)

FormT = TypeVar("FormT", bound=AnswersForm)


def officer_response(request: HttpRequest, round_id: int) -> tuple[Round, Response, Answers, Bank]:
    """The officer's round, response (started on the first visit) and its answers at the
    response's version, and the round's bank; 404 for a round of another city."""
    found = response_for_officer(request.user, round_id)
    if found is not None:
        response, answers = found
        return response.round, response, answers, bank_for(response.round.questionnaire)
    round_, membership = round_for_officer(request.user, round_id)
    bank = bank_for(round_.questionnaire)
    if not round_.is_open:
        # Nothing can be answered any more: the pages show an empty, read-only response
        # without storing one.
        unstarted = Response(
            round=round_,
            city=membership.city,
            respondent=membership.user,
            department=membership.department,
        )
        return round_, unstarted, {}, bank
    response = response_get_or_create(round=round_, membership=membership)
    response.round = round_
    # Usually new and empty; read anyway, as another tab may have started it first.
    response.version, answers = answers_with_version(response)
    return round_, response, answers, bank


def partner_departments(
    response: Response, questions: Sequence[Question], answers: Answers
) -> tuple[str, ...]:
    """The departments a data-exchanges question among ``questions`` offers as partners: the
    city's others, and any its stored rows name (a department whose officers all left). No
    query for pages without such a question."""
    exchanges = [q for q in questions if q.kind == Question.Kind.EXCHANGES]
    if not exchanges:
        return ()
    stored = {
        row.partner_department
        for question in exchanges
        for row in answers.get(question.pk, EMPTY_ANSWER).exchanges
        if row.partner_department
    }
    names = set(city_departments(response.city_id)) | stored
    return tuple(sorted(names - {response.department}))


def editable_for(request: HttpRequest, response: Response) -> bool:
    """Whether the signed-in officer may still change ``response`` (`Response.is_editable_by`)."""
    return response.is_editable_by(membership_for(request.user))


def stays_with(request: HttpRequest, response: Response) -> City | None:
    """The city a started response stays with, read-only, when its officer now belongs to
    another city; None otherwise."""
    if response.pk is None or response.belongs_to(membership_for(request.user)):
        return None
    return response.city


def clock_time(moment: datetime) -> str:
    """A save's time as the pages show it: hours and minutes, in the site's time zone."""
    return formats.time_format(timezone.localtime(moment), "H:i")


@dataclass(frozen=True)
class PostedAnswers(Generic[FormT]):
    """A posted answer form after its valid answers were saved: the response and its answers as
    they now are, the form to show again, and whether a save from elsewhere came first."""

    response: Response
    answers: Answers
    form: FormT
    conflict: bool = False

    @property
    def is_saved(self) -> bool:
        """Every posted answer was stored: nothing to correct, no conflict."""
        return not self.conflict and not self.form.errors


def posted_answers_save(
    request: HttpRequest, response: Response, answers: Answers, bind: Callable[[QueryDict], FormT]
) -> PostedAnswers[FormT]:
    """Save the valid answers of the form ``bind`` makes of the posted data. A form with errors,
    or refused because the response moved on, is bound again as typed but on the response's
    current version, so that saving it again keeps what was typed. Raises ResponseLocked."""
    form = bind(request.POST)
    try:
        result = _valid_answers_save(request, response, answers, form)
    except StaleResponse as stale:
        current = stale.response
        return PostedAnswers(
            current, answers_load(current), _rebound(request, bind, current), conflict=True
        )
    if form.errors:
        form = _rebound(request, bind, result.response)
    return PostedAnswers(result.response, result.answers, form)


def _valid_answers_save(
    request: HttpRequest, response: Response, answers: Answers, form: AnswersForm
) -> SaveResult:
    """Validate the posted form and save every answer that passed, on the version it names."""
    form.is_valid()
    return answers_save(
        response=response,
        before=answers,
        values=form.valid_values(),
        expected_version=form.cleaned_data.get("version", -1),
        by=signed_in(request),
    )


def _rebound(request: HttpRequest, bind: Callable[[QueryDict], FormT], response: Response) -> FormT:
    data = request.POST.copy()
    data["version"] = str(response.version)
    form = bind(data)
    form.is_valid()
    return form


def saved_message(request: HttpRequest, response: Response) -> None:
    """Tell the officer the answers were saved, and when."""
    messages.success(
        request,
        _("Your answers were saved at %(time)s.") % {"time": clock_time(response.updated_at)},
    )


def page_status(form: AnswersForm, *, conflict: bool) -> int:
    """An answer page's HTTP status: 409 after a refused save, 400 with answers to correct."""
    return 409 if conflict else 400 if form.is_bound and form.errors else 200


@dataclass(frozen=True)
class QuestionCard:
    """What a question's card shows besides its fields: whether it is shown, and the earlier
    answer that shows it (the form field and the option, for the page's script)."""

    group: QuestionGroup
    visible: bool
    number: str = ""
    condition_field: str = ""
    condition_option: int | None = None


def question_cards(
    bank: Bank, form: AnswersForm, questions: Sequence[Question], visible: set[int]
) -> list[QuestionCard]:
    """The cards of ``questions`` (templates/surveys/includes/question_card.html), in order."""
    return [
        QuestionCard(
            group=group,
            visible=group.question.pk in visible,
            number=form.numbers[group.question.pk],
            condition_field=_condition_field(bank, group.question.condition_id),
            condition_option=group.question.condition_id,
        )
        for group in form.question_groups(questions)
    ]


def _condition_field(bank: Bank, option_id: int | None) -> str:
    """The form field whose choice shows a conditional question."""
    if option_id is None:
        return ""
    parent = bank.questions_by_id[bank.options_by_id[option_id].question_id]
    return field_name(parent)


def autosave_reply(
    request: HttpRequest,
    response: Response,
    answers: Answers,
    bank: Bank,
    form: AnswersForm,
    code: str | None = None,
) -> JsonResponse:
    """Save the form's valid answers in the background; the reply tells the page's script the
    new version, the progress (of section ``code`` too, for a section page) and any errors."""
    try:
        result = _valid_answers_save(request, response, answers, form)
    except StaleResponse as stale:
        return JsonResponse(
            {
                "status": "conflict",
                "message": _(
                    "Not saved: this response was changed in another tab or window at %(time)s. "
                    "Copy anything you need, then reload the page."
                )
                % {"time": clock_time(stale.response.updated_at)},
                "version": stale.response.version,
            },
            status=409,
        )
    except ResponseLocked as error:
        return JsonResponse({"status": "locked", "message": str(error)}, status=409)
    visible = visible_question_ids(bank, result.answers)
    progress = progress_for(bank, result.answers, visible)
    reply: dict[str, Any] = {
        "status": "saved" if not form.errors else "partial",
        "version": result.response.version,
        "saved_at": clock_time(result.response.updated_at),
        "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        "visible": sorted(q.code for q in form.questions if q.pk in visible),
        "progress": {
            "answered": progress.answered,
            "required": progress.required,
            "percent": progress.percent,
            # The progress line's words, in the page's language (templates/includes/progress.html).
            "text": ngettext(
                "%(answered)s of %(required)s required answer",
                "%(answered)s of %(required)s required answers",
                progress.required,
            )
            % {"answered": progress.answered, "required": progress.required},
        },
    }
    # Every section's, for the section list (templates/surveys/includes/section_nav.html) and
    # the sections' own progress lines: an answer can show or hide questions in other sections.
    reply["sections"] = [_section_reply(section_progress) for section_progress in progress.sections]
    if code is not None:
        reply["section"] = _section_reply(progress.section(code))
    return JsonResponse(reply, status=200)


def _section_reply(progress: SectionProgress) -> dict[str, Any]:
    return {
        "code": progress.code,
        "answered": progress.answered,
        "required": progress.required,
        "percent": progress.percent,
        "complete": progress.is_complete,
        "text": ngettext(
            "%(answered)s of %(required)s required question in this section answered.",
            "%(answered)s of %(required)s required questions in this section answered.",
            progress.required,
        )
        % {"answered": progress.answered, "required": progress.required},
    }


def submitted(
    request: HttpRequest, round_: Round, response: Response, answers: Answers
) -> HttpResponse:
    """Submit the response with these answers (its current version's), then show the review
    page: thanked, or told what is missing or why it can no longer change."""
    was_draft = response.status == Response.Status.DRAFT
    try:
        response_submit(response=response, answers=answers, by=signed_in(request))
    except ResponseIncomplete as incomplete:
        missing = incomplete.progress.required - incomplete.progress.answered
        messages.error(
            request,
            ngettext(
                "Not submitted: %(count)d required answer is missing. It is listed below.",
                "Not submitted: %(count)d required answers are missing. They are listed below.",
                missing,
            )
            % {"count": missing},
        )
    except ResponseLocked as error:
        messages.error(request, str(error))
    else:
        if was_draft:
            messages.success(request, _("Thank you — your answers were submitted."))
    return redirect("surveys:review", round_id=round_.pk)
