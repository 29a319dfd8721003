"""Labelled messy contacts for the entity-resolution benchmarks: records, truth and files.

``generate(n_people, seed)`` gives source records in the shape connectors return plus the
person behind each record; ``generate_files`` writes the same population as a LinkedIn
Connections.csv, a .vcf phone book and an mbox, for runs through the real connectors.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formataddr
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from random import Random
from urllib.parse import quote

import pandas as pd

from connectors.base import frame_from_rows, stable_id
from warehouse import schema

ME = "me@example.com"
SOURCE_FILES = {"linkedin": "Connections.csv", "vcard": "contacts.vcf", "mail": "mail.mbox"}
SHARED_PREFIX = "shared:"  # truth id of a mailbox that is not one person (info@, a family's)

# How a person shows up. Tuned so a population looks like a real network: most people
# are LinkedIn connections, a third are in the phone book, about half write e-mail.
P_LINKEDIN = 0.68
P_VCARD = 0.33
P_SECOND_CARD = 0.08  # the same person twice in the phone book (iCloud + Google sync)
P_MAIL_WORK = 0.40
P_MAIL_PERSONAL = 0.35
P_MAIL_OLD_WORK = 0.25
# A second or third address of a person mostly writes under the first one's display
# name (one mail client, or the same habit): personal and work mail look alike.
P_SAME_DISPLAY_NAME = 0.7
P_EMPLOYED = 0.88
P_PERSONAL_EMAIL = 0.65
P_JOB_CHANGE = 0.15  # the phone book still has the previous employer
P_MOBILE = 0.8
P_LINKEDIN_EMAIL = 0.07
# Hard negatives.
P_NAMESAKE = 0.03  # copies an earlier person's name, at another company
# A name this common (share of given x family name in its culture: one person in ten
# has a name at least this common) is copied whenever drawn; rarer ones proportionally less.
NAMESAKE_SHARE = 2e-3
P_SIMILAR_COLLEAGUE = 0.012  # Jon Smith next to John Smith at the same company
P_HOUSEHOLD = 0.03  # two relatives: family name, landline and maybe a family mailbox
P_ROLE_ADDRESS = 0.15  # per company with two or more people in the phone book
# Share of family names drawn from the common list (Zipf); the rest from a long tail.
P_COMMON_FAMILY = 0.5
# Birthdays and postal addresses appear on phone-book cards only. They are drawn from
# a random stream of their own (seeded by person and card), so adding them left every
# other generated value as it was.
P_CARD_BIRTHDAY = 0.25
P_BIRTHDAY_NO_YEAR = 0.3  # Apple's --MMDD: the year left out
P_CARD_ADDRESS = 0.2
P_ZIP_PLUS_FOUR = 0.15

NOW = datetime(2026, 11, 1, tzinfo=UTC)
EPOCH = datetime(2009, 1, 1, tzinfo=UTC)

# ------------------------------------------------------------------------------- names
# Lists are in rough order of frequency; weights fall off as 1/(rank + offset).


@dataclass(frozen=True)
class _Culture:
    name: str
    weight: float
    given: tuple[str, ...]
    family: tuple[str, ...]
    tail_stems: tuple[str, ...]
    tail_ends: tuple[str, ...]
    countries: tuple[tuple[str, float], ...]
    family_first: bool = False  # often written family name first (Zhang Wei)
    providers: tuple[str, ...] = ()


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


CULTURES: tuple[_Culture, ...] = (
    _Culture(
        "anglo",
        0.36,
        _words(
            "James John Robert Michael William David Richard Joseph Thomas Charles "
            "Christopher Daniel Matthew Anthony Mark Steven Paul Andrew Joshua Kevin Brian "
            "George Edward Jonathan Nicholas Benjamin Samuel Alexander Patrick Peter Eric "
            "Stephen Jeffrey Scott Gregory Timothy Ryan Jacob Philip Mary Patricia Jennifer "
            "Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret Sandra "
            "Ashley Kimberly Emily Donna Michelle Katherine Catherine Rebecca Laura Amanda "
            "Melissa Deborah Stephanie Rachel Victoria Emma Olivia Hannah Grace Anne Sara "
            "Christina Alan Jon"
        ),
        _words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas "
            "Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker "
            "Young Allen King Wright Scott Hill Green Adams Baker Hall Nelson Carter "
            "Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart "
            "Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard "
            "Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Myers "
            "Long Ross Foster O'Brien O'Neill MacDonald"
        ),
        _words(
            "Ash Brad Black Whit Fair Hart Stan Wood Al Bur Craw Dun Ed Fen Gold Hal Kings "
            "Lang Mar Nor Pem Rad Shel Thorn Wal Wes"
        ),
        _words("ford ley ton well wood field by ham worth more ridge stone wick combe"),
        (("US", 0.85), ("GB", 0.15)),
    ),
    _Culture(
        "hispanic",
        0.14,
        _words(
            "José María Juan Carlos Luis Jorge Miguel Javier Alejandro Francisco Antonio "
            "Manuel Pedro Diego Fernando Ricardo Eduardo Andrés Sofía Ana Lucía Carmen "
            "Isabel Laura Marta Valentina Camila Gabriela Daniela Elena Paula Mónica "
            "Guillermo Raúl Sergio Ramón Inés Beatriz Pilar"
        ),
        _words(
            "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres "
            "Flores Rivera Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz "
            "Álvarez Mendoza Castillo Jiménez Moreno Romero Herrera Medina Aguilar Vargas "
            "Castro Núñez Muñoz Rojas Ibáñez Peña Suárez Domínguez"
        ),
        _words("Bar Cal Cor Es Gal Lar Mon Nav Pal Sal Val Vel Zam Ar Bel Cab Car Ech"),
        _words("rera darín reño cedo laña ares illo arte uela era"),
        (("US", 0.6), ("ES", 0.2), ("MX", 0.2)),
    ),
    _Culture(
        "chinese",
        0.10,
        _words(
            "Wei Jing Li Min Yan Jun Hui Ying Lei Fang Xin Yu Hao Jie Ming Lin Tao Qiang "
            "Xiaoming Zhiwei Jian Hong Ping Bo Kai Yi Na Lu"
        ),
        _words(
            "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao "
            "Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"
        ),
        (),
        (),
        (("US", 0.6), ("CN", 0.4)),
        family_first=True,
        providers=("qq.com", "163.com"),
    ),
    _Culture(
        "indian",
        0.11,
        _words(
            "Rahul Amit Priya Anjali Vikram Raj Rajesh Suresh Ramesh Sanjay Arjun Aditya "
            "Rohan Neha Pooja Sneha Kavya Deepak Anil Sunil Vijay Ravi Arun Karthik "
            "Srinivas Venkatesh Lakshmi Divya Meera Nisha Ananya Ishaan"
        ),
        _words(
            "Patel Sharma Singh Kumar Gupta Shah Reddy Rao Iyer Nair Mehta Joshi Agarwal "
            "Verma Mishra Desai Menon Pillai Chopra Kapoor Malhotra Bose Das Banerjee "
            "Chatterjee Mukherjee Krishnan Subramanian Venkataraman Naidu"
        ),
        _words("Ven Kri Sri Ra Bha Cha Go Ma Pa Su Na Ja Ka Vi"),
        _words("kataraman shnan vastava dwaj ndran thur lani swamy murthy raju"),
        (("US", 0.55), ("IN", 0.45)),
        providers=("rediffmail.com",),
    ),
    _Culture(
        "german",
        0.05,
        _words(
            "Thomas Michael Stefan Andreas Jürgen Klaus Wolfgang Uwe Dieter Jörg Matthias "
            "Markus Tobias Lukas Jan Katrin Sabine Ute Birgit Anja Claudia Julia Lena Jana "
            "Günter"
        ),
        _words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
            "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun "
            "Krüger Hofmann Hartmann Lange Werner Krause Köhler Vogel Jäger"
        ),
        _words("Ober Unter Stein Wald Berg Hoch Eisen Lind Rosen Sonn Kirch Alt Neu Gross"),
        _words("mann hauser bach huber meier feld müller berger dorf"),
        (("US", 0.3), ("DE", 0.7)),
        providers=("web.de", "gmx.de"),
    ),
    _Culture(
        "french",
        0.05,
        _words(
            "Jean Pierre Michel Philippe Nicolas François Laurent Julien Sébastien Stéphane "
            "Olivier Christophe Thierry Hélène Isabelle Nathalie Sophie Céline Camille Chloé "
            "Élodie Amélie Léa Manon Aurélie Frédéric Jérôme Cécile"
        ),
        _words(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
            "Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard "
            "André Lefebvre Mercier Dupont Lambert Bonnet François"
        ),
        _words("Beau Bel Char Chev Du Fon Gau Lam Mar Mont Per Roche Val Ver"),
        _words("champ lier ret vert mont court fort rand bert ville"),
        (("US", 0.3), ("FR", 0.7)),
        providers=("orange.fr", "free.fr"),
    ),
    _Culture(
        "italian",
        0.04,
        _words(
            "Giuseppe Giovanni Antonio Mario Luigi Francesco Alessandro Marco Andrea Matteo "
            "Lorenzo Luca Paolo Giulia Francesca Chiara Sara Martina Alessia Federica "
            "Valentina Elisa Silvia"
        ),
        _words(
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
            "Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti"
        ),
        _words("Bel Cal Cap Fer Gal Mar Mon Pal Ros San Ser Tor Val Ven"),
        _words("lini etti ucci ardi ani elli otti oni ari"),
        (("US", 0.3), ("IT", 0.7)),
        providers=("libero.it",),
    ),
    _Culture(
        "nordic",
        0.03,
        _words(
            "Lars Anders Erik Nils Björn Søren Mikkel Henrik Magnus Johan Karin Ingrid Astrid "
            "Åsa Sigrid Freja Maja Linnea Elin Kristin"
        ),
        _words(
            "Johansson Andersson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
            "Gustafsson Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen "
            "Rasmussen Jørgensen Berg Haugen Lindqvist Åberg"
        ),
        _words("Lind Berg Sand Holm Dahl Ek Fors Hed Sjö Ström Lund Björk"),
        _words("qvist gren ström berg man holm lund blad"),
        (("US", 0.3), ("SE", 0.7)),
    ),
    _Culture(
        "japanese",
        0.03,
        _words(
            "Hiroshi Takashi Kenji Yuki Haruto Sota Daiki Ryota Shota Kenta Akira Yui Yuna "
            "Sakura Hina Aoi Haruka Misaki Naoko Keiko Yoko Tomoko"
        ),
        _words(
            "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
            "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Saito"
        ),
        _words("Naka Yama Taka Ishi Hashi Fuji Mori Matsu Kawa Ike Oka Hira Sugi Kita Nishi"),
        _words("da moto mura kawa no yama shita uchi hara saki zawa gawa"),
        (("US", 0.4), ("JP", 0.6)),
        family_first=True,
    ),
    _Culture(
        "korean",
        0.02,
        _words(
            "Min-jun Seo-yeon Ji-hoon Ji-woo Hyun-woo Soo-jin Jae-won Eun-ji Dong-hyun "
            "Ye-jin Sung-min Hye-jin"
        ),
        _words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Shin"),
        (),
        (),
        (("US", 0.4), ("KR", 0.6)),
        family_first=True,
        providers=("naver.com",),
    ),
    _Culture(
        "west_african",
        0.03,
        _words(
            "Chinedu Oluwaseun Adebayo Emeka Ngozi Chioma Kwame Kofi Ama Abena Yaw Tunde "
            "Funmilayo Ifeoma Obinna Aisha Ibrahim Fatima"
        ),
        _words(
            "Okafor Adeyemi Okeke Mensah Owusu Boateng Adebayo Eze Nwosu Bello Abubakar "
            "Okonkwo Asante Osei Oyelaran Danjuma"
        ),
        _words("Ade Olu Oke Nwa Chi Ola Oba Ako Efe Ugo"),
        _words("wale yemi kunle chukwu nna femi sola dele"),
        (("US", 0.4), ("NG", 0.4), ("GH", 0.2)),
    ),
    _Culture(
        "arabic",
        0.03,
        _words(
            "Mohammed Mohammad Ahmed Ali Omar Youssef Khalid Hassan Hussein Abdullah Fatima "
            "Aisha Mariam Layla Noor Zainab Sara Rania Karim Tariq"
        ),
        _words(
            "Al-Sayed Haddad Khoury Nasser Hamdan Saleh Mansour Abdullah Farouk Ibrahim Aziz "
            "Rahman Hussain Khan Qureshi El-Amin Bakr Darwish"
        ),
        _words("Al-Ha Al-Mu Al-Za Al-Ka El-Sa Abu-Ra Bin-Sa"),
        _words("shimi rabi hiri dawi bari nouri"),
        (("US", 0.4), ("AE", 0.6)),
    ),
    _Culture(
        "slavic",
        0.03,
        _words(
            "Aleksandr Dmitri Sergei Andrei Ivan Mikhail Nikolai Olga Natalia Elena Anna "
            "Tatiana Irina Ekaterina Piotr Tomasz Łukasz Paweł Katarzyna Agnieszka "
            "Małgorzata Jakub"
        ),
        _words(
            "Ivanov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Petrov "
            "Volkov Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski "
            "Zieliński Szymański"
        ),
        _words("Bor Dub Grab Jar Kras Lis Mal Nov Pol Sob Vol Zar"),
        _words("owski enko ovich ewicz insky atov ski"),
        (("US", 0.4), ("PL", 0.6)),
        providers=("yandex.ru", "wp.pl"),
    ),
)

NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy", "Liam"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Cat", "Kate"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betsy"),
    "Michael": ("Mike", "Mikey"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Richard": ("Rick", "Rich", "Dick"),
    "Thomas": ("Tom", "Tommy"),
    "Joseph": ("Joe", "Joey"),
    "Charles": ("Charlie", "Chuck"),
    "Christopher": ("Chris", "Topher"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Stephen": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Jonathan": ("Jon", "Jonny"),
    "Nicholas": ("Nick", "Nicky"),
    "Benjamin": ("Ben", "Benny"),
    "Samuel": ("Sam", "Sammy"),
    "Alexander": ("Alex", "Sasha", "Xander"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Patrick": ("Pat", "Paddy"),
    "Peter": ("Pete",),
    "Gregory": ("Greg",),
    "Timothy": ("Tim", "Timmy"),
    "Jeffrey": ("Jeff",),
    "Philip": ("Phil",),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Jennifer": ("Jen", "Jenny"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"),
    "Victoria": ("Vicky", "Tori"),
    "Kimberly": ("Kim",),
    "Christina": ("Chris", "Tina"),
    "Stephanie": ("Steph",),
    "Amanda": ("Mandy",),
    "Barbara": ("Barb",),
    "Francisco": ("Paco", "Pancho"),
    "José": ("Pepe",),
    "Alejandro": ("Alex",),
    "Guillermo": ("Memo",),
    "Giuseppe": ("Beppe", "Pino"),
    "Aleksandr": ("Sasha",),
    "Dmitri": ("Dima",),
    "Ekaterina": ("Katya",),
    "Mohammed": ("Mo",),
    "Rajesh": ("Raj",),
    "Venkatesh": ("Venky",),
    "Srinivas": ("Srini",),
    "Oluwaseun": ("Seun",),
    "Funmilayo": ("Funmi",),
    "Chinedu": ("Chi",),
}

# Two colleagues whose given names differ by a letter or two (Jon/John Smith at Acme).
SIMILAR_GIVEN: dict[str, str] = {
    "John": "Jon",
    "Jon": "John",
    "Katherine": "Catherine",
    "Catherine": "Katherine",
    "Steven": "Stephen",
    "Stephen": "Steven",
    "Sara": "Sarah",
    "Sarah": "Sara",
    "Eric": "Erik",
    "Erik": "Eric",
    "Mohammed": "Mohammad",
    "Mohammad": "Mohammed",
    "Anne": "Ann",
    "Philip": "Phillip",
    "Brian": "Bryan",
    "Alan": "Allan",
    "Mark": "Marc",
    "Michelle": "Michele",
    "Christina": "Kristina",
    "Nathalie": "Natalie",
    "Jan": "Jana",
    "Yan": "Yang",
    "Lena": "Lina",
}

CREDENTIALS = (
    ", PhD",
    " PhD",
    ", MBA",
    " MBA",
    ", CPA",
    ", PMP",
    " Ph.D.",
    ", MD",
    ", CFA",
    ", MSc",
    ", PE",
    ", Esq.",
    ", PMP®",
    ", CISSP",
    ", P.Eng.",
    ", CPA, CFA",
    ", RN",
)
PRONOUNS = (" (she/her)", " (he/him)", " (they/them)")
TITLES = _words(
    "Engineer Senior_Engineer Staff_Engineer Engineering_Manager Director_of_Engineering "
    "VP_Engineering CTO Data_Scientist Data_Engineer Analyst Product_Manager "
    "Senior_Product_Manager Designer UX_Researcher Account_Executive Sales_Director "
    "Recruiter Talent_Partner Founder Co-Founder CEO COO CFO Consultant Partner "
    "Marketing_Manager Head_of_Marketing Operations_Manager Solutions_Architect Professor "
    "Attorney Physician Nurse Teacher Researcher"
)
ROLE_LOCALS = ("info", "team", "hello", "office", "contact", "sales", "admin")

COMPANY_WORDS = _words(
    "Acme Globex Initech Umbrella Contoso Fabrikam Northwind Tailspin Litware Proseware "
    "Adatum Woodgrove Wingtip Relecloud Lamna Coho Trey Alpine Cedar Maple Granite Summit "
    "Harbor River Falcon Orion Nova Apex Vertex Quantum Helix Atlas Beacon Bright Cobalt "
    "Crescent Delta Echo Ember Evergreen Frontier Horizon Iron Juniper Keystone Lumen "
    "Meridian Nimbus Oak Pioneer Polaris Redwood Sable Silver Solstice Sterling Stone Terra "
    "Titan Union Vanguard Willow Zenith Aurora Bluebird Canyon Copper Cypress Dune Everest "
    "Fjord Glacier Hawthorn Indigo Jade Kestrel Lighthouse Magnolia Mosaic Nautilus Onyx "
    "Pinnacle Quarry Raven Sequoia Tundra Umber Velvet Wren Yarrow Zephyr Anchor Bison "
    "Cardinal Dogwood Elm Foxglove Garnet Heron Ivy Jasper Kite Lotus Marble Nectar Opal "
    "Pebble Quill Ridge Saffron Thistle Upland Vista Walnut Birch Comet Drift Ferris"
)
COMPANY_SECTORS = _words(
    "Systems Labs Analytics Health Partners Group Capital Logistics Robotics Foods Energy "
    "Software Networks Media Consulting Bank Insurance Biotech Pharma Motors Retail Studios "
    "Security Cloud Data Financial Learning Ventures Manufacturing Airlines Hotels Telecom "
    "Semiconductors Therapeutics Realty Design Games Mobility Materials Advisors"
)
LEGAL_FORMS = (
    ("Inc", 0.25),
    ("Corp", 0.10),
    ("Corporation", 0.05),
    ("LLC", 0.15),
    ("Ltd", 0.10),
    ("Limited", 0.03),
    ("GmbH", 0.07),
    ("SA", 0.04),
    ("PLC", 0.03),
    ("AG", 0.03),
    ("Co.", 0.03),
    ("LLP", 0.02),
    ("BV", 0.02),
    ("", 0.08),
)
# How a company's mail domain is made from its name (``_World._domain``): shares.
DOMAIN_FORMS = {
    "whole": 0.40,
    "first": 0.25,
    "initials": 0.10,
    "truncated": 0.10,
    "suffixed": 0.10,
    "hyphenated": 0.05,
}
FOUNDER_FORMS = ("and Sons", "& Sons", "& Partners", "& Co", "Brothers", "and Associates")
TLDS = (
    (".com", 0.75),
    (".io", 0.08),
    (".co", 0.04),
    (".de", 0.04),
    (".co.uk", 0.05),
    (".net", 0.04),
)
PROVIDERS = (
    ("gmail.com", 0.55),
    ("yahoo.com", 0.12),
    ("outlook.com", 0.10),
    ("hotmail.com", 0.08),
    ("icloud.com", 0.08),
    ("proton.me", 0.03),
    ("", 0.04),  # the culture's own provider
)

# Phone plans: country code, national prefix, national length, trunk "0", groups.
PHONE_PLANS: dict[str, tuple[str, str, int, bool, tuple[int, ...]]] = {
    "GB": ("44", "7", 10, True, (4, 6)),
    "DE": ("49", "15", 11, True, (3, 8)),
    "FR": ("33", "6", 9, True, (1, 2, 2, 2, 2)),
    "IN": ("91", "9", 10, True, (5, 5)),
    "JP": ("81", "90", 10, True, (2, 4, 4)),
    "KR": ("82", "10", 10, True, (2, 4, 4)),
    "NG": ("234", "80", 10, True, (3, 3, 4)),
    "GH": ("233", "24", 9, True, (2, 3, 4)),
    "AE": ("971", "50", 9, True, (2, 3, 4)),
    "SE": ("46", "70", 9, True, (2, 3, 2, 2)),
    "CN": ("86", "13", 11, False, (3, 4, 4)),
    "ES": ("34", "6", 9, False, (3, 3, 3)),
    "MX": ("52", "55", 10, False, (2, 4, 4)),
    "IT": ("39", "34", 10, False, (3, 3, 4)),
    "PL": ("48", "5", 9, False, (3, 3, 3)),
}

# Every variation a record can carry; the quality report counts missed merges by these.
RECORD_TAGS = (
    "nickname",
    "typo",
    "transposed",
    "last_first",
    "initial",
    "lowercase",
    "accent_folded",
    "credentials",
    "pronouns",
    "middle_initial",
    "double_surname",
    "no_name",
    "first_name_only",
    "gmail_variant",
    "url_variant",
    "phone_national",
    "company_variant",
    "company_only",
    "job_change",
    "several_addresses",
    "role_address",
    "family_contact",
    "shared_mailbox",
    "duplicate_card",
    "link:identifier",
    "link:name_company",
    "link:none",
    "link:single",
)
# How two different people can be confused; the quality report counts false merges by these.
RELATIONS = (
    "shared_mailbox",
    "relatives",
    "similar_name_same_company",
    "namesake",
    "same_company_same_family",
    "other",
)

_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d"}
)
_KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}


@lru_cache(maxsize=100_000)
def fold_accents(text: str) -> str:
    """Text as typed on a keyboard without accents: José Núñez -> Jose Nunez."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _german_fold(text: str) -> str:
    return fold_accents(
        text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("Ü", "Ue")
    )


