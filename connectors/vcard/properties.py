"""vCard properties: one content line to its name, parameters and decoded value."""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

from connectors.vcard.encodings import Params, ValueDecoder

KEPT_PARAMS = frozenset({"TYPE", "PREF", "X-USER", "X-APPLE-OMIT-YEAR"})
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})

# How each kept property treats ',' and ';' (RFC 2426): N and ADR are ';'-structured with
# ','-lists inside; ORG is ';'-structured only; CATEGORIES and NICKNAME are ','-lists.
_COMMA_IS_SEPARATOR = frozenset({"N", "ADR", "CATEGORIES", "NICKNAME"})
_SEMICOLON_IS_SEPARATOR = frozenset({"N", "ADR", "ORG"})
# vCard 2.1 allows several groups ("HOME.Springfield.EMAIL", as Qt Versit's tests
# write): the last one is the property's group, as vobject and Apple's item1 know it.
PROP_START = re.compile(rb"(?:[A-Za-z0-9_-]+\.)*?(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)[ \t]*[;:]")
_NEEDS_ESCAPING = re.compile(r"[\\,;\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")
_ESCAPES = re.compile(
    r"\\(.)|(\\)$|(,)|(;)|(\r\n|\r|\n)|([\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029])", re.S
)
_UNESCAPE = re.compile(r"\\(.)", re.S)
_SAFE_PARAM = re.compile(r"[^A-Za-z0-9 ._+@/-]")


@dataclass(slots=True)
class Prop:
    """One property after repair: decoded, unescaped-then-re-escaped to canonical 3.0.

    ``value`` uses only the escapes ``\\\\ \\, \\; \\n``; ``params`` keep only what the
    extractor reads (TYPE lower-cased and split, PREF, X-USER, X-APPLE-OMIT-YEAR).
    """

    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str

    def to_line(self) -> str:
        head = f"{self.group}.{self.name}" if self.group else self.name
        parts = [head]
        for key, values in self.params.items():
            if values:
                parts.append(f"{key}={','.join(values)}")
        return ";".join(parts) + ":" + self.value


@dataclass(slots=True)
class Field:
    """A property as the extractor reads it, whichever parser produced it.

    Structured properties (N, ADR, ORG, CATEGORIES) carry a list of components.
    """

    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str | list[str]


def _split_params_fast(header: bytes) -> list[tuple[bytes, list[bytes]]]:
    out = []
    for part in header.split(b";")[1:]:
        key, eq, value = part.partition(b"=")
        out.append((key.strip(), value.split(b",") if eq else []))
    return out


def _split_params_quoted(buf: bytes, i: int) -> tuple[list[tuple[bytes, list[bytes]]], int]:
    """Parameters with quoted values, from ``buf[i] == ';'``; returns them and the colon.

    Tolerates Apple's backslash-escaped quotes (``X-ADDRESS=... \\"Name\\" ...``), which
    RFC 6350 forbids and vobject rejects.
    """
    n = len(buf)
    params = []
    while i < n and buf[i] == 59:  # ;
        j = i + 1
        while j < n and buf[j] not in b"=;:":
            j += 1
        key = buf[i + 1 : j].strip()
        values: list[bytes] = []
        if j < n and buf[j] == 61:  # =
            j += 1
            while True:
                chunk = bytearray()
                if j < n and buf[j] == 34:  # "
                    j += 1
                    while j < n and buf[j] != 34:
                        if buf[j] == 92 and j + 1 < n and buf[j + 1] == 34:
                            j += 1
                        chunk.append(buf[j])
                        j += 1
                    j += 1
                    while j < n and buf[j] not in b",;:":
                        j += 1
                else:
                    while j < n and buf[j] not in b",;:":
                        if buf[j] == 92 and j + 1 < n:
                            j += 1
                        chunk.append(buf[j])
                        j += 1
                values.append(bytes(chunk))
                if j < n and buf[j] == 44:  # ,
                    j += 1
                    continue
                break
        params.append((key, values))
        i = j
    return params, (i if i < n and buf[i] == 58 else -1)


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes: ^n newline, ^' double quote, ^^ caret."""
    return value.replace("^n", "\n").replace("^'", '"').replace("^^", "^")


def _normalise_params(raw: list[tuple[bytes, list[bytes]]]) -> Params:
    """Parameters the extractor reads, plus the value's ENCODING (upper-case) and CHARSET."""
    params: dict[str, list[str]] = {}
    encoding, charset = "", None
    for key_bytes, values in raw:
        key = key_bytes.decode("latin-1").strip().upper()
        if not values:
            # vCard 2.1 bare parameters: TEL;CELL;PREF, NOTE;QUOTED-PRINTABLE.
            if key in _BARE_ENCODINGS:
                encoding = key
            elif key:
                params.setdefault("TYPE", []).append(_param_text(key.lower()))
            continue
        texts = [_caret_decode(v.decode("utf-8", "replace")) for v in values]
        if key == "TYPE":
            # TYPE="work,voice" (quoted, RFC 6350) is two types, as TYPE=work,voice is.
            types = (_param_text(t).lower() for v in texts for t in v.split(","))
            params.setdefault("TYPE", []).extend(t for t in types if t)
        elif key == "ENCODING":
            encoding = texts[0].strip().strip('"').upper()
        elif key == "CHARSET":
            charset = texts[0].strip().strip('"') or None
        elif key in KEPT_PARAMS:
            params.setdefault(key, []).extend(t for t in map(_param_text, texts) if t)
    return params, encoding, charset


