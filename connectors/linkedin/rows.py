"""Parsed rows and the state one read builds before it emits records and interactions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from connectors.base import ExtractBuilder
from connectors.linkedin.files import ANONYMOUS, Row, Table, iter_rows
from connectors.linkedin.text import clean_text, fold_name, printable
from connectors.linkedin.user import User


@dataclass(slots=True)
class Connection:
    locator: str
    first: str
    last: str
    name: str
    url_raw: str
    url: str | None
    email: str
    urn: str
    company: str
    position: str
    connected_on: str


@dataclass(slots=True)
class Invitation:
    locator: str
    raw: str
    from_name: str
    to_name: str
    sent_at: datetime
    direction: str  # INCOMING / OUTGOING / other
    inviter: tuple[str, str] | None  # (normalised, raw)
    invitee: tuple[str, str] | None


@dataclass(slots=True)
class Message:
    locator: str
    conversation: str
    sender_name: str
    sender: tuple[str, str] | None
    to_raw: str
    recipients: tuple[tuple[str, str], ...]
    occurred_at: datetime
    direction: str  # the 2018 Direction column, else ""


@dataclass
class ReadState:
    """Everything one read learns before it emits rows."""

    builder: ExtractBuilder
    me: User
    connections: list[Connection] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    # folded full name -> connection source_key (None when two connections share it)
    connection_key_by_name: dict[str, str | None] = field(default_factory=dict)
    url_by_name: dict[str, str | None] = field(default_factory=dict)
    name_by_url: dict[str, str] = field(default_factory=dict)
    known_names: set[str] = field(default_factory=set)
    incoming_urls: set[str] = field(default_factory=set)
    incoming_names: set[str] = field(default_factory=set)
    incoming_names_without_url: set[str] = field(default_factory=set)
    # The recipient of each sponsored message: LinkedIn sends those to the account only.
    sponsored_to: set[str] = field(default_factory=set)
    _pairs_seen: set[tuple[str, str]] = field(default_factory=set)
    _record_ids: dict[tuple[str, str | None, str | None], str] = field(default_factory=dict)

    def learn_pair(self, url: str | None, name: str) -> None:
        if not url or (url, name) in self._pairs_seen:
            return
        self._pairs_seen.add((url, name))
        if not clean_text(name) or fold_name(name) == ANONYMOUS:
            return
        self.name_by_url.setdefault(url, clean_text(name))
        folded = fold_name(name)
        self.known_names.add(folded)
        old = self.url_by_name.get(folded, url)
        self.url_by_name[folded] = url if old == url else None

    def record(self, key: str, locator: str, name: str | None, url: str | None) -> str:
        """builder.record for a counterpart, once per (key, name, url): messages repeat them."""
        cache_key = (key, name, url)
        record_id = self._record_ids.get(cache_key)
        if record_id is None:
            record_id = self.builder.record(key, locator=locator, name=name, linkedin_url=url)
            self._record_ids[cache_key] = record_id
        return record_id

    def name_key(self, name: str) -> str:
        """A counterpart known only by name: the connection with that name, else the name."""
        folded = fold_name(name)
        return self.connection_key_by_name.get(folded) or f"name:{folded}"


def table_items(state: ReadState, table: Table) -> Iterator[tuple[str, Row]]:
    """Every data row of the table as an item: counted, and rejected when unreadable.

    Yields:
        (locator, row) for the rows whose fields could be read.
    """
    for row in iter_rows(table):
        state.builder.count_read()
        locator = f"{table.label} row {row.number}"
        if row.fields is None:
            reject_row(state, locator, row.problem or "unreadable row", row.raw)
            continue
        yield locator, row


def reject_row(state: ReadState, locator: str, reason: str, raw: str) -> None:
    state.builder.reject(locator, reason, printable(raw[:400]))
