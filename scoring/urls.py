"""URLs of results, dashboards, exports and reports."""

from django.urls import path

from scoring import views

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
    path("rounds/<int:round_id>/results.json", views.round_results_json, name="round_results_json"),
]
