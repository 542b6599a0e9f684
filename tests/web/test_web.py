"""The search page (web/) in Debian's Chromium, driven by Playwright, against a real
`backqa serve` on a free 127.0.0.1 port. The index is the shipped library plus two fixture
documents whose titles, headings and text carry markup and scripts (tests/web_fixtures/)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from helpers import ARTIFACTS, LIBRARY, PROJECT, WEB_FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FIXTURES = WEB_FIXTURES
BACKQA = Path(sys.executable).with_name("backqa")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
QUESTION = "why does my back hurt after hills"
OFF_TOPIC = "how do I bake sourdough bread with rye flour"
XSS_QUESTION = "back pain <img src=x onerror=alert(1)> after running"
FIXTURE_QUESTION = "hill repeats downhill stride lower back"

if not Path(CHROMIUM).exists():  # `make test` installs it (make chromium)
    pytest.skip(f"{CHROMIUM} is missing: run `make chromium`", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


class Server:
    """`backqa serve --index DIR` on a free port, as a subprocess."""

    def __init__(self, index_dir: Path, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.index_dir = index_dir
        self.env = env or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180.0) -> Server:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "BACKQA_RELOAD_INTERVAL": "30", **self.env}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(BACKQA), "serve", "--port", str(self.port), "--index", str(self.index_dir)],
                cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"backqa serve exited with {self.process.returncode}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                if get_json(f"{self.base}/readyz")["status"] == "ready":
                    # The first question loads the model: do it here, not inside a test's timeout.
                    get_json(f"{self.base}/api/search?q=warm+up&k=1")
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"backqa serve was not ready within {timeout}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def api(self, path: str, **params: object) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        return get_json(f"{self.base}{path}{query}")


@pytest.fixture(scope="module")
def web_index(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Path:
    """The shipped library plus the markup fixtures, indexed once with the real model."""
    from backqa.ingest.pipeline import IngestPipeline

    root = tmp_path_factory.mktemp("web")
    library = root / "ingest"
    shutil.copytree(LIBRARY, library)
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, library / fixture.name)
    summary = IngestPipeline(root / "index", root, encoder_factory=lambda: real_encoder,
                             progress=False).ingest([library])
    assert summary.version is not None and not summary.problems, summary.problems
    return root / "index"


@pytest.fixture(scope="module")
def server(web_index: Path) -> Iterator[Server]:
    srv = Server(web_index, web_index.parent / "serve.log").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shipped_server(shipped_index_dir: Path) -> Iterator[Server]:
    """The shipped library alone, for the screenshots the README shows."""
    srv = Server(shipped_index_dir, shipped_index_dir.parent / "serve.log").start()
    yield srv
    srv.stop()


@dataclass
class Watched:
    """A page with what it did behind the scenes: dialogs opened, errors logged or thrown."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"
        assert self.page_errors == [], f"uncaught errors: {self.page_errors}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"


def open_page(browser: Any, viewport: dict[str, int] = DESKTOP,
              color_scheme: str = "light") -> Watched:
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    context.set_default_timeout(30_000)
    page = context.new_page()
    watched = Watched(page)

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: watched.console_errors.append(m.text)
            if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.page_errors.append(str(e)))
    return watched


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = open_page(browser)
    yield w
    w.page.context.close()


def ask(page: Any, question: str) -> None:
    page.fill("#q", question)
    page.press("#q", "Enter")
    wait_settled(page)


def wait_settled(page: Any) -> None:
    """Wait until the search shows an outcome: results, no match or an error."""
    page.wait_for_selector("#results .result, #results .empty-state, #results .error-box")
    # Waiting is done from Python: the page's CSP forbids the eval that wait_for_function needs.
    page.locator("#results[aria-busy]").wait_for(state="detached")


def shown_results(page: Any) -> list[dict[str, str]]:
    return page.eval_on_selector_all("#search-view .result-list > .result", """items =>
        items.map(li => ({
            title: li.querySelector('.result-title a').textContent,
            href: li.querySelector('.result-title a').getAttribute('href'),
            kind: li.querySelector('.kind').textContent,
            text: li.querySelector('.passage').textContent,
            mark: (li.querySelector('.passage mark') || {}).textContent || null,
        }))""")


