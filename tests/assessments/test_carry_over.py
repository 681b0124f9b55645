"""Carry-over of answers to a new question-set version (by key) and from IAMA 2021 to
IAMA 2026 (along the crosswalk), with new and changed questions marked."""

import copy

import pytest

from assessments import services
from assessments.models import Answer, DocumentKind, QuestionSet, ReviewFlag
from assessments.questionsets import (
    carry_over_mapping,
    content_sha256,
    questionset_data,
    questionset_files,
    questionset_from_file,
)
from problems import DomainError

pytestmark = pytest.mark.django_db


def _sign(users, version, writer="policy_officer"):
    services.version_transition(actor=users[writer], version=version, action="submit")
    services.version_transition(actor=users["dpo"], version=version, action="record_dpo_advice", advice="Ok.")
    return services.version_transition(actor=users["reviewer"], version=version, action="sign")


def test_question_set_files_are_valid_and_keys_are_unique():
    files = questionset_files()
    assert {p for p, _v in files} == {"dpia3", "iama21", "iama26"}
    iama26 = questionset_from_file("iama26")
    assert "iama26.1.3.1_prohibited_ai" in iama26.by_key
    assert iama26.by_key["iama26.1.1.2_goals"].fria == "a"
    assert len(questionset_from_file("dpia3").questions) >= 23


def test_a_stored_set_never_changes(users):
    services.questionset_sync()
    row = QuestionSet.objects.get(prefix="dpia3", version=1)
    QuestionSet.objects.filter(pk=row.pk).update(content_sha256="0" * 64)
    with pytest.raises(DomainError) as refused:
        services.questionset_sync()
    assert refused.value.codes == ["questionset_changed"]


def _dpia_v2() -> QuestionSet:
    data = copy.deepcopy(questionset_files()[("dpia3", 1)])
    data["version"] = 2
    sections = {s["id"]: s for s in data["sections"]}
    sections["A04"]["questions"][0]["text"] = "techniques, flags, and the AI Act classification"  # changed
    sections["R00"]["questions"].append(
        {
            "key": "dpia3.R00_scope",
            "number": "R00.1",
            "title_nl": "Reikwijdte",
            "text": "scope of this DPIA",
            "kind": "text",
            "by": ["PO"],
        }
    )  # new
    data["sections"] = [s for s in data["sections"] if s["id"] != "R18"]  # dropped
    return QuestionSet.objects.create(
        prefix="dpia3",
        version=2,
        title=data["title"],
        edition=data["edition"],
        content=data,
        content_sha256=content_sha256(data),
    )


def test_new_version_of_a_set_carries_answers_by_key_and_marks_new_and_changed(users, dpia, draft):
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "The proposal."}},
    )
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="A04",
        answers={"dpia3.A04_techniques": {"text": "Decision tree."}},
    )
    services.section_save(
        actor=users["policy_officer"],
        version=draft,
        section_id="R18",
        answers={"dpia3.R18_management_summary": {"text": "Summary."}},
    )
    _sign(users, draft)
    v2set = _dpia_v2()
    new = services.version_new(actor=users["policy_officer"], assessment=dpia, question_set=v2set)
    answers = {a.key: a for a in Answer.objects.filter(version=new)}
    assert answers["dpia3.A01_proposal"].value == {"text": "The proposal."}
    assert answers["dpia3.A01_proposal"].review_flag == ReviewFlag.CARRIED
    assert new.carry_over["dpia3.A01_proposal"]["flag"] == "carried"
    assert new.carry_over["dpia3.A04_techniques"]["flag"] == "changed"
    assert new.carry_over["dpia3.A04_techniques"]["old_question"].startswith("techniques; explained flags")
    assert new.carry_over["dpia3.R00_scope"]["flag"] == "new"
    assert "dpia3.R18_management_summary" not in answers  # dropped: stays in the old version
    assert Answer.objects.filter(version=draft, key="dpia3.R18_management_summary").exists()
    # Saving the section again is the review: the flag goes.
    services.section_save(
        actor=users["policy_officer"],
        version=new,
        section_id="A01",
        answers={"dpia3.A01_proposal": {"text": "The proposal."}},
    )
    assert Answer.objects.get(version=new, key="dpia3.A01_proposal").review_flag == ""


def test_iama_2021_answers_carry_over_to_2026_along_the_crosswalk(users):
    services.questionset_sync()
    iama21 = QuestionSet.objects.get(prefix="iama21")
    iama = services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.IAMA, question_set=iama21)
    v1 = iama.versions.get()
    services.section_save(
        actor=users["policy_officer"],
        version=v1,
        section_id="1.1",
        answers={"iama21.1.1_proposal_trigger": {"text": "Visa workload."}},
    )
    services.section_save(
        actor=users["policy_officer"],
        version=v1,
        section_id="1.5",
        answers={
            "iama21.1.5.1_parties": {"text": "BZ builds it."},
            "iama21.1.5.2_responsibilities": {"text": "CA runs it."},
        },
    )
    services.section_save(
        actor=users["policy_officer"],
        version=v1,
        section_id="2B.1",
        answers={"iama21.2B.1.2_why_this_type": {"text": "Explainable."}},
    )
    _sign(users, v1)
    iama26 = services.questionset_latest("iama26")
    v2 = services.version_new(actor=users["policy_officer"], assessment=iama, question_set=iama26)
    answers = {a.key: a for a in Answer.objects.filter(version=v2)}
    # One to one: copied and marked.
    assert answers["iama26.1.1.1_trigger_problem"].value == {"text": "Visa workload."}
    assert answers["iama26.1.1.1_trigger_problem"].review_flag == ReviewFlag.MAPPED
    # Merged (1.5.1 and 1.5.2 → 1.4.1.*): the old texts go beside the new question.
    note = v2.carry_over["iama26.1.4.1.1_parties_development"]
    assert note["flag"] == "mapped" and "BZ builds it." in note["old"] and "CA runs it." in note["old"]
    assert "iama26.1.4.1.1_parties_development" not in answers
    # Split (2B.1.2, 2B.1.3, 2B.1.4 → 2.1.2): the answered one is kept beside it.
    assert "Explainable." in v2.carry_over["iama26.2.1.2_alternatives_fit"]["old"]
    # Questions new in 2026 are marked new.
    assert v2.carry_over["iama26.1.3.1_prohibited_ai"]["flag"] == "new"
    assert v2.question_set.prefix == "iama26"


