"""Request bodies: no file part is stored, and a body over the limit is refused before it is read."""

from __future__ import annotations

import io
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.handlers.wsgi import WSGIHandler

BOUNDARY = "polis-boundary"
received: list[int] = []  # bytes of file parts that reached an upload handler


class CountingUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, counting what it is given to write."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        received.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def counted_uploads(settings, tmp_path):
    received.clear()
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.CountingUploadHandler"]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
def test_a_file_part_in_an_anonymous_login_post_is_refused_before_a_byte_is_stored(
    client, counted_uploads
):
    part = SimpleUploadedFile("big.bin", b"\0" * 1_000_000)

    response = client.post(
        "/accounts/login/", {"username": "someone", "password": "guess", "file": part}
    )

    assert response.status_code == 400
    assert received == []
    assert list(counted_uploads.iterdir()) == []


class CountingBody(io.RawIOBase):
    """A request body of `length` bytes (a multipart file part) that counts what is read."""

    def __init__(self, length: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.length = length
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self.length - self.read_bytes)
        start = self.read_bytes
        chunk = (self.head[start : start + size] if start < len(self.head) else b"").ljust(
            size, b"\0"
        )
        buffer[:size] = chunk
        self.read_bytes += size
        return size


@pytest.mark.django_db
@pytest.mark.parametrize(
    "length",
    [3 * 1024 * 1024 + 1, 8 * 1024 * 1024, 1024**3],
    ids=["limit_plus_one", "8_MB", "1_GB"],
)
def test_a_body_over_the_limit_gets_413_before_a_byte_is_read(length, counted_uploads):
    body = CountingBody(length)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/accounts/login/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "198.51.100.7",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
    }
    statuses: list[str] = []

    content = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))

    assert statuses == ["413 Request Entity Too Large"]
    assert content == b"The request is too large."
    assert body.read_bytes == 0
    assert received == []
    assert settings.REQUEST_BODY_MAX_BYTES == 3 * 1024 * 1024


@pytest.mark.django_db
def test_a_login_form_just_under_the_field_limit_is_still_parsed(client):
    response = client.post("/accounts/login/", {"username": "someone", "password": "x" * 2_000_000})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
