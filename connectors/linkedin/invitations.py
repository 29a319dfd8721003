"""Invitations.csv: linkedin_invitation interactions, sent and received."""

from __future__ import annotations

from connectors.linkedin.dates import parse_date
from connectors.linkedin.files import ANONYMOUS, Table, cell_text, url_cell
from connectors.linkedin.rows import Invitation, ReadState, reject_row, table_items
from connectors.linkedin.text import clean_text, fold_name
from connectors.linkedin.user import User


def parse_invitations(table: Table, state: ReadState) -> None:
    ix_from, ix_to = table.index("from"), table.index("to")
    ix_sent, ix_dir = table.index("sentat"), table.index("direction")
    ix_inviter = table.index("inviterprofileurl", "inviterurl")
    ix_invitee = table.index("inviteeprofileurl", "inviteeurl")
    me = state.me
    for locator, row in table_items(state, table):
        f = row.fields
        sent_raw = cell_text(f, ix_sent)
        sent_at = parse_date(sent_raw)
        if sent_at is None:
            reject_row(state, locator, f"unreadable date in Sent At: {sent_raw!r}", row.raw)
            continue

        inv = Invitation(
            locator=locator,
            raw=row.raw,
            from_name=clean_text(cell_text(f, ix_from)),
            to_name=clean_text(cell_text(f, ix_to)),
            sent_at=sent_at,
            direction=cell_text(f, ix_dir).upper(),
            inviter=url_cell(f, ix_inviter),
            invitee=url_cell(f, ix_invitee),
        )
        # The Direction column says which side is the user, whatever the names say.
        if inv.direction == "OUTGOING":
            me.add_name(inv.from_name)
            me.add_url(inv.inviter[0] if inv.inviter else None)
        elif inv.direction == "INCOMING":
            me.add_name(inv.to_name)
            me.add_url(inv.invitee[0] if inv.invitee else None)
        state.invitations.append(inv)
    for inv in state.invitations:
        if inv.direction == "INCOMING":
            state.learn_pair(inv.inviter[0] if inv.inviter else None, inv.from_name)
        elif inv.direction == "OUTGOING":
            state.learn_pair(inv.invitee[0] if inv.invitee else None, inv.to_name)


def note_incoming_invitations(state: ReadState) -> None:
    for inv in state.invitations:
        if _invitation_direction(inv, state.me) == "inbound":
            if inv.inviter:
                state.incoming_urls.add(inv.inviter[0])
            if inv.from_name:
                state.incoming_names.add(fold_name(inv.from_name))
                if not inv.inviter:
                    state.incoming_names_without_url.add(fold_name(inv.from_name))


def _invitation_direction(inv: Invitation, me: User) -> str | None:
    if inv.direction in ("OUTGOING", "SENT"):
        return "outbound"
    if inv.direction in ("INCOMING", "RECEIVED"):
        return "inbound"
    if me.is_me(inv.inviter[0] if inv.inviter else None, inv.from_name):
        return "outbound"
    if me.is_me(inv.invitee[0] if inv.invitee else None, inv.to_name):
        return "inbound"
    return None


def emit_invitations(state: ReadState) -> None:
    builder = state.builder
    for inv in state.invitations:
        direction = _invitation_direction(inv, state.me)
        if direction is None:
            reason = f"unknown Direction {inv.direction!r} and the user is on neither side"
            reject_row(state, inv.locator, reason, inv.raw)
            continue
        if direction == "outbound":
            name, url = inv.to_name, inv.invitee
        else:
            name, url = inv.from_name, inv.inviter
        if not url and (not name or fold_name(name) == ANONYMOUS):
            builder.skipped("no_counterpart")
            continue
        key = url[0] if url else state.name_key(name)
        shown = name if fold_name(name) != ANONYMOUS else None
        record_id = state.record(key, inv.locator, shown, url[1] if url else None)
        builder.interaction(
            record_id,
            occurred_at=inv.sent_at,
            channel="linkedin_invitation",
            direction=direction,
            identity=(key, inv.sent_at.isoformat()),
        )
        builder.accepted()
