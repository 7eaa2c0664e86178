"""What the pages read, built from the graph once per graph generation and kept until a write changes it:
every claim as a table row (with its claim-level verdict and source file), and the dashboard's numbers."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request

from api.lookup import literal
from api.lookup_claims import claims_page
from api.models import ClaimSummary
from api.resources import Resources
from api.web.templating import UNVERIFIED
from compute.report import VerificationReport
from kg.iris import document_iri
from kg.quotes import SourceTexts
from kg.sparql import DOCUMENT_TYPES, PROLOGUE
from kg.stats import GraphStats, graph_stats
from kg.store import GraphStore

T = TypeVar("T")
_DOCUMENT_SOURCES = PROLOGUE + f"""
SELECT DISTINCT ?doc ?name WHERE {{ {DOCUMENT_TYPES} ?doc a ?type ; prov:wasDerivedFrom/dcterms:identifier ?name }}
"""
_SOURCE_FILES = PROLOGUE + """
SELECT ?name (SAMPLE(?f) AS ?format) (SAMPLE(?c) AS ?chars) (SAMPLE(?l) AS ?lines) (COUNT(DISTINCT ?doc) AS ?documents)
WHERE { ?file a cg:SourceFile ; dcterms:identifier ?name ; cg:sourceFormat ?f ; cg:charCount ?c ; cg:lineCount ?l .
        OPTIONAL { ?doc prov:wasDerivedFrom ?file } } GROUP BY ?name ORDER BY ?name
"""
# What a checked claim is about: its subject, or the one paper its listing entry or abstract presents (an
# article presents many papers, so its claims are not charged to them all).
_SUBJECTS = PROLOGUE + """
SELECT DISTINCT ?id ?node ?type ?name WHERE {
  VALUES ?id { %s }
  ?claim dcterms:identifier ?id .
  { ?claim cg:subject ?node }
  UNION { ?claim prov:wasDerivedFrom ?doc . ?doc a ?one ; schema:about ?node . VALUES ?one { cg:ListingEntry cg:ArxivAbstract } }
  ?node a ?type . VALUES ?type { cg:Paper cg:Model } OPTIONAL { ?node rdfs:label|dcterms:title ?name }
}
"""


@dataclass(frozen=True)
class ClaimRow:
    claim: ClaimSummary
    verdict: str  # the claim-level verdict (most severe of its verifications), or "unverified"
    source: str


@dataclass(frozen=True)
class SourceFileRow:
    name: str
    format: str
    chars: int
    lines: int
    documents: int
    claims: int
    last_verified: str | None  # the latest verification's end time; the graph records no ingest time


@dataclass(frozen=True)
class Tally:
    iri: str
    name: str
    type: str
    refuted: int
    checked: int


@dataclass(frozen=True)
class Dashboard:
    stats: GraphStats
    report: VerificationReport
    sources: list[SourceFileRow]
    most_refuted: dict[str, list[Tally]]  # "Paper" / "Model" -> subjects with refuted claims, most first


def claim_rows(store: GraphStore, report: VerificationReport) -> list[ClaimRow]:
    summaries, _ = claims_page(store, "?claim a cg:Claim .", 10**9, 0)
    sources = {row["doc"]: row["name"] for row in store.select(_DOCUMENT_SOURCES)}
    verdicts = {c.claim_id: c.verdict.value if c.verifications else UNVERIFIED for c in report.claims}
    return [ClaimRow(c, verdicts.get(c.id, UNVERIFIED), sources.get(document_iri(c.document), ""))
            for c in summaries]


def _most_refuted(store: GraphStore, report: VerificationReport) -> dict[str, list[Tally]]:
    checked = [c for c in report.claims if c.verdict.value != "not_checkable"]
    if not checked:
        return {"Paper": [], "Model": []}
    rows = store.select(_SUBJECTS % " ".join(literal(c.claim_id) for c in checked))
    refuted = {c.claim_id for c in checked if c.verdict.value == "refuted"}
    names: dict[tuple[str, str], str] = {}
    counts: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        key = (row["node"], row["type"].rsplit("#", 1)[-1])
        names[key] = row.get("name") or names.get(key) or row["node"].rsplit("/", 1)[-1]
        counts.setdefault(key, Counter())["refuted" if row["id"] in refuted else "other"] += 1
    tallies = [Tally(iri, names[(iri, kind)], kind, n["refuted"], n["refuted"] + n["other"])
               for (iri, kind), n in counts.items()]
    tallies.sort(key=lambda t: (-t.refuted, -t.checked, t.name))
    return {kind: [t for t in tallies if t.type == kind][:10] for kind in ("Paper", "Model")}


def dashboard(store: GraphStore, report: VerificationReport, rows: list[ClaimRow]) -> Dashboard:
    claims = Counter(row.source for row in rows)
    verified: dict[str, str] = {}
    for item in report.claims:
        for v in item.verifications:
            verified[v.source] = max(verified.get(v.source, ""), v.ended)
    sources = [SourceFileRow(r["name"], r["format"], int(r["chars"]), int(r["lines"]), int(r["documents"]),
                             claims[r["name"]], verified.get(r["name"]) or None) for r in store.select(_SOURCE_FILES)]
    sources.sort(key=lambda s: (s.last_verified or "", s.name), reverse=True)
    return Dashboard(graph_stats(store), report, sources, _most_refuted(store, report))


@dataclass
class WebViews:
    """The pages' views of the graph, each rebuilt once the graph's generation moves on."""

    _views: dict[str, tuple[int, object]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _texts: SourceTexts | None = None

    def claim_rows(self, resources: Resources) -> list[ClaimRow]:
        return self._view(resources, "claims", lambda: claim_rows(resources.store, resources.verification_report()))

    def dashboard(self, resources: Resources) -> Dashboard:
        rows = self.claim_rows(resources)
        return self._view(resources, "dashboard",
                          lambda: dashboard(resources.store, resources.verification_report(), rows))

    def source_text(self, resources: Resources, name: str) -> str | None:
        """A source file's text, from the answerer's copies or the seeds directory; None if neither has it."""
        if resources.answerer is not None:
            found = resources.answerer.texts.get(name)
            if found is not None:
                return found
        if self._texts is None:
            self._texts = SourceTexts([resources.settings.seeds_path])
        return self._texts.get(name)

    def _view(self, resources: Resources, name: str, build: Callable[[], T]) -> T:
        generation = resources.store.generation
        with self._lock:
            cached = self._views.get(name)
        if cached is None or cached[0] != generation:
            cached = (generation, build())
            with self._lock:
                self._views[name] = cached
        return cached[1]  # type: ignore[return-value]


def views(request: Request) -> WebViews:
    """The app's WebViews (set up by api.web.install_web)."""
    return request.app.state.web_views
