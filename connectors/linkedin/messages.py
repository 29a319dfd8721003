"""messages.csv: linkedin_message interactions, one per counterpart of each message."""

from __future__ import annotations

import logging
import re
from collections import Counter

from connectors.identity import linkedin_url_key
from connectors.linkedin.dates import parse_date
from connectors.linkedin.files import ANONYMOUS, Table, cell_text
from connectors.linkedin.rows import Message, ReadState, reject_row, table_items
from connectors.linkedin.text import clean_text, fold_name, split_urls

log = logging.getLogger(__name__)

_TRUE = frozenset({"yes", "true", "1", "y"})
# Messages LinkedIn itself sends in the user's inbox: "LinkedIn Marketing Solutions",
# "LinkedIn Premium", "Anna from LinkedIn Premium", "Nikita @ LinkedIn Learning".
# ("LinkedIn Member" is a person who hid their profile, not LinkedIn.)
_LINKEDIN_ITSELF = re.compile(r"(?i)^linkedin\b(?! member$)|\bfrom linkedin\b|@\s*linkedin\b")
# The title LinkedIn gives sponsored InMail, whose body is not always spinmail markup
# (2023 exports hold plain-text ones from "LinkedIn Member").
_SPONSORED_TITLE = "sponsored conversation"


def parse_messages(table: Table, state: ReadState) -> None:
    ix_conv, ix_title = table.index("conversationid"), table.index("conversationtitle")
    ix_from, ix_sender = table.index("from"), table.index("senderprofileurl")
    ix_to, ix_recipients = table.index("to"), table.index("recipientprofileurls")
    ix_date, ix_content, ix_folder = (
        table.index("date"),
        table.index("content"),
        table.index("folder"),
    )
    ix_dir = table.index("direction")
    ix_drafts = [
        i
        for i in (table.index("ismessagedraft"), table.index("isconversationdraft"))
        if i is not None
    ]
    builder, me = state.builder, state.me
    for locator, row in table_items(state, table):
        f = row.fields
        sender_raw = cell_text(f, ix_sender)
        sender_url = linkedin_url_key(sender_raw) if sender_raw else None
        sender_name = clean_text(cell_text(f, ix_from))
        to_raw = cell_text(f, ix_to)
        recipients = split_urls(cell_text(f, ix_recipients))
        direction = cell_text(f, ix_dir).upper()
        # Who is who is learnt from every row, drafts and spam included.
        state.learn_pair(sender_url, sender_name)
        if len(recipients) == 1 and "," not in to_raw:
            state.learn_pair(recipients[0][0], to_raw)
        if direction == "OUTGOING":
            me.add_name(sender_name)
        elif direction == "INCOMING" and "," not in to_raw:
            me.add_name(to_raw)
        folder = cell_text(f, ix_folder).casefold()
        if folder in ("draft", "drafts") or any(
            f[i].strip().casefold() in _TRUE for i in ix_drafts
        ):
            builder.skipped("draft")
            continue
        if folder == "spam":
            builder.skipped("spam")
            continue
        if not sender_url and (
            "spinmail" in cell_text(f, ix_content)
            or clean_text(cell_text(f, ix_title)).casefold() == _SPONSORED_TITLE
        ):
            builder.skipped("sponsored")
            if len(recipients) == 1:
                state.sponsored_to.add(recipients[0][0])
            continue
        if _LINKEDIN_ITSELF.search(sender_name):
            builder.skipped("automated")  # LinkedIn's own: Premium, Marketing Solutions
            continue
        date_raw = cell_text(f, ix_date)
        occurred_at = parse_date(date_raw)
        if occurred_at is None:
            reject_row(state, locator, f"unreadable date in DATE: {date_raw!r}", row.raw)
            continue
        state.messages.append(
            Message(
                locator=locator,
                conversation=cell_text(f, ix_conv),
                sender_name=sender_name,
                sender=(sender_url, sender_raw) if sender_url else None,
                to_raw=to_raw,
                recipients=recipients,
                occurred_at=occurred_at,
                direction=direction,
            )
        )


def _participant_key(state: ReadState, url: str | None, name: str) -> str | None:
    if url:
        return url
    if not name:
        return None
    return state.url_by_name.get(fold_name(name)) or f"name:{fold_name(name)}"


