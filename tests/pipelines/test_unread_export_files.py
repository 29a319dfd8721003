"""The run summary names every CSV of a LinkedIn export that is deliberately not read.

Run through run_import on the shared samples (exports of 2018 and 2024, with their
Registration, PhoneNumbers, Company Follows, coach messages and endorsements files).
"""

from __future__ import annotations

import shutil
import zipfile

import pytest

from pipelines.summary import summary_lines
from tests.conftest import build_plain
from tests.samples import SAMPLES

EXPORTS = SAMPLES / "linkedin"
pytestmark = pytest.mark.skipif(not EXPORTS.is_dir(), reason="shared samples not present")


def test_every_unread_csv_of_an_export_is_named_with_why(tmp_path):
    folder = EXPORTS / "derived_2024-12_export"
    summary = build_plain([folder], tmp_path / "wh", me=())
    not_read = summary["not_read"][str(folder.resolve())]
    assert not_read == {
        "Company Follows.csv": "not read: not contact data",
        "Endorsement_Received_Info.csv": "not read: names people, but ties does not read this file",
        "PhoneNumbers.csv": "not read: not contact data",
        "Registration.csv": "not read: not contact data",
        "coach_messages.csv": "not read: not contact data",
        "learning_coach_messages.csv": "not read: not contact data",
    }
    # Everything in the folder is either read or named.
    read = {"Profile.csv", "Invitations.csv", "messages.csv", "Connections.csv",
            "Email Addresses.csv"}  # fmt: skip
    assert {p.name for p in folder.iterdir()} == read | set(not_read)
    text = "\n".join(summary_lines(summary))
    assert (
        "not read: not contact data: Company Follows.csv, PhoneNumbers.csv, "
        "Registration.csv, coach_messages.csv, learning_coach_messages.csv  (in "
    ) in text


def test_a_zipped_export_names_its_unread_csvs_with_their_folders(tmp_path):
    source = EXPORTS / "derived_2018-11_complete_export"
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(source.iterdir()):
            zf.write(p, p.name)
        zf.writestr("Jobs/Job Applications.csv", "Application Date,Company Name\n")
        zf.writestr("__MACOSX/._Registration.csv", "")
    summary = build_plain([archive], tmp_path / "wh", me=())
    assert summary["not_read"][str(archive.resolve())] == {
        "Jobs/Job Applications.csv": "not read: not contact data",
        "Phone Numbers.csv": "not read: not contact data",
        "Positions.csv": "not read: not contact data",
        "Registration.csv": "not read: not contact data",
    }


def test_an_export_with_nothing_unread_adds_no_line(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(EXPORTS / "derived_2021-06_export", folder)
    summary = build_plain([folder], tmp_path / "wh", me=())
    assert summary["not_read"] == {}
    assert not any(line.startswith("not read") for line in summary_lines(summary))
