"""Connectors: one module per source kind; bytes in, an Extract out.

An Extract holds records, interactions and rejects.

``registry.discover`` decides which connector reads each input; every connector offers
``sniff(path, head)`` and ``read(path, options) -> Extract``.
"""
