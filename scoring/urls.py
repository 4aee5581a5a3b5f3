"""URLs of results, dashboards, exports and reports."""

from django.urls import path

from scoring import consensus_views, facilitator_views, plan_views, report_views, views

app_name = "scoring"

urlpatterns = [
    path(
        "rounds/<int:round_id>/cities/<slug:city_slug>/results/",
        views.city_results,
        name="city_results",
    ),
    path(
        "rounds/<int:round_id>/cities/<slug:city_slug>/results.json",
        views.city_results_json,
        name="city_results_json",
    ),
    path("rounds/<int:round_id>/dashboard/", views.dashboard, name="dashboard"),
    path("rounds/<int:round_id>/change/", views.round_change_page, name="round_change"),
    path("rounds/<int:round_id>/tracker/", facilitator_views.tracker, name="tracker"),
    path("rounds/<int:round_id>/status/", facilitator_views.round_status, name="round_status"),
    path(
        "rounds/<int:round_id>/deadline/", facilitator_views.round_deadline, name="round_deadline"
    ),
    path(
        "rounds/<int:round_id>/capacity-round/",
        facilitator_views.round_capacity_round,
        name="round_capacity_round",
    ),
    path(
        "rounds/<int:round_id>/exports/<slug:kind>.<str:file_format>",
        facilitator_views.export,
        name="export",
    ),
    path(
        "rounds/<int:round_id>/cities/<slug:city_slug>/report/",
        report_views.city_report_page,
        name="city_report",
    ),
    path(
        "rounds/<int:round_id>/cities/<slug:city_slug>/report.pdf",
        report_views.city_report_download,
        name="city_report_pdf",
    ),
    path(
        "rounds/<int:round_id>/cities/<slug:city_slug>/consensus/",
        consensus_views.consensus_page,
        name="consensus",
    ),
    path("cities/<slug:city_slug>/plans/<slug:key>/", plan_views.plan, name="plan"),
    path(
        "cities/<slug:city_slug>/plans/<slug:key>/actions/new/",
        plan_views.action_new,
        name="action_new",
    ),
    path(
        "cities/<slug:city_slug>/plans/<slug:key>/actions/<int:action_id>/",
        plan_views.action_page,
        name="action",
    ),
    path(
        "cities/<slug:city_slug>/plans/<slug:key>/actions/<int:action_id>/status/",
        plan_views.action_status,
        name="action_status",
    ),
    path("how-scoring-works/", views.scoring_explained, name="explained"),
    path("rounds/<int:round_id>/results.json", views.round_results_json, name="round_results_json"),
]
