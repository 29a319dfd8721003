"""Who the user is, as the messages show it: one mailbox's evidence, and the decision.

A mailbox read alone can guess wrong (an Inbox folder where one correspondent writes
more than the user answers; a single message proves nothing), so the connector keeps
the evidence of who takes part in its direct messages (``owner_evidence``) and the run
settles the user once over every mailbox's evidence (``settle_me``); a mailbox read
alone is the same decision over its own evidence (``infer_me``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from connectors.identity import Me
from connectors.mail.headers import MessageSummary

# Addresses a mailbox's evidence keeps, by how many direct messages they take part in.
# The user of a mailbox takes part in nearly all of its direct mail, so the user is
# among the first few; the rest are correspondents. Kept small so that the evidence of
# a million-message archive is a few KB in its extract's metadata.
TRACKED_ADDRESSES = 16


def owner_evidence(summaries: Iterable[MessageSummary], known: Iterable[str] = ()) -> dict:
    """Who takes part in the mailbox's direct messages, for deciding who the user is.

    Args:
        summaries: the mailbox's message summaries.
        known: the user's addresses as given or hinted; kept however rare they are.

    Returns:
        A JSON-ready dict: ``sent`` (senders Gmail's Sent label marks), ``sending``
        (messages each tracked address sent) and ``groups`` (``[addresses, n]``: how
        many direct messages had exactly these tracked addresses taking part). Only the
        most frequent addresses (and the known ones) are tracked.
    """
    known_set = set(Me.of(known).emails)
    direct = [s for s in summaries if s.status == "direct" and s.sender is not None]
    taking_part: Counter[str] = Counter()
    sending: Counter[str] = Counter()
    for s in direct:
        taking_part.update({s.sender.key, *(r.key for r in s.recipients)})
        sending[s.sender.key] += 1
    ranked = sorted(taking_part, key=lambda k: (-taking_part[k], -sending[k], k))
    tracked = set(ranked[:TRACKED_ADDRESSES]) | (known_set & taking_part.keys())
    groups: Counter[tuple[str, ...]] = Counter()
    for s in direct:
        keys = {s.sender.key, *(r.key for r in s.recipients)} & tracked
        if keys:
            groups[tuple(sorted(keys))] += 1
    return {
        "sent": sorted({s.sender.key for s in direct if s.gmail_sent}),
        "sending": {k: sending[k] for k in sorted(tracked) if sending[k]},
        "groups": [[list(k), n] for k, n in sorted(groups.items())],
    }


class _Box:
    """One mailbox's evidence, with the counts the decision asks for."""

    def __init__(self, evidence: dict) -> None:
        self.sent = set(evidence.get("sent", ()))
        self.sending = Counter(evidence.get("sending", {}))
        self.groups = [(frozenset(keys), n) for keys, n in evidence.get("groups", ())]
        self.taking_part: Counter[str] = Counter()
        for keys, n in self.groups:
            for k in keys:
                self.taking_part[k] += n

    def involving(self, addresses: set[str]) -> int:
        return sum(n for keys, n in self.groups if keys & addresses)

    def shared(self, address: str, addresses: set[str]) -> int:
        return sum(n for keys, n in self.groups if address in keys and keys & addresses)

    def best(self) -> str | None:
        if not self.taking_part:
            return None
        return min(self.taking_part, key=lambda k: (-self.taking_part[k], -self.sending[k], k))


def settle_me(evidences: Iterable[dict], hints: Iterable[str] = ()) -> set[str]:
    """The user's addresses, decided once over every mailbox of a run.

    ``hints`` (another input's addresses, such as a LinkedIn export's) are the user's,
    and so is every sender Gmail's ``Sent`` label marks. Over the mailboxes without that
    label, the address taking part in most direct messages of all of them (ties to the
    more frequent sender) is the user's when it takes part in at least two and in more
    than the hinted addresses do: the user takes part in all of their own mail, a
    correspondent only in the part exchanged with the user. Then each such mailbox may
    add its own owner (a work mailbox next to a private one) on the same terms within
    the mailbox, unless that address mostly exchanges mail with the user's addresses:
    then it is a correspondent, however much it writes (an Inbox folder of one
    colleague's mail). Each mailbox is judged against the same addresses, so the answer
    does not depend on the order of the inputs.
    """
    boxes = [_Box(e) for e in evidences]
    me = set(Me.of(hints).emails)
    for box in boxes:
        me |= box.sent
    unlabelled = [b for b in boxes if not b.sent]
    if not unlabelled:
        return me
    everything = _Box({})
    for box in unlabelled:
        everything.groups += box.groups
        everything.taking_part.update(box.taking_part)
        everything.sending.update(box.sending)
    settled = set(me)
    if (best := everything.best()) is not None and _owns(everything, best, me):
        settled.add(best)
    owners = set()
    for box in unlabelled:
        best = box.best()
        if best is None or best in settled or not _owns(box, best, settled):
            continue
        if 2 * everything.shared(best, settled) < everything.taking_part[best]:
            owners.add(best)
    return settled | owners


def _owns(box: _Box, address: str, me: set[str]) -> bool:
    """Whether ``address`` takes part in enough of the box's mail to be its owner."""
    n = box.taking_part[address]
    return n >= 2 and n > box.involving(me)


def infer_me(summaries: Iterable[MessageSummary], hints: Iterable[str] = ()) -> set[str]:
    """The user's addresses as one mailbox's messages show them (``settle_me`` over it)."""
    hints = list(hints)
    return settle_me([owner_evidence(summaries, hints)], hints)
