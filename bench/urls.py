"""The project's URLs plus the ceiling views the benchmark compares our pages with."""

from django.urls import path

from bench import ceiling
from polis_assess.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/bare/", ceiling.bare, name="bench_bare"),
    path("bench/one-query/", ceiling.one_query, name="bench_one_query"),
    path("bench/signed-in/", ceiling.signed_in, name="bench_signed_in"),
    *project_urlpatterns,
]