def identify_user_in_messages(state: ReadState, label: str) -> None:
    """Complete the user's identity from the messages; guess it only when nothing says."""
    me = state.me
    for url, name in list(state.name_by_url.items()):
        if url in me.urls:
            me.add_name(name)
    for folded, url in state.url_by_name.items():
        if url and folded in me.names:
            me.add_url(url)
    counts: Counter[str] = Counter()
    for msg in state.messages:
        keys = {_participant_key(state, msg.sender[0] if msg.sender else None, msg.sender_name)}
        if msg.recipients:
            keys.update(url for url, _ in msg.recipients)
        else:
            keys.add(_participant_key(state, None, clean_text(msg.to_raw)))
        keys.discard(None)
        keys.discard(f"name:{ANONYMOUS}")
        counts.update(keys)
    if not counts or any(me.is_me(k, "") or k.removeprefix("name:") in me.names for k in counts):
        return
    if any(msg.direction in ("INCOMING", "OUTGOING") for msg in state.messages):
        return
    if len(state.sponsored_to) == 1:
        # Every sponsored message went to one profile: the account's. A new user's export
        # may hold one conversation next to a dozen of them, too few to count who is who.
        (url,) = state.sponsored_to
        me.add_url(url)
        if url in state.name_by_url:
            me.add_name(state.name_by_url[url])
        log.info(
            "%s: no Profile.csv or --me names the user; took %s, whom every "
            "sponsored message was sent to",
            label,
            url,
        )
        return
    ranked = counts.most_common(2)
    top, n = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if n > runner_up and 2 * n >= len(state.messages):
        if top.startswith("name:"):
            me.names.add(top.removeprefix("name:"))
        else:
            me.add_url(top)
            if top in state.name_by_url:
                me.add_name(state.name_by_url[top])
        log.info(
            "%s: no Profile.csv or --me names the user; took %s, in %d of %d messages",
            label,
            top,
            n,
            len(state.messages),
        )


def _split_names(value: str, known: set[str]) -> list[str]:
    """Recipient names from a TO cell; names with commas in them are kept whole when known."""
    value = clean_text(value)
    if not value:
        return []
    if fold_name(value) in known or "," not in value:
        return [value]
    parts = value.split(",")
    names, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = ",".join(parts[i:j]).strip()
            if j == i + 1 or fold_name(candidate) in known:
                if candidate:
                    names.append(candidate)
                i = j
                break
    return names


def _recipients(msg: Message, state: ReadState) -> list[tuple[str | None, str | None, str]]:
    """(normalised url, raw url, name) of each recipient of a message the user sent."""
    names = _split_names(msg.to_raw, state.known_names)
    if not msg.recipients:
        out: list[tuple[str | None, str | None, str]] = []
        for name in names:
            url = state.url_by_name.get(fold_name(name))
            out.append((url, None, name))
        return out
    if len(names) == len(msg.recipients):
        return [(url, raw, name) for (url, raw), name in zip(msg.recipients, names, strict=True)]
    # Names may hold commas ("Lee, Ann"): the URL list says who the recipients are.
    return [(url, raw, state.name_by_url.get(url, "")) for url, raw in msg.recipients]


def emit_messages(state: ReadState) -> None:
    builder, me = state.builder, state.me
    for msg in state.messages:
        sender_url = msg.sender[0] if msg.sender else None
        if msg.direction in ("OUTGOING", "INCOMING"):
            outbound = msg.direction == "OUTGOING"
        elif not me.known():
            builder.skipped("user_not_identified")
            continue
        else:
            outbound = me.is_me(sender_url, msg.sender_name)
        if outbound:
            counterparts = [
                (url, raw, name)
                for url, raw, name in _recipients(msg, state)
                if not me.is_me(url, name)
            ]
        else:
            raw = msg.sender[1] if msg.sender else None
            counterparts = [(sender_url, raw, msg.sender_name)]
        counterparts = [c for c in counterparts if c[0] or (c[2] and fold_name(c[2]) != ANONYMOUS)]
        if not counterparts:
            anonymous = fold_name(msg.sender_name if not outbound else msg.to_raw) == ANONYMOUS
            builder.skipped("anonymous_member" if anonymous else "no_counterpart")
            continue
        direction = "outbound" if outbound else "inbound"
        seen: set[str] = set()
        for url, raw, name in counterparts:
            key = url or state.name_key(name)
            if key in seen:
                continue
            seen.add(key)
            shown = name if name and fold_name(name) != ANONYMOUS else None
            record_id = state.record(key, msg.locator, shown, raw or url)
            builder.interaction(
                record_id,
                occurred_at=msg.occurred_at,
                channel="linkedin_message",
                direction=direction,
                identity=(msg.conversation, key, msg.occurred_at.isoformat(), direction),
                thread_key=msg.conversation or None,
            )
        builder.accepted()
