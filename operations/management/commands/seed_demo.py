"""Create the demo: cities, rounds, accounts and invented answers (safe to run again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.demo import (
    seed_answers,
    seed_consensus,
    seed_people,
    seed_plans,
    seed_rounds,
    seed_synthetic,
)
from surveys.models import Round


class Command(BaseCommand):
    help = (
        "Seed demo cities, rounds, accounts and invented answers. "
        "--cities N --officers M adds N synthetic cities for load tests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cities-file", type=Path, default=settings.BASE_DIR / "fixtures" / "cities.yaml"
        )
        parser.add_argument("--cities", type=int, default=0, help="synthetic cities to add")
        parser.add_argument("--officers", type=int, default=3, help="officers per synthetic city")

    def handle(
        self, *args: Any, cities_file: Path, cities: int, officers: int, **options: Any
    ) -> None:
        if cities < 0 or officers < 1:
            raise CommandError("--cities must be 0 or more and --officers 1 or more")
        seed_people(cities_file, settings.DEMO_PASSWORD)
        try:
            rounds = seed_rounds(cities_file)
        except ValueError as error:
            raise CommandError(f"{error}; run `manage.py load_bank --publish` first") from None
        if cities:
            seed_synthetic(cities, officers, settings.DEMO_PASSWORD, [r for r, _ in rounds])
        # In the open round, one officer per city has not started (to try the questionnaire)
        # and Mechelen's IT officer is halfway (so the tracker shows a draft).
        skip = {
            f"{slug}-urban-planning" for slug in ("rotterdam", "valenciennes", "antwerp", "norfolk")
        }
        partial = {"mechelen-it-and-data"}
        for round_, final_status in rounds:
            is_open = final_status == Round.Status.OPEN
            submitted = seed_answers(
                round_,
                skip=skip if is_open else set(),
                partial=partial if is_open else set(),
                final_status=final_status,
            )
            if submitted:
                self.stdout.write(f"{round_.title}: {submitted} demo responses submitted")
        # The first round's Antwerp gets a published consensus: the demo's agreed result.
        first_round = rounds[0][0]
        if seed_consensus(first_round):
            self.stdout.write(f"{first_round.title}: Antwerp's consensus published")
        # The follow-up of the first round's questionnaire: plans made after the first round.
        for round_, _status in rounds[1:]:
            if round_.questionnaire.key == first_round.questionnaire.key:
                planned = seed_plans(round_)
                if planned:
                    self.stdout.write(f"{round_.title}: action plans of {' and '.join(planned)}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