@lru_cache(maxsize=100_000)
def _alnum(text: str) -> str:
    return "".join(c for c in fold_accents(text).lower() if c.isalnum())


@lru_cache(maxsize=100_000)
def name_fold(text: str) -> str:
    """Folded letters only, for the truth's own bookkeeping (never the engine's)."""
    return " ".join(_alnum(w) for w in text.split() if _alnum(w))


def gmail_canonical(address: str) -> str:
    """The mailbox an address reaches: Gmail ignores dots and +tags; others only case."""
    local, _, domain = address.lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        return local.split("+", 1)[0].replace(".", "") + "@gmail.com"
    return f"{local}@{domain}"


class _Picker:
    """Weighted choice with precomputed cumulative weights (rng.choices is slower)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _shares(picker: _Picker) -> dict:
    """Item -> its share of the picks."""
    weights = [b - a for a, b in zip([0.0, *picker.cum[:-1]], picker.cum, strict=True)]
    return {item: w / picker.total for item, w in zip(picker.items, weights, strict=True)}


def _zipf(items, offset: float, s: float = 1.0) -> _Picker:
    return _Picker(items, [1.0 / (rank + offset) ** s for rank in range(1, len(items) + 1)])


# ----------------------------------------------------------------------------- the world


@dataclass
class Company:
    cid: int
    base: str  # "Cedar Analytics"
    legal: str  # "Inc", "" for none
    domain: str  # "cedaranalytics.com"
    display: str  # how its LinkedIn page names it
    email_pattern: str


@dataclass
class Phone:
    country: str
    e164: str

    def written(self, rng: Random) -> tuple[str, bool]:
        """(the number as someone typed it, whether it still says its country)."""
        if self.country == "US":
            a, e, n = self.e164[2:5], self.e164[5:8], self.e164[8:]
            formats = (
                f"({a}) {e}-{n}",
                f"{a}-{e}-{n}",
                f"{a}.{e}.{n}",
                f"{a}{e}{n}",
                f"+1 {a} {e} {n}",
                f"+1 ({a}) {e}-{n}",
                f"1-{a}-{e}-{n}",
                f"+1{a}{e}{n}",
            )
            return formats[int(rng.random() * len(formats))], True
        cc, _, _, trunk, groups = PHONE_PLANS[self.country]
        national = self.e164[1 + len(cc) :]
        parts, i = [], 0
        for g in groups:
            parts.append(national[i : i + g])
            i += g
        grouped = " ".join(parts)
        roll = rng.random()
        if trunk and roll < 0.3:
            return "0" + grouped, False  # read with the US default region, this is wrong
        if roll < 0.65:
            return f"+{cc} {grouped}", True
        return f"+{cc}{national}", True


@dataclass
class Household:
    hid: int
    family: str
    landline: Phone
    family_email: str | None


@dataclass
class Person:
    pid: str
    culture: _Culture
    given: str
    family: str
    family2: str | None  # a second surname (García López)
    company: Company | None
    old_company: Company | None
    title: str
    work_email: str | None = None
    old_work_email: str | None = None
    personal_email: str | None = None
    mobile: Phone | None = None
    household: Household | None = None
    slug: str | None = None
    middle: str | None = None
    birthday: tuple[int, int, int] | None = None
    postcode: str | None = None


@dataclass
class _Rec:
    """A record under construction, with what the truth knows about it."""

    source: str
    source_key: str
    entity: str
    name: str | None = None
    given: str | None = None
    family: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    url: str | None = None
    company: str | None = None
    title: str | None = None
    observed_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    # evidence a fair engine could use: canonical identifiers, companies shown, name usable
    ids: list[str] = field(default_factory=list)
    cids: list[int] = field(default_factory=list)
    name_usable: bool = True
    # mail only: the message that carries it
    sent_at: datetime | None = None
    outbound: bool = False
    written_address: str | None = None
    card: dict | None = None  # vCard only: how to write it
    birthday: str | None = None  # vCard only: ISO, --MM-DD without the year
    postcodes: list[str] = field(default_factory=list)

    def tag(self, t: str) -> None:
        if t not in self.tags:
            self.tags.append(t)


@dataclass
class Population:
    """A generated population: records, the truth, and what makes each record hard.

    Attributes:
        records: schema.RECORDS rows, sorted by record_id.
        truth: record_id -> entity id (a person ``p0000001``, or ``shared:<address>``
            for a mailbox several people use).
        truth_by_key: (source, source_key) -> entity id, for records read from files.
        tags: record_id -> the variations the record carries (RECORD_TAGS).
        tags_by_key: the same keyed by (source, source_key).
        entities: entity id -> facts used to name the relation of two entities.
        similar_pairs: pairs of colleagues with near-identical names (sorted tuples).
        undecidable_pairs: pairs of one person's records that no engine could decide:
            they share no identifier, company, birthday or postcode, and the person's
            name is also another person's. The ceiling: recall can be at most
            1 - undecidable_pairs / true pairs without guessing between namesakes.
    """

    records: pd.DataFrame
    truth: dict[str, str]
    truth_by_key: dict[tuple[str, str], str]
    tags: dict[str, tuple[str, ...]]
    tags_by_key: dict[tuple[str, str], tuple[str, ...]]
    entities: dict[str, dict]
    similar_pairs: set[tuple[str, str]]
    undecidable_pairs: int
    mail_messages: list[dict]
    vcards: list[dict]
    linkedin_rows: list[dict]

    def relation(self, a: str, b: str) -> str:
        """Why entities a and b could be taken for one person (one of RELATIONS)."""
        if a.startswith(SHARED_PREFIX) or b.startswith(SHARED_PREFIX):
            return "shared_mailbox"
        ea, eb = self.entities[a], self.entities[b]
        if ea["household"] is not None and ea["household"] == eb["household"]:
            return "relatives"
        if (min(a, b), max(a, b)) in self.similar_pairs:
            return "similar_name_same_company"
        if ea["name"] == eb["name"]:
            return "namesake"
        if ea["family"] == eb["family"] and set(ea["cids"]) & set(eb["cids"]):
            return "same_company_same_family"
        return "other"


class _World:
    def __init__(self, n_people: int, seed: int):
        self.rng = Random(seed)
        self.seed = seed
        self.n_people = n_people
        self.culture = _Picker(CULTURES, [c.weight for c in CULTURES])
        self.given = {c.name: _zipf(c.given, 2.0) for c in CULTURES}
        self.family = {c.name: _zipf(c.family, 3.0) for c in CULTURES}
        self.given_share = {c: _shares(p) for c, p in self.given.items()}
        self.family_share = {c: _shares(p) for c, p in self.family.items()}
        self.legal = _Picker([f for f, _ in LEGAL_FORMS], [w for _, w in LEGAL_FORMS])
        self.tld = _Picker([t for t, _ in TLDS], [w for _, w in TLDS])
        self.provider = _Picker([p for p, _ in PROVIDERS], [w for _, w in PROVIDERS])
        self.titles = _zipf(TITLES, 3.0, 0.7)
        self.companies = self._companies(max(40, n_people // 7))
        self.company = _zipf(self.companies, 5.0)
        self.used_addresses: set[str] = set()  # canonical mailboxes
        self.used_phones: set[str] = set()
        self.used_slugs: set[str] = set()
        self.used_uids: set[str] = set()
        self.people: list[Person] = []
        self.records: list[_Rec] = []
        self.similar_pairs: set[tuple[str, str]] = set()
        self.households: list[Household] = []
        self.names_at: set[tuple[str, int]] = set()  # (full name, company id)
        # per person: the display name of their first address and the tags it carries
        self.mail_names: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    # -- things --------------------------------------------------------------------
    def _companies(self, n: int) -> list[Company]:
        rng = self.rng
        names: list[str] = list(COMPANY_WORDS[:20])
        seen = set(names)
        founders = CULTURES[0].family + CULTURES[4].family
        while len(names) < n:
            roll = rng.random()
            w = rng.choice(COMPANY_WORDS)
            if roll < 0.5:
                name = f"{w} {rng.choice(COMPANY_SECTORS)}"
            elif roll < 0.62:
                name = f"{w} {rng.choice(COMPANY_WORDS)}"
            elif roll < 0.88:
                name = f"{w} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SECTORS)}"
            else:  # named after a founder: Franklin and Sons, Weber & Partners
                founder = fold_accents(rng.choice(founders)).replace("'", "")
                name = f"{founder} {rng.choice(FOUNDER_FORMS)}"
            if name not in seen:
                seen.add(name)
                names.append(name)
        out = []
        patterns = _Picker(
            ["first.last", "flast", "first", "firstl", "first_last"], [50, 25, 10, 10, 5]
        )
        used: set[str] = set()
        for cid, base in enumerate(names):
            legal = self.legal(rng)
            domain = self._domain(base, used) + self.tld(rng)
            display = f"{base} {legal}" if legal and rng.random() < 0.4 else base
            out.append(Company(cid, base, legal, domain, display, patterns(rng)))
        return out

    def _domain(self, base: str, used: set[str]) -> str:
        """The name a company's mail domain is built on: the whole name run together
        (cedaranalytics), its first word (franklin for Franklin and Sons), its initials
        (cmr for Cedar Maple Robotics), a truncation (cedaran) or the first word with a
        suffix (cedarhq). One domain per company: a taken form falls through to the next.
        """
        rng = self.rng
        words = [_alnum(w) for w in base.split() if _alnum(w) and w not in ("and", "&")]
        whole = "".join(words)
        initials = "".join(w[0] for w in words)
        forms = {
            "whole": whole,
            "first": words[0],
            "initials": initials if len(initials) >= 3 else words[0] + initials[1:],
            "truncated": words[0] + words[1][: rng.randint(2, 4)] if len(words) > 1 else whole,
            "suffixed": words[0] + rng.choice(("hq", "group", "labs", "co")),
            "hyphenated": "-".join(words),
        }
        first = _Picker(list(DOMAIN_FORMS), list(DOMAIN_FORMS.values()))(rng)
        for key in (first, "whole", "hyphenated", "suffixed"):
            if forms[key] not in used:
                used.add(forms[key])
                return forms[key]
        n = 2
        while f"{whole}{n}" in used:
            n += 1
        used.add(f"{whole}{n}")
        return f"{whole}{n}"

    def company_variant(self, c: Company) -> str:
        """How someone writes the company: legal form or not, punctuation, case."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            return c.display
        legal = c.legal or "Inc"
        options = (
            c.base,
            f"{c.base} {legal}",
            f"{c.base}, {legal}",
            f"{c.base} {legal}." if not legal.endswith(".") else f"{c.base} {legal}",
            c.base.upper(),
            f"{c.base} {rng.choice(('Inc', 'Corp', 'LLC', 'Ltd'))}",
            c.base.lower(),
        )
        return options[int(rng.random() * len(options))]

    def phone(self, country: str) -> Phone:
        rng = self.rng
        while True:
            if country == "US":
                e164 = f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            else:
                cc, prefix, length, _, _ = PHONE_PLANS[country]
                digits = length - len(prefix)
                rest = f"{rng.randrange(10**digits):0{digits}d}"
                e164 = f"+{cc}{prefix}{rest}"
            if e164 not in self.used_phones:
                self.used_phones.add(e164)
                return Phone(country, e164)

    def address(self, local: str, domain: str) -> str:
        """A mailbox nobody else has: digits appended until its canonical form is new."""
        local = local.strip("._") or "x"
        candidate, n = f"{local}@{domain}", 1
        while gmail_canonical(candidate) in self.used_addresses:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_addresses.add(gmail_canonical(candidate))
        return candidate

    def uid(self) -> str:
        while True:
            h = f"{self.rng.getrandbits(128):032x}"
            uid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}".upper()
            if uid not in self.used_uids:
                self.used_uids.add(uid)
                return uid

    def when(self, start: datetime = EPOCH, end: datetime = NOW) -> datetime:
        span = (end - start).total_seconds()
        return start + timedelta(seconds=int(self.rng.random() * span))

    # -- people ----------------------------------------------------------------------
    def make_people(self) -> None:
        rng = self.rng
        similar_candidates: list[int] = []
        paired: set[str] = set()  # people who already have a near-namesake colleague
        pending_relative: Person | None = None
        for i in range(self.n_people):
            pid = f"p{i:07d}"
            if pending_relative is not None:
                p = self._relative_of(pending_relative, pid)
                pending_relative = None
            else:
                roll = rng.random()
                if roll < P_NAMESAKE and (q := self._common_name_holder()) is not None:
                    p = self._namesake_of(q, pid)
                elif (
                    roll < P_NAMESAKE + P_SIMILAR_COLLEAGUE
                    and similar_candidates
                    and (q := self._similar_partner(similar_candidates)) is not None
                ):
                    p = self._fresh(pid, culture=q.culture, company=q.company)
                    p.given, p.family, p.family2 = SIMILAR_GIVEN[q.given], q.family, None
                    self.similar_pairs.add((q.pid, pid))
                    paired.update((q.pid, pid))
                else:
                    p = self._fresh(pid)
                    if rng.random() < P_HOUSEHOLD:
                        p.household = Household(
                            len(self.households), p.family, self.phone("US"), self._family_email(p)
                        )
                        self.households.append(p.household)
                        pending_relative = p
            self._one_name_per_company(p)
            self._identifiers(p)
            if p.given in SIMILAR_GIVEN and p.company is not None and pid not in paired:
                similar_candidates.append(i)
            self.people.append(p)

    def _similar_partner(self, candidates: list[int]) -> Person | None:
        """An earlier person whose near-namesake (Jon for John) can join their company."""
        pick = int(self.rng.random() * len(candidates))
        q = self.people[candidates[pick]]
        candidates[pick] = candidates[-1]
        candidates.pop()
        if (name_fold(f"{SIMILAR_GIVEN[q.given]} {q.family}"), q.company.cid) in self.names_at:
            return None
        return q

    def _one_name_per_company(self, p: Person) -> None:
        """No two people with one full name at one company (current or previous).

        Nobody could tell such namesakes apart from a card that only says "John Smith,
        Acme": the benchmark's namesakes work at different companies.
        """
        key = name_fold(f"{p.given} {p.family}")
        for attr in ("company", "old_company"):
            company = getattr(p, attr)
            for _ in range(20):
                if company is None or (key, company.cid) not in self.names_at:
                    break
                company = self.company(self.rng)
            else:
                company = None
            setattr(p, attr, company)
        if p.old_company is not None and (p.company is None or p.old_company.cid == p.company.cid):
            p.old_company = None
        for company in (p.company, p.old_company):
            if company is not None:
                self.names_at.add((key, company.cid))

    def _fresh(self, pid: str, culture: _Culture | None = None, company=None) -> Person:
        rng = self.rng
        c = culture or self.culture(rng)
        if rng.random() < 0.1:  # a mixed-culture name
            c2 = self.culture(rng)
            given = self.given[c2.name](rng)
        else:
            given = self.given[c.name](rng)
        family = self._family_name(c)
        family2 = None
        if c.name == "hispanic" and rng.random() < 0.3:
            family2 = self._family_name(c)
        if company is None and rng.random() < P_EMPLOYED:
            company = self.company(rng)
        old = None
        if company is not None and rng.random() < P_JOB_CHANGE:
            old = self.company(rng)
            if old is company:
                old = None
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.2 else None
        return Person(pid, c, given, family, family2, company, old, self.titles(rng), middle=middle)

    def _family_name(self, c: _Culture) -> str:
        rng = self.rng
        if not c.tail_stems or rng.random() < P_COMMON_FAMILY:
            return self.family[c.name](rng)
        return rng.choice(c.tail_stems) + rng.choice(c.tail_ends)

    def name_share(self, p: Person) -> float:
        """How common the person's name is: the share of their culture's people drawn
        with that given name, times the share with that family name."""
        c = p.culture.name
        given = self.given_share[c].get(p.given, 0.0)
        if p.family in self.family_share[c]:
            family = self.family_share[c][p.family] * (
                P_COMMON_FAMILY if p.culture.tail_stems else 1.0
            )
        else:  # a family name from the long tail
            tail = len(p.culture.tail_stems) * len(p.culture.tail_ends)
            family = (1 - P_COMMON_FAMILY) / max(tail, 1)
        return given * family

    def _common_name_holder(self) -> Person | None:
        """An earlier person whose name a newcomer shares, drawn so that the chance of a
        namesake grows with how common the name is: John Smith has several, a rare name
        next to none (accepted with probability share / NAMESAKE_SHARE, capped at 1)."""
        if not self.people:
            return None
        for _ in range(50):
            q = self.people[int(self.rng.random() * len(self.people))]
            if self.rng.random() < self.name_share(q) / NAMESAKE_SHARE:
                return q
        return None

    def _namesake_of(self, q: Person, pid: str) -> Person:
        p = self._fresh(pid, culture=q.culture)
        p.given, p.family, p.family2 = q.given, q.family, q.family2
        while p.company is not None and q.company is not None and p.company.cid == q.company.cid:
            p.company = self.company(self.rng)
        return p

    def _relative_of(self, q: Person, pid: str) -> Person:
        p = self._fresh(pid, culture=q.culture)
        p.family, p.family2 = q.family, q.family2
        while p.given == q.given:
            p.given = self.given[q.culture.name](self.rng)
        p.household = q.household
        return p

    def _family_email(self, p: Person) -> str | None:
        if self.rng.random() >= 0.5:
            return None
        fam = _alnum(p.family)
        local = self.rng.choice((f"{fam}family", f"the.{fam}s", f"{fam}.home", f"team{fam}"))
        return self.address(local, self.rng.choice(("gmail.com", "yahoo.com", "outlook.com")))

    def _identifiers(self, p: Person) -> None:
        rng = self.rng
        first, last = _alnum(p.given), _alnum(p.family)
        if p.company is not None:
            p.work_email = self.address(
                _local(p.company.email_pattern, first, last), p.company.domain
            )
        if p.old_company is not None:
            p.old_work_email = self.address(
                _local(p.old_company.email_pattern, first, last), p.old_company.domain
            )
        if rng.random() < P_PERSONAL_EMAIL:
            provider = self.provider(rng) or (
                rng.choice(p.culture.providers) if p.culture.providers else "gmail.com"
            )
            pattern = rng.choice(
                ("first.last", "firstlast", "flast", "first_last", "lastfirst", "first.lastNN")
            )
            local = _local(pattern, first, last)
            if "NN" in local:
                local = local.replace("NN", str(rng.randint(60, 99)))
            p.personal_email = self.address(local, provider)
        if rng.random() < P_MOBILE:
            country_picker = _Picker(
                [c for c, _ in p.culture.countries], [w for _, w in p.culture.countries]
            )
            p.mobile = self.phone(country_picker(rng))
        slug_base = f"{first}-{last}" if first and last else (first or last or "member")
        accented = fold_accents(p.given + p.family) != p.given + p.family
        while True:
            roll = rng.random()
            if accented and roll < 0.2:
                slug = (
                    "-".join((p.given + "-" + p.family).lower().replace(" ", "-").split("-"))
                    + f"-{rng.getrandbits(24):06x}"
                )
            elif roll < 0.5:
                slug = f"{slug_base}-{rng.getrandbits(24):06x}"
            elif roll < 0.7:
                slug = slug_base.replace("-", "")
            elif roll < 0.85:
                slug = f"{first[:1]}{last}{rng.randint(1, 99)}"
            else:
                slug = f"{slug_base}-{rng.randint(10, 999)}"
            if slug not in self.used_slugs:
                self.used_slugs.add(slug)
                p.slug = slug
                return

    # -- records -------------------------------------------------------------------
    def make_records(self) -> None:
        rng = self.rng
        for p in self.people:
            recs: list[_Rec] = []
            if rng.random() < P_LINKEDIN:
                recs.append(self._linkedin(p))
            n_cards = 0
            if p.household is not None or rng.random() < P_VCARD:
                n_cards = 2 if rng.random() < P_SECOND_CARD else 1
            for k in range(n_cards):
                recs.append(self._vcard(p, duplicate=k > 0))
            addresses = []
            if p.work_email and rng.random() < P_MAIL_WORK:
                addresses.append((p.work_email, p.company))
            if p.personal_email and rng.random() < P_MAIL_PERSONAL:
                addresses.append((p.personal_email, None))
            if p.old_work_email and rng.random() < P_MAIL_OLD_WORK:
                addresses.append((p.old_work_email, p.old_company))
            for address, company in addresses:
                recs.append(self._mail(p, address, company, several=len(addresses) > 1))
            if not recs:
                recs.append(self._linkedin(p))
            self.records.extend(recs)

    def _person_name_parts(self, p: Person, rec: _Rec, source: str) -> tuple[str, str]:
        """(given, family) as this record shows them, tagging the variation."""
        rng = self.rng
        given, family = p.given, p.family
        if p.family2 and rng.random() < (0.6 if source == "linkedin" else 0.3):
            family = f"{family} {p.family2}"
            rec.tag("double_surname")
        if source != "linkedin" and given in NICKNAMES and rng.random() < 0.35:
            given = rng.choice(NICKNAMES[given])
            rec.tag("nickname")
        if source != "linkedin" and rng.random() < 0.35:
            folded = (
                _german_fold if p.culture.name == "german" and rng.random() < 0.3 else fold_accents
            )
            g2, f2 = folded(given), folded(family)
            if (g2, f2) != (given, family):
                given, family = g2, f2
                rec.tag("accent_folded")
        if rng.random() < (0.05 if source == "mail" else 0.02):
            if rng.random() < 0.5 and len(family) >= 4:
                family = _typo(rng, family)
            elif len(given) >= 4:
                given = _typo(rng, given)
            else:
                family = _typo(rng, family)
            rec.tag("typo")
        return given, family

    def _linkedin(self, p: Person) -> _Rec:
        rng = self.rng
        url = f"https://www.linkedin.com/in/{quote(p.slug, safe='-')}"
        rec = _Rec("linkedin", f"https://www.linkedin.com/in/{p.slug.lower()}", p.pid)
        given, family = self._person_name_parts(p, rec, "linkedin")
        if p.middle and rng.random() < 0.15:
            given = f"{given} {p.middle}."
            rec.tag("middle_initial")
        if p.culture.family_first and rng.random() < 0.05:
            given, family = family, given
            rec.tag("transposed")
        roll = rng.random()
        if roll < 0.10:
            family += rng.choice(CREDENTIALS)
            rec.tag("credentials")
        elif roll < 0.14:
            family += rng.choice(PRONOUNS)
            rec.tag("pronouns")
        rec.given, rec.family = given, family
        rec.name = " ".join(f"{given} {family}".split())
        rec.url = url
        rec.ids.append("u:" + p.slug.lower())
        if p.company is not None:
            rec.company = self.company_variant(p.company)
            rec.cids.append(p.company.cid)
            if rec.company != p.company.display:
                rec.tag("company_variant")
        rec.title = p.title
        rec.observed_at = self.when().replace(hour=0, minute=0, second=0)
        if rng.random() < P_LINKEDIN_EMAIL:
            email = p.personal_email or p.work_email
            if email:
                self._add_email(rec, email, p)
        return rec

    def _vcard(self, p: Person, duplicate: bool) -> _Rec:
        rng = self.rng
        uid = self.uid()
        rec = _Rec("vcard", uid, p.pid)
        if duplicate:
            rec.tag("duplicate_card")
        given, family = self._person_name_parts(p, rec, "vcard")
        if p.culture.family_first and rng.random() < 0.1:
            given, family = family, given
            rec.tag("transposed")
        card = {"uid": uid, "n": (family, given), "emails": [], "tels": []}
        rec.card = card
        roll = rng.random()
        if roll < 0.1:
            fn = f"{family}, {given}"
            rec.tag("last_first")
            if rng.random() < 0.4:  # typed whole into the first-name field
                card["n"] = ("", fn)
        else:
            fn = f"{given} {family}"
        card["fn"] = fn
        rec.name, rec.family, rec.given = fn, card["n"][0] or None, card["n"][1] or None
        company_only = rng.random() < 0.1 and p.company is not None
        stale = p.old_company is not None and rng.random() < 0.7
        company = p.old_company if stale else p.company
        if company is not None and (company_only or rng.random() < 0.65):
            rec.company = self.company_variant(company)
            rec.cids.append(company.cid)
            if rec.company != company.display:
                rec.tag("company_variant")
            if stale:
                rec.tag("job_change")
            if rng.random() < 0.3:
                rec.title = p.title
        if company_only:
            rec.tag("company_only")
        else:
            if p.personal_email and rng.random() < 0.7:
                self._add_email(rec, p.personal_email, p, kind="HOME")
            work = p.old_work_email if stale else p.work_email
            if work and rng.random() < 0.6:
                self._add_email(rec, work, p, kind="WORK")
                if stale:
                    rec.tag("job_change")
            if p.slug and rng.random() < 0.15:
                self._add_url(rec, p)
        if p.mobile and rng.random() < (0.5 if company_only else 0.8):
            self._add_phone(rec, p.mobile, "CELL")
        if p.household is not None:
            if rng.random() < 0.9:
                self._add_phone(rec, p.household.landline, "HOME", shared=True)
                rec.tag("family_contact")
            if p.household.family_email and rng.random() < 0.7:
                rec.emails.append(p.household.family_email)
                card["emails"].append(("HOME", p.household.family_email))
                rec.tag("family_contact")
        self._card_dates_and_address(p, rec)
        rec.observed_at = self.when(datetime(2015, 1, 1, tzinfo=UTC))
        return rec

    def _card_dates_and_address(self, p: Person, rec: _Rec) -> None:
        """A birthday (sometimes without the year) and the home postal code on some cards.

        A person's birthday and postcode are fixed (relatives of one household share the
        postcode); which cards show them is drawn per card. Namesakes have their own.
        """
        if p.birthday is None:
            person = Random(f"{self.seed}:{p.pid}")
            day = datetime(1950, 1, 1) + timedelta(days=person.randrange(365 * 52))
            p.birthday = (day.year, day.month, day.day)
            home = Random(f"{self.seed}:household:{p.household.hid}") if p.household else person
            p.postcode = f"{home.randrange(1000, 99950):05d}"
        card = Random(f"{self.seed}:{rec.source_key}")
        if card.random() < P_CARD_BIRTHDAY:
            y, m, d = p.birthday
            no_year = card.random() < P_BIRTHDAY_NO_YEAR
            rec.birthday = f"--{m:02d}-{d:02d}" if no_year else f"{y:04d}-{m:02d}-{d:02d}"
        if card.random() < P_CARD_ADDRESS:
            plus4 = card.random() < P_ZIP_PLUS_FOUR
            code = f"{p.postcode}-{card.randrange(10000):04d}" if plus4 else p.postcode
            rec.postcodes.append(code)

    def _mail(self, p: Person, address: str, company: Company | None, several: bool) -> _Rec:
        rng = self.rng
        written = address
        if address.endswith("@gmail.com") and rng.random() < 0.3:
            written = _gmail_variant(rng, address)
        rec = _Rec("mail", written.lower(), p.pid)
        rec.written_address = written
        if written != address:
            rec.tag("gmail_variant")
        if several:
            rec.tag("several_addresses")
        rec.emails.append(written.lower())
        rec.ids.append("e:" + gmail_canonical(address))
        if company is not None:
            rec.cids.append(company.cid)
        before = len(rec.tags)
        mail_name = self.mail_names.get(p.pid)
        if mail_name is not None and rng.random() < P_SAME_DISPLAY_NAME:
            rec.name, name_tags = mail_name
            for t in name_tags:
                rec.tag(t)
        else:
            self._mail_display_name(p, rec)
            self.mail_names.setdefault(p.pid, (rec.name, tuple(rec.tags[before:])))
        rec.name_usable = rec.name is not None and "first_name_only" not in rec.tags
        rec.sent_at = self.when(datetime(2016, 1, 1, tzinfo=UTC))
        rec.outbound = rng.random() < 0.4
        return rec

    def _mail_display_name(self, p: Person, rec: _Rec) -> None:
        """The display name a mail client shows for this address (None: the bare address)."""
        rng = self.rng
        given, family = self._person_name_parts(p, rec, "mail")
        transposed_end = 0.32 + (0.20 if p.culture.family_first else 0.04)
        roll = rng.random()
        if roll < 0.10:
            name = None
            rec.tag("no_name")
        elif roll < 0.13:
            name = given
            rec.tag("first_name_only")
        elif roll < 0.21:
            name = f"{family}, {given}"
            rec.tag("last_first")
        elif roll < 0.27:
            name = f"{given} {family}".lower()
            rec.tag("lowercase")
        elif roll < 0.32:
            name = f"{given[0]}. {family}"
            rec.tag("initial")
        elif roll < transposed_end:
            name = f"{family} {given}"
            rec.tag("transposed")
        elif roll < transposed_end + 0.02:
            name = rng.choice((f"{given} {family}, PhD", f"Dr. {given} {family}"))
            rec.tag("credentials")
        else:
            name = f"{given} {family}"
        rec.name = name

    def _add_email(self, rec: _Rec, email: str, p: Person, kind: str = "WORK") -> None:
        written = email
        if rec.source == "vcard" and email.endswith("@gmail.com") and self.rng.random() < 0.1:
            written = _gmail_variant(self.rng, email)
            rec.tag("gmail_variant")
        rec.emails.append(written)
        rec.ids.append("e:" + gmail_canonical(email))
        for c in (p.company, p.old_company):
            if c is not None and email.endswith("@" + c.domain) and c.cid not in rec.cids:
                rec.cids.append(c.cid)
        if rec.card is not None:
            rec.card["emails"].append((kind, written))

    def _add_phone(self, rec: _Rec, phone: Phone, kind: str, shared: bool = False) -> None:
        written, fair = phone.written(self.rng)
        if not fair:
            rec.tag("phone_national")
        rec.phones.append(written)
        if fair and not shared:
            rec.ids.append("p:" + phone.e164)
        rec.card["tels"].append((kind, written))

    def _add_url(self, rec: _Rec, p: Person) -> None:
        rng = self.rng
        slug = quote(p.slug, safe="-") if rng.random() < 0.5 else p.slug
        variants = (
            f"https://www.linkedin.com/in/{slug}",
            f"http://www.linkedin.com/in/{slug}/",
            f"linkedin.com/in/{slug}",
            f"www.linkedin.com/in/{slug}",
            f"https://uk.linkedin.com/in/{slug}",
            f"https://www.linkedin.com/in/{slug}?trk=contacts",
            f"https://www.linkedin.com/in/{slug.capitalize()}",
        )
        url = variants[0] if rng.random() < 0.5 else rng.choice(variants[1:])
        if url != f"https://www.linkedin.com/in/{p.slug}":
            rec.tag("url_variant")
        rec.url = url
        rec.ids.append("u:" + p.slug.lower())

    # -- shared mailboxes ------------------------------------------------------------
    def add_shared_mailboxes(self) -> None:
        """Role addresses at companies (info@, team@) and the mail from family mailboxes."""
        rng = self.rng
        cards_at: dict[int, list[_Rec]] = defaultdict(list)
        person_company = {p.pid: p.company for p in self.people}
        for rec in self.records:
            if rec.source == "vcard" and "duplicate_card" not in rec.tags:
                c = person_company[rec.entity]
                if c is not None:
                    cards_at[c.cid].append(rec)
        for cid in sorted(cards_at):
            holders = cards_at[cid]
            if len(holders) < 2 or rng.random() >= P_ROLE_ADDRESS:
                continue
            company = self.companies[cid]
            local = rng.choice(ROLE_LOCALS)
            address = f"{local}@{company.domain}"
            if gmail_canonical(address) in self.used_addresses:
                continue
            self.used_addresses.add(address)
            for rec in rng.sample(holders, min(len(holders), rng.randint(2, 4))):
                rec.emails.append(address)
                rec.card["emails"].append(("WORK", address))
                rec.tag("role_address")
            if rng.random() < 0.7:
                name = rng.choice(
                    (f"{company.base} {local.title()}", company.base, None, f"{company.base} Team")
                )
                self.records.append(self._shared_mail(address, name))
        # A family mailbox writes only when two relatives' cards list it: with one card,
        # nothing would say the address is not that relative's own.
        listed: dict[str, set[str]] = defaultdict(set)
        for rec in self.records:
            if rec.source == "vcard" and "family_contact" in rec.tags:
                for e in rec.emails:
                    listed[e].add(rec.entity)
        for h in self.households:
            if h.family_email and len(listed[h.family_email]) >= 2 and rng.random() < 0.8:
                fam = h.family
                name = rng.choice((f"The {fam}s", f"{fam} Family", None))
                self.records.append(self._shared_mail(h.family_email, name))

    def _shared_mail(self, address: str, name: str | None) -> _Rec:
        rec = _Rec("mail", address.lower(), SHARED_PREFIX + address.lower(), name=name)
        rec.written_address = address
        rec.emails.append(address.lower())
        rec.tag("shared_mailbox")
        rec.sent_at = self.when(datetime(2016, 1, 1, tzinfo=UTC))
        return rec

    # -- what links a person's records ---------------------------------------------
    def tag_links(self) -> None:
        """Tag each record with what could link it to the rest of its person; change nothing.

        The truth is the person who generated each record, whatever an engine can link:
        nothing is bridged or dropped here. The tags only sort the missed merges in the
        report: ``link:identifier`` (shares an address after Gmail's dot/+tag rules, a
        phone in E.164 or a LinkedIn profile with another record of the person),
        ``link:name_company`` (a name and a company, or a work address's company, in
        common), ``link:none`` (neither: only names, birthdays, postcodes or the spelling
        of an address can tell) and ``link:single`` (the person's only record).
        """
        by_entity: dict[str, list[_Rec]] = defaultdict(list)
        for rec in self.records:
            by_entity[rec.entity].append(rec)
        for recs in by_entity.values():
            for r in recs:
                others = [o for o in recs if o is not r]
                if not others:
                    r.tag("link:single")
                elif any(set(r.ids) & set(o.ids) for o in others):
                    r.tag("link:identifier")
                elif any(_name_and_company(r, o) for o in others):
                    r.tag("link:name_company")
                else:
                    r.tag("link:none")

    def undecidable_pairs(self, entities: dict[str, dict]) -> int:
        """How many pairs of one person's records only a shared name could link, a name
        another person in the population has too (Population.undecidable_pairs)."""
        holders = Counter(f["name"] for e, f in entities.items() if not e.startswith(SHARED_PREFIX))
        by_entity: dict[str, list[_Rec]] = defaultdict(list)
        for rec in self.records:
            by_entity[rec.entity].append(rec)
        out = 0
        for entity, recs in by_entity.items():
            if len(recs) < 2 or holders[entities[entity]["name"]] < 2:
                continue
            for i, a in enumerate(recs):
                out += sum(_nothing_but_a_name(a, b) for b in recs[i + 1 :])
        return out

    # -- output ----------------------------------------------------------------------
    def population(self) -> Population:
        rows, truth, truth_by_key, tags, tags_by_key = [], {}, {}, {}, {}
        counters: Counter[str] = Counter()
        for rec in self.records:
            file = SOURCE_FILES[rec.source]
            record_id = stable_id(rec.source, file, rec.source_key)
            counters[rec.source] += 1
            locator = {"linkedin": "row", "vcard": "card", "mail": "message"}[rec.source]
            rows.append(
                {
                    "record_id": record_id,
                    "source": rec.source,
                    "source_file": file,
                    "source_key": rec.source_key,
                    "locator": f"{locator} {counters[rec.source]}",
                    "name_raw": rec.name,
                    "given_name_raw": rec.given,
                    "family_name_raw": rec.family,
                    "emails_raw": list(dict.fromkeys(rec.emails)),
                    "phones_raw": list(dict.fromkeys(rec.phones)),
                    "linkedin_url_raw": rec.url,
                    "company_raw": rec.company,
                    "title_raw": rec.title,
                    "observed_at": rec.observed_at,
                    "birthday_raw": rec.birthday,
                    "postcodes_raw": list(rec.postcodes),
                }
            )
            truth[record_id] = rec.entity
            truth_by_key[(rec.source, rec.source_key)] = rec.entity
            tags[record_id] = tuple(rec.tags)
            tags_by_key[(rec.source, rec.source_key)] = tuple(rec.tags)
        rows.sort(key=lambda r: r["record_id"])
        entities: dict[str, dict] = {}
        for p in self.people:
            entities[p.pid] = {
                "name": name_fold(f"{p.given} {p.family}"),
                "family": _alnum(p.family),
                "cids": [c.cid for c in (p.company, p.old_company) if c is not None],
                "household": p.household.hid if p.household else None,
            }
        for rec in self.records:
            if rec.entity.startswith(SHARED_PREFIX):
                entities[rec.entity] = {"name": "", "family": "", "cids": [], "household": None}
        return Population(
            records=frame_from_rows(rows, schema.RECORDS),
            undecidable_pairs=self.undecidable_pairs(entities),
            truth=truth,
            truth_by_key=truth_by_key,
            tags=tags,
            tags_by_key=tags_by_key,
            entities=entities,
            similar_pairs={(min(a, b), max(a, b)) for a, b in self.similar_pairs},
            mail_messages=[_message(r) for r in self.records if r.source == "mail"],
            vcards=[_vcard_fields(r) for r in self.records if r.source == "vcard"],
            linkedin_rows=[_linkedin_row(r) for r in self.records if r.source == "linkedin"],
        )


