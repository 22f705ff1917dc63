"""What the browser journeys share: one Chromium, the live server, axe-core and a visitor.

- `browser`: one headless Chromium for the whole session (Debian's, or
  $NURTURE_CHROMIUM); each person in a test gets a fresh context from
  `new_visitor`. A missing Chromium or axe-core fails the tests: bin/test
  decides whether they run at all.
- `site`: the live server's address. The live server needs a transactional
  database, which is emptied after every test, so the framework edition the data
  migration loads is restored before each test (serialized rollback). Uploads go
  to a temporary folder, and the cache (allauth's rate limits) starts empty.
- `Visitor`: one person at one tab, working with a mouse or by keyboard alone.
  It runs axe-core on every page it reaches and fails the test on any serious or
  critical WCAG 2.2 AA problem, and on any Content-Security-Policy violation the
  browser reports (an inline script or style, a source the policy refuses), on
  arrival and again when the test ends. Every page is also shown in a 390 px wide
  tab, where it must not scroll sideways, and a page that shows an error summary
  (after a failed submit) must have put the focus on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, Route, expect, sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test thread,
# and Django refuses database calls from such a thread unless told otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("NURTURE_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 10_000

# The browser reports each CSP violation in its console ("... violates the following
# Content Security Policy directive ..."); with JavaScript on, the page's
# `securitypolicyviolation` event is reported there too, with where it happened.
CSP_MARK = "Content Security Policy"
_CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`Content Security Policy violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});"""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((node) => node.target.join(' ')),
  }));
}"""
# Where the focus is, whether it shows (an outline or a ring drawn with a box
# shadow), and whether it is on `target` (an element, or null). Focus on a part
# the browser draws itself, such as a date field's calendar button, reports the
# field as focused without matching :focus; its ring is the browser's own.
_FOCUS = """(target) => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return {onPage: false, visible: false, isTarget: false, description: 'nothing on the page'};
  }
  const ours = element.matches(':focus');
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const name = (element.getAttribute('aria-label') || element.textContent || element.name || element.id || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 60);
  return {
    onPage: ours,
    visible: !ours || outlined || style.boxShadow !== 'none',
    isTarget: element === target,
    description: `<${element.tagName.toLowerCase()}> ${name}`,
  };
}"""


def check_accessibility(page: Page, *, auditor: Page | None = None) -> None:
    """Fail on any serious or critical WCAG 2.2 AA problem axe-core finds on the page.

    axe-core is JavaScript, so a page shown without JavaScript is audited in
    `auditor`, a tab that runs it: the same HTML is served there at the same
    address, so its styles load as they did for the person.
    """
    audited = page if auditor is None else _replayed(page, auditor)
    if not audited.evaluate("typeof window.axe === 'object'"):
        audited.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = audited.evaluate(_AXE_RUN, WCAG_TAGS)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        problems = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    {v['helpUrl']}\n    on: {', '.join(v['targets'])}"
            for v in blocking
        )
        where = path_of(page.url)
        pytest.fail(f"axe-core found {len(blocking)} serious or critical problem(s) on {where}:\n{problems}")


def _replayed(page: Page, auditor: Page) -> Page:
    html = page.content()
    address = page.url.split("#", 1)[0]

    def same_address(url: str) -> bool:
        return url == address

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    auditor.route(same_address, serve)
    try:
        auditor.goto(address)
    finally:
        auditor.unroute(same_address, serve)
    return auditor


# Whether the page scrolls sideways, and if so the widest elements that reach past its
# right edge (outside any box that scrolls or clips on its own, such as .table-scroll).
_SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) {
    return null;
  }
  const edge = root.clientWidth;
  const clipped = (element) => {
    let parent = element.parentElement;
    while (parent && parent !== document.body && parent !== root) {
      if (getComputedStyle(parent).overflowX !== 'visible') {
        return true;
      }
      parent = parent.parentElement;
    }
    return false;
  };
  const describe = (element) => {
    const classes = [...element.classList].map((name) => `.${name}`).join('');
    const id = element.id ? `#${element.id}` : '';
    const text = (element.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    const width = Math.round(element.getBoundingClientRect().width);
    return `<${element.tagName.toLowerCase()}${id}${classes}> ${width} px wide: "${text}"`;
  };
  const offenders = [...document.body.querySelectorAll('*')]
    .filter((element) => element.getBoundingClientRect().right > edge + 1 && !clipped(element))
    .sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: edge,
    widest: offenders.slice(0, 3).map(describe),
  };
}"""


