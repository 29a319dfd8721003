"""Connectors: one module per source kind, bytes in, an Extract (records, interactions, rejects) out.

``registry.discover`` decides which connector reads each input; every connector offers
``sniff(path, head)`` and ``read(path, options) -> Extract``.
"""
