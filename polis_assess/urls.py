"""Top-level URL map: auth pages, admin, health check, keep-alive and the apps' own URLs.

Apps are included by module name, so this project package imports none of them.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from polis_assess import views
from polis_assess.password_reset import ThrottledPasswordResetView

urlpatterns = [
    path("", include("surveys.home_views")),
    path("", include("surveys.language_views")),
    path("health/", views.health, name="health"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("account/", include("operations.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # Before Django's own reset page, which it replaces.
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls")),
    path("", include("scoring.urls")),
]

admin.site.site_header = _("POLIS Assess administration")
admin.site.site_title = _("POLIS Assess admin")
admin.site.index_title = _("Question banks, cities and rounds")
