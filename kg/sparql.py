"""Named SPARQL queries over the union of per-file graphs, QueryError, run_query (materialised results for the
CLI and API), and literal-to-Python conversion."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Literal as Kind

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Triple, serialize

from kg.ontology import PREFIXES

if TYPE_CHECKING:  # kg.store imports QueryError from here
    from kg.store import GraphStore

# Strings, IRIs and comments, which may hold any word: blanked out before a query's keywords are looked for.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*',
    re.DOTALL,
)


def code_only(sparql: str) -> str:
    """The query with its strings, IRIs and comments blanked out, so keywords in them are not taken for code."""
    return _NOT_CODE.sub(" ", sparql)


PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


class QueryError(ValueError):
    """A SPARQL query or update was rejected; ``message`` is the engine's own (parser position included)."""

    def __init__(self, message: str, sparql: str) -> None:
        super().__init__(message)
        self.message = message
        self.sparql = sparql


def _named(body: str) -> str:
    return PROLOGUE + body.strip() + "\n"


DOCUMENT_TYPES = "VALUES ?type { cg:Article cg:ListingEntry cg:ArxivAbstract }"
ENTITY_TYPES = "VALUES ?type { cg:Paper cg:Model cg:Technique cg:Benchmark cg:Organisation cg:Hardware }"

