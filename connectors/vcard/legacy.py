"""Which legacy 8-bit code page a card's undeclared bytes are in, judged per card.

Old phones and Outlook wrote vCards in the machine's ANSI code page without a CHARSET
parameter, and one address book often holds cards from several machines. Statistical
detectors misjudge such short texts (charset-normalizer took a Hebrew name in
Windows-1255 for Windows-1251, and cp1252 decodes any byte, giving ``àôøéí``), so each
candidate code page is scored by how plausible its reading of the card is as text:

- every byte must decode (cp1253, cp1255, cp874 ... leave bytes undefined);
- a word is written in one script, without symbols (``©``, ``³``) or stray marks
  inside it: a wrong code page mixes scripts and symbols into words;
- a Latin word's accented letters, and a card's, all belong to one language's alphabet
  (``ø`` and ``á`` never meet in a word: that is Czech ``ř`` read as cp1252), and are
  not most of the word (``àôøéí`` is Hebrew read as cp1252);
- cased scripts follow case rules: no capital after a small letter inside a word, and
  names are capitalised (Hebrew read as cp1251 is all small letters);
- a Cyrillic or Greek word has vowels, and Cyrillic ы, ь, ъ follow a consonant;
  Hebrew's final letters and Greek's final sigma end words, their other forms do not.

The card's own hints (a LANGUAGE parameter, the ADR country, the country code of its
international numbers) and the reading that suits the file's other cards weigh in;
ties go to the most common code page first (cp1252 before cp1250 ...).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# In order of preference on a tie: the Western code page first, as before.
CANDIDATES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1255",
    "cp1256",
    "cp1254",
    "cp1257",
    "koi8_r",
    "cp874",
)
SCRIPT_OF_CODEC = {
    "cp1252": "LATIN",
    "cp1250": "LATIN",
    "cp1254": "LATIN",
    "cp1257": "LATIN",
    "cp1251": "CYRILLIC",
    "koi8_r": "CYRILLIC",
    "cp1253": "GREEK",
    "cp1255": "HEBREW",
    "cp1256": "ARABIC",
    "cp874": "THAI",
}
_CASED = frozenset({"LATIN", "CYRILLIC", "GREEK"})
# Letters with a final form: the final one ends a word, the other never does (Hebrew's
# five, Greek's sigma). Another script read as these lands them anywhere.
_FINALS = {
    "HEBREW": (frozenset("ךםןףץ"), frozenset("כמנפצ")),
    "GREEK": (frozenset("ς"), frozenset("σ")),
}
_VOWELS = {
    "CYRILLIC": frozenset("аеёиоуыэюяіїєў"),
    "GREEK": frozenset("αεηιουωάέήίόύώϊϋΐΰ"),
}
# The accented letters of the languages written with these code pages: a word's accented
# letters all come from one of them.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "æøåéèêóòôü",  # Danish, Norwegian
        "åäöéü",  # Swedish, Finnish
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíóúüñ",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "áéëèïóöüíú",  # Dutch
        "áðéíóúýþæö",  # Icelandic
        "àçèéíïòóúü",  # Catalan
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "ăâîșțşţ",  # Romanian
        "čćđšž",  # Croatian, Slovenian, Bosnian
        "çğıöşüâî",  # Turkish
        "äöõüšž",  # Estonian
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "ëç",  # Albanian
    )
)
# Where a hint points: a language or a country to the script its names are written in,
# or to its code page where that is not cp1252 (Central European, Turkish, Baltic).
_LANGUAGE_SCRIPTS = {
    "he": "HEBREW",
    "iw": "HEBREW",
    "yi": "HEBREW",
    "ru": "CYRILLIC",
    "uk": "CYRILLIC",
    "be": "CYRILLIC",
    "bg": "CYRILLIC",
    "sr": "CYRILLIC",
    "mk": "CYRILLIC",
    "el": "GREEK",
    "ar": "ARABIC",
    "fa": "ARABIC",
    "ur": "ARABIC",
    "th": "THAI",
    # Latin-script languages whose Windows code page is not cp1252.
    **dict.fromkeys(("cs", "sk", "pl", "hu", "sl", "hr", "bs", "ro", "sq"), "cp1250"),
    "tr": "cp1254",
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
}
_REGION_SCRIPTS = {
    "IL": "HEBREW",
    **dict.fromkeys(("RU", "UA", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ"), "CYRILLIC"),
    **dict.fromkeys(("GR", "CY"), "GREEK"),
    **dict.fromkeys(
        ("SA", "AE", "EG", "JO", "LB", "SY", "IQ", "KW", "QA", "BH", "OM", "YE", "IR"), "ARABIC"
    ),
    "TH": "THAI",
    **dict.fromkeys(("CZ", "SK", "PL", "HU", "SI", "HR", "BA", "RO", "AL"), "cp1250"),
    "TR": "cp1254",
    **dict.fromkeys(("LT", "LV", "EE"), "cp1257"),
}
# Characters between words: spacing, ASCII punctuation and digits.
_WORD_RE = re.compile(r"[^\s!-@\[-`{-~]+")
# The weight of each sign (a penalty; lower is a likelier reading).
_UNDECODABLE = float("inf")
_SYMBOL_IN_WORD = 2.0
_MIXED_SCRIPTS = 3.0
_NO_ALPHABET = 2.0
_MOSTLY_ACCENTS = 1.0
_CAPITAL_INSIDE = 2.0
_NO_VOWEL = 1.0
_FINAL_INSIDE = 1.5
_SIGN_MISPLACED = 1.5
_AFTER_CONSONANT = frozenset("ыьъ")
_NAME_ALL_SMALL = 1.0
_NAME_ALL_CAPITALS = 0.5
_TEXT_ALL_SMALL = 1.0
_HINT_BONUS = 1.5
_FILE_BONUS = 0.75


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The script of a letter (``LATIN``, ``CYRILLIC`` ...); None for anything else."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if "ORDINAL INDICATOR" in name:  # ª º are letters only to Unicode
        return None
    return name.split(" ", 1)[0] or None


@lru_cache(maxsize=65536)
def _cached_word_penalty(word: str, is_name: bool) -> float:
    return _word_penalty(word, is_name)


def _word_penalty(word: str, is_name: bool) -> float:
    letters = [c for c in word if _script(c) is not None]
    penalty = _SYMBOL_IN_WORD * sum(
        1 for c in word if _script(c) is None and not unicodedata.category(c).startswith("P")
    )
    if not letters:
        return penalty
    scripts = {_script(c) for c in letters}
    if len(scripts) > 1:
        return penalty + _MIXED_SCRIPTS
    script = scripts.pop()
    if script == "LATIN":
        accented = {c.lower() for c in letters if not c.isascii()}
        if accented and not any(accented <= alphabet for alphabet in _ALPHABETS):
            penalty += _NO_ALPHABET
        if len(letters) >= 3 and 2 * sum(not c.isascii() for c in letters) > len(letters):
            penalty += _MOSTLY_ACCENTS
    if script in _CASED:
        if any(a.islower() and b.isupper() for a, b in itertools.pairwise(letters)):
            penalty += _CAPITAL_INSIDE
        elif is_name and len(letters) >= 2:
            if all(c.islower() for c in letters):
                penalty += _NAME_ALL_SMALL
            elif len(letters) >= 4 and all(c.isupper() for c in letters):  # not ООО, ОАО
                penalty += _NAME_ALL_CAPITALS
    if (finals := _FINALS.get(script)) is not None and len(letters) >= 2:
        final, medial = finals
        penalty += _FINAL_INSIDE * sum(c in final for c in letters[:-1])
        penalty += _FINAL_INSIDE * (letters[-1] in medial)
    vowels = _VOWELS.get(script)
    if vowels is not None and len(letters) >= 4 and not any(c.lower() in vowels for c in letters):
        penalty += _NO_VOWEL
    if script == "CYRILLIC":
        # ы, ь and ъ follow a consonant: never first, never after a vowel (Greek and
        # Hebrew read as cp1251 put them anywhere).
        small = [c.lower() for c in letters]
        penalty += _SIGN_MISPLACED * sum(
            c in _AFTER_CONSONANT and (i == 0 or small[i - 1] in vowels)
            for i, c in enumerate(small)
        )
    return penalty


def reading_penalty(values: list[tuple[bytes, bool]], codec: str) -> float:
    """How implausible ``codec``'s reading of the values is (0 for a clean one).

    Args:
        values: the undeclared non-UTF-8 values, each with whether it is a name (N, FN).
        codec: the candidate code page.
    """
    penalty = 0.0
    cased_words = 0
    capitalised = 0
    accented: set[str] = set()
    for data, is_name in values:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            return _UNDECODABLE
        for word in _WORD_RE.findall(text):
            if word.isascii():
                continue
            penalty += _cached_word_penalty(word, is_name)
            accented.update(c.lower() for c in word if not c.isascii() and _script(c) == "LATIN")
            first = next((c for c in word if _script(c) is not None), None)
            if first is not None and _script(first) in _CASED:
                cased_words += 1
                capitalised += first.isupper()
    if cased_words and not capitalised:
        penalty += _TEXT_ALL_SMALL  # real text in a cased script capitalises something
    if accented and not any(accented <= alphabet for alphabet in _ALPHABETS):
        penalty += _NO_ALPHABET  # one card, one language: è, ì and á never meet
    return penalty


def hinted_scripts(languages: Iterable[str], regions: Iterable[str]) -> set[str]:
    """The scripts (or code pages) a card's LANGUAGE parameters and countries point to."""
    scripts = set()
    for lang in languages:
        if script := _LANGUAGE_SCRIPTS.get(lang.strip().lower().split("-")[0]):
            scripts.add(script)
    for region in regions:
        if script := _REGION_SCRIPTS.get(region.upper()):
            scripts.add(script)
    return scripts


