"""A card's properties as Fields: parsed by ties' own reader, or by vobject for comparison."""

from __future__ import annotations

import logging

from vobject.base import parseLine
from vobject.icalendar import stringToTextValues
from vobject.vcard import splitFields

from connectors.vcard.cards import CardText
from connectors.vcard.properties import Field

log = logging.getLogger(__name__)


def parse_fields(card: CardText) -> list[Field]:
    """The card's properties as read by vobject, or by the pre-parser when vobject fails."""
    try:
        return vobject_fields(card)
    except Exception as exc:  # vobject raises many types (ParseError, ValueError, ...)
        log.debug("vobject refused %s (%s); using the pre-parser's reading", card.locator, exc)
        return card.fields()


def vobject_fields(card: CardText) -> list[Field]:
    """The repaired card read line by line with vobject's grammar and value decoders.

    This is what ``vobject.readOne`` does to a vCard 3.0 text (parseLine, then the N,
    ADR, ORG and text behaviours) without building its object model, which was measured
    at ten times the cost: 0.6 ms a card, 12-14 s of a 20k-card address book's read. The
    test suite checks that readOne reads every sample card the same way.
    """
    fields = []
    for prop in card.props:
        name, raw_params, value, group = parseLine(prop.to_line())
        name = name.upper()
        params: dict[str, list[str]] = {}
        for key, *values in raw_params:
            params.setdefault(key.upper(), []).extend(values)
        if name == "N":
            parts = (_split_fields(value) + [""] * 5)[:5]
            fields.append(Field(group, name, params, [joined(p) for p in parts]))
        elif name == "ADR":
            parts = (_split_fields(value) + [""] * 7)[:7]
            fields.append(Field(group, name, params, [joined(p, ", ") for p in parts]))
        elif name == "ORG":
            fields.append(Field(group, name, params, [joined(p) for p in _split_fields(value)]))
        elif name == "CATEGORIES":
            fields.append(Field(group, name, params, _text_values(value)))
        else:
            fields.append(Field(group, name, params, _text_values(value)[0]))
    return fields


# vobject's value decoders walk the string a character at a time; without a backslash
# or a comma their answer is known (the value itself, or its ';' parts without a trailing
# empty one), so they are only asked when there is something to decode.


def _text_values(value: str) -> list[str]:
    if "\\" in value or "," in value:
        return stringToTextValues(value)
    return [value]


def _split_fields(value: str) -> list:
    if "\\" in value or "," in value:
        return splitFields(value)
    parts = value.split(";")
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    return parts


def joined(value: object, glue: str = " ") -> str:
    if isinstance(value, list):
        return glue.join(str(v) for v in value)
    return "" if value is None else str(value)
