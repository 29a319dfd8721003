#!/usr/bin/env python3
"""Write the bundled sample inputs (LinkedIn export, vCards, Gmail Takeout mbox) and truth.json.

Standalone stdlib Python, seeded and with a fixed "now": two runs give byte-identical files.
Usage: ``python examples/generate.py [--out DIR]`` (DIR defaults to this script's folder).
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import quopri
import random
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SEED = "ties-examples-2026-11-01"
ZIP_NAME = "Basic_LinkedInDataExport_11-01-2026.zip"
ZIP_DATE_TIME = (2026, 11, 1, 0, 0, 0)

ME_NAME = "Alex Morgan"
ME_GMAIL = "alex.morgan@gmail.com"
ME_WORK = "alex@northwind.io"
ME_LINKEDIN = "https://www.linkedin.com/in/alexmorgan"

# The one person present in all three sources under three names (truth (a)).
BILL_LAST_CONTACT = datetime(2026, 10, 20, 16, 41, 7, tzinfo=UTC)

# A 24x24 PNG avatar, embedded so the output never depends on the local zlib build.
AVATAR_PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAWklEQVR42mN4+OIDVRDDqEGUGuSWtwAZkWkQmin4"
    "zWIgyRQ8Zo0aRIFBVIs1aqajwZdFqBBGeKIMl3EMZJiC1SwG8kzBNIuBbFPQzGKgxBRks6htENmmwM0CADEwFjEx"
    "FsoIAAAAAElFTkSuQmCC"
)

LINKEDIN_NOTES = (
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"'
)

# --------------------------------------------------------------------------- time zones
# Fixed DST rules instead of zoneinfo, so the output does not depend on the host's tzdata.
ZONES: dict[str, tuple[str, float]] = {
    "America/Los_Angeles": ("us", -8),
    "America/Chicago": ("us", -6),
    "America/New_York": ("us", -5),
    "America/Sao_Paulo": ("fixed", -3),
    "America/Argentina/Buenos_Aires": ("fixed", -3),
    "Europe/London": ("eu", 0),
    "Europe/Lisbon": ("eu", 0),
    "Europe/Berlin": ("eu", 1),
    "Europe/Madrid": ("eu", 1),
    "Europe/Rome": ("eu", 1),
    "Europe/Copenhagen": ("eu", 1),
    "Africa/Lagos": ("fixed", 1),
    "Asia/Kathmandu": ("fixed", 5.75),
    "Asia/Singapore": ("fixed", 8),
    "Asia/Tokyo": ("fixed", 9),
    "UTC": ("fixed", 0),
}


def _sundays(year: int, month: int) -> list[int]:
    return [
        day.day
        for day in (date(year, month, 1) + timedelta(days=i) for i in range(31))
        if day.month == month and day.weekday() == 6
    ]


def utc_offset(zone: str, at: datetime) -> timedelta:
    """The UTC offset of ``zone`` at the UTC instant ``at``."""
    rule, hours = ZONES[zone]
    std = timedelta(hours=hours)
    year = at.year
    if rule == "us":
        start = datetime(year, 3, _sundays(year, 3)[1], 2, tzinfo=UTC) - std
        end = datetime(year, 11, _sundays(year, 11)[0], 2, tzinfo=UTC) - std - timedelta(hours=1)
        return std + timedelta(hours=1) if start <= at < end else std
    if rule == "eu":
        start = datetime(year, 3, _sundays(year, 3)[-1], 1, tzinfo=UTC)
        end = datetime(year, 10, _sundays(year, 10)[-1], 1, tzinfo=UTC)
        return std + timedelta(hours=1) if start <= at < end else std
    return std


def local_time(zone: str, at: datetime) -> tuple[datetime, timedelta]:
    """Naive local wall-clock time of ``at`` in ``zone`` and the offset used."""
    offset = utc_offset(zone, at)
    return (at + offset).replace(tzinfo=None), offset


def from_local(zone: str, wall: datetime) -> datetime:
    """The UTC instant of a naive wall-clock time in ``zone`` (first match on DST overlap)."""
    guess = wall.replace(tzinfo=UTC) - utc_offset(zone, wall.replace(tzinfo=UTC))
    return wall.replace(tzinfo=UTC) - utc_offset(zone, guess)


_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def rfc2822(at: datetime, zone: str, *, pad_day: bool = False, comment: str = "") -> str:
    """A Date header value as mail clients write it (day unpadded unless asked)."""
    wall, offset = local_time(zone, at)
    day = f"{wall.day:02d}" if pad_day else str(wall.day)
    text = (
        f"{_WD[wall.weekday()]}, {day} {_MON[wall.month - 1]} {wall.year} "
        f"{wall:%H:%M:%S} {_fmt_offset(offset)}"
    )
    return f"{text} ({comment})" if comment else text


def takeout_from_line_date(at: datetime) -> str:
    return f"{_WD[at.weekday()]} {_MON[at.month - 1]} {at.day:02d} {at:%H:%M:%S} +0000 {at.year}"


# --------------------------------------------------------------------------- the cast


@dataclass(frozen=True)
class Connection:
    """A row of LinkedIn's Connections.csv."""

    url: str
    first: str
    last: str
    company: str
    position: str
    connected: date
    email: str = ""


@dataclass(frozen=True)
class Card:
    """One contact card; rendered Apple- or Android-style by the file it goes in."""

    family: str
    given: str
    org: str = ""
    title: str = ""
    emails: tuple[tuple[str, str], ...] = ()  # (HOME|WORK|OTHER, address)
    tels: tuple[tuple[str, str], ...] = ()  # (CELL|IPHONE|WORK|HOME, number as typed)
    social: str = ""  # the X-SOCIALPROFILE parameters and value after the property name
    bday: str = ""
    note: str = ""
    photo: bool = False


@dataclass(frozen=True)
class MailSide:
    """How a person appears in the mailbox."""

    addresses: tuple[tuple[str, str], ...]  # (display name as written, address)
    zone: str
    style: str  # the client that writes their mail: gmail, outlook, apple, yahoo, thunderbird
    threads: int
    window: tuple[date, date]
    spanish: bool = False
    cc: tuple[str, ...] = ()  # keys of people sometimes copied on threads with them


@dataclass(frozen=True)
class Invitation:
    """A pending row of Invitations.csv."""

    url: str
    direction: str  # INCOMING | OUTGOING
    sent_at: datetime
    message: str = ""


@dataclass(frozen=True)
class Person:
    """One real person of the sample: one golden contact in the expected warehouse."""

    key: str
    name: str
    linkedin: Connection | None = None
    invitation: Invitation | None = None
    iphone: Card | None = None
    android: Card | None = None
    mail: MailSide | None = None


def _li(slug: str) -> str:
    return f"https://www.linkedin.com/in/{slug}"


def _d(text: str) -> date:
    return date.fromisoformat(text)


