"""Invitations in bulk: a CSV file invites everyone it names, or nobody when any row is wrong (and
each error names its row)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Invitation, Membership
from tests.web import find_all, html, text

User = get_user_model()

GOOD = (
    "email,name,city,department\n"
    "nora@rotterdam.example,Nora Jansen,Rotterdam,Urban planning\n"
    "omar@rotterdam.example,Omar Haddad,rotterdam,Finance\n"
    "lea@valenciennes.example,Léa Martin,Valenciennes,Mobilité\n"
)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _upload(client, round_, content: str | bytes, name: str = "officers.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("surveys:invitations_upload", kwargs={"round_id": round_.pk}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _errors(page) -> list[str]:
    """The rows' errors listed above the upload form (none when the file itself was refused)."""
    listed = find_all(html(page), id="row-errors")
    return [text(item) for box in listed for item in find_all(box, "li")]


def test_a_good_file_invites_everyone_it_names(facilitator_client, current_round, smtp_inbox):
    reply = _upload(facilitator_client, current_round, GOOD)

    assert reply.status_code == 302
    assert sorted(m["To"] for m in smtp_inbox.messages) == [
        "lea@valenciennes.example",
        "nora@rotterdam.example",
        "omar@rotterdam.example",
    ]
    assert smtp_inbox.connections() == 1  # one connection to the mail server for the file
    assert sorted(
        Membership.objects.filter(user__invitations__round=current_round).values_list(
            "user__first_name", "city__name", "department"
        )
    ) == [
        ("Léa Martin", "Valenciennes", "Mobilité"),
        ("Nora Jansen", "Rotterdam", "Urban planning"),
        ("Omar Haddad", "Rotterdam", "Finance"),
    ]


def test_a_file_with_one_bad_row_creates_nothing_and_names_the_row(
    facilitator_client, current_round, smtp_inbox
):
    users_before = User.objects.count()
    bad = GOOD + "not-an-address,Bad Row,Rotterdam,IT\n"

    reply = _upload(facilitator_client, current_round, bad)

    assert reply.status_code == 400
    assert _errors(reply) == ["Row 5, email: Enter a valid email address."]
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(department="Urban planning").exists()
    assert not Invitation.objects.exists()
    assert smtp_inbox.messages == []


def test_every_wrong_row_is_named(facilitator_client, current_round, foreign_officer, smtp_inbox):
    bad = (
        "name;email;department;city\n"
        "Nora Jansen;nora@rotterdam.example;Urban planning;Rotterdam\n"
        "Paula;paula@paris.example;Mobility;Paris\n"
        ";anon@rotterdam.example;IT;Rotterdam\n"
        f"Moved;{foreign_officer.email};Mobility;Rotterdam\n"
        "Nora again;NORA@rotterdam.example;Finance;Rotterdam\n"
    )

    reply = _upload(facilitator_client, current_round, bad)

    assert _errors(reply) == [
        "Row 3, city: Choose a city that takes part in this round.",
        "Row 4, name: This field is required.",
        "Row 5, email: This person is an officer of Valenciennes; an administrator can move them "
        "to another city.",
        "Row 6: this address is also on row 2.",
    ]
    assert not Invitation.objects.exists()
    assert smtp_inbox.messages == []


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "The submitted file is empty."),  # Django's FileField says so
        (
            "email,name,department\nx@y.example,X,IT\n",
            "Row 1 must name the columns email, name, city and department; missing: city.",
        ),
        ("email,name,city,department\n\n", "The file names nobody to invite."),
        (
            "email,name,city,department\nx@y.example,X,Rotterdam,IT\n".encode("utf-16"),
            "The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.",
        ),
        (
            "email,name,city,department\nx@y.example," + "N" * 200_000 + ",Rotterdam,IT\n",
            "The file cannot be read as CSV: field larger than field limit (131072).",
        ),
        (
            "email,name,city,department\nx@y.example,Nul\x00l,Rotterdam,IT\n",
            "Row 2, name: Null characters are not allowed.",
        ),
    ],
    ids=["empty", "missing_column", "no_rows", "not_utf8", "huge_field", "nul"],
)
def test_a_file_that_is_not_a_list_of_people_is_refused_with_why(
    facilitator_client, current_round, content, error
):
    reply = _upload(facilitator_client, current_round, content)

    assert reply.status_code == 400
    messages = _errors(reply) or [text(e) for e in find_all(html(reply), class_="invalid-feedback")]
    assert messages == [error]
    assert not Invitation.objects.exists()


def test_a_spreadsheets_utf8_file_with_a_byte_order_mark_is_read(
    facilitator_client, current_round, smtp_inbox
):
    reply = _upload(facilitator_client, current_round, "\ufeff" + GOOD)

    assert reply.status_code == 302
    assert Invitation.objects.count() == 3
