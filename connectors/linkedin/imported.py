"""Imported Contacts.csv and Contacts.csv: the address books the user synced, as records."""

from __future__ import annotations

import re

from connectors.base import stable_id
from connectors.linkedin.dates import parse_date
from connectors.linkedin.files import Table, cell_text
from connectors.linkedin.rows import ReadState, table_items
from connectors.linkedin.text import clean_text, fold_name
from connectors.phone_regions import region_of_number, usual_region, written_nationally


def emit_imported(table: Table, state: ReadState) -> None:
    ix = {
        "first": table.index("firstname"),
        "middle": table.index("middlename"),
        "last": table.index("lastname"),
        "full": table.index("fullname"),
        "company": table.index("companies", "company"),
        "title": table.index("title", "position"),
        "emails": table.index("emailaddress", "emails", "email"),
        "phones": table.index("phonenumbers", "phonenumber"),
        "created": table.index("createdat"),
    }
    builder = state.builder
    international: list[str] = []  # regions of the file's numbers written with +CC
    unplaced: list[str] = []  # keys of records with a number written without +CC
    for locator, row in table_items(state, table):
        get = {k: _value(cell_text(row.fields, i)) for k, i in ix.items()}
        first, last = clean_text(get["first"]), clean_text(get["last"])
        name = clean_text(get["full"]) or clean_text(f"{first} {get['middle']} {last}")
        emails = [e for e in re.split(r"[\s,;]+", get["emails"]) if "@" in e]
        phones = _phones(get["phones"])
        company = clean_text(get["company"])
        if any(e.lower() in state.me.emails for e in emails):
            builder.skipped("own_entry")
            continue
        if emails:
            key = emails[0].lower()
        elif phones:
            key = "tel:" + re.sub(r"[^\d+]", "", phones[0])
        elif name:
            key = "name:" + stable_id(fold_name(name), fold_name(company))
        else:
            builder.skipped("empty_contact")
            continue
        builder.record(
            key,
            locator=locator,
            name=name,
            given_name=first,
            family_name=last,
            emails=emails,
            phones=phones,
            company=company,
            title=clean_text(get["title"]),
            observed_at=parse_date(get["created"]),
        )
        builder.accepted()
        international.extend(r for p in phones if (r := region_of_number(p)))
        if any(map(written_nationally, phones)):
            unplaced.append(key)
    # A phone's address book holds the numbers as the user dialled them: mostly with +CC,
    # the rest national ("97315 92051" next to "+91 80730 05228"). Those are the file's
    # usual country's, as in a vCard file without ADR countries.
    if unplaced and (usual := usual_region(international)) is not None:
        for key in unplaced:
            builder.record(key, phone_region=usual)


# Contacts.csv writes "null" where its source had no value (companies above all).
_NULLS = frozenset({"null", "none", "n/a"})
# Several numbers in one cell: separated by commas, semicolons or line breaks, or by
# spaces after a number that begins with + ("+49 30 1234, +1 555 0100").
_PHONE_SEPARATORS = re.compile(r"[,;\n]+|\s+(?=\+)")


def _value(text: str) -> str:
    return "" if text.casefold() in _NULLS else text


def _phones(cell: str) -> list[str]:
    return [p.strip() for p in _PHONE_SEPARATORS.split(cell) if re.search(r"\d", p)]