def _param_text(value: str) -> str:
    """A parameter value vobject reads back unchanged: no quotes, separators or controls."""
    return _SAFE_PARAM.sub("", value).strip()


def canonical_value(text: str, name: str) -> str:
    """Re-escape a decoded value to the four escapes vobject and RFC 2426 agree on.

    Unescaped commas and semicolons in single-valued properties are escaped (vobject
    would otherwise keep only the text before the first comma: Gmail writes
    ``FN:Mr. John Richter, James Doe Sr.``); Gmail's ``\\:`` and Apple's ``\\"`` lose
    their backslash; an unknown escape keeps its backslash as a literal one.
    """
    if not _NEEDS_ESCAPING.search(text):
        return text
    keep_comma = name in _COMMA_IS_SEPARATOR
    keep_semicolon = name in _SEMICOLON_IS_SEPARATOR

    def repl(m: re.Match[str]) -> str:
        escaped = m.group(1)
        if escaped is not None:
            if escaped in "\\,;":
                return "\\" + escaped
            if escaped in "nN":
                return "\\n"
            if escaped in ":\"'":
                return escaped
            if escaped in "\r\n":
                return "\\\\\\n"
            return "\\\\" + (escaped if escaped.isprintable() else " ")
        if m.group(2):
            return "\\\\"
        if m.group(3):
            return "," if keep_comma else "\\,"
        if m.group(4):
            return ";" if keep_semicolon else "\\;"
        if m.group(5):
            return "\\n"
        return " "

    return _ESCAPES.sub(repl, text)


def unescape(value: str) -> str:
    """Undo canonical escaping."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not backslash-escaped; parts stay escaped."""
    if "\\" not in value:
        return value.split(sep)
    parts, start, i, n = [], 0, 0, len(value)
    while i < n:
        c = value[i]
        if c == "\\":
            i += 2
            continue
        if c == sep:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts


def _list_items(value: str) -> list[str]:
    """A ','-list as vobject reads it: a trailing empty item is dropped ("Alley 5,")."""
    items = split_escaped(value, ",")
    if len(items) > 1 and not items[-1]:
        items.pop()
    return items


def native_value(name: str, value: str) -> str | list[str]:
    """What vobject makes of a canonical value, without vobject (the same rules)."""
    if name in ("N", "ADR"):
        glue, size = (" ", 5) if name == "N" else (", ", 7)
        parts = [glue.join(map(unescape, _list_items(c))) for c in split_escaped(value, ";")]
        return (parts + [""] * size)[:size]
    if name == "ORG":
        return [unescape(c) for c in split_escaped(value, ";")]
    if name == "CATEGORIES":
        return [unescape(c) for c in split_escaped(value, ",")]
    if name == "NICKNAME":
        return unescape(split_escaped(value, ",")[0])
    return unescape(value)


def parse_property(buf: bytes, decoder: ValueDecoder) -> Prop | None:
    """One logical line to a Prop, decoding its value; None when it is not a property."""
    match = PROP_START.match(buf)
    if match is None:
        return None
    group_bytes, name_bytes = match.groups()
    group = group_bytes.decode("ascii").replace("_", "-") if group_bytes else None
    name = name_bytes.decode("ascii").upper().replace("_", "-")
    start = match.end() - 1
    colon = buf.find(b":", start)
    if colon < 0:
        return None
    header = buf[start:colon]
    # Parameter lists repeat across an address book (";type=INTERNET;type=pref"), so
    # each distinct one is parsed once per file.
    parsed = decoder.params_cache.get(header)
    if parsed is None:
        if b'"' in header:
            raw_params, quoted_colon = _split_params_quoted(buf, start)
            if quoted_colon < 0:
                raw_params = _split_params_fast(header)
            else:
                colon = quoted_colon
            parsed = _normalise_params(raw_params)
        else:
            parsed = _normalise_params(_split_params_fast(header))
            if len(decoder.params_cache) < 4096:
                decoder.params_cache[header] = parsed
    params, encoding, charset = parsed
    raw = buf[colon + 1 :]
    if encoding in ("QUOTED-PRINTABLE", "QP"):
        text = decoder.text(binascii.a2b_qp(raw), charset)
    elif encoding in ("B", "BASE64"):
        try:
            text = decoder.text(binascii.a2b_base64(raw), charset)
        except (binascii.Error, ValueError):
            text = decoder.text(raw, charset)
    else:
        text = decoder.text(raw, charset)
    if name == "VERSION":
        text = text.strip()
    return Prop(group, name, params, canonical_value(text, name))
