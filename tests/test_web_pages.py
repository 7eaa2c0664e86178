"""The web pages, server-side (no browser needed): every page answers HTML with its key content, filters and
sorting run on the server, errors are HTML pages on /ui/ while the API keeps problem+json, and the pages stay
out of the OpenAPI schema."""

from __future__ import annotations

import re
import time
import tomllib
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.conftest import ROOT, SEEDS
from tests.test_api_errors import assert_problem

CLAIM_WITH_PLOT = "000_ece389bdadead4ee/article/c21620-21624"  # scaling.optimal_multiplier: supported, with a plot
REFUTED_CLAIM = "000_ece389bdadead4ee/article/c6045-6048"  # arithmetic.size_ratio: refuted, inputs are claims
QUESTION = "How many parameters does Qwen1.5-MoE have in total?"


@pytest.fixture(scope="module")
def web(verified_settings):
    with TestClient(create_app(verified_settings)) as client:
        yield client


def html(response) -> str:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return response.text


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>.*?</tr>", body, re.DOTALL)


def marked_quote(page: str) -> str:
    """The text of the quote marked on a document page (mentions and claims inside it are marks of their own)."""
    marked = re.search(r'<mark id="hl" class="quote" tabindex="-1">(.*?)</mark>', page, re.DOTALL)
    assert marked, "no marked quote"
    return unescape(re.sub(r"<[^>]+>", "", marked[1]))


def test_dashboard_counts_verdicts_and_sources(web: TestClient) -> None:
    summary = web.get("/reports/verification").json()["summary"]
    page = html(web.get("/"))
    assert "<h1>Dashboard</h1>" in page and 'href="#main"' in page and '<main id="main"' in page
    assert f"<strong>{summary['checked']}</strong> of <strong>{summary['claims']}</strong> numeric claims" in page
    assert page.count('<svg class="chart"') >= 3 and "Most-refuted models" in page and "Most-refuted papers" in page
    for name in ("000_ece389bdadead4ee.txt", "003_6cf4c1c6134e3cdc.txt"):
        assert f"/ui/claims?source={name}" in page
    assert 'href="/ui/claims?verdict=refuted"' in page


def test_claims_table_filters_sorts_and_pages_on_the_server(web: TestClient) -> None:
    page = html(web.get("/ui/claims"))
    assert "<strong>631</strong> of 631 claims" in page and len(rows(page)) == 50 and 'rel="next"' in page
    assert '<th scope="col"' in page and "<caption>" in page
    refuted_total = web.get("/reports/verification").json()["summary"]["by_verdict"]["refuted"]
    refuted = html(web.get("/ui/claims", params={"verdict": "refuted"}))
    assert len(rows(refuted)) == refuted_total >= 1 and all('class="badge v-refuted"' in row for row in rows(refuted))
    sized = html(web.get("/ui/claims", params={"kind": "size", "unit": "parameters", "sort": "value", "order": "desc"}))
    values = [float(v) for v in re.findall(r'<td class="num">([-\d.e+]+)</td>', sized)]
    assert values and values == sorted(values, reverse=True)
    assert 'aria-sort="descending"' in sized
    by_source = html(web.get("/ui/claims", params={"source": "001_2517cdbbfddb583d.txt", "limit": 500}))
    assert len(rows(by_source)) == 124
    assert "No claim matches" in html(web.get("/ui/claims", params={"q": "no such claim text"}))
    second = html(web.get("/ui/claims", params={"offset": 50}))
    assert "51–100 of 631" in second and 'rel="prev"' in second


def test_claim_page_shows_context_trace_inputs_and_plot(web: TestClient) -> None:
    page = html(web.get(f"/ui/claims/{CLAIM_WITH_PLOT}"))
    assert '<mark class="claim" id="claim-span">≈ 20</mark>' in page and '<mark class="sentence">' in page
    assert "scaling.optimal_multiplier" in page and "Recomputed" in page and "Environment" in page
    assert '<figure class="plot"><svg' in page
    refuted = html(web.get(f"/ui/claims/{REFUTED_CLAIM}"))
    assert 'class="badge v-refuted"' in refuted and "Tolerance" in refuted
    assert 'href="/ui/claims/000_ece389bdadead4ee/article/c2713-2728"' in refuted  # an input, linked to its claim


def test_paper_entity_and_document_pages(web: TestClient) -> None:
    paper = html(web.get("/ui/papers/2403.08540"))
    assert "Language models scale reliably" in paper and "/ui/documents/001_2517cdbbfddb583d/L181" in paper
    entity = html(web.get("/ui/entities/dbrx"))
    assert "<h1>DBRX</h1>" in entity and '<svg class="graph"' in entity and "Databricks" in entity
    assert 'href="/ui/entities/technique/mixture-of-experts"' in entity and "<mark>DBRX</mark>" in entity
    document = html(web.get("/ui/documents/000_ece389bdadead4ee/article"))
    assert 'class="mention"' in document and 'class="claim v-refuted"' in document
    assert html(web.get("/ui/papers", params={"q": "scale reliably"})).count("/ui/papers/arxiv-2403.08540") == 1
    assert "<strong>" in html(web.get("/ui/entities", params={"type": "Model", "q": "llama"}))


