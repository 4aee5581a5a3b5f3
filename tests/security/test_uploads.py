"""The one upload: a facilitator's CSV of invitations, on its own page, capped in size. A file sent
anywhere else, or by anyone else, is refused before a byte of it reaches an upload handler."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import Client
from django.urls import reverse

from polis_assess import uploads
from surveys.invitation_forms import UPLOAD_MAX_BYTES
from surveys.models import Invitation
from tests.security.test_request_bodies import BOUNDARY, CountingBody

CSV = b"email,name,city,department\nnora@rotterdam.example,Nora Jansen,Rotterdam,Urban planning\n"


@pytest.fixture
def handled(monkeypatch) -> dict[str, int]:
    """Counts file parts refused, and bytes of file parts any upload handler was given."""
    counts = {"refused": 0, "bytes": 0}
    refuse = uploads.RefuseFilesUploadHandler.new_file

    def counted_refusal(self, *args, **kwargs):
        counts["refused"] += 1
        return refuse(self, *args, **kwargs)

    receive = MemoryFileUploadHandler.receive_data_chunk

    def counted_receive(self, raw_data, start):
        counts["bytes"] += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(uploads.RefuseFilesUploadHandler, "new_file", counted_refusal)
    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", counted_receive)
    return counts


def _browser(user) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, signed in as ``user``, with
    a token from a page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/")
    return browser, browser.cookies["csrftoken"].value


def _upload_url(round_):
    return reverse("surveys:invitations_upload", kwargs={"round_id": round_.pk})


def _file():
    return SimpleUploadedFile("officers.csv", CSV, content_type="text/csv")


def test_a_facilitators_csv_is_read_on_the_upload_page(
    facilitator, current_round, handled, mailoutbox
):
    browser, token = _browser(facilitator)

    reply = browser.post(
        _upload_url(current_round), {"csrfmiddlewaretoken": token, "file": _file()}
    )

    assert reply.status_code == 302
    assert handled == {"refused": 0, "bytes": len(CSV)}
    assert Invitation.objects.get().user.email == "nora@rotterdam.example"


@pytest.mark.parametrize("role", ["officer", "foreign_officer"])
def test_an_officers_file_on_the_upload_page_is_refused_unread(
    request, current_round, handled, role
):
    browser, token = _browser(request.getfixturevalue(role))

    reply = browser.post(
        _upload_url(current_round), {"csrfmiddlewaretoken": token, "file": _file()}
    )

    assert reply.status_code == 400
    assert handled == {"refused": 1, "bytes": 0}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "invitations",  # the one-person form of the same page
        "tracker_deadline",
        "section",
        "password_change",
    ],
)
def test_a_facilitators_file_anywhere_else_is_refused_unread(
    facilitator, current_round, handled, url
):
    paths = {
        "invitations": reverse("surveys:invitations", kwargs={"round_id": current_round.pk}),
        "tracker_deadline": reverse(
            "scoring:round_deadline", kwargs={"round_id": current_round.pk}
        ),
        "section": f"/rounds/{current_round.pk}/sections/strategy/",
        "password_change": reverse("password_change"),
    }
    browser, token = _browser(facilitator)

    reply = browser.post(paths[url], {"csrfmiddlewaretoken": token, "file": _file()})

    assert reply.status_code == 400
    assert handled == {"refused": 1, "bytes": 0}


def test_two_files_on_the_upload_page_are_refused(facilitator, current_round, handled):
    browser, token = _browser(facilitator)

    reply = browser.post(
        _upload_url(current_round),
        {"csrfmiddlewaretoken": token, "file": _file(), "second": _file()},
    )

    assert reply.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "length", [UPLOAD_MAX_BYTES + 1, 3 * 1024 * 1024], ids=["cap_plus_one", "3_MiB"]
)
def test_a_body_over_the_upload_cap_gets_413_before_a_byte_is_read(
    client, facilitator, current_round, handled, length
):
    client.force_login(facilitator)
    body = CountingBody(length)

    # The test client, for its session; the body and its declared length are the test's own.
    reply = client.generic(
        "POST",
        _upload_url(current_round),
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )

    assert reply.status_code == 413
    assert reply.content == b"The request is too large."
    assert body.read_bytes == 0
    assert handled == {"refused": 0, "bytes": 0}
    assert UPLOAD_MAX_BYTES == 256 * 1024
