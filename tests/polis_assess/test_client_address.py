"""The client address for throttling: the connection's, or behind the proxy the entry it added."""

from __future__ import annotations

from django.test import RequestFactory

from polis_assess.client_address import client_address


def _request(**meta: str):
    return RequestFactory().get("/", **meta)


def test_without_the_proxy_the_connecting_address_counts_and_forwarded_is_ignored(settings):
    settings.BEHIND_PROXY = False

    assert (
        client_address(_request(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"))
        == "198.51.100.7"
    )


def test_behind_the_proxy_the_last_forwarded_entry_counts(settings):
    settings.BEHIND_PROXY = True

    address = client_address(
        _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9 , 198.51.100.7")
    )

    assert address == "198.51.100.7"


def test_behind_the_proxy_a_request_without_forwarded_counts_the_connecting_address(settings):
    settings.BEHIND_PROXY = True

    assert client_address(_request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert client_address(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=" ")) == "10.0.0.2"
