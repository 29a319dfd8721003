"""The one shape every connector returns: an Extract of records, interactions and rejects.

Connectors fill an ExtractBuilder while they read; it assigns deterministic ids,
keeps the per-item accounting (read = accepted + skipped + rejected) and builds
typed Arrow-backed DataFrames against warehouse.schema.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from warehouse import schema

# Extract, AccountingError and stable_id live in warehouse (the store and the transforms
# use them too); connectors keep importing them from here.
from warehouse.extract import AccountingError as AccountingError
from warehouse.extract import Extract as Extract
from warehouse.ids import stable_id as stable_id

EXCERPT_CHARS = 120


class UnreadableInput(Exception):
    """A whole file cannot be read as the kind it claims to be; the message names it."""


@dataclass(frozen=True)
class ReadOptions:
    """What a connector needs to know beyond the file itself.

    Attributes:
        me: the user's own identifiers (lower-cased mail addresses, LinkedIn profile
            URLs); messages from them are outbound and they never become contacts.
        me_hints: the user's identifiers as other inputs of the run name them (a
            LinkedIn export's Profile and Email Addresses), used only when ``me`` is
            empty. Weaker than ``me``: a connector may add the owner it infers (a
            mailbox mostly written from an address the export does not list).
        default_region: ISO country used to read phone numbers written without +CC.
    """

    me: frozenset[str] = frozenset()
    me_hints: frozenset[str] = frozenset()
    default_region: str = "US"


def to_utc(value: datetime | None) -> datetime | None:
    """Timezone-aware UTC; a naive datetime is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# Names a reject's excerpt keeps: a vCard property or a mail header says what the item
# was; its value (a message, a note, a name, an address) never leaves the input.
STRUCTURE_NAMES = frozenset(
    n.casefold()
    for n in (
        "BEGIN",
        "END",
        "VERSION",
        "FN",
        "N",
        "NICKNAME",
        "EMAIL",
        "TEL",
        "ORG",
        "TITLE",
        "ROLE",
        "NOTE",
        "URL",
        "UID",
        "ADR",
        "BDAY",
        "PHOTO",
        "LOGO",
        "CATEGORIES",
        "REV",
        "PRODID",
        "KIND",
        "IMPP",
        "X-SOCIALPROFILE",
        "LABEL",
        "AGENT",
        "From",
        "To",
        "Cc",
        "Bcc",
        "Date",
        "Subject",
        "Message-ID",
        "Received",
        "Sender",
        "Reply-To",
        "Return-Path",
        "Content-Type",
        "MIME-Version",
        "In-Reply-To",
        "References",
    )
)
_NAME_THEN_COLON = re.compile(r"(?<!\S)([A-Za-z][A-Za-z0-9-]*)(?=[:;])")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def mask_content(text: str) -> str:
    """The shape of ``text`` without its content: letters become ``a``, digits ``9``;
    punctuation, spacing and the names of STRUCTURE_NAMES stay (``FN:aaa aaaaa``)."""
    out, last = [], 0
    for m in _NAME_THEN_COLON.finditer(text):
        if m.group(1).casefold() in STRUCTURE_NAMES:
            out.append(_DIGIT.sub("9", _LETTER.sub("a", text[last : m.start()])))
            out.append(m.group(1))
            last = m.end()
    out.append(_DIGIT.sub("9", _LETTER.sub("a", text[last:])))
    return "".join(out)


def excerpt(text: str | bytes | None) -> str:
    """A reject's excerpt: the item's structure, short, and never its content.

    A rejected message row must not keep the message, nor a rejected card its note:
    every value is masked (``mask_content``), so the excerpt shows only what shape
    the item had (its fields, delimiters, property names, lengths).
    """
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = mask_content(" ".join(text.split()))
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def frame_from_rows(rows: list[dict], arrow_schema: pa.Schema) -> pd.DataFrame:
    """Rows (dicts keyed by column) to a DataFrame typed by the Arrow schema."""
    table = pa.Table.from_pylist(rows, schema=arrow_schema) if rows else arrow_schema.empty_table()
    return table.to_pandas(types_mapper=pd.ArrowDtype)


# Record fields that hold lists: a key seen again adds its new values to them.
_LIST_FIELDS = frozenset(
    {"emails_raw", "phones_raw", "postcodes_raw", "streets_raw", "localities_raw"}
)


