"""Prefill proposals for the register entry, with provenance and staleness.

Each proposal is a value for one field plus the sources it was drawn from: a code of
assessments.md (CHR, BAN, GEN, ADV, WF, MON, BIAS, LEG, ROLE, DOC) or SET (the system
record, `system.py`), the object and its version, and when it was read. The
fingerprint of the sources is stored with an accepted proposal; when a source changes
(a new signed bias report, other active profiles, a changed rule) the current
fingerprint differs and the field is shown as out of date. Nothing is recomputed
silently: the editor takes a refreshed proposal explicitly, and the diff shows it.

The interface (`proposals()`, `staleness()`) is what the rest of the register uses; the
assessments' shared prefill app can replace the readers below without other changes.
Text is Dutch: the register takes Dutch input only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from . import system

CHARACTERISTICS_NL = {
    "nationality": "nationaliteit", "age_group": "leeftijdsgroep", "gender": "geslacht",
    "marital_status": "burgerlijke staat", "occupation": "beroep", "travel_purpose": "hoofddoel van de reis",
    "application_location": "locatie van aanvraag",
}


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    object: str = ""
    version: str = ""
    at: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "object": self.object, "version": self.version, "at": self.at}


@dataclass(frozen=True)
class Proposal:
    key: str
    value: Any
    sources: tuple[Source, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        basis = [(s.code, s.object, s.version) for s in self.sources]
        return hashlib.sha256(json.dumps([basis, self.value], sort_keys=True, default=str).encode()).hexdigest()

    def provenance(self) -> dict[str, Any]:
        return {"sources": [s.as_dict() for s in self.sources], "fingerprint": self.fingerprint,
                "prefilled_at": timezone.now().isoformat(), "edited": False}


def _code_version(*parts: Any) -> str:
    """A version for rules that live in code: the hash of what the text says about them."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


# --- Readers of the portal's own data (selectors of other apps only) ---------------------------------------


def _characteristics() -> tuple[list[tuple[str, str]], Source]:
    from profiles.characteristics import KIND_OF, Characteristic

    items = [(CHARACTERISTICS_NL.get(c, c), str(KIND_OF[c])) for c in Characteristic.values]
    return items, Source("CHR", "de zeven kenmerken en de regel drie van zeven", "profiles.characteristics",
                         _code_version(items))


def _ban() -> Source:
    from profiles.characteristics import BANNED_STEMS, BANNED_WORDS

    return Source("BAN", "verbod op bijzondere persoonsgegevens (AVG art. 9)", "profiles.characteristics",
                  _code_version(sorted(BANNED_STEMS), sorted(BANNED_WORDS)))


def _workflow() -> tuple[dict[str, bool], Source]:
    from profiles.workflow import TRANSITIONS

    facts = {"four_eyes": TRANSITIONS["approve"].four_eyes, "dpo_sign_off": "dpo_sign_off" in TRANSITIONS,
             "withdraw": "withdraw" in TRANSITIONS}
    return facts, Source("WF", "werkstroom van profielen (vier ogen, FG-aftekening, intrekken)", "profiles.workflow",
                         _code_version(sorted((a, t.four_eyes, t.target) for a, t in TRANSITIONS.items())))


def _active_profiles(today: date) -> tuple[dict[str, int], Source]:
    from profiles.selectors import active_profiles_on

    rows = list(active_profiles_on(day=today).values_list("code", "version", "kind"))
    counts = {"chance": sum(1 for r in rows if r[2] == "chance"), "risk": sum(1 for r in rows if r[2] == "risk")}
    return counts, Source("PRF", "actieve profielen", "profiles.profile:active", _code_version(sorted(rows)),
                          today.isoformat())


