"""Django admin for user accounts, with GDPR erasure."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from surveys.privacy import user_erase

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class PolisUserAdmin(UserAdmin):
    actions = ["erase_personal_data"]

    @admin.action(description=_("Erase personal data (keeps the city's answers, pseudonymised)"))
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet) -> None:
        erased = 0
        for user in queryset.exclude(pk=request.user.pk):
            user_erase(user=user)
            erased += 1
        self.message_user(
            request, _("Erased %(count)d accounts.") % {"count": erased}, messages.SUCCESS
        )
