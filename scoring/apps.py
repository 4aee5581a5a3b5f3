"""App configuration for scoring: the engine's persisted results, dashboards and reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        # Connects the receivers that score a submitted response and forget a reopened one.
        from scoring import receivers  # noqa: F401
