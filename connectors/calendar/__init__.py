"""Calendar connector: iCalendar (.ics) exports of Google Calendar, Outlook and Apple Calendar.

Every person met in an event (its attendees and organiser) becomes a record, and each
meeting held with them an interaction on channel ``meeting``; the rules (who counts,
which events, the recurrence window) are in :mod:`connectors.calendar.ics`.
"""

from connectors.calendar.ics import LARGE_EVENT_MIN_PEOPLE, read, sniff

__all__ = ["LARGE_EVENT_MIN_PEOPLE", "read", "sniff"]
