"""Who may use the profile pages and the profile API."""

from .matrix import (
    CATALOGUE_MANAGERS,
    DPO,
    POLICY_OFFICER,
    PROFILE_AUTHORS,
    PROFILE_READERS,
    PROFILE_REVIEWERS,
    PROFILE_SIGNERS,
    REVIEWER,
    access,
    only,
)


def _id(attr: str, key: str = "public_id"):
    return lambda w: {key: getattr(w, attr).public_id}


ROUTES = [
    # --- pages ---------------------------------------------------------------------------
    access("profiles:list", GET=PROFILE_READERS),
    access("profiles:create", GET=PROFILE_AUTHORS, POST=PROFILE_AUTHORS),
    access("profiles:review_queue", GET=PROFILE_REVIEWERS),
    access("profiles:sign_off_queue", GET=PROFILE_SIGNERS),
    access("profiles:catalogues", GET=CATALOGUE_MANAGERS, POST=CATALOGUE_MANAGERS),
    access(
        "profiles:catalogue_retire",
        kwargs=lambda w: {"characteristic": "application_location", "code": "SRPBM"},
        GET=CATALOGUE_MANAGERS,
        POST=CATALOGUE_MANAGERS,
    ),
    access("profiles:detail", kwargs=_id("draft"), GET=PROFILE_READERS),
    access("profiles:edit", kwargs=_id("draft"), GET=PROFILE_AUTHORS, POST=PROFILE_AUTHORS),
    access("profiles:compare", kwargs=_id("approved"), GET=PROFILE_READERS),
    access("profiles:new_version", kwargs=_id("approved"), POST=PROFILE_AUTHORS),
    # The author may discard a never-submitted draft; the world's drafts are the policy officer's.
    access("profiles:discard", kwargs=_id("draft"), GET=PROFILE_AUTHORS, POST=PROFILE_AUTHORS),
    # Drafts belong to their owner; other policy officers comment or take over. The world's
    # draft is the policy officer's own: their take-over is a 409 (already theirs), past the check.
    access("profiles:comment", kwargs=_id("draft"), body={"text": "A remark"}, POST=PROFILE_AUTHORS),
    access(
        "profiles:take_over", kwargs=_id("draft"), body={"reason": "away"}, GET=PROFILE_AUTHORS, POST=PROFILE_AUTHORS
    ),
    # One URL for every action: tried with "approve", so only a reviewer gets past the service.
    access(
        "profiles:transition",
        kwargs=_id("in_review"),
        body={"action": "approve", "comment": "ok"},
        POST=only(REVIEWER),
        note="readers reach the service, which refuses other roles with 403",
    ),
    # --- API -------------------------------------------------------------------------------
    access("api-profile-list", GET=PROFILE_READERS, POST=PROFILE_AUTHORS, body={}),
    access(
        "api-profile-detail",
        kwargs=_id("draft", "id"),
        body={"title": "Renamed"},
        GET=PROFILE_READERS,
        PATCH=PROFILE_AUTHORS,
    ),
    access("api-profile-submit", kwargs=_id("draft", "id"), body={"comment": ""}, POST=only(POLICY_OFFICER)),
    access("api-profile-approve", kwargs=_id("in_review", "id"), body={"comment": ""}, POST=only(REVIEWER)),
    access("api-profile-request-changes", kwargs=_id("in_review", "id"), body={"comment": "why"}, POST=only(REVIEWER)),
    access("api-profile-reject", kwargs=_id("in_review", "id"), body={"comment": "why"}, POST=only(REVIEWER)),
    access("api-profile-withdraw", kwargs=_id("approved", "id"), body={"comment": "why"}, POST=only(REVIEWER)),
    access("api-profile-dpo-sign-off", kwargs=_id("in_review_risk", "id"), body={"comment": ""}, POST=only(DPO)),
    access("api-profile-dpo-return", kwargs=_id("in_review_risk", "id"), body={"comment": "why"}, POST=only(DPO)),
    access(
        "api-profile-reopen", kwargs=_id("changes_requested", "id"), body={"comment": ""}, POST=only(POLICY_OFFICER)
    ),
    access(
        "api-profile-comments",
        kwargs=_id("draft", "id"),
        body={"text": "A remark"},
        GET=PROFILE_READERS,
        POST=only(POLICY_OFFICER),
        note="readers reach the service, which lets only policy officers comment",
    ),
    access(
        "api-profile-take-over",
        kwargs=_id("draft", "id"),
        body={"reason": "away"},
        POST=only(POLICY_OFFICER),
        note="readers reach the service, which lets only policy officers take a draft over",
    ),
    access("api-profile-new-version", kwargs=_id("approved", "id"), body={"comment": ""}, POST=only(POLICY_OFFICER)),
]
