"""The seven characteristics, their kinds, their built-in codes and the special-category ban.

This module is the contract of `docs/characteristics.md`. There is no eighth characteristic:
`Characteristic` is an enum backed by a database check constraint, not a table.
"""

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import overload

from django.db import models
from django.utils.translation import gettext_lazy as _


class Characteristic(models.TextChoices):
    NATIONALITY = "nationality", _("Nationality")
    AGE_GROUP = "age_group", _("Age group")
    GENDER = "gender", _("Gender")
    MARITAL_STATUS = "marital_status", _("Marital status")
    OCCUPATION = "occupation", _("Occupation")
    TRAVEL_PURPOSE = "travel_purpose", _("Main purpose of the journey")
    APPLICATION_LOCATION = "application_location", _("Place of application")


class CharacteristicKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    APPLICATION = "application", _("Application")


KIND_OF: dict[str, str] = {
    Characteristic.NATIONALITY: CharacteristicKind.PERSONAL,
    Characteristic.AGE_GROUP: CharacteristicKind.PERSONAL,
    Characteristic.GENDER: CharacteristicKind.PERSONAL,
    Characteristic.MARITAL_STATUS: CharacteristicKind.PERSONAL,
    Characteristic.OCCUPATION: CharacteristicKind.PERSONAL,
    Characteristic.TRAVEL_PURPOSE: CharacteristicKind.APPLICATION,
    Characteristic.APPLICATION_LOCATION: CharacteristicKind.APPLICATION,
}
APPLICATION_CHARACTERISTICS = frozenset(c for c, k in KIND_OF.items() if k == CharacteristicKind.APPLICATION)
PERSONAL_CHARACTERISTICS = frozenset(c for c, k in KIND_OF.items() if k == CharacteristicKind.PERSONAL)

# Catalogues an administrator may extend (docs/characteristics.md); the others are fixed.
EXTENDABLE = frozenset({Characteristic.AGE_GROUP, Characteristic.OCCUPATION, Characteristic.APPLICATION_LOCATION})

# Codes written in capitals by their standard (ISO 3166, ICAO 9303, UN/LOCODE).
UPPER_CASE_CODES = frozenset({Characteristic.NATIONALITY, Characteristic.GENDER, Characteristic.APPLICATION_LOCATION})

# ICAO 9303 codes for nationalities that are not countries.
ICAO_SPECIAL_NATIONALITIES = [
    ("XXA", "Staatloos", "Stateless person"),
    ("XXB", "Vluchteling (Verdrag van 1951)", "Refugee (1951 Convention)"),
    ("XXC", "Vluchteling (overig)", "Refugee (other)"),
    ("XXX", "Onbekende nationaliteit", "Unspecified nationality"),
]

