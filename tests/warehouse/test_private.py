"""Nothing in a warehouse is readable by other local users: folders 0700, files 0600,
whatever the umask and even when an older ties created the folders 0755."""

import os
import stat

import pytest

from pipelines.cli import main
from tests.conftest import build_plain
from warehouse.private import private_dir

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEMAIL:ana@x.org\r\nEND:VCARD\r\n"


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path):
    return stat.S_IMODE(path.lstat().st_mode)


def _assert_private(wh):
    for path in [wh, *wh.rglob("*")]:
        if path.is_symlink():
            continue
        assert _mode(path) & 0o077 == 0, f"{path} is {oct(_mode(path))}"


def test_a_run_leaves_nothing_readable_by_others(tmp_path, loose_umask):
    card = tmp_path / "a.vcf"
    card.write_text(CARD)
    wh = tmp_path / "deep" / "wh"
    build_plain([card], wh, me=(), incremental=True)
    for folder in (wh, wh / "state", wh / "state" / "extracts", wh / "snapshots"):
        assert _mode(folder) == 0o700
    _assert_private(wh)


def test_folders_an_older_ties_made_0755_are_made_private(tmp_path, loose_umask):
    card = tmp_path / "a.vcf"
    card.write_text(CARD)
    wh = tmp_path / "wh"
    for folder in (wh, wh / "state", wh / "state" / "extracts"):
        folder.mkdir()
        os.chmod(folder, 0o755)
    build_plain([card], wh, me=(), incremental=True)
    _assert_private(wh)


def test_the_cli_writes_owner_only_files_and_restores_the_umask(tmp_path, loose_umask, capsys):
    card = tmp_path / "a.vcf"
    card.write_text(CARD)
    wh = tmp_path / "wh"
    build_plain([card], wh, me=(), incremental=True)
    out = tmp_path / "report.html"
    assert main(["verify", "--repair", "--warehouse", str(wh)]) == 0
    assert main(["report", "--warehouse", str(wh), "--out", str(out)]) == 0
    assert _mode(out) == 0o600
    _assert_private(wh)
    assert os.umask(0o022) == 0o022


def test_private_dir_creates_missing_parents_owner_only(tmp_path, loose_umask):
    target = private_dir(tmp_path / "a" / "b" / "c")
    assert all(_mode(p) == 0o700 for p in (target, target.parent, target.parent.parent))