def check_fits_a_phone(page: Page, *, phone: Page) -> None:
    """Fail when the page, shown 390 px wide, scrolls sideways (WCAG 1.4.10 Reflow).

    The same HTML is served at the same address in `phone`, a 390 px wide tab, so
    every page is checked at a phone's width whatever size the person's tab is."""
    sideways: dict[str, Any] | None = _replayed(page, phone).evaluate(_SIDEWAYS)
    if sideways:
        widest = "\n".join(f"- {element}" for element in sideways["widest"]) or "- (no single element found)"
        pytest.fail(
            f"{path_of(page.url)} scrolls sideways at {PHONE['width']} px: it is {sideways['scrollWidth']} px wide"
            f" in a {sideways['clientWidth']} px window. Widest elements past the edge:\n{widest}"
        )


def check_focus_on_error_summary(page: Page) -> None:
    """After a failed submit the focus must be on the error summary (it has `autofocus`)."""
    summary = page.locator(".error-summary")
    if summary.count() == 0:
        return
    # The browser moves the focus as it renders the page: give it a moment.
    for _ in range(20):
        state = focus(page, summary.first)
        if state["isTarget"]:
            return
        page.wait_for_timeout(50)
    assert state["isTarget"], (
        f"{path_of(page.url)} shows an error summary, but the focus is on {state['description']}: "
        "give the summary tabindex=-1 and autofocus (core/error_summary.html)"
    )


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


Target = Locator | str | Callable[[Page], bool]


def focus(page: Page, target: Target | None = None) -> dict[str, Any]:
    """Where the focus is, in one round trip: onPage, visible, isTarget, description."""
    if target is None or (callable(target) and not isinstance(target, Locator)):
        state: dict[str, Any] = page.evaluate(_FOCUS, None)
        if target is not None:
            state["isTarget"] = bool(target(page))
        return state
    locator = page.locator(target) if isinstance(target, str) else target
    return dict(locator.evaluate(_FOCUS))


def tab_to(page: Page, target: Target, *, max_presses: int = 200) -> None:
    """Press Tab until `target` (a locator, a CSS selector or a test of the page) has focus.

    Every stop on the way must show where the focus is (WCAG 2.4.7).
    """
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        state = focus(page, target)
        assert not state["onPage"] or state["visible"], (
            f"{state['description']} on {path_of(page.url)} has focus but shows no outline"
        )
        if state["isTarget"]:
            return
    pytest.fail(f"Tab did not reach {target} in {max_presses} presses on {path_of(page.url)}")