# fmt: off
# One row per person; a person is one golden contact of the expected warehouse.
CAST: tuple[Person, ...] = (
    # (a) all three sources, three names; the link is the vCard (email + LinkedIn URL).
    Person(
        "bill", "William Smith",
        linkedin=Connection(
            _li("william-smith-4a1b2c"), "William", "Smith", "Acme Corp.",
            "Director of Partnerships", _d("2021-04-12"),
        ),
        iphone=Card(
            "Smith", "Bill", org="Acme Corp", title="Director of Partnerships",
            emails=(("OTHER", "bsmith@acme.com"),), tels=(("CELL", "(415) 555-0172"),),
            social="type=linkedin:https://www.linkedin.com/in/william-smith-4a1b2c",
            bday="1979-05-23",
        ),
        mail=MailSide(
            (("Smith, William", "bsmith@acme.com"),), "America/Los_Angeles", "apple", 5,
            (_d("2021-06-01"), _d("2026-09-15")),
        ),
    ),
    # (b) namesakes: this John Smith is only on LinkedIn ...
    Person(
        "john_smith_globex", "John Smith",
        linkedin=Connection(
            _li("john-smith-8812b7"), "John", "Smith", "Globex Corporation",
            "Account Executive", _d("2023-08-14"),
        ),
    ),
    # ... and this one only writes e-mail, from another company.
    Person(
        "john_smith_litware", "John Smith",
        mail=MailSide(
            (("John Smith", "jsmith@litwareinc.com"),), "America/New_York", "outlook", 2,
            (_d("2022-02-01"), _d("2024-06-30")), cc=("oliver",),
        ),
    ),
    # (c) two addresses each, linked only through a vCard that lists both.
    Person(
        "priya", "Priya Raman",
        linkedin=Connection(
            _li("priyaraman"), "Priya", "Raman", "Contoso", "Staff Data Engineer",
            _d("2019-02-18"),
        ),
        iphone=Card(
            "Raman", "Priya", org="Contoso", title="Staff Data Engineer",
            emails=(("HOME", "priya.raman@gmail.com"), ("WORK", "priya@contoso.com")),
            tels=(("IPHONE", "+1 (206) 555-0143"),),
            social="type=linkedin:https://linkedin.com/in/priyaraman/",
        ),
        mail=MailSide(
            (("Priya Raman", "priya.raman@gmail.com"), ("Priya R.", "priya@contoso.com")),
            "America/Los_Angeles", "gmail", 8, (_d("2019-03-01"), _d("2026-10-10")),
            cc=("marcus",),
        ),
    ),
    Person(
        "marcus", "Marcus Chen",
        linkedin=Connection(
            _li("marcus-chen-0b7a1913"), "Marcus", "Chen", "Tailspin Toys",
            "Engineering Manager", _d("2018-09-03"), email="mchen@tailspintoys.com",
        ),
        android=Card(
            "Chen", "Marcus", org="Tailspin Toys", title="Engineering Manager",
            emails=(("WORK", "mchen@tailspintoys.com"), ("HOME", "marcus.chen82@outlook.com")),
            tels=(("CELL", "+65 8123 4567"),),
        ),
        mail=MailSide(
            (("Marcus Chen", "mchen@tailspintoys.com"), ("Marcus", "marcus.chen82@outlook.com")),
            "Asia/Singapore", "apple", 6, (_d("2019-01-10"), _d("2025-12-20")),
        ),
    ),
    Person(
        "sofia", "Sofia Rossi",
        linkedin=Connection(
            _li("sofiarossi"), "Sofia", "Rossi", "Fabrikam, Inc.", "Head of Product",
            _d("2020-01-22"), email="sofia.rossi@fabrikam.com",
        ),
        iphone=Card(
            "Rossi", "Sofia", org="Fabrikam, Inc.", title="Head of Product",
            emails=(("WORK", "sofia.rossi@fabrikam.com"), ("HOME", "sofiarossi@yahoo.com")),
            tels=(("CELL", "+39 347 555 0142"),),
            social="type=linkedin:https://www.linkedin.com/in/sofiarossi/",
        ),
        mail=MailSide(
            (("Sofia Rossi", "sofia.rossi@fabrikam.com"), ("Sofia Rossi", "sofiarossi@yahoo.com")),
            "Europe/Rome", "outlook", 5, (_d("2020-02-01"), _d("2026-08-30")),
        ),
    ),
    Person(
        "zoe", "Zoë Clarke",
        android=Card(
            "Clarke", "Zoë", org="Woodgrove Bank", title="Quant Developer",
            emails=(("HOME", "zoe.clarke@icloud.com"), ("WORK", "zoe@woodgrovebank.co.uk")),
            tels=(("CELL", "+44 7700 900123"),),
        ),
        mail=MailSide(
            (("Zoe Clarke", "zoe.clarke@icloud.com"), ("Zoë Clarke", "zoe@woodgrovebank.co.uk")),
            "Europe/London", "outlook", 4, (_d("2019-05-01"), _d("2023-11-30")),
        ),
    ),
    # Accents everywhere: percent-encoded LinkedIn URL, QP vCard, RFC 2047 mail name.
    Person(
        "jose", "José Núñez",
        linkedin=Connection(
            _li("jos%C3%A9-n%C3%BA%C3%B1ez-7f3e1a"), "José", "Núñez", "Proseware",
            "Director de Ingeniería", _d("2021-05-11"), email="jose.nunez@proseware.com",
        ),
        android=Card(
            "Núñez", "José", org="Proseware", title="Director de Ingeniería",
            emails=(("WORK", "jose.nunez@proseware.com"),), tels=(("CELL", "+34 612 555 014"),),
        ),
        mail=MailSide(
            (("José Núñez", "jose.nunez@proseware.com"),), "Europe/Madrid", "gmail", 4,
            (_d("2021-06-01"), _d("2025-07-31")), spanish=True,
        ),
    ),
    Person(
        "kenji", "Kenji Watanabe",
        linkedin=Connection(
            _li("kenji-watanabe-2b9d4e"), "Kenji", "Watanabe", "Fourth Coffee",
            "ML Platform Lead", _d("2022-07-27"),
        ),
        iphone=Card(
            "Watanabe", "Kenji", org="Fourth Coffee", title="ML Platform Lead",
            emails=(("WORK", "kenji.watanabe@fourthcoffee.com"),),
            tels=(("WORK", "+81 90-5555-0123"),),
            social=(
                "type=linkedin;x-user=kenji-watanabe-2b9d4e:"
                "http://www.linkedin.com/in/kenji-watanabe-2b9d4e"
            ),
        ),
        mail=MailSide(
            (("Kenji Watanabe", "kenji.watanabe@fourthcoffee.com"),), "Asia/Tokyo", "gmail", 4,
            (_d("2022-08-01"), _d("2026-10-05")),
        ),
    ),
    # LinkedIn + mail, linked by the address LinkedIn shows.
    Person(
        "emma", "Emma Larsen",
        linkedin=Connection(
            _li("emma-larsen-dk"), "Emma", "Larsen", "Adatum Corporation",
            "Senior Data Analyst", _d("2023-03-09"), email="emma.larsen@adatum.com",
        ),
        mail=MailSide(
            (("Emma Larsen", "emma.larsen@adatum.com"),), "Europe/Copenhagen", "outlook", 4,
            (_d("2023-03-15"), _d("2026-09-20")),
        ),
    ),
    Person(
        "aisha", "Aisha Bello",
        linkedin=Connection(
            _li("aishabello"), "Aisha", "Bello", "Lamna Healthcare", "Product Analyst",
            _d("2019-06-30"), email="aisha.bello@gmail.com",
        ),
        mail=MailSide(
            (("Aisha Bello", "aisha.bello@gmail.com"),), "Africa/Lagos", "gmail", 4,
            (_d("2019-07-01"), _d("2022-03-31")),
        ),
    ),
    # (d) LinkedIn only. LinkedIn keeps the trailing space people type into a first name.
    Person("hannah", "Hannah Wright", linkedin=Connection(
        _li("hannahwright"), "Hannah", "Wright", "Relecloud", "Engineering Manager",
        _d("2017-11-02"))),
    Person("ravi", "Ravi Patel", linkedin=Connection(
        _li("ravi-patel-31a7c2"), "Ravi", "Patel", "Contoso", "Principal Engineer",
        _d("2020-10-05"), email="ravi.patel@contoso.com")),
    Person("elena", "Elena Petrova", linkedin=Connection(
        _li("elena-petrova-5d1"), "Elena", "Petrova", "Adventure Works", "VP Engineering",
        _d("2024-02-20"))),
    Person("samuel", "Samuel Osei", linkedin=Connection(
        _li("samuel-osei"), "Samuel", "Osei", "Fabrikam, Inc.", "Data Scientist",
        _d("2022-01-17"))),
    Person("lars", "Lars Eriksson", linkedin=Connection(
        _li("lars-eriksson-9f2"), "Lars ", "Eriksson", "Wingtip Toys", "CTO",
        _d("2016-05-24"))),
    Person("fatima", "Fatima Haddad", linkedin=Connection(
        _li("fatima-haddad-77e0b1"), "Fatima", "Haddad", "Blue Yonder Airlines",
        "Analytics Lead", _d("2024-11-07"))),
    Person("diego", "Diego Alvarez", linkedin=Connection(
        _li("diegoalvarez"), "Diego", "Alvarez", "Trey Research", "Founder",
        _d("2019-09-12"))),
    Person("grace", "Grace O'Neill", linkedin=Connection(
        _li("grace-oneill-0a4"), "Grace", "O'Neill", "Coho Winery", "Head of People",
        _d("2021-12-01"))),
    Person("noah", "Noah Fischer", linkedin=Connection(
        _li("noah-fischer-b3"), "Noah", "Fischer", "Litware, Inc.", "Solutions Architect",
        _d("2025-06-18"))),
    Person("chloe", "Chloé Dubois", linkedin=Connection(
        _li("chlo%C3%A9-dubois"), "Chloé", "Dubois", "Proseware", "Product Designer",
        _d("2025-10-21"))),
    Person("ingrid", "Ingrid Berg", linkedin=Connection(
        _li("ingrid-berg-1c2d3e"), "Ingrid", "Berg", "Woodgrove Bank", "Risk Analyst",
        _d("2018-03-15"))),
    Person("yuki", "Yuki Tanaka", linkedin=Connection(
        _li("yuki-tanaka-44f"), "Yuki", "Tanaka", "Fourth Coffee", "ML Engineer",
        _d("2026-02-09"))),
    Person("ahmed", "Ahmed Karim", linkedin=Connection(
        _li("ahmed-karim"), "Ahmed", "Karim", "Alpine Ski House", "Operations Manager",
        _d("2020-07-29"))),
    # Pending invitations: on LinkedIn, but not (yet) connections.
    Person("tariq", "Tariq Hussein", invitation=Invitation(
        _li("tariq-hussein-8b"), "INCOMING", datetime(2026, 10, 28, 15, 3, tzinfo=UTC))),
    Person("beatriz", "Beatriz Costa", invitation=Invitation(
        _li("beatriz-costa-pt"), "OUTGOING", datetime(2026, 9, 2, 23, 47, tzinfo=UTC),
        "Hi Beatriz, great meeting you at Data Council! Let's stay in touch.")),
    Person("mei", "Mei Lin", invitation=Invitation(
        _li("mei-lin-62e7a0"), "OUTGOING", datetime(2026, 3, 17, 18, 20, tzinfo=UTC))),
    Person("peter", "Peter Novak", invitation=Invitation(
        _li("peternovak"), "INCOMING", datetime(2025, 11, 2, 1, 14, tzinfo=UTC),
        "Hi Alex, I enjoyed your talk on lakehouse migrations. Would love to connect.")),
    # Mail only.
    Person("oliver", "Oliver Grant", mail=MailSide(
        (("Oliver Grant", "oliver.grant@litwareinc.com"),), "America/New_York", "outlook", 1,
        (_d("2022-03-01"), _d("2024-05-31")))),
    Person("rebecca", "Rebecca Stone", mail=MailSide(
        (("Rebecca Stone", "rebecca.stone@hirewell.co.uk"),), "Europe/London", "outlook", 2,
        (_d("2025-09-01"), _d("2026-10-25")))),
    Person("ana", "Ana Silva", mail=MailSide(
        (("Ana Silva", "ana.silva@gmail.com"),), "America/Sao_Paulo", "gmail", 4,
        (_d("2019-01-05"), _d("2026-10-28")))),
    Person("jakob", "Jakob Müller", mail=MailSide(
        (("Jakob Müller", "jakob.mueller@posteo.de"),), "Europe/Berlin", "thunderbird", 3,
        (_d("2019-02-01"), _d("2020-11-30")))),
    Person("sarah", "Sarah Kim", mail=MailSide(
        (("Sarah Kim", "sarah.kim@relecloud.com"),), "America/Los_Angeles", "gmail", 3,
        (_d("2023-01-10"), _d("2026-09-30")))),
    Person("helen", "Helen Park", mail=MailSide(
        (("Dr. Helen Park", "helen.park@treyresearch.net"),), "Asia/Kathmandu", "gmail", 2,
        (_d("2019-04-01"), _d("2020-06-30")))),
    Person("leo", "Leo Martins", mail=MailSide(
        (("Leo Martins", "leo.martins@hotmail.com"),), "Europe/Lisbon", "outlook", 1,
        (_d("2026-05-01"), _d("2026-10-15")))),
    # Mail + one vCard, under slightly different names.
    Person(
        "tom", "Tom Becker",
        iphone=Card(
            "Becker", "Tom", org="Wingtip Toys", title="Head of Data",
            emails=(("WORK", "tom@wingtiptoys.com"),), tels=(("CELL", "(212) 555-0198"),),
            photo=True,
        ),
        mail=MailSide(
            (("Thomas Becker", "tom@wingtiptoys.com"),), "America/New_York", "apple", 4,
            (_d("2020-03-01"), _d("2026-07-31")),
        ),
    ),
    Person(
        "lucia", "Lucía Fernández",
        android=Card(
            "Fernández", "Lucía", emails=(("HOME", "lucia.fernandez@gmail.com"),),
            tels=(("CELL", "+54 9 11 5555-0142"),),
        ),
        mail=MailSide(
            (("Lucia Fernandez", "lucia.fernandez@gmail.com"),),
            "America/Argentina/Buenos_Aires", "gmail", 3, (_d("2024-01-15"), _d("2026-10-20")),
            spanish=True,
        ),
    ),
    Person(
        "mike", "Mike O'Brien",
        android=Card(
            "O'Brien", "Mike", org="Coho Winery", emails=(("WORK", "mike.obrien@cohowinery.com"),),
            tels=(("WORK", "312-555-0161"),),
        ),
        mail=MailSide(
            (("Michael O'Brien", "mike.obrien@cohowinery.com"),), "America/Chicago", "outlook",
            3, (_d("2019-03-01"), _d("2021-10-31")),
        ),
    ),
    # (e) phone only, in both vCard files, the number written two ways.
    Person(
        "dan", "Dan Okafor",
        iphone=Card(
            "Okafor", "Dan", tels=(("CELL", "(415) 555-0134"),),
            note="Climbing partner, met at Café Mission",
        ),
        android=Card("Okafor", "Daniel", tels=(("CELL", "+1 415-555-0134"),)),
    ),
    # vCard only.
    Person("carla", "Carla Mendes", iphone=Card(
        "Mendes", "Carla", emails=(("HOME", "carla.mendes@icloud.com"),),
        tels=(("IPHONE", "(650) 555-0116"),), bday="1990-11-03")),
    Person("joe", "Joe Plumber", iphone=Card(
        "Plumber", "Joe", org="Joe's Plumbing", tels=(("WORK", "415-555-0190"),))),
    Person("pedro", "Pedro Alves", android=Card("Alves", "Pedro", tels=(("HOME", "6285550147"),))),
    Person("fiona", "Fiona MacLeod", android=Card(
        "MacLeod", "Fiona", emails=(("HOME", "fiona.macleod@gmail.com"),))),
)
# fmt: on

