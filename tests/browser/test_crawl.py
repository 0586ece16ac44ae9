"""Every role uses the portal as people do: on the demo data (``seed_demo`` and
``seed_demo_billing``) each demo login clicks through every page the portal links to, in
headless Chromium, and every problem is listed at the end, not only the first one.

For each role, breadth-first from the dashboard, every same-origin ``<a href>`` is visited once
(path and query; GET only, so nothing is changed: logout, the language switch and every action
are forms, not links). The Django admin is crawled too (staff), after the portal pages. A crawl
fails on

* a 5xx or 4xx answer: a link the portal shows must work for whoever sees it (a download such
  as PDF, XML or CSV must answer 200 but is not rendered), or a link that ends on the login page;
* a 4xx/5xx answer to anything a page loads (CSS, JS, images, htmx requests) and to the
  favicon the browser asks for;
* a JavaScript console error or an uncaught page error;
* a request that leaves the host (recorded and blocked);
* English on a German page: ``<html lang>`` must be ``de``, and the visible text
  (``document.body.innerText``) must contain no English text of the portal's own English
  catalogue and no English function words;
* a page the role works with (``expected_pages``) that no link leads to, or that takes more
  clicks from the dashboard than it should (the report shows the shortest way by page titles).

Pages that differ only in an object id are visited at most ``PER_SHAPE`` times, a file download
once per path, and at most ``MAX_PAGES`` pages per role. With ``STIMME_CRAWL_REPORT=<dir>`` the
report of each role is also written to ``<dir>/<role>.txt``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from billing.models import BillingRun, Invoice
from provisioning.management.commands.seed_demo import (
    CUSTOMERS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
)
from provisioning.models import (
    Customer,
    HuntGroup,
    IvrMenu,
    NetworkCheck,
    PickupGroup,
    Reseller,
    Site,
    Subscriber,
)
from support.models import Ticket
from tests.factories import second_factor_code
from tests.pofile import read_po

pytestmark = pytest.mark.browser

ROLES = ["staff", "finance", "reseller", "kunde1", "kunde2", "nutzer1"]
MAX_PAGES = 400
# Pages that differ only in an object id (or a page number) are the same page with other data:
# at most this many of each are visited (in the Django admin, query strings count as one shape).
PER_SHAPE = 5
PER_ADMIN_SHAPE = 3
TIMEOUT_MS = 10_000
HTML_TYPES = ("text/html", "application/xhtml+xml")
ADMIN_STATE = "_changelist_filters"
# Every http(s) request to a host other than this machine is routed to a handler that records
# and blocks it. (The pattern is matched inside Playwright, so local requests take no round trip
# through Python; chrome:// requests of the built-in PDF viewer stay inside the browser.)
LEAVES_THE_HOST = re.compile(r"^https?://(?!(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/]|$))")
# Chromium logs every error answer as "Failed to load resource: the server responded with a
# status of …"; the answer itself is reported, with its URL, as a 4xx/5xx answer.
HTTP_ERROR_LOG = "Failed to load resource: the server responded with a status of"

# --- English on German pages ------------------------------------------------------------------

# English function words, as whole words, in visible text: lower case (and "The"/"Please" at
# the start of a sentence), so the German noun "Not" (as in "in der Not") does not count.
FUNCTION_WORDS = re.compile(r"\b(?:[Tt]he|and|with|of|is|not|[Pp]lease)\b")
# A catalogue text is evidence of English when it has at least two words of two letters or
# more and at least eight characters: single words ("Name", "Status", "Port", "Test") belong to
# both languages, phrases practically never do. Texts that occur in any German text of the
# catalogue are left out as well.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class EnglishText:
    english: str
    german: str


def english_texts(catalogue: Path) -> list[EnglishText]:
    """Distinctive English texts of the portal's English catalogue (where msgstr != msgid),
    split at placeholders and markup."""
    entries = [e for e in read_po(catalogue) if not e.obsolete and e.translated]
    german = "\n".join(text for e in entries for text in (e.msgid, e.msgid_plural)).casefold()
    found: dict[str, EnglishText] = {}
    for entry in entries:
        for msgstr in entry.msgstr:
            if msgstr in (entry.msgid, entry.msgid_plural):
                continue
            for fragment in _PLACEHOLDER.split(msgstr):
                text = " ".join(fragment.split()).strip(" .,:;!?()–-·/")
                if len(_WORD.findall(text)) < 2 or len(text) < 8:
                    continue
                if text.casefold() in german or text.casefold() in found:
                    continue
                found[text.casefold()] = EnglishText(text, entry.msgid)
    return list(found.values())


def english_on_page(text: str, catalogue: list[EnglishText]) -> list[str]:
    """What in ``text`` (the visible text of a German page) is English."""
    folded = text.casefold()
    hits = [e for e in catalogue if e.english.casefold() in folded]
    # A phrase inside a longer phrase that was found as well says nothing new.
    hits = [
        e
        for e in hits
        if not any(
            e is not other and e.english.casefold() in other.english.casefold() for other in hits
        )
    ]
    problems = [f"{e.english!r} (the English text for {e.german!r})" for e in hits]
    for match in FUNCTION_WORDS.finditer(text):
        start, end = max(0, match.start() - 45), match.end() + 45
        context = " ".join(text[start:end].split())
        problems.append(f"English word {match.group(0)!r} in “…{context}…”")
    return problems


# --- the pages each role works with -----------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """A page a role works with: what it is and the most clicks from the dashboard it may take."""

    what: str
    clicks: int


# A reseller admin or platform staff first picks the customer (customer, then its system):
# they may need this many clicks more than the customer admin for the same page.
PICK_CUSTOMER = 2
# The public status page's English variant is English on purpose (STA: German default, English switch).
ENGLISH_BY_DESIGN = ("/status/en/",)


def expected_pages(role: str) -> dict[str, Expected]:
    """``{path: Expected}``: pages ``role`` uses according to docs/architecture.md (roles) and
    docs/billing.md (finance pages). A link to each must exist. A page of the customer's system
    may take as many clicks as the customer admin needs for it through the menu (plus
    PICK_CUSTOMER for a reseller or staff); any other page three (menu, list, object)."""
    bakery = Customer.objects.get(company_name=CUSTOMERS[0]["company_name"])
    office = Customer.objects.get(company_name=CUSTOMERS[1]["company_name"])
    reseller = Reseller.objects.get(pk=bakery.reseller_id)
    site = Site.objects.filter(customer=bakery).order_by("created_at").first()
    assert site is not None
    lena = Subscriber.objects.get(customer=bakery, first_name="Lena")
    paul = Subscriber.objects.get(customer=bakery, account__username="nutzer1")
    check = NetworkCheck.objects.filter(site=site).order_by("-received_at").first()
    assert check is not None
    retail = Invoice.objects.get(buyer_customer=bakery, document_type="invoice")
    wholesale = Invoice.objects.get(buyer_reseller=reseller, document_type="invoice")
    run = BillingRun.objects.get()

    def url(name: str, *args: Any) -> str:
        return reverse(f"portal:{name}", args=[str(a.pk) for a in args])

    # The customer's telephone system, with the clicks the customer admin needs.
    system = {
        url("customer_detail", bakery): ("Bäckerei Krume: customer", 1),
        url("user_list", bakery): ("Bäckerei Krume: users", 1),
        url("user_detail", lena): ("a user (Lena Schulz)", 2),
        url("device_list", bakery): ("Bäckerei Krume: devices", 1),
        url("site_list", bakery): ("Bäckerei Krume: sites", 1),
        url("site_detail", site): ("the site Zentrale", 2),
        url("license_overview", bakery): ("Bäckerei Krume: licenses", 2),
        url("feature_overview", bakery): ("Bäckerei Krume: call features", 1),
        url("feature_hunt_group_edit", HuntGroup.objects.get(name="Verkauf")): ("a hunt group", 2),
        url("feature_ivr_edit", IvrMenu.objects.get(name="Hauptmenü")): ("a voice menu", 2),
        url("feature_operator", bakery): ("the operator and night service", 2),
        url("feature_audio", bakery): ("audio files", 2),
        url("feature_phonebook", bakery): ("the shared phonebook", 2),
        url("feature_trace", bakery): ("the call trace", 2),
        url("feature_pickup_list", bakery): ("pickup groups", 2),
        url("feature_pickup_edit", PickupGroup.objects.get(name="Theke")): ("a pickup group", 3),
        url("feature_user_calls", paul): ("forwarding and voicemail of a user", 3),
        url("feature_hotdesk", bakery): ("hot-desk logins", 3),
        url("netcheck_site", site): ("network checks of the site", 3),
        url("netcheck_report", check): ("a network check report", 3),
    }
    invoices = {
        url("finance_invoice_list"): "invoices",
        url("finance_invoice_detail", retail): f"the retail invoice {retail.number}",
    }
    finance = {
        url("finance_dashboard"): "finance overview",
        url("finance_run_list"): "billing runs",
        url("finance_run_detail", run): "a billing run",
        url("finance_invoice_detail", wholesale): f"the wholesale invoice {wholesale.number}",
        url("finance_credit_note_list"): "credit notes",
        url("finance_export"): "exports",
        url("finance_price_list_list"): "price lists",
        url("finance_charges"): "one-time fees",
        url("finance_payment_accounts"): "payment methods",
        url("finance_reseller_issuer_list"): "resellers' invoicing data",
        url("reseller_list"): "resellers",
        url("reseller_detail", reseller): "a reseller",
        url("customer_list"): "customers",
        url("customer_detail", bakery): "Bäckerei Krume: customer",
    }
    own_system = {path: Expected(what, n) for path, (what, n) in system.items()}
    picked_system = {path: Expected(what, n + PICK_CUSTOMER) for path, (what, n) in system.items()}

    def pages(*groups: dict[str, str]) -> dict[str, Expected]:
        return {path: Expected(what, 3) for group in groups for path, what in group.items()}

    audit = {url("audit_list"): "audit log"}
    fault = Ticket.objects.get(parent=None, title="Telefone melden sich nicht an")
    platform_ticket = Ticket.objects.get(parent=fault)
    own_request = Ticket.objects.get(reporter_account__username="nutzer1")
    queue = {url("support_ticket_list"): "support tickets"}
    reseller_support = {
        **queue,
        url("support_ticket", fault): f"the customer ticket {fault.number}",
        url("support_ticket", platform_ticket): f"the platform ticket {platform_ticket.number}",
        url("support_desk", reseller): "the service desk settings",
        url("support_customer_settings", bakery): "Bäckerei Krume: support settings",
    }
    by_role = {
        "staff": {
            **picked_system,
            **pages(
                invoices,
                finance,
                audit,
                {
                    url("finance_issuer_profile"): "the platform's invoicing data",
                    url("api_key_list"): "API keys",
                    reverse("admin:index"): "Django admin",
                    url("support_ticket_list"): "support tickets",
                    url("support_ticket", platform_ticket): "the platform ticket",
                },
            ),
        },
        "finance": pages(invoices, finance),
        "reseller": {
            **picked_system,
            **pages(
                invoices,
                audit,
                {
                    url("finance_invoice_detail", wholesale): (
                        f"the wholesale invoice {wholesale.number}"
                    ),
                    url("finance_price_list_list"): "price lists",
                    url("finance_reseller_issuer", reseller): "its own invoicing data",
                    url("customer_list"): "customers",
                    url("customer_detail", office): "Kanzlei Weiss: customer",
                    url("api_key_list"): "API keys",
                },
                reseller_support,
            ),
        },
        "kunde1": {
            **own_system,
            **pages(
                invoices,
                audit,
                queue,
                {
                    url("support_ticket", fault): f"the ticket {fault.number}",
                    url("support_ticket_open"): "open a ticket",
                    url("support_customer_settings", bakery): "support settings",
                },
            ),
        },
        "kunde2": pages(
            audit,
            {
                url("customer_detail", office): "Kanzlei Weiss: customer",
                url("user_list", office): "Kanzlei Weiss: users",
                url("feature_overview", office): "Kanzlei Weiss: call features",
                url("finance_invoice_list"): "invoices",
            },
        ),
        "nutzer1": pages(
            {
                url("my_phone"): "my phone",
                url("my_calls"): "my forwarding and voicemail",
                url("my_hotdesk"): "my hot-desk logins",
                url("my_phonebook"): "my private phonebook",
                url("profile"): "my profile",
                url("support_ticket_list"): "support tickets",
                url("support_ticket", own_request): "my own ticket",
            }
        ),
    }
    return by_role[role]


# --- the crawl --------------------------------------------------------------------------------

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=[/=])\d+\b")


def shape(path: str) -> tuple[str, int]:
    """The page ``path`` shows with its object ids left out, and how many such pages to visit."""
    if path.startswith("/admin/"):
        bare, query = path.partition("?")[::2]
        return _ID.sub("<id>", bare) + ("?…" if query else ""), PER_ADMIN_SHAPE
    return _ID.sub("<id>", path), PER_SHAPE


@dataclass
class Crawl:
    role: str
    base: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    # How each page was first reached: the page with the link, clicks from the dashboard, title.
    parent: dict[str, str] = field(default_factory=dict)
    clicks: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    downloads: int = 0
    # Paths that answered with a file: their other query strings (sort order, filter) give
    # the same file again and are not fetched.
    files: set[str] = field(default_factory=set)
    current: str = "(login)"

    def report(self, kind: str, message: str) -> None:
        bucket = self.problems.setdefault(kind, [])
        if message not in bucket:
            bucket.append(message)

    def answer(self, status: int, message: str) -> None:
        self.report("5xx answers" if status >= 500 else "4xx answers", f"{status} {message}")

    def path(self, url: str) -> str:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            return url
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def way_to(self, path: str) -> str:
        """The clicks that lead from the dashboard to ``path``, by page title."""
        steps = [path]
        while steps[-1] in self.parent and len(steps) < 20:
            steps.append(self.parent[steps[-1]])
        return " → ".join(self.titles.get(step, step) for step in reversed(steps))

    def summary(self) -> str:
        count = sum(len(v) for v in self.problems.values())
        lines = [f"Crawl as {self.role!r}: {self.pages} pages, {self.downloads} downloads"]
        lines.append(f"{count} problems" if count else "no problems")
        for kind, messages in self.problems.items():
            lines.append(f"\n{kind} ({len(messages)}):")
            lines.extend(f"  - [{self.role}] {m}" for m in messages)
        return "\n".join(lines)


def _same_origin(crawl: Crawl, hrefs: Iterable[str]) -> list[str]:
    links = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != crawl.base:  # mailto:, tel:, other hosts
            continue
        query = parts.query
        if parts.path.startswith("/admin/"):  # the admin's remembered list filters: no page
            query = urlencode(
                [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != ADMIN_STATE]
            )
        links.append(parts.path + (f"?{query}" if query else ""))
    return links


def _watch(crawl: Crawl, context: Any, page: Any) -> None:
    def leaves_the_host(route: Any) -> None:
        request = route.request
        crawl.report(
            "External requests",
            f"{crawl.current}: {request.method} {request.url} ({request.resource_type})",
        )
        route.abort("blockedbyclient")

    def response(response: Any) -> None:
        request = response.request
        if response.status >= 400 and not request.is_navigation_request():
            crawl.answer(
                response.status,
                f"{request.method} {crawl.path(request.url)} "
                f"({request.resource_type}, loaded by {crawl.current})",
            )

    def console(message: Any) -> None:
        if message.type != "error" or message.text.startswith(HTTP_ERROR_LOG):
            return
        location = message.location or {}
        source = crawl.path(location["url"]) if location.get("url") else ""
        at = f" (at {source}:{location.get('lineNumber')})" if source else ""
        crawl.report("JavaScript console errors", f"{crawl.current}: {message.text}{at}")

    def page_error(error: Any) -> None:
        crawl.report("JavaScript page errors", f"{crawl.current}: {error}")

    context.route(LEAVES_THE_HOST, leaves_the_host)
    context.on("response", response)
    page.on("console", console)
    page.on("pageerror", page_error)


def _check_page(crawl: Crawl, page: Any, path: str, english: list[EnglishText]) -> list[str]:
    """Check the page on screen; returns the links on it."""
    busy = "() => document.querySelector('.htmx-request') !== null"
    if page.evaluate(busy):  # parts of the page htmx loads right away
        # A page that keeps polling is checked as it is after three seconds.
        with contextlib.suppress(Exception):
            page.wait_for_function(f"() => !({busy})()", timeout=3000)
    state = page.evaluate(
        """() => ({
            lang: document.documentElement.getAttribute('lang') || '',
            title: document.title,
            text: document.body ? document.body.innerText : '',
            links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
        })"""
    )
    title = state["title"].removesuffix(" · stimme")
    crawl.titles[path] = f"«{title}»" if title else path
    label = f"{path} «{state['title']}»" if state["title"] else path
    if path.startswith(ENGLISH_BY_DESIGN):
        return list(state["links"])
    if not state["lang"].lower().startswith("de"):
        crawl.report("Pages not marked German", f"{label}: <html lang={state['lang']!r}>")
    for found in english_on_page(state["text"], english):
        crawl.report("English text on German pages", f"{label}: {found}")
    return list(state["links"])


def _visit(
    crawl: Crawl, page: Any, path: str, referrer: str, english: list[EnglishText]
) -> tuple[str, list[str]]:
    """Open ``path``; returns where the browser ended up and the links found there."""
    url = crawl.base + path
    crawl.current = path
    try:
        response = page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    except Exception as exc:
        if "Download is starting" not in str(exc) and "ERR_ABORTED" not in str(exc):
            crawl.report("Pages that did not load", f"{path} (linked from {referrer}): {exc}")
            return path, []
        response = None
    if response is None:  # a download (PDF, XML, CSV …): its answer counts, not rendered
        crawl.downloads += 1
        crawl.files.add(urlsplit(path).path)
        answer = page.context.request.get(url, max_redirects=0, timeout=TIMEOUT_MS)
        if answer.status >= 400:
            crawl.answer(answer.status, f"GET {path} (download, linked from {referrer})")
        return path, []
    final = crawl.path(page.url)
    if response.status >= 400:
        crawl.answer(response.status, f"GET {path} (linked from {referrer})")
    if urlsplit(page.url).path == "/login/":
        crawl.report("Links that end on the login page", f"{path} (linked from {referrer})")
        return final, []
    content_type = (response.headers.get("content-type") or "").split(";")[0].strip()
    if content_type not in HTML_TYPES:
        crawl.downloads += 1
        crawl.files.add(urlsplit(path).path)
        return final, []
    crawl.pages += 1
    return final, _check_page(crawl, page, final, english)


def _log_in(crawl: Crawl, page: Any, english: list[EnglishText]) -> None:
    crawl.current = "/login/"
    page.goto(f"{crawl.base}/login/", wait_until="load")
    _check_page(crawl, page, "/login/", english)
    page.fill("#id_username", crawl.role)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path != "/login/")
    if urlsplit(page.url).path == "/login/code/":  # staff and finance: the second step
        _check_page(crawl, page, "/login/code/", english)
        page.fill("#id_code", second_factor_code(crawl.role, DEMO_TOTP_SECRET))
        page.click("#code-form button[type=submit]")
        page.wait_for_url(lambda url: urlsplit(url).path != "/login/code/")


def crawl_as(
    browser: Any,
    base: str,
    role: str,
    english: list[EnglishText],
    expected: dict[str, Expected],
) -> Crawl:
    crawl = Crawl(role=role, base=base)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    _watch(crawl, context, page)
    try:
        _log_in(crawl, page, english)
        seen = {"/login/", "/"}
        shapes: dict[str, int] = {}
        # Portal pages first, then the Django admin, so the admin never crowds them out.
        portal: deque[tuple[str, str]] = deque([("/", "(login)")])
        admin: deque[tuple[str, str]] = deque()
        crawl.clicks["/"] = 0
        while portal or admin:
            path, referrer = (portal or admin).popleft()
            if "?" in path and urlsplit(path).path in crawl.files:
                continue
            if crawl.pages + crawl.downloads >= MAX_PAGES:
                left = len(portal) + len(admin) + 1
                crawl.report(
                    "Crawl incomplete",
                    f"stopped after {MAX_PAGES} pages with {left} links left, e.g. {path}",
                )
                break
            final, links = _visit(crawl, page, path, referrer, english)
            crawl.visited.update({path, final})
            seen.add(final)
            if final != path:  # a redirect: the page shown is as far away as the link
                crawl.parent.setdefault(final, crawl.parent.get(path, referrer))
                crawl.clicks.setdefault(final, crawl.clicks[path])
            for link in _same_origin(crawl, links):
                key, limit = shape(link)
                if link in seen or shapes.get(key, 0) >= limit:
                    continue
                seen.add(link)
                shapes[key] = shapes.get(key, 0) + 1
                crawl.parent[link] = final
                crawl.clicks[link] = crawl.clicks[final] + 1
                (admin if link.startswith("/admin/") else portal).append((link, final))
        crawl.current = "(the browser, for every page)"
        favicon = context.request.get(f"{base}/favicon.ico", timeout=TIMEOUT_MS)
        if favicon.status >= 400:
            crawl.answer(
                favicon.status, "GET /favicon.ico (asked for by the browser on every page)"
            )
        for path, want in expected.items():
            if path not in crawl.visited:
                direct = context.request.get(base + path, max_redirects=0, timeout=TIMEOUT_MS)
                crawl.report(
                    "Pages no link leads to",
                    f"{path} ({want.what}); opened directly it answers {direct.status}",
                )
            elif crawl.clicks[path] > want.clicks:
                crawl.report(
                    "Pages too many clicks away from the dashboard",
                    f"{path} ({want.what}): {crawl.clicks[path]} clicks instead of at most "
                    f"{want.clicks}; the shortest way: {crawl.way_to(path)}",
                )
    finally:
        context.close()
    return crawl


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo_billing", stdout=io.StringIO())
    call_command("seed_demo_support", stdout=io.StringIO())


@pytest.fixture(scope="module")
def english() -> list[EnglishText]:
    catalogue = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    return english_texts(catalogue)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_portal_links_to_works_for(  # type: ignore[no-untyped-def]
    role: str, demo: None, live_server, browser, english: list[EnglishText]
) -> None:
    started = time.monotonic()
    crawl = crawl_as(browser, live_server.url, role, english, expected_pages(role))
    summary = crawl.summary() + f"\n(crawl took {time.monotonic() - started:.0f} s)"
    if target := os.environ.get("STIMME_CRAWL_REPORT"):  # a copy to work from, e.g. /tmp/crawl
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / f"{role}.txt").write_text(summary + "\n", encoding="utf-8")
    assert crawl.pages > 1, summary
    assert not crawl.problems, summary
