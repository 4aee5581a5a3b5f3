"""URLs of the questionnaire-taking pages."""

from django.urls import path

app_name = "surveys"

urlpatterns: list = []
