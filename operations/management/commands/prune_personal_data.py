"""Retention: delete expired sessions and log-in records older than a given age."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from operations.privacy import personal_data_prune


class Command(BaseCommand):
    help = (
        "Delete expired sessions and login attempts/logs older than --days (default from settings)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.PERSONAL_DATA_RETENTION_DAYS)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        counts = personal_data_prune(older_than_days=days)
        self.stdout.write(", ".join(f"{name}: {count} deleted" for name, count in counts.items()))
