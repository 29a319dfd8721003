"""The run summary as text for the terminal and as markdown for Prefect artifacts."""

from __future__ import annotations


def _identifiers(ids: list[str]) -> str:
    """``2 addresses, 1 profile URL``."""
    urls = sum(1 for i in ids if "linkedin.com/" in i)
    parts = [(len(ids) - urls, "address", "addresses"), (urls, "profile URL", "profile URLs")]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)


def planned_you(me: tuple[str, ...], hints: tuple[str, ...]) -> str:
    """The same before the inputs are read, for the run's log."""
    if me:
        return f"you: {_identifiers(sorted(set(me)))} given (--me or config)"
    if hints:
        return f"you: {_identifiers(list(hints))} from the LinkedIn export (no --me)"
    return "you: no --me and no LinkedIn export naming you: inferred from the mail"


def you_line(you: dict | None, has_mail: bool = True) -> str | None:
    """Where the user's own addresses came from: --me, a LinkedIn export, or each mailbox."""
    if not you:
        return None
    ids, source = you["identifiers"], you["source"]
    if source == "given":
        line = f"you:          {_identifiers(ids)} given (--me or config)"
        if you.get("linkedin"):
            line += f" + {_identifiers(you['linkedin'])} from the LinkedIn export"
        return line
    if source == "linkedin":
        line = f"you:          {_identifiers(ids)} from the LinkedIn export"
        if you.get("inferred"):
            line += f", {_identifiers(you['inferred'])} inferred from the mail"
        return line
    if ids:
        shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
        return f"you:          inferred from the mail: {shown} (--me to name yourself)"
    if has_mail:
        return "you:          not identified: all mail counts as inbound (--me to name yourself)"
    return None


def summary_lines(summary: dict) -> list[str]:
    c = summary["counts"]
    by_source = ", ".join(f"{k} {v}" for k, v in summary["people_by_source"].items()) or "none"
    lines = [
        f"warehouse: {summary['warehouse']}  (run {summary['run_id']}, {summary['seconds']:.1f}s)",
        f"people:       {c['contacts']}  (new {c.get('contacts_new', 0)}; known from: {by_source})",
        f"interactions: {c['interactions']}",
        f"inputs:       {c['inputs']} files; items read {c['items_read']} = accepted "
        f"{c['items_accepted']} + skipped {c['items_skipped']} + rejected "
        f"{c['items_rejected']}",
    ]
    # The rejects table has one row per rejected item, a whole unreadable file included:
    # the same number as "rejected" above.
    unread = sum(1 for row in summary["inputs"] if row.get("error"))
    lines.append(
        f"rejects:      {c['rejects']}"
        + (f" ({unread} whole file(s) not read, listed below)" if unread else "")
    )
    has_mail = any(row["connector"] == "mail" for row in summary["inputs"])
    if line := you_line(summary.get("you"), has_mail):
        lines.append(line)
    if line := phone_region_line(summary.get("phone_region")):
        lines.append(line)
    skips: dict[str, int] = {}
    for row in summary["inputs"]:
        for reason, n in row["skip_reasons"]:
            skips[reason] = skips.get(reason, 0) + n
    if skips:
        lines.append("skipped:      " + ", ".join(f"{k} {v}" for k, v in sorted(skips.items())))
    for reason, n in summary.get("reject_reasons", []):
        lines.append(f"  rejected {n:>5}: {reason[:100]}")
    if c.get("merged_ids"):
        lines.append(f"merged:       {c['merged_ids']} earlier contact ids now point elsewhere")
    for err in summary["errors"]:
        lines.append(f"not imported: {err}")
    lines += not_read_lines(summary.get("not_read", {}))
    for warning in summary.get("warnings", []):
        lines.append(f"warning:      {warning}")
    return lines


_REGION_SOURCES = {
    "linkedin profile": "your LinkedIn profile's location",
    "locale": "this machine's locale",
    "config": "default_region in the config",
}


def phone_region_line(phone_region: dict | None) -> str | None:
    """Where numbers written without a country code were placed, when no card said."""
    if not phone_region:
        return None
    if phone_region["region"]:
        source = _REGION_SOURCES.get(phone_region["source"], phone_region["source"])
        return f"phones:       numbers without +CC read as {phone_region['region']} ({source})"
    return (
        "phones:       numbers without +CC and no country on their card are kept unmatched "
        "(set default_region in the config)"
    )


def not_read_lines(not_read: dict[str, dict[str, str]]) -> list[str]:
    """Each input's files deliberately not read, by name, grouped by why."""
    lines = []
    for source, files in sorted(not_read.items()):
        by_reason: dict[str, list[str]] = {}
        for name, why in files.items():
            by_reason.setdefault(why, []).append(name)
        for why, names in sorted(by_reason.items()):
            lines.append(f"{why}: {', '.join(names)}  (in {source})")
    return lines


def summary_markdown(summary: dict) -> str:
    body = "\n".join(f"- {line}" for line in summary_lines(summary))
    return f"# ties {summary['flow']} run {summary['run_id']}\n\n{body}\n"
