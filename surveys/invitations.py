"""Invitations: a facilitator makes a person an officer of a round's city by e-mail address; a new
account gets a one-time link to set its password. Also resending, revoking and joining."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.emails import absolute_url, email_send, email_to, mail_server, set_password_path
from surveys.models import City, Invitation, Membership, Response, Round


@dataclass(frozen=True)
class Invitee:
    """Who to invite: one row of the form or of the CSV file, validated."""

    email: str
    name: str
    city: City
    department: str


@dataclass(frozen=True)
class InvitationsSent:
    invitations: list[Invitation]
    not_sent: list[Invitation]  # the mail server could not be reached or refused them


class InvitationAccepted(Exception):
    """The person has joined already: there is nothing left to revoke."""


def accounts_with_address(email: str) -> list[User]:
    """The accounts an address names: by e-mail address, or by username (an invited account's
    username is its address), in any case."""
    return list(
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).select_related(
            "membership__city"
        )[:2]
    )


def invitee_refusal(*, round: Round, email: str, city: City) -> str | None:
    """Why this address cannot be invited to ``round`` as an officer of ``city``; None if it can.

    An existing account joins the city only if it belongs to no other: moving an officer to
    another city is an administrator's decision (their earlier responses stay with the old one).
    """
    accounts = accounts_with_address(email)
    if len(accounts) > 1:
        return _("Several accounts have this address; an administrator must sort them out first.")
    if not accounts:
        return None
    account = accounts[0]
    if not account.is_active:
        return _(
            "The account with this address is deactivated; an administrator can reactivate it."
        )
    membership = getattr(account, "membership", None)
    if membership is not None and membership.city_id != city.pk:
        return _(
            "This person is an officer of %(city)s; an administrator can move them to another city."
        ) % {"city": membership.city.name}
    if Invitation.objects.filter(round=round, user=account).exists():
        return _("This person has been invited to this round already.")
    return None


def invitations_create(*, round: Round, invitees: Sequence[Invitee], by: User) -> InvitationsSent:
    """Invite every invitee (all or none), then send each their e-mail.

    A new address gets an account that cannot sign in until its person sets a password with the
    invitation's link; an existing account joins the city (if it has none) and can sign in at
    once, so its invitation is accepted when made.
    """
    now = timezone.now()
    with transaction.atomic():
        invitations = [_invitation_create(round, invitee, by, now) for invitee in invitees]
    return _invitations_send(invitations, by)


def _invitation_create(round: Round, invitee: Invitee, by: User, now: datetime) -> Invitation:
    accounts = accounts_with_address(invitee.email)
    user = accounts[0] if accounts else None
    created = user is None
    if user is None:
        user = User(username=invitee.email.lower(), email=invitee.email, first_name=invitee.name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif not user.email:  # found by its username: the invitation goes to the address typed
        user.email = invitee.email
        user.save(update_fields=["email"])
    Membership.objects.get_or_create(
        user=user, defaults={"city": invitee.city, "department": invitee.department}
    )
    invitation = Invitation(
        round=round,
        user=user,
        invited_by=by,
        created_at=now,
        created_account=created,
        accepted_at=now if user.has_usable_password() else None,
    )
    invitation.full_clean()
    invitation.save()
    return invitation


def _invitations_send(invitations: Sequence[Invitation], by: User) -> InvitationsSent:
    not_sent = []
    with mail_server() as connection:
        for invitation in invitations:
            if email_send(invitation_email(invitation, by), connection):
                invitation.sent_at = timezone.now()
                invitation.save(update_fields=["sent_at"])
            else:
                not_sent.append(invitation)
    return InvitationsSent(invitations=list(invitations), not_sent=not_sent)


def invitation_email(invitation: Invitation, by: User) -> EmailMultiAlternatives:
    """The invitation's e-mail: the round, the city and department, and either the one-time link
    to set a password (a new account) or the link to the round (an account that can sign in)."""
    user = invitation.user
    membership = Membership.objects.select_related("city").get(user=user)
    context = {
        "round": invitation.round,
        "city": membership.city,
        "department": membership.department,
        "inviter": by.get_full_name() or by.get_username(),
        "round_url": absolute_url(reverse("surveys:resume", args=[invitation.round_id])),
        "username": user.get_username(),
    }
    if invitation.is_pending:
        context["set_password_url"] = absolute_url(set_password_path(user))
        context["link_days"] = settings.INVITATION_LINK_TIMEOUT // (24 * 60 * 60)
    return email_to(user, "invitation", context, reply_to=by.email)


def invitation_resend(*, invitation: Invitation, by: User) -> bool:
    """Send a pending invitation again, with a new link; the links sent before stop working
    (the account's unusable password is renewed, and the token hashes it). Whether it was sent."""
    if not invitation.is_pending:
        raise InvitationAccepted(_("This person has joined already."))
    user = invitation.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return not _invitations_send([invitation], by).not_sent


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    """Withdraw a pending invitation. Unless the person has other invitations, the account it
    made goes too (with its membership), and an account that existed before stays but no link
    sent to it works any more."""
    locked = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not locked.is_pending:
        raise InvitationAccepted(_("This person has joined already: there is nothing to revoke."))
    user = locked.user
    locked.delete()
    if Invitation.objects.filter(user=user).exists():
        return
    never_used = user.last_login is None and not Response.objects.filter(respondent=user).exists()
    if locked.created_account and never_used and not user.has_usable_password():
        user.delete()
    elif not user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])


def invitation_accept(*, user: User) -> int:
    """The person set their password with an invitation's link: every invitation of theirs
    still pending is accepted. How many."""
    return Invitation.objects.filter(user=user).pending().update(accepted_at=timezone.now())
