"""Staff open an incident in the portal and resolve it; the public page shows it in its
history with the STA-4 wording, in German and after the switch in English (STA-2, STA-4)."""

from __future__ import annotations

import pytest

from status import services
from status.models import Event
from tests.browser.conftest import login
from tests.factories import build_world

pytestmark = pytest.mark.browser


def _post_step(page, step: str, de: str, en: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#id_step", step)
    page.fill("#id_message_de", de)
    page.fill("#id_message_en", en)
    page.click("#step-form button[type=submit]")
    page.wait_for_selector(f"#updates >> text={de}")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_staff_resolve_an_incident_and_the_public_history_words_it(  # type: ignore[no-untyped-def]
    live_server, browser, settings, viewport
) -> None:
    settings.STATUS_BASE_URL = f"{live_server.url}/status"
    world = build_world()
    calls = services.component_create(
        acting_user=world.staff, data={"name_de": "Telefonie", "name_en": "Telephony"}
    )
    services.component_create(acting_user=world.staff, data={"name_de": "Portal"})
    context = browser.new_context(viewport=viewport, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server.url, world.staff.username)

        page.goto(f"{live_server.url}/service-status/")
        page.click("#incident-create")
        page.fill("#id_title_de", "Anrufe brechen ab")
        page.fill("#id_title_en", "Calls drop")
        page.check(f"input[name=components][value='{calls.pk}']")
        page.fill("#id_message_de", "Wir untersuchen die Ursache.")
        page.fill("#id_message_en", "We are investigating.")
        page.click("#event-form button[type=submit]")
        page.wait_for_selector("#step-form")
        event = Event.objects.get()
        assert page.url == f"{live_server.url}/service-status/events/{event.pk}/"

        # While open, the public page shows it on top and the component degraded.
        public = context.new_page()
        public.goto(f"{live_server.url}/status/")
        assert public.locator(f"#event-{event.pk}").is_visible()
        assert "Beeinträchtigt" in public.locator("#components").inner_text()
        public.close()

        _post_step(page, "identified", "Ursache gefunden.", "Cause found.")
        _post_step(page, "resolved", "Behoben, alle Anrufe laufen.", "Resolved, all calls work.")
        assert page.locator("#step-form").count() == 0

        page.goto(f"{live_server.url}/status/")
        assert page.locator("html").get_attribute("lang") == "de"
        assert (
            page.locator("#banner")
            .inner_text()
            .strip()
            .endswith("Alle Systeme funktionieren einwandfrei")
        )
        entry = page.locator(f"#history #event-{event.pk}")
        text = entry.inner_text()
        assert "Anrufe brechen ab" in text and "Behoben" in text
        assert "Dauerte weniger als 1 Min." in text
        assert text.index("Behoben, alle Anrufe laufen.") < text.index(
            "Wir untersuchen die Ursache."
        )

        page.click("#lang-en")
        page.wait_for_url(f"{live_server.url}/status/en/")
        assert page.locator("html").get_attribute("lang") == "en"
        entry = page.locator(f"#history #event-{event.pk}")
        text = entry.inner_text()
        assert "Calls drop" in text and "Resolved" in text
        assert "Lasted less than 1 min." in text
        assert "Resolved, all calls work." in text
        assert "All systems operational" in page.locator("#banner").inner_text()
    finally:
        context.close()
