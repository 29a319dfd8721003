"""LinkedIn data export (zip, folder or one CSV) to records and interactions: Connections,
messages, Invitations, Imported Contacts; Profile and Email Addresses identify the user.

One module per job: ``files`` (zip and folder members, decoding, tables), ``dates``,
``user`` (who the user is), ``rows`` (the state of one read), one module per table, and
``extract`` (``read``).
"""

from connectors.linkedin.extract import CONNECTOR, SOURCE, read
from connectors.linkedin.files import sniff
from connectors.linkedin.user import user_identifiers

__all__ = ["CONNECTOR", "SOURCE", "read", "sniff", "user_identifiers"]
