"""The tracker tells invited officers (no password yet) from those who joined, and links to the
invitations; an invited officer who sets a password counts as joined."""

from __future__ import annotations

from django.urls import reverse

from surveys.invitations import Invitee, invitation_accept, invitations_create
from tests.web import by_id, find_all, html, text


def _tracker(client, round_, state=""):
    url = reverse("scoring:tracker", kwargs={"round_id": round_.pk})
    return client.get(f"{url}?state={state}" if state else url)


def _states(page) -> dict[str, str]:
    table = by_id(html(page), "tracker-table")
    return {
        text(cells[2]): text(cells[3])
        for row in find_all(table, "tr")[1:]
        if (cells := find_all(row, "td"))
    }


def test_the_tracker_shows_invited_and_joined_officers(
    client, facilitator, current_round, city, officer, mailoutbox
):
    (invitation,) = invitations_create(
        round=current_round,
        invitees=[Invitee("nora@rotterdam.example", "Nora Jansen", city, "Urban planning")],
        by=facilitator,
    ).invitations
    client.force_login(facilitator)

    before = _tracker(client, current_round)
    invitation_accept(user=invitation.user)
    after = _tracker(client, current_round)

    assert _states(before)["Nora Jansen"] == "invited"
    assert _states(before)[officer.username] == "joined"
    assert text(by_id(html(before), "tracker-counts")) == (
        "submitted: 0 · in progress: 0 · joined: 1 · invited: 1"
    )
    assert _states(after)["Nora Jansen"] == "joined"


def test_the_invited_state_lists_only_invited_officers(
    client, facilitator, current_round, city, officer, mailoutbox
):
    invitations_create(
        round=current_round,
        invitees=[Invitee("nora@rotterdam.example", "Nora Jansen", city, "Urban planning")],
        by=facilitator,
    )
    client.force_login(facilitator)

    page = _tracker(client, current_round, state="invited")

    assert list(_states(page)) == ["Nora Jansen"]
    assert text(by_id(html(page), "tracker-caption")) == (
        "The officers invited who have not set their password yet"
    )
    links = find_all(html(page), "a", href=reverse("surveys:invitations", args=[current_round.pk]))
    assert [text(link) for link in links] == ["Invite officers"]
