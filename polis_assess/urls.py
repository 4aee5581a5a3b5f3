"""Top-level URL map: auth pages, admin, health check and the two apps."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from polis_assess import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("account/my-data.json", views.my_data, name="my_data"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls")),
    path("", include("scoring.urls")),
]

admin.site.site_header = "POLIS Assess administration"
admin.site.site_title = "POLIS Assess admin"
admin.site.index_title = "Question banks, cities and rounds"