def _month_day(birthday: str | None) -> str | None:
    return birthday[-5:] if birthday else None


def _nothing_but_a_name(a: _Rec, b: _Rec) -> bool:
    """Two records that share no identifier, company, birthday or postcode."""
    return not (
        set(a.ids) & set(b.ids)
        or set(a.cids) & set(b.cids)
        or (_month_day(a.birthday) and _month_day(a.birthday) == _month_day(b.birthday))
        or {c[:5] for c in a.postcodes} & {c[:5] for c in b.postcodes}
    )


def _local(pattern: str, first: str, last: str) -> str:
    first, last = first or "x", last or "x"
    return {
        "first.last": f"{first}.{last}",
        "flast": f"{first[0]}{last}",
        "first": first,
        "firstl": f"{first}{last[0]}",
        "first_last": f"{first}_{last}",
        "firstlast": f"{first}{last}",
        "lastfirst": f"{last}{first}",
        "first.lastNN": f"{first}.{last}NN",
    }[pattern]


def _typo(rng: Random, word: str) -> str:
    """One keyboard slip (never the first letter): wrong key, lost, doubled or swapped."""
    if len(word) < 3:
        return word + word[-1]
    for _ in range(10):
        i = rng.randint(1, len(word) - 1)
        op = rng.random()
        ch = word[i].lower()
        if op < 0.35 and ch in _KEYBOARD:
            out = word[:i] + rng.choice(_KEYBOARD[ch]) + word[i + 1 :]
        elif op < 0.6:
            out = word[:i] + word[i + 1 :]
        elif op < 0.8:
            out = word[:i] + word[i] + word[i:]
        elif i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            continue
        if out != word:
            return out
    return word + word[-1]


