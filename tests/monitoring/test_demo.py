"""Synthetic demo records: valid, stable, and telling the stories the demo needs."""

from datetime import date

import pytest
from django.db.models import Count, Q

from advice.cache import advice_index_current
from monitoring.demo import NATIONALITIES, monitoring_demo_records_generate
from monitoring.models import ImportRun, MonitoringRecord
from monitoring.services import importer
from tests.advice.test_engine import CHANCE_BUSINESS
from tests.conftest import current_window

pytestmark = pytest.mark.django_db

UNTIL = date.today()
DEMO = importer("test demo records")


@pytest.fixture
def business_profile(make_profile, activate):
    return activate(make_profile(kind="chance", criteria=CHANCE_BUSINESS, window=current_window()))


def test_demo_records_are_stable_and_idempotent(users):
    assert monitoring_demo_records_generate(n=3000, seed=4, actor=users["admin"], until=UNTIL) == 3000
    before = list(MonitoringRecord.objects.order_by("application_id").values())
    assert monitoring_demo_records_generate(n=3000, seed=4, actor=users["admin"], until=UNTIL) == 3000
    assert list(MonitoringRecord.objects.order_by("application_id").values()) == before
    second = ImportRun.objects.order_by("-id").first()
    assert (second.inserted_count, second.updated_count, second.unchanged_count) == (0, 0, 3000)
    assert MonitoringRecord.objects.filter(application_id="DEMO-4-0000001").exists()
    monitoring_demo_records_generate(n=100, seed=5, actor=DEMO, until=UNTIL)
    assert MonitoringRecord.objects.count() == 3100


def test_demo_advice_is_the_engines(business_profile):
    monitoring_demo_records_generate(n=20_000, seed=1, actor=DEMO, until=UNTIL)
    index, _catalogue = advice_index_current()
    order = (
        "nationality",
        "age_group",
        "gender",
        "marital_status",
        "occupation",
        "travel_purpose",
        "application_location",
    )
    fast = MonitoringRecord.objects.filter(advice="fast")
    assert fast.exists() and not fast.exclude(matched_profiles=f"{business_profile.code}@1").exists()
    for r in MonitoringRecord.objects.all()[:3000]:
        result = index.decide([getattr(r, c) for c in order], (r.applicant_hit, r.referent_hit, r.employer_hit), UNTIL)
        assert (r.advice, r.matched_profiles) == (result.track, result.matched_profiles)


def test_demo_records_look_like_the_real_world(users):
    monitoring_demo_records_generate(n=20_000, seed=2, actor=DEMO, until=UNTIL)
    records = MonitoringRecord.objects
    # Posts fit nationalities.
    for nationality, post in records.values_list("nationality", "application_location").distinct():
        assert post in NATIONALITIES[nationality][1]
    # A skewed mix: the largest nationality is far more common than the smallest.
    counts = dict(records.values_list("nationality").annotate(n=Count("id")))
    assert counts["CHN"] > 10 * counts["SYR"]

    def refusal_rate(**where) -> float:
        decided = records.filter(decision__in=["granted", "refused"], **where)
        return decided.filter(decision="refused").count() / decided.count()

    assert refusal_rate(nationality="SYR") > 3 * refusal_rate(nationality="CHN")
    assert 0.08 < refusal_rate() < 0.3
    # Officers O-1 … O-40; pending records have neither officer nor decision date.
    officers = set(records.exclude(officer_id="").values_list("officer_id", flat=True))
    assert officers <= {f"O-{i}" for i in range(1, 41)} and len(officers) > 30
    assert not records.filter(decision="pending").filter(~Q(officer_id="") | Q(decided_on__isnull=False)).exists()
    assert records.filter(lodged_on__gt=UNTIL).count() == 0
    assert records.filter(chain_hit=True).exists() and records.filter(referent_hit=True).exists()
    # Minors are minors.
    assert not records.filter(age_group="0-17").exclude(occupation__in=["minor", "student"]).exists()


def test_mechanical_officers_follow_the_advice(business_profile):
    monitoring_demo_records_generate(n=30_000, seed=3, actor=DEMO, until=UNTIL)
    decided = MonitoringRecord.objects.filter(decision__in=["granted", "refused"], advice="intensive")

    def intensive_refusal(officers) -> float:
        mine = decided.filter(officer_id__in=officers)
        return mine.filter(decision="refused").count() / mine.count()

    assert intensive_refusal(["O-7", "O-19", "O-33"]) > 0.9
    assert intensive_refusal([f"O-{i}" for i in range(1, 41) if i not in (7, 19, 33)]) < 0.8
