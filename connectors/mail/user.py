"""Who the user is, as the messages show it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from connectors.identity import Me
from connectors.mail.headers import MessageSummary


def infer_me(summaries: Iterable[MessageSummary], hints: Iterable[str] = ()) -> set[str]:
    """The user's addresses as the messages show them.

    Gmail Takeout marks the user's own messages with the ``Sent`` label; without it the
    user is the address taking part (as sender or recipient) in most direct messages,
    ties going to the more frequent sender. That holds for a Sent folder as well as an
    Inbox, where the most frequent sender is a correspondent. One message alone proves
    nothing, so an address seen in fewer than two messages is not taken.

    ``hints`` are the user's addresses as another input names them (a LinkedIn export):
    they are the user's, and the owner the messages show is added to them only when the
    Sent label names it or it takes part in more direct messages than the hinted
    addresses do, as the work address of a mailbox where the export lists only a
    private one (a correspondent never takes part in more messages than the user).
    """
    known = set(Me.of(hints).emails)
    direct = [s for s in summaries if s.status == "direct"]
    sent = {s.sender.key for s in direct if s.gmail_sent and s.sender is not None}
    if sent:
        return known | sent
    taking_part: Counter[str] = Counter()
    sending: Counter[str] = Counter()
    hinted = 0
    for s in direct:
        keys = {s.sender.key, *(r.key for r in s.recipients)}
        taking_part.update(keys)
        sending[s.sender.key] += 1
        hinted += bool(known & keys)
    if not taking_part:
        return known
    best = min(taking_part, key=lambda k: (-taking_part[k], -sending[k], k))
    return known | {best} if taking_part[best] >= 2 and taking_part[best] > hinted else known
