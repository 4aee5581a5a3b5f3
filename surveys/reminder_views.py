"""A facilitator's "remind now": one officer, or every officer of a city who has not submitted."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from surveys.reminders import officers_to_remind, reminders_send_now
from surveys.selectors import round_for_facilitator, signed_in


@require_POST
def remind(request: HttpRequest, round_id: int) -> HttpResponse:
    """Posted ``officer`` (a user id) or ``city`` (a slug): who to remind, among the round's
    officers who have not submitted; back to ``next`` (the tracker) afterwards."""
    round_ = round_for_facilitator(request.user, round_id)
    officer, city = request.POST.get("officer", ""), request.POST.get("city", "")
    officers = officers_to_remind(round_)
    if officer.isdigit():
        officers = officers.filter(pk=int(officer))
    elif city:
        officers = officers.filter(membership__city__slug=city)
    else:
        officers = officers.none()
    if not round_.is_open:
        messages.error(
            request, _("This round is closed: there is nothing left to remind anyone of.")
        )
    else:
        sent = reminders_send_now(round=round_, officers=officers, by=signed_in(request))
        if sent.total:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder was sent.", "%(count)d reminders were sent.", sent.total
                )
                % {"count": sent.total},
            )
        if sent.failed:
            messages.error(
                request,
                ngettext(
                    "%(count)d reminder could not be sent. Try again later.",
                    "%(count)d reminders could not be sent. Try again later.",
                    sent.failed,
                )
                % {"count": sent.failed},
            )
        if not sent.total and not sent.failed:
            messages.info(
                request,
                _("Nobody to remind: everyone asked for has submitted or has no e-mail address."),
            )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return redirect(next_url)
