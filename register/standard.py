"""Publicatiestandaard 1.0 of the Algorithm Register, and the one validator of an entry.

The field keys, maxima, required set and enumerations are those the register's delivery
API enforces (its `v1_0.json` configuration), with the portal's stricter choices:
year-months must be `yyyy-mm`, URLs must be URLs, unknown keys are refused (the register
silently drops them), `description_short` warns above 349 characters. Every door (form,
API, command, prefill) calls `entry_validate`; it reports every problem at once, each
with a stable code, a message in the request's language and the field it concerns.

Text rules: rich-text fields keep only div, br, p, ul, ol, li, without attributes;
script and style go with their content; every other text field becomes plain text.
Maxima count the text after tags are stripped (entities decoded). Sanitising uses nh3
(the Rust `ammonia` sanitiser).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from problems import Problem

STANDARD_VERSION = "1.0"
LANG = "nld"
RICH_TAGS = frozenset({"div", "br", "p", "ul", "ol", "li"})
DROP_WITH_CONTENT = frozenset({"script", "style"})
DESCRIPTION_WARN_ABOVE = 349

STATUS_CHOICES = ("In ontwikkeling", "In gebruik", "Buiten gebruik")
PUBLICATION_CATEGORIES = ("Hoog-risico AI-systeem", "Impactvolle algoritmes", "Overige algoritmes")
THEMES = (
    "Organisatie en bedrijfsvoering",
    "Cultuur en recreatie",
    "Economie",
    "Overheidsfinanciën",
    "Wonen",
    "Internationaal",
    "Migratie en integratie",
    "Natuur en milieu",
    "Onderwijs en wetenschap",
    "Openbare orde en veiligheid",
    "Recht",
    "Ruimte en infrastructuur",
    "Sociale zekerheid",
    "Verkeer",
    "Werk",
    "Zorg en gezondheid",
)
IMPACT_ASSESSMENT_TITLES = (
    "AI Impact Assesment (AIIA)",
    "Data Protection Impact Assessment (DPIA)",
    "De Ethische Bijsluiter",
    "De Ethische Data Assistant (DEDA)",
    "Fundamentele Rechten en Algoritme Impact Assessment (FRAIA)",
    "Impact Assessment Mensenrechten en Algoritmes (IAMA)",
    "Pre-scan DPIA",
    "Privacy Quickscan",
    "Toetsingskader Algemene Rekenkamer",
    "Utrecht Uthiek Assessment",
    "Z-Inspection",
    "Fundamental Rights Impact Assessment (FRIA)",
    "Overig",
    "Geen",
)


@dataclass(frozen=True)
class Field:
    key: str
    label_nl: str
    label_en: str
    kind: str  # text | rich | enum | themes | yearmonth | url | contact | groups | lang | version | tags | readonly
    max: int | None = None
    required: bool = False
    show: bool = False  # shown on the public page even when empty
    tab: str = "general"
    choices: tuple[str, ...] = ()
    # groups: (title max, title required, link max, link required)
    group: tuple[int | None, bool, int, bool] | None = None


TABS = {
    "general": ("Algemene informatie", "General information"),
    "responsible_use": ("Verantwoord gebruik", "Responsible use"),
    "operation": ("Werking", "Operation"),
    "metadata": ("Metadata", "Metadata"),
}

FIELDS: tuple[Field, ...] = (
    Field("name", "Naam", "Name", "text", 100, True, True),
    Field("description_short", "Korte omschrijving", "Short description", "text", 400, True, True),
    Field("organization", "Organisatienaam", "Organisation", "text", 100, True, True),
    Field("category", "Thema", "Theme", "themes", None, False, True, choices=THEMES),
    Field("status", "Status", "Status", "enum", None, True, True, choices=STATUS_CHOICES),
    Field("begin_date", "Begindatum", "Start date", "yearmonth", 7, False, True),
    Field("end_date", "Einddatum", "End date", "yearmonth", 7),
    Field("contact_email", "Contactgegevens", "Contact", "contact", 500, True, True),
    Field("website", "Link naar publiekspagina", "Link to public page", "url", 500),
    Field(
        "publication_category",
        "Publicatiecategorie",
        "Publication category",
        "enum",
        None,
        True,
        True,
        choices=PUBLICATION_CATEGORIES,
    ),
    Field("url", "Link naar bronregistratie", "Link to source registration", "url", 500),
    Field("goal", "Doel en impact", "Purpose and impact", "rich", 2500, False, True, "responsible_use"),
    Field("proportionality", "Afwegingen", "Considerations", "rich", 2500, False, True, "responsible_use"),
    Field(
        "human_intervention",
        "Menselijke tussenkomst",
        "Human intervention",
        "rich",
        2500,
        False,
        True,
        "responsible_use",
    ),
    Field("risks", "Risicobeheer", "Risk management", "rich", 2500, False, True, "responsible_use"),
    Field("lawful_basis", "Wettelijke basis", "Legal basis", "rich", 2500, tab="responsible_use"),
    Field(
        "lawful_basis_grouping",
        "Verwijzingen wettelijke basis",
        "Legal basis references",
        "groups",
        tab="responsible_use",
        group=(100, True, 500, True),
    ),
    Field(
        "process_index_url",
        "Link naar verwerkingsregister",
        "Link to processing register",
        "url",
        500,
        tab="responsible_use",
    ),
    Field(
        "impacttoetsen",
        "Toelichting op impacttoetsen",
        "Notes on impact assessments",
        "rich",
        2500,
        tab="responsible_use",
    ),
    Field(
        "impacttoetsen_grouping",
        "Impacttoetsen",
        "Impact assessments",
        "groups",
        tab="responsible_use",
        group=(None, True, 500, False),
    ),
    Field("source_data", "Gegevens", "Data", "rich", 2500, False, True, "operation"),
    Field(
        "source_data_grouping",
        "Verwijzingen gegevensbronnen",
        "Data source references",
        "groups",
        tab="operation",
        group=(500, True, 500, True),
    ),
    Field("methods_and_models", "Technische werking", "Technical operation", "rich", 5000, tab="operation"),
    Field("provider", "Leverancier", "Provider", "text", 200, tab="operation"),
    Field("publiccode", "Link naar broncode", "Link to source code", "url", 500, tab="operation"),
    Field("lang", "Taal", "Language", "lang", None, True, tab="metadata"),
    Field("standard_version", "Versie publicatiestandaard", "Standard version", "version", tab="metadata"),
    Field("source_id", "Bron-ID", "Source id", "text", 100, tab="metadata"),
    Field("tags", "Zoektermen", "Search terms", "tags", 2500, tab="metadata"),
    Field("lars", "Algoritme-ID", "Algorithm id", "readonly", tab="metadata"),
    Field("publication_dt", "Publicatie datum", "Publication date", "readonly", tab="metadata"),
)
FIELD = {f.key: f for f in FIELDS}
KEYS = tuple(f.key for f in FIELDS)
REQUIRED = tuple(f.key for f in FIELDS if f.required)
EDITABLE = tuple(f.key for f in FIELDS if f.kind != "readonly")
TEXT_KINDS = frozenset({"text", "rich", "tags"})
# Fields whose text applicants read, translated per language for the public page and factsheet.
TRANSLATABLE = tuple(f.key for f in FIELDS if f.kind in ("text", "rich") and f.key not in ("source_id", "organization"))

_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


# --- Sanitising -----------------------------------------------------------------------------------------


def sanitise_rich(value: str) -> str:
    """Only the allowed tags survive, without attributes; script and style go with their content."""
    return nh3.clean(
        value,
        tags=set(RICH_TAGS),
        attributes={},
        clean_content_tags=set(DROP_WITH_CONTENT),
        link_rel=None,
        strip_comments=True,
    ).strip()


def to_plain(value: str) -> str:
    """Plain text: all tags removed and entities decoded, repeated until nothing changes,
    so an escaped tag (`&lt;script&gt;`) cannot come back as markup."""
    for _round in range(5):
        cleaned = html.unescape(
            nh3.clean(value, tags=set(), attributes={}, clean_content_tags=set(DROP_WITH_CONTENT), strip_comments=True)
        )
        if cleaned == value:
            break
        value = cleaned
    return value.replace("<", "‹").replace(">", "›").strip() if re.search(r"<[A-Za-z!/?]", value) else value.strip()


def text_length(value: str) -> int:
    """The length the register counts: the text after tags are stripped."""
    return len(to_plain(value))


# --- The validator ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validated:
    fields: dict[str, Any]
    problems: list[Problem]
    warnings: list[Problem]


def _label(f: Field) -> str:
    return f"{f.label_nl} ({f.key})"


def _too_long(f: Field, length: int, limit: int, where: str = "") -> Problem:
    return Problem(
        "field_too_long",
        _("%(field)s%(where)s is %(length)s characters long; at most %(max)s are allowed (counted without HTML).")
        % {"field": _label(f), "where": where, "length": length, "max": limit},
        f.key,
    )


def _check_text(f: Field, raw: Any, problems: list[Problem]) -> str | None:
    if not isinstance(raw, str):
        problems.append(Problem("invalid_type", _("%(field)s must be text.") % {"field": _label(f)}, f.key))
        return None
    value = sanitise_rich(raw) if f.kind == "rich" else to_plain(raw)
    if f.max is not None and text_length(value) > f.max:
        problems.append(_too_long(f, text_length(value), f.max))
    return value


def _check_url(f: Field, raw: Any, problems: list[Problem], warnings: list[Problem]) -> str | None:
    value = _check_text(f, raw, problems)
    if not value:
        return value
    try:
        _url(value)
    except ValidationError:
        problems.append(
            Problem("invalid_url", _("%(field)s must be a web address (https://…).") % {"field": _label(f)}, f.key)
        )
        return value
    if not value.startswith("https://"):
        warnings.append(
            Problem("url_not_https", _("%(field)s should start with https://.") % {"field": _label(f)}, f.key)
        )
    return value


def _check_groups(f: Field, raw: Any, problems: list[Problem]) -> list[dict[str, str]] | None:
    assert f.group is not None
    title_max, title_required, link_max, link_required = f.group
    if not isinstance(raw, list):
        problems.append(
            Problem(
                "invalid_list",
                _("%(field)s must be a list of items with a title and a link.") % {"field": _label(f)},
                f.key,
            )
        )
        return None
    out = []
    for n, item in enumerate(raw, start=1):
        where = _(" item %(n)s") % {"n": n}
        if not isinstance(item, dict) or set(item) - {"title", "link"}:
            problems.append(
                Problem(
                    "invalid_list",
                    _("%(field)s item %(n)s may only have a title and a link.") % {"field": _label(f), "n": n},
                    f.key,
                )
            )
            continue
        title = to_plain(str(item.get("title") or ""))
        link = to_plain(str(item.get("link") or ""))
        if title_required and not title:
            problems.append(
                Problem(
                    "group_title_required",
                    _("%(field)s item %(n)s needs a title.") % {"field": _label(f), "n": n},
                    f.key,
                )
            )
        if link_required and not link:
            problems.append(
                Problem(
                    "group_link_required", _("%(field)s item %(n)s needs a link.") % {"field": _label(f), "n": n}, f.key
                )
            )
        if title_max is not None and len(title) > title_max:
            problems.append(_too_long(f, len(title), title_max, str(where) + " (title)"))
        if len(link) > link_max:
            problems.append(_too_long(f, len(link), link_max, str(where) + " (link)"))
        if link:
            try:
                _url(link)
            except ValidationError:
                problems.append(
                    Problem(
                        "invalid_url",
                        _("%(field)s item %(n)s: the link must be a web address.") % {"field": _label(f), "n": n},
                        f.key,
                    )
                )
        out.append({"title": title, "link": link})
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def entry_validate(fields: Any, *, for_release: bool = False) -> Validated:
    """Check and clean an entry's fields (a dict under the API keys). Returns the cleaned
    fields, the problems (refuse) and the warnings (show). `for_release` adds the
    register's required set and the warnings for empty fields the public page shows."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not isinstance(fields, dict):
        return Validated({}, [Problem("invalid_type", _("The entry must be an object of fields."))], [])
    clean: dict[str, Any] = {}
    for key in fields:
        if key not in FIELD:
            problems.append(
                Problem(
                    "unknown_field", _("“%(key)s” is not a field of publication standard 1.0.") % {"key": key}, str(key)
                )
            )
        elif FIELD[key].kind == "readonly" and not _empty(fields[key]):
            problems.append(
                Problem(
                    "field_read_only",
                    _("%(field)s is filled in by the register, not by the portal.") % {"field": _label(FIELD[key])},
                    key,
                )
            )
    for f in FIELDS:
        if f.kind == "readonly" or f.key not in fields:
            continue
        raw = fields[f.key]
        if _empty(raw):
            clean[f.key] = [] if f.kind in ("themes", "groups") else ""
            continue
        value: Any
        if f.kind in TEXT_KINDS:
            value = _check_text(f, raw, problems)
        elif f.kind in ("enum", "lang", "version"):
            choices = f.choices or ((LANG,) if f.kind == "lang" else (STANDARD_VERSION,))
            value = "1.0" if f.kind == "version" and raw == "1.0.0" else raw
            if value not in choices:
                problems.append(
                    Problem(
                        "invalid_choice",
                        _("%(field)s: “%(value)s” is not allowed; choose one of: %(choices)s.")
                        % {"field": _label(f), "value": raw, "choices": "; ".join(choices)},
                        f.key,
                    )
                )
        elif f.kind == "themes":
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                problems.append(
                    Problem("invalid_list", _("%(field)s must be a list of themes.") % {"field": _label(f)}, f.key)
                )
                value = None
            else:
                value = list(dict.fromkeys(raw))
                for bad in [v for v in value if v not in f.choices]:
                    problems.append(
                        Problem(
                            "invalid_choice",
                            _("%(field)s: “%(value)s” is not a theme of the register; choose from: %(choices)s.")
                            % {"field": _label(f), "value": bad, "choices": "; ".join(f.choices)},
                            f.key,
                        )
                    )
        elif f.kind == "yearmonth":
            value = raw
            if not isinstance(raw, str) or not _YEAR_MONTH.match(raw):
                problems.append(
                    Problem(
                        "invalid_year_month",
                        _("%(field)s must be a year and month as yyyy-mm, e.g. 2017-03.") % {"field": _label(f)},
                        f.key,
                    )
                )
        elif f.kind == "url":
            value = _check_url(f, raw, problems, warnings)
        elif f.kind == "contact":
            value = _check_text(f, raw, problems)
            if value:
                try:
                    (_url if value.startswith(("http://", "https://")) else _email)(value)
                except ValidationError:
                    problems.append(
                        Problem(
                            "invalid_contact",
                            _("%(field)s must be an e-mail address or a https:// link to a contact form.")
                            % {"field": _label(f)},
                            f.key,
                        )
                    )
        else:  # groups
            value = _check_groups(f, raw, problems)
        clean[f.key] = value
    desc = clean.get("description_short") or ""
    if desc and DESCRIPTION_WARN_ABOVE < text_length(desc) <= FIELD["description_short"].max:  # type: ignore[operator]
        warnings.append(
            Problem(
                "description_long",
                _("The short description has %(length)s characters; the register's guide asks for fewer than 350.")
                % {"length": text_length(desc)},
                "description_short",
            )
        )
    if for_release:
        for key in REQUIRED:
            if _empty(clean.get(key, fields.get(key))):
                problems.append(
                    Problem(
                        "field_required",
                        _("%(field)s is required before the entry can be released.") % {"field": _label(FIELD[key])},
                        key,
                    )
                )
        for f in FIELDS:
            if f.show and not f.required and _empty(clean.get(f.key)):
                warnings.append(
                    Problem(
                        "shown_field_empty",
                        _("%(field)s is shown on the register's page even when empty; consider filling it.")
                        % {"field": _label(f)},
                        f.key,
                    )
                )
    return Validated(clean, problems, warnings)


def blank_fields() -> dict[str, Any]:
    return {f.key: ([] if f.kind in ("themes", "groups") else "") for f in FIELDS if f.kind != "readonly"}
