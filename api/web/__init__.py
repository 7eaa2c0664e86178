"""The web interface: server-rendered pages (Jinja2 templates in api/templates, CSS and a little JavaScript in
api/static, no build step, nothing fetched from elsewhere) served by the same app as the API. Every page is a
plain GET address that works without JavaScript; the script only adds conveniences (shortcuts, auto-submit).

    /                         dashboard: counts, verdicts and coverage, most-refuted papers and models, sources
    /ui/claims                claims table: ?verdict= &kind= &unit= &subject= &source= &q= &sort= &order= &limit= &offset=
    /ui/claims/{id}           one claim: its sentence in its paragraph, the verification trace, plots
    /ui/papers, /ui/papers/{arXiv id or key}
    /ui/entities, /ui/entities/{key or kind/key}
    /ui/documents/{id}        a document's text, mentions and claims marked; ?hl=<start>-<end> marks a quote
    /ui/sparql                SPARQL editor: ?query= or ?example=<named query>; /ui/sparql/download?query=&format=
    /ui/ask                   questions: ?q= &k=
    /static/...               style.css, app.js

The pages are left out of the OpenAPI schema (they are not API); their errors are HTML pages with the
problem's status, while the API keeps answering application/problem+json.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import ask_page, claims, dashboard, records, sparql_editor
from api.web.templating import STATIC
from api.web.views import WebViews


def install_web(app: FastAPI) -> None:
    """Add the pages, the static files, and the pages' per-generation views to the app."""
    app.state.web_views = WebViews()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (dashboard, claims, records, sparql_editor, ask_page):
        app.include_router(module.router)
    app.include_router(dashboard.fallback)  # last: every other /ui/ address is a not-found page
