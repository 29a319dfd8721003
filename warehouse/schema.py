"""Arrow schemas of the extract tables and of every warehouse table, declared once.

Connectors build their rows against the extract schemas; the commit writes the
warehouse schemas. Columns named in DESIGN.md are a contract: add, never rename.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 2

UTC_TS = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())

SOURCES = ("linkedin", "vcard", "mail", "calendar", "journal")
# meeting: a calendar event with the person; in_person / call / message: the personal
# log (ties log), message being one sent outside mail and LinkedIn (a text, a chat).
CHANNELS = (
    "email",
    "linkedin_message",
    "linkedin_connection",
    "linkedin_invitation",
    "meeting",
    "in_person",
    "call",
    "message",
)
DIRECTIONS = ("inbound", "outbound")

# --- extract tables (what a connector returns) -----------------------------------------

RECORDS = pa.schema(
    [
        ("record_id", pa.string()),  # deterministic: hash(source, source_file, source_key)
        ("source", pa.string()),  # linkedin | vcard | mail
        ("source_file", pa.string()),
        ("source_key", pa.string()),  # vCard UID, LinkedIn profile URL, or mail address
        ("locator", pa.string()),  # where in the file: row 12, card 3, byte 1024
        ("name_raw", pa.string()),
        ("given_name_raw", pa.string()),
        ("family_name_raw", pa.string()),
        ("emails_raw", STR_LIST),
        ("phones_raw", STR_LIST),
        ("linkedin_url_raw", pa.string()),
        ("company_raw", pa.string()),
        ("title_raw", pa.string()),
        ("observed_at", UTC_TS),  # when the source says it saw this person (connected on, REV)
        ("birthday_raw", pa.string()),  # ISO 8601 as read: 1980-04-12, or --04-12 without year
        ("postcodes_raw", STR_LIST),  # postal codes of the addresses, as written
        ("streets_raw", STR_LIST),  # street lines of the addresses (vCard ADR), as written
        ("localities_raw", STR_LIST),  # localities (city, suburb) of the addresses, as written
        # ISO region of phones written without +CC, as the source implies it (a vCard's
        # ADR country, else its file's usual country code); None: the run's default
        ("phone_region", pa.string()),
    ]
)

INTERACTIONS = pa.schema(
    [
        ("interaction_id", pa.string()),  # deterministic: same exchange imported twice = one row
        ("record_id", pa.string()),  # the counterpart's record in the same extract
        ("occurred_at", UTC_TS),
        ("channel", pa.string()),
        ("direction", pa.string()),
        ("source_file", pa.string()),
        ("thread_key", pa.string()),  # Message-ID / conversation id, for later threading
        # What a meeting or log entry was and where (an event's summary @ location, a
        # journal note); never a message body. Empty for mail and LinkedIn.
        ("subject", pa.string()),
    ]
)

REJECTS = pa.schema(
    [
        ("source", pa.string()),
        ("source_file", pa.string()),
        ("locator", pa.string()),
        ("reason", pa.string()),
        ("excerpt", pa.string()),
    ]
)

# --- warehouse tables -----------------------------------------------------------------

SOURCE_RECORDS = pa.schema(
    list(RECORDS)
    + [
        ("contact_id", pa.string()),
        ("display_name", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("name_key", pa.string()),  # folded, for matching only
        ("emails", STR_LIST),  # normalised
        ("phones", STR_LIST),  # E.164
        ("linkedin_url", pa.string()),
        ("company", pa.string()),
        ("company_key", pa.string()),
        ("title", pa.string()),
        # matching keys (transforms.normalise), for explaining and re-running resolution
        ("email_keys", STR_LIST),  # provider-aware: gmail dots and +tags dropped
        ("given_key", pa.string()),  # folded first given name, nickname-canonical
        ("family_key", pa.string()),  # folded family name, no spaces or punctuation
        ("name_phonetic", pa.string()),  # phonetic family code | given initial
        ("org_keys", STR_LIST),  # company key and non-free-mail domains, no spaces
        ("birthday", pa.string()),  # 1980-04-12, or --04-12 when the year is unknown
        ("postcodes", STR_LIST),  # upper case, no spaces; a US ZIP+4 as its ZIP
        ("street_keys", STR_LIST),  # folded house number + street, short street types
        ("localities", STR_LIST),  # folded localities
    ]
)

CONTACTS = pa.schema(
    [
        ("contact_id", pa.string()),
        ("display_name", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("emails", STR_LIST),
        ("phones", STR_LIST),
        ("linkedin_url", pa.string()),
        ("company", pa.string()),
        ("title", pa.string()),
        ("birthday", pa.string()),  # from the phone book; --MM-DD when the year is unknown
        ("sources", STR_LIST),
        ("n_records", pa.int64()),
        ("first_contact_at", UTC_TS),
        ("last_contact_at", UTC_TS),
        ("last_contact_channel", pa.string()),
        ("last_inbound_at", UTC_TS),
        ("last_outbound_at", UTC_TS),
        ("n_interactions", pa.int64()),
        ("n_inbound", pa.int64()),
        ("n_outbound", pa.int64()),
        ("tie_strength", pa.float64()),
        ("reconnect_due", pa.bool_()),
        ("created_run_id", pa.string()),  # the run that minted contact_id
        ("provenance", pa.map_(pa.string(), pa.string())),  # field -> record_id it came from
        # relationship signals (transforms.relationship; docs/data-dictionary.md)
        ("last_contact_direction", pa.string()),
        ("n_interactions_12m", pa.int64()),
        ("n_inbound_12m", pa.int64()),
        ("n_outbound_12m", pa.int64()),
        ("n_email_inbound", pa.int64()),
        ("n_email_outbound", pa.int64()),
        ("n_linkedin_message_inbound", pa.int64()),
        ("n_linkedin_message_outbound", pa.int64()),
        ("n_linkedin_connection_inbound", pa.int64()),
        ("n_linkedin_connection_outbound", pa.int64()),
        ("n_linkedin_invitation_inbound", pa.int64()),
        ("n_linkedin_invitation_outbound", pa.int64()),
        ("n_email_inbound_12m", pa.int64()),
        ("n_email_outbound_12m", pa.int64()),
        ("n_linkedin_message_inbound_12m", pa.int64()),
        ("n_linkedin_message_outbound_12m", pa.int64()),
        ("n_linkedin_connection_inbound_12m", pa.int64()),
        ("n_linkedin_connection_outbound_12m", pa.int64()),
        ("n_linkedin_invitation_inbound_12m", pa.int64()),
        ("n_linkedin_invitation_outbound_12m", pa.int64()),
        ("n_meeting_inbound", pa.int64()),  # calendar meetings: inbound = they organised
        ("n_meeting_outbound", pa.int64()),
        ("n_in_person_inbound", pa.int64()),  # personal log (ties log)
        ("n_in_person_outbound", pa.int64()),
        ("n_call_inbound", pa.int64()),
        ("n_call_outbound", pa.int64()),
        ("n_meeting_inbound_12m", pa.int64()),
        ("n_meeting_outbound_12m", pa.int64()),
        ("n_in_person_inbound_12m", pa.int64()),
        ("n_in_person_outbound_12m", pa.int64()),
        ("n_call_inbound_12m", pa.int64()),
        ("n_call_outbound_12m", pa.int64()),
        ("n_message_inbound", pa.int64()),  # personal log: a text or chat message
        ("n_message_outbound", pa.int64()),
        ("n_message_inbound_12m", pa.int64()),
        ("n_message_outbound_12m", pa.int64()),
        ("n_meeting_days", pa.int64()),  # distinct days met (meeting, in person, call)
        ("contact_days_12m", pa.int64()),  # distinct days with an interaction
        ("n_conversations", pa.int64()),
        ("n_two_way_conversations", pa.int64()),
        ("two_way_share", pa.float64()),
        ("n_your_replies", pa.int64()),
        ("your_reply_median_hours", pa.float64()),
        ("n_their_replies", pa.int64()),
        ("their_reply_median_hours", pa.float64()),
        ("days_since_last_contact", pa.float64()),  # at the run's as_of
        ("usual_gap_days", pa.float64()),
        ("reconnect_after_days", pa.float64()),
        ("tie_recency", pa.float64()),
        ("tie_frequency", pa.float64()),
        ("tie_reciprocity", pa.float64()),
        ("tie_latency", pa.float64()),
        ("tie_strength_at_last_contact", pa.float64()),
        ("tie_class", pa.string()),  # strong | weak | dormant | one-way | none
        ("reconnect_rank", pa.int64()),  # 1 = most at stake, among reconnect_due
        # organisation signals (transforms.organisation)
        ("company_source", pa.string()),  # linkedin | vcard | mail | email_domain
        ("org_domain", pa.string()),
        ("coworker", pa.bool_()),
        ("academic_domain", pa.string()),
        ("alumni", pa.bool_()),
    ]
)

WAREHOUSE_INTERACTIONS = pa.schema(
    [
        ("interaction_id", pa.string()),
        ("contact_id", pa.string()),
        ("record_id", pa.string()),
        ("occurred_at", UTC_TS),
        ("channel", pa.string()),
        ("direction", pa.string()),
        ("source_file", pa.string()),
        ("thread_key", pa.string()),
        ("conversation_id", pa.string()),  # messages read as one conversation (relationship)
        ("reply_latency_hours", pa.float64()),  # set on a message that answers the other side
        ("subject", pa.string()),  # a meeting's summary @ location, a log entry's note
    ]
)

OWED_REPLIES = pa.schema(
    [
        ("contact_id", pa.string()),
        ("interaction_id", pa.string()),  # the first unanswered inbound message
        ("occurred_at", UTC_TS),
        ("channel", pa.string()),
        ("thread_key", pa.string()),
        ("conversation_id", pa.string()),
        ("started_by", pa.string()),  # them | you
        ("n_waiting", pa.int64()),  # unanswered inbound messages in the conversation
        ("last_inbound_at", UTC_TS),
        ("days_waiting", pa.float64()),  # at the run's as_of
    ]
)

FOLLOW_UPS = pa.schema(
    [
        ("contact_id", pa.string()),
        # new_connection | invitation_received | no_reply | met_no_follow_up
        ("reason", pa.string()),
        ("since", UTC_TS),
        ("interaction_id", pa.string()),
        ("channel", pa.string()),
        ("days_since", pa.float64()),  # at the run's as_of
        ("subject", pa.string()),  # met_no_follow_up: the meeting or log note, where you met
    ]
)

MATCHES = pa.schema(
    [
        ("record_id_a", pa.string()),
        ("record_id_b", pa.string()),
        ("score", pa.float64()),
        ("decision", pa.string()),  # merge | keep_apart
        ("rule", pa.string()),  # which rule decided
        ("evidence", pa.map_(pa.string(), pa.float64())),
    ]
)

CONTACT_ID_MAP = pa.schema(
    [
        ("old_contact_id", pa.string()),
        ("contact_id", pa.string()),
        ("run_id", pa.string()),
    ]
)

INPUTS = pa.schema(
    [
        ("run_id", pa.string()),
        ("source_file", pa.string()),
        ("connector", pa.string()),
        ("fingerprint", pa.string()),
        ("items_read", pa.int64()),
        ("items_accepted", pa.int64()),
        ("items_skipped", pa.int64()),
        ("items_rejected", pa.int64()),
        ("skip_reasons", pa.map_(pa.string(), pa.int64())),
        ("from_cache", pa.bool_()),
        ("error", pa.string()),  # why a whole input could not be read
    ]
)

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("flow", pa.string()),
        ("started_at", UTC_TS),
        ("finished_at", UTC_TS),
        ("status", pa.string()),
        ("counts", pa.map_(pa.string(), pa.int64())),
        ("schema_version", pa.int64()),
    ]
)

POSITIONS = pa.schema(
    [
        # A dated picture of where a person works (transforms.job_changes), kept across
        # snapshots so that a replaced export still shows the move.
        ("contact_id", pa.string()),
        ("record_id", pa.string()),
        ("source", pa.string()),  # linkedin | vcard
        ("source_file", pa.string()),
        ("source_key", pa.string()),  # LinkedIn profile URL, vCard UID: follows the person
        ("company", pa.string()),
        ("company_key", pa.string()),  # folded, legal suffix dropped: "ACME Corp." -> acme
        ("title", pa.string()),
        ("seen_at", UTC_TS),  # the export's date, or the vCard's REV
    ]
)

JOB_CHANGES = pa.schema(
    [
        ("contact_id", pa.string()),
        ("kind", pa.string()),  # company | title | mail_domain
        ("old_company", pa.string()),
        ("new_company", pa.string()),
        ("old_title", pa.string()),
        ("new_title", pa.string()),
        ("seen_before_at", UTC_TS),  # the last picture with the old job
        ("seen_after_at", UTC_TS),  # the first picture with the new one
        ("source", pa.string()),  # linkedin | vcard | mail
        ("record_id_before", pa.string()),
        ("record_id_after", pa.string()),
        ("evidence", pa.string()),  # which files and dates, in words
    ]
)

WAREHOUSE_TABLES: dict[str, pa.Schema] = {
    "contacts": CONTACTS,
    "source_records": SOURCE_RECORDS,
    "interactions": WAREHOUSE_INTERACTIONS,
    "matches": MATCHES,
    "contact_id_map": CONTACT_ID_MAP,
    "rejects": REJECTS,
    "inputs": INPUTS,
    "runs": RUNS,
    "owed_replies": OWED_REPLIES,
    "follow_ups": FOLLOW_UPS,
    "positions": POSITIONS,
    "job_changes": JOB_CHANGES,
}