def _gmail_variant(rng: Random, address: str) -> str:
    """The same Gmail mailbox written another way: dots moved, a +tag, case, googlemail."""
    local = address.split("@", 1)[0]
    roll = rng.random()
    plain = local.replace(".", "")
    if roll < 0.35:
        if "." in local:
            out = plain
        else:
            cut = rng.randint(1, max(1, len(plain) - 1))
            out = plain[:cut] + "." + plain[cut:]
        return out + "@gmail.com"
    if roll < 0.7:
        return f"{local}+{rng.choice(('news', 'work', 'linkedin', 'lists', 'shop'))}@gmail.com"
    if roll < 0.9:
        return local.capitalize() + "@Gmail.com"
    return local + "@googlemail.com"


def _name_and_company(a: _Rec, b: _Rec) -> bool:
    """Both records show a usable name and share a company (a work address counts)."""
    if not (a.name_usable and b.name_usable and a.name and b.name):
        return False
    return bool(set(a.cids) & set(b.cids))


def _message(rec: _Rec) -> dict:
    return {
        "address": rec.written_address,
        "name": rec.name,
        "sent_at": rec.sent_at,
        "outbound": rec.outbound,
        "key": rec.source_key,
    }


def _vcard_fields(rec: _Rec) -> dict:
    card = rec.card or {}
    return {
        "uid": rec.source_key,
        "fn": rec.name or "",
        "n": (rec.family or "", rec.given or ""),
        "org": rec.company,
        "title": rec.title,
        "emails": list(dict.fromkeys(card.get("emails", []))),
        "tels": list(dict.fromkeys(card.get("tels", []))),
        "url": rec.url,
        "rev": rec.observed_at,
        "bday": rec.birthday,
        "postcodes": list(rec.postcodes),
    }


