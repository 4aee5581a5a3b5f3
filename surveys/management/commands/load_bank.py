"""Load question bank files into the database, validating each whole file first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from surveys.banks.files import bank_load_file
from surveys.banks.spec import BankInvalid
from surveys.banks.store import bank_write, questionnaire_publish, rule_capacity_errors
from surveys.models import Questionnaire


class Command(BaseCommand):
    help = "Validate and load question bank YAML files (as drafts, or published with --publish)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish after loading")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="leave a bank alone when its key and version are already published",
        )

    def handle(
        self, *args: Any, paths: list[Path], publish: bool, skip_existing: bool, **options: Any
    ) -> None:
        specs = []
        problems = []
        for path in paths:
            try:
                specs.append((path, bank_load_file(path)))
            except BankInvalid as error:
                problems.append(str(error))
        loaded = [spec for _path, spec in specs]
        for path, spec in specs:
            if errors := rule_capacity_errors(spec, loaded):
                problems.append(str(BankInvalid(errors, str(path))))
        if problems:
            raise CommandError("Nothing was loaded.\n" + "\n".join(problems))
        try:
            with transaction.atomic():
                for path, spec in specs:
                    existing = Questionnaire.objects.filter(
                        key=spec.key, version=spec.version
                    ).first()
                    if skip_existing and existing is not None and not existing.is_editable:
                        self.stdout.write(
                            f"{path}: {spec.key} v{spec.version} already {existing.status}, skipped"
                        )
                        continue
                    try:
                        questionnaire = bank_write(spec=spec)
                        if publish:
                            questionnaire = questionnaire_publish(questionnaire=questionnaire)
                    except BankInvalid as error:
                        # Name the file, as the validation errors of the first pass do.
                        raise BankInvalid(error.errors, str(path)) from None
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"{path}: loaded {spec.key} v{spec.version} "
                            f"({len(spec.dimensions)} dimensions, {len(spec.questions())} questions) "
                            f"as {questionnaire.status}"
                        )
                    )
        except BankInvalid as error:
            raise CommandError(f"Nothing was loaded.\n{error}") from None