BY_KEY = {p.key: p for p in CAST}

# LinkedIn rows whose member hid their profile: everything empty but the date.
HIDDEN_CONNECTIONS = (_d("2023-02-14"), _d("2025-08-03"))


def _rng(part: str) -> random.Random:
    # One stream per output, so editing one source leaves the others' bytes alone.
    return random.Random(f"{SEED}/{part}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


# --------------------------------------------------------------------------- LinkedIn


def _csv_text(rows: Sequence[Sequence[str]], *, final_newline: bool = True) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    # Connections.csv and Email Addresses.csv end without a newline in real exports.
    return text if final_newline else text[:-1]


def _li_connected_on(day: date) -> str:
    return f"{day.day:02d} {_MON[day.month - 1]} {day.year}"


def _li_short_datetime(at: datetime, zone: str = "America/Los_Angeles") -> str:
    wall, _ = local_time(zone, at)
    hour = wall.hour % 12 or 12
    ampm = "AM" if wall.hour < 12 else "PM"
    return f"{wall.month}/{wall.day}/{wall.year % 100:02d}, {hour}:{wall.minute:02d} {ampm}"


def _li_message_date(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S} UTC"


def _conversation_id(rng: random.Random, suffix: str) -> str:
    return "2-" + base64.b64encode(f"{_uuid(rng)}_{suffix}".encode()).decode()


@dataclass
class LinkedInMessage:
    conversation: str
    title: str
    sender: str  # person key, "me", or a literal display name with no profile
    recipients: tuple[str, ...]
    at: datetime
    content: str
    subject: str = ""
    folder: str = "INBOX"
    draft: bool = False


def _li_name_url(who: str) -> tuple[str, str]:
    if who == "me":
        return ME_NAME, ME_LINKEDIN
    if who in BY_KEY:
        row = BY_KEY[who].linkedin
        assert row is not None
        return f"{row.first.strip()} {row.last}", row.url
    return who, ""


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def linkedin_messages(rng: random.Random) -> list[LinkedInMessage]:
    """The conversations of messages.csv, scripted so every date is known."""
    # (suffix of the conversation id, title, turns, options); turn = (from, to, UTC, text)
    # fmt: off
    script: list[tuple[str, str, list[tuple[str, tuple[str, ...], str, str]], dict]] = [
        ("012", "", [
            ("bill", ("me",), "2024-03-05 17:22:40",
             "Alex, good to see Northwind at the partner summit. Are you free for a call?"),
            ("me", ("bill",), "2024-03-06 02:10:05",
             "Sure, let's take it to e-mail. I'll send a few slots."),
        ], {}),
        ("012", "", [
            ("priya", ("me",), "2022-06-21 15:04:12",
             "Hey! Saw your post on data contracts, totally agree."),
            ("me", ("priya",), "2022-06-21 16:45:51", "Thanks Priya! Lunch soon?"),
            ("priya", ("me",), "2025-02-11 19:33:08",
             "Contoso is hiring two platform engineers, send anyone good my way."),
            ("me", ("priya",), "2025-02-12 01:02:44", "Will do, I know someone."),
        ], {}),
        ("013", "Data Council dinner", [
            ("me", ("priya", "marcus"), "2025-09-14 16:02:11",
             "Dinner on Tuesday after the conference? I'll book somewhere near the venue."),
            ("priya", ("me", "marcus"), "2025-09-14 16:40:37", "In! 7pm works for me."),
            ("marcus", ("me", "priya"), "2025-09-15 02:18:09",
             "Count me in, landing at 5 so 7:30 would be safer."),
        ], {}),
        ("012", "", [
            ("kenji", ("me",), "2023-01-30 04:12:55",
             "Hi Alex,\n\nThanks for the chat at the meetup. A few notes:\n"
             "- feature store: we use Feast\n- orchestration: Prefect\n\n"
             'Happy to compare "war stories" any time.'),
            ("me", ("kenji",), "2023-01-30 17:40:02",
             "Very useful, thank you! Let's do a call in February."),
        ], {}),
        ("012", "", [
            ("hannah", ("me",), "2020-04-08 20:15:00", "How is the new role going?"),
            ("me", ("hannah",), "2020-04-09 03:51:27",
             "Busy but fun. Building the data platform from scratch."),
            ("me", ("hannah",), "2026-10-27 22:05:13",
             "Hannah, long time! Would you be up for a coffee in November?"),
        ], {"draft_last": True}),
        ("012", "", [
            ("elena", ("me",), "2025-04-16 13:27:41",
             "Hi Alex, we are building a new analytics team at Adventure Works and your "
             "background looks like a great fit. Open to a short conversation?"),
        ], {"subject": "Opportunity at Adventure Works"}),
        ("012", "", [
            ("john_smith_globex", ("me",), "2023-08-15 14:02:19",
             "Hi Alex, thanks for connecting. Are you the right person for data tooling "
             "at Northwind?"),
            ("me", ("john_smith_globex",), "2023-08-15 18:47:33",
             "Hi John, we're set for now, but feel free to check back next year."),
        ], {}),
        ("012", "", [
            ("jose", ("me",), "2021-05-12 09:14:03", "¡Hola Alex! Encantado de conectar."),
            ("me", ("jose",), "2021-05-12 16:30:48",
             "Likewise José! Let me know when you are in San Francisco."),
        ], {}),
        ("012", "", [
            ("lars", ("me",), "2019-11-19 10:05:27", "Congrats on the new job!"),
        ], {}),
        ("012", "", [
            ("LinkedIn Member", ("me",), "2026-06-03 11:48:20",
             "Exclusive offer: 10x your sales pipeline with our AI leads. Reply YES."),
        ], {"folder": "SPAM"}),
    ]
    # fmt: on
    messages: list[LinkedInMessage] = []
    for suffix, title, turns, opts in script:
        conv = _conversation_id(rng, suffix)
        for i, (sender, recipients, when, content) in enumerate(turns):
            last = i == len(turns) - 1
            messages.append(
                LinkedInMessage(
                    conv,
                    title,
                    sender,
                    recipients,
                    _t(when),
                    content,
                    subject=opts.get("subject", "") if i == 0 else "",
                    folder=opts.get("folder", "INBOX"),
                    draft=bool(opts.get("draft_last")) and last,
                )
            )
    return messages


def _connections_csv(rows: list[list[str]]) -> str:
    """Connections.csv as LinkedIn writes it: the notes, a blank line, the table."""
    header = [
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]
    return "Notes:\n" + LINKEDIN_NOTES + "\n\n" + _csv_text([header, *rows], final_newline=False)


def build_linkedin(rng: random.Random) -> tuple[dict[str, bytes], dict]:
    """The files of the export zip, and their counts for truth.json."""
    connections = [p.linkedin for p in CAST if p.linkedin]
    rows: list[list[str]] = [
        [c.first, c.last, c.url, c.email, c.company, c.position, _li_connected_on(c.connected)]
        for c in connections
    ]
    rows += [["", "", "", "", "", "", _li_connected_on(d)] for d in HIDDEN_CONNECTIONS]
    rows.sort(key=lambda r: datetime.strptime(r[6], "%d %b %Y"), reverse=True)
    connections_csv = _connections_csv(rows)

    messages = linkedin_messages(rng)
    by_conv: dict[str, list[LinkedInMessage]] = {}
    for m in messages:
        by_conv.setdefault(m.conversation, []).append(m)
    # Newest conversation first, newest message first within it, as LinkedIn writes them.
    convs = sorted(by_conv.values(), key=lambda ms: max(m.at for m in ms), reverse=True)
    msg_rows = [
        [
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "RECIPIENT PROFILE URLS",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
            "ATTACHMENTS",
            "IS MESSAGE DRAFT",
            "IS CONVERSATION DRAFT",
        ]
    ]
    for conv in convs:
        for m in sorted(conv, key=lambda m: m.at, reverse=True):
            name, url = _li_name_url(m.sender)
            to = [_li_name_url(r) for r in m.recipients]
            msg_rows.append(
                [
                    m.conversation,
                    m.title,
                    name,
                    url,
                    ", ".join(n for n, _ in to),
                    ",".join(u for _, u in to),
                    _li_message_date(m.at),
                    m.subject,
                    m.content,
                    m.folder,
                    "",
                    "Yes" if m.draft else "No",
                    "No",
                ]
            )

    inv_rows = [
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"]
    ]
    invites = sorted(
        ((p, p.invitation) for p in CAST if p.invitation),
        key=lambda pi: pi[1].sent_at,
        reverse=True,
    )
    for person, inv in invites:
        other = (person.name, inv.url)
        me = (ME_NAME, ME_LINKEDIN)
        inviter, invitee = (other, me) if inv.direction == "INCOMING" else (me, other)
        inv_rows.append(
            [
                inviter[0],
                invitee[0],
                _li_short_datetime(inv.sent_at),
                inv.message,
                inv.direction,
                inviter[1],
                invitee[1],
            ]
        )

    profile = _csv_text(
        [
            [
                "First Name",
                "Last Name",
                "Maiden Name",
                "Address",
                "Birth Date",
                "Headline",
                "Summary",
                "Industry",
                "Zip Code",
                "Geo Location",
                "Twitter Handles",
                "Websites",
                "Instant Messengers",
            ],
            [
                "Alex",
                "Morgan",
                "",
                "",
                "Apr 17",
                "Head of Data Platform at Northwind",
                "I build data platforms that analysts trust.\nPreviously: analytics at Contoso, "
                "consulting at Fabrikam.",
                "Software Development",
                "94110",
                "San Francisco Bay Area",
                "[@alexmorgan_data]",
                "[PORTFOLIO:https://alexmorgan.dev]",
                "",
            ],
        ]
    )
    emails = _csv_text(
        [
            ["Email Address", "Confirmed", "Primary", "Updated On"],
            [ME_GMAIL, "Yes", "Yes", "3/14/19, 9:02 AM"],
            [ME_WORK, "Yes", "No", "6/2/23, 4:45 PM"],
        ],
        final_newline=False,
    )

    files = {
        "Connections.csv": connections_csv.encode(),
        "Email Addresses.csv": emails.encode(),
        "Invitations.csv": _csv_text(inv_rows).encode(),
        "Profile.csv": profile.encode(),
        "messages.csv": _csv_text(msg_rows).encode(),
    }
    counts = {
        "connections": len(rows),
        "hidden": len(HIDDEN_CONNECTIONS),
        "messages": len(messages),
        "drafts": sum(m.draft for m in messages),
        "spam": sum(m.folder == "SPAM" for m in messages),
        "invitations": len(inv_rows) - 1,
    }
    return files, counts


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on ``files``: sorted entries, fixed dates and modes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, files[name], compresslevel=6)
    return buf.getvalue()


