"""Django admin for user accounts, with the GDPR erasure action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from operations.privacy import user_erase

admin.site.unregister(User)


@admin.register(User)
class PolisUserAdmin(UserAdmin):
    """Django's user admin, plus erasing the selected people (never the admin doing it)."""

    actions = ["erase_personal_data"]

    @admin.action(description=_("Erase personal data (keeps the city's answers, pseudonymised)"))
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        erased = 0
        for user in queryset.exclude(username=request.user.get_username()):
            user_erase(user=user)
            erased += 1
        message = ngettext("Erased %(count)d account.", "Erased %(count)d accounts.", erased)
        self.message_user(request, message % {"count": erased}, messages.SUCCESS)
