"""Invitations: the facilitator's page (invite one person or a CSV file of them, resend, revoke),
and the invited person's one-time page to set a password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from polis_assess.uploads import accepts_upload
from surveys.invitation_forms import (
    UPLOAD_MAX_BYTES,
    InvitationForm,
    InvitationUploadForm,
    invitees_from_csv,
)
from surveys.invitations import (
    InvitationAccepted,
    InvitationsSent,
    invitation_accept,
    invitation_resend,
    invitation_revoke,
    invitations_create,
)
from surveys.models import Invitation, Round
from surveys.selectors import (
    invitation_for_facilitator,
    is_facilitator,
    pending_invitations,
    round_for_facilitator,
    signed_in,
)
from surveys.tokens import invitation_tokens


@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's pending invitations, and the form that invites one more person."""
    round_ = round_for_facilitator(request.user, round_id)
    form = InvitationForm(request.POST if request.method == "POST" else None, round=round_)
    if form.is_valid():
        sent = invitations_create(round=round_, invitees=[form.invitee()], by=signed_in(request))
        _tell_sent(request, sent)
        return redirect("surveys:invitations", round_id=round_.pk)
    return _invitations_page(request, round_, form=form)


def _facilitator_request(request: HttpRequest) -> bool:
    return is_facilitator(request.user)


@accepts_upload(max_bytes=UPLOAD_MAX_BYTES, permits=_facilitator_request)
@require_POST
def invitations_upload(request: HttpRequest, round_id: int) -> HttpResponse:
    """Invite everyone a CSV file names, or nobody when any row is wrong (each error names its
    row). The one view that takes a file (`polis_assess.uploads`)."""
    round_ = round_for_facilitator(request.user, round_id)
    upload = InvitationUploadForm(request.POST, request.FILES)
    row_errors: list[str] = []
    if upload.is_valid():
        invitees, row_errors = invitees_from_csv(round_, upload.cleaned_data["file"])
        if not row_errors:
            sent = invitations_create(round=round_, invitees=invitees, by=signed_in(request))
            _tell_sent(request, sent)
            return redirect("surveys:invitations", round_id=round_.pk)
    return _invitations_page(request, round_, upload=upload, row_errors=row_errors)


def _invitations_page(
    request: HttpRequest,
    round_: Round,
    *,
    form: InvitationForm | None = None,
    upload: InvitationUploadForm | None = None,
    row_errors: list[str] | None = None,
) -> HttpResponse:
    form = form or InvitationForm(round=round_)
    upload = upload or InvitationUploadForm()
    context = {
        "round": round_,
        "form": form,
        "upload": upload,
        "row_errors": row_errors or [],
        "pending": pending_invitations(round_),
    }
    failed = form.errors or upload.errors or row_errors
    return render(request, "surveys/invitations.html", context, status=400 if failed else 200)


def _tell_sent(request: HttpRequest, sent: InvitationsSent) -> None:
    delivered = len(sent.invitations) - len(sent.not_sent)
    if delivered:
        messages.success(
            request,
            ngettext(
                "%(count)d invitation was sent.", "%(count)d invitations were sent.", delivered
            )
            % {"count": delivered},
        )
    if sent.not_sent:
        messages.error(
            request,
            ngettext(
                "%(count)d invitation was made but its e-mail could not be sent: send it again "
                "from the list below.",
                "%(count)d invitations were made but their e-mails could not be sent: send them "
                "again from the list below.",
                len(sent.not_sent),
            )
            % {"count": len(sent.not_sent)},
        )


@require_POST
def resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_facilitator(request.user, invitation_id)
    try:
        delivered = invitation_resend(invitation=invitation, by=signed_in(request))
    except InvitationAccepted as error:
        messages.error(request, str(error))
    else:
        if delivered:
            messages.success(
                request,
                _("The invitation to %(email)s was sent again; the earlier link no longer works.")
                % {"email": invitation.user.email},
            )
        else:
            messages.error(request, _("The e-mail could not be sent. Try again later."))
    return redirect("surveys:invitations", round_id=invitation.round_id)


@require_POST
def revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_facilitator(request.user, invitation_id)
    try:
        invitation_revoke(invitation=invitation)
    except InvitationAccepted as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was revoked; its link no longer works.")
            % {"email": invitation.user.email},
        )
    return redirect("surveys:invitations", round_id=invitation.round_id)


class InvitationAcceptView(PasswordResetConfirmView):
    """Django's set-password page for an invitation's one-time link (its token moves into the
    session, so the address bar and referrers never show it).

    Every link that does not work, whatever the reason (made up, expired, used, revoked, or
    opened while someone is signed in), gets the same page, which says nothing about any
    account. An invited person cannot be signed in (their account has no password yet), so a
    signed-in visitor is someone else: the link is never theirs to accept.
    """

    template_name = "surveys/invitation_accept.html"
    token_generator = invitation_tokens
    reset_url_token = "set-password"  # noqa: S105  a path segment, not a secret
    success_url = reverse_lazy("login")

    def get_user(self, uidb64: str) -> User | None:
        if self.request.user.is_authenticated:
            return None
        user = super().get_user(uidb64)
        if user is None or not Invitation.objects.filter(user=user.pk).pending().exists():
            return None
        return user

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            invitation_accept(user=form.user)
        messages.success(
            self.request,
            _("Your password is set. Sign in with your username, %(username)s, and that password.")
            % {"username": form.user.get_username()},
        )
        return response