# --------------------------------------------------------------------------- vCards


def _fold(line: str, width: int = 75) -> list[str]:
    # vCard 3.0 folding: at most 75 octets a line, continuation lines start with a space.
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return out


def _apple_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def apple_card(card: Card) -> list[str]:
    """An iOS 17 Contacts export of one card (vCard 3.0)."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.5//EN",
        f"N:{_apple_escape(card.family)};{_apple_escape(card.given)};;;",
        f"FN:{card.given} {card.family}",
    ]
    if card.org:
        lines.append(f"ORG:{_apple_escape(card.org)};")
    if card.title:
        lines.append(f"TITLE:{_apple_escape(card.title)}")
    item = 0
    for i, (kind, address) in enumerate(card.emails):
        pref = ";type=pref" if i == 0 else ""
        if kind == "OTHER":
            item += 1
            lines.append(f"item{item}.EMAIL;type=INTERNET{pref}:{address}")
            lines.append(f"item{item}.X-ABLabel:_$!<Other>!$_")
        else:
            lines.append(f"EMAIL;type=INTERNET;type={kind}{pref}:{address}")
    tel_types = {
        "CELL": "type=CELL;type=VOICE",
        "IPHONE": "type=IPHONE;type=CELL;type=VOICE",
        "WORK": "type=WORK;type=VOICE",
        "HOME": "type=HOME;type=VOICE",
    }
    for i, (kind, number) in enumerate(card.tels):
        pref = ";type=pref" if i == 0 else ""
        lines.append(f"TEL;{tel_types[kind]}{pref}:{number}")
    if card.social:
        lines.append(f"X-SOCIALPROFILE;{card.social}")
    if card.note:
        lines.append(f"NOTE:{_apple_escape(card.note)}")
    if card.bday:
        lines.append(f"BDAY;value=date:{card.bday}")
    if card.photo:
        lines += _fold(f"PHOTO;ENCODING=b;TYPE=PNG:{AVATAR_PNG_B64}")
    lines.append("END:VCARD")
    return lines


def _android_qp(text: str) -> str:
    # Android's VCardBuilder encodes every byte and breaks the line after 67 characters.
    out, width = [], 0
    for byte in text.encode():
        out.append(f"={byte:02X}")
        width += 3
        if width >= 67:
            out.append("=\r\n")
            width = 0
    return "".join(out)


def _android_prop(name: str, parts: Sequence[str]) -> str:
    if all(p.isascii() for p in parts):
        return f"{name}:{';'.join(parts)}"
    return f"{name};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + ";".join(
        _android_qp(p) for p in parts
    )


def android_card(card: Card) -> list[str]:
    """An Android Contacts export of one card (vCard 2.1)."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:2.1",
        _android_prop("N", [card.family, card.given, "", "", ""]),
        _android_prop("FN", [f"{card.given} {card.family}"]),
    ]
    lines += [f"TEL;{kind}:{number}" for kind, number in card.tels]
    lines += [f"EMAIL;{kind}:{address}" for kind, address in card.emails]
    if card.org:
        lines.append(_android_prop("ORG", [card.org]))
    if card.title:
        lines.append(_android_prop("TITLE", [card.title]))
    lines.append("END:VCARD")
    return lines


