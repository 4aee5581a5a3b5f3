"""URLs of the questionnaire-taking pages (an officer's own response to a round)."""

from django.urls import path

from surveys import questionnaire_views, review_views, views

app_name = "surveys"

urlpatterns = [
    path("rounds/<int:round_id>/", views.resume, name="resume"),
    path("rounds/<int:round_id>/sections/<slug:code>/", views.section, name="section"),
    path("rounds/<int:round_id>/sections/<slug:code>/autosave/", views.autosave, name="autosave"),
    path("rounds/<int:round_id>/all/", questionnaire_views.questionnaire, name="questionnaire"),
    path(
        "rounds/<int:round_id>/all/autosave/",
        questionnaire_views.questionnaire_autosave,
        name="questionnaire_autosave",
    ),
    path("rounds/<int:round_id>/review/", review_views.review, name="review"),
    path("rounds/<int:round_id>/submit/", review_views.submit, name="submit"),
    path("responses/<int:response_id>/reopen/", review_views.reopen, name="reopen"),
]
