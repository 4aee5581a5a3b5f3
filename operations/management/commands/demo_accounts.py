"""Print how to log in to the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from surveys.models import Membership


class Command(BaseCommand):
    help = "List the demo accounts and their shared password."

    def handle(self, *args: Any, **options: Any) -> None:
        users = (
            get_user_model()
            .objects.filter(username__in=["admin", "facilitator"])
            .order_by("username")
        )
        self.stdout.write("")
        self.stdout.write("POLIS Assess demo — http://127.0.0.1:8000")
        self.stdout.write(f"All demo accounts use the password: {settings.DEMO_PASSWORD}")
        for user in users:
            role = "admin (Django admin at /admin/)" if user.is_superuser else "POLIS facilitator"
            self.stdout.write(f"  {user.username:<30} {role}")
        memberships = (
            Membership.objects.select_related("user", "city")
            .exclude(city__slug__startswith="demo-city-")
            .order_by("city__name", "department")
        )
        for membership in memberships:
            self.stdout.write(
                f"  {membership.user.username:<30} officer, {membership.city.name} ({membership.department})"
            )
        self.stdout.write("Answers in the demo rounds are invented, not the cities' real results.")
        self.stdout.write("")
