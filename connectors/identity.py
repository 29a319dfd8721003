"""The keys that identify a person in every source, and who the user is.

The e-mail key, the LinkedIn profile URL key and the user's own identifiers (``Me``)
are compared by connectors (who is the user, who is a counterpart) and by transforms
(matching, the user's organisation), so they are defined once, here. This module
imports nothing else of ties: it is the one module of ``connectors`` that transforms
may import.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

# Plain ASCII addresses that email-validator accepts unchanged (apart from case): the
# common case, checked without the validator's full parse, which costs ~30 us each.
PLAIN_ADDRESS = re.compile(
    r"^[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})$"
)
SPECIAL_USE_DOMAINS = frozenset(SPECIAL_USE_DOMAIN_NAMES)

# A profile URL once percent-decoded and lower-cased: an optional http(s) scheme, a
# linkedin.com host (any country sub-domain), /in/ or /pub/, then the profile.
_PROFILE_URL = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com/(in|pub)/([^?#]+)", re.I)


def _is_plain_address(text: str) -> bool:
    match = PLAIN_ADDRESS.match(text)
    if not match or len(text) > 254 or text.index("@") > 64:
        return False
    domain = text[text.index("@") + 1 :].lower()
    labels = domain.split(".")
    if any(label.startswith("xn--") or len(label) > 63 for label in labels):
        return False  # IDNA labels are decoded by the validator
    return not any(".".join(labels[i:]) in SPECIAL_USE_DOMAINS for i in range(len(labels)))


@lru_cache(maxsize=500_000)
def email_key(raw: str | None) -> str | None:
    """A syntactically valid address, lower-cased, or None.

    Uses email-validator for syntax (no DNS); the whole address is lower-cased because
    in practice no provider treats the local part case-sensitively.
    """
    if not raw:
        return None
    text = raw.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if _is_plain_address(text):
        return text.lower()
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


@lru_cache(maxsize=200_000)
def linkedin_url_key(raw: str | None) -> str | None:
    """``https://www.linkedin.com/in/<slug>`` from any spelling of a profile URL, else None.

    Percent-decoded and lower-cased; country sub-domains, query strings and trailing
    slashes dropped. ``/in/<slug>/de`` (a language variant) is the profile itself; an
    old ``/pub/<name>/<a>/<b>/<c>`` URL keeps its whole path, as the name alone is not
    unique.
    """
    if not raw:
        return None
    text = urllib.parse.unquote(raw.strip()).strip().lower()
    match = _PROFILE_URL.match(text)
    if not match:
        return None
    kind, rest = match.groups()
    rest = rest.strip().strip("/")
    if not rest:
        return None
    if kind == "in":
        return f"https://www.linkedin.com/in/{rest.split('/')[0].strip()}"
    return f"https://www.linkedin.com/pub/{rest}"


@dataclass(frozen=True)
class Me:
    """The user's own identifiers: their mail addresses and LinkedIn profile URLs.

    Attributes:
        emails: each address as its e-mail key and as written, lower-cased (mail
            headers are compared as written; an address the validator refuses, such as
            ``me@localhost``, is still the user's).
        linkedin_urls: profile URL keys.
    """

    emails: frozenset[str] = frozenset()
    linkedin_urls: frozenset[str] = frozenset()

    @classmethod
    def of(cls, values: Iterable[str]) -> Me:
        """The user named by --me, a config file or another input's hints.

        A value is a profile URL, else an address (it holds ``@``); anything else names
        nobody and is left out.
        """
        emails: set[str] = set()
        urls: set[str] = set()
        for value in values:
            if url := linkedin_url_key(value):
                urls.add(url)
            elif "@" in value and "linkedin.com" not in value.lower():
                emails.add(value.strip().lower())
                if key := email_key(value):
                    emails.add(key)
        return cls(frozenset(emails), frozenset(urls))

    @property
    def identifiers(self) -> frozenset[str]:
        """Every identifier, addresses and profile URLs alike."""
        return self.emails | self.linkedin_urls

    def __bool__(self) -> bool:
        return bool(self.emails or self.linkedin_urls)