# (code, Dutch label, English label), in display order.
BUILTIN_CODES: dict[str, list[tuple[str, str, str]]] = {
    Characteristic.AGE_GROUP: [
        ("0-17", "0–17 jaar", "0–17 years"),
        ("18-24", "18–24 jaar", "18–24 years"),
        ("25-34", "25–34 jaar", "25–34 years"),
        ("35-44", "35–44 jaar", "35–44 years"),
        ("45-54", "45–54 jaar", "45–54 years"),
        ("55-64", "55–64 jaar", "55–64 years"),
        ("65+", "65 jaar en ouder", "65 years and over"),
    ],
    Characteristic.GENDER: [("F", "Vrouw", "Female"), ("M", "Man", "Male"), ("X", "Onbepaald", "Unspecified")],
    Characteristic.MARITAL_STATUS: [
        ("single", "Ongehuwd", "Single"),
        ("married", "Gehuwd", "Married"),
        ("registered_partnership", "Geregistreerd partnerschap", "Registered partnership"),
        ("separated", "Gescheiden van tafel en bed", "Separated"),
        ("divorced", "Gescheiden", "Divorced"),
        ("widowed", "Weduwe/weduwnaar", "Widowed"),
        ("other", "Anders", "Other"),
    ],
    Characteristic.OCCUPATION: [
        ("managers", "Leidinggevenden", "Managers"),
        ("professionals", "Specialisten", "Professionals"),
        ("technicians", "Technici en vakspecialisten", "Technicians and associate professionals"),
        ("clerical", "Administratief personeel", "Clerical support workers"),
        ("service_sales", "Dienstverlening en verkoop", "Service and sales workers"),
        ("agricultural", "Landbouw, bosbouw en visserij", "Skilled agricultural, forestry and fishery workers"),
        ("craft_trades", "Ambachtslieden", "Craft and related trades workers"),
        ("operators", "Bedieners van machines", "Plant and machine operators, and assemblers"),
        ("elementary", "Elementaire beroepen", "Elementary occupations"),
        ("armed_forces", "Krijgsmacht", "Armed forces occupations"),
        ("student", "Student", "Student"),
        ("retired", "Gepensioneerd", "Retired"),
        ("unemployed", "Werkloos", "Unemployed"),
        ("homemaker", "Huisman/huisvrouw", "Homemaker"),
        ("minor", "Minderjarig", "Minor"),
        ("seafarer", "Zeevarende", "Seafarer"),
        ("other", "Anders", "Other"),
    ],
    Characteristic.TRAVEL_PURPOSE: [
        ("tourism", "Toerisme", "Tourism"),
        ("business", "Zakelijk", "Business"),
        ("family_friends", "Bezoek aan familie of vrienden", "Visiting family or friends"),
        ("cultural", "Cultureel", "Cultural"),
        ("sports", "Sport", "Sports"),
        ("official_visit", "Officieel bezoek", "Official visit"),
        ("medical", "Medische redenen", "Medical reasons"),
        ("study", "Studie", "Study"),
        ("airport_transit", "Luchthaventransit", "Airport transit"),
        ("other", "Anders", "Other"),
    ],
    # Posts: a starting list that administrators maintain.
    Characteristic.APPLICATION_LOCATION: [
        ("SRPBM", "Paramaribo", "Paramaribo"),
        ("MACAS", "Casablanca", "Casablanca"),
        ("TRIST", "Istanboel", "Istanbul"),
        ("INBOM", "Mumbai", "Mumbai"),
        ("CNBJS", "Peking", "Beijing"),
        ("NGLOS", "Lagos", "Lagos"),
        ("RUMOW", "Moskou", "Moscow"),
        ("AEDXB", "Dubai", "Dubai"),
        ("CNSHA", "Sjanghai", "Shanghai"),
        ("INDEL", "New Delhi", "New Delhi"),
        ("ZAJNB", "Johannesburg", "Johannesburg"),
        ("EGCAI", "Caïro", "Cairo"),
        ("GHACC", "Accra", "Accra"),
        ("KENBO", "Nairobi", "Nairobi"),
        ("IDJKT", "Jakarta", "Jakarta"),
        ("PHMNL", "Manilla", "Manila"),
        ("THBKK", "Bangkok", "Bangkok"),
        ("LBBEY", "Beiroet", "Beirut"),
        ("JOAMM", "Amman", "Amman"),
        ("SAJED", "Djedda", "Jeddah"),
        ("PKISB", "Islamabad", "Islamabad"),
        ("UAKBP", "Kyiv", "Kyiv"),
        ("DZALG", "Algiers", "Algiers"),
        ("TNTUN", "Tunis", "Tunis"),
    ],
}

UNLOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")

# --- The ban (rule 5) --------------------------------------------------------------------
# Special categories of personal data (GDPR art. 9), in Dutch and English. Matching is on
# a normalised form: lower case, accents and every separator removed.
# Stems match anywhere inside a name ("ethnic_group", "EthnicOrigin", "etnische-afkomst").
BANNED_STEMS = (
    "ethnic",
    "etnisch",
    "etnici",
    "ethnie",
    "afkomst",
    "ancestry",
    "racial",
    "raciaal",
    "huidskleur",
    "huidkleur",
    "skincolo",
    "religi",
    "geloof",
    "belief",
    "levensbeschouw",
    "politicalopinion",
    "politiekeopvatting",
    "politiekevoorkeur",
    "politiekeovertuiging",
    "tradeunion",
    "vakbond",
    "vakvereniging",
    "health",
    "gezondheid",
    "sexlife",
    "seksleven",
    "seksueelleven",
    "sexual",
    "seksue",
    "geaardheid",
    "genetic",
    "genetisch",
    "biometri",
    "disabilit",
    "handicap",
    "migratieachtergrond",
    "migrationbackground",
)
# Short words match only as a whole word, so that "ras" does not hit the post "BRASB".
BANNED_WORDS = frozenset({"race", "ras", "rassen", "races", "faith", "herkomst"})