# Left in the Android file on purpose: a card that no reader can make a contact of.
BROKEN_ANDROID_CARD = [
    "BEGIN:VCARD",
    "VERSION:2.1",
    "=E2=80=8B=E2=80=8B;;;",
    "this line is not a property",
    "##########",
    "END:VCARD",
]


def build_vcards() -> tuple[dict[str, bytes], dict]:
    """The two .vcf files, and their counts for truth.json."""
    iphone = [apple_card(p.iphone) for p in CAST if p.iphone]
    android = [android_card(p.android) for p in CAST if p.android]
    # The broken card sits in the middle, so the cards after it must still be read.
    android.insert(len(android) // 2, BROKEN_ANDROID_CARD)
    files = {
        "iphone_contacts.vcf": "".join(line + "\r\n" for card in iphone for line in card).encode(),
        "android_contacts.vcf": "".join(
            line + "\r\n" for card in android for line in card
        ).encode(),
    }
    counts = {
        "cards": len(iphone) + len(android),
        "broken": 1,
        "files": {"iphone_contacts.vcf": len(iphone), "android_contacts.vcf": len(android)},
    }
    return files, counts


# --------------------------------------------------------------------------- mail

SUBJECTS = (
    "Quick question",
    "Catching up",
    "Coffee next week?",
    "Follow-up from today",
    "Slides from the talk",
    "Lunch on Thursday?",
    "Data contract draft",
    "Reference check",
    "Offsite planning",
    "Conference in Lisbon",
    "Q3 roadmap sync",
    "Thanks!",
    "Podcast recording",
    "Visiting SF in May",
    "dbt migration notes",
    "Partnership proposal",
    "Book recommendation",
    "Team dinner",
    "Quick favour",
    "Speaker invite",
    "Contract renewal",
    "Intro: analytics engineers",
    "Hiring update",
    "Weekend plans",
)
SUBJECTS_ES = ("Reunión en Madrid", "¿Café la semana que viene?", "Propuesta para el piloto")
LINES = (
    "Thanks for sending this over, it helps a lot.",
    "Could we find 30 minutes next week to go through it?",
    "I've attached nothing, but the doc is in the shared folder.",
    "Let me know what works for you.",
    "The team liked the proposal; a couple of small comments inline.",
    "We are still waiting on legal, should be done by Friday.",
    "Great seeing you the other day!",
    "I'm travelling until the 12th but can do a call after that.",
    "Happy to make the intro if useful.",
    "Sounds good to me.",
    "Sorry for the slow reply, it has been a busy month.",
    "The numbers look much better after the backfill.",
    "Can you share the slides when you get a chance?",
    "I'll bring the printouts.",
    "We moved the meeting to the big room on the 4th floor.",
)
LINES_ES = (
    "Gracias por la información, nos vemos pronto.",
    "¿Te viene bien el martes por la mañana?",
    "Te mando el documento esta tarde.",
)


@dataclass
class Mail:
    """One message of the mbox before rendering."""

    gm_id: int
    thread_id: int
    labels: str
    at: datetime
    zone: str
    style: str
    sender: tuple[str, str]
    to: list[tuple[str, str]]
    subject: str
    body: str
    kind: str  # direct | mailing_list | automated | draft
    cc: list[tuple[str, str]] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    delivered: bool = False  # inbound: has a Delivered-To and a receipt delay
    extra: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = 'text/plain; charset="UTF-8"'
    raw_body: str = ""  # a pre-built MIME body (multipart); used instead of ``body``


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _message_id(rng: random.Random, style: str, domain: str) -> str:
    if style == "gmail":
        tail = "".join(rng.choice(_ALNUM + "+_-") for _ in range(44))
        return f"<CA{tail}@mail.gmail.com>"
    if style == "outlook":
        box = f"{rng.choice(['BY5', 'SA1', 'CH3', 'DM6', 'PH0'])}PR{rng.randint(10, 19)}MB"
        box += f"{rng.randint(1000, 9999)}"
        host = f"{box}.namprd{rng.randint(10, 19)}.prod.outlook.com"
        return f"<{box}{rng.getrandbits(128):032X}@{host}>"
    if style == "yahoo":
        return (
            f"<{rng.randint(10**9, 10**10 - 1)}.{rng.randint(10**6, 10**7 - 1)}."
            f"{rng.randint(10**12, 10**13 - 1)}@mail.yahoo.com>"
        )
    if style == "apple":
        return f"<{str(_uuid(rng)).upper()}@{domain}>"
    return f"<{_uuid(rng)}@{domain}>"


def _gm_id(rng: random.Random, at: datetime) -> int:
    # Gmail message ids carry the receipt time in milliseconds above 20 random bits.
    return (int(at.timestamp() * 1000) << 20) | rng.getrandbits(20)


def _q_word(text: str) -> str:
    out = []
    for byte in text.encode():
        ch = chr(byte)
        if ch == " ":
            out.append("_")
        elif ch.isascii() and (ch.isalnum() or ch in "!*+-/"):
            out.append(ch)
        else:
            out.append(f"={byte:02X}")
    return "=?UTF-8?Q?" + "".join(out) + "?="


def _b_word(text: str) -> str:
    return "=?utf-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def _display(name: str, style: str) -> str:
    if not name:
        return ""
    if not name.isascii():
        return _b_word(name) if style in ("outlook", "yahoo") else _q_word(name)
    if re.search(r'[()<>\[\]:;@\\,."]', name) or name.startswith("'"):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def _mailbox(pair: tuple[str, str], style: str) -> str:
    name, address = pair
    shown = _display(name, style)
    return f"{shown} <{address}>" if shown else address


def _subject_header(subject: str) -> str:
    if subject.isascii():
        return subject
    prefix = ""
    if subject.startswith("Re: "):
        prefix, subject = "Re: ", subject[4:]
    return prefix + _q_word(subject)


def _fold_list(name: str, items: list[str], sep: str = ", ") -> list[str]:
    # Fold long address and reference lists the way MUAs do: at item boundaries.
    lines, current = [], f"{name}: "
    for i, item in enumerate(items):
        piece = item + (sep.rstrip() if i < len(items) - 1 else "")
        if current.strip().endswith(":") or len(current) + len(piece) + 1 <= 78:
            current += ("" if current.endswith(": ") else " ") + piece
        else:
            lines.append(current)
            current = " " + piece
    lines.append(current)
    return lines


APPLE_MAIL = "Mac OS X Mail 16.0 \\(3774.600.62\\)"


def render_mail(m: Mail) -> bytes:
    """One Takeout mbox entry: the From_ line, headers in the client's order, the body."""
    received = m.at + timedelta(seconds=(m.gm_id % 37) + 2) if m.delivered else m.at
    head = [
        f"From {m.gm_id}@xxx {takeout_from_line_date(received)}",
        f"X-GM-THRID: {m.thread_id}",
        f"X-Gmail-Labels: {m.labels}",
    ]
    if m.delivered:
        head.append(f"Delivered-To: {ME_GMAIL}")
    date_value = {
        "outlook": lambda: rfc2822(m.at, "UTC"),
        "yahoo": lambda: rfc2822(m.at, "UTC", comment="UTC"),
        "thunderbird": lambda: rfc2822(m.at, m.zone, pad_day=True),
    }.get(m.style, lambda: rfc2822(m.at, m.zone))()
    addr = {
        "From": [_mailbox(m.sender, m.style)],
        "To": [_mailbox(t, m.style) for t in m.to],
        "Cc": [_mailbox(c, m.style) for c in m.cc],
    }
    body = m.raw_body or m.body
    needs_qp = not body.isascii()
    mime = [f"Content-Type: {m.content_type}"]
    if needs_qp and not m.raw_body:
        mime.append("Content-Transfer-Encoding: quoted-printable")
        body = quopri.encodestring(body.encode()).decode()

    def threading() -> list[str]:
        out = []
        if m.references:
            out += _fold_list("References", m.references, sep=" ")
        if m.in_reply_to:
            out.append(f"In-Reply-To: {m.in_reply_to}")
        return out

    def addresses() -> list[str]:
        out = _fold_list("From", addr["From"]) + _fold_list("To", addr["To"])
        if addr["Cc"]:
            out += _fold_list("Cc", addr["Cc"])
        return out

    subject = f"Subject: {_subject_header(m.subject)}"
    extra = [f"{k}: {v}" for k, v in m.extra]
    if m.style == "outlook":
        topic = m.subject[4:] if m.subject.startswith("Re: ") else m.subject
        head += addresses() + [subject, f"Thread-Topic: {_subject_header(topic)}"]
        head += [f"Thread-Index: {base64.b64encode(m.message_id.encode()[:22]).decode()}"]
        head += [f"Date: {date_value}", f"Message-ID: {m.message_id}"] + threading()
        head += ["Accept-Language: en-US", "Content-Language: en-US"] + extra + mime
        head.append("MIME-Version: 1.0")
    elif m.style == "apple":
        head += [addresses()[0], *mime, f"Mime-Version: 1.0 ({APPLE_MAIL})"]
        head += [subject] + threading() + [f"Date: {date_value}"] + addresses()[1:]
        head += [f"Message-Id: {m.message_id}"] + extra
    elif m.style == "thunderbird":
        head += [f"Message-ID: {m.message_id}", f"Date: {date_value}", "MIME-Version: 1.0"]
        head += ["User-Agent: Mozilla Thunderbird", "Content-Language: de-DE"]
        head += addresses() + threading() + [subject] + extra + mime
    else:
        head += ["MIME-Version: 1.0", f"Date: {date_value}"] + threading()
        head += [f"Message-ID: {m.message_id}", subject] + addresses() + extra + mime
    text = "\n".join(head) + "\n\n" + body.rstrip("\n") + "\n"
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode() + b"\r\n"


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[1]


# Web-mail domains decide the client whatever the person uses for their work address.
WEBMAIL_STYLES = {
    "gmail.com": "gmail",
    "yahoo.com": "yahoo",
    "outlook.com": "outlook",
    "hotmail.com": "outlook",
    "icloud.com": "apple",
}


def _client_style(address: str, default: str) -> str:
    return WEBMAIL_STYLES.get(_domain(address), default)


PERSONAL_DOMAINS = {
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "posteo.de",
}


def _business_time(rng: random.Random, day: date, zone: str) -> datetime:
    wall = datetime(
        day.year, day.month, day.day, rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)
    )
    return from_local(zone, wall)


