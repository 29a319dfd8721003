"""One message's header block to a small summary: its verdict (direct / mailing list /
automated / draft / spam / reject), addresses, UTC date and thread.

Only the header block of a message is ever looked at; bodies are never decoded. Worker
processes import this module, so it must not import pandas (nor connectors.base).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from connectors.mail.addresses import header_addresses
from connectors.mail.dates import parse_date
from connectors.mail.headers import (
    Address,
    MessageSummary,
    decode_words,
    extract_fields,
    header_text,
)
from warehouse.ids import stable_id  # the standard library only: no pandas in shard workers

# A header line: a field name of printable ASCII without ':' or space, then ':'.
HEADER_LINE_RE = re.compile(rb"[!-9;-~]{1,100}[ \t]*:")

_AUTOMATED_LOCAL_RE = re.compile(
    r"(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|"
    r"notifications?|notify|alerts?|bounces?|daemon)(?:$|[-_.+])|noreply"
    # Mailman and Majordomo write their own notices from list-owner, list+owner,
    # list-bounces and list-request.
    r"|[-+](?:owner|bounces|request|admin)(?:$|[-_.+])"
)
# Domains that only machines send from: social networks' notification senders and the
# bulk-mail platforms that send on behalf of companies. A person never writes from them.
_AUTOMATED_DOMAINS = frozenset(
    {
        "facebookmail.com",
        # Twitter's notices: dm-, mention-, twitter-follow- and n-<user>=<domain>-<id>
        # addresses at postmaster.twitter.com, bounces at bounce.twitter.com.
        "postmaster.twitter.com",
        "bounce.twitter.com",
        "bounce.linkedin.com",
        "e.linkedin.com",
        "em.linkedin.com",
        "notifications.google.com",
        "plus.google.com",
        "amazonses.com",
        "sendgrid.net",
        "mcsv.net",
        "mcdlv.net",
        "rsgsv.net",
        "mailchimpapp.net",
        "bounces.google.com",
        "mktomail.com",
        "hubspotemail.net",
        "mandrillapp.com",
        "sparkpostmail.com",
        "mailgun.org",
        "exacttarget.com",
        "salesforce.com",
        "postmarkapp.com",
        "cmail19.com",
        "cmail20.com",
        "createsend.com",
        "intercom-mail.com",
    }
)
# Headers only list servers add, besides List-Id: Mailman (X-BeenThere,
# X-Mailman-Version), ezmlm and Yahoo/Google Groups (Mailing-List), SmartList and vger
# (X-Mailing-List), Google Groups (X-Google-Group-Id), RFC 2369's other List- fields.
_LIST_FIELDS = (
    b"list-id",
    b"list-unsubscribe",
    b"list-post",
    b"list-archive",
    b"list-help",
    b"list-subscribe",
    b"newsgroups",
    b"mailing-list",
    b"x-mailing-list",
    b"x-beenthere",
    b"x-mailman-version",
    b"x-google-group-id",
)
# A mail client's own header: a person wrote the message.
_CLIENT_FIELDS = (b"user-agent", b"x-mailer")
_LIST_ENVELOPE_RE = re.compile(
    rb"(?:^|[\s<,:])(?:owner-[^\s@<>]*|[^\s@<>]*-(?:owner|request|bounces)(?:\+[^\s@<>]*)?)@",
    re.IGNORECASE,
)
_LIST_PRECEDENCE = frozenset({b"list", b"bulk", b"junk"})
EXCERPT_BYTES = 200


def _excerpt(block: bytes, *names: bytes) -> str:
    for name in names:
        m = re.search(rb"(?im)^" + re.escape(name) + rb"[ \t]*:.*", block)
        if m:
            return m.group(0)[:EXCERPT_BYTES].decode("utf-8", "replace")
    return block[:EXCERPT_BYTES].decode("utf-8", "replace")


def _labels(fields: dict[bytes, bytes]) -> set[str]:
    raw = fields.get(b"x-gmail-labels")
    if raw is None:
        return set()
    return {p.strip().strip('"').lower() for p in decode_words(header_text(raw)).split(",")}


def _automated(fields: dict[bytes, bytes], sender: Address | None) -> bool:
    auto = fields.get(b"auto-submitted")
    if auto is not None:
        value = auto.split(b";", 1)[0].strip().lower()
        if value and value != b"no":
            return True
    ctype = fields.get(b"content-type")
    if ctype is not None and ctype.lstrip()[:16].lower() == b"multipart/report":
        return True
    prec = fields.get(b"precedence")
    if prec is not None and prec.strip().lower().startswith(b"auto"):
        return True
    if sender is not None and _automated_address(sender):
        return True
    rpath = fields.get(b"return-path")
    if rpath is not None and b"".join(rpath.split()) == b"<>":
        # An empty envelope sender marks bounces and auto-replies, but some setups give
        # it to ordinary mail too (mu4e's signed and encrypted messages through a local
        # Exim): a named sender, a Message-ID and a mail client's header together are
        # a person writing.
        return not _written_by_a_person(fields, sender)
    return False


def _sent_by_a_platform(fields: dict[bytes, bytes]) -> bool:
    """The mailbox that sent the message for its author (RFC 5322 Sender) is a machine's.

    A platform writes its notices in a member's name and sends them from its own no-reply
    mailbox: "Yuichi Sasaki via LinkedIn <member@linkedin.com>" with Sender
    messages-noreply@bounce.linkedin.com. Asked after the list tests, so a list post or
    a newsletter keeps its reason.
    """
    agent = fields.get(b"sender")
    return agent is not None and any(_automated_address(a) for a in header_addresses(agent))


def _automated_address(address: Address) -> bool:
    local, _, domain = address.key.rpartition("@")
    return bool(_AUTOMATED_LOCAL_RE.search(local)) or _automated_domain(domain)


def _automated_domain(domain: str) -> bool:
    labels = domain.split(".")
    return any(".".join(labels[i:]) in _AUTOMATED_DOMAINS for i in range(len(labels) - 1))


def _written_by_a_person(fields: dict[bytes, bytes], sender: Address | None) -> bool:
    return (
        sender is not None
        and bool(sender.name)
        and b"message-id" in fields
        and any(name in fields for name in _CLIENT_FIELDS)
    )


def _mailing_list(fields: dict[bytes, bytes]) -> bool:
    if any(name in fields for name in _LIST_FIELDS):
        return True
    prec = fields.get(b"precedence")
    if prec is not None and prec.strip().lower() in _LIST_PRECEDENCE:
        return True
    # Majordomo/LISTSERV/Mailman lists that predate List-Id still say so in the envelope.
    for name in (b"sender", b"return-path", b"errors-to"):
        raw = fields.get(name)
        if raw is not None and _LIST_ENVELOPE_RE.search(raw):
            return True
    return False


_MSG_ID_RE = re.compile(r"<[^<>\s]+>")


def _thread_root(fields: dict[bytes, bytes], message_id: str | None) -> str | None:
    """The id every message of a conversation shares: Gmail's thread id, else the first
    id in References (the thread's first message), else In-Reply-To, else its own id."""
    thrid = fields.get(b"x-gm-thrid")
    if thrid is not None and thrid.strip():
        return "gm:" + header_text(thrid).strip()
    for name in (b"references", b"in-reply-to"):
        raw = fields.get(name)
        if raw is not None and (m := _MSG_ID_RE.search(header_text(raw))):
            return m.group(0)
    return message_id


def _message_id(fields: dict[bytes, bytes]) -> str | None:
    raw = fields.get(b"message-id")
    if raw is None:
        return None
    text = header_text(raw)
    m = re.search(r"<[^<>\s]+>", text)
    if m:
        return m.group(0)
    return text.split()[0] if text.split() else None


def summarize(
    block: bytes,
    locator: str,
    *,
    fallback_date: Callable[[], datetime | None] | None = None,
    draft: bool = False,
) -> MessageSummary:
    """Summarise one message from its header block.

    Args:
        block: the header block (no mbox separator line, no body).
        locator: where the message is (``byte 1024``, ``cur/1700000000.M1.host:2,S``).
        fallback_date: called for a date when neither Date nor Received has one (the
            mbox separator line's date, a Maildir file name's delivery time).
        draft: the container already marks the message as a draft (Maildir ``D`` flag).

    Returns:
        A MessageSummary; ``reject`` when the block is no mail header or lacks a usable
        From address, ``skip`` for drafts, spam, automated mail and lists; a ``direct``
        message without any date has no ``occurred_at`` and says why in ``reason``.
    """
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        return MessageSummary(
            locator, "reject", "not a mail message: no header lines", _excerpt(block)
        )
    fields = extract_fields(block)
    labels = _labels(fields)
    if draft or "draft" in labels or "drafts" in labels:
        return MessageSummary(locator, "skip", "draft")
    uti = fields.get(b"x-uniform-type-identifier")
    if uti is not None and b"mail-draft" in uti:
        return MessageSummary(locator, "skip", "draft")
    if "spam" in labels:
        return MessageSummary(locator, "skip", "spam")

    from_raw = fields.get(b"from")
    senders = header_addresses(from_raw) if from_raw is not None else ()
    sender = senders[0] if senders else None
    if _automated(fields, sender):
        return MessageSummary(locator, "skip", "automated")
    if _mailing_list(fields):
        return MessageSummary(locator, "skip", "mailing_list")
    if _sent_by_a_platform(fields):
        return MessageSummary(locator, "skip", "automated")
    if sender is None:
        reason = "no From header" if from_raw is None else "no usable From address"
        return MessageSummary(locator, "reject", reason, _excerpt(block, b"from"))

    occurred_at = None
    if b"date" in fields:
        occurred_at = parse_date(header_text(fields[b"date"]))
    if occurred_at is None and b"received" in fields:
        received = header_text(fields[b"received"])
        if ";" in received:
            occurred_at = parse_date(received.rsplit(";", 1)[1])
    if occurred_at is None and fallback_date is not None:
        occurred_at = fallback_date()
    # Without any date the message still names its correspondents: their records are
    # kept, and only the dated exchange is missing (the reason says why).
    undated = ""
    if occurred_at is None:
        undated = "no Date header" if b"date" not in fields else "unparseable Date header"

    recipients: list[Address] = []
    for name in (b"to", b"cc", b"bcc"):
        raw = fields.get(name)
        if raw is not None:
            recipients.extend(header_addresses(raw))
    message_id = _message_id(fields)
    thread_key = _thread_root(fields, message_id)
    identity_key = message_id or "no-message-id:" + stable_id(
        occurred_at.isoformat() if occurred_at else None,
        sender.key,
        fields.get(b"subject", b"").strip(),
    )
    return MessageSummary(
        locator,
        "direct",
        undated,
        occurred_at=occurred_at,
        sender=sender,
        recipients=tuple(recipients),
        thread_key=thread_key,
        identity_key=identity_key,
        gmail_sent="sent" in labels,
    )


def summarize_safely(block: bytes, locator: str, **kwargs) -> MessageSummary:
    """``summarize``, with any failure on a malformed block turned into a reject."""
    try:
        return summarize(block, locator, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one bad message must never stop the file
        return MessageSummary(
            locator,
            "reject",
            f"unreadable headers ({type(exc).__name__})",
            block[:EXCERPT_BYTES].decode("utf-8", "replace"),
        )
