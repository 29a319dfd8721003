"""A small phonetic key for blocking on names spelled differently (Smith / Smyth).

A simplified Metaphone, written for ties so that the key is the same on every
machine: initial silent letters dropped, common digraphs mapped, vowels after the
first letter dropped, repeats collapsed. Katherine, Catherine and Kathryn share
``K0RN``; Smith and Smyth share ``SM0``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_LETTER = re.compile(r"[^a-z]")
_INITIAL = (("kn", "n"), ("gn", "n"), ("pn", "n"), ("wr", "r"), ("ps", "s"), ("wh", "w"))
_DIGRAPHS = (
    ("sch", "sk"),
    ("tch", "x"),
    ("ph", "f"),
    ("ck", "k"),
    ("sh", "x"),
    ("ch", "x"),
    ("th", "0"),
    ("dg", "j"),
    ("gh", ""),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("v", "f"),
)
_VOWELS = set("aeiouyhw")


@lru_cache(maxsize=200_000)
def phonetic_key(word: str | None) -> str | None:
    """Phonetic code of one folded word (ASCII letters); None when nothing is left."""
    if not word:
        return None
    text = _NOT_LETTER.sub("", word.lower())
    if not text:
        return None
    for prefix, repl in _INITIAL:
        if text.startswith(prefix):
            text = repl + text[len(prefix) :]
            break
    for src, dst in _DIGRAPHS:
        text = text.replace(src, dst)
    if not text:
        return None
    first = "A" if text[0] in "aeiou" else text[0].upper()
    out = [first]
    prev = text[0]
    for ch in text[1:]:
        if ch in _VOWELS:
            prev = ch
            continue
        if ch != prev:
            out.append(ch.upper())
        prev = ch
    return "".join(out)
