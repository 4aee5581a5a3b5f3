"""A real SMTP server for tests (aiosmtpd on a free loopback port), and readers of what it got."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler


class Inbox(MessageHandler):  # type: ignore[misc]  # aiosmtpd is untyped
    """Keeps every message the server accepts; ``delay`` seconds per message makes a slow server."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.messages: list[Message] = []
        self.delay = delay

    def handle_message(self, message: Message) -> None:
        if self.delay:
            time.sleep(self.delay)
        self.messages.append(message)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def connections(self) -> int:
        """How many SMTP connections delivered the messages (aiosmtpd names each one's peer)."""
        return len({m["X-Peer"] for m in self.messages})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def part(message: Message, content_type: str) -> str:
    """The decoded text of the message's ``text/plain`` or ``text/html`` part."""
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            payload = piece.get_payload(decode=True)
            return payload.decode(piece.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part in {subject(message)!r}")


def links(text: str) -> list[str]:
    """Every http(s) address in a text, in order."""
    return re.findall(r"https?://[^\s<>\"]+", text)
