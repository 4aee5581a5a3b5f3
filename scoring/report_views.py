"""The per-city report: a printable page and the same page as a PDF download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scoring.appendix import report_appendix
from scoring.change import city_change
from scoring.commitments import commitments_state
from scoring.consensus import agreed_context
from scoring.plan_progress import plan_context
from scoring.report import network_report_context, report_pdf, score_bars
from scoring.results import city_report, peer_figures
from scoring.selectors import peer_minimum_for, round_and_city_for
from surveys.models import City, Round
from surveys.selectors import AnyUser


def report_context(round_: Round, city: City, user: AnyUser) -> dict[str, object]:
    report = city_report(round_, city, peer_figures(round_, city, peer_minimum_for(user)))
    own_change = city_change(round_, city) if report.has_result else None
    return {
        "round": round_,
        "city": city,
        "report": report,
        "bars": score_bars(report),
        "bars_title": _("Score per dimension for %(city)s") % {"city": city.name},
        **agreed_context(round_, city, report),
        "own_change": own_change,
        "commitments": commitments_state(round_, city),
        **plan_context(round_, report, own_change, peer_minimum_for(user)),
        **(network_report_context(round_, city.pk) if report.has_result else {}),
        "appendix": report_appendix(round_, city) if report.has_result else [],
    }


@require_safe
def city_report_page(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    round_, city = round_and_city_for(request.user, round_id, city_slug)
    return render(request, "scoring/report.html", report_context(round_, city, request.user))


@require_safe
def city_report_download(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    round_, city = round_and_city_for(request.user, round_id, city_slug)
    response = HttpResponse(
        report_pdf(request, report_context(round_, city, request.user)),
        content_type="application/pdf",
    )
    filename = f"polis-assess-{slugify(city.name)}-{slugify(round_.title)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
