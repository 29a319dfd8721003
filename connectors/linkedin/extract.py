"""Read a LinkedIn export (zip, folder or one CSV) into an Extract."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput
from connectors.linkedin.connections import emit_connections, parse_connections
from connectors.linkedin.files import (
    HEADER_SEARCH_LINES,
    Member,
    Table,
    find_table,
    folder_members,
    is_zip,
    unread_csvs,
    zip_members,
    zip_names,
)
from connectors.linkedin.imported import emit_imported
from connectors.linkedin.invitations import (
    emit_invitations,
    note_incoming_invitations,
    parse_invitations,
)
from connectors.linkedin.messages import emit_messages, identify_user_in_messages, parse_messages
from connectors.linkedin.rows import ReadState
from connectors.linkedin.text import printable
from connectors.linkedin.user import User, read_email_addresses, read_profile

CONNECTOR = "linkedin"
SOURCE = "linkedin"

_EXPECTED_HEADER = {
    "connections": "First Name,Last Name,[URL,]Email Address,Company,Position,Connected On",
    "messages": "[CONVERSATION ID,...,]FROM,...,TO,...,DATE,...,CONTENT,FOLDER",
    "invitations": "From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl]",
    "profile": "First Name,Last Name,Maiden Name,...,Headline,...",
    "emails": "Email Address,Confirmed,Primary,Updated On",
    "imported": "First Name,Last Name,...,Email Address,Phone Numbers,... (or FirstName,...)",
}


def _tables_from_members(members: list[Member], state: ReadState) -> list[Table]:
    tables = []
    for member in members:
        if member.data is None:
            state.builder.count_read()
            state.builder.reject(member.label, member.error or "cannot be read")
            continue
        if not member.data.strip(b"\r\n\t \xef\xbb\xbf"):
            continue  # an empty file holds no items
        table = find_table(member.label, member.data, member.kind)
        if table is None:
            state.builder.count_read()
            state.builder.reject(
                member.label,
                f"no {member.kind} header in the first {HEADER_SEARCH_LINES} lines; "
                f"expected {_EXPECTED_HEADER[member.kind]}",
                member.data[:200],
            )
            continue
        tables.append(table)
    return tables


def read(path: Path, options: ReadOptions) -> Extract:
    """Read a LinkedIn export: the zip, the unpacked folder, or one CSV from it.

    Connections become records and ``linkedin_connection`` interactions, Invitations
    ``linkedin_invitation`` interactions, messages ``linkedin_message`` interactions
    (one per counterpart), Imported Contacts records. Profile.csv and Email
    Addresses.csv (rows not counted as items), ``options.me`` (else ``options.me_hints``),
    the Direction columns and, failing those, the participant of most messages identify
    the user, who never becomes a record; the user's profile URLs and addresses found
    go to ``me_hints``.

    Source keys: the normalised profile URL (``https://www.linkedin.com/in/<slug>``),
    else the e-mail address, else ``name:<folded name>`` (message and invitation
    counterparts; the matching connection's key when exactly one connection has that
    name) or ``name:<stable id of name and company>`` (connections).

    Args:
        path: the export zip, its unpacked folder, or a single CSV file from it.
        options: the user's own identifiers, if known.

    Returns:
        The Extract; locators read ``Connections.csv row 12`` (data rows, 1-based).
        ``files_not_read`` names the export's other CSVs, each with why it is not read.

    Raises:
        UnreadableInput: the path cannot be read, a zip or folder holds no LinkedIn
            CSV, or a single CSV has no recognisable header in its first lines. In a
            zip or folder, one such CSV is one rejected item and the rest is read.
    """
    path = Path(path)
    builder = ExtractBuilder(CONNECTOR, SOURCE, printable(str(path)))
    state = ReadState(builder, User.from_options(options))
    try:
        if path.is_dir():
            members = folder_members(path)
            single = False
            builder.files_not_read.update(
                unread_csvs([c.name for c in path.iterdir() if c.is_file()])
            )
        else:
            with open(path, "rb") as fh:
                head = fh.read(8)
            single = not is_zip(head)
            members = [] if single else zip_members(path)
            if not single:
                builder.files_not_read.update(unread_csvs(zip_names(path)))
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc

    if single:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        table = find_table(path.name, data)
        if table is None:
            raise UnreadableInput(
                f"{path}: not a LinkedIn export CSV; expected a Connections, messages, "
                f"Invitations, Profile, Email Addresses or Imported Contacts header in the "
                f"first {HEADER_SEARCH_LINES} lines, e.g. {_EXPECTED_HEADER['connections']}"
            )
        tables = [table]
    else:
        if not members:
            raise UnreadableInput(
                f"{path}: no LinkedIn export CSV inside; expected Connections.csv, "
                f"messages.csv, Invitations.csv, Profile.csv, Email Addresses.csv or "
                f"Imported Contacts.csv"
            )
        tables = _tables_from_members(members, state)

    by_kind: dict[str, list[Table]] = defaultdict(list)
    for table in tables:
        by_kind[table.kind].append(table)
    for table in by_kind["profile"]:
        read_profile(table, state.me)
    for table in by_kind["emails"]:
        read_email_addresses(table, state.me)
    for table in by_kind["invitations"]:
        parse_invitations(table, state)
    for table in by_kind["connections"]:
        parse_connections(table, state)
    for table in by_kind["messages"]:
        parse_messages(table, state)
    if state.messages:
        identify_user_in_messages(state, str(path))
    note_incoming_invitations(state)
    emit_connections(state)
    emit_invitations(state)
    emit_messages(state)
    for table in by_kind["imported"]:
        emit_imported(table, state)
    builder.me_hints.extend(state.me.hints())
    builder.user_region = state.me.region
    return builder.build()
