"""Addresses in From/To/Cc headers: display names and mailboxes, as mail clients write them."""

from __future__ import annotations

import re
from functools import lru_cache

from connectors.mail.headers import Address, decode_words, header_text

# Tokens of an address list: quoted strings, comments, angle addresses and encoded-words
# are atomic, so a comma inside "Smith, John" or a broken =?utf-8?Q?Smith, John?= does
# not split an address.
_ADDR_TOKEN_RE = re.compile(
    r'"(?:[^"\\]|\\.)*"?'  # quoted string (an unterminated one runs to the end)
    r"|\((?:[^()\\]|\\.)*\)?"  # comment
    r"|<[^<>]*>?"  # angle address
    r"|=\?[^?\s]+\?[bBqQ]\?[^?]*\?="  # encoded-word
    r'|[,;:]|[^",;:()<>=]+|.',
    re.DOTALL,
)
_COMMENT_RE = re.compile(r"\((?:[^()\\]|\\.)*\)")
_VALID_ADDR_RE = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+")
_SIMPLE_ANGLE_RE = re.compile(
    r'\s*(?:"([^"\\]*)"|([^"<>,;:()\\@]*?))\s*<([^\s@<>()\[\],;:"\\]+@[^\s@<>()\[\],;:"\\]+)>\s*'
)
# Characters that send a name or an address list down the slower, careful path.
_NAME_SPECIALS_RE = re.compile(r"[\"'\\=@]")
_ADDR_SPECIALS_RE = re.compile(r'["(:;\\]')
_SIMPLE_BARE_RE = re.compile(r'\s*([^\s@<>()\[\],;:"\\=]+@[^\s@<>()\[\],;:"\\]+)\s*')


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace('\\"', '"').replace("\\\\", "\\").strip()


def _clean_name(name: str, addr: str) -> str | None:
    if not _NAME_SPECIALS_RE.search(name):
        return " ".join(name.split()) or None
    name = " ".join(_unquote(decode_words(_unquote(name))).split())
    # A name that is itself an address ("alice@example.com <bob@example.com>") names nobody.
    if not name or _VALID_ADDR_RE.fullmatch(name.strip("<>")):
        return None
    return name


def _mailbox(tokens: list[str]) -> Address | None:
    """One mailbox from its tokens: ``name <addr>``, ``addr (name)`` or a bare ``addr``."""
    angle = [t for t in tokens if t.startswith("<")]
    if angle:
        # Comments are legal inside an address: <pete(his account)@silly.test(his host)>.
        addr = _COMMENT_RE.sub("", angle[-1].strip("<>")).strip()
        # A source route <@relay:user@host> keeps only the mailbox.
        if ":" in addr:
            addr = addr.rsplit(":", 1)[1]
        last = tokens.index(angle[-1])
        name = "".join(t for t in tokens[:last] if not t.startswith("(")).strip()
        if not name:
            comments = [t for t in tokens if t.startswith("(")]
            name = comments[0][1:-1] if comments else ""
    else:
        # Only a comment after the whole address names its owner ("addr (Name)"); one
        # inside it (pete(his account)@silly.test) is a remark.
        trailing = tokens[-1] if tokens and tokens[-1].startswith("(") else ""
        addr = "".join(t for t in tokens if not t.startswith("(")).strip()
        name = trailing[1:-1]
        words = addr.split()
        at = next((i for i, w in enumerate(words) if "@" in w), None)
        # "Big Bug bb@bug.com": display-name words before a bare address are a name,
        # never part of it. Obsolete spacing inside an address (john . doe@x) is joined.
        if at and not words[at].startswith(("@", ".")) and not words[at - 1].endswith("."):
            name = name or " ".join(words[:at])
            addr = "".join(words[at:])
        # Some senders put the whole address in an encoded-word.
        if "@" not in addr and "=?" in addr:
            decoded = decode_words(addr)
            if decoded != addr:
                return _mailbox(_ADDR_TOKEN_RE.findall(decoded))
    addr = "".join(addr.split()).strip("'\"")
    if not _VALID_ADDR_RE.fullmatch(addr):
        return None
    return Address(addr.lower(), addr, _clean_name(name, addr) if name else None)


def _simple_mailbox(text: str) -> Address | None:
    m = _SIMPLE_ANGLE_RE.fullmatch(text)
    if m:
        addr = m.group(3)
        name = m.group(1) if m.group(1) is not None else m.group(2)
        return Address(addr.lower(), addr, _clean_name(name, addr) if name else None)
    m = _SIMPLE_BARE_RE.fullmatch(text)
    if m:
        return Address(m.group(1).lower(), m.group(1), None)
    return None


def parse_addresses(value: str) -> list[Address]:
    """Split an address header into mailboxes, then decode each display name.

    Splitting happens on the raw text so that an encoded ``Smith, John`` stays one name;
    group syntax (``undisclosed-recipients:;``) and invalid entries yield nothing.
    """
    # Most headers are one plain mailbox or a plain comma list; skip the tokenizer then.
    if not _ADDR_SPECIALS_RE.search(value):
        pieces = value.split(",")
        boxes = [_simple_mailbox(p) for p in pieces]
        if all(b is not None or not p.strip() for b, p in zip(boxes, pieces, strict=True)):
            return [b for b in boxes if b is not None]
    else:
        box = _simple_mailbox(value)
        if box is not None:
            return [box]
    out: list[Address] = []
    current: list[str] = []
    for tok in [*_ADDR_TOKEN_RE.findall(value), ","]:
        if tok in (",", ";"):
            if current:
                box = _mailbox(current)
                if box is not None:
                    out.append(box)
            current = []
        elif tok == ":" and not any(t.startswith("<") for t in current):
            # "group-name:" opens a group; what came before it is the group's name.
            current = []
        else:
            current.append(tok)
    return out


@lru_cache(maxsize=4096)
def header_addresses(raw: bytes) -> tuple[Address, ...]:
    """``parse_addresses`` of a raw header value, remembered: the same From and To values
    come back message after message (the user's own address in nearly every one), and
    parsing them is a third of the time spent on a header block."""
    return tuple(parse_addresses(header_text(raw)))
