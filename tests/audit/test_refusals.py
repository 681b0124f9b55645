"""The one audited-refusal scope: a refusal is on record after rollback, also when nested."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.refusals import audited_refusal
from audit.services import audit_event_record
from problems import DomainError


def _test_events():
    return AuditEvent.objects.filter(event_type__startswith="test.")  # not the migrations' own events


def _refuse(code):
    raise DomainError.single(code, "refused")


def _record(name):
    return lambda error: audit_event_record(event_type=f"test.refused.{name}", data={"codes": error.codes})


@pytest.mark.django_db(transaction=True)
def test_refusal_is_written_after_the_rollback():
    with pytest.raises(DomainError), audited_refusal(_record("outer")):
        audit_event_record(event_type="test.change")
        _refuse("nope")
    assert list(_test_events().values_list("event_type", flat=True)) == ["test.refused.outer"]


@pytest.mark.django_db(transaction=True)
def test_inner_refusal_survives_the_outer_rollback():
    # The inner service refuses; the outer one fails because of it: both refusals stay.
    with pytest.raises(DomainError), audited_refusal(_record("outer")):
        audit_event_record(event_type="test.outer_change")
        with audited_refusal(_record("inner")):
            _refuse("inner_code")
    events = list(_test_events().order_by("seq").values_list("event_type", "data"))
    assert events == [
        ("test.refused.inner", {"codes": ["inner_code"]}),
        ("test.refused.outer", {"codes": ["inner_code"]}),
    ]


@pytest.mark.django_db(transaction=True)
def test_inner_refusal_recorded_when_outer_catches_it_and_commits():
    with audited_refusal(_record("outer")):
        audit_event_record(event_type="test.outer_change")
        try:
            with audited_refusal(_record("inner")):
                audit_event_record(event_type="test.inner_change")
                _refuse("inner_code")
        except DomainError:
            pass
    assert list(_test_events().order_by("seq").values_list("event_type", flat=True)) == [
        "test.outer_change",
        "test.refused.inner",
    ]


@pytest.mark.django_db(transaction=True)
def test_success_writes_no_refusal_and_scope_resets():
    with audited_refusal(_record("ok")):
        audit_event_record(event_type="test.change")
    with pytest.raises(DomainError), audited_refusal(_record("second")):
        _refuse("x")
    assert list(_test_events().order_by("seq").values_list("event_type", flat=True)) == [
        "test.change",
        "test.refused.second",
    ]


@pytest.mark.django_db(transaction=True)
def test_other_exceptions_roll_back_without_a_refusal():
    with pytest.raises(ValueError), audited_refusal(_record("x")):
        audit_event_record(event_type="test.change")
        raise ValueError("bug")
    assert not _test_events().exists()
    with transaction.atomic():  # the scope left no state behind
        pass
