"""Back up the app database with pg_dump (custom format) into var/backups/polis-<time>.dump."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from operations import pg_clients


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the app database; restore it with restore_db."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Folder for polis-<YYYYmmdd-HHMMSS>.dump (default: var/backups).",
        )
        parser.add_argument("--output", type=Path, help="Exact file to write instead.")

    def handle(self, *args: Any, directory: Path, output: Path | None, **options: Any) -> None:
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = directory / f"polis-{stamp}.dump"
        if output.exists():
            raise CommandError(f"{output} already exists; not overwriting it.")
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        params = pg_clients.connection_params()
        try:
            pg_clients.run(
                "pg_dump", "--format=custom", "--compress=6", f"--file={output}", params=params
            )
        except subprocess.CalledProcessError as error:
            output.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {error.stderr.strip()}") from None
        output.chmod(0o600)  # a backup holds personal data
        self.stdout.write(
            f"Backed up database {params['dbname']!r} to {output} ({output.stat().st_size} bytes)."
        )
