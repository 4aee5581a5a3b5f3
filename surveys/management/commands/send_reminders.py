"""Send the reminders due today to officers who have not submitted; meant to run every hour."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.reminders import reminder_steps, reminders_send_due


class Command(BaseCommand):
    help = (
        "Remind officers who have not submitted, at each step before their round's deadline "
        "(settings.REMINDER_DAYS_BEFORE, and the day itself), once per officer, round and step. "
        "Safe to run at any time and several at once; run it every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = reminders_send_due(today=timezone.localdate())
        per_step = ", ".join(
            f"{step} days before: {outcome.sent[step]}"
            if step
            else f"on the day: {outcome.sent[step]}"
            for step in reminder_steps()
        )
        self.stdout.write(
            f"Reminders sent: {outcome.total} ({per_step}); already sent by another run: "
            f"{outcome.already_sent}; failed: {outcome.failed}"
        )
        if outcome.failed:
            # A failure leaves no record, so the next run tries again; the exit status tells cron.
            raise CommandError(f"{outcome.failed} reminder(s) could not be sent (logged above)")
