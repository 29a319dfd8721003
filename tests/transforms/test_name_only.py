"""Name-only attendees and log entries join the one person of that name, never a namesake."""

import pandas as pd

from transforms.name_only import attach_name_only


def recs(*rows):
    return pd.DataFrame(
        [
            {
                "record_id": r,
                "source": s,
                "name_key": n,
                "emails": e,
                "phones": [],
                "linkedin_url": None,
            }
            for r, s, n, e in rows
        ]
    )


def test_unique_name_attaches_and_namesakes_do_not():
    records = recs(
        ("cal1", "calendar", "hannah wright", []),
        ("li1", "linkedin", "hannah wright", []),
        ("cal2", "calendar", "john smith", []),
        ("li2", "linkedin", "john smith", []),
        ("m2", "mail", "john smith", ["js@litware.com"]),
        ("cal3", "calendar", "anna", []),  # a first name alone is not enough
        ("li3", "linkedin", "anna", []),
        ("cal4", "calendar", "zoe clarke", ["zoe@x.org"]),  # has an address: resolution's
    )
    clusters = {r: [r] for r in records["record_id"]}
    moved, rows = attach_name_only(clusters, records)
    assert moved["li1"] == ["cal1", "li1"] and "cal1" not in moved
    assert moved["cal2"] == ["cal2"] and moved["cal3"] == ["cal3"]
    assert [(r["record_id_a"], r["record_id_b"], r["rule"]) for r in rows] == [
        ("cal1", "li1", "name_only")
    ]
