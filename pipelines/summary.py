"""The run summary as text for the terminal and as markdown for Prefect artifacts."""

from __future__ import annotations


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
        f"rejects:      {c['rejects']}",
    ]
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
    return lines


def summary_markdown(summary: dict) -> str:
    body = "\n".join(f"- {line}" for line in summary_lines(summary))
    return f"# ties {summary['flow']} run {summary['run_id']}\n\n{body}\n"
