"""Results pages and their JSON: one city's stages, spread and next steps."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from scoring import charts
from scoring.change import city_change, round_change
from scoring.commitments import commitments_state, rule_grid
from scoring.consensus import agreed_context, agreed_json, published_cities
from scoring.dashboard import RADAR_CITIES, CityRow, Dashboard, dashboard_for
from scoring.divergence import divergence_for
from scoring.exchanges import dashboard_networks, network_context
from scoring.exports import SHEET_TITLES
from scoring.plan_progress import plan_context, plans_json, plans_overview
from scoring.results import city_report, peer_figures
from scoring.selectors import peer_minimum_for, round_and_city_for, round_for_results
from surveys.models import Questionnaire
from surveys.selectors import round_for_facilitator
from surveys.structure import bank_for


@require_safe
def city_results(request: HttpRequest, round_id: int, city_slug: str) -> HttpResponse:
    round_, city = round_and_city_for(request.user, round_id, city_slug)
    report = city_report(round_, city, peer_figures(round_, city, peer_minimum_for(request.user)))
    context: dict[str, object] = {
        "report": report,
        "round": round_,
        "city": city,
        **agreed_context(round_, city, report),
        "commitments": commitments_state(round_, city),
    }
    own_change = city_change(round_, city) if report.has_result else None
    if report.has_result:
        if own_change is not None:
            context["own_change"] = own_change
            context["own_change_figure"] = charts.change_bars(
                own_change.rows[:-1], own_change.previous.title, round_.title
            )
        context["divergence"] = divergence_for(round_, city)
        context["radar_figure"] = charts.radar(report.dimensions, city.name)
        context["radar_bars_figure"] = charts.grouped_bars(
            [row.title for row in report.dimensions],
            [(city.name, [row.score for row in report.dimensions])],
            [row.cross_city_median for row in report.dimensions],
        )
        context["departments_figure"] = charts.department_dots(
            report.dimensions, report.departments
        )
        context.update(network_context(round_, city.pk))
    context.update(plan_context(round_, report, own_change, peer_minimum_for(request.user)))
    return render(request, "scoring/city_results.html", context)


@require_safe
def city_results_json(request: HttpRequest, round_id: int, city_slug: str) -> JsonResponse:
    round_, city = round_and_city_for(request.user, round_id, city_slug)
    peers = peer_figures(round_, city, peer_minimum_for(request.user))
    plan = plans_json(round_.questionnaire.key, [city])[city.pk]
    return JsonResponse(
        {
            **city_report(round_, city, peers).as_json(),
            "agreed": agreed_json(round_, city),
            "plan": plan,
        }
    )


@require_safe
def round_results_json(request: HttpRequest, round_id: int) -> JsonResponse:
    round_, cities = round_for_results(request.user, round_id)
    minimum = peer_minimum_for(request.user)
    # Facilitators' medians are the same for every city; an officer's depend on their city.
    shared = peer_figures(round_, cities[0], None) if minimum is None and cities else None
    agreed = published_cities(round_)  # one query: most cities have no agreed result
    plans = plans_json(round_.questionnaire.key, cities)  # one query for every city
    return JsonResponse(
        {
            "round": {"id": round_.pk, "title": round_.title, "demo_data": round_.is_demo},
            "cities": [
                {
                    **city_report(
                        round_, city, shared or peer_figures(round_, city, minimum)
                    ).as_json(),
                    "agreed": agreed_json(round_, city) if city.pk in agreed else None,
                    "plan": plans[city.pk],
                }
                for city in cities
            ],
        }
    )


# Cities per page of the dashboard's heatmap and table; the medians, the stages and the radar
# take every city the filters keep.
DASHBOARD_PAGE_SIZE = 50


@require_safe
def dashboard(request: HttpRequest, round_id: int) -> HttpResponse:
    """Facilitators compare every city of a round: heatmap, stages, radar and the table."""
    round_ = round_for_facilitator(request.user, round_id)
    board = dashboard_for(round_, request.GET)
    page = Paginator(board.rows, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    others = request.GET.copy()  # the filters, for the links to other pages
    others.pop("page", None)
    distribution = board.stage_distribution
    heatmap = board.heatmap_data(list(page))
    overlay_figure, overlay_bars_figure = _overlay_figures(board, list(page))
    context = {
        "round": round_,
        "board": board,
        "page": page,
        "city_networks": dashboard_networks(round_, [row.city for row in page]),
        "page_query": others.urlencode(),
        "radar_cities": RADAR_CITIES,
        "exports": SHEET_TITLES,
        "heatmap_figure": charts.stage_heatmap(heatmap),
        "heatmap_bars_figure": charts.stage_bars(heatmap),
        "distribution_figure": charts.stage_distribution(
            [f"{s.level}. {s.name}" for s, _ in distribution],
            [count for _, count in distribution],
        ),
        "change": board.change,
        "rule_grid": rule_grid(round_, [row.city for row in page]),
        "plans": plans_overview(
            round_.questionnaire.key, [row.city.pk for row in board.rows], timezone.localdate()
        ),
        "overlay_figure": overlay_figure,
        "overlay_bars_figure": overlay_bars_figure,
    }
    return render(request, "scoring/dashboard.html", context)


def _overlay_figures(board: Dashboard, page: list[CityRow]) -> tuple[charts.Figure, charts.Figure]:
    """The cities side by side, for wide screens and for phones: a radar and its bars, or, when
    one dimension is shown, a bar per city on the page for both (as the heatmap has a row per
    city on the page)."""
    if board.one_dimension:
        (section,) = board.sections
        bars = charts.city_bars(
            section.dimension.title,
            [(row.city.name, row.cells[0].score) for row in page if row.has_result],
            board.medians[0],
            board.median_label,
        )
        return bars, bars
    titles = [s.dimension.title for s in board.sections]
    overlay = [(row.city.name, [cell.score for cell in row.cells]) for row in board.overlay_rows]
    return (
        charts.radar_overlay(titles, overlay, board.medians, board.median_label),
        charts.grouped_bars(titles, overlay, board.medians, median_name=board.median_label),
    )


@require_safe
def round_change_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every city's scores against the previous round of the questionnaire, per dimension."""
    round_ = round_for_facilitator(request.user, round_id)
    context = {"round": round_, "change": round_change(round_)}
    return render(request, "scoring/round_change.html", context)


@require_safe
def scoring_explained(request: HttpRequest) -> HttpResponse:
    """How answers become scores, stages and next steps, with each published bank's stages."""
    banks = [
        bank_for(questionnaire)
        for questionnaire in Questionnaire.objects.filter(
            status=Questionnaire.Status.PUBLISHED
        ).order_by("key", "-version")
    ]
    latest = {bank.questionnaire.key: bank for bank in reversed(banks)}
    return render(request, "scoring/how_scoring_works.html", {"banks": list(latest.values())})