def _linkedin_row(rec: _Rec) -> dict:
    return {
        "first": rec.given or "",
        "last": rec.family or "",
        "url": rec.url or "",
        "email": rec.emails[0] if rec.emails else "",
        "company": rec.company or "",
        "position": rec.title or "",
        "connected": rec.observed_at,
    }


# ------------------------------------------------------------------------------- public


def generate_population(n_people: int, seed: int = 0) -> Population:
    """Generate ``n_people`` people and their source records, with the truth.

    Args:
        n_people: how many real people (a few shared mailboxes come on top).
        seed: the same seed and size give the same population, byte for byte.

    Returns:
        The Population: records (schema.RECORDS), truth, tags and entity facts.
    """
    world = _World(n_people, seed)
    world.make_people()
    world.make_records()
    world.add_shared_mailboxes()
    world.tag_links()
    return world.population()


def generate(n_people: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str]]:
    """Labelled messy records across LinkedIn, vCard and mail.

    Args:
        n_people: how many people to invent; each has one to several records.
        seed: the same (n_people, seed) always gives the same records.

    Returns:
        (records in the shape of warehouse.schema.RECORDS sorted by record_id,
        truth: record_id -> person id; a mailbox several people share, such as
        info@company or a family address, is an entity of its own, ``shared:<address>``).
    """
    pop = generate_population(n_people, seed)
    return pop.records, pop.truth


