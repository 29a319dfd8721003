"""Connectors: one package per source kind (linkedin, vcard, mail); bytes in, an Extract out.

An Extract holds records, interactions and rejects. ``identity`` holds the keys every
source and the transforms compare: the e-mail key, the LinkedIn URL key and the user.

``registry.discover`` decides which connector reads each input; every connector offers
``sniff(path, head)`` and ``read(path, options) -> Extract``.
"""