_WORD_SPLIT = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@cache
def _confusables_table() -> dict[int, str]:
    """Every non-ASCII character that Unicode's confusables data (UTS #39, as shipped by
    the maintained `confusable-homoglyphs` package) lists as looking like ASCII letters or
    digits, mapped to them in lower case: dotless "ı" and Cyrillic "і" to "i", Cyrillic
    "е" to "e", Greek "Ο" to "o". ASCII itself is left alone (the data would turn "m"
    into "rn" and "0" into "O", which would make innocent codes look banned)."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))

    def ascii_lookalike(char: str) -> str | None:
        found = [h["c"] for h in data.get(char, ()) if h["c"].isascii() and h["c"].isalnum()]
        letters = [c for c in found if c.isalpha()]
        return (letters or found or [None])[0]

    table: dict[int, str] = {}
    for char in data:
        if len(char) != 1 or char.isascii():
            continue
        # The lower-case form first: the prototype of capital "Ι" is "l", of "ι" it is "i".
        lookalike = ascii_lookalike(char.lower()) if char.lower() != char else None
        lookalike = lookalike or ascii_lookalike(char)
        if lookalike:
            table[ord(char)] = lookalike.lower()
    return table


def _fold(text: str) -> str:
    """Lower case without accents, and look-alike letters of other scripts as the ASCII
    letters they imitate, so that "Ethnıcity" and "еthnicity" read as "ethnicity"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if not plain.isascii():
        plain = plain.translate(_confusables_table())
    return plain.lower()


def banned_term_in(name: object) -> str | None:
    """The banned category that `name` names, or None.

    Used for characteristic names, criterion values, catalogue codes and labels, and the
    columns of imported files. Not for free text: a justification may say that ethnicity
    is not used.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    folded = _fold(_CAMEL.sub(" ", name))
    squashed = _WORD_SPLIT.sub("", folded)
    for stem in BANNED_STEMS:
        if stem in squashed:
            return stem
    words = [w for w in _WORD_SPLIT.split(folded) if w]
    for word in words:
        if word in BANNED_WORDS:
            return word
    # Letters spaced out to dodge the filter ("r a c e", "r-a-s").
    if len(words) > 1 and all(len(w) == 1 for w in words) and squashed in BANNED_WORDS:
        return squashed
    return None


@overload
def normalise_code(characteristic: str, code: str) -> str: ...


@overload
def normalise_code(characteristic: str, code: object) -> object: ...


def normalise_code(characteristic: str, code: object) -> object:
    """Codes as their standard writes them; anything that is not a string is returned as is."""
    if not isinstance(code, str):
        return code
    code = code.strip()
    return code.upper() if characteristic in UPPER_CASE_CODES else code.lower()


# --- Code formats (one place for every door that adds a code) --------------------------
AGE_BAND_RE = re.compile(r"^(\d{1,3})-(\d{1,3})$|^(\d{1,3})\+$")
WORD_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
ALPHA3_RE = re.compile(r"^[A-Z]{3}$")

CODE_FORMAT_HINTS = {
    Characteristic.NATIONALITY: _("A nationality is an ISO 3166-1 alpha-3 code (NLD) or an ICAO code (XXA)."),
    Characteristic.AGE_GROUP: _("An age group is a range of whole years, 25-34, or an open end, 65+."),
    Characteristic.GENDER: _("A gender is one of the ICAO codes F, M or X."),
    Characteristic.MARITAL_STATUS: _("A marital status is a word in lower case with underscores, e.g. married."),
    Characteristic.OCCUPATION: _("An occupation is a word in lower case with underscores, e.g. craft_trades."),
    Characteristic.TRAVEL_PURPOSE: _("A purpose is a word in lower case with underscores, e.g. family_friends."),
    Characteristic.APPLICATION_LOCATION: _("A post is a UN/LOCODE: a country code and three letters, e.g. SRPBM."),
}


def code_format_ok(characteristic: str, code: str) -> bool:
    """Whether an (already normalised) code has the form its characteristic's standard gives it."""
    if characteristic == Characteristic.AGE_GROUP:
        match = AGE_BAND_RE.match(code)
        if not match:
            return False
        low, high = match.group(1), match.group(2)
        return high is None or int(low) < int(high) <= 150
    if characteristic == Characteristic.APPLICATION_LOCATION:
        import pycountry

        return bool(UNLOCODE_RE.match(code)) and pycountry.countries.get(alpha_2=code[:2]) is not None
    if characteristic == Characteristic.NATIONALITY:
        return bool(ALPHA3_RE.match(code))
    if characteristic == Characteristic.GENDER:
        return code in {"F", "M", "X"}
    return bool(WORD_CODE_RE.match(code))


# --- Sorting labels as people read them ------------------------------------------------
# Long catalogues are listed by their label in the page's language. A folding key is
# enough for Dutch and English: accents and case do not count (Égypte by E), nor do
# leading punctuation and spaces ('s-Hertogenbosch by s); "IJ" sorts as i + j, as in
# modern Dutch dictionaries.
LABEL_SORTED = frozenset({Characteristic.NATIONALITY, Characteristic.OCCUPATION, Characteristic.APPLICATION_LOCATION})
_NOT_ALNUM = re.compile(r"[^0-9a-z ]+")


def collation_key(text: str) -> tuple[str, str]:
    folded = _NOT_ALNUM.sub("", _fold(text)).strip()
    return (folded, text)
