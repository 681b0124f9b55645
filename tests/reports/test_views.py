"""The report pages with the Django test client: who sees what, the forms, the review,
the reviewers' follow-ups on the home page, and Dutch by default."""

import pytest
from django.urls import reverse

from reports.models import BiasReport, ReportFinding, ReportStatus


def client_for(client, users, username):
    client.force_login(users[username])
    return client


@pytest.mark.parametrize(
    ("username", "status"),
    [("dpo", 200), ("admin", 200), ("reviewer", 200), ("auditor", 200), ("policy_officer", 403), ("nobody", 403)],
)
def test_the_list_is_for_report_readers(client, users, username, status):
    assert client_for(client, users, username).get(reverse("reports:list")).status_code == status


def test_anonymous_callers_are_sent_to_sign_in(client, generated):
    for url in (
        reverse("reports:list"),
        reverse("reports:detail", args=[generated.public_id]),
        reverse("reports:file", args=[generated.public_id, "pdf"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_only_generators_see_and_use_the_form(client, users, dataset, stub_pdf, django_capture_on_commit_callbacks):
    reviewer = client_for(client, users, "reviewer")
    assert "Rapportage starten" not in reviewer.get(reverse("reports:list")).content.decode()
    start = {"period_from": "2025-01-01", "period_to": "2025-12-31"}
    assert reviewer.post(reverse("reports:list"), start).status_code == 403
    dpo = client_for(client, users, "dpo")
    page = dpo.get(reverse("reports:list")).content.decode()
    assert "Rapportage starten" in page and 'name="request_key"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo.post(
            reverse("reports:list"),
            {
                "period_from": "2025-01-01",
                "period_to": "2025-12-31",
                "min_cell": "5",
                "alpha": "0.05",
                "ratio_low": "0.8",
                "ratio_high": "1.25",
                "follow_threshold": "0.95",
                "request_key": "abc",
            },
        )
    report = BiasReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.public_id])
    # Submitting the same form again (a double click) gives the same report.
    dpo.post(reverse("reports:list"), {"period_from": "2025-01-01", "period_to": "2025-12-31", "request_key": "abc"})
    assert BiasReport.objects.count() == 1


