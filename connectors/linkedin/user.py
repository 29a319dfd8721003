"""Who the user is: Profile.csv and Email Addresses.csv, read cheaply before any extraction."""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from connectors.base import ReadOptions
from connectors.countries import region_of_location
from connectors.identity import Me, linkedin_url_key
from connectors.linkedin.files import (
    ANONYMOUS,
    MEMBER_ERRORS,
    Table,
    TooLarge,
    cell_text,
    decode_csv,
    find_header,
    find_table,
    is_zip,
    iter_rows,
    kind_by_filename,
    unpack_member,
)
from connectors.linkedin.text import clean_text, fold_name

log = logging.getLogger(__name__)

_PROFILE_URL_IN_TEXT = re.compile(r"(?:https?://)?(?:[\w-]+\.)*linkedin\.com/in/[^\s,;\"'\[\]<>]+")


@dataclass
class User:
    """Who the user is: never a record; the sender of outbound messages."""

    urls: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # folded
    emails: set[str] = field(default_factory=set)
    found_urls: set[str] = field(default_factory=set)  # in the input, for me_hints
    found_emails: set[str] = field(default_factory=set)
    # The country of the profile's location (ISO region): where the user's contacts'
    # numbers without a country code most likely are, after their own card's hints.
    region: str | None = None

    @classmethod
    def from_options(cls, options: ReadOptions) -> User:
        """The user as given (``me``), else as other inputs name them (``me_hints``)."""
        given = Me.of(options.me or options.me_hints)
        return cls(urls=set(given.linkedin_urls), emails=set(given.emails))

    def add_url(self, url: str | None) -> None:
        if url:
            self.urls.add(url)
            self.found_urls.add(url)

    def add_name(self, name: str) -> None:
        if clean_text(name) and fold_name(name) != ANONYMOUS:
            self.names.add(fold_name(name))

    def known(self) -> bool:
        return bool(self.urls or self.names)

    def is_me(self, url: str | None, name: str) -> bool:
        # A URL is exact; a name decides only where no URL is there to compare.
        if url and self.urls:
            return url in self.urls
        return bool(name) and fold_name(name) in self.names

    def hints(self) -> list[str]:
        return sorted(self.found_urls) + sorted(self.found_emails)


def read_profile(table: Table, me: User) -> None:
    first, last = table.index("firstname"), table.index("lastname")
    # Exports up to about 2019 have Country; all have Geo Location (or Location before):
    # "London, England, United Kingdom", "Berlin Area, Germany", "Greater Seattle Area".
    places = [table.index(n) for n in ("country", "geolocation", "location")]
    for row in iter_rows(table):
        if row.fields is None:
            continue
        me.add_name(f"{cell_text(row.fields, first)} {cell_text(row.fields, last)}")
        if me.region is None:
            me.region = next(
                (
                    r
                    for i in places
                    if i is not None and (r := region_of_location(cell_text(row.fields, i)))
                ),
                None,
            )
        for cell in row.fields:
            for match in _PROFILE_URL_IN_TEXT.findall(cell):
                me.add_url(linkedin_url_key(match))


def read_email_addresses(table: Table, me: User) -> None:
    col = table.index("emailaddress")
    for row in iter_rows(table):
        if row.fields is not None and "@" in (email := cell_text(row.fields, col)):
            me.emails.add(email.lower())
            me.found_emails.add(email.lower())


_OWN_KINDS = ("profile", "emails")
# Profile.csv and Email Addresses.csv are a few KB; a "single CSV" larger than this is
# some other file and not read whole just to look for the user.
_OWN_CSV_MAX_BYTES = 8 * 1024 * 1024


def _own_tables(path: Path) -> list[Table]:
    """Profile and Email Addresses tables of an export, its folder or one CSV; nothing else.

    A member that cannot be read is left out, as ``read`` rejects it and goes on.
    """
    tables: list[Table] = []

    def add(label: str, kind: str, load) -> None:
        try:
            data = load()
        except (*MEMBER_ERRORS, TooLarge) as exc:
            log.debug("%s: %s cannot be read: %s", path, label, exc)
            return
        if table := find_table(label, data, kind):
            tables.append(table)

    if path.is_dir():
        for child in sorted(path.iterdir()):
            kind = kind_by_filename(child.name)
            if kind in _OWN_KINDS and child.is_file():
                add(child.name, kind, child.read_bytes)
        return tables
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if is_zip(head):
        with zipfile.ZipFile(path) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                kind = kind_by_filename(info.filename)
                if kind not in _OWN_KINDS or info.filename.startswith("__MACOSX/"):
                    continue
                if not info.is_dir() and info.file_size <= _OWN_CSV_MAX_BYTES:
                    add(
                        info.filename,
                        kind,
                        lambda info=info: unpack_member(zf, info, _OWN_CSV_MAX_BYTES),
                    )
        return tables
    found = find_header(decode_csv(head)[0])
    if found and found[0] in _OWN_KINDS and path.stat().st_size <= _OWN_CSV_MAX_BYTES:
        add(path.name, found[0], path.read_bytes)
    return tables


def user_identifiers(path: Path) -> list[str]:
    """The user's own identifiers a LinkedIn export names, read cheaply before extraction.

    Only Profile.csv (profile URLs in any of its cells, such as Websites) and Email
    Addresses.csv (every address listed) are read: of the export zip, its unpacked
    folder, or when ``path`` is one of those two CSVs. Connections and messages are not
    parsed, so this takes milliseconds and other connectors can be told who the user is.

    Args:
        path: a LinkedIn export zip, its folder, or a single CSV from it.

    Returns:
        Normalised profile URLs, then lower-cased addresses, each sorted (as ``me_hints``
        of ``read``); [] for anything else, an unreadable file included. Never raises.
    """
    me = User()
    try:
        for table in _own_tables(Path(path)):
            if table.kind == "profile":
                read_profile(table, me)
            else:
                read_email_addresses(table, me)
    except Exception as exc:  # a hint is optional; the extract reports what is wrong
        log.debug("%s: no user identifiers read: %s", path, exc)
        return []
    return me.hints()