def _first_name(name: str) -> str:
    name = name.strip('"')
    if "," in name:
        return name.split(",", 1)[1].split()[0]
    parts = name.split()
    return parts[1] if parts[0].endswith(".") and len(parts) > 1 else parts[0]


def _body(rng: random.Random, to_first: str, from_first: str, spanish: bool) -> str:
    if spanish and rng.random() < 0.6:
        lines = rng.sample(LINES_ES, 1) + rng.sample(LINES, rng.randint(0, 1))
        return f"Hola {to_first},\n\n" + "\n".join(lines) + f"\n\nUn saludo,\n{from_first}\n"
    lines = rng.sample(LINES, rng.randint(1, 3))
    return f"Hi {to_first},\n\n" + "\n".join(lines) + f"\n\nBest,\n{from_first}\n"


def _gmail_quote(prev: Mail, zone: str) -> str:
    wall, _ = local_time(zone, prev.at)
    hour = wall.hour % 12 or 12
    when = (
        f"{_WD[wall.weekday()]}, {_MON[wall.month - 1]} {wall.day}, {wall.year} at "
        f"{hour}:{wall.minute:02d} {'AM' if wall.hour < 12 else 'PM'}"
    )
    first = next(line for line in prev.body.splitlines() if line.strip())
    return f"\nOn {when} {prev.sender[0]} <{prev.sender[1]}> wrote:\n> {first}\n"


