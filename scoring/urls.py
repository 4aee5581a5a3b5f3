"""URLs of results, dashboards, exports and reports."""

from django.urls import path

app_name = "scoring"

urlpatterns: list = []
