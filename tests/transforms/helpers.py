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


def in_a_network(*specs: dict, people: int = 100):
    """``records`` of the specs among ``people`` others who each appear twice (a card and
    their mail, one address), as in an address book imported with its mailbox.

    The prior that two records are one person is learned from the file (shrunk towards
    a reference network's rate, ``transforms.scoring.PRIOR_PAIRS``): a file of two
    records cannot teach it, a network whose people appear twice does.
    """
    others = []
    for i in range(people):
        name = f"Person{chr(97 + i % 26)}{i} Family{i}x"
        address = f"person{i}@family{i}x.example"
        others.append({"id": f"n{i:03d}v", "name_raw": name, "emails_raw": [address]})
        others.append(
            {"id": f"n{i:03d}m", "source": "mail", "name_raw": name, "emails_raw": [address]}
        )
    return records(*others, *specs)


def compare_named(recs, pairs: list[tuple[str, str]]):
    """``(features, comparison)`` of the pairs of records named by their ids."""
    import numpy as np

    from transforms import scoring
    from transforms.features import RecordFeatures

    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    a = np.array([ids.index(x) for x, _ in pairs])
    b = np.array([ids.index(y) for _, y in pairs])
    return f, scoring.compare(f, a, b)
