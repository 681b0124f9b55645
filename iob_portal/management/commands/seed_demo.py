"""Demo users, catalogues, profiles in several states and synthetic monitoring records.

Idempotent: running it again brings the users back to the given password and roles and
adds nothing twice. Everything goes through the services, so the demo data is audited
and obeys the same rules as real data.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, user_roles
from accounts.second_factor import SECOND_FACTOR_ROLES
from accounts.services import user_create_or_update
from profiles.models import Profile
from profiles.services import catalogue_sync, profile_create, profile_transition

DEMO_USERS = {
    "policy_officer": [Role.POLICY_OFFICER],
    "policy_officer2": [Role.POLICY_OFFICER],
    "reviewer": [Role.REVIEWER],
    "reviewer2": [Role.REVIEWER],
    "dpo": [Role.DPO],
    "register_editor": [Role.REGISTER_EDITOR],
    "auditor": [Role.AUDITOR],
    "admin": [Role.ADMINISTRATOR],
}

RISK_JUSTIFICATION = {
    "legitimate_aim": "Tijdig signaleren van aanvragen die extra onderzoek vragen (art. 21 Visumcode).",
    "suitability": "De groep liet over vijf jaar een duidelijk hoger percentage latere ketenpartner-hits zien.",
    "necessity": "Alleen de onderzoeksintensiteit verandert; er volgt nooit een weigering uit de hit.",
    "proportionality": "Beperkte extra last (gesprek, documenten), maandelijkse herbeoordeling, DPO-toezicht.",
    "nationality_use": (
        "Nationaliteit onderscheidt groepen met verschillende uitkomsten; etniciteit wordt niet gebruikt."
    ),
}

# (title, kind, criteria, final state)
DEMO_PROFILES = [
    (
        "Demo: zakenreizigers Peking 35–44",
        "chance",
        {"application_location": ["CNBJS"], "travel_purpose": ["business"], "age_group": ["35-44"]},
        "active",
    ),
    (
        "Demo: toeristen Mumbai 45–54",
        "chance",
        {"application_location": ["INBOM"], "travel_purpose": ["tourism"], "age_group": ["45-54"]},
        "active",
    ),
    (
        "Demo: zakelijk Dubai, leidinggevenden",
        "chance",
        {"application_location": ["AEDXB"], "travel_purpose": ["business"], "occupation": ["managers"]},
        "active",
    ),
    (
        "Demo: familiebezoek Paramaribo 55+",
        "chance",
        {"application_location": ["SRPBM"], "travel_purpose": ["family_friends"], "age_group": ["55-64", "65+"]},
        "active",
    ),
    (
        "Demo: familiebezoek Lagos, mannen 18–34",
        "risk",
        {
            "application_location": ["NGLOS"],
            "travel_purpose": ["family_friends"],
            "gender": ["M"],
            "age_group": ["18-24", "25-34"],
        },
        "active",
    ),
    (
        "Demo: toerisme Casablanca, ongehuwd 18–24",
        "risk",
        {
            "application_location": ["MACAS"],
            "travel_purpose": ["tourism"],
            "marital_status": ["single"],
            "age_group": ["18-24"],
        },
        "in_review",
    ),
    (
        "Demo: studie Istanboel",
        "chance",
        {"application_location": ["TRIST"], "travel_purpose": ["study"], "occupation": ["student"]},
        "draft",
    ),
    (
        "Demo: cultureel Moskou",
        "chance",
        {"application_location": ["RUMOW"], "travel_purpose": ["cultural"], "age_group": ["25-34", "35-44"]},
        "changes_requested",
    ),
    (
        "Demo: transit Lagos",
        "risk",
        {"application_location": ["NGLOS"], "travel_purpose": ["airport_transit"], "nationality": ["NGA"]},
        "rejected",
    ),
    (
        "Demo: sport Dubai",
        "chance",
        {"application_location": ["AEDXB"], "travel_purpose": ["sports"], "gender": ["F"]},
        "withdrawn",
    ),
]

PATHS = {
    "draft": [],
    "in_review": [("policy_officer", "submit", "Graag beoordelen.")],
    "changes_requested": [
        ("policy_officer", "submit", ""),
        ("reviewer", "request_changes", "Onderbouw de leeftijdsgrenzen."),
    ],
    "rejected": [
        ("policy_officer", "submit", ""),
        ("reviewer", "reject", "Alleen transit is te smal en raakt vooral één nationaliteit."),
    ],
    "active": [
        ("policy_officer", "submit", ""),
        ("reviewer", "approve", "Akkoord."),
        ("dpo", "dpo_sign_off", "Proportioneel; maandelijks volgen."),
    ],
    "withdrawn": [
        ("policy_officer", "submit", ""),
        ("reviewer", "approve", "Akkoord."),
        ("reviewer2", "withdraw", "Te weinig aanvragen om het profiel te rechtvaardigen."),
    ],
}


class Command(BaseCommand):
    help = "Create demo users (one per role), catalogues, sample profiles and N synthetic monitoring records."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo")
        parser.add_argument("--records", type=int, default=0)

    def handle(self, *args, password: str, records: int, **options):
        if records < 0:
            raise CommandError("--records must be 0 or more")
        users = {}
        with transaction.atomic():
            for name, roles in DEMO_USERS.items():
                # `admin` uses the admin site as staff with the administrator role's rights; it is
                # no superuser, and takes part in no workflow (one person cannot approve alone).
                users[name] = user_create_or_update(
                    username=name, password=password, roles=roles, is_staff=name == "admin", is_superuser=False
                )
        self._second_factor(users)
        created_codes = catalogue_sync()
        made = self._profiles(users)
        self.stdout.write(f"users: {len(users)}; catalogue codes added: {created_codes}; demo profiles added: {made}")
        if records:
            from monitoring.demo import monitoring_demo_records_generate
            from monitoring.services import importer

            count = monitoring_demo_records_generate(n=records, seed=0, actor=importer("manage.py seed_demo"))
            self.stdout.write(f"monitoring records: {count}")
        from generation.demo import generation_demo_seed

        parameter_set, run = generation_demo_seed(users=users)
        self.stdout.write(
            f"approved parameter set: {parameter_set}; generation run for {run.valid_from:%Y-%m}: "
            f"{run.counts.get('chance', 0)} chance, {run.counts.get('risk', 0)} risk profiles proposed"
        )
        from assessments.demo import assessments_demo_create

        self.stdout.write("assessments: " + (", ".join(assessments_demo_create(users=users)) or "already there"))
        from register.services import register_demo_draft

        self.stdout.write(f"register entry: {register_demo_draft(actor=users['register_editor'])}")

    def _second_factor(self, users) -> None:
        """The accounts whose role needs a TOTP code get a device of their own (kept when
        run again); `manage.py demo_totp NAME` prints the current code."""
        from accounts.second_factor import demo_device_enrol

        with_device = []
        for name, user in users.items():
            # Also when the requirement is off, so that turning it on needs no new seed.
            if user_roles(user) & SECOND_FACTOR_ROLES:
                device = demo_device_enrol(user=user)
                with_device.append(name)
                self.stdout.write(f"second factor of {name}: {device.config_url}")
        self.stdout.write(
            f"{', '.join(with_device)} give a TOTP code at sign-in and before approving or signing off: "
            "add the otpauth URI above to an authenticator app, or run `manage.py demo_totp NAME`."
        )

    def _profiles(self, users) -> int:
        today = timezone.localdate()
        made = 0
        for title, kind, criteria, state in DEMO_PROFILES:
            if Profile.objects.filter(title=title).exists():
                continue
            with transaction.atomic():
                author = users["policy_officer"]
                profile = profile_create(
                    actor=author,
                    kind=kind,
                    title=title,
                    criteria=[{"characteristic": k, "values": v} for k, v in criteria.items()],
                    valid_from=today - timedelta(days=14),
                    valid_until=today + timedelta(days=60),
                    justification=RISK_JUSTIFICATION if kind == "risk" else {},
                    evidence={
                        "evidence_group_size": 1200 + 37 * made,
                        "evidence_chain_hit_rate": 0.004 if kind == "chance" else 0.09,
                        "evidence_refusal_rate": 0.03 if kind == "chance" else 0.31,
                        "evidence_period_from": today.replace(year=today.year - 5),
                        "evidence_period_until": today - timedelta(days=31),
                    },
                )
                for actor, action, comment in PATHS[state]:
                    if action == "dpo_sign_off" and kind != "risk":
                        continue
                    profile = profile_transition(actor=users[actor], profile=profile, action=action, comment=comment)
            made += 1
        return made
