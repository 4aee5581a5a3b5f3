"""URLs of the operations app, under /account/: the signed-in person's own data."""

from django.urls import path

from operations import views

# No app_name: the URL keeps its project-wide name, "my_data".
urlpatterns = [
    path("my-data.json", views.my_data, name="my_data"),
]
