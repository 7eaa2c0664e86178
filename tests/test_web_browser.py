"""End-to-end tests of the web pages in a real browser: Debian's Chromium, headless, driven by Playwright for
Python against the real server (uvicorn on 127.0.0.1) over the verified seed store with a BM25-only index.

Skipped unless Chromium and Playwright are installed: `apt-get install chromium` and `pip install -e .[test]`
(the browser is Debian's, at /usr/bin/chromium or $CLAIMGRAPH_CHROMIUM; never `playwright install`).
Screenshots of every page go to test-artifacts/web/.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, free_port

CHROMIUM = Path(os.environ.get("CLAIMGRAPH_CHROMIUM", "/usr/bin/chromium"))
HOW_TO_ENABLE = ("browser tests need Debian's Chromium and Playwright for Python: `apt-get install chromium` and "
                 "`pip install -e .[test]` (set CLAIMGRAPH_CHROMIUM for another path; never `playwright install`)")
if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}: {HOW_TO_ENABLE}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason=f"Playwright is not installed: {HOW_TO_ENABLE}")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CLAIM_WITH_PLOT = "000_ece389bdadead4ee/article/c21620-21624"
QUESTION = "How many parameters does Qwen1.5-MoE have in total?"
PAGES = {
    "dashboard": "/",
    "claims": "/ui/claims",
    "claims-refuted": "/ui/claims?verdict=refuted",
    "claim": f"/ui/claims/{CLAIM_WITH_PLOT}",
    "papers": "/ui/papers",
    "paper": "/ui/papers/2403.08540",
    "entities": "/ui/entities",
    "entity": "/ui/entities/dbrx",
    "document": "/ui/documents/000_ece389bdadead4ee/article?hl=8798-8897#hl",
    "sparql": "/ui/sparql?example=entities_by_type",
    "ask": "/ui/ask?q=How+many+parameters+does+Qwen1.5-MoE+have+in+total%3F",
}


@pytest.fixture(scope="module")
def server(verified_settings) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1, in a thread, for this module."""
    import uvicorn

    from api.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(verified_settings), host="127.0.0.1", port=port, log_level="warning")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not served.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A page with JavaScript on; it collects console errors and failed responses as it goes."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda message: tab.console_errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


def shoot(tab, name: str) -> None:
    """A screenshot of the whole page; of the window only for long documents (a 55k-character article is
    too tall to capture whole in reasonable time)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    whole = "/ui/documents/" not in tab.url
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=whole)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_without_console_errors(page, name: str) -> None:
    response = page.goto(PAGES[name])
    assert response is not None and response.status == 200
    assert page.locator("h1").first.is_visible()
    assert page.locator("main#main").count() == 1 and page.locator("nav[aria-label=Main]").count() == 1
    shoot(page, name)
    assert page.console_errors == []


def test_filter_the_claims_table(page) -> None:
    page.goto("/ui/claims")
    page.select_option("#f-verdict", "refuted")  # the script submits the form when a select changes
    page.wait_for_url("**/ui/claims?*verdict=refuted*")
    badges = page.locator("#claims-table tbody td .badge")
    assert badges.count() >= 1 and all(text.strip() == "refuted" for text in badges.all_inner_texts())
    page.get_by_role("link", name="Value").click()  # sort by value, server-side
    page.wait_for_url("**sort=value*")
    assert page.locator("th[aria-sort=ascending]").text_content().strip().startswith("Value")
    assert "kind=" not in page.url  # the script leaves empty filters out of the address
    shoot(page, "claims-filtered")


def test_open_a_claim_from_the_table(page) -> None:
    page.goto("/ui/claims?q=%E2%89%88%2020")  # "≈ 20"
    link = page.locator("#claims-table tbody th a").first
    claimed = link.inner_text()
    link.click()
    page.wait_for_url("**/ui/claims/000_**")
    assert page.locator("#claim-span").inner_text() == claimed
    assert page.locator("figure.plot svg").count() == 1
    assert page.locator("article.verification").count() >= 1
    shoot(page, "claim-opened")


def test_run_a_sparql_query_from_the_editor(page) -> None:
    page.goto("/ui/sparql")
    page.fill("#query", "SELECT ?model ?name WHERE { ?model a cg:Model ; rdfs:label ?name } ORDER BY ?name LIMIT 7")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 7
    csv = page.request.get(page.locator(".downloads a", has_text="csv").get_attribute("href"))
    assert csv.ok and csv.headers["content-type"].startswith("text/csv") and csv.text().startswith("model,name")
    shoot(page, "sparql-results")
    page.fill("#query", "SELECT * WHERE {\n  ?s ?p")
    page.press("#query", "Control+Enter")  # the script's shortcut submits the form
    page.wait_for_selector("#query-error")
    assert "at line 2, column" in page.locator("#query-error h2").inner_text()
    assert page.locator("#query-error .caret").is_visible()
    shoot(page, "sparql-error")


def test_ask_a_question_and_follow_each_quote_to_its_source(page) -> None:
    page.goto("/ui/ask")
    page.fill("#q", QUESTION)
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("#answer")
    assert page.locator("#answer").inner_text() == "14.3B"
    links = page.locator("#cot a.quote-link")
    assert links.count() >= 1
    quotes = [(a.inner_text(), a.get_attribute("href"), a.get_attribute("data-file"), int(a.get_attribute("data-start")),
               int(a.get_attribute("data-end"))) for a in links.all()]
    shoot(page, "ask-answered")
    for shown, href, file, start, end in quotes:
        source = (SEEDS / file).read_text(encoding="utf-8")
        assert shown == source[start:end] and shown in source
        page.goto(href)
        assert page.locator("mark#hl").inner_text() == shown
        assert page.evaluate("document.activeElement.id") == "hl"  # brought into view and focused
    shoot(page, "ask-quote-source")


def test_keyboard_reaches_the_skip_link_and_the_controls(page) -> None:
    page.goto("/ui/claims")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("experts")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=experts*")
    assert page.locator("#claims-table tbody tr").count() >= 1
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("g")
    page.keyboard.press("s")
    page.wait_for_url("**/ui/sparql")


def test_pages_work_with_javascript_off(browser, server) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        tab.goto("/ui/claims")
        tab.select_option("#f-verdict", "supported")
        assert "verdict=supported" not in tab.url  # nothing submits by itself...
        tab.get_by_role("button", name="Filter").click()  # ...the plain form does
        tab.wait_for_url("**verdict=supported*")
        badges = tab.locator("#claims-table tbody td .badge").all_inner_texts()
        assert badges and set(badges) == {"supported"}
        shoot(tab, "claims-no-js")
        tab.goto("/ui/sparql")
        tab.get_by_role("link", name="count claims").click()
        assert tab.locator("#results tbody tr").count() == 1
        tab.goto("/ui/ask")
        tab.fill("#q", QUESTION)
        tab.get_by_role("button", name="Ask").click()
        assert tab.locator("#answer").inner_text() == "14.3B"
    finally:
        context.close()
