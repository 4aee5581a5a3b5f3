"""Restore the app database (or another database on its server) from a backup_db file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations import pg_clients


class Command(BaseCommand):
    help = (
        "Replace the contents of the app database with a backup made by backup_db "
        "(--database restores into another database on the same server, created if missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="A .dump file written by backup_db.")
        parser.add_argument(
            "--database", help="Restore into this database on the same server instead."
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", default=True
        )

    def handle(
        self, *args: Any, backup: Path, database: str | None, interactive: bool, **options: Any
    ) -> None:
        if not backup.is_file():
            raise CommandError(f"No backup file at {backup}.")
        params = pg_clients.connection_params()
        target = database or params["dbname"]
        if interactive:
            answer = input(
                f"This replaces the contents of database {target!r} with {backup}.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        created = database is not None and pg_clients.database_create(params, database)
        try:
            pg_clients.run(
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(backup),
                params=params,
                dbname=target,
            )
        except subprocess.CalledProcessError as error:
            if created:
                pg_clients.database_drop(params, target)
            raise CommandError(f"pg_restore failed: {error.stderr.strip()}") from None
        self.stdout.write(f"Restored {backup} into database {target!r}.")
