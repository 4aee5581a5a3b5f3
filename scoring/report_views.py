"""The per-city report: a printable page and the same page as a PDF download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scoring.report import report_pdf, score_bars
from scoring.results import city_report
from scoring.selectors import round_and_city_for


def _context(request: HttpRequest, round_id: int, city_slug: str) -> dict[str, object]:
    round_, city = round_and_city_for(request.user, round_id, city_slug)
    report = city_report(round_, city)
    return {
        "round": round_,
        "city": city,
        "report": report,
        "bars": score_bars(report),
        "bars_title": _("Score per dimension for %(city)s") % {"city": city.name},
    }


@require_safe
def city_report_page(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    return render(request, "scoring/report.html", _context(request, round_id, city_slug))


@require_safe
def city_report_download(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    context = _context(request, round_id, city_slug)
    response = HttpResponse(report_pdf(request, context), content_type="application/pdf")
    filename = f"polis-assess-{slugify(context['city'].name)}-{slugify(context['round'].title)}.pdf"  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
