"""Inviting one officer: a new address gets an account and a one-time link over real SMTP, an
existing account joins the city, refusals, resending, revoking, and who may invite."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from surveys.models import Invitation, Membership
from tests import factories, smtp
from tests.web import by_id, find_all, html, text

User = get_user_model()
SITE = "https://assess.example.org"
NEW_PASSWORD = "a-new-password-for-nora"
NORA = {
    "email": "Nora.Jansen@Rotterdam.example",
    "name": "Nora Jansen",
    "department": "Urban planning",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.POLIS_SITE_URL = SITE


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _invitations_url(round_):
    return reverse("surveys:invitations", kwargs={"round_id": round_.pk})


def _invite(client, round_, city, **fields):
    return client.post(_invitations_url(round_), {**NORA, "city": city.pk, **fields})


def _path(link: str) -> str:
    assert link.startswith(SITE + "/")
    return link.removeprefix(SITE)


def _set_password(client: Client, link: str, password: str = NEW_PASSWORD):
    """Follow an invitation link as its person does: to the form, then post the password."""
    opened = client.get(_path(link))
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"])
    assert form.status_code == 200
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def test_a_new_officer_gets_a_link_over_smtp_sets_a_password_signs_in_and_sees_the_round(
    facilitator_client, current_round, city, smtp_inbox
):
    reply = _invite(facilitator_client, current_round, city)

    assert reply.status_code == 302
    (message,) = smtp_inbox.messages
    assert message["To"] == "Nora.Jansen@rotterdam.example"  # Django lowers the domain
    assert (
        smtp.subject(message) == "Invitation to POLIS Assess: Session 1 current round (Rotterdam)"
    )
    body = smtp.part(message, "text/plain")
    welcome, round_link, site = smtp.links(body)
    assert round_link == f"{SITE}/rounds/{current_round.pk}/"
    assert site == SITE
    assert "Your username is nora.jansen@rotterdam.example." in body
    assert smtp.links(smtp.part(message, "text/html")).count(welcome) == 2  # href and text
    nora = User.objects.get(email="Nora.Jansen@rotterdam.example")
    assert not nora.has_usable_password()
    assert Membership.objects.filter(user=nora, city=city, department="Urban planning").exists()

    visitor = Client()
    done = _set_password(visitor, welcome)
    assert done.status_code == 302
    assert done["Location"] == reverse("login")
    signed_in = visitor.post(
        reverse("login"),
        {"username": "nora.jansen@rotterdam.example", "password": NEW_PASSWORD},
    )
    home = visitor.get(signed_in["Location"])
    assert signed_in.status_code == 302
    assert home.context["user"] == nora
    rounds = [row.round for row in home.context["round_rows"]]
    assert rounds == [current_round]
    assert visitor.get(_path(round_link)).status_code == 302  # resume: on to the first section
    assert Invitation.objects.get(user=nora).accepted_at is not None


def test_the_invitation_is_written_in_the_city_language(
    facilitator_client, current_round, city, smtp_inbox
):
    city.language = "nl"
    city.save()

    _invite(facilitator_client, current_round, city, HTTP_ACCEPT_LANGUAGE="en")

    (message,) = smtp_inbox.messages
    with translation.override("nl"):
        expected = translation.gettext("Invitation to POLIS Assess: %(round)s (%(city)s)") % {
            "round": current_round.title,
            "city": "Rotterdam",
        }
    assert smtp.subject(message) == expected
    assert expected.startswith("Uitnodiging")
    assert '<html lang="nl">' in smtp.part(message, "text/html")


def test_an_existing_account_joins_the_city_and_is_sent_the_round_link_only(
    facilitator_client, current_round, city, smtp_inbox
):
    person = factories.UserFactory(email="sam@rotterdam.example", first_name="Sam")

    reply = _invite(facilitator_client, current_round, city, email="SAM@rotterdam.example")

    assert reply.status_code == 302
    assert User.objects.filter(email__iexact="sam@rotterdam.example").count() == 1
    assert person.membership.city == city
    invitation = Invitation.objects.get(user=person)
    assert invitation.accepted_at is not None
    assert invitation.created_account is False
    (message,) = smtp_inbox.messages
    assert message["To"] == "sam@rotterdam.example"
    assert smtp.links(smtp.part(message, "text/plain")) == [
        f"{SITE}/rounds/{current_round.pk}/",
        SITE,
    ]


def test_an_officer_of_another_city_is_not_moved_by_an_invitation(
    facilitator_client, current_round, city, foreign_officer, smtp_inbox
):
    reply = _invite(facilitator_client, current_round, city, email=foreign_officer.email)

    assert reply.status_code == 400
    errors = [text(e) for e in find_all(html(reply), class_="invalid-feedback")]
    assert errors == [
        "This person is an officer of Valenciennes; an administrator can move them to another city."
    ]
    assert Membership.objects.get(user=foreign_officer).city.name == "Valenciennes"
    assert not Invitation.objects.exists()
    assert smtp_inbox.messages == []


def test_a_city_outside_the_round_is_refused(facilitator_client, current_round, smtp_inbox):
    outside = factories.CityFactory(name="Norfolk", slug="norfolk", country="GB")

    reply = _invite(facilitator_client, current_round, outside)

    assert reply.status_code == 400
    assert "Choose a city that takes part in this round." in reply.content.decode()
    assert not User.objects.filter(email__iexact=NORA["email"]).exists()


def test_inviting_the_same_person_to_the_same_round_twice_is_refused(
    facilitator_client, current_round, city, smtp_inbox
):
    _invite(facilitator_client, current_round, city)

    again = _invite(facilitator_client, current_round, city)

    assert again.status_code == 400
    assert "This person has been invited to this round already." in again.content.decode()
    assert Invitation.objects.count() == 1
    assert len(smtp_inbox.messages) == 1


def test_pending_invitations_are_listed_until_the_person_joins(
    facilitator_client, current_round, city, smtp_inbox
):
    _invite(facilitator_client, current_round, city)
    listed = facilitator_client.get(_invitations_url(current_round))
    rows = find_all(by_id(html(listed), "pending-table"), "tr")[1:]
    assert [text(cell) for cell in find_all(rows[0], "td")][:4] == [
        "Nora Jansen",
        "Nora.Jansen@rotterdam.example",
        "Rotterdam",
        "Urban planning",
    ]

    _set_password(Client(), smtp.links(smtp.part(smtp_inbox.messages[0], "text/plain"))[0])

    after = facilitator_client.get(_invitations_url(current_round))
    assert find_all(html(after), id="pending-table") == []
    assert "Everyone invited to this round has joined." in after.content.decode()


def test_sending_again_makes_the_earlier_link_stop_working(
    facilitator_client, current_round, city, smtp_inbox
):
    _invite(facilitator_client, current_round, city)
    invitation = Invitation.objects.get()
    first = smtp.links(smtp.part(smtp_inbox.messages[0], "text/plain"))[0]

    reply = facilitator_client.post(
        reverse("surveys:invitation_resend", kwargs={"invitation_id": invitation.pk})
    )

    assert reply.status_code == 302
    second = smtp.links(smtp.part(smtp_inbox.messages[1], "text/plain"))[0]
    assert second != first
    assert Client().get(_path(first)).status_code == 200  # the "does not work" page
    assert _set_password(Client(), second).status_code == 302


def test_revoking_deletes_the_account_it_made_and_its_link_stops_working(
    facilitator_client, current_round, city, smtp_inbox
):
    _invite(facilitator_client, current_round, city)
    invitation = Invitation.objects.get()
    link = smtp.links(smtp.part(smtp_inbox.messages[0], "text/plain"))[0]

    reply = facilitator_client.post(
        reverse("surveys:invitation_revoke", kwargs={"invitation_id": invitation.pk})
    )

    assert reply.status_code == 302
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email__iexact=NORA["email"]).exists()
    page = Client().get(_path(link))
    assert page.status_code == 200
    assert find_all(html(page), id="invalid-link") != []


def test_a_joined_invitation_cannot_be_revoked(
    facilitator_client, current_round, city, officer, smtp_inbox
):
    _invite(facilitator_client, current_round, city, email=officer.email)
    invitation = Invitation.objects.get()

    reply = facilitator_client.post(
        reverse("surveys:invitation_revoke", kwargs={"invitation_id": invitation.pk}), follow=True
    )

    assert "This person has joined already: there is nothing to revoke." in reply.content.decode()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert User.objects.filter(pk=officer.pk).exists()


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_officers_cannot_invite_resend_or_revoke(
    request, client, facilitator, current_round, city, role, smtp_inbox
):
    _invite(Client(), current_round, city)  # anonymous: sent to log in
    invitation = factories.UserFactory(email="x@example.org")
    pending = Invitation.objects.create(round=current_round, user=invitation)
    client.force_login(request.getfixturevalue(role))

    page = client.get(_invitations_url(current_round))
    posted = _invite(client, current_round, city)
    resend = client.post(reverse("surveys:invitation_resend", kwargs={"invitation_id": pending.pk}))
    revoke = client.post(reverse("surveys:invitation_revoke", kwargs={"invitation_id": pending.pk}))

    assert [page.status_code, posted.status_code, resend.status_code, revoke.status_code] == [
        404,
        404,
        404,
        404,
    ]
    assert not User.objects.filter(email__iexact=NORA["email"]).exists()
    assert list(Invitation.objects.all()) == [pending]
    assert smtp_inbox.messages == []


def test_an_invitation_whose_mail_fails_is_kept_listed_as_not_sent_and_can_be_sent_again(
    facilitator_client, current_round, city, settings, smtp_inbox
):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = smtp.free_port()  # nobody listens there

    reply = _invite(facilitator_client, current_round, city)

    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    page = facilitator_client.get(reply["Location"])
    assert "1 invitation was made but its e-mail could not be sent" in page.content.decode()
    row = find_all(by_id(html(page), "pending-table"), "tr")[1]
    assert text(find_all(row, "td")[5]) == "not sent"

    settings.EMAIL_PORT = port
    facilitator_client.post(
        reverse("surveys:invitation_resend", kwargs={"invitation_id": invitation.pk})
    )

    assert [m["To"] for m in smtp_inbox.messages] == ["Nora.Jansen@rotterdam.example"]
    assert Invitation.objects.get().sent_at is not None