def _latest_signed_report() -> tuple[dict[str, Any] | None, Source | None]:
    from reports.selectors import report_figures, report_list

    report = report_list().filter(status="signed_off").order_by("-decided_at").first()
    if report is None:
        return None, None
    try:
        population = report_figures(report=report).get("population", {})
    except Exception:  # noqa: BLE001 - a report without readable figures gives no figures
        population = {}
    facts = {"from": report.period_from, "to": report.period_to, "signed": report.decided_at,
             "n": population.get("n"), "follow_rate": population.get("follow_rate"),
             "refusal_rate": population.get("refusal_rate")}
    return facts, Source("BIAS", "laatste door de FG afgetekende biasrapportage",
                         f"reports.biasreport:{report.public_id}", report.content_hash,
                         report.decided_at.isoformat() if report.decided_at else "")


def _pct(value: Any) -> str:
    return "onbekend" if value is None else f"{float(value) * 100:.0f}%".replace(".", ",")


# --- The proposals ---------------------------------------------------------------------------------------


def proposals(*, today: date | None = None) -> dict[str, Proposal]:
    """A proposal for every field the portal can ground in its own data."""
    today = today or timezone.localdate()
    record = system.system_record()
    set_source = Source("SET", "systeemgegevens (beheerder)", "register.system", _code_version(record))
    chars, chr_source = _characteristics()
    ban = _ban()
    wf, wf_source = _workflow()
    active, prf = _active_profiles(today)
    bias, bias_source = _latest_signed_report()
    adv = Source("ADV", "de adviesregel (spoor snel, regulier of intensief)", "profiles.advice",
                 _code_version("track-rule-1"))
    gen = Source("GEN", "het opstellen van profielen met een beslisboom", "generation",
                 _code_version("tree-1", 3))
    leg = Source("LEG", "wettelijke grondslagen", "register.system", _code_version(record.get("legal_bases")))
    doc = Source("DOC", "DPIA en IAMA van het portaal", "assessments", _code_version(record.get("assessments")))

    out: dict[str, Proposal] = {}

    def put(key: str, value: Any, *sources: Source) -> None:
        out[key] = Proposal(key, value, tuple(s for s in sources if s is not None))

    for key in ("name", "organization", "category", "begin_date", "end_date", "contact_email", "website",
                "provider", "publiccode", "process_index_url", "tags", "url"):
        if key in record:
            put(key, record[key], set_source)
    put("status", "In gebruik" if active["chance"] + active["risk"] else record.get("status", "In ontwikkeling"),
        prf, set_source)
    put("publication_category", record.get("publication_category", "Impactvolle algoritmes"), set_source)
    put("lang", "nld")
    put("standard_version", "1.0")
    put("description_short",
        "IOB geeft de beslismedewerker bij een aanvraag voor een kort verblijf visum een behandeladvies: een "
        "spoor snel, regulier of intensief. Het spoor bepaalt alleen hoeveel onderzoek een aanvraag krijgt. "
        "Het is nooit een grond voor weigering; de medewerker beslist op het hele dossier.", adv)
    put("goal",
        "<p>IOB helpt visumaanvragen voor kort verblijf (Schengen) efficiënt en zorgvuldig te behandelen en "
        "bedreigingen voor de openbare orde, de veiligheid en vestiging te voorkomen.</p>"
        "<p>Wat een aanvrager merkt: bij een intensief spoor kan een extra gesprek of kunnen extra documenten "
        "worden gevraagd. De voorwaarden voor een visum zijn voor iedereen gelijk.</p>", adv)
    put("proportionality",
        "<p>Het advies zet alleen de onderzoeksinspanning; het besluit blijft mensenwerk. Overwogen "
        "alternatieven: alle aanvragen even intensief behandelen (meer belasting voor aanvragers en meer "
        "wachttijd) of alleen handmatige selectie (minder consistent en minder controleerbaar). Profielen "
        "beschrijven grote groepen, nooit één persoon.</p>", adv, gen)
    follow = ""
    if bias:
        follow = (f"<p>Volgens de laatste afgetekende biasrapportage ({bias['from']} tot en met {bias['to']}) "
                  f"volgden medewerkers het advies in {_pct(bias['follow_rate'])} van de beslissingen op een snel "
                  "of intensief spoor; de FG beoordeelt dit om blind varen op het advies te zien.</p>")
    put("human_intervention",
        "<p>De beslismedewerker beslist altijd zelf op het hele dossier, volgens de Visumcode. Het advies is "
        "nooit een grond voor weigering en wordt met zijn redenen getoond.</p>"
        + ("<p>Elk profiel wordt door een tweede persoon goedgekeurd (vier ogen)"
           + (" en risicoprofielen worden ook door de FG afgetekend" if wf["dpo_sign_off"] else "")
           + "; profielen kunnen op elk moment worden ingetrokken.</p>" if wf["four_eyes"] else "")
        + follow, adv, wf_source, *([bias_source] if bias_source else []))
    signed = (f"<li>De laatste biasrapportage is op {bias['signed']:%d-%m-%Y} door de FG afgetekend.</li>"
              if bias and bias.get("signed") else "<li>Er is nog geen door de FG afgetekende biasrapportage.</li>")
    put("risks",
        "<p>Ingebouwde maatregelen:</p><ul>"
        "<li>Een profiel gebruikt altijd ten minste drie van de zeven kenmerken, en combineert altijd "
        "aanvraaggegevens met persoonsgegevens.</li>"
        "<li>Etniciteit en andere bijzondere persoonsgegevens worden nooit gebruikt.</li>"
        "<li>Profielen worden door een tweede persoon goedgekeurd; risicoprofielen ook door de FG.</li>"
        "<li>Elke maand rapporteert het portaal hoe advies en beslissingen tussen groepen verschillen, met "
        "onzekerheid; de FG beoordeelt en tekent af.</li>" + signed + "</ul>",
        chr_source, ban, wf_source, *([bias_source] if bias_source else []))
    put("lawful_basis",
        "<p>Uitvoering van een taak van algemeen belang (AVG art. 6 lid 1 onder e), bij de behandeling van "
        "visumaanvragen onder de Visumcode en de VIS-verordening.</p>", leg)
    put("lawful_basis_grouping", record.get("legal_bases", []), leg)
    put("impacttoetsen",
        "<p>Voor IOB zijn een DPIA en een IAMA uitgevoerd. De inhoud is niet openbaar omdat die inzicht geeft in "
        "de werking van de profielen.</p>", doc)
    put("impacttoetsen_grouping", record.get("assessments", []), doc)
    char_list = "".join(f"<li>{name} ({'aanvraag' if kind == 'application' else 'persoon'})</li>"
                        for name, kind in chars)
    put("source_data",
        "<p>IOB gebruikt zeven kenmerken van een aanvraag:</p><ul>" + char_list + "</ul>"
        "<p>Profielen worden opgesteld uit vijf jaar beslist aanvragen en latere treffers bij partners in de "
        "migratieketen. Bijzondere persoonsgegevens, zoals etniciteit of godsdienst, worden niet gebruikt.</p>",
        chr_source, ban, gen)
    put("methods_and_models",
        "<p>Profielen komen uit een regelgebaseerde beslisboom, niet uit zelflerende software. Vijf jaar beslist "
        "aanvragen wordt in een vaste volgorde op de zeven kenmerken gesplitst (eerst de post, dan het "
        "hoofddoel, dan de leeftijdsgroep, enzovoort). Groepen onder een minimumgrootte vallen af; elke "
        "overgebleven groep krijgt het label kans, risico of daartussen op grond van vooraf vastgestelde "
        "drempels. De boom wordt gesnoeid en alleen profielen met ten minste drie kenmerken blijven over. "
        "Mensen beoordelen en keuren profielen voor gebruik.</p>"
        f"<p>Op dit moment zijn {active['chance']} kansprofielen en {active['risk']} risicoprofielen actief.</p>",
        gen, adv, prf)
    return out


def staleness(*, provenance: dict[str, Any], today: date | None = None) -> dict[str, dict[str, Any]]:
    """Fields whose stored prefill no longer matches its sources: {key: {"sources": [...current]}}."""
    current = proposals(today=today)
    out = {}
    for key, stored in provenance.items():
        proposal = current.get(key)
        if proposal is not None and stored.get("fingerprint") and stored["fingerprint"] != proposal.fingerprint:
            out[key] = {"sources": [s.as_dict() for s in proposal.sources], "value": proposal.value}
    return out
