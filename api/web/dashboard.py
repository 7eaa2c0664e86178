"""The dashboard (/): corpus counts, verdicts and coverage as charts, the most-refuted papers and models, and
the source files ingested, latest verified first; and the not-found page of every other /ui/ address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ResourcesDep
from api.problems import NotFound
from api.web.charts import bars, coverage_bar
from api.web.errors import PageRoute
from api.web.templating import VERDICT_LABELS, VERDICT_ORDER, render
from api.web.views import views

router = APIRouter(route_class=PageRoute, include_in_schema=False)
fallback = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse, name="ui_dashboard")
async def dashboard(request: Request, resources: ResourcesDep) -> HTMLResponse:
    board = await resources.runner.run(lambda limits: views(request).dashboard(resources))
    summary = board.report.summary
    verdicts = bars("Checked claims by verdict", [(v, VERDICT_LABELS[v], summary.by_verdict.get(v, 0))
                                                  for v in VERDICT_ORDER[:3]])
    reasons = bars("Why claims are not checkable", [
        ("not_checkable", reason.replace("_", " "), n)
        for reason, n in sorted(summary.by_reason.items(), key=lambda item: -item[1])])
    entities = bars("Entities by type", [(t, t, n) for t, n in board.stats.entities_by_type.items()])
    return render(request, "dashboard.html", board=board, summary=summary, verdict_chart=verdicts,
                  reason_chart=reasons, entity_chart=entities,
                  coverage=coverage_bar(summary.checked, summary.claims))


@fallback.get("/ui/{rest:path}", response_class=HTMLResponse, name="ui_not_found")
async def not_found(rest: str) -> HTMLResponse:
    raise NotFound(f"no page at /ui/{rest}")