class Mailbox:
    """Collects messages, giving each Gmail ids and Message-IDs as it goes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.threads: list[list[Mail]] = []

    def thread(
        self,
        person: Person,
        turns: list[tuple[str, datetime, str]],
        *,
        subject: str,
        address: tuple[str, str],
        me: str,
        cc: list[tuple[str, str]] | None = None,
    ) -> list[Mail]:
        """Add one conversation; turns are (``in`` | ``out``, UTC instant, body)."""
        assert person.mail is not None
        rng = self.rng
        mails: list[Mail] = []
        me_pair = (ME_NAME, me)
        for i, (direction, at, body) in enumerate(turns):
            inbound = direction == "in"
            style = _client_style(address[1], person.mail.style) if inbound else "gmail"
            zone = person.mail.zone if inbound else "America/Los_Angeles"
            sender = address if inbound else me_pair
            to = [me_pair] if inbound else [address]
            gm_id = _gm_id(rng, at)
            domain = _domain(sender[1])
            prev = mails[-1] if mails else None
            if prev is not None and rng.random() < 0.35:
                body = body + _gmail_quote(prev, zone)
            if inbound:
                labels = rng.choice(
                    [
                        "Inbox,Important",
                        "Inbox,Important,Opened",
                        "Opened",
                        "Important,Opened",
                        "Inbox,Opened,Category Personal",
                    ]
                )
            else:
                labels = rng.choice(["Sent", "Sent", "Important,Sent"])
            mail = Mail(
                gm_id=gm_id,
                thread_id=mails[0].thread_id if mails else gm_id,
                labels=labels,
                at=at,
                zone=zone,
                style=style,
                sender=sender,
                to=to,
                cc=list(cc or []),
                subject=subject if i == 0 else f"Re: {subject}",
                body=body,
                kind="direct",
                message_id=_message_id(rng, style, domain),
                delivered=inbound,
            )
            if prev is not None:
                mail.in_reply_to = prev.message_id
                mail.references = [*prev.references, prev.message_id]
            mails.append(mail)
        self.threads.append(mails)
        return mails

    def single(self, mail: Mail) -> None:
        self.threads.append([mail])

    def all(self) -> list[Mail]:
        return [m for thread in self.threads for m in thread]


def _person_threads(box: Mailbox, person: Person) -> None:
    side = person.mail
    assert side is not None
    rng = box.rng
    lo, hi = side.window
    for n in range(side.threads):
        address = side.addresses[n] if n < len(side.addresses) else rng.choice(side.addresses)
        personal = _domain(address[1]) in PERSONAL_DOMAINS
        me = ME_GMAIL if personal or rng.random() < 0.65 else ME_WORK
        day = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        direction = "in" if rng.random() < 0.55 else "out"
        at = _business_time(rng, day, side.zone if direction == "in" else "America/Los_Angeles")
        subject_pool = SUBJECTS_ES if side.spanish and rng.random() < 0.5 else SUBJECTS
        turns = []
        for i in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
            if i and at.date() > hi:
                break
            inbound = direction == "in"
            to_first = "Alex" if inbound else _first_name(address[0])
            from_first = _first_name(address[0]) if inbound else "Alex"
            turns.append((direction, at, _body(rng, to_first, from_first, side.spanish)))
            at += timedelta(minutes=rng.randint(25, 60 * 60))
            direction = "out" if inbound else "in"
        cc = []
        for key in side.cc:
            if rng.random() < 0.5:
                cc.append(BY_KEY[key].mail.addresses[0])  # type: ignore[union-attr]
        box.thread(person, turns, subject=rng.choice(subject_pool), address=address, me=me, cc=cc)


def _scripted_threads(box: Mailbox) -> None:
    bill = BY_KEY["bill"]
    bill_addr = bill.mail.addresses[0]  # type: ignore[union-attr]
    # (a) the newest interaction with William Smith: his reply, written at -0700.
    box.thread(
        bill,
        [
            (
                "out",
                _t("2026-10-19 22:12:44"),
                "Hi William,\n\nSharing the agenda for the Q4 partnership review.\n"
                "Does Thursday work for you?\n\nAlex\n",
            ),
            (
                "in",
                BILL_LAST_CONTACT,
                "Hi Alex,\n\nThursday works. I'll bring the renewal numbers.\n\nBest,\nBill\n",
            ),
        ],
        subject="Q4 partnership review",
        address=bill_addr,
        me=ME_WORK,
    )
    # A body line starting with "From ", left unescaped as Takeout does.
    marcus = BY_KEY["marcus"]
    box.thread(
        marcus,
        [
            (
                "out",
                _t("2024-02-06 19:31:08"),
                "Hi Marcus,\n\nAre we still on for the offsite planning call?\n\nAlex\n",
            ),
            (
                "in",
                _t("2024-02-07 02:05:51"),
                "Hi Alex,\n\nYes. A few thoughts before we talk:\n"
                "From what I remember, the venue needs a deposit by March.\n"
                "From here the cheapest option is the harbour hotel.\n\nMarcus\n",
            ),
        ],
        subject="Offsite planning",
        address=marcus.mail.addresses[0],  # type: ignore[union-attr]
        me=ME_GMAIL,
    )
    # (b) the other John Smith, writing with a colleague on copy.
    john = BY_KEY["john_smith_litware"]
    box.thread(
        john,
        [
            (
                "in",
                _t("2023-05-09 14:20:33"),
                "Hi Alex,\n\nFollowing up on the vendor review, Oliver is on copy.\n\n"
                "Regards,\nJohn\n",
            ),
            (
                "out",
                _t("2023-05-09 20:02:17"),
                "Thanks John, I'll send our notes by Friday.\n\nAlex\n",
            ),
        ],
        subject="Vendor review",
        address=john.mail.addresses[0],  # type: ignore[union-attr]
        me=ME_WORK,
        cc=[BY_KEY["oliver"].mail.addresses[0]],  # type: ignore[union-attr]
    )


NEWSLETTERS = (
    # (From, List-Id, list domain, issues, first day, last day, label)
    (
        ("Pipeline Digest", "digest@pipelinedigest.news"),
        '"Pipeline Digest" <weekly.pipelinedigest.news>',
        "pipelinedigest.news",
        8,
        _d("2024-01-01"),
        _d("2026-10-26"),
        "Category Updates,Opened",
    ),
    (
        ("Lakehouse Weekly", "newsletter@lakehouseweekly.com"),
        "<newsletter.lakehouseweekly.com>",
        "lakehouseweekly.com",
        6,
        _d("2022-05-01"),
        _d("2025-12-31"),
        "Category Promotions",
    ),
)
GROUP_POSTERS = (
    ("Jordan Lee", "jordan.lee@bayareadata.org"),
    ("Sam Rivera", "sam.rivera@bayareadata.org"),
)
AUTOMATED = (
    (("Google", "no-reply@accounts.google.com"), "Security alert", 3, ME_GMAIL),
    (
        ("GitHub", "noreply@github.com"),
        "[GitHub] A new SSH authentication public key was added to your account",
        2,
        ME_GMAIL,
    ),
    (("Skyline Air", "no-reply@skylineair.com"), "Your itinerary: SFO → JFK", 2, ME_GMAIL),
    (("Northwind IT", "no-reply@northwind.io"), "Your password expires in 7 days", 1, ME_WORK),
)


def _newsletters(box: Mailbox) -> None:
    rng = box.rng
    for sender, list_id, domain, issues, lo, hi, labels in NEWSLETTERS:
        span = (hi - lo).days
        for n in range(issues):
            day = lo + timedelta(days=span * n // max(issues - 1, 1))
            at = from_local("America/New_York", datetime(day.year, day.month, day.day, 7, 0, 0))
            boundary = f"000000000000{rng.getrandbits(48):012x}"
            issue = n + 1
            text = (
                f"Issue #{issue}\n\nFrom the editor: three things worth reading this week.\n"
                "1. Streaming joins, explained\n2. Why your dbt models are slow\n"
                "3. The case for boring data stacks\n\nUnsubscribe: "
                f"https://{domain}/u\n"
            )
            html = (
                f"<html><body><h1>Issue #{issue}</h1>"
                "<p>Three things worth reading.</p></body></html>"
            )
            raw = (
                f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n\n{text}\n'
                f'--{boundary}\nContent-Type: text/html; charset="UTF-8"\n\n{html}\n\n'
                f"--{boundary}--\n"
            )
            gm_id = _gm_id(rng, at)
            box.single(
                Mail(
                    gm_id=gm_id,
                    thread_id=gm_id,
                    labels=labels,
                    at=at,
                    zone="America/New_York",
                    style="gmail",
                    sender=sender,
                    to=[("", ME_GMAIL)],
                    subject=f"{sender[0]} #{issue}: streaming joins and boring stacks",
                    body="",
                    raw_body=raw,
                    kind="mailing_list",
                    message_id=f"<{_uuid(rng)}@{domain}>",
                    delivered=True,
                    content_type=f'multipart/alternative; boundary="{boundary}"',
                    extra=[
                        ("List-Id", list_id),
                        (
                            "List-Unsubscribe",
                            f"<https://{domain}/unsubscribe?u={rng.getrandbits(40):x}>, "
                            f"<mailto:unsubscribe@{domain}?subject=unsubscribe>",
                        ),
                        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                        ("Precedence", "bulk"),
                    ],
                )
            )
    # A Google Group: written by people, delivered by a list.
    for n, day in enumerate(
        (_d("2023-04-11"), _d("2024-09-03"), _d("2025-03-18"), _d("2026-01-27"))
    ):
        poster = GROUP_POSTERS[n % 2]
        at = _business_time(rng, day, "America/Los_Angeles")
        gm_id = _gm_id(rng, at)
        box.single(
            Mail(
                gm_id=gm_id,
                thread_id=gm_id,
                labels="Category Forums,Opened",
                at=at,
                zone="America/Los_Angeles",
                style="gmail",
                sender=(
                    f"'{poster[0]}' via Bay Area Data Meetup",
                    "bay-area-data@googlegroups.com",
                ),
                to=[("Bay Area Data Meetup", "bay-area-data@googlegroups.com")],
                subject=f"[bay-area-data] Meetup #{40 + n}: talks and pizza",
                body=f"Hi all,\n\nNext meetup is on the usual Tuesday. Two talks, pizza after.\n\n"
                f"{poster[0].split()[0]}\n\n--\nYou received this message because you are "
                'subscribed to the Google Groups "Bay Area Data Meetup" group.\n',
                kind="mailing_list",
                message_id=_message_id(rng, "gmail", ""),
                delivered=True,
                extra=[
                    ("Reply-To", "bay-area-data@googlegroups.com"),
                    ("X-Original-Sender", poster[1]),
                    ("Precedence", "list"),
                    (
                        "Mailing-list",
                        "list bay-area-data@googlegroups.com; contact "
                        "bay-area-data+owners@googlegroups.com",
                    ),
                    ("List-Id", "<bay-area-data.googlegroups.com>"),
                    (
                        "List-Unsubscribe",
                        "<mailto:bay-area-data+unsubscribe@googlegroups.com>, "
                        "<https://groups.google.com/d/optout>",
                    ),
                ],
            )
        )


def _automated(box: Mailbox) -> None:
    rng = box.rng
    for sender, subject, count, to in AUTOMATED:
        for _ in range(count):
            day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2850))
            at = _business_time(rng, day, "UTC")
            gm_id = _gm_id(rng, at)
            box.single(
                Mail(
                    gm_id=gm_id,
                    thread_id=gm_id,
                    labels="Inbox,Category Updates",
                    at=at,
                    zone="UTC",
                    style="gmail",
                    sender=sender,
                    to=[("", to)],
                    subject=subject,
                    body="This is an automated message, please do not reply.\n",
                    kind="automated",
                    message_id=_message_id(rng, "gmail", ""),
                    delivered=True,
                )
            )
    # Gmail's own bounce for Helen's old address, after she left Trey Research.
    at = _t("2021-03-02 18:44:09")
    gm_id = _gm_id(rng, at)
    boundary = f"000000000000{rng.getrandbits(48):012x}"
    raw = (
        f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n\n'
        "** Address not found **\n\nYour message wasn't delivered to "
        "helen.park@treyresearch.net because the address couldn't be found.\n\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; "
        "helen.park@treyresearch.net\nAction: failed\nStatus: 5.1.1\n\n"
        f"--{boundary}--\n"
    )
    box.single(
        Mail(
            gm_id=gm_id,
            thread_id=gm_id,
            labels="Inbox,Opened",
            at=at,
            zone="UTC",
            style="gmail",
            sender=("Mail Delivery Subsystem", "mailer-daemon@googlemail.com"),
            to=[("", ME_GMAIL)],
            subject="Delivery Status Notification (Failure)",
            body="",
            raw_body=raw,
            kind="automated",
            message_id=_message_id(rng, "gmail", ""),
            delivered=True,
            content_type=f'multipart/report; boundary="{boundary}"; report-type=delivery-status',
            extra=[
                ("X-Failed-Recipients", "helen.park@treyresearch.net"),
                ("Auto-Submitted", "auto-replied"),
            ],
        )
    )


def _draft(box: Mailbox) -> None:
    rng = box.rng
    at = _t("2026-10-29 04:12:30")
    gm_id = _gm_id(rng, at)
    box.single(
        Mail(
            gm_id=gm_id,
            thread_id=gm_id,
            labels="Drafts",
            at=at,
            zone="America/Los_Angeles",
            style="gmail",
            sender=(ME_NAME, ME_GMAIL),
            to=[BY_KEY["leo"].mail.addresses[0]],  # type: ignore[union-attr]
            subject="Flat viewing",
            body="Hi Leo,\n\nIs Saturday still ok for the viewing?\n",
            kind="draft",
            message_id=_message_id(rng, "gmail", ""),
        )
    )


def build_mail() -> tuple[bytes, dict, list[Mail]]:
    """The Takeout mbox, its counts for truth.json, and the messages it holds."""
    box = Mailbox(_rng("mail"))
    for person in CAST:
        if person.mail:
            _person_threads(box, person)
    _scripted_threads(box)
    _newsletters(box)
    _automated(box)
    _draft(box)
    mails = box.all()
    for m in mails:
        assert m.at < NOW, (m.subject, m.at)
    # Takeout writes thread by thread, not in date order: keep it so, seeded.
    threads = list(box.threads)
    box.rng.shuffle(threads)
    data = b"".join(render_mail(m) for thread in threads for m in thread)
    kinds = [m.kind for m in mails]
    counts = {
        "messages": len(mails),
        "direct": kinds.count("direct"),
        "mailing_list": kinds.count("mailing_list"),
        "automated": kinds.count("automated"),
        "drafts": kinds.count("draft"),
        "direct_inbound": sum(m.kind == "direct" and m.delivered for m in mails),
        "direct_outbound": sum(m.kind == "direct" and not m.delivered for m in mails),
    }
    return data, counts, mails


# --------------------------------------------------------------------------- truth


def e164(number: str) -> str:
    """The E.164 form of the sample's phone numbers (US when no +country is written)."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        return "+" + digits
    return "+1" + digits[-10:]


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def person_truth(p: Person, mails: list[Mail]) -> dict:
    sources, emails, phones = [], [], []
    url = ""
    if p.linkedin or p.invitation:
        sources.append("linkedin")
        # As the export writes it; vCards may hold other spellings of the same profile.
        url = (p.linkedin or p.invitation).url  # type: ignore[union-attr]
        if p.linkedin and p.linkedin.email:
            emails.append(p.linkedin.email)
    for card in (p.iphone, p.android):
        if card:
            emails += [a for _, a in card.emails]
            phones += [e164(n) for _, n in card.tels]
    if p.iphone or p.android:
        sources.append("vcard")
    last_email = None
    if p.mail:
        mine = {a for _, a in p.mail.addresses}
        with_them = [
            m
            for m in mails
            if m.kind == "direct" and mine & {a for _, a in [m.sender, *m.to, *m.cc]}
        ]
        assert with_them, p.key
        sources.append("mail")
        emails += [a for m in with_them for _, a in [m.sender, *m.to, *m.cc] if a in mine]
        last_email = _iso(max(m.at for m in with_them))
    return {
        "key": p.key,
        "name": p.name,
        "sources": sources,
        "emails": sorted({e.lower() for e in emails}),
        "phones": sorted(set(phones)),
        "linkedin_url": url,
        "last_email_at": last_email,
    }


