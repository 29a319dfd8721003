"""Why a contact is what it is: its records, the merges that joined them, the near misses.

Everything comes from the committed tables (contacts, source_records, matches,
contact_id_map), so an explanation is exactly what the analysts can query too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# Finding a contact (`ties show`) needs no pandas; explaining one returns frames, which
# DuckDB builds (importing pandas itself) when asked.
if TYPE_CHECKING:
    import duckdb
    import pandas as pd


@dataclass
class Explanation:
    contact: pd.DataFrame  # one row
    records: pd.DataFrame  # its source records
    merges: pd.DataFrame  # pairs inside the contact with their evidence
    kept_apart: pd.DataFrame  # pairs with one side inside, not merged
    retired_ids: pd.DataFrame  # earlier ids that now point here


def find_contacts(con: duckdb.DuckDBPyConnection, person: str) -> list[str]:
    """contact_ids matching an id (also a retired one), an e-mail, a LinkedIn URL or a name."""
    needle = person.strip()
    rows = con.execute(
        """
        select contact_id from contacts where contact_id = $p
        union select contact_id from contact_id_map where old_contact_id = $p
        union select contact_id from contacts where list_contains(emails, lower($p))
        union select contact_id from contacts where linkedin_url = lower(rtrim($p, '/'))
        """,
        {"p": needle},
    ).fetchall()
    if not rows:
        # Any name the person is known by, not only the golden one ("William Smith" on
        # LinkedIn finds the contact whose address book name is "Bill Smith").
        rows = con.execute(
            """select contact_id from contacts where display_name ilike $p
               union select contact_id from source_records
               where display_name ilike $p or name_raw ilike $p
               order by contact_id""",
            {"p": f"%{needle}%"},
        ).fetchall()
    return [r[0] for r in rows]


def explain_contact(con: duckdb.DuckDBPyConnection, contact_id: str) -> Explanation:
    p = {"c": contact_id}
    contact = con.execute(
        """select contact_id, display_name, emails, phones, linkedin_url, company, title,
                  sources, provenance from contacts where contact_id = $c""",
        p,
    ).df()
    records = con.execute(
        """select record_id, source, source_key, display_name, emails, phones, linkedin_url,
                  company, source_file, locator
           from source_records where contact_id = $c order by source, record_id""",
        p,
    ).df()
    merges = con.execute(
        """select m.rule, round(m.score, 3) as score, m.evidence,
                  a.source || ':' || a.source_key as record_a,
                  b.source || ':' || b.source_key as record_b
           from matches m
           join source_records a on a.record_id = m.record_id_a
           join source_records b on b.record_id = m.record_id_b
           where m.decision = 'merge' and a.contact_id = $c and b.contact_id = $c
           order by m.score desc, record_a, record_b""",
        p,
    ).df()
    kept_apart = con.execute(
        """select m.rule, round(m.score, 3) as score, m.evidence,
                  a.source || ':' || a.source_key as this_record,
                  b.contact_id as other_contact, c.display_name as other_name
           from matches m
           join source_records a on a.record_id in (m.record_id_a, m.record_id_b)
           join source_records b on b.record_id in (m.record_id_a, m.record_id_b)
                                and b.record_id != a.record_id
           left join contacts c on c.contact_id = b.contact_id
           where a.contact_id = $c and b.contact_id != $c
           order by m.score desc, this_record""",
        p,
    ).df()
    retired = con.execute(
        "select old_contact_id, run_id from contact_id_map where contact_id = $c order by run_id",
        p,
    ).df()
    return Explanation(contact, records, merges, kept_apart, retired)
