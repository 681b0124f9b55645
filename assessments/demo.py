"""Demo DPIA and IAMA for `seed_demo`: prefilled answers (taken over through the same
service an author uses, so they carry provenance) beside hand-written ones, items,
participants and action points. The DPIA is signed; the IAMA stays a draft."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from prefill import registry

from . import services
from .models import Assessment, DocumentKind
from .questionsets import effective_prefill, questionset_data

DPIA_HAND = {
    "R00": {"dpia3.R00_introduction": {"text": "Deze DPIA beschrijft IOB zoals het portaal het nu uitvoert."}},
    "A02": {
        "dpia3.A02_personal_data": {
            "items": [
                {
                    "values": {
                        "item": "nationaliteit",
                        "subjects": "aanvrager",
                        "category": "identiteit",
                        "data_type": "gewoon",
                        "original_purpose": "visumaanvraag",
                    }
                },
                {"values": {"item": "leeftijdsgroep", "subjects": "aanvrager", "data_type": "gewoon"}},
                {"values": {"item": "hoofddoel van de reis", "subjects": "aanvrager", "data_type": "gewoon"}},
            ]
        }
    },
    "A03": {
        "dpia3.A03_processing": {
            "items": [
                {"values": {"operation": "profielen genereren", "data": "vijf jaar besliste aanvragen"}},
                {"values": {"operation": "behandeladvies", "data": "zeven kenmerken, bekende partijen"}},
                {"values": {"operation": "monitoring", "data": "advies en besluit"}},
            ]
        }
    },
    "B12": {
        "dpia3.B12_special_criminal_bsn": {
            "fields": {"special": "no", "criminal": "no", "national_id": "no"},
            "text": "Bijzondere persoonsgegevens zijn uitgesloten (verbod).",
        }
    },
    "C16": {
        "dpia3.C16_risks": {
            "items": [
                {
                    "values": {
                        "risk": "indirecte discriminatie op nationaliteit",
                        "origin": "risicoprofielen",
                        "likelihood": "midden",
                        "impact": "hoog",
                        "level": "hoog",
                        "reasoning": "Weigerpercentages verschillen sterk per nationaliteit.",
                    }
                },
                {
                    "values": {
                        "risk": "automation bias bij beslismedewerkers",
                        "origin": "advies",
                        "likelihood": "midden",
                        "impact": "midden",
                        "level": "midden",
                    }
                },
            ]
        }
    },
    "D17": {
        "dpia3.D17_measures": {
            "items": [
                {
                    "values": {
                        "risk": "indirecte discriminatie",
                        "measures": "drie-van-zeven, verbod, vier ogen, FG-aftekening, maandelijks biasrapport",
                        "residual": "midden",
                        "owner": "CA/VV",
                    }
                }
            ]
        },
        "dpia3.D17_acceptance_rationale": {"text": "Het restrisico is aanvaardbaar gezien de maatregelen."},
    },
}
DPIA_PREFILLED = [
    "dpia3.A04_techniques",
    "dpia3.A09_legal_policy_framework",
    "dpia3.A10_retention",
    "dpia3.B11_legal_basis",
    "dpia3.B13_purpose_limitation",
    "dpia3.B14_necessity_proportionality",
]
IAMA_HAND = {
    "1.1": {
        "iama26.1.1.1_trigger_problem": {
            "text": "Het aantal visumaanvragen groeit; de behandeltijd moet omlaag "
            "zonder de zorgvuldigheid te verliezen."
        }
    },
    "1.3": {"iama26.1.3.1_prohibited_ai": {"yes": "no"}, "iama26.1.3.2_statutory_task": {"yes": "yes"}},
    "2.1": {
        "iama26.2.1.1.1_learning_type": {
            "choice": "niet-zelflerend",
            "text": "Een regelgebaseerde beslisboom, maandelijks uit data afgeleid.",
        }
    },
    "4.1": {
        "iama26.4.1.1.1_rights_negative": {
            "choices": ["data_protection", "indirect_distinction", "profiling", "good_administration"]
        }
    },
}
IAMA_PREFILLED = [
    "iama26.2.2A.1_rules_origin",
    "iama26.3.2.1_staff_role",
    "iama26.3.4.1_lifecycle_monitoring",
    "iama26.4.2.3_equal_treatment",
    "iama26.1.3.4_legal_basis",
]


def _fill(users: dict[str, Any], version: Any, hand: dict[str, Any], prefilled: list[str]) -> None:
    author = users["policy_officer"]
    for section, answers in hand.items():
        services.section_save(actor=author, version=version, section_id=section, answers=answers)
    qs = questionset_data(version.question_set)
    for key in prefilled:
        proposal = registry.proposal_compute(effective_prefill(qs.by_key[key]))
        if proposal is not None:
            services.prefill_accept_answer(actor=author, version=version, key=key, fingerprint=proposal.fingerprint)


def assessments_demo_create(*, users: dict[str, Any]) -> list[str]:
    """Create the demo DPIA (signed) and IAMA (draft) unless they exist; returns what was made."""
    made = []
    if not Assessment.objects.filter(kind=DocumentKind.DPIA).exists():
        dpia = services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.DPIA)
        version = dpia.versions.get()
        _fill(users, version, DPIA_HAND, DPIA_PREFILLED)
        services.participant_add(
            actor=users["policy_officer"],
            version=version,
            name="Documentbeheerder CA/VV",
            role_code="PO",
            function="beleidsmedewerker",
        )
        services.action_point_save(
            actor=users["policy_officer"],
            version=version,
            part="D17",
            text="Toets het voorstel voor de VIS-indicatoren (geen profiel op alleen geslacht en/of leeftijd).",
            owner="CA/VV",
            due_on=timezone.localdate() + timedelta(days=90),
        )
        services.version_transition(actor=users["policy_officer"], version=version, action="submit")
        services.version_transition(
            actor=users["dpo"],
            version=version,
            action="record_dpo_advice",
            advice="Positief advies, mits het maandelijkse biasrapport wordt besproken.",
        )
        services.version_transition(actor=users["reviewer"], version=version, action="sign", comment="Vastgesteld.")
        made.append("DPIA v1 (signed)")
    if not Assessment.objects.filter(kind=DocumentKind.IAMA).exists():
        iama = services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.IAMA)
        version = iama.versions.get()
        _fill(users, version, IAMA_HAND, IAMA_PREFILLED)
        for name, role in (
            ("Projectleider IOB", "PL"),
            ("Data scientist", "DS"),
            ("Jurist DJZ", "JUR"),
            ("Gespreksleider", "GL"),
        ):
            services.participant_add(actor=users["policy_officer"], version=version, name=name, role_code=role)
        services.action_point_save(
            actor=users["policy_officer"],
            version=version,
            part="3.2",
            text="Training over automation bias voor beslismedewerkers.",
            owner="CA/VV",
            due_on=timezone.localdate() + timedelta(days=60),
        )
        made.append("IAMA v1 (draft)")
    return made
