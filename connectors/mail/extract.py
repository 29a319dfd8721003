"""Mail to an Extract: one record per correspondent address, one interaction per message
and counterpart."""

from __future__ import annotations

from pathlib import Path

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput
from connectors.identity import Me, email_key
from connectors.mail.files import summarize_file
from connectors.mail.headers import Address, MessageSummary
from connectors.mail.maildir import summarize_maildir
from connectors.mail.user import owner_evidence, settle_me

CONNECTOR = "mail"
SOURCE = "mail"


def read(path: Path, options: ReadOptions) -> Extract:
    """Read one mbox file, .eml file or Maildir folder into an Extract.

    Each message is one item: a direct exchange becomes one interaction per counterpart
    (each counterpart a record); drafts, spam, mailing-list posts, automated mail and
    notes to self are skipped by reason; a message without a usable From address or
    any date is rejected. The user's addresses come from ``options.me``, else from
    ``options.me_hints`` (a LinkedIn export's addresses) with Gmail's ``Sent`` label or
    the address taking part in most direct messages (see ``settle_me``); the
    run settles the user over all its mailboxes and reads one again when it differs.

    Args:
        path: an mbox or .eml file, or a Maildir folder (with cur/ and new/).
        options: the user's own addresses (``me``) if known.

    Returns:
        The Extract, with ``me_hints`` naming the addresses taken as the user's.

    Raises:
        UnreadableInput: the file is not mail (nor an mbox, a message or a Maildir).
    """
    path = Path(path)
    try:
        summaries = summarize_maildir(path) if path.is_dir() else summarize_file(path)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return build_extract(path, summaries, options)


def build_extract(path: Path, summaries: list[MessageSummary], options: ReadOptions) -> Extract:
    """Decide the user's addresses, then turn the summaries into an Extract."""
    builder = ExtractBuilder(CONNECTOR, SOURCE, path)
    known = options.me or options.me_hints
    evidence = owner_evidence(summaries, known)
    me = set(Me.of(options.me).emails) if options.me else settle_me([evidence], known)
    # The run settles the user over every mailbox (pipelines.user_settlement) and reads
    # this one again when its own guess differs.
    builder.user_evidence = {**evidence, "me": sorted(me)}
    seen = set()
    for s in summaries:
        if s.status == "direct":
            seen.add(s.sender.key)
            seen.update(r.key for r in s.recipients)
    builder.me_hints.extend(sorted(me & seen))

    lists = list_addresses(summaries, me)
    seen_interactions: set[str] = set()
    for s in summaries:
        builder.count_read()
        if s.status == "reject":
            builder.reject(s.locator, s.reason, s.excerpt)
            continue
        if s.status == "skip":
            builder.skipped(s.reason)
            continue
        if s.sender.key in lists:
            builder.skipped("mailing_list")
            continue
        if s.sender.key in me:
            direction = "outbound"
            to = {r.key: r for r in s.recipients if r.key not in me}
            if not to:
                builder.skipped("to_self" if s.recipients else "no_recipients")
                continue
            if all(key in lists for key in to):
                builder.skipped("mailing_list")
                continue
            counterparts = [r for r in to.values() if r.key not in lists and _names_someone(r)]
            if not counterparts:
                builder.reject(s.locator, "no usable recipient address", s.excerpt)
                continue
        else:
            direction = "inbound"
            if (
                lists
                and not any(r.key in me for r in s.recipients)
                and any(r.key in lists for r in s.recipients)
            ):
                builder.skipped("mailing_list")  # another member's post, not mail to you
                continue
            if not _names_someone(s.sender):
                builder.reject(s.locator, "no usable From address", s.excerpt)
                continue
            counterparts = [s.sender]
        new = s.occurred_at is None
        for c in counterparts:
            record_id = builder.record(c.key, locator=s.locator, name=c.name, emails=[c.key])
            if s.occurred_at is None:
                continue
            interaction_id = builder.interaction(
                record_id,
                occurred_at=s.occurred_at,
                channel="email",
                direction=direction,
                identity=(s.identity_key, c.key),
                thread_key=s.thread_key,
            )
            if interaction_id not in seen_interactions:
                seen_interactions.add(interaction_id)
                new = True
        if new:
            builder.accepted()
        else:
            builder.skipped("duplicate")
    return builder.build()


def _names_someone(address: Address) -> bool:
    """An address that makes a contact: a valid one, or any with a display name."""
    return bool(address.name) or email_key(address.key) is not None


def list_addresses(summaries: list[MessageSummary], me: set[str]) -> set[str]:
    """Mailing-list addresses the headers do not name (old archives, lists without List-Id).

    An address that is not the user's, to which two or more other people wrote in
    messages that reached the user without naming the user, is a list: the user read
    those posts through it. A Bcc from one person never makes one.
    """
    if not me:
        return set()
    writers: dict[str, set[str]] = {}
    for s in summaries:
        if s.status != "direct" or s.sender.key in me:
            continue
        keys = {r.key for r in s.recipients}
        if keys & me:
            continue
        for key in keys - {s.sender.key}:
            writers.setdefault(key, set()).add(s.sender.key)
    return {key for key, who in writers.items() if len(who) >= 2}
