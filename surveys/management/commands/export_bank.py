"""Write a stored questionnaire back out as a bank YAML file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.banks.files import bank_dump
from surveys.banks.store import bank_read
from surveys.models import Questionnaire


class Command(BaseCommand):
    help = "Export a questionnaire (by key and version, default the latest) as bank YAML."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` picks the bank version (docs/question-banks.md), so it replaces
        # Django's own `--version`, which would otherwise make the parser refuse to build.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key")
        parser.add_argument("--version", dest="bank_version", type=int, default=None)
        parser.add_argument("--output", "-o", default="-", help="file path, or - for stdout")

    def handle(
        self, *args: Any, key: str, bank_version: int | None, output: str, **options: Any
    ) -> None:
        questionnaires = Questionnaire.objects.filter(key=key)
        if bank_version is not None:
            questionnaires = questionnaires.filter(version=bank_version)
        questionnaire = questionnaires.order_by("-version").first()
        if questionnaire is None:
            raise CommandError(
                f"No questionnaire with key {key!r}"
                + (f" and version {bank_version}" if bank_version else "")
            )
        text = bank_dump(bank_read(questionnaire))
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Wrote {questionnaire.key} v{questionnaire.version} to {output}")