RECORDS_PER_PERSON = 1.77  # measured: len(records) / n_people at 10k people


def generate_records(n_records: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str]]:
    """About ``n_records`` records (exactly that many, cut from a slightly larger population)."""
    n_people = int(n_records / RECORDS_PER_PERSON * 1.05) + 10
    records, truth = generate(n_people, seed)
    while len(records) < n_records:
        n_people = int(n_people * 1.1) + 10
        records, truth = generate(n_people, seed)
    records = records.iloc[:n_records].reset_index(drop=True)
    return records, {r: truth[r] for r in records["record_id"].tolist()}


# -------------------------------------------------------------------------------- files

LINKEDIN_NOTES = (
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"'
)


@dataclass
class GeneratedFiles:
    """Input files of one population and its truth keyed the way records come out of them.

    Attributes:
        paths: Connections.csv, contacts.vcf and mail.mbox.
        truth_by_key: (source, source_key) -> entity id.
        population: the population the files were written from.
    """

    paths: list[Path]
    truth_by_key: dict[tuple[str, str], str]
    population: Population


def generate_files(n_people: int, seed: int, out_dir: str | Path) -> GeneratedFiles:
    """Write the population of ``generate(n_people, seed)`` as real input files.

    Args:
        n_people: as for generate.
        seed: as for generate.
        out_dir: created if missing; Connections.csv, contacts.vcf, mail.mbox go there.

    Returns:
        The paths and the truth keyed by (source, source_key), the key a record keeps
        through the connectors (profile URL, vCard UID, lower-cased mail address).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pop = generate_population(n_people, seed)
    paths = [out / SOURCE_FILES[s] for s in ("linkedin", "vcard", "mail")]
    paths[0].write_text(_connections_csv(pop.linkedin_rows), encoding="utf-8", newline="")
    paths[1].write_bytes(_vcf(pop.vcards).encode("utf-8"))
    paths[2].write_bytes(_mbox(pop.mail_messages, seed).encode("utf-8"))
    return GeneratedFiles(paths, pop.truth_by_key, pop)


def _connections_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for r in sorted(rows, key=lambda r: (r["connected"], r["url"]), reverse=True):
        connected = r["connected"].strftime("%d %b %Y") if r["connected"] else ""
        writer.writerow(
            [r["first"], r["last"], r["url"], r["email"], r["company"], r["position"], connected]
        )
    return "Notes:\n" + LINKEDIN_NOTES + "\n\n" + buf.getvalue()


def _vtext(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _vcf(cards: list[dict]) -> str:
    lines: list[str] = []
    for c in cards:
        family, given = c["n"]
        lines += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{c['uid']}",
            f"N:{_vtext(family)};{_vtext(given)};;;",
            f"FN:{_vtext(c['fn'])}",
        ]
        if c["org"]:
            lines.append(f"ORG:{_vtext(c['org'])};")
        if c["title"]:
            lines.append(f"TITLE:{_vtext(c['title'])}")
        for kind, address in c["emails"]:
            lines.append(f"EMAIL;TYPE=INTERNET,{kind}:{address}")
        for kind, number in c["tels"]:
            lines.append(f"TEL;TYPE={kind},VOICE:{number}")
        if c["url"]:
            lines.append(f"X-SOCIALPROFILE;TYPE=linkedin:{c['url']}")
        if (c.get("bday") or "").startswith("--"):  # as Apple writes a birthday without year
            lines.append(f"BDAY;X-APPLE-OMIT-YEAR=1604:1604{c['bday'][1:]}")
        elif c.get("bday"):
            lines.append(f"BDAY;VALUE=date:{c['bday']}")
        for code in c.get("postcodes", ()):
            # The postcode alone: the population has no streets, and one made-up street
            # on every card would read as everyone living at one address.
            lines.append(f"ADR;TYPE=HOME:;;;;;{code};USA")
        if c["rev"]:
            lines.append(f"REV:{c['rev'].strftime('%Y-%m-%dT%H:%M:%SZ')}")
        lines.append("END:VCARD")
    return "".join(line + "\r\n" for line in lines)


def _mbox(messages: list[dict], seed: int) -> str:
    out: list[str] = []
    for i, m in enumerate(sorted(messages, key=lambda m: (m["sent_at"], m["key"]))):
        them = formataddr((m["name"], m["address"])) if m["name"] else m["address"]
        me = formataddr(("Me Myself", ME))
        sender, recipient = (me, them) if m["outbound"] else (them, me)
        envelope = ME if m["outbound"] else m["address"]
        when = m["sent_at"]
        out += [
            f"From {envelope} {when.strftime('%a %b %d %H:%M:%S %Y')}",
            f"From: {sender}",
            f"To: {recipient}",
            f"Date: {format_datetime(when)}",
            f"Subject: Catching up ({i})",
            f"Message-ID: <{stable_id(seed, i, m['key'])}@bench.example.com>",
            "",
            "Hello, let us catch up soon.",
            "",
        ]
    return "\n".join(out) + "\n"
