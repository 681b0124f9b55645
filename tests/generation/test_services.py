"""Parameter sets and runs through the services: workflow, four eyes, idempotency, the
validator on every leaf, the comparison and bulk approval."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from audit.models import AuditEvent
from generation import services
from generation.models import CandidateOutcome, GenerationRun, ParameterSet, RunOrigin, RunStatus
from problems import DomainError
from profiles.models import Profile, ProfileStatus

from .helpers import group

TODAY = date.today()


def _run(users, **kw):
    run = services.run_request(actor=users["policy_officer"], origin=RunOrigin.PORTAL, today=TODAY, enqueue=False, **kw)
    return services.run_execute(run_id=run.pk, job_id=run.job_id)


def _data(records_in_db):
    records_in_db(group(10, nat="SUR") + group(10, nat="NGA", hits=5) + group(30, loc="MACAS", purpose="business"))


def test_parameter_set_workflow_with_four_eyes(users):
    officer, reviewer = users["policy_officer"], users["reviewer"]
    ps = services.parameter_set_create(
        actor=officer,
        name="A",
        min_group_size=100,
        chance_max_hit_rate=0.01,
        chance_max_refusal_rate=0.05,
        risk_min_hit_rate=0.05,
    )
    assert ps.status == "draft" and ps.min_depth == 3
    ps = services.parameter_set_transition(actor=officer, parameter_set=ps, action="submit")
    with pytest.raises(DomainError) as error:
        services.parameter_set_transition(actor=officer, parameter_set=ps, action="approve")
    assert error.value.codes == ["role_required"]
    ps = services.parameter_set_transition(actor=reviewer, parameter_set=ps, action="approve")
    assert ps.status == "approved" and ps.approved_by == reviewer
    assert AuditEvent.objects.filter(event_type="parameter_set.approve").count() == 1


def test_a_reviewer_who_edited_cannot_approve(users):
    # A user with both roles writes a set: four eyes keeps them from approving it.
    from accounts.services import user_create_or_update

    both = user_create_or_update(username="both", password="x", roles=["policy_officer", "reviewer"])
    ps = services.parameter_set_create(
        actor=both,
        name="B",
        min_group_size=10,
        chance_max_hit_rate=0.01,
        chance_max_refusal_rate=0.05,
        risk_min_hit_rate=0.05,
    )
    ps = services.parameter_set_transition(actor=both, parameter_set=ps, action="submit")
    with pytest.raises(DomainError) as error:
        services.parameter_set_transition(actor=both, parameter_set=ps, action="approve")
    assert error.value.codes == ["four_eyes"]
    assert AuditEvent.objects.filter(event_type="parameter_set.refused").exists()


def test_bad_parameters_are_all_reported(users):
    with pytest.raises(DomainError) as error:
        services.parameter_set_create(
            actor=users["policy_officer"],
            name="",
            min_group_size=0,
            min_depth=2,
            chance_max_hit_rate=1.5,
            chance_max_refusal_rate="x",
            risk_min_hit_rate=None,
            features_ordered=["nationality", "ethnicity"],
        )
    assert set(error.value.codes) == {
        "invalid_split_order",
        "invalid_min_group_size",
        "invalid_rate",
        "invalid_min_depth",
        "required",
    }
    assert not ParameterSet.objects.exists()


def test_an_approved_parameter_set_is_immutable_in_the_database(approved_set):
    ps = approved_set()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterSet.objects.filter(pk=ps.pk).update(min_depth=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterSet.objects.filter(pk=ps.pk).update(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE generation_parameterset SET min_depth = 2 WHERE id = %s", [ps.pk])


def test_an_unapproved_parameter_set_is_refused_with_a_clear_error(users):
    ps = services.parameter_set_create(
        actor=users["policy_officer"],
        name="C",
        min_group_size=10,
        chance_max_hit_rate=0.01,
        chance_max_refusal_rate=0.05,
        risk_min_hit_rate=0.05,
    )
    # The message is in the language of whoever asked (a request's, here set by hand).
    for language, text in (("en", "only an approved parameter set"), ("nl", "alleen een goedgekeurde parameterset")):
        with translation.override(language):
            with pytest.raises(DomainError) as error:
                services.run_request(
                    actor=users["policy_officer"], origin=RunOrigin.PORTAL, parameter_set=ps, enqueue=False
                )
            assert error.value.codes == ["parameter_set_not_approved"]
            assert text in str(error.value.problems[0].message)
    with pytest.raises(DomainError) as error:
        services.run_request(actor=users["policy_officer"], origin=RunOrigin.PORTAL, enqueue=False)
    assert error.value.codes == ["no_approved_parameter_set"]
    assert not GenerationRun.objects.exists()
    assert AuditEvent.objects.filter(event_type="generation_run.refused").count() == 3


def test_only_a_policy_officer_or_the_schedule_starts_a_run(users, approved_set):
    approved_set()
    for name in ("reviewer", "dpo", "auditor", "admin"):
        with pytest.raises(DomainError) as error:
            services.run_request(actor=users[name], origin=RunOrigin.PORTAL, enqueue=False)
        assert error.value.codes == ["role_required"]
    run = services.run_schedule_monthly(today=TODAY)
    assert run.origin == "schedule" and run.started_by_name == "system:schedule"


def test_a_run_proposes_validated_profiles_for_review(users, approved_set, records_in_db):
    approved_set()
    _data(records_in_db)
    run = _run(users)
    assert run.status == RunStatus.COMPLETED
    assert (run.window_from, run.window_to, run.valid_from, run.valid_until) == services.run_month(TODAY)
    assert run.n_records == 50 and len(run.input_checksum) == 64
    assert run.counts["chance"] == 2 and run.counts["risk"] == 1 and run.counts["new"] == 3
    profiles = Profile.objects.filter(generation_run_id=run.public_id)
    assert profiles.count() == 3
    assert set(profiles.values_list("status", flat=True)) == {ProfileStatus.IN_REVIEW}
    assert set(profiles.values_list("origin", flat=True)) == {"generated"}
    risk = profiles.get(kind="risk")
    assert risk.evidence_group_size == 10 and risk.evidence_chain_hit_rate == 0.5
    assert risk.justification["nationality_use"]
    assert run.outline and run.outline[0]["children"]


def test_a_run_started_twice_is_one_run(users, approved_set, records_in_db):
    approved_set()
    _data(records_in_db)
    first = services.run_request(actor=users["policy_officer"], origin=RunOrigin.PORTAL, today=TODAY, enqueue=False)
    again = services.run_request(actor=users["policy_officer2"], origin=RunOrigin.API, today=TODAY, enqueue=False)
    assert again.pk == first.pk
    services.run_execute(run_id=first.pk, job_id=first.job_id)
    # A retried task and a duplicate delivery change nothing.
    services.run_execute(run_id=first.pk, job_id=first.job_id)
    services.run_execute(run_id=first.pk)
    assert GenerationRun.objects.count() == 1
    assert Profile.objects.filter(generation_run_id=first.public_id).count() == 3
    # The database refuses a second run of the same month and parameters, too.
    with pytest.raises(IntegrityError), transaction.atomic():
        GenerationRun.objects.create(
            parameter_set=first.parameter_set,
            origin="api",
            window_from=first.window_from,
            window_to=first.window_to,
            valid_from=first.valid_from,
            valid_until=first.valid_until,
            started_by_name="x",
        )


def test_a_split_order_starting_with_personal_characteristics_drops_profiles_with_reasons(
    users, approved_set, records_in_db
):
    order = [
        "nationality",
        "age_group",
        "gender",
        "application_location",
        "travel_purpose",
        "marital_status",
        "occupation",
    ]
    approved_set(features_ordered=order)
    records_in_db(group(20))
    run = _run(users)
    dropped = run.candidates.get(outcome=CandidateOutcome.DROPPED)
    assert dropped.characteristics == {"nationality": "SUR", "age_group": "25-34", "gender": "M"}
    assert [r["code"] for r in dropped.reasons] == ["missing_application_characteristic"]
    assert dropped.reasons[0]["nl"] and dropped.reasons[0]["en"]
    assert run.counts["dropped"] == 1 and run.counts["chance"] == 0
    assert not Profile.objects.filter(generation_run_id=run.public_id).exists()


def test_an_empty_window_completes_with_nothing_proposed(users, approved_set, records_in_db):
    approved_set()
    records_in_db(group(20, lodged="2010-01-01"))
    run = _run(users)
    assert run.status == RunStatus.COMPLETED and run.n_records == 0
    assert run.counts["chance"] == run.counts["risk"] == 0 and not run.candidates.exists()


def test_comparison_with_the_active_generated_set(users, approved_set, records_in_db):
    from profiles.services import profile_statuses_refresh

    approved_set()
    _data(records_in_db)
    records_in_db(group(10, nat="CHN"), prefix="C")
    first = _run(users)
    # Make last month's profiles active: approve them (chance) and sign off (risk).
    for profile in Profile.objects.filter(generation_run_id=first.public_id):
        if profile.kind == "risk":
            services.profile_transition(actor=users["dpo"], profile=profile, action="dpo_sign_off")
        services.profile_transition(actor=users["reviewer"], profile=profile, action="approve")
    profile_statuses_refresh(today=first.valid_from)
    assert Profile.objects.filter(generation_run_id=first.public_id, status="active").count() == 4
    # Next month: the NGA group now does well, the MACAS group is gone, a new one appears.
    from monitoring.models import MonitoringRecord

    MonitoringRecord.objects.filter(nationality="NGA").update(chain_hit=False)
    MonitoringRecord.objects.filter(application_id__in=[f"C-{i}" for i in range(5)]).update(chain_hit=True)
    MonitoringRecord.objects.filter(application_location="MACAS").delete()
    records_in_db(group(12, loc="TRIST", purpose="business"), prefix="S")
    second = _run_next_month(users, first)
    changes = {c.path_key: (c.outcome, c.change) for c in second.candidates.all()}
    sur = "age_group=25-34|application_location=SRPBM|nationality=SUR|travel_purpose=tourism"
    nga = "age_group=25-34|application_location=SRPBM|nationality=NGA|travel_purpose=tourism"
    assert changes[sur] == ("proposed", "unchanged")
    assert changes[nga] == ("proposed", "changed_type")
    assert changes[nga.replace("NGA", "CHN")] == ("proposed", "changed_type")
    assert changes["age_group=25-34|application_location=MACAS|travel_purpose=business"] == ("gone", "gone")
    assert changes["age_group=25-34|application_location=TRIST|travel_purpose=business"] == ("proposed", "new")
    assert second.counts | {"nodes_after_cut": 0} == {
        "chance": 3,
        "risk": 1,
        "dropped": 0,
        "new": 1,
        "unchanged": 1,
        "changed_type": 2,
        "gone": 1,
        "nodes_after_cut": 0,
    }


def _run_next_month(users, first):
    run = services.run_request(
        actor=users["policy_officer"], origin=RunOrigin.PORTAL, today=first.valid_from, enqueue=False
    )
    return services.run_execute(run_id=run.pk, job_id=run.job_id)


def test_chance_profiles_are_approved_in_bulk_and_risk_profiles_are_not(users, approved_set, records_in_db):
    approved_set()
    _data(records_in_db)
    run = _run(users)
    chance_ids = list(run.candidates.filter(kind="chance", outcome="proposed").values_list("pk", flat=True))
    risk_ids = list(run.candidates.filter(kind="risk").values_list("pk", flat=True))
    with pytest.raises(DomainError) as error:
        services.run_chance_approve(actor=users["reviewer"], run=run, candidate_ids=chance_ids + risk_ids, comment="ok")
    assert error.value.codes == ["risk_in_selection"]
    with pytest.raises(DomainError) as error:
        services.run_chance_approve(actor=users["policy_officer"], run=run, candidate_ids=chance_ids, comment="ok")
    assert error.value.codes == ["role_required"]
    with pytest.raises(DomainError) as error:
        services.run_chance_approve(actor=users["reviewer"], run=run, candidate_ids=chance_ids, comment="")
    assert error.value.codes == ["comment_required"]
    assert (
        services.run_chance_approve(
            actor=users["reviewer"], run=run, candidate_ids=chance_ids, comment="Checked the summary."
        )
        == 2
    )
    assert set(
        Profile.objects.filter(generation_run_id=run.public_id, kind="chance").values_list("status", flat=True)
    ) == {"approved"}
    assert AuditEvent.objects.filter(event_type="generation_run.bulk_approved").count() == 1


def test_run_month_takes_the_five_years_before_the_month():
    assert services.run_month(date(2025, 11, 17)) == (
        date(2020, 11, 1),
        date(2025, 10, 31),
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    assert services.run_month(date(2025, 12, 1)) == (
        date(2020, 12, 1),
        date(2025, 11, 30),
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
