"""Phone numbers without a country code, placed in the order the issue asks for.

1. the card's own ADR country and 2. the file's usual country code (connectors.vcard);
then, for the whole run, 3. the LinkedIn profile's location, 4. the machine's locale,
5. the configured default_region; with none, the number stays raw and unmatched.
Each step is tested through run_import with a card that only the step can place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.countries import region_of_location
from pipelines.importing import run_import
from pipelines.phone_region import PhoneRegion, locale_region, run_phone_region
from pipelines.settings import Settings
from pipelines.summary import summary_lines
from tests.conftest import AS_OF
from tests.samples import SAMPLES
from warehouse.snapshot import current_snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"
DRESDEN = "0351 223344"  # the number: +49 351 223344 when read in Germany


def vcf(*cards: tuple[str, ...]) -> str:
    return "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{p}\r\n" for p in props) + "END:VCARD\r\n"
        for props in cards
    )


def write_export(folder: Path, geo_location: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        f'Ada,Byron,,,,Engineer,,,,"{geo_location}",,,\n'
    )
    (folder / "Connections.csv").write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        'Bram,Okafor,bram@example.com,Contoso,Dev,"10/31/18, 9:00 AM"\n'
    )
    return folder


def import_(tmp_path: Path, inputs: list[Path], default_region: str = "") -> dict:
    settings = Settings(
        warehouse=tmp_path / "wh",
        me=("ada@example.com",),
        inputs=tuple(str(p) for p in inputs),
        as_of=AS_OF,
        default_region=default_region,
    )
    return run_import(settings, "backfill", flow="plain")


def phones_of(tmp_path: Path, name: str) -> tuple[list[str], list[str]]:
    snap = current_snapshot(tmp_path / "wh")
    for row in pq.read_table(snap / "source_records.parquet").to_pylist():
        if row["name_raw"] == name:
            return list(row["phones"] or []), list(row["phones_raw"])
    raise AssertionError(name)


@pytest.fixture
def card(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.vcf"
    path.write_text(vcf(("FN:Dora Dresden", f"TEL;TYPE=WORK:{DRESDEN}")))
    return path


def test_step_1_the_cards_own_country_beats_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    path = tmp_path / "c.vcf"
    path.write_text(
        vcf(("FN:Dora Dresden", f"TEL:{DRESDEN}", "ADR:;;Prager Str. 1;Dresden;;01069;Deutschland"))
    )
    import_(tmp_path, [path, write_export(tmp_path / "li", "Paris Area, France")], "GB")
    assert phones_of(tmp_path, "Dora Dresden") == (["+49351223344"], [DRESDEN])


def test_step_2_the_files_usual_country_code_beats_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    path = tmp_path / "c.vcf"
    path.write_text(
        vcf(
            ("FN:Dora Dresden", f"TEL:{DRESDEN}"),
            ("FN:Ben Berlin", "TEL:+49 30 901820"),
            ("FN:Mia Munich", "TEL:+49 89 23300"),
        )
    )
    import_(tmp_path, [path], "GB")
    assert phones_of(tmp_path, "Dora Dresden")[0] == ["+49351223344"]


def test_step_3_the_linkedin_profile_location(tmp_path, card, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")  # the profile comes before the locale
    summary = import_(
        tmp_path, [card, write_export(tmp_path / "li", "Dresden, Saxony, Germany")], "GB"
    )
    assert phones_of(tmp_path, "Dora Dresden")[0] == ["+49351223344"]
    assert summary["phone_region"] == {"region": "DE", "source": "linkedin profile"}
    assert (
        "phones:       numbers without +CC read as DE (your LinkedIn profile's location)"
        in summary_lines(summary)
    )


def test_step_4_the_machines_locale(tmp_path, card, monkeypatch):
    monkeypatch.setenv("LC_TELEPHONE", "de_DE.UTF-8")
    # A profile whose location names no country says nothing.
    summary = import_(tmp_path, [card, write_export(tmp_path / "li", "Marlow")], "GB")
    assert phones_of(tmp_path, "Dora Dresden")[0] == ["+49351223344"]
    assert summary["phone_region"] == {"region": "DE", "source": "locale"}


def test_step_5_the_configured_default(tmp_path, card):
    summary = import_(tmp_path, [card], "de")
    assert phones_of(tmp_path, "Dora Dresden")[0] == ["+49351223344"]
    assert summary["phone_region"] == {"region": "DE", "source": "config"}


def test_with_nothing_to_place_it_the_number_stays_raw_and_unmatched(tmp_path, card):
    summary = import_(tmp_path, [card])
    assert phones_of(tmp_path, "Dora Dresden") == ([], [DRESDEN])
    assert summary["phone_region"] == {"region": "", "source": "none"}
    assert any("stays unmatched" in line for line in summary_lines(summary))


@pytest.mark.skipif(not (SAMPLES / "linkedin").is_dir(), reason="shared samples not present")
def test_real_exports_profile_locations(tmp_path, card):
    # silkyrich's Geo Location "London, England, United Kingdom"; the 2018 export's
    # Country column ("India") beats its Geo Location ("Marlow").
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "linkedin" / "silkyrich_synthetic_export", export)
    summary = import_(tmp_path, [export])
    assert summary["phone_region"] == {"region": "GB", "source": "linkedin profile"}
    old = tmp_path / "old"
    shutil.copytree(SAMPLES / "linkedin" / "derived_2018-11_complete_export", old)
    summary = run_import(
        Settings(
            warehouse=tmp_path / "wh2", me=("x@example.com",), inputs=(str(old),), as_of=AS_OF
        ),
        "backfill",
    )
    assert summary["phone_region"] == {"region": "IN", "source": "linkedin profile"}


def test_locale_variables_in_posix_order():
    assert locale_region({"LANG": "de_DE.UTF-8"}) == "DE"
    assert locale_region({"LC_TELEPHONE": "fr_CH.UTF-8", "LANG": "de_DE.UTF-8"}) == "CH"
    assert locale_region({"LC_ALL": "C", "LC_TELEPHONE": "fr_CH.UTF-8"}) is None
    assert locale_region({"LC_ALL": "", "LANG": "en_GB.ISO-8859-1"}) == "GB"
    assert locale_region({"LANG": "C.UTF-8"}) is None
    assert locale_region({"LANG": "sr_RS@latin"}) == "RS"
    assert locale_region({}) is None


def test_the_run_region_order():
    assert run_phone_region(["DE", None, "DE", "FR"], "GB", {"LANG": "it_IT"}) == PhoneRegion(
        "DE", "linkedin profile"
    )
    assert run_phone_region(["FR", "DE"], "", {}) == PhoneRegion("DE", "linkedin profile")
    assert run_phone_region([None], "gb", {"LANG": "it_IT.UTF-8"}) == PhoneRegion("IT", "locale")
    assert run_phone_region([], "gb", {"LANG": "C.UTF-8"}) == PhoneRegion("GB", "config")
    assert run_phone_region([], "", {}) == PhoneRegion("", "none")


def test_linkedin_locations():
    assert region_of_location("London, England, United Kingdom") == "GB"
    assert region_of_location("Berlin Area, Germany") == "DE"
    assert region_of_location("Toronto, Canada Area") == "CA"
    assert region_of_location("San Francisco Bay Area") == "US"
    assert region_of_location("Wilmington, DE") is None  # Delaware, not Germany
    assert region_of_location("Marlow") is None


@given(st.text(max_size=60))
def test_any_location_gives_a_region_or_none(text):
    region = region_of_location(text)
    assert region is None or (len(region) == 2 and region.isupper())


def test_owncloud_card_with_german_national_numbers_placed_by_the_profile(tmp_path):
    # The card ownCloud Contacts 0.3.0.18 wrote (Open-Xchange's Bug37172Test): four
    # German numbers without +49, no ADR. Read as US before, none was valid; with the
    # user's profile in Germany the two valid ones match, the others stay raw.
    card = (
        Path(__file__).resolve().parents[1] / "fixtures" / "vcard" / "ownCloud-national-numbers.vcf"
    )
    export = write_export(tmp_path / "li", "Nuremberg, Bavaria, Germany")
    import_(tmp_path, [card, export])
    phones, raw = phones_of(tmp_path, "Test")
    assert phones == ["+499119876543", "+4991212345678"]
    assert raw == ["0151 123456789", "0911 9876543", "0160 123456", "0912 12345678"]


def test_step_2_for_linkedins_synced_address_book(tmp_path, monkeypatch):
    # A real Contacts.csv's structure (tests/fixtures/linkedin, derived: values replaced):
    # most numbers with +91, the rest as dialled in India ("81234 56703"). They were left
    # unplaced before; the file's usual country code places them, as in a vCard file.
    monkeypatch.setenv("LANG", "C.UTF-8")
    export = tmp_path / "export"
    export.mkdir()
    shutil.copyfile(FIXTURES / "Contacts-apk0703-derived.csv", export / "Contacts.csv")
    import_(tmp_path, [export], "GB")
    assert phones_of(tmp_path, "EV2") == (["+918123456703"], ["81234 56703", "8123456703"])
    assert phones_of(tmp_path, "Gita 1")[0] == ["+918123456709"]  # trunk 0 dropped
    assert phones_of(tmp_path, "Ira Sen")[0] == ["+79123456789", "+918123456712"]