def test_document_page_marks_a_quoted_span_exactly(web: TestClient) -> None:
    text = (SEEDS / "000_ece389bdadead4ee.txt").read_text(encoding="utf-8")
    page = html(web.get("/ui/documents/000_ece389bdadead4ee/article", params={"hl": "8798-8897"}))
    assert marked_quote(page) == text[8798:8897]
    assert web.get("/ui/documents/000_ece389bdadead4ee/article", params={"hl": "1-999999999"}).status_code == 400


def test_sparql_editor_runs_examples_and_shows_errors_with_position(web: TestClient) -> None:
    page = html(web.get("/ui/sparql"))
    assert all(f"/ui/sparql?example={name}" in page for name in ("count_papers", "citations", "entities"))
    counted = html(web.get("/ui/sparql", params={"example": "count_papers"}))
    assert re.search(r"<td[^>]*>281<span", counted)
    for key in ("json", "xml", "csv", "tsv"):
        assert f"format={key}" in counted
    bad = web.get("/ui/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p"})
    assert bad.status_code == 400 and "at line 2, column" in html(bad) and 'class="caret"' in bad.text
    constructed = html(web.get("/ui/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"}))
    assert all(f"format={key}" in constructed for key in ("ttl", "nt", "jsonld", "rdfxml", "trig", "nq"))
    refused = web.get("/ui/sparql", params={"query": "SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }"})
    assert refused.status_code == 403 and "SERVICE is disabled" in refused.text


@pytest.mark.parametrize("format,media_type", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
])
def test_sparql_downloads_every_results_format(web: TestClient, format: str, media_type: str) -> None:
    response = web.get("/ui/sparql/download", params={"query": "SELECT ?p WHERE { ?p a cg:Paper } LIMIT 2",
                                                       "format": format})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    assert "attachment" in response.headers["content-disposition"]


@pytest.mark.parametrize("format", ["ttl", "nt", "jsonld", "rdfxml", "trig", "nq"])
def test_sparql_downloads_every_graph_format(web: TestClient, format: str) -> None:
    response = web.get("/ui/sparql/download", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
                                                       "format": format})
    assert response.status_code == 200 and response.content


def test_ask_page_links_each_quote_to_its_exact_span(web: TestClient) -> None:
    page = html(web.get("/ui/ask", params={"q": QUESTION}))
    assert '<p class="answer" id="answer">14.3B</p>' in page and "Oracle passages" in page
    quotes = re.findall(r'<a class="quote-link" href="([^"]+)" data-file="([^"]+)" data-start="(\d+)" data-end="(\d+)">'
                        r'<mark class="quote" id="quote-\d+">(.*?)</mark>', page)
    assert quotes
    for href, file, start, end, shown in quotes:
        source = (SEEDS / file).read_text(encoding="utf-8")
        assert source[int(start):int(end)] == unescape(shown)
        assert marked_quote(html(web.get(unescape(href).split("#")[0]))) == unescape(shown)


def test_ask_page_without_an_index_says_so(verified_settings, tmp_path) -> None:
    settings = verified_settings.model_copy(update={"index_path": tmp_path / "none"})
    with TestClient(create_app(settings)) as client:
        response = client.get("/ui/ask", params={"q": QUESTION})
    assert response.status_code == 503 and "Question answering is off" in html(response)


@pytest.mark.parametrize("url,status", [
    ("/ui/claims/000_x/article/c1-2", 404), ("/ui/papers/0000.00000", 404), ("/ui/entities/no-such-entity", 404),
    ("/ui/documents/000_x/article", 404), ("/ui/nowhere", 404), ("/ui/claims?limit=0", 422),
    ("/ui/sparql?example=nope", 400), ("/ui/sparql/download?query=ASK%7B%7D&format=pdf", 422),
])
def test_page_errors_are_html_pages_with_the_problem_status(web: TestClient, url: str, status: int) -> None:
    response = web.get(url)
    assert response.status_code == status
    assert f"Error {status}" in html(response) and "<h1" in response.text


def test_api_routes_keep_problem_json_and_pages_stay_out_of_the_schema(web: TestClient) -> None:
    assert_problem(web.get("/claims/000_x/article/c1-2"), 404)
    assert_problem(web.get("/nowhere"), 404)
    assert not [path for path in web.app.openapi()["paths"] if path == "/" or path.startswith("/ui")]


def test_an_ambiguous_entity_key_offers_the_choices(web: TestClient) -> None:
    shared = [key for key in ("llama", "gpt-4", "mamba", "transformer") if web.get(f"/entities/{key}").status_code == 409]
    for key in shared:
        page = web.get(f"/ui/entities/{key}")
        assert page.status_code == 409 and "Did you mean one of these?" in page.text


def test_static_files_are_served_and_shipped_as_package_data(web: TestClient) -> None:
    assert web.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert "addEventListener" in web.get("/static/app.js").text
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["api"]
    assert {"templates/*.html", "static/*"} <= set(package_data)


def test_pages_render_in_tens_of_milliseconds_once_warm(web: TestClient) -> None:
    urls = ["/", "/ui/claims", f"/ui/claims/{quote(REFUTED_CLAIM)}", "/ui/entities/dbrx", "/ui/papers/2403.08540",
            "/ui/sparql?example=count_claims", f"/ui/ask?q={quote(QUESTION)}"]
    for url in urls:
        web.get(url)  # warm: the report and the projection are built once per graph generation
    for url in urls:
        started = time.perf_counter()
        assert web.get(url).status_code == 200
        assert time.perf_counter() - started < 0.25, url
