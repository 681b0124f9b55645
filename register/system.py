"""The system record an administrator keeps for the register entry (prefill code SET).

Defaults describe IOB as the register shows it today; a deployment overrides any key
with the `IOB_REGISTER_SYSTEM` setting (a dict). Links marked "to be verified" in the
register's description stay empty until someone confirms them.
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "name": "Informatie Ondersteund Beslissen - Kort Verblijf (Schengen) Visum (KVV)",
    "organization": "Ministerie van Buitenlandse Zaken",
    "category": ["Organisatie en bedrijfsvoering", "Internationaal", "Migratie en integratie"],
    "status": "In gebruik",
    "begin_date": "2017-01",
    "end_date": "",
    "contact_email": "DCV-BAO@minbuza.nl",
    "website": "",
    "url": "",
    "provider": "Intern ontwikkeld",
    "publiccode": "",
    "process_index_url": "",
    "publication_category": "Impactvolle algoritmes",
    "tags": "visum, kort verblijf, Schengen, behandeladvies, profielen",
    "legal_bases": [
        {"title": "AVG art. 6 lid 1 onder e", "link": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"},
        {"title": "Visumcode (Verordening (EG) nr. 810/2009)", "link": "https://eur-lex.europa.eu/eli/reg/2009/810/oj"},
        {
            "title": "VIS-verordening, gewijzigd bij Verordening (EU) 2021/1134",
            "link": "https://eur-lex.europa.eu/eli/reg/2021/1134/oj",
        },
    ],
    "assessments": [
        {"title": "Data Protection Impact Assessment (DPIA)", "link": ""},
        {"title": "Impact Assessment Mensenrechten en Algoritmes (IAMA)", "link": ""},
    ],
    "organisation_code": "",
}


def system_record() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "IOB_REGISTER_SYSTEM", {})}
