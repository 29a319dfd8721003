"""The contract every connector keeps, checked the same way for each (Singer-style).

For each connector and each of its fixtures: rows conform to the schema, reading is
deterministic, interactions point at records of the same extract, and every item is
accounted for. Empty input gives an empty extract or a clear UnreadableInput.
"""

from pathlib import Path

import pyarrow as pa
import pytest

from connectors.base import ReadOptions, UnreadableInput
from connectors.registry import CONNECTORS, detect_file, discover, reader
from tests.samples import SAMPLES as ALL_SAMPLES
from warehouse import schema

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ALL_SAMPLES
ME = ReadOptions(
    me=frozenset(
        {"alex.morgan@gmail.com", "alex@northwind.io", "https://www.linkedin.com/in/alexmorgan"}
    )
)

FIXTURES = {
    "linkedin": [
        REPO / "examples/linkedin/Basic_LinkedInDataExport_11-01-2026.zip",
        SAMPLES / "linkedin/derived_2018-11_complete_export",
        SAMPLES / "linkedin/derived_2024-12_export",
    ],
    "vcard": [
        REPO / "examples/vcard/android_contacts.vcf",
        REPO / "examples/vcard/iphone_contacts.vcf",
        SAMPLES / "vcard/ez-vcard/John_Doe_IPHONE.vcf",
    ],
    "calendar": [
        REPO / "tests/fixtures/calendar/khal_event_dt_partstat.ics",
        REPO / "tests/fixtures/calendar/khal_event_rrule_recuid_cancelled.ics",
        REPO / "tests/fixtures/calendar/icalendar_alarm_google_future.ics",
        REPO / "tests/fixtures/calendar/icalendar_alarm_outlook_closed.ics",
    ],
    "mail": [
        REPO / "examples/mail/takeout.mbox",
        SAMPLES / "mail/mimekit/mbox_content-length.mbox.txt",
        SAMPLES / "mail/mail-parser/mail_test_3.eml",
    ],
}
CASES = [(c, p) for c, paths in FIXTURES.items() for p in paths]


def _conforms(frame, arrow_schema: pa.Schema) -> None:
    assert list(frame.columns) == arrow_schema.names
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert table.schema.equals(arrow_schema, check_metadata=False), table.schema


@pytest.mark.parametrize(("connector", "path"), CASES, ids=[f"{c}:{p.name}" for c, p in CASES])
def test_connector_contract(connector, path):
    if not path.exists():
        pytest.skip(f"{path} not present")
    read = reader(connector)
    first = read(path, ME)
    assert first.connector == connector
    _conforms(first.records, schema.RECORDS)
    _conforms(first.interactions, schema.INTERACTIONS)
    _conforms(first.rejects, schema.REJECTS)
    first.check_accounting()
    assert first.items_read > 0
    assert first.records["record_id"].is_unique
    assert first.interactions["interaction_id"].is_unique
    assert set(first.interactions["record_id"]) <= set(first.records["record_id"])
    assert set(first.records["source"]) <= {connector}
    assert first.interactions["occurred_at"].notna().all()

    again = read(path, ME)
    for name in ("records", "interactions", "rejects"):
        assert getattr(first, name).equals(getattr(again, name)), name
    assert (first.items_read, first.skip_reasons) == (again.items_read, again.skip_reasons)


@pytest.mark.parametrize("connector", sorted(CONNECTORS))
@pytest.mark.parametrize("suffix", [".csv", ".vcf", ".mbox", ".eml"])
def test_empty_file_is_empty_or_refused_clearly(connector, suffix, tmp_path):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    try:
        extract = reader(connector)(path, ME)
    except UnreadableInput as exc:
        assert str(path) in str(exc) or path.name in str(exc)
        return
    extract.check_accounting()
    assert extract.records.empty and extract.interactions.empty


def test_discovery_finds_each_kind_by_content_not_suffix(tmp_path):
    examples = REPO / "examples"
    renamed = tmp_path / "mixed"
    renamed.mkdir()
    (renamed / "contacts.txt").write_bytes((examples / "vcard/iphone_contacts.vcf").read_bytes())
    (renamed / "archive").write_bytes((examples / "mail/takeout.mbox").read_bytes())
    (renamed / "notes.txt").write_text("just some notes\n")
    (renamed / "backup.pst").write_bytes(b"!BDN" + bytes(100))
    assert detect_file(renamed / "contacts.txt") == "vcard"
    assert detect_file(renamed / "archive") == "mail"
    found = discover([renamed, examples / "linkedin"])
    kinds = sorted((p.path.name, p.connector) for p in found.inputs)
    assert kinds == [
        ("Basic_LinkedInDataExport_11-01-2026.zip", "linkedin"),
        ("archive", "mail"),
        ("contacts.txt", "vcard"),
    ]
    unknown = {p.name: why for p, why in found.unknown}
    assert set(unknown) == {"notes.txt", "backup.pst"}
    assert "PST" in unknown["backup.pst"]


def test_discovery_treats_maildir_and_export_folder_as_one_input(tmp_path):
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new"):
        (md / sub).mkdir(parents=True)
    (md / "cur" / "1.host:2,S").write_bytes(b"From: a@x.org\r\nTo: b@y.org\r\n\r\nhi\r\n")
    export = tmp_path / "export"
    export.mkdir()
    (export / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    )
    found = discover([tmp_path])
    got = sorted((p.path.relative_to(tmp_path).as_posix(), p.connector) for p in found.inputs)
    # The Maildir++ .Sent folder is part of its Maildir, not an input of its own.
    assert got == [("Maildir", "mail"), ("export", "linkedin")]
    assert found.unknown == []


def test_missing_path_is_named():
    with pytest.raises(FileNotFoundError, match="nope"):
        discover(["/nonexistent/nope"])