class Visitor:
    """One person at one tab, using a mouse or, with `keyboard=True`, the keyboard alone.

    Keyboard people move by Tab through the page in order, so steps must come
    in the order the page shows them. Every page reached is checked with axe.
    """

    def __init__(
        self,
        page: Page,
        base_url: str,
        *,
        keyboard: bool = False,
        auditor: Page | None = None,
        phone: Page | None = None,
    ) -> None:
        self.page = page
        self.base_url = base_url
        self.keyboard = keyboard
        self.auditor = auditor
        self.phone = phone
        self.visited: list[str] = []
        self._date_pattern: str | None = None
        self.csp_violations: list[str] = []
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if CSP_MARK in message.text:
            self.csp_violations.append(f"{path_of(self.page.url)}: {message.text}")

    def assert_no_csp_violation(self) -> None:
        if self.csp_violations:
            found, self.csp_violations = self.csp_violations, []
            pytest.fail(f"the browser reported {len(found)} Content-Security-Policy violation(s):\n" + "\n".join(found))

    def visit(self, path: str) -> None:
        """Open an address directly, as from a bookmark or an email."""
        self.page.goto(urljoin(self.base_url, path))
        self._arrived()

    def close_tab_and_open_another(self) -> None:
        """Close this tab, as a person does half-way, and open a fresh one (same cookies)."""
        context = self.page.context
        self.page.close()
        self.page = context.new_page()
        self.page.on("console", self._console)

    def reload(self) -> None:
        self.page.reload()
        self._arrived()

    def follow(self, target: Locator) -> None:
        """Activate a link or a submit button, then wait for the page it leads to."""
        with self.page.expect_navigation():
            if self.keyboard:
                tab_to(self.page, target)
                self.page.keyboard.press("Enter")
            else:
                target.click()
        self._arrived()

    def _arrived(self) -> None:
        self.page.wait_for_load_state()
        self.assert_no_csp_violation()
        check_accessibility(self.page, auditor=self.auditor)
        check_focus_on_error_summary(self.page)
        if self.phone is not None:
            check_fits_a_phone(self.page, phone=self.phone)
        self.visited.append(path_of(self.page.url))

    def type_into(self, field: Locator, text: str) -> None:
        if self.keyboard:
            tab_to(self.page, field)
            self.page.keyboard.type(text)
        else:
            field.fill(text)

    def enter_date(self, field: Locator, day: date) -> None:
        """Type a date: into day, month and year boxes when `field` is their group
        (`core.forms.DateParts`, found by `get_by_role("group", name=...)`), else into a date field."""
        if field.get_by_label("Day", exact=True).count():
            for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
                box = field.get_by_label(part, exact=True)
                self.type_into(box, str(value))
                assert box.input_value() == str(value), f"the {part.lower()} box holds {box.input_value()!r}"
            return
        if self.keyboard:
            tab_to(self.page, field)
            self.page.keyboard.type(day.strftime(self._date_order()))
        else:
            field.fill(day.isoformat())
        assert field.input_value() == day.isoformat(), f"the date field holds {field.input_value()!r}"

    def _date_order(self) -> str:
        """The order a date field takes its digits in, as a strftime pattern.

        It follows the browser's own language, not the page's, so it is found by
        typing into a date field on a scratch page, as a person would.
        """
        if self._date_pattern is None:
            probe = self.page.context.new_page()
            try:
                probe.set_content('<input type="date" aria-label="probe">')
                probe.keyboard.press("Tab")
                probe.keyboard.type("01022003")
                value = probe.get_by_label("probe").input_value()
            finally:
                probe.close()
            patterns = {"2003-01-02": "%m%d%Y", "2003-02-01": "%d%m%Y"}
            assert value in patterns, f"a date field took 01022003 as {value!r}: unknown order"
            self._date_pattern = patterns[value]
        return self._date_pattern

    def choose(self, field: Locator, option: str) -> None:
        if self.keyboard:
            tab_to(self.page, field)
            # A closed select jumps to the option whose text starts with what is typed.
            self.page.keyboard.type(option)
        else:
            field.select_option(label=option)
        chosen = field.evaluate("select => select.selectedOptions[0]?.textContent.trim()")
        assert chosen == option, f"chose {chosen!r} instead of {option!r}"

    def tick(self, box: Locator) -> None:
        """Make sure a checkbox is ticked (some start ticked)."""
        if self.keyboard:
            tab_to(self.page, box)
            if not box.is_checked():
                self.page.keyboard.press("Space")
        else:
            box.check()
        assert box.is_checked()

    def attach(self, field: Locator, files: Any) -> None:
        if self.keyboard:
            tab_to(self.page, field)
            # The keyboard can reach the file field, but Enter opens the operating
            # system's file chooser, which no browser test can drive: the file is
            # handed to the focused field instead.
        field.set_input_files(files)

    def assert_skip_link_is_first_tab_stop(self) -> None:
        """The first Tab on a newly loaded page lands, visibly, on "Skip to main content"."""
        self.page.keyboard.press("Tab")
        skip = self.page.get_by_role("link", name="Skip to main content")
        state = focus(self.page, skip)
        assert state["isTarget"], f"the first Tab stop is {state['description']}"
        assert state["visible"], "the skip link has focus but shows no outline"
        box = skip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"

    def skip_to_main(self) -> None:
        """Use the focused skip link: focus moves to the main content."""
        self.page.keyboard.press("Enter")
        state = focus(self.page, "main#main")
        assert state["isTarget"], f"the skip link moved focus to {state['description']}"

    def open_menu(self) -> None:
        """On a small screen the header's links sit behind "Menu" (a <details>): open it,
        by a click or by Tab and Enter. On a wide screen the links show and this does nothing."""
        button = self.page.locator("header summary.menu-button")
        if not button.is_visible() or self.page.locator("header details.menu[open]").count():
            return
        if self.keyboard:
            tab_to(self.page, button)
            self.page.keyboard.press("Enter")
        else:
            button.click()
        expect(self.page.locator("header details.menu[open]")).to_have_count(1)

    def sign_in_as(self, user: Any) -> None:
        """Give this browser a signed-in session for `user`, for tests that are not about signing in."""
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        self.page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": self.base_url}])


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium, or set NURTURE_CHROMIUM)")
    if not AXE_SCRIPT.is_file():
        missing.append(f"axe-core is not installed at {AXE_SCRIPT} (run npm install in {ROOT})")
    if missing:
        pytest.fail("The browser tests cannot run: " + "; ".join(missing), pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, django_db_serialized_rollback: None, private_media: Path) -> str:
    # The cache holds allauth's rate limits (one confirmation email per address
    # every few minutes): start each journey without an earlier test's.
    cache.clear()
    return str(live_server.url)


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test itself failed, for `new_visitor` to keep screenshots."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def new_visitor(
    request: pytest.FixtureRequest, browser: Browser, site: str, tmp_path: Path
) -> Iterator[Callable[..., Visitor]]:
    """Opens a tab for one more person, in a context (cookies, session) of their own.

    When the test fails, each person's last page is kept as a screenshot.
    """
    contexts: list[BrowserContext] = []
    visitors: list[Visitor] = []

    def context(**options: Any) -> BrowserContext:
        opened = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
        opened.set_default_timeout(WAIT_MS)
        if options.get("java_script_enabled", True):
            # Loading axe-core with each page is faster than adding it afterwards.
            opened.add_init_script(path=str(AXE_SCRIPT))
            opened.add_init_script(script=_CSP_LISTENER)
        contexts.append(opened)
        return opened

    def open_visitor(
        *, keyboard: bool = False, javascript: bool = True, viewport: dict[str, int] | None = None
    ) -> Visitor:
        size = viewport or DESKTOP
        auditor = None if javascript else context(viewport=size).new_page()
        # Every page is shown again 390 px wide, where it must not scroll sideways.
        phone = context(viewport=PHONE).new_page()
        page = context(java_script_enabled=javascript, viewport=size).new_page()
        visitors.append(Visitor(page, site, keyboard=keyboard, auditor=auditor, phone=phone))
        return visitors[-1]

    yield open_visitor
    if request.node.stash.get(_CALL_FAILED, False):
        for number, visitor in enumerate(visitors, 1):
            shot = tmp_path / f"visitor-{number}.png"
            visitor.page.screenshot(path=shot, full_page=True)
            print(f"Visitor {number} was last on {visitor.page.url}: {shot}")
    late = [violation for visitor in visitors for violation in visitor.csp_violations]
    for opened in contexts:
        opened.close()
    if late:
        pytest.fail("the browser reported Content-Security-Policy violation(s):\n" + "\n".join(late))


def link_in(outbox: Sequence[Any], *, to: str, path: str) -> str:
    """The path of the last link to `to` whose path matches the regular expression `path`."""
    for message in reversed(outbox):
        if to in message.to:
            found = re.search(rf"https?://[^/\s]+(?P<path>{path})", message.body)
            assert found, f"no link matching {path} in the email to {to}:\n{message.body}"
            return found["path"]
    pytest.fail(f"no email to {to}; sent: {[(m.to, m.subject) for m in outbox]}")
