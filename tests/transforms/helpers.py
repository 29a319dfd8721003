"""Small builders of normalised records for transform tests."""

from connectors.base import frame_from_rows
from transforms.normalise import normalise_records
from warehouse import schema


def records(*specs: dict):
    rows = []
    for i, spec in enumerate(specs):
        row = {f.name: None for f in schema.RECORDS}
        row.update(
            record_id=spec.get("id", f"r{i}"),
            source=spec.get("source", "vcard"),
            source_file="f",
            source_key=spec.get("id", f"r{i}"),
            locator="",
            emails_raw=[],
            phones_raw=[],
        )
        row.update({k: v for k, v in spec.items() if k != "id"})
        rows.append(row)
    return normalise_records(frame_from_rows(rows, schema.RECORDS))


def card_at_home(id_: str, name: str, birthday: str | None, **extra) -> dict:
    """A card spec (for ``records``) at one house: 48 Goldfinch Circuit, Canterbury 2776."""
    return {
        "id": id_,
        "name_raw": name,
        "birthday_raw": birthday,
        "streets_raw": ["48 Goldfinch Circuit"],
        "localities_raw": ["Canterbury"],
        "postcodes_raw": ["2776"],
        **extra,
    }