class ExtractBuilder:
    """Collects a connector's output with ids and accounting done the same way everywhere.

    Count every item once with ``count_read`` when it is seen, then exactly once as
    ``accepted``, ``skipped(reason)`` or ``reject(...)``. ``build`` checks the sum.
    """

    def __init__(self, connector: str, source: str, source_file: str | Path):
        self.connector = connector
        self.source = source
        self.source_file = str(source_file)
        self._records: dict[str, dict] = {}
        self._interactions: dict[str, dict] = {}
        self._rejects: list[dict] = []
        self.items_read = 0
        self.items_accepted = 0
        self._skips: Counter[str] = Counter()
        self.me_hints: list[str] = []
        self.user_evidence: dict = {}
        self.files_not_read: dict[str, str] = {}
        self.user_region: str | None = None

    # -- accounting ------------------------------------------------------------------
    def count_read(self, n: int = 1) -> None:
        self.items_read += n

    def accepted(self, n: int = 1) -> None:
        self.items_accepted += n

    def skipped(self, reason: str, n: int = 1) -> None:
        self._skips[reason] += n

    def reject(self, locator: str, reason: str, excerpt_text: str | bytes | None = None) -> None:
        self._rejects.append(
            {
                "source": self.source,
                "source_file": self.source_file,
                "locator": locator,
                "reason": reason,
                "excerpt": excerpt(excerpt_text),
            }
        )

    # -- rows ------------------------------------------------------------------------
    def record(
        self,
        source_key: str,
        *,
        locator: str = "",
        name: str | None = None,
        given_name: str | None = None,
        family_name: str | None = None,
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        linkedin_url: str | None = None,
        company: str | None = None,
        title: str | None = None,
        observed_at: datetime | None = None,
        birthday: str | None = None,
        postcodes: list[str] | None = None,
        streets: list[str] | None = None,
        localities: list[str] | None = None,
        phone_region: str | None = None,
    ) -> str:
        """Add (or complete) the record for source_key and return its record_id.

        A key seen again in the same file fills the fields that are still empty, so a
        mail address seen in a thousand headers is one record. ``birthday`` is ISO 8601
        (``1980-04-12``, or ``--04-12`` without a year). ``phone_region`` is the ISO
        region the source implies for numbers written without a country code.
        """
        record_id = stable_id(self.source, self.source_file, source_key)
        row = {
            "record_id": record_id,
            "source": self.source,
            "source_file": self.source_file,
            "source_key": source_key,
            "locator": locator,
            "name_raw": name or None,
            "given_name_raw": given_name or None,
            "family_name_raw": family_name or None,
            "emails_raw": list(emails or []),
            "phones_raw": list(phones or []),
            "linkedin_url_raw": linkedin_url or None,
            "company_raw": company or None,
            "title_raw": title or None,
            "observed_at": to_utc(observed_at),
            "birthday_raw": birthday or None,
            "postcodes_raw": list(postcodes or []),
            "streets_raw": list(streets or []),
            "localities_raw": list(localities or []),
            "phone_region": phone_region or None,
        }
        old = self._records.get(record_id)
        if old is None:
            self._records[record_id] = row
        else:
            for k, v in row.items():
                if k in _LIST_FIELDS:
                    old[k] = old[k] + [x for x in v if x not in old[k]]
                elif not old.get(k) and v:
                    old[k] = v
        return record_id

    def interaction(
        self,
        record_id: str,
        *,
        occurred_at: datetime,
        channel: str,
        direction: str,
        identity: tuple,
        thread_key: str | None = None,
        subject: str | None = None,
    ) -> str:
        """Add one dated exchange with the counterpart record; returns interaction_id.

        ``identity`` is what makes the exchange the same wherever it is read again
        (a Message-ID and the counterpart; a LinkedIn URL, time and direction), so a
        duplicate copy of it yields the same id and is kept once. ``subject`` says what a
        meeting or log entry was (never a message body).
        """
        assert channel in schema.CHANNELS, channel
        assert direction in schema.DIRECTIONS, direction
        interaction_id = stable_id(channel, direction, *identity)
        self._interactions.setdefault(
            interaction_id,
            {
                "interaction_id": interaction_id,
                "record_id": record_id,
                "occurred_at": to_utc(occurred_at),
                "channel": channel,
                "direction": direction,
                "source_file": self.source_file,
                "thread_key": thread_key,
                "subject": subject or None,
            },
        )
        return interaction_id

    def build(self) -> Extract:
        extract = Extract(
            connector=self.connector,
            source_file=self.source_file,
            records=frame_from_rows(list(self._records.values()), schema.RECORDS),
            interactions=frame_from_rows(list(self._interactions.values()), schema.INTERACTIONS),
            rejects=frame_from_rows(self._rejects, schema.REJECTS),
            items_read=self.items_read,
            items_accepted=self.items_accepted,
            items_rejected=len(self._rejects),
            skip_reasons=dict(sorted(self._skips.items())),
            me_hints=list(dict.fromkeys(self.me_hints)),
            user_evidence=self.user_evidence,
            files_not_read=dict(sorted(self.files_not_read.items())),
            user_region=self.user_region,
        )
        extract.check_accounting()
        return extract
