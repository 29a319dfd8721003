"""Random sequences of import, backfill, delete-an-input, corrupt-an-input and add-or-remove
an override; after every run the warehouse keeps its four promises:

- no contact_id belongs to two contacts;
- every source record of an input's last good extract is present until a backfill drops
  that input;
- read = accepted + skipped + rejected, for every input;
- `current` is readable (and verifies).

Runs go through run_import, the path users take, without Prefect.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.conftest import build_plain
from warehouse import schema
from warehouse.snapshot import current_snapshot
from warehouse.verify import verify_warehouse

CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ana,Lopez,https://www.linkedin.com/in/ana-lopez,ana@lopez.org,Acme,CTO,05 Jan 2024\n"
    "Bo,Chen,https://www.linkedin.com/in/bo-chen,,Initech,Dev,06 Jan 2024\n"
    "Cy,Diaz,https://www.linkedin.com/in/cy-diaz,,Globex,PM,07 Jan 2024\n"
)


def _card(name: str, email: str | None = None, phone: str | None = None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    lines += [f"EMAIL:{email}"] if email else []
    lines += [f"TEL:{phone}"] if phone else []
    return "\r\n".join([*lines, "END:VCARD", ""])


def _export() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("Connections.csv", CONNECTIONS)
        return path.read_bytes()


INPUTS = {
    "export.zip": _export(),
    "ana.vcf": _card("Ana Lopez", "ana@lopez.org", "+1 415 555 0101").encode(),
    "ana2.vcf": _card("Ana Lopez", None, "+1 415 555 0101").encode(),
    "dee.vcf": _card("Dee Evans", "dee@evans.net").encode(),
}


class WarehouseMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.root = Path(tempfile.mkdtemp(prefix="ties-sm-"))
        self.inputs = self.root / "in"
        self.inputs.mkdir()
        for name, data in INPUTS.items():
            (self.inputs / name).write_bytes(data)
        self.wh = self.root / "wh"
        self.overrides = self.root / "overrides.toml"
        self.override_on = False
        # path -> record_ids of its last good extract, as the last run committed them
        self.last_good: dict[str, set[str]] = {}
        self.summary: dict | None = None

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def _named(self) -> list[Path]:
        return sorted(p for p in self.inputs.iterdir())

    def _run(self, incremental: bool):
        named = self._named()
        if not named:
            return
        self.summary = build_plain(
            named,
            self.wh,
            me=(),
            incremental=incremental,
            overrides_file=self.overrides if self.override_on else None,
        )
        records = pq.read_table(current_snapshot(self.wh) / "source_records.parquet")
        by_file: dict[str, set[str]] = {}
        for rid, path in zip(
            records.column("record_id").to_pylist(),
            records.column("source_file").to_pylist(),
            strict=True,
        ):
            by_file.setdefault(path, set()).add(rid)
        kept = " ".join(self.summary["warnings"])
        if not incremental:  # a backfill keeps exactly the inputs it could read
            self.last_good = {}
        for row in self.summary["inputs"]:
            path = row["source_file"]
            if row["error"] is None and path not in kept and Path(path).exists():
                self.last_good[path] = by_file.get(path, set())  # read now: the new last good
        # Kept inputs (unreadable now, or gone) must still be whole.
        present = set(records.column("record_id").to_pylist())
        for path, rids in self.last_good.items():
            assert rids <= present, f"{path} lost {len(rids - present)} of its records"

    @rule()
    def import_(self):
        self._run(incremental=True)

    @rule()
    def backfill(self):
        self._run(incremental=False)

    @rule(
        action=st.sampled_from(["delete", "restore", "truncate", "garbage"]),
        name=st.sampled_from(sorted(INPUTS)),
    )
    def change_an_input(self, action, name):
        """Delete, restore or corrupt one input (an interrupted re-download: truncated)."""
        path, data = self.inputs / name, INPUTS[name]
        if action == "delete":
            path.unlink(missing_ok=True)
        elif action == "restore":
            path.write_bytes(data)
        elif action == "truncate":
            path.write_bytes(data[: len(data) // 2])
        else:
            path.write_bytes(b"\x00junk" * 50)

    @rule(on=st.booleans())
    def set_override(self, on):
        # Keep the two Ana cards apart: a split that once made two contacts share an id.
        self.overrides.write_text('cannot_link = [["ana@lopez.org", "+1 415 555 0101"]]\n')
        self.override_on = on

    @invariant()
    def promises_hold(self):
        if self.summary is None:
            return
        snapshot = current_snapshot(self.wh)
        tables = {
            name: pq.read_table(snapshot / f"{name}.parquet") for name in schema.WAREHOUSE_TABLES
        }
        ids = tables["contacts"].column("contact_id").to_pylist()
        assert len(ids) == len(set(ids)), "a contact_id belongs to two contacts"
        record_ids = set(tables["source_records"].column("contact_id").to_pylist())
        assert record_ids <= set(ids)
        for row in tables["inputs"].to_pylist():
            assert row["items_read"] == (
                row["items_accepted"] + row["items_skipped"] + row["items_rejected"]
            ), row
        assert verify_warehouse(self.wh).ok


WarehouseMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestWarehouseStateMachine = WarehouseMachine.TestCase
