"""The Jinja2 environment of the web pages: templates in api/templates, and the filters and URL helpers they
share (links to claims, papers, entities and documents; verdict labels; numbers)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from api.render.text import LABELS, number
from compute.models import Verdict
from kg.iris import parse_iri
from kg.ontology import PREFIXES

TEMPLATES = Path(str(files("api") / "templates"))
STATIC = Path(str(files("api") / "static"))
UNVERIFIED = "unverified"  # a claim no verifier has looked at (before `kg verify`)
VERDICT_LABELS = {**{v.value: label for v, label in LABELS.items()}, UNVERIFIED: "unverified"}
VERDICT_ORDER = [Verdict.refuted.value, Verdict.approximately_supported.value, Verdict.supported.value,
                 Verdict.not_checkable.value, UNVERIFIED]


def claim_url(claim_id: str) -> str:
    return "/ui/claims/" + quote(claim_id, safe="/")


def document_url(document_id: str, highlight: tuple[int, int] | None = None) -> str:
    url = "/ui/documents/" + quote(document_id, safe="/")
    return f"{url}?hl={highlight[0]}-{highlight[1]}#hl" if highlight else url


def paper_url(key: str) -> str:
    return "/ui/papers/" + quote(key, safe="/")


def entity_url(kind: str, key: str) -> str:
    return paper_url(key) if kind == "paper" else f"/ui/entities/{kind}/{quote(key, safe='/')}"


def node_url(iri: str) -> str | None:
    """The page of one of our IRIs (claim, paper, entity, document), or None."""
    try:
        ref = parse_iri(iri)
    except ValueError:
        return None
    if ref.kind == "claim":
        return claim_url(ref.key)
    if ref.kind == "doc":
        return document_url(ref.key)
    if ref.kind in ("paper", "model", "technique", "benchmark", "organisation", "hardware"):
        return entity_url(ref.kind, ref.key)
    return None


def compact(iri: str) -> str:
    """An IRI with a predeclared prefix where one fits (cg:Paper), else as it is."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def with_query(request: Request, **changes: object) -> str:
    """This page's URL with some query parameters changed (None drops one; empty ones are left out)."""
    params = {k: v for k, v in request.query_params.items() if v != ""}
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        params.pop(k, None)
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    env = templates.env
    env.globals.update(claim_url=claim_url, document_url=document_url, paper_url=paper_url, entity_url=entity_url,
                       node_url=node_url, compact=compact, with_query=with_query, verdict_labels=VERDICT_LABELS)
    env.filters.update(number=number, verdict_label=lambda v: VERDICT_LABELS.get(str(getattr(v, "value", v)), v))
    env.trim_blocks = env.lstrip_blocks = True
    return templates


templates = _templates()


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)
