"""Stable contact_ids: an unchanged person keeps its id across runs and backfills.

A cluster inherits the id its records had in the previous snapshot; when clusters
merge, the oldest id survives and the others are retired into contact_id_map; a new
person gets an id derived from its smallest record_id, so the same inputs always
give the same ids. A minted id never repeats one the warehouse has used: after a
split, the smaller part's smallest record may be the one the surviving id was minted
from, and two contacts would then share an id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warehouse.ids import stable_id


class ContactIdClash(AssertionError):
    """Two clusters were given one contact_id: a bug, never committed."""


@dataclass
class ContactIds:
    """Attributes:
    contact_of: record_id -> contact_id.
    created_run: contact_id -> run that minted it.
    retired: (old_contact_id, contact_id) pairs retired in this run.
    """

    contact_of: dict[str, str]
    created_run: dict[str, str]
    retired: list[tuple[str, str]]


def new_contact_id(record_ids: list[str], attempt: int = 0) -> str:
    """The id a new person mints from its smallest record; ``attempt`` > 0 when that is used."""
    if attempt == 0:
        return "c_" + stable_id("contact", min(record_ids))
    return "c_" + stable_id("contact", min(record_ids), attempt)


def assign_contact_ids(
    clusters: dict[str, list[str]],
    previous_contact_of: dict[str, str],
    previous_created_run: dict[str, str],
    run_id: str,
    retired_ids: Iterable[str] = (),
) -> ContactIds:
    """Give each cluster a contact_id, reusing the previous run's where possible.

    Args:
        clusters: representative -> member record_ids.
        previous_contact_of: record_id -> contact_id in the previous snapshot.
        previous_created_run: contact_id -> run_id that created it (for "oldest wins").
        run_id: this run, recorded for ids minted now.
        retired_ids: ids retired by earlier runs (contact_id_map): never minted again.

    Returns:
        The assignment, the creation run of every id, and the ids retired by merges.

    Raises:
        ContactIdClash: two clusters ended up with one id (checked, never expected).
    """
    # Visit bigger clusters first so that when a person is split, the larger part
    # keeps the old id; sort keys make the order deterministic.
    order = sorted(clusters.values(), key=lambda m: (-len(m), m[0]))
    # Every id the warehouse knows: a minted id must be none of them, so that it can
    # clash neither with an id another cluster inherits nor with a retired one.
    known = {*previous_contact_of.values(), *previous_created_run, *retired_ids}
    taken: set[str] = set()
    contact_of: dict[str, str] = {}
    created_run: dict[str, str] = {}
    retired: list[tuple[str, str]] = []
    for members in order:
        old_ids = sorted(
            {previous_contact_of[r] for r in members if r in previous_contact_of} - taken,
            key=lambda cid: (previous_created_run.get(cid, ""), cid),
        )
        if old_ids:
            contact_id = old_ids[0]
            created_run[contact_id] = previous_created_run.get(contact_id, run_id)
            retired.extend((old, contact_id) for old in old_ids[1:])
            taken.update(old_ids)
        else:
            attempt = 0
            contact_id = new_contact_id(members)
            while contact_id in known or contact_id in taken:
                attempt += 1
                contact_id = new_contact_id(members, attempt)
            created_run[contact_id] = run_id
            taken.add(contact_id)
        for r in members:
            contact_of[r] = contact_id
    _check_one_cluster_per_id(order, contact_of)
    return ContactIds(contact_of=contact_of, created_run=created_run, retired=retired)


def _check_one_cluster_per_id(clusters: list[list[str]], contact_of: dict[str, str]) -> None:
    owner: dict[str, str] = {}
    for members in clusters:
        cid = contact_of[members[0]]
        if owner.setdefault(cid, members[0]) != members[0]:
            raise ContactIdClash(
                f"contact_id {cid} was given to two people (records {owner[cid]} and "
                f"{members[0]}); nothing was committed"
            )
