import pytest

from assessments import services
from assessments.models import DocumentKind


@pytest.fixture
def dpia(users):
    return services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.DPIA)


@pytest.fixture
def iama(users):
    return services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.IAMA)


@pytest.fixture
def draft(dpia):
    return dpia.versions.get()


@pytest.fixture
def signed(users, draft):
    """A DPIA version written by the policy officer, advised by the DPO, signed by the reviewer."""
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "IOB advises a track."}},
    )
    services.version_transition(actor=users["policy_officer"], version=draft, action="submit")
    services.version_transition(actor=users["dpo"], version=draft, action="record_dpo_advice", advice="Positive.")
    return services.version_transition(actor=users["reviewer"], version=draft, action="sign")