def test_crosswalk_maps_every_iama21_question_that_names_a_counterpart():
    old, new = questionset_from_file("iama21"), questionset_from_file("iama26")
    mapping = carry_over_mapping(old, new)
    with_v2 = {q.key for q in old.questions if q.v2}
    mapped_from = {k for keys in mapping.mapped.values() for k in keys}
    assert with_v2 == mapped_from
    assert set(mapping.dropped) == {q.key for q in old.questions if not q.v2}


def test_switching_to_the_other_documents_set_is_refused(users, dpia, signed):
    services.questionset_sync()
    with pytest.raises(DomainError) as refused:
        services.version_new(
            actor=users["policy_officer"], assessment=dpia, question_set=services.questionset_latest("iama26")
        )
    assert refused.value.codes == ["wrong_question_set"]


def test_parsed_snapshot_matches_file(users, draft):
    assert questionset_data(draft.question_set).sha256 == draft.question_set.content_sha256


RIGHTS = ("iama26.4.1.1.1_rights_negative", "iama26.4.1.2.2_rights_positive")


def test_iama26_rights_multiselects_offer_the_30_clusters_by_stable_key():
    iama26 = questionset_from_file("iama26")
    assert iama26.version == 2
    for key in RIGHTS:
        q = iama26.by_key[key]
        assert len(q.options) == len(set(q.options)) == 30
        # The spec's likely clusters for IOB are there, under keys that never change.
        assert {"data_protection", "direct_distinction", "indirect_distinction", "profiling"} <= set(q.options)
        assert {"good_administration"} <= set(q.options)
        assert q.label("profiling") == "Verbod van profilering"
        assert all(label and label != o for o, label in q.option_pairs)
    # Version 1 stays as it was stored: a set in use never changes.
    v1 = questionset_files()[("iama26", 1)]
    assert questionset_data_from(v1).by_key[RIGHTS[0]].label("profilering") == "profilering"
    assert "DPO" in iama26.by_key["iama26.4.2.2_dpia_needed"].by


def questionset_data_from(data):
    from assessments.questionsets import questionset_parse

    return questionset_parse(data)


def test_a_rights_answer_stores_keys_and_shows_labels(users, iama):
    version = iama.versions.get()
    assert (version.question_set.prefix, version.question_set.version) == ("iama26", 2)
    with pytest.raises(DomainError) as refused:
        services.section_save(
            actor=users["policy_officer"],
            version=version,
            section_id="4.1",
            answers={RIGHTS[0]: {"choices": ["Verbod van profilering"]}},  # a label is not a value
        )
    assert refused.value.codes == ["invalid_choice"]
    services.section_save(
        actor=users["policy_officer"],
        version=version,
        section_id="4.1",
        answers={RIGHTS[0]: {"choices": ["profiling", "data_protection"]}},
    )
    answer = Answer.objects.get(version=version, key=RIGHTS[0])
    assert answer.value["choices"] == ["data_protection", "profiling"]  # in the catalogue's order
    from assessments.selectors import answer_plain

    q = questionset_data(version.question_set).by_key[RIGHTS[0]]
    assert answer_plain(q, answer) == (
        "Recht op persoonsgegevensbescherming / informationele privacyrechten, Verbod van profilering"
    )


def test_rights_chosen_in_iama26_v1_go_beside_the_question_in_v2(users):
    services.questionset_sync()
    v1_set = QuestionSet.objects.get(prefix="iama26", version=1)
    iama = services.assessment_ensure(actor=users["policy_officer"], kind=DocumentKind.IAMA, question_set=v1_set)
    v1 = iama.versions.get()
    services.section_save(
        actor=users["policy_officer"],
        version=v1,
        section_id="4.1",
        answers={
            RIGHTS[0]: {"choices": ["profilering", "behoorlijk bestuur"], "text": "Profiles on nationality."},
            "iama26.4.1.3_rights_real_impact": {"text": "Equal treatment."},
        },
    )
    _sign(users, v1)
    v2 = services.version_new(
        actor=users["policy_officer"], assessment=iama, question_set=services.questionset_latest("iama26")
    )
    answers = {a.key: a for a in Answer.objects.filter(version=v2)}
    # Unchanged question: copied. Changed options: the text stays, the old choices go beside it.
    assert answers["iama26.4.1.3_rights_real_impact"].value == {"text": "Equal treatment."}
    rights = answers[RIGHTS[0]]
    assert rights.value == {"text": "Profiles on nationality."} and rights.review_flag == ReviewFlag.CARRIED
    note = v2.carry_over[RIGHTS[0]]
    assert note["flag"] == "changed" and note["old"] == "profilering, behoorlijk bestuur"
    assert v2.carry_over[RIGHTS[1]]["flag"] == "changed" and "old" not in v2.carry_over[RIGHTS[1]]
    # The carried answer validates again: the author picks the clusters anew.
    services.section_save(
        actor=users["policy_officer"],
        version=v2,
        section_id="4.1",
        answers={RIGHTS[0]: {"choices": ["profiling", "good_administration"], "text": "Profiles on nationality."}},
    )
