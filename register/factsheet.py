"""The applicant factsheet: a short PDF made from the published entry, in Dutch,
English, French and Spanish (the languages applicants are told about IOB in).

The entry's text appears in a language only as an approved translation
(`FieldTranslation`, made by a person for exactly the current Dutch text). Without one,
the Dutch text is printed, marked as such and tagged `lang="nl"`; nothing is machine-
translated. The headings below are the portal's own fixed wording in each language.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from documents.pdf import pdf_render

from . import selectors
from .models import EntryVersion

LANGUAGES = ("nl", "en", "fr", "es")
FIELDS_SHOWN = ("description_short", "goal", "human_intervention", "source_data", "risks")

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Informatie voor aanvragers",
        "intro": "Over het behandeladvies bij uw visumaanvraag",
        "description_short": "Wat is IOB?",
        "goal": "Waarom en wat merkt u ervan?",
        "human_intervention": "Wie beslist?",
        "source_data": "Welke gegevens?",
        "risks": "Hoe voorkomen we fouten en discriminatie?",
        "contact": "Contact",
        "register": "Meer in het Algoritmeregister",
        "untranslated": "",
        "version": "Versie",
    },
    "en": {
        "title": "Information for applicants",
        "intro": "About the handling advice on your visa application",
        "description_short": "What is IOB?",
        "goal": "Why, and what does it mean for you?",
        "human_intervention": "Who decides?",
        "source_data": "Which data?",
        "risks": "How are errors and discrimination prevented?",
        "contact": "Contact",
        "register": "More in the Dutch Algorithm Register",
        "untranslated": "Dutch text: no approved English translation yet.",
        "version": "Version",
    },
    "fr": {
        "title": "Informations pour les demandeurs",
        "intro": "L'avis de traitement de votre demande de visa",
        "description_short": "Qu'est-ce qu'IOB ?",
        "goal": "Pourquoi, et qu'est-ce que cela change pour vous ?",
        "human_intervention": "Qui décide ?",
        "source_data": "Quelles données ?",
        "risks": "Comment évite-t-on les erreurs et la discrimination ?",
        "contact": "Contact",
        "register": "Plus d'informations dans le registre néerlandais des algorithmes",
        "untranslated": "Texte néerlandais : pas encore de traduction française approuvée.",
        "version": "Version",
    },
    "es": {
        "title": "Información para los solicitantes",
        "intro": "El consejo de tramitación de su solicitud de visado",
        "description_short": "¿Qué es IOB?",
        "goal": "¿Por qué, y qué significa para usted?",
        "human_intervention": "¿Quién decide?",
        "source_data": "¿Qué datos?",
        "risks": "¿Cómo se evitan los errores y la discriminación?",
        "contact": "Contacto",
        "register": "Más información en el registro neerlandés de algoritmos",
        "untranslated": "Texto en neerlandés: todavía no hay traducción española aprobada.",
        "version": "Versión",
    },
}


def factsheet_content(*, version: EntryVersion, language: str) -> dict[str, Any]:
    translated = selectors.translations_for(version=version, language=language) if language != "nl" else {}
    sections = []
    for key in FIELDS_SHOWN:
        dutch = version.fields.get(key)
        if not dutch:
            continue
        has = key in translated
        sections.append(
            {
                "key": key,
                "heading": LABELS[language][key],
                "text": translated[key] if has else dutch,
                "rich": key != "description_short",
                "untranslated": language != "nl" and not has,
            }
        )
    return {
        "labels": LABELS[language],
        "language": language,
        "sections": sections,
        "name": translated.get("name") or version.fields.get("name"),
        "name_untranslated": language != "nl" and "name" not in translated,
        "contact": version.fields.get("contact_email"),
        "website": version.fields.get("website"),
        "version": version,
    }


def factsheet_pdf(*, version: EntryVersion, language: str) -> bytes:
    context = factsheet_content(version=version, language=language)
    body = render_to_string("register/factsheet_pdf.html", context)
    footer = f"IOB factsheet · {language} · {version.entry.system} v{version.number} · sha256 {version.content_hash}"
    return pdf_render(
        body_html=body, footer=footer, title=f"IOB — {LABELS[language]['title']}", lang=language, tagged=True
    ).content
