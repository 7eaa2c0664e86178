"""The one format table: every media type the service answers in, what engine format writes it, and content
negotiation over it (RFC 9110 Accept with q-values; an exact type or alias beats a wildcard at equal q)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pyoxigraph import QueryResultsFormat, RdfFormat

from api.problems import NotAcceptable

Kind = Literal["results", "graph", "api"]


@dataclass(frozen=True)
class Format:
    media_type: str  # what the response's Content-Type names
    kind: Kind  # results: SELECT/ASK; graph: CONSTRUCT/DESCRIBE and RDF views; api: the REST JSON bodies
    engine: QueryResultsFormat | RdfFormat | None  # the pyoxigraph writer (None: the API's own JSON)
    aliases: tuple[str, ...] = ()  # other types in Accept that this format answers

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


RESULT_FORMATS = (
    Format("application/sparql-results+json", "results", QueryResultsFormat.JSON, ("application/json",)),
    Format("application/sparql-results+xml", "results", QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("text/csv", "results", QueryResultsFormat.CSV),
    Format("text/tab-separated-values", "results", QueryResultsFormat.TSV),
)
GRAPH_FORMATS = (
    Format("text/turtle", "graph", RdfFormat.TURTLE, ("application/x-turtle",)),
    Format("application/n-triples", "graph", RdfFormat.N_TRIPLES, ("text/plain",)),
    Format("application/ld+json", "graph", RdfFormat.JSON_LD, ("application/json",)),
    Format("application/rdf+xml", "graph", RdfFormat.RDF_XML, ("application/xml", "text/xml")),
    Format("application/trig", "graph", RdfFormat.TRIG),
    Format("application/n-quads", "graph", RdfFormat.N_QUADS),
)
API_JSON = Format("application/json", "api", None)
RESOURCE_FORMATS = (API_JSON, *GRAPH_FORMATS)  # REST look-ups: their JSON, or the same resources as RDF


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _match(format: Format, media_range: str) -> int:
    """How specifically a media range names the format: 2 exactly (or an alias), 1 as type/*, 0 as */*, -1 not."""
    if media_range in (format.media_type, *format.aliases):
        return 2
    if media_range.endswith("/*") and format.media_type.startswith(media_range[:-1]):
        return 1
    return 0 if media_range == "*/*" else -1


def negotiate(accept: str | None, candidates: tuple[Format, ...]) -> Format:
    """The candidate the Accept header prefers; the first candidate when there is no header."""
    if not accept or not accept.strip():
        return candidates[0]
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    for index, format in enumerate(candidates):
        matches = [(specificity, quality) for media, quality in ranges if (specificity := _match(format, media)) >= 0]
        if not matches:
            continue
        specificity, quality = max(matches)  # the most specific range decides the quality (RFC 9110 12.5.1)
        if quality > 0 and (best is None or (quality, specificity, -index) > best):
            best = (quality, specificity, -index)
    if best is None:
        offered = ", ".join(format.media_type for format in candidates)
        raise NotAcceptable(f"cannot answer in any of {accept!r}; available: {offered}", available=offered)
    return candidates[-best[2]]
