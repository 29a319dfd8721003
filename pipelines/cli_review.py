"""`ties review`: decide the pairs the data cannot, at a terminal or through a CSV file.

On a terminal each uncertain pair (transforms.review) is shown side by side with the
evidence for and against; the answer (same / different / skip / quit) goes into the
overrides file at once and applies from the next import on. ``--format csv`` exports
the same list with an empty ``decision`` column; ``--apply FILE`` reads it back filled
in. Merges the user asked for are marked ``must_link_override`` in ``matches``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from pipelines.cli_output import emit
from pipelines.cli_support import (
    CliError,
    add_warehouse_option,
    open_warehouse,
    reading_warehouse,
)
from pipelines.settings import Settings
from transforms.review_policy import DEFAULT_BAND  # light: no pandas for the parser

NOTE = "ties review"
PROMPT = "[s]ame / [d]ifferent / [k] skip / [q]uit? "


def register(subparsers: argparse._SubParsersAction, settings: Settings) -> None:
    """Add `review` to the `ties` command line."""
    p = subparsers.add_parser(
        "review",
        help="Decide the pairs the data cannot: same person or not.",
        description=(
            "List the pairs of records whose match probability is uncertain, most "
            "interactions at stake first. On a terminal, answer same / different / skip for "
            "each: the answer is written to the overrides file at once and applies from the "
            "next import. --format csv exports the list; --apply FILE reads its filled-in "
            "decision column (same / different; anything else is skipped)."
        ),
    )
    add_warehouse_option(p, settings)
    p.add_argument("--format", choices=["table", "csv"], help="print the list instead of asking")
    p.add_argument("--apply", metavar="FILE", type=Path, help="apply a filled-in CSV export")
    p.add_argument(
        "--band",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        default=list(DEFAULT_BAND),
        help=f"probabilities counted as uncertain (default {DEFAULT_BAND[0]} {DEFAULT_BAND[1]})",
    )
    p.add_argument("--limit", type=int, default=50, help="at most N pairs (50)")
    p.set_defaults(handler=run_review)


def _overrides_path(settings: Settings) -> Path:
    """Where answers go: the configured overrides file, else the warehouse's own."""
    from warehouse.layout import Layout

    return settings.overrides or Layout(reading_warehouse(settings)).overrides


def _queue(args: argparse.Namespace):
    low, high = args.band
    if not 0.0 <= low <= high <= 1.0:
        raise CliError(f"--band {low} {high}: want 0 <= LOW <= HIGH <= 1")
    con = open_warehouse(args.settings)
    try:
        matches = con.execute("select * from matches").df()
        records = con.execute(
            "select record_id, source, display_name, emails, phones, company, linkedin_url "
            "from source_records"
        ).df()
        interactions = con.execute("select record_id from interactions").df()
    finally:
        con.close()
    from transforms.review import review_queue

    return review_queue(matches, records, interactions, (low, high)).head(args.limit)


def _write(path: Path, kind: str, a: str, b: str) -> None:
    from transforms.resolve import append_overrides

    append_overrides(path, [(kind, a, b, NOTE)])


def _show(i: int, n: int, row) -> None:
    print(
        f"\n[{i}/{n}] probability {row.probability:.2f}, now {row.now}, "
        f"{row.at_stake} interactions at stake"
    )
    width = 38
    for label, column in (
        ("source", "source"),
        ("name", "display_name"),
        ("e-mail", "emails"),
        ("phone", "phones"),
        ("company", "company"),
        ("linkedin", "linkedin_url"),
    ):
        left, right = getattr(row, f"{column}_a"), getattr(row, f"{column}_b")
        if left or right:
            print(f"  {label:<9}{left[:width]:<{width}}  {right[:width]}")
    print(f"  for:     {row.evidence_for or '-'}")
    print(f"  against: {row.evidence_against or '-'}")


def _interactive(queue, path: Path) -> int:
    from transforms.review import decision_kind

    if queue.empty:
        print("nothing to review: no pair is uncertain")
        return 0
    decided = 0
    for i, row in enumerate(queue.itertuples(index=False), start=1):
        _show(i, len(queue), row)
        while True:
            try:
                answer = input(PROMPT).strip().lower()
            except EOFError:
                answer = "q"
            if answer in ("q", "quit"):
                print(f"{decided} decision(s) written to {path}")
                return 0
            if answer in ("k", "skip", ""):
                break
            kind = decision_kind(answer)
            if kind is None:
                print("  answer s, d, k or q")
                continue
            _write(path, kind, row.record_id_a, row.record_id_b)
            decided += 1
            break
    print(f"{decided} decision(s) written to {path}; they apply from the next import")
    return 0


def _apply(file: Path, path: Path) -> int:
    from transforms.review import decision_kind

    try:
        with file.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"{file}: cannot read the review CSV: {exc}") from None
    if rows and not {"record_id_a", "record_id_b", "decision"} <= set(rows[0]):
        raise CliError(f"{file}: needs the columns record_id_a, record_id_b and decision")
    from transforms.resolve import append_overrides

    entries = []
    for row in rows:
        kind = decision_kind(row.get("decision"))
        if kind and row["record_id_a"] and row["record_id_b"]:
            entries.append((kind, row["record_id_a"], row["record_id_b"], NOTE))
    if entries:
        append_overrides(path, entries)
    same = sum(e[0] == "must_link" for e in entries)
    print(
        f"{len(entries)} decision(s) from {file} written to {path} ({same} same, "
        f"{len(entries) - same} different, {len(rows) - len(entries)} skipped); "
        "they apply from the next import"
    )
    return 0


def run_review(args: argparse.Namespace) -> int:
    path = _overrides_path(args.settings)
    if args.apply is not None:
        return _apply(args.apply, path)
    queue = _queue(args)
    if args.format == "csv":
        queue.to_csv(sys.stdout, index=False)
        return 0
    if args.format == "table" or not sys.stdin.isatty():
        shown = queue.drop(columns=["decision"])
        emit(list(shown.columns), list(shown.itertuples(index=False)), "table")
        return 0
    return _interactive(queue, path)
