"""URLs of the questionnaire-taking pages (an officer's own response to a round), and of
invitations and reminders."""

from django.urls import path

from surveys import (
    invitation_views,
    questionnaire_views,
    reminder_views,
    review_views,
    views,
)

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
    path("rounds/<int:round_id>/invitations/", invitation_views.invitations, name="invitations"),
    path(
        "rounds/<int:round_id>/invitations/upload/",
        invitation_views.invitations_upload,
        name="invitations_upload",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        invitation_views.resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitation_views.revoke,
        name="invitation_revoke",
    ),
    # Public: the invited person has no password yet. The token moves into the session and the
    # address becomes .../set-password/ (Django's password-reset page).
    path(
        "welcome/<uidb64>/<token>/",
        invitation_views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("rounds/<int:round_id>/remind/", reminder_views.remind, name="remind"),
]
