"""The Algorithm Register entry in headless Chromium, in Dutch: the register editor makes
a prefilled draft, edits it and submits it; a reviewer approves and publishes; the public
page shows it without login. axe-core finds no violations on the editor's pages and the
public pages, at 1280 and at 390 pixels wide."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from register.models import EntryVersion, VersionStatus

AXE = Axe()
expect.set_options(timeout=20000)  # the machine is shared; the flow is what is tested, not its speed
SHOTS = "/tmp/register_{name}_{width}.png"


def assert_accessible(page, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        results = AXE.run(page)
        assert results.violations_count == 0, f"{name} at {width}px:\n{results.generate_report()}"
        page.screenshot(path=SHOTS.format(name=name, width=width), full_page=False)
        # Nothing sticks out sideways at phone width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{name} {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_editor_prefills_and_edits_approver_publishes_public_sees_it(page, live_server, users, sign_in, sign_out):
    sign_in("register_editor")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Algoritmeregister").click()
    assert_accessible(page, "home")
    page.get_by_role("button", name="Nieuw concept, vooringevuld vanuit het portaal").click()
    expect(page.locator("#version-status")).to_have_text("Concept")
    expect(page.locator("#f-source_data")).to_contain_text("nationaliteit")
    expect(page.locator("#f-source_data")).to_contain_text("Vooringevuld uit")
    assert_accessible(page, "version")

    page.get_by_role("link", name="Bewerken").click()
    assert_accessible(page, "edit")
    page.get_by_label("Begindatum (begin_date)").fill("2017")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("jjjj-mm")
    page.get_by_label("Begindatum (begin_date)").fill("2017-03")
    page.get_by_label("Naam (name)").fill("IOB: behandeladvies bij visumaanvragen kort verblijf")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registratie, versie 1")
    expect(page.locator("#f-name")).to_contain_text("IOB: behandeladvies")
    page.get_by_role("button", name="Ter goedkeuring indienen").click()
    expect(page.locator("#version-status")).to_have_text("In beoordeling")
    sign_out()

    sign_in("reviewer")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Algoritmeregister").click()
    page.get_by_role("link", name="versie 1").click()
    page.get_by_role("button", name="Goedkeuren").click()
    expect(page.locator("#version-status")).to_have_text("Goedgekeurd")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("#version-status")).to_have_text("Gepubliceerd")
    expect(page.locator("dl.facts")).to_contain_text("Gepubliceerd door")
    assert EntryVersion.objects.get().status == VersionStatus.PUBLISHED
    sign_out()

    page.goto(live_server.url + "/algoritmeregister/")
    expect(page.get_by_role("heading", level=1)).to_have_text("IOB: behandeladvies bij visumaanvragen kort verblijf")
    expect(page.get_by_role("link", name="Inloggen")).to_have_count(0)
    assert_accessible(page, "public_nl")
    page.get_by_role("link", name="English version").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Shown in Dutch: there is no approved English translation").first).to_be_visible()
    assert_accessible(page, "public_en")
