"""Prefill of the register entry, on the shared prefill app (`prefill/`).

Each field names the prefill codes of docs/algorithm-register.md (ADV, WF, BIAS, CHR, BAN,
GEN, PRF, LEG, SET, DOC, and question keys of the assessments such as `iama26.3.2.1`).
The shared registry computes each code's part (its data and the source objects with
their versions); this module writes the register's own public Dutch text (B1) from
those data, and the proposal carries the union of the parts' sources. Provenance and
staleness are the shared app's: `services` records an accepted proposal with
`prefill.services.prefill_accept` on the field's anchor row (`EntryField`), and the
shared staleness check marks it stale when a watched source changes (a new signed bias
report, other active profiles). Nothing is recomputed silently: the editor takes a
refreshed proposal explicitly, and the diff of versions shows it.

This module also registers the codes whose data lives here: SET (the system record in
`system.py`) and, unless the assessments app provides it, DOC.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.html import escape

from prefill import registry
from prefill.registry import Part, SourceRef

from . import system
from .standard import sanitise_rich

# The codes behind each field (docs/algorithm-register.md, section 1).
FIELD_CODES: dict[str, tuple[str, ...]] = {
    **{
        k: ("SET",)
        for k in (
            "name",
            "organization",
            "category",
            "begin_date",
            "end_date",
            "contact_email",
            "website",
            "url",
            "provider",
            "publiccode",
            "process_index_url",
            "tags",
            "publication_category",
        )
    },
    "status": ("PRF", "SET"),
    "description_short": ("ADV",),
    "goal": ("ADV", "iama26.1.1.2"),
    "proportionality": ("ADV", "GEN", "iama26.2.1.2"),
    "human_intervention": ("ADV", "WF", "BIAS", "iama26.3.2.1"),
    "risks": ("CHR", "BAN", "WF", "BIAS"),
    "lawful_basis": ("LEG", "dpia3.B11"),
    "lawful_basis_grouping": ("LEG", "SET"),
    "impacttoetsen": ("DOC",),
    "impacttoetsen_grouping": ("DOC",),
    "source_data": ("CHR", "GEN", "BAN"),
    "methods_and_models": ("GEN", "ADV", "PRF"),
}
# Assessment answers appended (as a paragraph) where an approved DPIA or IAMA answers them.
ASSESSMENT_KEYS = ("iama26.1.1.2", "iama26.2.1.2", "iama26.3.2.1", "dpia3.B11")

CHARACTERISTICS_NL = (
    ("nationaliteit", "persoon"),
    ("leeftijdsgroep", "persoon"),
    ("geslacht", "persoon"),
    ("burgerlijke staat", "persoon"),
    ("beroep", "persoon"),
    ("hoofddoel van de reis", "aanvraag"),
    ("locatie van aanvraag", "aanvraag"),
)


@dataclass(frozen=True)
class FieldProposal:
    key: str
    value: Any
    codes: tuple[str, ...]
    sources: tuple[SourceRef, ...]

    @property
    def fingerprint(self) -> str:
        return registry.sources_fingerprint(self.sources)

    def shared(self) -> registry.Proposal:
        """The proposal as the shared prefill app records it."""
        text = self.value if isinstance(self.value, str) else json.dumps(self.value, ensure_ascii=False)
        return registry.Proposal(codes=self.codes, text=text, sources=self.sources, value={"field": self.value})

    def snapshot(self) -> dict[str, Any]:
        """What the version keeps (immutable with it): codes, sources, fingerprint, time."""
        return {
            "codes": list(self.codes),
            "sources": [s.as_dict() for s in self.sources],
            "fingerprint": self.fingerprint,
            "prefilled_at": datetime.now().astimezone().isoformat(),
            "edited": False,
        }


# --- Codes whose data lives in the register app ------------------------------------------------------------


def _set_part() -> Part:
    record = system.system_record()
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]
    text = f"{record.get('name')} ({record.get('organization')}); contact {record.get('contact_email')}."
    return Part(
        text=text, value=record, sources=(SourceRef("register.system", "IOB", digest, "systeemgegevens (beheerder)"),)
    )


def _doc_part() -> Part:
    record = system.system_record()
    items = record.get("assessments", [])
    digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]
    text = "; ".join(str(i.get("title")) for i in items) or "geen impacttoetsen vastgelegd"
    return Part(
        text=text,
        value={"assessments": items},
        sources=(SourceRef("register.system", "assessments", digest, "uitgevoerde impacttoetsen"),),
    )


def register_codes() -> None:
    registry.register("SET", _set_part)
    if not registry.known("DOC"):
        registry.register("DOC", _doc_part)


# --- Proposals ---------------------------------------------------------------------------------------------


def _parts(codes: set[str]) -> dict[str, Part | None]:
    with translation.override("nl"):
        return {code: registry.part_compute(code) for code in codes if registry.known(code)}


def _pct(value: Any) -> str:
    return "onbekend" if not isinstance(value, int | float) else f"{value * 100:.0f}%"


def _signed_on(part: Part | None) -> str:
    at = part.sources[0].at if part and part.sources else ""
    return f"{at[8:10]}-{at[5:7]}-{at[:4]}" if len(at) >= 10 else ""


def _assessment_paragraph(part: Part | None) -> str:
    return f"<p>{escape(part.text.strip())}</p>" if part and part.text.strip() else ""


def _values(parts: dict[str, Part | None]) -> dict[str, Any]:
    record = (parts.get("SET") or _set_part()).value or {}
    prf_part = parts.get("PRF")
    prf = (prf_part.value if prf_part else None) or {}
    bias = parts.get("BIAS")
    return {"record": record, "prf": prf, "bias": bias, "bias_value": (bias.value if bias else None) or {}}


def _texts(parts: dict[str, Part | None]) -> dict[str, Any]:
    v = _values(parts)
    record, prf, bias, bias_value = v["record"], v["prf"], v["bias"], v["bias_value"]
    active = int(prf.get("chance", 0)) + int(prf.get("risk", 0))
    signed = _signed_on(bias) if bias_value.get("report") else ""
    follow = (
        (
            f"<p>Uit de laatste biasrapportage, op {signed} door de FG afgetekend, blijkt dat medewerkers het "
            f"advies in {_pct(bias_value.get('follow_rate'))} van de beslissingen op een snel of intensief spoor "
            "volgden. De FG kijkt hiermee of medewerkers niet blind op het advies varen.</p>"
        )
        if signed
        else ""
    )
    chars = "".join(f"<li>{name} ({kind})</li>" for name, kind in CHARACTERISTICS_NL)
    out: dict[str, Any] = {k: record[k] for k in FIELD_CODES if FIELD_CODES[k] == ("SET",) and k in record}
    out["status"] = "In gebruik" if active else record.get("status", "In ontwikkeling")
    out["lawful_basis_grouping"] = record.get("legal_bases", [])
    doc_part = parts.get("DOC")
    docs = (doc_part.value if doc_part else None) or {}
    out["impacttoetsen_grouping"] = docs.get("assessments", record.get("assessments", []))
    out["description_short"] = (
        "IOB geeft de beslismedewerker bij een aanvraag voor een kort verblijf visum een behandeladvies: een spoor "
        "snel, regulier of intensief. Het spoor bepaalt alleen hoeveel onderzoek een aanvraag krijgt. Het is nooit "
        "een grond voor weigering; de medewerker beslist op het hele dossier."
    )
    out["goal"] = (
        "<p>IOB helpt visumaanvragen voor kort verblijf (Schengen) snel en zorgvuldig te behandelen, en bedreigingen "
        "voor de openbare orde, de veiligheid en illegaal verblijf te voorkomen.</p><p>Wat merkt een aanvrager? Bij "
        "een intensief spoor kan om een extra gesprek of extra documenten worden gevraagd. De voorwaarden voor een "
        "visum zijn voor iedereen gelijk.</p>" + _assessment_paragraph(parts.get("iama26.1.1.2"))
    )
    out["proportionality"] = (
        "<p>Het advies bepaalt alleen hoeveel onderzoek een aanvraag krijgt; het besluit blijft mensenwerk. "
        "Overwogen alternatieven: alle aanvragen even intensief behandelen (meer lasten voor aanvragers en langere "
        "wachttijden), of alleen handmatige selectie (minder gelijk en minder controleerbaar). Profielen beschrijven "
        "grote groepen, nooit één persoon.</p>" + _assessment_paragraph(parts.get("iama26.2.1.2"))
    )
    out["human_intervention"] = (
        "<p>De beslismedewerker beslist altijd zelf, op het hele dossier en volgens de Visumcode. Het advies wordt "
        "met zijn redenen getoond en is nooit een grond voor weigering.</p><p>Elk profiel wordt door een tweede "
        "persoon goedgekeurd (vier ogen); risicoprofielen tekent ook de FG af. Profielen kunnen altijd worden "
        "ingetrokken.</p>" + follow + _assessment_paragraph(parts.get("iama26.3.2.1"))
    )
    last = (
        f"<li>De laatste biasrapportage is op {signed} door de FG afgetekend.</li>"
        if signed
        else "<li>Er is nog geen door de FG afgetekende biasrapportage.</li>"
    )
    out["risks"] = (
        "<p>Ingebouwde maatregelen:</p><ul><li>Een profiel gebruikt altijd ten minste drie van de zeven kenmerken en "
        "combineert altijd gegevens van de aanvraag met persoonsgegevens.</li><li>Etniciteit en andere bijzondere "
        "persoonsgegevens worden nooit gebruikt; het portaal en de database weigeren ze.</li><li>Profielen worden "
        "door een tweede persoon goedgekeurd; risicoprofielen ook door de FG.</li><li>Elke maand laat een "
        "rapportage zien hoe advies en beslissingen tussen groepen verschillen, met de onzekerheid; de FG beoordeelt "
        "en tekent af.</li>" + last + "</ul>"
    )
    out["lawful_basis"] = (
        "<p>Uitvoering van een taak van algemeen belang (AVG artikel 6 lid 1 onder e), bij de behandeling van "
        "visumaanvragen volgens de Visumcode en de VIS-verordening.</p>" + _assessment_paragraph(parts.get("dpia3.B11"))
    )
    out["impacttoetsen"] = (
        "<p>Voor IOB zijn een DPIA en een IAMA uitgevoerd. De inhoud is niet openbaar, omdat die inzicht geeft in "
        "de werking van de profielen.</p>"
    )
    out["source_data"] = (
        "<p>IOB gebruikt zeven kenmerken van een aanvraag:</p><ul>" + chars + "</ul><p>Profielen worden opgesteld "
        "uit vijf jaar beslist aanvragen en latere treffers bij partners in de migratieketen. Bijzondere "
        "persoonsgegevens, zoals etniciteit of godsdienst, worden niet gebruikt.</p>"
    )
    out["methods_and_models"] = (
        "<p>Profielen komen uit een regelgebaseerde beslisboom, niet uit zelflerende software. Elke maand worden de "
        "beslist aanvragen van vijf jaar in een vaste volgorde op de zeven kenmerken gesplitst (eerst de post, dan "
        "het hoofddoel, dan de leeftijdsgroep, enzovoort). Groepen onder een minimumgrootte vallen af. Elke groep "
        "krijgt het label kans, risico of daartussen op grond van drempels die ambtenaren vooraf vaststellen. Alleen "
        "profielen met ten minste drie kenmerken blijven over, en mensen keuren elk profiel goed voor gebruik.</p>"
        f"<p>Nu zijn {int(prf.get('chance', 0))} kansprofielen en {int(prf.get('risk', 0))} risicoprofielen "
        "actief.</p>"
    )
    return out


def proposals() -> dict[str, FieldProposal]:
    """A proposal for every field the portal can ground in its own data."""
    codes = {c for cs in FIELD_CODES.values() for c in cs}
    parts = _parts(codes)
    texts = _texts(parts)
    out = {}
    for key, field_codes in FIELD_CODES.items():
        if key not in texts:
            continue
        value = texts[key]
        if isinstance(value, str) and "<" in value:
            value = sanitise_rich(value)
        sources: dict[tuple[str, str], SourceRef] = {}
        for code in field_codes:
            part = parts.get(code)
            if part is None or (code in ASSESSMENT_KEYS and not part.text.strip()):
                continue
            for s in part.sources:
                sources[(s.type, s.id)] = s
        used = tuple(c for c in field_codes if parts.get(c) is not None)
        out[key] = FieldProposal(key, value, used, tuple(sources.values()))
    return out