def url_question(page: Any) -> list[str] | None:
    return parse_qs(urlparse(page.url).query).get("q")


def passage_id_of(href: str) -> str:
    return parse_qs(urlparse(href).query)["passage"][0]


def test_question_shows_ranked_results_in_the_url_through_reload_and_back(
        server: Server, watched: Watched) -> None:
    page = watched.page
    response = page.goto(server.base + "/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert page.evaluate("document.activeElement.id") == "q", "the box is focused on load"
    assert page.locator("label[for=q]").inner_text().strip()
    assert page.locator("#examples").is_visible()

    ask(page, QUESTION)
    expected = server.api("/api/search", q=QUESTION, k=5)["results"]
    shown = shown_results(page)
    assert expected and len(shown) == len(expected)
    assert [s["text"] for s in shown] == [r["text"] for r in expected], "the service's ranking"
    assert [s["title"] for s in shown] == [r["source"]["title"] for r in expected]
    assert shown[0]["mark"] == expected[0]["highlight"] and shown[0]["mark"]
    assert shown[0]["kind"] in {"Article", "Forum question"} or shown[0]["kind"].startswith(
        "Forum answer #")
    assert url_question(page) == [QUESTION]
    assert not page.locator("#examples").is_visible()
    assert page.get_attribute("#status", "aria-live") == "polite"
    assert "5 answers" in page.inner_text("#status") or str(len(shown)) in page.inner_text(
        "#status")

    page.reload()
    wait_settled(page)
    assert shown_results(page) == shown, "reload shows the same results"
    assert page.input_value("#q") == QUESTION

    page.go_back()
    page.wait_for_selector("#examples", state="visible")
    assert url_question(page) is None
    assert page.locator("#results .result").count() == 0
    assert page.input_value("#q") == ""

    page.go_forward()
    wait_settled(page)
    assert shown_results(page) == shown
    watched.assert_quiet()


def test_example_question_runs_when_clicked(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    # Record what the page shows while the request is in flight (the loading state).
    page.evaluate("""() => {
        window.seen = [];
        const results = document.querySelector('#results');
        const status = document.querySelector('#status');
        new MutationObserver(() => window.seen.push({
            busy: results.getAttribute('aria-busy'), status: status.textContent,
        })).observe(document.querySelector('#search-view'),
                    {subtree: true, childList: true, attributes: true, characterData: true});
    }""")
    example = page.locator("#examples button.example").first
    text = example.inner_text().strip()
    example.click()
    wait_settled(page)
    seen = page.evaluate("window.seen")
    assert any(s["busy"] == "true" and s["status"].startswith("Searching") for s in seen), seen
    assert page.evaluate("document.activeElement.id") == "q"
    assert url_question(page) == [text]
    assert page.input_value("#q") == text
    expected = server.api("/api/search", q=text, k=5)["results"]
    assert [s["text"] for s in shown_results(page)] == [r["text"] for r in expected]

    # The button searches too.
    page.fill("#q", QUESTION)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("q") == [QUESTION])
    wait_settled(page)
    expected = server.api("/api/search", q=QUESTION, k=5)["results"]
    assert [s["text"] for s in shown_results(page)] == [r["text"] for r in expected]
    watched.assert_quiet()


def test_show_in_context_opens_the_neighbourhood_and_the_whole_source(
        server: Server, watched: Watched) -> None:
    page = watched.page
    question = "what can runners do to relieve back pain"
    page.goto(server.base + "/?" + urlencode({"q": question}))
    wait_settled(page)
    shown = shown_results(page)
    contexts = [server.api(f"/api/passages/{passage_id_of(s['href'])}") for s in shown]
    with_neighbours = [i for i, c in enumerate(contexts) if c["before"] or c["after"]]
    assert with_neighbours, "the question should hit a passage with neighbours"
    i = with_neighbours[0]
    context = contexts[i]
    card = page.locator("#search-view .result-list > .result").nth(i)
    button = card.get_by_role("button", name="Show in context")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    panel = page.locator("#" + button.get_attribute("aria-controls"))
    current = panel.locator(".ctx-passage.current")
    current.wait_for()
    assert context["passage"]["text"] in current.text_content()
    neighbour = (context["before"][-1] if context["before"] else context["after"][0])["text"]
    assert neighbour in panel.text_content()
    assert page.url.endswith("/?" + urlencode({"q": question})), "still on the same page"

    whole = panel.get_by_role("button", name="Show the whole")
    whole.click()
    region = panel.locator(".whole-source-scroll")
    region.wait_for()
    source = server.api(f"/api/sources/{context['source']['id']}")
    assert region.locator(".src-passage").count() == len(source["passages"])
    assert region.locator(".src-passage.current").text_content().endswith(
        context["passage"]["text"])

    button.click()
    assert button.get_attribute("aria-expanded") == "false"
    assert panel.is_hidden()
    watched.assert_quiet()


def test_off_topic_question_shows_no_match(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    ask(page, OFF_TOPIC)
    state = page.locator("#results .empty-state")
    assert state.is_visible(), (
        "no-match state expected; the service answered no_match="
        f"{server.api('/api/search', q=OFF_TOPIC)['no_match']}")
    assert "nothing on this question" in state.inner_text()
    assert "rephras" in state.inner_text()
    assert "Nothing in the library" in page.inner_text("#status")
    # Its suggestions run like the examples.
    suggestion = state.locator("button.example").first
    text = suggestion.inner_text().strip()
    suggestion.click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("q") == [text])
    wait_settled(page)
    assert page.locator("#results .result").count() > 0
    watched.assert_quiet()


def test_unknown_source_shows_the_services_message(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/?source=no-such-source")
    page.wait_for_selector("#source-status [role=alert]")
    assert page.inner_text("#source-title") == "Source not available"
    message = page.inner_text("#source-status")
    assert "404" in message and "no source with id" in message


def test_stopped_server_shows_the_error_state(web_index: Path, browser: Any) -> None:
    srv = Server(web_index, web_index.parent / "serve-stopped.log").start()
    w = open_page(browser)
    try:
        page = w.page
        page.goto(srv.base + "/")
        page.locator("#q:focus").wait_for()
        srv.stop()
        ask(page, QUESTION)
        error = page.locator("#results .error-box[role=alert]")
        assert error.is_visible()
        assert "cannot be reached" in error.inner_text()
        assert page.inner_text("#status") == "The search did not work."
        assert error.get_by_role("button", name="Try again").is_visible()
        assert w.dialogs == [] and w.page_errors == []
    finally:
        srv.stop()
        w.page.context.close()


def test_markup_in_questions_and_documents_stays_text(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    ask(page, XSS_QUESTION)
    assert XSS_QUESTION in page.inner_text("#status")
    assert XSS_QUESTION in page.title()
    assert page.locator("#main img, #main script").count() == 0

    ask(page, FIXTURE_QUESTION)
    shown = shown_results(page)
    fixture_titles = {s["title"] for s in shown if "<" in s["title"]}
    assert fixture_titles >= {'Hill Repeats <script>alert("title")</script> and the Lower Back'}
    all_text = page.inner_text("#results")
    assert "<" in all_text  # the markup is on screen as characters
    for card in page.locator("#search-view .result-list > .result").all():
        card.get_by_role("button", name="Show in context").click()
    page.locator(".context[aria-busy], .whole-source[aria-busy]").first.wait_for(state="detached")
    page.wait_for_selector(".whole-source-scroll .src-passage")

    page.goto(server.base + "/?view=sources")
    page.wait_for_selector(".source-item")
    page.get_by_role("link", name='Hill Repeats <script>alert("title")</script> and the Lower Back'
                     ).click()
    page.wait_for_selector("#source-body .src-passage")
    body = page.inner_text("#source-view")
    assert '<img src=x onerror=alert("passage")>' in body
    assert 'Spam <b onmouseover=alert("heading")>in the comments</b>' in body
    assert "alert(\"head script\")" not in body, "the cleaner drops real scripts"

    injected = page.evaluate(r"""() => ({
        scripts: [...document.scripts].map(s => s.src),
        images: [...document.querySelectorAll('#main img')].length,
        handlers: [...document.querySelectorAll('#main *')].filter(
            e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        jsLinks: [...document.querySelectorAll('#main a')].filter(
            a => /^\s*javascript:/i.test(a.getAttribute('href') || '')).length,
    })""")
    assert injected == {"scripts": [server.base + "/app.js"], "images": 0, "handlers": 0,
                        "jsLinks": 0}
    page.wait_for_timeout(300)  # give any stray handler a moment to fire
    watched.assert_quiet()


def test_keyboard_alone_reaches_the_box_results_and_their_controls(
        server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    page.evaluate("document.activeElement.blur()")

    def focused() -> dict[str, Any]:
        return page.evaluate("""() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            return {id: e.id, tag: e.tagName, cls: e.className, text: e.textContent.trim(),
                    inResult: !!e.closest('.result'), expanded: e.getAttribute('aria-expanded'),
                    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
        }""")

    def tab_until(predicate: Any, limit: int = 40) -> dict[str, Any]:
        for _ in range(limit):
            page.keyboard.press("Tab")
            now = focused()
            if predicate(now):
                return now
        raise AssertionError("Tab never reached the element")

    box = tab_until(lambda f: f["id"] == "q")
    assert box["outline"] != "none" and box["outlineWidth"] >= 2, "visible focus"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    wait_settled(page)

    link = tab_until(lambda f: f["inResult"] and f["tag"] == "A")
    assert link["outline"] != "none" and link["outlineWidth"] >= 2
    toggle = tab_until(lambda f: f["inResult"] and f["expanded"] is not None)
    assert toggle["text"] == "Show in context" and toggle["expanded"] == "false"
    page.keyboard.press("Enter")
    assert focused()["expanded"] == "true"
    page.wait_for_selector(".context:not([hidden]) .ctx-where")
    whole = tab_until(lambda f: f["inResult"] and f["text"].startswith("Show the whole"))
    page.keyboard.press("Space")
    assert focused()["expanded"] != whole["expanded"], "Space toggles the whole source"
    watched.assert_quiet()


def test_sources_view_lists_the_library_and_reads_each_in_full(
        server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    page.get_by_role("link", name="Sources").click()
    page.wait_for_selector(".source-item")
    listed = server.api("/api/sources")["sources"]
    assert page.locator(".source-item").count() == len(listed)
    assert urlparse(page.url).query == "view=sources"
    thread = next(s for s in listed if s["kind"] == "forum-thread")
    page.get_by_role("link", name=thread["title"]).click()
    page.wait_for_selector("#source-body .src-passage")
    detail = server.api(f"/api/sources/{thread['id']}")
    assert page.inner_text("#source-title") == thread["title"]
    assert page.locator("#source-body .src-passage").count() == len(detail["passages"])
    body = page.inner_text("#source-body")
    assert "Question" in body and "Answer #1" in body
    page.go_back()
    page.wait_for_selector("#sources-view:not([hidden]) .source-item")
    watched.assert_quiet()


def test_medical_notice_is_shown_above_the_results(server: Server, watched: Watched) -> None:
    question = "my lower back hurts after running and my leg goes numb and tingles"
    notice = server.api("/api/search", q=question)["notice"]
    assert notice is not None, "the service attaches no medical notice to this question"
    page = watched.page
    page.goto(server.base + "/?" + urlencode({"q": question}))
    wait_settled(page)
    box = page.locator("#notice-area .notice")
    assert box.get_attribute("role") in {"note", "alert"}
    assert notice["message"] in box.inner_text()
    above = page.evaluate("""() => {
        const n = document.querySelector('#notice-area .notice');
        const r = document.querySelector('#results .result');
        return !r || !!(n.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert above
    watched.assert_quiet()


def test_page_helpers_count_offsets_in_code_points_and_refuse_script_urls(
        server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.base + "/")
    # The best sentence occurs twice; the offsets name the second, after some emoji.
    best = "Hills load the lower back 💥 when you lean."
    text = f"{best} Ouch 🏃‍♀️😖 after hills. {best} Rest."
    start = text.rindex(best)  # Python offsets count code points, as the service's do
    got = page.evaluate("""async ([text, best, start, end]) => {
        const render = await import('/render.js');
        const dom = await import('/dom.js');
        const api = await import('/api.js');
        const hit = {highlight: best, highlight_start: start, highlight_end: end};
        const [a, b] = render.highlightRange(text, hit);
        return {
            marked: text.slice(a, b),
            second: a === text.lastIndexOf(best),
            fallback: render.highlightRange(text, {...hit, highlight_start: 90, highlight_end: 99}),
            kinds: [render.kindLabel('article'), render.kindLabel('forum-question'),
                    render.kindLabel('forum-answer', 3), render.kindLabel('forum-thread')],
            urls: ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x',
                   'https://example.org/a?b', 'not a url'].map(dom.safeHttpUrl),
            detail: [api.detailMessage({detail: 'no source'}),
                     api.detailMessage({detail: [{loc: ['query', 'q'], msg: 'too long'}]})],
        };
    }""", [text, best, start, start + len(best)])
    assert got["marked"] == best and got["second"]
    assert got["fallback"] is not None  # found by its text when the offsets do not fit
    assert got["kinds"] == ["Article", "Forum question", "Forum answer #3", "Forum thread"]
    assert got["urls"] == [None, None, None, "https://example.org/a?b", None]
    assert got["detail"] == ["no source", "q: too long"]
    watched.assert_quiet()


@pytest.mark.parametrize(("name", "viewport", "scheme"), [
    ("desktop", DESKTOP, "light"), ("phone", PHONE, "light"), ("phone-dark", PHONE, "dark")])
def test_screenshot_at_desktop_and_phone_width(shipped_server: Server, browser: Any, name: str,
                                               viewport: dict[str, int], scheme: str) -> None:
    w = open_page(browser, viewport, scheme)
    try:
        page = w.page
        page.goto(shipped_server.base + "/?" + urlencode({"q": QUESTION}))
        wait_settled(page)
        page.evaluate("document.activeElement.blur()")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"no sideways scrolling at {viewport['width']}px"
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"web-{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
        w.assert_quiet()
    finally:
        w.page.context.close()


def test_topic_chips_filter_and_agreement_names_on_demand(server: Server,
                                                          watched: Watched) -> None:
    question = "how do I prevent back pain when I run"
    body = server.api("/api/search", q=question, k=5)
    counts = body["topic_counts"]
    assert counts.get("prevention"), counts
    page = watched.page
    page.goto(server.base + "/?" + urlencode({"q": question}))
    wait_settled(page)
    chips = page.locator("#facet-area .chip")
    assert chips.first.inner_text() == "All topics"
    assert chips.first.get_attribute("aria-pressed") == "true"
    assert f"Prevention ({counts['prevention']})" in chips.all_inner_texts()

    page.click("#facet-area .chip[data-topic=prevention]")
    wait_settled(page)
    assert parse_qs(urlparse(page.url).query).get("topic") == ["prevention"]
    filtered = server.api("/api/search", q=question, k=5, topic="prevention")["results"]
    assert [r["text"] for r in shown_results(page)] == [r["text"] for r in filtered]
    tags = page.eval_on_selector_all("#results .result", """items => items.map(li =>
        [...li.querySelectorAll('.topic-tag')].map(t => t.textContent))""")
    assert tags and all("Prevention" in t for t in tags)
    assert page.locator("#facet-area .chip[data-topic=prevention]").get_attribute(
        "aria-pressed") == "true"

    agreeing = [r for r in filtered if len(r["agreeing_sources"] or []) > 1]
    if agreeing:
        first = page.locator("#results .result").nth(filtered.index(agreeing[0]))
        button = first.locator("button.agreement")
        n = len(agreeing[0]["agreeing_sources"])
        assert button.inner_text().strip() == f"Said by {n} of {body['source_count']} sources"
        names = first.locator(".agreeing-sources li")
        assert not first.locator(".agreeing-sources").is_visible()
        button.click()
        assert names.count() == n
        assert agreeing[0]["source"]["title"] in names.first.inner_text()

    page.click("#facet-area .chip >> text=All topics")
    wait_settled(page)
    assert parse_qs(urlparse(page.url).query).get("topic") is None
    watched.assert_quiet()