# Counts use DISTINCT because a node described in two files' graphs shows up twice in the union.
COUNT_DOCUMENTS = _named(f"SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ {DOCUMENT_TYPES} ?doc a ?type }}")
COUNT_PAPERS = _named("SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE { ?paper a cg:Paper }")
COUNT_CLAIMS = _named("SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a cg:Claim }")
COUNT_TRIPLES = _named("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
PAPERS_BY_SOURCE = _named("""
SELECT ?source (COUNT(DISTINCT ?paper) AS ?n) WHERE {
  GRAPH ?g { ?file a cg:SourceFile ; dcterms:identifier ?source . OPTIONAL { ?paper a cg:Paper } }
} GROUP BY ?source
""")
ENTITIES_BY_TYPE = _named(f"""
SELECT ?type (COUNT(DISTINCT ?entity) AS ?n) WHERE {{ {ENTITY_TYPES} ?entity a ?type }} GROUP BY ?type
""")

ENTITIES = _named(f"""
SELECT DISTINCT ?entity ?type ?key ?name WHERE {{
  {ENTITY_TYPES} ?entity a ?type ; dcterms:identifier ?key ; rdfs:label ?name
}}
""")
ENTITY_ALIASES = _named("SELECT DISTINCT ?entity ?alias WHERE { ?entity skos:altLabel ?alias }")
ENTITY_FACTS = _named("""
SELECT DISTINCT ?entity ?name ?value WHERE { ?entity cg:hasFact ?fact . ?fact cg:factName ?name ; cg:factValue ?value }
""")


def _span(var: str) -> str:
    # a span's two selectors carry disjoint properties, so these two patterns never cross-multiply
    return f"?{var} oa:hasSelector [ oa:start ?{var}Start ; oa:end ?{var}End ] , [ oa:exact ?{var}Exact ] ."


def _values(var: str, iri: str | None) -> str:
    # our IRIs are percent-encoded and never contain '>', so they can be spliced in
    return f"VALUES ?{var} {{ <{iri}> }}" if iri is not None else ""


def spans_query(span: str | None = None) -> str:
    """Offsets and text of every span, or of one span IRI."""
    where = f"{_values('span', span)} ?span a cg:Span . {_span('span')}"
    return _named(f"SELECT ?span ?spanStart ?spanEnd ?spanExact WHERE {{ {where} }}")


CLAIMS_TEMPLATE = f"""
SELECT DISTINCT ?claim ?id ?doc ?kind ?quantity ?expression ?subject ?target ?targetText ?benchmark
  ?span ?spanStart ?spanEnd ?spanExact ?sent ?sentStart ?sentEnd ?sentExact
  ?qty ?qtyStart ?qtyEnd ?qtyExact ?value ?low ?high ?unit ?comparator ?precision ?inWords
WHERE {{
  %(filter)s
  ?claim a cg:Claim ; dcterms:identifier ?id ; prov:wasDerivedFrom ?doc ; cg:claimKind ?kind ;
         cg:quantityKind ?quantity ; cg:hasSpan ?span ; cg:inSentence/cg:hasSpan ?sent .
  {_span("span")}
  {_span("sent")}
  OPTIONAL {{ ?claim cg:quantitySpan ?qty . {_span("qty")} }}
  OPTIONAL {{ ?claim cg:expression ?expression }}
  OPTIONAL {{ ?claim cg:subject ?subject }}
  OPTIONAL {{ ?claim cg:comparisonTarget ?target }}
  OPTIONAL {{ ?claim cg:targetText ?targetText }}
  OPTIONAL {{ ?claim cg:benchmark ?benchmark }}
  OPTIONAL {{ ?claim cg:value ?value }}
  OPTIONAL {{ ?claim cg:lowValue ?low }}
  OPTIONAL {{ ?claim cg:highValue ?high }}
  OPTIONAL {{ ?claim cg:unit ?unit }}
  OPTIONAL {{ ?claim cg:comparator ?comparator }}
  OPTIONAL {{ ?claim cg:precision ?precision }}
  OPTIONAL {{ ?claim cg:inWords ?inWords }}
}} ORDER BY ?id
"""


def claims_query(document: str | None = None, claims: list[str] | None = None) -> str:
    """Every claim with its spans and quantity, or one document IRI's claims, or the claims with these IRIs."""
    chosen = "VALUES ?claim { %s }" % " ".join(f"<{iri}>" for iri in claims) if claims is not None else ""
    return _named(CLAIMS_TEMPLATE % {"filter": _values("doc", document) + chosen})


SENTENCE_MENTIONS = _named(
    "SELECT DISTINCT ?sentence ?entity WHERE { ?m a cg:Mention ; cg:refersTo ?entity ; cg:inSentence ?sentence }"
)
DOCUMENT_MENTIONS = _named("SELECT DISTINCT ?doc ?entity WHERE { ?doc cg:mentions ?entity }")
# Who cites: the papers a citing document presents, or the document itself when it presents none (articles).
CITATIONS = _named("""
SELECT DISTINCT ?citing ?cited WHERE {
  ?doc cg:cites ?cited .
  OPTIONAL { ?doc schema:about ?paper }
  BIND(COALESCE(?paper, ?doc) AS ?citing)
  FILTER(?citing != ?cited)
}
""")
# Spans lacking a selector, or whose quoted text is not as long as their offsets say (a SHACL check done here
# because pyshacl is too slow for it; see kg/shapes.ttl).
SPAN_MISMATCHES = _named("""
SELECT DISTINCT ?span ?start ?end ?exact WHERE {
  ?span a cg:Span .
  OPTIONAL { ?span oa:hasSelector ?position . ?position oa:start ?start ; oa:end ?end }
  OPTIONAL { ?span oa:hasSelector ?quote . ?quote oa:exact ?exact }
  FILTER (!BOUND(?start) || !BOUND(?exact) || ?end - ?start != STRLEN(?exact))
}
""")
NODE_LABELS = _named("""
SELECT ?node (SAMPLE(?t) AS ?type) (SAMPLE(COALESCE(?label, ?title, ?arxiv)) AS ?name) WHERE {
  ?node a ?t .
  VALUES ?t { cg:Paper cg:Model cg:Technique cg:Benchmark cg:Organisation cg:Hardware
              cg:Article cg:ListingEntry cg:ArxivAbstract }
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL { ?node dcterms:title ?title }
  OPTIONAL { ?node cg:arxivId ?arxiv }
} GROUP BY ?node
""")

NAMED_QUERIES: dict[str, str] = {
    "count_documents": COUNT_DOCUMENTS,
    "count_papers": COUNT_PAPERS,
    "papers_by_source": PAPERS_BY_SOURCE,
    "entities_by_type": ENTITIES_BY_TYPE,
    "count_claims": COUNT_CLAIMS,
    "count_triples": COUNT_TRIPLES,
    "entities": ENTITIES,
    "entity_aliases": ENTITY_ALIASES,
    "entity_facts": ENTITY_FACTS,
    "spans": spans_query(),
    "claims": claims_query(),
    "sentence_mentions": SENTENCE_MENTIONS,
    "document_mentions": DOCUMENT_MENTIONS,
    "citations": CITATIONS,
    "node_labels": NODE_LABELS,
    "span_mismatches": SPAN_MISMATCHES,
}

_XSD = PREFIXES["xsd"]
_INTEGERS = {f"{_XSD}{name}" for name in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_DOUBLES = {f"{_XSD}{name}" for name in ("double", "float", "decimal")}


def literal_value(term: Literal) -> str | float | int | bool:
    """A literal as the Python value it was written from: integers, doubles, booleans, else its text."""
    datatype = term.datatype.value
    if datatype in _INTEGERS:
        return int(term.value)
    if datatype in _DOUBLES:
        return float(term.value)
    if datatype == f"{_XSD}boolean":
        return term.value in ("true", "1")
    return term.value


Term = NamedNode | BlankNode | Literal | Triple


def _term_json(term: Term) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    return {"type": "triple", "value": str(term)}


@dataclass(frozen=True)
class QueryOutcome:
    """A materialised query result: a table for SELECT, a boolean for ASK, N-Triples for CONSTRUCT/DESCRIBE."""

    kind: Kind["select", "ask", "graph"]
    variables: list[str]
    rows: list[list[str | None]]  # SELECT cells: an IRI, a literal's lexical form, a blank node id, or None
    json_text: str  # SPARQL 1.1 JSON results (SELECT, ASK) or JSON-LD (CONSTRUCT, DESCRIBE)
    text: str  # tab-separated table, "true"/"false", or N-Triples

    def as_json(self) -> str:
        return self.json_text

    def as_text(self) -> str:
        return self.text


def _select(result: QuerySolutions) -> QueryOutcome:
    variables = [v.value for v in result.variables]
    solutions = [[row[v] for v in variables] for row in result]
    rows = [[None if term is None else term.value for term in row] for row in solutions]
    bindings = [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in solutions]
    lines = ["\t".join(f"?{v}" for v in variables), *("\t".join(c or "" for c in row) for row in rows)]
    return QueryOutcome(
        kind="select", variables=variables, rows=rows,
        json_text=json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}),
        text="\n".join(lines) + "\n",
    )


def run_query(store: GraphStore, sparql: str) -> QueryOutcome:
    """Run any query form over the union graph and materialise it; QueryError for bad or failing queries."""
    result = store.query(sparql)
    try:
        if isinstance(result, QuerySolutions):
            return _select(result)
        if isinstance(result, QueryBoolean):
            value = bool(result)
            return QueryOutcome(kind="ask", variables=[], rows=[], json_text=json.dumps({"head": {}, "boolean": value}),
                                text=str(value).lower())
        triples = list(result)
    except (RuntimeError, OSError) as error:  # raised while results stream, e.g. a failing SERVICE call
        raise QueryError(str(error), sparql) from error
    return QueryOutcome(
        kind="graph", variables=[], rows=[],
        json_text=serialize(triples, format=RdfFormat.JSON_LD).decode(),
        text=serialize(triples, format=RdfFormat.N_TRIPLES).decode(),
    )
