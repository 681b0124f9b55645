"""Catalogues: administrators extend age bands, occupations and posts; nothing else."""

import pytest

from audit.models import AuditEvent
from problems import DomainError
from profiles.models import CatalogueCode
from profiles.services import catalogue_code_add, catalogue_sync


def add(users, **kwargs):
    args = {
        "actor": users["admin"],
        "characteristic": "occupation",
        "code": "pilot",
        "label_nl": "Piloot",
        "label_en": "Pilot",
        **kwargs,
    }
    return catalogue_code_add(**args)


def test_builtin_catalogues_are_there(db):
    counts = dict(
        CatalogueCode.objects.values_list("characteristic").annotate(n=__import__("django").db.models.Count("id"))
    )
    assert counts["gender"] == 3 and counts["age_group"] == 7 and counts["marital_status"] == 7
    assert counts["nationality"] >= 249 + 4  # ISO 3166-1 from pycountry plus XXA, XXB, XXC, XXX
    assert CatalogueCode.objects.filter(characteristic="nationality", code="XXA").exists()
    assert catalogue_sync() == 0  # idempotent


def test_administrator_adds_an_occupation_and_a_post(users):
    code = add(users)
    assert (code.characteristic, code.code, code.builtin) == ("occupation", "pilot", False)
    post = add(users, characteristic="application_location", code="brbsb", label_nl="Brasilia", label_en="Brasília")
    assert post.code == "BRBSB"
    assert AuditEvent.objects.filter(event_type="catalogue.code_added").count() == 2


@pytest.mark.parametrize("characteristic", ["nationality", "gender", "marital_status", "travel_purpose"])
def test_fixed_catalogues_cannot_be_extended(users, characteristic):
    with pytest.raises(DomainError) as excinfo:
        add(users, characteristic=characteristic)
    assert excinfo.value.codes == ["catalogue_fixed"]


def test_no_eighth_characteristic(users):
    with pytest.raises(DomainError) as excinfo:
        add(users, characteristic="shoe_size")
    assert excinfo.value.codes == ["unknown_characteristic"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"characteristic": "Etniciteit"},
        {"code": "ethnic_arab"},
        {"label_nl": "Religieuze groep"},
        {"label_en": "Skin colour"},
        {"code": "r-a-c-e"},
    ],
)
def test_special_categories_are_refused_as_banned_and_logged(users, kwargs):
    with pytest.raises(DomainError) as excinfo:
        add(users, **kwargs)
    assert "banned_characteristic" in excinfo.value.codes
    assert AuditEvent.objects.filter(event_type="catalogue.banned_code_refused").count() == 1
    assert not CatalogueCode.objects.filter(builtin=False).exists()


@pytest.mark.parametrize("code", ["XX123", "ZZABC", "NL", "NLAMSX", "nl-am"])
def test_posts_are_un_locodes_of_real_countries(users, code):
    with pytest.raises(DomainError) as excinfo:
        add(users, characteristic="application_location", code=code)
    assert excinfo.value.codes == ["invalid_code"]


def test_duplicates_and_missing_labels_are_refused(users):
    with pytest.raises(DomainError) as excinfo:
        add(users, code="managers")
    assert excinfo.value.codes == ["duplicate_code"]
    with pytest.raises(DomainError) as excinfo:
        add(users, label_en=" ")
    assert excinfo.value.codes == ["label_required"]


@pytest.mark.parametrize("role", ["policy_officer", "reviewer", "dpo", "auditor", "register_editor"])
def test_only_administrators_extend_catalogues(users, role):
    with pytest.raises(DomainError) as excinfo:
        add(users, actor=users[role])
    assert excinfo.value.status == 403


def test_a_new_code_can_be_used_in_a_profile(users, make_profile):
    add(users)
    profile = make_profile(
        criteria=[
            {"characteristic": "occupation", "values": ["pilot"]},
            {"characteristic": "travel_purpose", "values": ["business"]},
            {"characteristic": "gender", "values": ["F"]},
        ]
    )
    assert profile.criteria.get(characteristic="occupation").values == ["pilot"]
