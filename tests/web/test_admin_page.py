"""The workbench at /admin and the search page's feedback, in Debian's Chromium against a real
`backqa serve` (admin token and query log on), and axe-core on every page state: no serious
or critical accessibility violation.

axe-core comes from npm (tests/web/package.json; `make install-test` installs it). It is
served to the page from its own origin by Playwright, so the page's strict CSP stays on."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from test_web import (
    DESKTOP,
    OFF_TOPIC,
    PHONE,
    QUESTION,
    Server,
    Watched,
    open_page,
    wait_settled,
)

from helpers import FIXTURES, LIBRARY, PROJECT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

playwright_sync = pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
AXE_PATH = "/__test__/axe.min.js"
TOKEN = "workbench-token-3b9d"
NOTICE_QUESTION = "my lower back hurts after running and my leg goes numb and tingles"
UPLOAD = FIXTURES / "saved-page.html"  # a messy saved web page, not in the library
UPLOAD_QUESTION = "tight hamstrings tilt the pelvis and flatten the lumbar curve"
UPLOAD_TITLE = "Hamstring Tightness and Your Lower Back"
# The site chrome of UPLOAD that cleaning must drop, each shown with the rule that dropped it.
CHROME = ["We use cookies", "Share Tweet", "3 Comments", "Popular posts", "Copyright 2025",
          "Example Running Blog Shoes Training"]

if not AXE.is_file():
    pytest.skip(f"{AXE} is missing: run `make install-test` (npm ci in tests/web)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def workbench_root(tmp_path_factory: pytest.TempPathFactory, real_encoder: Any) -> Path:
    """A project root of its own: a copy of the shipped library, indexed with the real model
    (uploads go into this copy, never into the checkout's library)."""
    from backqa.ingest.pipeline import IngestPipeline

    root = tmp_path_factory.mktemp("workbench")
    shutil.copytree(LIBRARY, root / "ingest")
    summary = IngestPipeline(root / "index", root, encoder_factory=lambda: real_encoder,
                             progress=False).ingest([root / "ingest"])
    assert summary.version is not None and not summary.problems, summary.problems
    return root


@pytest.fixture(scope="module")
def server(workbench_root: Path) -> Iterator[Server]:
    env = {"BACKQA_ROOT": str(workbench_root), "BACKQA_WEB_DIR": str(PROJECT / "web"),
           "BACKQA_ADMIN_TOKEN": TOKEN, "BACKQA_QUERY_LOG": "true",
           "BACKQA_RELOAD_INTERVAL": "0.5"}
    srv = Server(workbench_root / "index", workbench_root / "serve.log", env=env).start()
    yield srv
    srv.stop()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = open_page(browser)
    yield w
    w.page.context.close()


def serve_axe(page: Any, base: str) -> None:
    page.route(base + AXE_PATH, lambda route: route.fulfill(
        path=str(AXE), content_type="text/javascript"))


def serious_violations(page: Any, base: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=base + AXE_PATH)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => `${v.impact} ${v.id}: ${v.help} at ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    return list(found)


def sign_in(page: Any, base: str) -> None:
    page.goto(base + "/admin")
    page.fill("#token", TOKEN)
    page.press("#token", "Enter")
    page.wait_for_selector("#workbench:not([hidden]) #library-table table")
    page.wait_for_selector("#gaps-report h3")


def inspect_upload(page: Any) -> None:
    page.set_input_files("#upload-file", str(UPLOAD))
    page.click("#inspect-button")
    page.wait_for_selector("#inspect-report .inspect-document")


def wait_text(page: Any, selector: str, text: str, timeout: float = 120.0) -> float:
    """Seconds until the element's text contains `text` (polled from Python: the CSP forbids
    the eval that wait_for_function needs)."""
    started = time.monotonic()
    while text not in (page.text_content(selector) or ""):
        assert time.monotonic() - started < timeout, \
            f"{selector} never said {text!r}: {page.text_content(selector)!r}"
        time.sleep(0.1)
    return time.monotonic() - started


# -- accessibility: axe-core on every state of both pages --------------------------------------


@pytest.mark.parametrize("state", ["empty", "results", "notice", "no match"])
def test_search_page_has_no_serious_accessibility_violation(server: Server, watched: Watched,
                                                           state: str) -> None:
    page = watched.page
    serve_axe(page, server.base)
    question = {"empty": None, "results": QUESTION, "notice": NOTICE_QUESTION,
                "no match": OFF_TOPIC}[state]
    page.goto(server.base + ("/" if question is None else "/?" + urlencode({"q": question})))
    if question is not None:
        wait_settled(page)
    if state == "results":
        assert page.locator("#results .result .feedback").count() > 0, "feedback is asked"
    if state == "notice":
        assert page.locator("#notice-area .notice").count() == 1
    if state == "no match":
        assert page.locator("#results .empty-state").count() == 1
    assert serious_violations(page, server.base) == []
    watched.assert_quiet()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_page_has_no_serious_accessibility_violation(server: Server, browser: Any,
                                                          viewport: dict[str, int]) -> None:
    watched = open_page(browser, viewport)
    page = watched.page
    try:
        serve_axe(page, server.base)
        page.goto(server.base + "/admin")
        page.wait_for_selector("#token")
        assert serious_violations(page, server.base) == [], "signed out"
        sign_in(page, server.base)
        inspect_upload(page)
        assert serious_violations(page, server.base) == [], "signed in, with a report"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= viewport["width"], "the page itself never scrolls sideways"
        watched.assert_quiet()
    finally:
        page.context.close()


# -- the workbench ----------------------------------------------------------------------------


def test_token_is_kept_for_the_tab_only_and_never_in_the_url(server: Server,
                                                              browser: Any) -> None:
    watched = open_page(browser)
    page = watched.page
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.base + "/admin")
        page.fill("#token", "wrong-token")
        page.press("#token", "Enter")
        wait_text(page, "#token-status", "refused")
        assert page.evaluate("() => sessionStorage.length") == 0
        sign_in(page, server.base)
        assert page.evaluate("() => Object.values(sessionStorage)") == [TOKEN]
        page.reload()
        page.wait_for_selector("#workbench:not([hidden]) #library-table table")
        assert all(TOKEN not in url for url in [*requests, page.url])
        other_tab = page.context.new_page()
        other_tab.goto(server.base + "/admin")
        other_tab.wait_for_selector("#token")
        assert other_tab.is_hidden("#workbench"), "a new tab asks for the token again"
        page.click("#token-forget")
        assert page.evaluate("() => sessionStorage.length") == 0 and page.is_hidden("#workbench")
    finally:
        page.context.close()
    assert [e for e in watched.console_errors if "401" not in e] == []


def test_keyboard_alone_signs_in_and_reaches_every_control(server: Server,
                                                           watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/admin")
    page.evaluate("document.activeElement.blur()")

    def tab_to(element_id: str, limit: int = 60) -> dict[str, Any]:
        for _ in range(limit):
            page.keyboard.press("Tab")
            now = page.evaluate("""() => {
                const e = document.activeElement, style = getComputedStyle(e);
                return {id: e.id, outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)};
            }""")
            if now["id"] == element_id:
                return dict(now)
        raise AssertionError(f"Tab never reached #{element_id}")

    focus = tab_to("token")
    assert focus["outline"] != "none" and focus["width"] >= 2, "visible focus"
    page.keyboard.type(TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_selector("#workbench:not([hidden]) #library-table table")
    for control in ("library-refresh", "upload-file", "upload-title-input", "upload-kind",
                    "upload-url", "upload-published", "upload-replace", "inspect-button",
                    "reindex-button", "reindex-rebuild", "gaps-refresh"):
        tab_to(control)
    watched.assert_quiet()


def test_an_upload_is_inspected_published_and_found(server: Server, watched: Watched,
                                                    workbench_root: Path) -> None:
    page = watched.page
    sign_in(page, server.base)
    before = page.text_content("#library-status") or ""
    assert UPLOAD_TITLE not in (page.text_content("#library-table") or "")
    inspect_upload(page)
    report = page.locator("#inspect-report")
    assert report.locator(".inspect-document h3").first.inner_text() == UPLOAD_TITLE
    dropped = report.locator("table").first.locator("tbody tr").all_inner_texts()
    for chrome in CHROME:
        rows = [row for row in dropped if chrome in row]
        assert rows, f"{chrome!r} is not shown as dropped"
        rule = rows[0].split("\t")[1].strip()
        assert rule, f"{chrome!r} is shown without the rule that dropped it"
    assert page.locator("#inspect-report .inspect-passage").count() >= 1
    assert not (workbench_root / "ingest" / UPLOAD.name).exists(), "inspect writes nothing"

    page.click("#publish-button")
    seconds = wait_text(page, "#reindex-status", "Published index version")
    print(f"upload published and live {seconds:.1f} s after Publish")
    assert (workbench_root / "ingest" / UPLOAD.name).is_file()
    wait_text(page, "#library-table", UPLOAD_TITLE)
    assert page.text_content("#library-status") != before
    assert "Succeeded" in (page.text_content("#job-history") or "")

    page.goto(server.base + "/?" + urlencode({"q": UPLOAD_QUESTION}))
    wait_settled(page)
    assert page.locator("#results .result-title a").first.inner_text() == UPLOAD_TITLE
    watched.assert_quiet()


def test_a_reindex_shows_progress_and_joins_the_history(server: Server,
                                                        watched: Watched) -> None:
    page = watched.page
    sign_in(page, server.base)
    page.check("#reindex-rebuild")
    page.click("#reindex-button")
    page.wait_for_selector("#job-progress:not([hidden])")
    assert page.is_disabled("#reindex-button"), "one reindex at a time"
    stages = set()
    started = time.monotonic()
    while page.is_visible("#job-progress"):
        stages.add((page.text_content("#job-text") or "").split(":")[0].rstrip("…"))
        assert time.monotonic() - started < 300, "the reindex never finished"
        time.sleep(0.05)
    assert "Published index version" in (page.text_content("#reindex-status") or "")
    assert len(stages - {""}) >= 2, f"progress named its stages: {stages}"
    assert page.locator("#job-history tbody tr").count() >= 1
    watched.assert_quiet()


def test_feedback_and_failed_questions_reach_the_gaps_report(server: Server,
                                                             watched: Watched) -> None:
    page = watched.page
    for _ in range(2):
        page.goto(server.base + "/?" + urlencode({"q": OFF_TOPIC}))
        wait_settled(page)
    page.goto(server.base + "/?" + urlencode({"q": QUESTION}))
    wait_settled(page)
    first = page.locator("#results .result").first
    passage_href = first.locator(".result-title a").get_attribute("href")
    first.get_by_role("button", name="No").click()
    wait_text(page, "#results .result .feedback-said", "Thank you")
    assert first.get_by_role("button", name="Yes").is_disabled(), "one answer per result"

    sign_in(page, server.base)
    gaps = page.locator("#gaps-report table").first.inner_text()
    assert OFF_TOPIC.lower() in gaps.lower()
    unhelpful = page.locator("#gaps-report table").last
    assert unhelpful.locator("a").first.get_attribute("href") == passage_href
    watched.assert_quiet()
