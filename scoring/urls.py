"""URLs of results, dashboards, exports and reports."""

app_name = "scoring"

urlpatterns: list = []