def test_bad_form_input_is_explained_in_dutch_and_nothing_is_made(client, users):
    dpo = client_for(client, users, "dpo")
    response = dpo.post(
        reverse("reports:list"),
        {"period_from": "2025-02-30", "period_to": "2025-01-01", "min_cell": "2", "alpha": "veel"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geef de datum als JJJJ-MM-DD" in page and "min_cell moet minstens 5 zijn" in page
    assert "“alpha” moet een getal zijn." in page and 'href="#id_period_from"' in page
    assert not BiasReport.objects.exists()


def test_english_via_the_language_switch(client, users):
    client_for(client, users, "dpo")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("reports:list"), {"period_from": "x", "period_to": "2025-01-01"})
    assert "Give the date as YYYY-MM-DD" in response.content.decode()


def test_a_pending_report_shows_its_progress_to_its_requester(client, users):
    from reports.services import report_request

    report = report_request(actor=users["dpo"], period_from="2025-01-01", period_to="2025-01-31", enqueue=False)
    page = client_for(client, users, "dpo").get(reverse("reports:detail", args=[report.public_id])).content.decode()
    assert f'data-job-progress-url="{reverse("jobs:progress", args=[report.job.public_id])}"' in page
    assert "<progress" in page
    # A reviewer may not follow the DPO's job: no progress bar that could only fail.
    client.force_login(users["reviewer"])
    page = client.get(reverse("reports:detail", args=[report.public_id])).content.decode()
    assert "data-job-progress-url" not in page and "Laad deze pagina zo opnieuw" in page


def test_the_report_page_leads_with_the_summary_and_the_findings(client, users, generated):
    page = client_for(client, users, "auditor").get(reverse("reports:detail", args=[generated.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "“Geweigerd” is de eigen beslissing van de beslismedewerker" in html
    view = __import__("reports.selectors", fromlist=["x"]).report_view(report=generated)
    assert view["findings"], "the small dataset raises findings"
    # Summary, then the findings (each a row with its anchor and plain-words label), then charts.
    assert html.index('id="summary"') < html.index('id="findings-list"') < html.index('id="charts-h"')
    for f in view["findings"]:
        assert f'id="{f["anchor"]}"' in html
    assert "Nationaliteit: Syrië" in html and "nationality=SYR" not in html
    assert "Bevindingen per deel en richting" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') >= 4
    for kind in ("pdf", "json", "csv"):
        assert reverse("reports:file", args=[generated.public_id, kind]) in html
    assert reverse("reports:tables", args=[generated.public_id]) in html
    # Auditors cannot review; there is no dropdown of subjects any more.
    assert "Beoordeling starten" not in html and "Beslissing vastleggen" not in html
    assert "<select" not in html.split('id="summary"')[1].split('id="charts-h"')[0]


def test_the_full_tables_are_filtered_and_paged_on_their_own_page(client, users, generated):
    reader = client_for(client, users, "auditor")
    url = reverse("reports:tables", args=[generated.public_id])
    html = reader.get(url).content.decode()
    assert "Groepen naar één kenmerk" in html and "Nationaliteit: Syrië" in html
    html = reader.get(url, {"table": "two_way", "q": "Suriname", "show": ""}).content.decode()
    assert "Nationaliteit: Suriname ·" in html and "Nationaliteit: Syrië ·" not in html
    html = reader.get(url, {"table": "officers"}).content.decode()
    assert "O-3" in html
    # Unknown table names fall back; a page number past the end shows the last page.
    assert reader.get(url, {"table": "x", "page": "999"}).status_code == 200
    from reports.views import TABLE_PAGE_ROWS

    html = reader.get(url, {"table": "two_way"}).content.decode()
    assert html.count("<tr") <= TABLE_PAGE_ROWS + 1 and "rijen" in html


def test_files_download_with_their_hash(client, users, generated):
    client_for(client, users, "reviewer")
    response = client.get(reverse("reports:file", args=[generated.public_id, "json"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["X-Content-SHA256"] == generated.content_hash
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("reports:file", args=[generated.public_id, "exe"])).status_code == 404


def test_files_of_a_pending_report_are_not_ready(client, users):
    from reports.services import report_request

    report = report_request(actor=users["dpo"], period_from="2025-01-01", period_to="2025-01-31", enqueue=False)
    response = client_for(client, users, "dpo").get(reverse("reports:file", args=[report.public_id, "pdf"]))
    assert response.status_code == 409


def test_the_dpo_decides_findings_in_their_rows_and_signs_off(client, users, generated, approved_profile):
    from reports.presentation import finding_anchor
    from reports.selectors import report_view

    dpo = client_for(client, users, "dpo")
    detail = reverse("reports:detail", args=[generated.public_id])
    create = reverse("reports:finding_create", args=[generated.public_id])
    assert "Beoordeling starten" in dpo.get(detail).content.decode()
    response = dpo.post(
        reverse("reports:review", args=[generated.public_id]), {"action": "start_review", "back": "review"}
    )
    assert response["Location"] == detail + "#review"
    page = dpo.get(detail).content.decode()
    findings = report_view(report=generated)["findings"]
    profile_id = f"profile:{approved_profile.code}"
    assert profile_id in [f["id"] for f in findings]
    anchor = finding_anchor(profile_id)
    # Each row carries its own form, posting back to the row.
    assert f'action="{create}#{anchor}"' in page and f'value="{profile_id}"' in page
    # A decision without a choice or text: the row again, its error summary linked to the fields.
    response = dpo.post(create, {"finding_id": profile_id, "note": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kies accepteren, beperken of escaleren." in html and f'href="#{anchor}-decision"' in html
    assert f'href="#{anchor}-note"' in html and "data-focus-on-load" in html
    assert '<details class="decide" open>' in html
    assert not ReportFinding.objects.exists()
    response = dpo.post(
        create,
        {
            "finding_id": profile_id,
            "decision": "mitigate",
            "note": "Drives refusals.",
            "withdraw_profile": "on",
            "withdraw_note": "Withdraw it.",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{detail}?done={anchor}#{anchor}"
    finding = ReportFinding.objects.get()
    assert finding.finding_id == profile_id and finding.profile_code == approved_profile.code
    assert finding.follow_ups.get().kind == "withdraw_profile"
    html = dpo.get(response["Location"]).content.decode()
    assert "De beslissing is vastgelegd." in html and "Beperken" in html
    # The same finding twice: refused; a finding the report does not have: explained.
    response = dpo.post(create, {"finding_id": profile_id, "decision": "accept", "note": "again"})
    assert response.status_code == 409 and ReportFinding.objects.count() == 1
    assert "Deze bevinding heeft al een beslissing" in response.content.decode()
    response = dpo.post(create, {"finding_id": "group:nationality=NLD", "decision": "accept", "note": "x"})
    assert response.status_code == 400
    assert "Deze rapportage heeft zo&#x27;n bevinding niet." in response.content.decode()
    group = next(f for f in findings if f["subject_type"] == "group")
    dpo.post(create, {"finding_id": group["id"], "decision": "escalate", "note": "Refused more."})
    assert ReportFinding.objects.get(finding_id=group["id"]).group == group["subject"]
    # Returning without a reason: the error sits in the panel the form was in.
    response = dpo.post(
        reverse("reports:review", args=[generated.public_id]), {"action": "return", "back": "review-end"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#review-end-comment"' in html and 'aria-invalid="true"' in html
    dpo.post(reverse("reports:review", args=[generated.public_id]), {"action": "sign_off", "comment": "Seen."})
    generated.refresh_from_db()
    assert generated.status == ReportStatus.SIGNED_OFF
    html = dpo.get(detail).content.decode()
    assert reverse("reports:review_record", args=[generated.public_id]) in html
    record = dpo.get(reverse("reports:review_record", args=[generated.public_id]))
    assert record.status_code == 200 and record["Content-Type"] == "application/pdf"
    assert record["X-Content-SHA256"] == generated.review_record.sha256

    # The reviewer finds the request on the home page and withdraws the profile there.
    client.force_login(users["reviewer"])
    home = client.get("/").content.decode()
    assert "Vervolgacties uit biasrapportages" in home and f"Profiel {approved_profile.code} intrekken" in home
    follow_up = finding.follow_ups.get()
    response = client.post(
        reverse("reports:follow_up_resolve", args=[follow_up.public_id]),
        {"action": "withdraw", "comment": "As the DPO asked.", "next": "/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    approved_profile.refresh_from_db()
    assert approved_profile.status == "withdrawn"
    assert "Er staan geen vervolgverzoeken open." in client.get("/").content.decode()


def test_review_refusals_become_messages(client, users, generated):
    dpo = client_for(client, users, "dpo")
    response = dpo.post(reverse("reports:review", args=[generated.public_id]), {"action": "sign_off"}, follow=True)
    assert "kan niet" in response.content.decode()
    generated.refresh_from_db()
    assert generated.status == ReportStatus.GENERATED
    client.force_login(users["reviewer"])
    response = client.post(reverse("reports:review", args=[generated.public_id]), {"action": "start_review"})
    assert response.status_code == 403


def test_follow_up_redirects_stay_on_this_site(client, users, in_review, approved_profile):
    from reports.services import report_finding_record, report_transition

    finding = report_finding_record(
        actor=users["dpo"],
        report=in_review,
        subject_type="profile",
        subject=approved_profile.code,
        decision="mitigate",
        note="n",
        follow_ups=[{"kind": "withdraw_profile", "note": "x"}],
    )
    report_transition(actor=users["dpo"], report=in_review, action="sign_off")
    client_for(client, users, "reviewer")
    response = client.post(
        reverse("reports:follow_up_resolve", args=[finding.follow_ups.get().public_id]),
        {"action": "dismiss", "comment": "no", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("reports:follow_ups")


def test_the_follow_up_page_is_for_reviewers(client, users):
    assert client_for(client, users, "reviewer").get(reverse("reports:follow_ups")).status_code == 200
    client.force_login(users["dpo"])
    assert client.get(reverse("reports:follow_ups")).status_code == 403
