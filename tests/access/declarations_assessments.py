"""Who may use the DPIA and IAMA pages and API (accounts/roles.py):

- every role reads (assessments.view_assessment): lists, versions, sections, refresh
  diffs, comparisons, the API's reads;
- policy officers and the DPO write answers, action points and participants, start a
  document or a new version (assessments.author_assessment);
- workflow steps are decided by the service per role: here the DPO's advice (the body
  asks to record advice; others get 403 from the service, the DPO 409 on a draft).
"""

from .matrix import DPO, POLICY_OFFICER, PROFILE_READERS, access, only

READERS = PROFILE_READERS  # every role holds assessments.view_assessment
AUTHORS = only(POLICY_OFFICER, DPO)
KEY = "dpia3.A09_legal_policy_framework"


def _draft(w):
    if not hasattr(w, "_dpia_draft"):
        from assessments.models import DocumentKind
        from assessments.services import assessment_ensure

        w._dpia_draft = assessment_ensure(actor=w.users["policy_officer"], kind=DocumentKind.DPIA).versions.get()
    return w._dpia_draft


def _v(w):
    return {"public_id": _draft(w).public_id}


def _api(w):
    return {"id": _draft(w).public_id}


def _kind(w):
    _draft(w)
    return {"kind": "dpia"}


ADVICE = {"action": "record_dpo_advice", "advice": "Matrix advice."}

ROUTES = [
    access("assessments:list", GET=READERS),
    access(
        "assessments:create",
        body={"kind": "dpia"},
        POST=AUTHORS,
        note="readers without the author right get 403 from the service",
    ),
    access("assessments:new_version", body=lambda w: {"kind": _kind(w)["kind"]}, POST=AUTHORS),
    access("assessments:compare", kwargs=_kind, GET=READERS),
    access("assessments:version", kwargs=_v, GET=READERS),
    access(
        "assessments:section",
        kwargs=lambda w: {**_v(w), "section_id": "A01"},
        body={"dpia3.A01_proposal__text": "Matrix."},
        GET=READERS,
        POST=AUTHORS,
    ),
    access("assessments:refresh", kwargs=lambda w: {**_v(w), "key": KEY}, GET=READERS),
    access("assessments:transition", kwargs=_v, body=ADVICE, POST=only(DPO)),
    access("assessments:action_points", kwargs=_v, body={"text": "Matrix action.", "owner": "PL"}, POST=AUTHORS),
    access("assessments:participants", kwargs=_v, body={"name": "Matrix", "role_code": "JUR"}, POST=AUTHORS),
    access("api-assessment-list", GET=READERS),
    access("api-assessment-version", kwargs=_api, GET=READERS),
    access(
        "api-assessment-section",
        kwargs=lambda w: {**_api(w), "section": "A01"},
        body={"answers": {"dpia3.A01_proposal": {"text": "Matrix."}}},
        PUT=AUTHORS,
    ),
    access(
        "api-assessment-prefill",
        kwargs=lambda w: {**_api(w), "key": KEY},
        body={"fingerprint": "x"},
        GET=READERS,
        POST=AUTHORS,
    ),
    access("api-assessment-transition", kwargs=_api, body=ADVICE, POST=only(DPO)),
]
