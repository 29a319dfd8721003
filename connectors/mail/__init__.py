"""Mail connector: mbox files, single .eml messages and Maildir folders, read from headers
only, to one record per correspondent address and one interaction per message and counterpart.

One module per job: ``files`` (what is mail; one file's summaries), ``mbox`` (the
streaming scan), ``shards`` (large mboxes in worker processes), ``maildir``, ``headers``,
``addresses``, ``dates``, ``summary`` (one message's verdict), ``user`` (who the user
is) and ``extract`` (``read``).
"""

# Shard worker processes import connectors.mail.mbox, and with it this package: its
# public names are therefore imported only when asked for, so that a worker never
# imports pandas (through connectors.base), which would cost it 1-2 s to start.
_PUBLIC = {"CONNECTOR": "extract", "SOURCE": "extract", "read": "extract", "sniff": "files"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(f"connectors.mail.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