def build_truth(li_counts: dict, vcard_counts: dict, mail_counts: dict, mails: list[Mail]) -> dict:
    bill_mails = [
        m
        for m in mails
        if m.kind == "direct" and any(a == "bsmith@acme.com" for _, a in [m.sender, *m.to, *m.cc])
    ]
    newest = max(bill_mails, key=lambda m: m.at)
    assert newest.at == BILL_LAST_CONTACT
    contacts = [person_truth(p, mails) for p in CAST]
    return {
        "now": _iso(NOW),
        "me": {"name": ME_NAME, "emails": [ME_GMAIL, ME_WORK], "linkedin_url": ME_LINKEDIN},
        "people": len(CAST),
        "all_three_sources": {
            "name": "William Smith",
            "names_seen": {
                "linkedin": "William Smith",
                "vcard": "Bill Smith",
                "mail": "Smith, William",
            },
            "email": "bsmith@acme.com",
            "linkedin_url": "https://www.linkedin.com/in/william-smith-4a1b2c",
            "last_contact_at": _iso(BILL_LAST_CONTACT),
            "last_contact_channel": "email",
            "last_contact_direction": "inbound",
            "last_contact_message_id": newest.message_id,
            "last_contact_date_header": rfc2822(newest.at, newest.zone),
        },
        "namesakes": [
            {
                "name": "John Smith",
                "linkedin_url": "https://www.linkedin.com/in/john-smith-8812b7",
                "company": "Globex Corporation",
            },
            {"name": "John Smith", "email": "jsmith@litwareinc.com", "company": "Litware"},
        ],
        "phone_only": {
            "name": "Dan Okafor",
            "phone": "+14155550134",
            "written": ["(415) 555-0134", "+1 415-555-0134"],
        },
        "linkedin": li_counts,
        "vcard": vcard_counts,
        "mail": mail_counts,
        "contacts": contacts,
    }


# ------------------------------------------------------------- job change, meetings, log

OLD_ZIP_NAME = "Basic_LinkedInDataExport_03-02-2025.zip"
OLD_EXPORT_DAY = date(2025, 3, 2)
# Where two connections worked when Alex exported in March 2025 (the current export
# has them at Adventure Works, and Kenji promoted): the demo's job changes.
OLD_JOBS = {
    "elena-petrova-5d1": ("Contoso Ltd", "Director of Engineering"),
    "kenji-watanabe-2b9d4e": ("Fourth Coffee", "ML Engineer"),
    # A cosmetic variant, not a change.
    "noah-fischer-b3": ("LITWARE INCORPORATED", "Solutions Architect"),
}


def build_old_linkedin() -> dict[str, bytes]:
    """The export of 2025-03-02: Connections.csv as it stood then, and the profile files."""
    rows = []
    for p in CAST:
        c = p.linkedin
        if not c or c.connected > OLD_EXPORT_DAY:
            continue
        company, position = OLD_JOBS.get(
            c.url.rstrip("/").rsplit("/", 1)[-1], (c.company, c.position)
        )
        rows.append(
            [c.first, c.last, c.url, c.email, company, position, _li_connected_on(c.connected)]
        )
    rows.sort(key=lambda r: (datetime.strptime(r[6], "%d %b %Y"), r[2]), reverse=True)
    text = _connections_csv(rows)
    current, _ = build_linkedin(_rng("linkedin"))
    return {
        "Connections.csv": text.encode("utf-8"),
        "Profile.csv": current["Profile.csv"],
        "Email Addresses.csv": current["Email Addresses.csv"],
    }


def _ics_event(uid: str, start: str, end: str, summary: str, *lines: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        "DTSTAMP:20261101T000000Z",
        f"UID:{uid}@google.com",
        *lines,
        "SEQUENCE:0",
        f"SUMMARY:{summary}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def _attendee(name: str | None, address: str | None, partstat: str = "ACCEPTED") -> str:
    cn = f";CN={name}" if name else ""
    value = f"mailto:{address}" if address else (name or "")
    return (
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat}{cn}"
        f";X-NUM-GUESTS=0:{value}"
    )


def build_calendar() -> bytes:
    """Alex's Google Calendar (Takeout .ics): meetings the demo counts, and ones it must not."""
    me = _attendee(ME_NAME, ME_GMAIL)
    org_me = f"ORGANIZER;CN={ME_NAME}:mailto:{ME_GMAIL}"
    crowd = [_attendee(f"Colleague {k}", f"colleague{k}@northwind.io") for k in range(1, 13)]
    events = [
        # A coffee with Priya three days ago, not followed up: the demo's follow-up.
        *_ics_event(
            "coffee-priya-20261029",
            "20261029T160000Z",
            "20261029T170000Z",
            "Coffee with Priya",
            org_me,
            me,
            _attendee("Priya Raman", "priya@contoso.com"),
            "LOCATION:Blue Bottle Coffee\\, Market St",
        ),
        # A fortnightly partnership sync Bill organises: a recurring series, one
        # occurrence excluded and one cancelled.
        *_ics_event(
            "sync-bill",
            "20260803T150000Z",
            "20260803T153000Z",
            "Partnership sync",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "EXDATE:20260831T150000Z",
            "ORGANIZER;CN=Bill Smith:mailto:bsmith@acme.com",
            _attendee("Bill Smith", "bsmith@acme.com"),
            me,
        ),
        *_ics_event(
            "sync-bill",
            "20260914T150000Z",
            "20260914T153000Z",
            "Partnership sync",
            "RECURRENCE-ID:20260914T150000Z",
            "STATUS:CANCELLED",
            "ORGANIZER;CN=Bill Smith:mailto:bsmith@acme.com",
        ),
        # Hannah is in the invitation by name only: matched to the one Hannah Wright.
        *_ics_event(
            "portfolio-hannah",
            "20260915T120000Z",
            "20260915T130000Z",
            "Portfolio review",
            org_me,
            me,
            _attendee("Hannah Wright", None),
        ),
        # Not contact: an all-hands (too many people), a lunch cancelled, a pitch declined.
        *_ics_event(
            "all-hands-q3",
            "20261002T170000Z",
            "20261002T180000Z",
            "Northwind all-hands",
            "ORGANIZER;CN=CEO:mailto:ceo@northwind.io",
            me,
            *crowd,
        ),
        *_ics_event(
            "lunch-sofia",
            "20261008T113000Z",
            "20261008T123000Z",
            "Lunch with Sofia",
            "STATUS:CANCELLED",
            org_me,
            me,
            _attendee("Sofia Rossi", "sofia.rossi@fabrikam.com"),
        ),
        *_ics_event(
            "vendor-pitch",
            "20261012T090000Z",
            "20261012T093000Z",
            "Vendor pitch",
            "ORGANIZER;CN=Sales:mailto:sales@vendor.example",
            _attendee(ME_NAME, ME_GMAIL, "DECLINED"),
        ),
        # A dentist appointment: no one else there.
        *_ics_event("dentist", "20261020T080000Z", "20261020T090000Z", "Dentist"),
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ME_GMAIL}",
        "X-WR-TIMEZONE:Europe/London",
        *events,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def build_journal() -> bytes:
    """Alex's personal log, as `ties log` writes it (and a hand-written comment)."""
    rows = [
        ["date", "kind", "with", "address", "note"],
        [
            "2026-09-02",
            "call",
            "Kenji Watanabe",
            "kenji.watanabe@fourthcoffee.com",
            "Catch-up call about the platform team",
        ],
        ["# written by hand: lines starting with # are comments", "", "", "", ""],
        [
            "2026-10-27",
            "in_person",
            "Emma Larsen",
            "emma.larsen@adatum.com",
            "Lunch at Aamanns, Copenhagen",
        ],
    ]
    return _csv_text(rows, final_newline=True).encode("utf-8")


# --------------------------------------------------------------------------- main


def generate(out: Path) -> list[Path]:
    """Write every sample file and truth.json under ``out``; return the paths written."""
    li_files, li_counts = build_linkedin(_rng("linkedin"))
    vcf_files, vcard_counts = build_vcards()
    mbox, mail_counts, mails = build_mail()
    truth = build_truth(li_counts, vcard_counts, mail_counts, mails)
    outputs = {
        Path("linkedin") / ZIP_NAME: zip_bytes(li_files),
        **{Path("vcard") / name: data for name, data in vcf_files.items()},
        Path("mail") / "takeout.mbox": mbox,
        Path("linkedin-2025") / OLD_ZIP_NAME: zip_bytes(build_old_linkedin()),
        Path("calendar") / "alex_calendar.ics": build_calendar(),
        Path("journal") / "journal.csv": build_journal(),
        Path("truth.json"): (json.dumps(truth, indent=2, ensure_ascii=False) + "\n").encode(),
    }
    written = []
    for rel, data in outputs.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write into (default: the examples/ folder)",
    )
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"{path.stat().st_size:>8}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
