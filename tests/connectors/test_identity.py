"""The shared identity keys: e-mail key, LinkedIn profile URL key and the user (Me)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.identity import Me, email_key, linkedin_url_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/pub/jane-doe/1a/2b/3c/", "https://www.linkedin.com/pub/jane-doe/1a/2b/3c"),
        ("http://de.linkedin.com/pub/jane-doe/1a/2b/3c?trk=x", "https://www.linkedin.com/pub/jane-doe/1a/2b/3c"),
        ("https://www.linkedin.com/in/jane-doe/de/", "https://www.linkedin.com/in/jane-doe"),
        ("ftp://linkedin.com/in/jane", None),
        ("linkedin.com:443/in/jane", None),
    ],
)  # fmt: skip
def test_linkedin_url_key(raw, expected):
    assert linkedin_url_key(raw) == expected


def test_me_reads_addresses_and_profiles_once_for_everyone():
    me = Me.of(
        [" Ada@Example.COM ", "https://de.linkedin.com/in/Ada-L/?trk=1", "me@localhost", "Ada"]
    )
    assert me.emails == {"ada@example.com", "me@localhost"}
    assert me.linkedin_urls == {"https://www.linkedin.com/in/ada-l"}
    assert me.identifiers == me.emails | me.linkedin_urls
    assert me and not Me.of(["nobody"])


def test_me_keeps_an_address_as_written_and_as_its_key():
    # The validator decodes IDNA domains; mail headers keep them as written.
    me = Me.of(["ada@xn--bcher-kva.example"])
    assert me.emails == {"ada@xn--bcher-kva.example", email_key("ada@xn--bcher-kva.example")}


@given(st.text(max_size=40))
def test_me_never_raises_and_its_keys_are_stable(text):
    me = Me.of([text])
    assert Me.of(sorted(me.linkedin_urls)).linkedin_urls == me.linkedin_urls
    for url in me.linkedin_urls:
        assert linkedin_url_key(url) == url
