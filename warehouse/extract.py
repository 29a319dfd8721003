"""The shape of one input's extract: what a connector returns and the extract store keeps.

Defined here, not in connectors, because the warehouse stores it and the pipeline
assembles from it: connectors build it (connectors.base.ExtractBuilder), nobody
below connectors needs to import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


class AccountingError(AssertionError):
    """A connector lost track of items: read != accepted + skipped + rejected."""


@dataclass
class Extract:
    """What one connector read from one input.

    Attributes:
        connector: the connector's name (``linkedin``, ``vcard``, ``mail``).
        source_file: the input as the user named it.
        records: one row per mention of a person (schema.RECORDS).
        interactions: one row per dated exchange (schema.INTERACTIONS).
        rejects: one row per input item refused, with the reason (schema.REJECTS).
        items_read, items_accepted, items_rejected: item counts.
        skip_reasons: items deliberately left out, counted by reason.
        me_hints: identifiers of the user found in the input (LinkedIn profile, the
            most frequent sender of a mailbox), used when --me is not given.
        user_evidence: a mailbox's evidence of who its user is and the addresses it
            was read as the user's (``me``), for settling the user once per run
            (connectors.mail.user); empty for other connectors.
        files_not_read: files of the input deliberately not read (a LinkedIn export's
            CSVs that hold no contact data), each with why, for the run summary.
        user_region: the country of the user's LinkedIn profile location (ISO region),
            a fallback region for phone numbers written without a country code.
    """

    connector: str
    source_file: str
    records: pd.DataFrame
    interactions: pd.DataFrame
    rejects: pd.DataFrame
    items_read: int = 0
    items_accepted: int = 0
    items_rejected: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    me_hints: list[str] = field(default_factory=list)
    user_evidence: dict = field(default_factory=dict)
    files_not_read: dict[str, str] = field(default_factory=dict)
    user_region: str | None = None

    @property
    def items_skipped(self) -> int:
        return sum(self.skip_reasons.values())

    def check_accounting(self) -> None:
        total = self.items_accepted + self.items_skipped + self.items_rejected
        if total != self.items_read:
            raise AccountingError(
                f"{self.source_file}: read {self.items_read} but accepted "
                f"{self.items_accepted} + skipped {self.items_skipped} + rejected "
                f"{self.items_rejected} = {total}"
            )
