"""Facilitators' tools: completion tracker, opening and closing rounds, and data exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from scoring.csv_text import SEPARATORS
from scoring.exports import EXPORTS, csv_export, xlsx_export
from scoring.tracker import STATES, response_counts, tracker_for
from surveys.banks.spec import LANGUAGES
from surveys.models import Round
from surveys.round_forms import RoundDeadlineForm
from surveys.selectors import round_for_facilitator, signed_in
from surveys.services import round_set_deadline, round_set_status

TRACKER_PAGE_SIZE = 100  # officers per page: a round of 200 cities has some 800


@require_safe
def tracker(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every officer of the round, a page at a time, optionally only those in one state."""
    round_ = round_for_facilitator(request.user, round_id)
    board = tracker_for(round_)
    state = request.GET.get("state", "")
    if state not in STATES:
        state = ""
    page = Paginator(board.in_state(state), TRACKER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "tracker": board,
        "state": state,
        "states": [(name, board.count(name)) for name in STATES],
        "page": page,
        "deadline_form": RoundDeadlineForm(initial={"deadline": round_.deadline}),
    }
    return render(request, "scoring/tracker.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def round_status(request: HttpRequest, round_id: int) -> HttpResponse:
    """Close a round or open it again: asked to confirm first (GET: what it will change), done
    on POST, recorded with who and when."""
    round_ = round_for_facilitator(request.user, round_id)
    if request.method != "POST":
        context = {"round": round_, "counts": response_counts(round_)}
        return render(request, "scoring/round_status.html", context)
    status = request.POST.get("status", "")
    if status not in Round.Status.values:
        return HttpResponse(_("Unknown round status."), status=400, content_type="text/plain")
    round_set_status(round=round_, status=status, by=signed_in(request))
    if status == Round.Status.OPEN:
        messages.success(request, _("The round is open: officers can change their draft answers."))
    else:
        messages.success(request, _("The round is closed: all answers are now read-only."))
    return redirect("scoring:tracker", round_id=round_.pk)


@require_POST
def round_deadline(request: HttpRequest, round_id: int) -> HttpResponse:
    """Set or clear the round's deadline, then back to the tracker, which shows it."""
    round_ = round_for_facilitator(request.user, round_id)
    form = RoundDeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        round_set_deadline(
            round=round_, deadline=form.cleaned_data["deadline"], by=signed_in(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The deadline is saved."))
    return redirect("scoring:tracker", round_id=round_.pk)


@require_safe
def export(request: HttpRequest, round_id: int, kind: str, file_format: str) -> HttpResponseBase:
    """Answers or scores of a round as CSV (streamed) or XLSX, in the language asked for
    (``?language=nl``; the page's language by default); a CSV with commas, or with semicolons
    and decimal commas for Excel in Dutch or French (``?sep=semicolon``)."""
    round_ = round_for_facilitator(request.user, round_id)
    language = request.GET.get("language") or translation.get_language()
    sep = request.GET.get("sep", "comma")
    if (
        kind not in EXPORTS
        or file_format not in ("csv", "xlsx")
        or language not in LANGUAGES
        or sep not in SEPARATORS
    ):
        raise Http404
    variant = f"-{sep}" if file_format == "csv" and sep != "comma" else ""
    filename = f"{slugify(round_.title)}-{kind}-{language}{variant}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_export(kind, round_, language, SEPARATORS[sep]),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_export(kind, round_, language),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
