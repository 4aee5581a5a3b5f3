"""Stop the embedded PostgreSQL under var/ (make db-stop); the next command that needs it starts
it again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from polis_assess.embedded_postgres.base import stop_server


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL server (not one reached through DATABASE_URL)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASE_URL:
            raise CommandError(
                "DATABASE_URL is set: that server is not ours to stop; stop it where it runs."
            )
        if stop_server(settings.EMBEDDED_PGDATA):
            self.stdout.write(f"Stopped the embedded PostgreSQL in {settings.EMBEDDED_PGDATA}.")
        else:
            self.stdout.write(
                f"The embedded PostgreSQL in {settings.EMBEDDED_PGDATA} is not running."
            )
