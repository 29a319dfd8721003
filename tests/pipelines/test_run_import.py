"""run_import's own checks fail before any input is read and leave the warehouse as it was."""

import json
from dataclasses import replace

import pytest

from pipelines.importing import run_import
from pipelines.settings import ConfigError, Settings
from tests.conftest import AS_OF
from transforms.resolve import OverridesError
from warehouse.layout import Layout, manifest_file
from warehouse.lock import WarehouseBusy, warehouse_lock
from warehouse.snapshot import IncompatibleWarehouse, current_snapshot

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@acme.com\r\nEND:VCARD\r\n"


def _settings(tmp_path, **kw):
    card = tmp_path / "ann.vcf"
    card.write_text(CARD)
    return Settings(warehouse=tmp_path / "wh", inputs=(str(card),), as_of=AS_OF, **kw)


def _nothing_read(settings):
    extracts = Layout(settings.warehouse).extracts  # the lock makes it, owner-only
    return not extracts.exists() or not any(extracts.iterdir())


def test_import_then_backfill_record_their_flow(tmp_path):
    settings = _settings(tmp_path)
    first = run_import(settings, "import")
    again = run_import(settings, "backfill")
    assert (first["flow"], again["flow"]) == ("import_contacts", "backfill")
    assert first["counts"]["contacts"] == again["counts"]["contacts"] == 1
    assert again["inputs"][0]["from_cache"] is False


def test_no_inputs_and_unknown_modes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no inputs"):
        run_import(Settings(warehouse=tmp_path / "wh"), "import")
    with pytest.raises(ValueError, match="mode"):
        run_import(_settings(tmp_path), "merge")


def test_a_broken_overrides_file_fails_before_extraction(tmp_path):
    broken = tmp_path / "overrides.toml"
    broken.write_text("must_link = [[")
    settings = _settings(tmp_path, overrides=broken)
    with pytest.raises(OverridesError):
        run_import(settings, "import")
    assert _nothing_read(settings)
    with pytest.raises(ConfigError, match="no such file"):
        run_import(_settings(tmp_path, overrides=tmp_path / "missing.toml"), "import")


def test_a_newer_warehouse_is_refused_before_extraction(tmp_path):
    settings = _settings(tmp_path)
    run_import(settings, "import")
    manifest = manifest_file(current_snapshot(settings.warehouse.resolve()))
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "schema_version": data["schema_version"] + 1}))
    extracts = Layout(settings.warehouse).extracts
    before = sorted(p.name for p in extracts.iterdir())
    other = tmp_path / "bob.vcf"
    other.write_text(CARD.replace("Ann Lee", "Bob Roe").replace("ann@", "bob@"))
    with pytest.raises(IncompatibleWarehouse):
        run_import(replace(settings, inputs=(*settings.inputs, str(other))), "import")
    assert sorted(p.name for p in extracts.iterdir()) == before  # bob.vcf was not read


def test_a_busy_warehouse_is_refused(tmp_path):
    settings = _settings(tmp_path)
    with warehouse_lock(settings.warehouse.resolve()), pytest.raises(WarehouseBusy):
        run_import(settings, "import")
    assert _nothing_read(settings)
