"""The invitation's one-time link: it works once, expires, is nobody else's to use, and every link
that does not work gets the same page, which says nothing about any account."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from surveys.emails import set_password_path
from surveys.invitations import Invitee, invitation_revoke, invitations_create
from surveys.models import Invitation
from surveys.tokens import invitation_tokens
from tests import factories
from tests.web import by_id, html, text

User = get_user_model()
PASSWORD = "a-new-password-for-nora"


@pytest.fixture
def nora(current_round, city, facilitator, mailoutbox):
    """Invited to the round as a new officer of Rotterdam (the e-mail goes to the outbox)."""
    invitees = [Invitee("nora@rotterdam.example", "Nora Jansen", city, "Urban planning")]
    (invitation,) = invitations_create(
        round=current_round, invitees=invitees, by=facilitator
    ).invitations
    return invitation.user


def _set_password(client: Client, path: str, password: str = PASSWORD):
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def _main(page) -> str:
    """The page's main content (the rest holds a fresh CSRF token per request)."""
    return str(by_id(html(page), "main"))


def test_the_link_sets_the_password_once_and_then_gets_the_clear_page(nora):
    link = set_password_path(nora)

    first = _set_password(Client(), link)
    second = Client().get(link)

    assert first.status_code == 302
    nora.refresh_from_db()
    assert nora.check_password(PASSWORD)
    assert second.status_code == 200
    assert text(by_id(html(second), "invalid-link")) == (
        "This invitation link does not work: it was used already, it expired, or the invitation "
        "was withdrawn. Ask the POLIS facilitator who invited you to send it again."
    )


@pytest.mark.parametrize(
    ("age", "works"), [(-60, True), (1, False)], ids=["just_in_time", "expired"]
)
def test_the_link_expires_after_its_configured_time(nora, settings, monkeypatch, age, works):
    settings.INVITATION_LINK_TIMEOUT = 3 * 24 * 60 * 60
    link = set_password_path(nora)
    # Naive, as Django's token generator counts.
    later = datetime.now() + timedelta(seconds=settings.INVITATION_LINK_TIMEOUT + age)  # noqa: DTZ005
    monkeypatch.setattr(invitation_tokens, "_now", lambda: later)

    reply = _set_password(Client(), link)

    nora.refresh_from_db()
    assert nora.has_usable_password() is works
    assert reply.status_code == (302 if works else 200)
    assert Invitation.objects.get(user=nora).is_pending is not works


def test_every_link_that_does_not_work_gets_the_same_page(nora, colleague, monkeypatch):
    made_up = reverse(
        "surveys:invitation_accept", kwargs={"uidb64": "OTk5OTk5", "token": "cc6b5z-0123abcd"}
    )
    # A real account that was never invited, with a token made for it.
    uninvited = reverse(
        "surveys:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(colleague.pk)),
            "token": invitation_tokens.make_token(colleague),
        },
    )
    wrong_token = set_password_path(nora)[:-3] + "abc/"
    used = set_password_path(nora)
    _set_password(Client(), set_password_path(nora), PASSWORD)

    pages = [Client().get(path) for path in (made_up, uninvited, wrong_token, used)]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert len({_main(page) for page in pages}) == 1
    assert "invalid-link" in _main(pages[0])


def test_someone_signed_in_cannot_accept_another_persons_invitation(nora, colleague):
    link = set_password_path(nora)
    intruder = Client()
    intruder.force_login(colleague)

    page = intruder.get(link)
    posted = intruder.post(
        link.replace(link.split("/")[-2], "set-password"),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )

    assert page.status_code == 200
    assert "You are signed in: an invitation link works only" in page.content.decode()
    assert posted.status_code == 200
    nora.refresh_from_db()
    colleague.refresh_from_db()
    assert not nora.has_usable_password()
    assert not colleague.check_password(PASSWORD)
    assert Invitation.objects.get(user=nora).is_pending
    assert colleague.membership.department == "IT and data"
    # Nora herself, signed out, still can.
    assert _set_password(Client(), link).status_code == 302


def test_one_persons_token_does_not_open_another_persons_invitation(
    nora, current_round, city, facilitator, mailoutbox
):
    (other,) = invitations_create(
        round=current_round,
        invitees=[Invitee("omar@rotterdam.example", "Omar", city, "Finance")],
        by=facilitator,
    ).invitations
    token = set_password_path(nora).split("/")[-2]
    swapped = reverse(
        "surveys:invitation_accept",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(other.user.pk)), "token": token},
    )

    reply = _set_password(Client(), swapped)

    assert reply.status_code == 200
    other.user.refresh_from_db()
    assert not other.user.has_usable_password()


def test_invitation_and_password_reset_links_do_not_open_each_other(nora, officer):
    uid = urlsafe_base64_encode(force_bytes(nora.pk))
    reset_token_on_invitation = reverse(
        "surveys:invitation_accept",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(nora)},
    )
    officer_uid = urlsafe_base64_encode(force_bytes(officer.pk))
    invitation_token_on_reset = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": officer_uid, "token": invitation_tokens.make_token(officer)},
    )

    assert _set_password(Client(), reset_token_on_invitation).status_code == 200
    assert Client().get(invitation_token_on_reset).context["validlink"] is False
    nora.refresh_from_db()
    assert not nora.has_usable_password()


def test_a_revoked_invitation_for_an_account_that_existed_leaves_it_but_kills_the_link(
    current_round, city, facilitator, mailoutbox
):
    person = factories.UserFactory(email="kim@rotterdam.example")
    person.set_unusable_password()  # made in the admin without a password
    person.save()
    (invitation,) = invitations_create(
        round=current_round,
        invitees=[Invitee(person.email, "Kim", city, "Finance")],
        by=facilitator,
    ).invitations
    assert invitation.is_pending
    link = set_password_path(person)

    invitation_revoke(invitation=invitation)

    assert User.objects.filter(pk=person.pk).exists()
    assert _set_password(Client(), link).status_code == 200
    person.refresh_from_db()
    assert not person.has_usable_password()
