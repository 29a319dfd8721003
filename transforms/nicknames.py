"""Given-name diminutives: Bill = William, Kate = Katherine, for matching keys only.

The table is ``transforms/data/nicknames.csv`` (curated for ties; each diminutive
belongs to one canonical name, ambiguous ones such as Chris or Sam are left out).
When the maintained ``nicknames`` package (Carlton Northern's hand-curated table,
Apache-2.0) is installed it extends the table with the diminutives it knows that
point to exactly one canonical name; the vendored table always wins on conflicts.
Names of their own that the table joins because they share diminutives (Stephen and
Steven, both Steve) are listed in ``transforms/data/given_spellings.csv``.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "nicknames.csv"
SPELLINGS = Path(__file__).with_name("data") / "given_spellings.csv"


def _vendored() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *nicks = (n.strip() for n in line.split(","))
        for nick in nicks:
            if nick:
                table[nick] = canonical
    return table


def _from_package() -> dict[str, str]:
    try:
        from nicknames import NickNamer  # optional: `uv add nicknames`
    except ImportError:
        return {}
    namer = NickNamer()
    lookup = getattr(namer, "canonical_lookup", None) or getattr(namer, "_canonical_lookup", {})
    return {nick: next(iter(c)) for nick, c in lookup.items() if len(c) == 1 and nick.isalpha()}


@cache
def nickname_table() -> dict[str, str]:
    """Diminutive (folded, lower case) -> canonical given name."""
    table = _vendored()
    canonicals = set(table.values())
    for nick, canonical in _from_package().items():
        if nick not in table and nick not in canonicals:
            table[nick] = canonical
    return table


@cache
def distinct_spellings() -> frozenset[str]:
    """Given names (folded) that the table joins under one canonical name but that are
    names of their own, spelled alike (Stephen / Steven, Philip / Phillip): from
    ``transforms/data/given_spellings.csv``. Two records that write two of them are
    compared as two names spelled alike, not as one name."""
    names = set()
    for line in SPELLINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


@lru_cache(maxsize=100_000)
def canonical_given(token: str) -> str:
    """The canonical form of a folded given name ("bill" -> "william"), else itself."""
    return nickname_table().get(token, token)