def choose_codec(
    values: list[tuple[bytes, bool]],
    hints: set[str] = frozenset(),
    file_codec: str | None = None,
) -> str:
    """The likeliest code page of a card's undeclared values.

    Args:
        values: the card's non-UTF-8 values without a CHARSET, each with whether it is
            a name.
        hints: scripts or code pages the card's own LANGUAGE, ADR country or phone
            numbers point to.
        file_codec: the code page that reads the file's legacy lines best, if known.

    Returns:
        A codec name of CANDIDATES (cp1252 when nothing is plausible, as it decodes
        nearly every byte and was the reading before).
    """
    # The common case, an address book in one code page, in one scoring: no reading can
    # beat a clean one in the file's code page (0, less the file's bonus) unless a hint
    # favours it, so the comparison below would give the same answer.
    if (
        file_codec is not None
        and not (hints - {SCRIPT_OF_CODEC[file_codec], file_codec})
        and reading_penalty(values, file_codec) == 0
    ):
        return file_codec
    best, best_score = "cp1252", float("inf")
    for codec in CANDIDATES:
        score = reading_penalty(values, codec)
        if score == _UNDECODABLE:
            continue
        if SCRIPT_OF_CODEC[codec] in hints or codec in hints:
            score -= _HINT_BONUS
        if codec == file_codec:
            score -= _FILE_BONUS
        if score < best_score:
            best, best_score = codec, score
    return best


def file_codec(sample: bytes) -> str:
    """The code page that reads a file's legacy lines best (one per line as values)."""
    lines = [(line, False) for line in sample.splitlines() if line and not line.isascii()]
    if not lines:
        return "cp1252"
    return choose_codec(lines)
