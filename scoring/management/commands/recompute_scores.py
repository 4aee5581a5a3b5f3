"""Rescore every submitted response of one round or all rounds (e.g. after a threshold change)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.services import round_recompute
from surveys.models import Round
from surveys.structure import clear_cache


class Command(BaseCommand):
    help = "Recompute stored scores and city results from the answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", dest="round_id", type=int, help="only this round's id")

    def handle(self, *args: Any, round_id: int | None, **options: Any) -> None:
        clear_cache()
        rounds = Round.objects.select_related("questionnaire").order_by("pk")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
            if not rounds.exists():
                raise CommandError(f"No round with id {round_id}")
        for round_ in rounds:
            started = time.perf_counter()
            report = round_recompute(round=round_)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"{round_.title}: {report.responses} responses, {report.cities} cities "
                f"in {elapsed:.2f} s"
            )
