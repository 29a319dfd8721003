"""vCard connector: address books (2.1, 3.0, 4.0, as phones, mail clients and CRMs write
them) to one record per card.

One module per job: ``encodings`` (file and legacy charsets), ``cards`` (splitting and
unfolding), ``properties`` (one content line), ``dates``, ``fields`` (a card's
properties), ``contact`` (names, phones, organisation, profile) and ``extract``
(``read`` and ``sniff``).
"""

from connectors.vcard.extract import CONNECTOR, SOURCE, read, sniff

__all__ = ["CONNECTOR", "SOURCE", "read", "sniff"]
