"""The claims table (/ui/claims: filtered, sorted and paged on the server, so it works without JavaScript)
and one claim's page (/ui/claims/{id}: its sentence inside its paragraph, and the verification trace)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import ResourcesDep
from api.lookup_claims import claim_detail
from api.models import ClaimDetail
from api.render.plots import plot_svg
from api.render.text import recomputed
from api.resources import Resources
from api.web.errors import PageRoute
from api.web.templating import VERDICT_ORDER, render
from api.web.text import Mark, annotate, paragraph
from api.web.views import ClaimRow, WebViews, views
from compute.models import Plot
from compute.report import ClaimReport
from ingest.models import ClaimKind

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZES = (25, 50, 100, 250)
SORTS = {
    "id": lambda r: r.claim.id,
    "verdict": lambda r: VERDICT_ORDER.index(r.verdict),
    "kind": lambda r: r.claim.kind.value,
    "text": lambda r: r.claim.text.lower(),
    "value": lambda r: (r.claim.value is None, r.claim.value or 0.0),
    "unit": lambda r: (r.claim.unit is None, r.claim.unit or ""),
    "subject": lambda r: (r.claim.subject is None, r.claim.subject or ""),
    "source": lambda r: r.source,
}
Text = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class Filters:
    verdict: str = ""
    kind: str = ""
    unit: str = ""
    subject: str = ""
    source: str = ""
    q: str = ""

    def keep(self, row: ClaimRow) -> bool:
        c = row.claim
        return ((not self.verdict or row.verdict == self.verdict) and (not self.kind or c.kind.value == self.kind)
                and (not self.unit or (c.unit or "") == self.unit) and (not self.subject or c.subject == self.subject)
                and (not self.source or row.source == self.source)
                and (not self.q or self.q.lower() in c.text.lower() or self.q.lower() in c.quantity.lower()))


def _options(rows: list[ClaimRow]) -> dict[str, list[str]]:
    present = {r.verdict for r in rows}
    return {
        "verdict": [v for v in VERDICT_ORDER if v in present],
        "kind": [k.value for k in ClaimKind],
        "unit": sorted({r.claim.unit for r in rows if r.claim.unit}),
        "subject": sorted({r.claim.subject for r in rows if r.claim.subject}),
        "source": sorted({r.source for r in rows if r.source}),
    }


@router.get("/ui/claims", response_class=HTMLResponse, name="ui_claims")
async def claims_table(
    request: Request, resources: ResourcesDep, verdict: Text = "", kind: Text = "", unit: Text = "",
    subject: Text = "", source: Text = "", q: Text = "",
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "id",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    rows = await resources.runner.run(lambda limits: views(request).claim_rows(resources))
    filters = Filters(verdict, kind, unit, subject, source, q.strip())
    chosen = sorted((r for r in rows if filters.keep(r)), key=SORTS[sort], reverse=order == "desc")
    return render(request, "claims.html", rows=chosen[offset:offset + limit], total=len(chosen), all=len(rows),
                  filters=filters, options=_options(rows), sort=sort, order=order, limit=limit, offset=offset,
                  page_sizes=PAGE_SIZES)


@dataclass(frozen=True)
class ClaimPage:
    claim: ClaimDetail
    excerpt: object  # the paragraph as marked-up HTML
    report: ClaimReport | None
    verdict: str
    used_by: list[ClaimReport]
    plots: dict[int, str]


def _excerpt(resources: Resources, web: WebViews, claim: ClaimDetail):
    marks = [Mark(claim.sentence.start, claim.sentence.end, "mark", {"class": "sentence"}, 1),
             Mark(claim.span.start, claim.span.end, "mark", {"class": "claim", "id": "claim-span"}, 0)]
    text = web.source_text(resources, claim.source)
    if text is None or text[claim.sentence.start:claim.sentence.end] != claim.sentence.surface:
        return annotate(claim.sentence.surface, claim.sentence.start, marks)  # no file at hand: the sentence only
    excerpt, offset = paragraph(text, 0, claim.sentence.start, claim.sentence.end)
    return annotate(excerpt, offset, marks)


@lru_cache(maxsize=64)
def _plot_svg(plot: str) -> str:
    """The plot drawn once (matplotlib takes ~0.2 s a plot), keyed by its JSON."""
    return plot_svg(Plot.model_validate_json(plot))


def claim_page(resources: Resources, web: WebViews, claim_id: str) -> ClaimPage:
    claim = claim_detail(resources.store, claim_id)
    report = resources.verification_report()
    try:
        item: ClaimReport | None = report.claim(claim_id)
    except KeyError:
        item = None
    used_by = [c for c in report.claims if c.claim_id != claim_id and any(
        i.claim_id == claim_id for v in c.verifications for i in v.inputs)]
    plots = {i: _plot_svg(v.plot.model_dump_json()) for i, v in enumerate(item.verifications if item else []) if v.plot}
    verdict = item.verdict.value if item and item.verifications else "unverified"
    return ClaimPage(claim, _excerpt(resources, web, claim), item, verdict, used_by, plots)


@router.get("/ui/claims/{id:path}", response_class=HTMLResponse, name="ui_claim")
async def claim(request: Request, resources: ResourcesDep, id: Annotated[str, Path()]) -> HTMLResponse:
    page = await resources.runner.run(lambda limits: claim_page(resources, views(request), id))
    return render(request, "claim.html", page=page, recomputed=recomputed)
