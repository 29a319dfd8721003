"""The side-by-side benchmark's renderings: Febrl rows as cards, read by the real connector."""

import pandas as pd

from benchmarks.bench_splink_side_by_side import _febrl_entity, febrl_vcards, splink_input
from connectors.base import ReadOptions
from connectors.registry import discover, reader
from transforms.normalise import normalise_records

FEBRL_LIKE = pd.DataFrame(
    {
        "given_name": ["lachlan", None, "deakin"],
        "surname": ["berry", "waller", "sondergeld"],
        "street_number": ["69", "6", None],
        "address_1": ["giblin street", "tullaroop street", "goldfinch circuit"],
        "address_2": ["killarney", "willaroo", None],
        "suburb": ["bittern", "st james", "canterbury"],
        "postcode": ["4814", "4011", "2776"],
        "state": ["qld", "wa", "vic"],
        "date_of_birth": ["19990219", "19081209", "19601310"],  # the last is no date
        "soc_sec_id": ["7364009", "6988048", "2635962"],
    },
    index=pd.Index(["rec-122-org", "rec-223-dup-0", "rec-373-org"], name="rec_id"),
)


def test_febrl_records_become_cards_the_vcard_connector_reads(tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_bytes(febrl_vcards(FEBRL_LIKE).encode("utf-8"))
    found = discover([str(path)])
    assert [i.connector for i in found.inputs] == ["vcard"]
    extract = reader("vcard")(found.inputs[0].path, ReadOptions())
    records = normalise_records(extract.records).set_index("source_key")
    assert sorted(records.index) == sorted(FEBRL_LIKE.index)
    first = records.loc["rec-122-org"]
    assert (first["given_key"], first["family_key"]) == ("lachlan", "berry")
    assert list(first["postcodes"]) == ["4814"]
    assert first["birthday"] == "1999-02-19"
    assert pd.isna(records.loc["rec-373-org", "birthday"])  # a mistyped date stays unread
    assert "7364009" not in path.read_text()  # no identity numbers in an address book


def test_febrl_ids_name_their_person():
    assert _febrl_entity("rec-223-org") == _febrl_entity("rec-223-dup-0") == "rec-223"
    assert _febrl_entity("rec-1070-dup-3") == "rec-1070"
    assert _febrl_entity("rec-22-org") != _febrl_entity("rec-223-org")


def test_splink_gets_the_normalised_keys_and_first_values(tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_bytes(febrl_vcards(FEBRL_LIKE).encode("utf-8"))
    extract = reader("vcard")(path, ReadOptions())
    records = normalise_records(extract.records)
    frame = splink_input(records)
    assert list(frame["unique_id"]) == list(records["record_id"])
    row = frame.set_index("unique_id").loc[records["record_id"].iloc[0]]
    assert row["full_name"] == f"{row['given_key']} {row['family_key']}"
    assert row["postcode0"] == "4814" and row["postcodes"] == ["4814"]
